"""The moderation log: every moderator's action, who did it, to what, when and why."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ModerationLog(models.Model):
    class Action(models.TextChoices):
        STICKY = "sticky", _("sticky")
        UNSTICKY = "unsticky", _("unsticky")
        DIGEST = "digest", _("digest")
        HIGHLIGHT = "highlight", _("highlight")
        LOCK = "lock", _("lock")
        UNLOCK = "unlock", _("unlock")
        CLOSE = "close", _("close")
        OPEN = "open", _("reopen")
        MOVE = "move", _("move")
        MERGE = "merge", _("merge")
        SPLIT = "split", _("split")
        STICK_REPLY = "stick_reply", _("stick reply")
        TYPE = "type", _("set thread type")
        TITLE = "title", _("edit title")
        EDIT = "edit", _("edit floor")
        DELETE = "delete", _("delete")
        RESTORE = "restore", _("restore")
        PURGE = "purge", _("purge")
        APPROVE = "approve", _("approve")
        REJECT = "reject", _("reject")
        REPORT = "report", _("handle report")
        WARN = "warn", _("warn")
        BAN = "ban", _("ban")
        UNBAN = "unban", _("lift ban")

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+", verbose_name=_("moderator"))
    actor_name = models.CharField(_("moderator"), max_length=30)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # What it was done to: a thread (with its board), a floor of it, or a member. Ids, not foreign keys:
    # the record outlives a purged thread. The title/name is kept as it was then.
    board = models.ForeignKey("forum.Board", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("board"))
    thread_id = models.PositiveIntegerField(null=True, blank=True)
    floor_number = models.PositiveIntegerField(null=True, blank=True)
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("member"))
    subject = models.CharField(_("on what"), max_length=200, blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("moderation record")
        verbose_name_plural = _("moderation log")
        indexes = [
            models.Index(fields=["board", "-created_at"], name="modlog_board_recent"),
            models.Index(fields=["actor", "-created_at"], name="modlog_actor_recent"),
            models.Index(fields=["thread_id", "-created_at"], name="modlog_thread_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.subject}"
