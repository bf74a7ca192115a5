"""短消息: a conversation between two or more members, its messages (Letter, numbered 1, 2, ...), who takes
part (Participant, with the number of the last message they have read), and who blocks whom."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Format(models.TextChoices):
    MARKDOWN = "markdown", "Markdown"
    BBCODE = "bbcode", "BBCode"


class Conversation(models.Model):
    title = models.CharField(_("title"), max_length=200)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("started by"))
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_at = models.DateTimeField(_("last message"), default=timezone.now)
    # The number of the newest message (messages are never deleted, so also how many there are).
    last_number = models.PositiveIntegerField(default=0)
    last_author_name = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="participants")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)
    # The last message this member has read: the conversation is unread while last_number is above it.
    read_number = models.PositiveIntegerField(default=0)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "member"], name="letters_participant_once")]
        indexes = [models.Index(fields=["member", "left_at"], name="letters_participant_member")]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.conversation_id}"

    @property
    def unread(self) -> bool:
        return self.conversation.last_number > self.read_number


class Letter(models.Model):
    """One message; source as written and the cooked, sanitized HTML, as a forum floor keeps them."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="letters")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    author_name = models.CharField(max_length=60)
    source = models.TextField()
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.BBCODE)
    html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["conversation", "number"], name="letters_letter_number")]
        verbose_name = _("private message")
        verbose_name_plural = _("private messages")

    def __str__(self) -> str:
        return f"{self.conversation_id}#{self.number}"


class LetterSubmission(models.Model):
    """A form's hidden submission key, once per member: a double click sends once."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "key"], name="letters_submission_once")]

    def __str__(self) -> str:
        return f"{self.member_id}:{self.key}"


class Block(models.Model):
    """`member` does not accept conversations from `blocked` (黑名单)."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "blocked"], name="letters_block_once")]

    def __str__(self) -> str:
        return f"{self.member_id} blocks {self.blocked_id}"
