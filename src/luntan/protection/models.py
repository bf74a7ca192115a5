from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# --- 敏感词 (watched words): luntan.protection.words ---------------------------------------------------------


class WatchedWord(models.Model):
    """A word the admin watches for in what members write, and what happens when it is found."""

    class Action(models.TextChoices):
        BLOCK = "block", _("block the post")
        HOLD = "hold", _("hold for approval")
        FLAG = "flag", _("flag for moderators")
        REPLACE = "replace", _("replace with ***")

    word = models.CharField(_("word"), max_length=60)
    # The word as the matcher sees it (folded: width, case, 简繁; letters and digits only): two spellings of
    # one word are one entry.
    key = models.CharField(_("folded form"), max_length=60, unique=True, editable=False)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices, default=Action.REPLACE)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["key"]
        verbose_name = _("watched word")
        verbose_name_plural = _("watched words")

    def __str__(self) -> str:
        return self.word


class WordHit(models.Model):
    """A text let through with a word flagged for moderators (or held on an edit), for the record: the floors
    among them are also in the reports queue; names, signatures and sentences are only here."""

    created_at = models.DateTimeField(_("when"), default=timezone.now)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("member"))
    where = models.CharField(_("where"), max_length=20)
    action = models.CharField(_("action"), max_length=10, choices=WatchedWord.Action.choices)
    words = models.CharField(_("words found"), max_length=200)
    excerpt = models.CharField(_("text"), max_length=300)
    floor = models.ForeignKey("forum.Floor", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("floor"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("watched word found")
        verbose_name_plural = _("watched words found")

    def __str__(self) -> str:
        return f"{self.where}: {self.words}"
