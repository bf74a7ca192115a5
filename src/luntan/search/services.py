"""Writes of the search app: the words the admin adds to the dictionary. A new word takes effect for text
written from then on and for every query at once; floors indexed before are still found (a query for the
word also asks for the pieces the plain dictionary cut it into, side by side)."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luntan.accounts.models import Member
from luntan.forum import permissions
from luntan.search import text as searchtext
from luntan.search.models import SearchWord

DICTIONARY_VERSION_KEY = "search:dictionary-version"


def clean_word(raw: str) -> str:
    word = searchtext.fold(raw or "").strip()
    if not 2 <= len(word) <= 30:
        raise ValidationError(_("A search word has 2 to 30 characters."), code="word_length")
    if not all(c.isalnum() for c in word):
        raise ValidationError(_("A search word has only letters and digits: no spaces or signs."),
                              code="word_chars")
    return word


def dictionary_changed() -> None:
    """After commit: this process cuts with the new words at once, the others when they next search."""
    searchtext.reload_dictionary()
    try:
        cache.incr(DICTIONARY_VERSION_KEY)
    except ValueError:
        cache.set(DICTIONARY_VERSION_KEY, 1, None)


def search_word_add(*, member: Member, word: str) -> SearchWord:
    permissions.check_manage_forum(member)
    word = clean_word(word)
    with transaction.atomic():
        if SearchWord.objects.filter(word=word).exists():
            raise ValidationError(_("“%(word)s” is in the dictionary already.") % {"word": word}, code="word_taken")
        added = SearchWord.objects.create(word=word, added_by=member)
        transaction.on_commit(dictionary_changed)
    return added


def search_word_remove(*, member: Member, word: SearchWord) -> None:
    permissions.check_manage_forum(member)
    with transaction.atomic():
        SearchWord.objects.filter(pk=word.pk).delete()
        transaction.on_commit(dictionary_changed)
