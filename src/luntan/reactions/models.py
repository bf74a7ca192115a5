"""Reactions to what members post: moods (心情) on a thread, one vote per member, and likes (赞) on floors.

The counts a page shows are kept beside the rows that make them (MoodTally per thread and mood,
Thread.mood_count, Floor.like_count, Thread.like_count), written in the vote's or like's transaction, so a
page reads them without counting; `luntan.reactions.services.reactions_recount` rebuilds them from the rows."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Mood(models.Model):
    """精彩, 感动, 搞笑 ...: a feeling a member may give a thread, and what it does to credits. The credit
    effects are per mood: `author_amount` of `author_credit` to the thread's author (a negative amount is
    a cost, taken down to the author's lower limit at most), `voter_amount` of `voter_credit` to the voter
    (a negative amount is a price the voter must be able to pay)."""

    name = models.CharField(_("name"), max_length=10, unique=True)
    icon = models.CharField(_("icon"), max_length=8, help_text=_("An emoji or a short text."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    enabled = models.BooleanField(_("enabled"), default=True)
    author_credit = models.ForeignKey("credits.CreditType", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("credit type for the author"))
    author_amount = models.IntegerField(_("amount for the author"), default=0)
    voter_credit = models.ForeignKey("credits.CreditType", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("credit type for the voter"))
    voter_amount = models.IntegerField(_("amount for the voter"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("mood")
        verbose_name_plural = _("moods")

    def __str__(self) -> str:
        return f"{self.icon} {self.name}"


class MoodVote(models.Model):
    """A member's mood for a thread; changing it changes this row. The rewards it paid are kept here (as
    [[credit type id, delta], ...]) so that a change takes back exactly what was given."""

    thread = models.ForeignKey("forum.Thread", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    mood = models.ForeignKey(Mood, on_delete=models.PROTECT, related_name="votes")
    voted_at = models.DateTimeField(default=timezone.now)
    author_reward = models.JSONField(default=list, blank=True)
    voter_reward = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("mood vote")
        verbose_name_plural = _("mood votes")
        constraints = [models.UniqueConstraint(fields=["thread", "member"], name="moodvote_one_per_thread")]
        indexes = [
            models.Index(fields=["member", "voted_at"], name="moodvote_member_day"),
            models.Index(fields=["voted_at", "mood"], name="moodvote_week"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.thread_id}={self.mood_id}"


class MoodTally(models.Model):
    """How many members gave a thread this mood, now."""

    thread = models.ForeignKey("forum.Thread", on_delete=models.CASCADE, related_name="+")
    mood = models.ForeignKey(Mood, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "mood"], name="moodtally_one_per_mood")]

    def __str__(self) -> str:
        return f"{self.thread_id}:{self.mood_id}={self.count}"


class FloorLike(models.Model):
    """A member's 赞 on a floor. `thread` is the floor's, so a page reads the reader's likes in one query;
    `reward` is what the author earned by it, taken back with the like."""

    floor = models.ForeignKey("forum.Floor", on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey("forum.Thread", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reward = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("like")
        verbose_name_plural = _("likes")
        constraints = [models.UniqueConstraint(fields=["floor", "member"], name="floorlike_one_per_member")]
        indexes = [models.Index(fields=["member", "thread"], name="floorlike_reader")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.floor_id}"
