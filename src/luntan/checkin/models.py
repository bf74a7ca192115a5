"""每日签到: one check-in per member per local day, ranked in the order they came, the reward written to
the credits ledger in the same transaction (luntan.checkin.services)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luntan.checkin.moods import CHOICES


class CheckInSettings(models.Model):
    """The check-in's settings: one row (pk 1), edited in the admin. Defaults as PHPWind's 每日打卡
    (6, +3 a day, at most 30) plus an early-bird bonus for the day's first three."""

    enabled = models.BooleanField(_("check-in open"), default=True)
    credit_type = models.ForeignKey("credits.CreditType", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reward credit type"),
                                    help_text=_("Empty: the credit type in slot 1."))
    reward_base = models.PositiveIntegerField(_("reward on the first day"), default=6)
    reward_step = models.PositiveIntegerField(_("more for each day of the streak"), default=3)
    reward_max = models.PositiveIntegerField(_("highest daily reward"), default=30)
    bonus_first = models.PositiveIntegerField(_("bonus for the day's 1st"), default=10)
    bonus_second = models.PositiveIntegerField(_("bonus for the day's 2nd"), default=5)
    bonus_third = models.PositiveIntegerField(_("bonus for the day's 3rd"), default=3)
    sentence_max_chars = models.PositiveSmallIntegerField(_("longest sentence (characters)"), default=50)

    class Meta:
        verbose_name = _("check-in settings")
        verbose_name_plural = _("check-in settings")
        constraints = [
            models.CheckConstraint(condition=Q(sentence_max_chars__gte=1) & Q(sentence_max_chars__lte=200),
                                   name="checkinsettings_sentence_1_200"),
        ]

    def __str__(self) -> str:
        return str(_("check-in settings"))

    def reward_for(self, streak: int) -> int:
        """6, 9, 12 ... up to the cap: the reward of the streak's day `streak`."""
        return min(self.reward_max, self.reward_base + max(streak - 1, 0) * self.reward_step)

    def bonus_for(self, rank: int) -> int:
        return {1: self.bonus_first, 2: self.bonus_second, 3: self.bonus_third}.get(rank, 0)


class CheckInDay(models.Model):
    """One row per day with a check-in: its count, locked while a check-in takes the next rank."""

    day = models.DateField(primary_key=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.count}"


class CheckIn(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    rank = models.PositiveIntegerField()  # 第N个签到
    mood = models.CharField(max_length=8, choices=CHOICES)
    sentence = models.CharField(max_length=200, blank=True, default="")
    streak = models.PositiveIntegerField()
    reward = models.PositiveIntegerField(default=0)
    bonus = models.PositiveIntegerField(default=0)
    credit_type = models.ForeignKey("credits.CreditType", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    submission_key = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(fields=["member", "day"], name="checkin_once_a_day"),
            models.UniqueConstraint(fields=["day", "rank"], name="checkin_rank_once"),
            models.CheckConstraint(condition=Q(rank__gte=1) & Q(streak__gte=1), name="checkin_rank_streak_pos"),
        ]
        indexes = [models.Index(fields=["member", "-day"], name="checkin_member_days")]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.day}#{self.rank}"

    @property
    def earned(self) -> int:
        return self.reward + self.bonus


class CheckInRecord(models.Model):
    """A member's figures, kept up to date by each check-in so that rankings are one indexed query.
    `streak` is as of `last_day`: it counts today only if last_day is today or yesterday (queries do)."""

    member = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
                                  related_name="checkin_record")
    last_day = models.DateField()
    streak = models.PositiveIntegerField(default=0)
    best_streak = models.PositiveIntegerField(default=0)
    total_days = models.PositiveIntegerField(default=0)
    month = models.DateField()  # the first day of the month `month_days` counts
    month_days = models.PositiveIntegerField(default=0)
    total_reward = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("check-in record")
        verbose_name_plural = _("check-in records")
        indexes = [
            models.Index(fields=["-streak", "last_day"], name="checkinrecord_streak"),
            models.Index(fields=["-total_days"], name="checkinrecord_total"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.streak}/{self.total_days}"
