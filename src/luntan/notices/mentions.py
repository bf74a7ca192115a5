"""@name in posts: finding the members a text names (one query), cooking with them, and the per-group cap."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import ngettext

from luntan.accounts.groups import rules_for
from luntan.accounts.models import Member
from luntan.accounts.names import name_key
from luntan.markup.conditions import Cooked, cook_floor
from luntan.markup.mentions import Mentions, candidates

# At most this many different "@words" of one text are looked up; a post naming more is over any cap anyway.
MAX_WORDS = 60


def find_mentions(source: str) -> Mentions | None:
    """The members the text's "@words" may name, or None when it has none (no query then)."""
    if "@" not in source:
        return None
    words = list(dict.fromkeys(candidates(source)))[:MAX_WORDS]
    if not words:
        return None
    least = settings.LUNTAN["USERNAME_MIN_CHARS"]
    # Every prefix of each word: "@张三你好" names 张三 (Chinese has no space after a name).
    keys = {name_key(word[:n]) for word in words for n in range(least, len(word) + 1)}
    rows = Member.objects.filter(name_key__in=keys, is_active=True).values_list("pk", "username", "name_key")
    names = {key: (pk, username, reverse("accounts:profile", args=[pk])) for pk, username, key in rows}
    return Mentions(names=names, key=name_key)


def cook_post(source: str, *, fmt: str, author=None) -> tuple[Cooked, dict[int, str]]:
    """A post cooked: its conditional parts apart (luntan.markup.conditions), its @names linked; and {member
    id: name} of those mentioned (the author's own name is linked but not counted). With an author, more
    mentions than their group allows are refused."""
    mentions = find_mentions(source)
    cooked = cook_floor(source, fmt=fmt, mentions=mentions)
    found = dict(mentions.found) if mentions is not None else {}
    if author is not None:
        found.pop(author.pk, None)
        check_mention_cap(author, len(found))
    return cooked, found


def check_mention_cap(author, count: int) -> None:
    cap = rules_for(author).max_mentions
    if count > cap:
        raise ValidationError(
            ngettext("A post may mention at most %(cap)s member; this one mentions %(count)s. Please remove "
                     "some of the @names.",
                     "A post may mention at most %(cap)s members; this one mentions %(count)s. Please remove "
                     "some of the @names.", cap) % {"cap": cap, "count": count},
            code="mentions_many")
