"""Polls (投票) in a thread, as Discuz!'s forum_poll: 2 to 20 options, single or multiple choice with a
maximum, an optional end, results shown to everyone or only after voting (or after the end), and an
optional public voter list. A member votes once (a ballot, unique per poll and member) for one or more
options (choices). The counts on the poll and its options are kept by the vote service and can be rebuilt
from the ballots (services.poll_recount)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luntan.forum.models import Thread

MIN_OPTIONS, MAX_OPTIONS, MAX_OPTION_CHARS = 2, 20, 80


class Poll(models.Model):
    thread = models.OneToOneField(Thread, on_delete=models.CASCADE, related_name="poll", verbose_name=_("thread"))
    multiple = models.BooleanField(_("multiple choice"), default=False)
    max_choices = models.PositiveSmallIntegerField(_("most choices"), default=1)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    results_after_vote = models.BooleanField(_("results only after voting"), default=False)
    public_voters = models.BooleanField(_("public voter list"), default=False)
    voter_count = models.PositiveIntegerField(_("voters"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        constraints = [
            models.CheckConstraint(condition=Q(max_choices__gte=1) & Q(max_choices__lte=MAX_OPTIONS),
                                   name="poll_max_choices_range"),
            models.CheckConstraint(condition=Q(multiple=True) | Q(max_choices=1), name="poll_single_is_one"),
        ]

    def __str__(self) -> str:
        return f"poll {self.pk} of thread {self.thread_id}"

    def ended(self, now=None) -> bool:
        return self.ends_at is not None and (now or timezone.now()) >= self.ends_at


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(_("option"), max_length=MAX_OPTION_CHARS)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["poll", "position"], name="poll_option_position_unique")]

    def __str__(self) -> str:
        return self.text


class PollBallot(models.Model):
    """One member's vote in a poll: one per member, whatever they chose."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "member"], name="poll_ballot_once")]
        indexes = [models.Index(fields=["poll", "created_at"], name="poll_ballot_time")]

    def __str__(self) -> str:
        return f"ballot of member {self.member_id} in poll {self.poll_id}"


class PollChoice(models.Model):
    """An option chosen on a ballot; carries the poll and member so that a reader's choices are one query."""

    ballot = models.ForeignKey(PollBallot, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="choices")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "option"], name="poll_choice_once")]
        indexes = [models.Index(fields=["poll", "member"], name="poll_choice_reader")]

    def __str__(self) -> str:
        return f"option {self.option_id} on ballot {self.ballot_id}"
