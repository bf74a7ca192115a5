"""`luntan recount`: rebuilds every denormalized counter (threads' replies and last reply, boards' thread
and post counts and last post, members' post, thread and digest counts) from the rows, and prints each
one it corrected. Safe on a running site: each batch of rows is locked while it is recounted."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from luntan.forum import services


def _kinds() -> dict[str, str]:
    return {"thread": pgettext("recount", "Thread"), "board": pgettext("recount", "Board"),
            "member": pgettext("recount", "Member")}


def _fields() -> dict[str, str]:
    return {
        "reply_count": _("replies"), "last_floor": _("last floor number"), "last_reply_at": _("last reply"),
        "last_replier_id": _("last replier (UID)"), "last_replier_name": _("last replier"),
        "thread_count": _("threads"), "post_count": pgettext("count", "posts"),
        "last_thread_id": _("last post's thread (ID)"), "last_thread_title": _("last post's title"),
        "last_post_at": _("last post time"), "last_poster_name": _("last poster"),
        "digest_count": _("digest threads"),
    }


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


class Command(BaseCommand):
    help = "Recompute every thread's, board's and member's counters from the rows and print what was corrected."

    def handle(self, *args, verbosity: int = 1, **options) -> None:
        # Threads first: a board's last post is read from its threads' last replies.
        corrections = [*services.thread_recount(), *services.board_recount(), *services.member_recount()]
        if verbosity == 0:
            return
        kinds, fields = _kinds(), _fields()
        for c in corrections:
            self.stdout.write(_("%(kind)s %(name)s: %(field)s %(old)s → %(new)s") % {
                "kind": kinds[c.kind], "name": c.name, "field": fields.get(c.field, c.field),
                "old": _shown(c.old), "new": _shown(c.new)})
        if corrections:
            self.stdout.write(_("Corrected %(count)s counters.") % {"count": len(corrections)})
        else:
            self.stdout.write(_("Every counter was right; nothing changed."))
