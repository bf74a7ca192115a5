"""`luntan recount`: rebuilds every denormalized counter (threads' replies and last reply, boards' thread
and post counts and last post, members' post, thread and digest counts) from the rows, and prints each
one it corrected; then the other apps' counters (members' public blog posts, unread notices and followed
threads, unread conversations; polls' voters and votes, paid parts' buyers, threads' moods and likes), saying
how many each corrected. Safe on a running site: each batch of rows is locked while it is recounted.

Attachments' download counts are not here: each download is counted (luntan.attachments.counters) and no
row records it, so there is nothing to rebuild them from."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from luntan.blog.services import blog_counts_recount
from luntan.forum import services
from luntan.hidden.services import buyers_recount
from luntan.letters.services import letters_recount_all
from luntan.notices.services import notices_recount_all
from luntan.polls.services import polls_recount
from luntan.reactions.services import reactions_recount_all


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


def _others():
    """The other apps' recounts: (what each corrects, said with its number; the recount, returning it)."""
    return [
        (lambda n: ngettext("Public blog posts: %(count)s member corrected.",
                            "Public blog posts: %(count)s members corrected.", n), blog_counts_recount),
        (lambda n: ngettext("Unread notices and followed threads: %(count)s member corrected.",
                            "Unread notices and followed threads: %(count)s members corrected.", n),
         notices_recount_all),
        (lambda n: ngettext("Unread short messages: %(count)s member corrected.",
                            "Unread short messages: %(count)s members corrected.", n), letters_recount_all),
        (lambda n: ngettext("Poll voters and votes: %(count)s poll corrected.",
                            "Poll voters and votes: %(count)s polls corrected.", n), polls_recount),
        (lambda n: ngettext("Buyers of paid parts: %(count)s part corrected.",
                            "Buyers of paid parts: %(count)s parts corrected.", n), buyers_recount),
        (lambda n: ngettext("Moods and likes: %(count)s thread corrected.",
                            "Moods and likes: %(count)s threads corrected.", n), reactions_recount_all),
    ]


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


class Command(BaseCommand):
    help = ("Recompute every thread's, board's and member's counters, and the other apps' (blogs, notices, "
            "short messages, polls, paid parts, moods and likes), from the rows and print what was corrected.")

    def handle(self, *args, verbosity: int = 1, **options) -> None:
        # Threads first: a board's last post is read from its threads' last replies.
        corrections = [*services.thread_recount(), *services.board_recount(), *services.member_recount()]
        others = [(said, recount()) for said, recount in _others()]
        if verbosity == 0:
            return
        kinds, fields = _kinds(), _fields()
        for c in corrections:
            self.stdout.write(_("%(kind)s %(name)s: %(field)s %(old)s → %(new)s") % {
                "kind": kinds[c.kind], "name": c.name, "field": fields.get(c.field, c.field),
                "old": _shown(c.old), "new": _shown(c.new)})
        if corrections:
            self.stdout.write(_("Corrected %(count)s counters.") % {"count": len(corrections)})
        for said, n in others:
            if n:
                self.stdout.write(said(n) % {"count": n})
        if not corrections and not any(n for _said, n in others):
            self.stdout.write(_("Every counter was right; nothing changed."))
