"""The search app's own rows: the words the admin adds to the dictionary. (The index itself is a SQLite FTS5
virtual table or a PostgreSQL table with a tsvector, made by the migrations for one vendor only, and written
with SQL by luntan.search.index.)"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchWord(models.Model):
    """A word that must stay one word when text is cut into words (a game's name, a slang word...), as board
    names and member names do."""
    word = models.CharField(_("word"), max_length=30, unique=True)
    added_at = models.DateTimeField(_("added"), default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("added by"))

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word
