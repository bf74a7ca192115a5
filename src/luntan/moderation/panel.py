"""The 管理 panel of a thread page: a hole in the kept page (every reader's copy has it), filled only for
a moderator of the thread's board, with no query: the thread is the page's kept one, and the choices that
need the database (the board to move to, the thread type) are made on the thread's full moderation page."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from luntan.forum import permissions


def thread_panel(request: HttpRequest, thread, moderator: bool):
    if not moderator or thread.moved_to_id:
        return None

    def fill(req: HttpRequest, args: list[str]) -> str:
        return render_to_string("moderation/_panel.html", {
            "thread": thread, "sticky_limit": permissions.sticky_limit(req.user),
            "next": req.get_full_path(),
        }, request=req)

    return fill
