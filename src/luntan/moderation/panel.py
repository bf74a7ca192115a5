"""The 管理 panel of a thread page: a hole in the kept page (every reader's copy has it), filled only for
a moderator of the thread's board, with one query (the board's thread types)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from luntan.forum import permissions
from luntan.forum.models import ThreadType


def thread_panel(request: HttpRequest, thread, moderator: bool):
    if not moderator or thread.moved_to_id:
        return None

    def fill(req: HttpRequest, args: list[str]) -> str:
        types = list(ThreadType.objects.filter(board_id=thread.board_id).only("id", "name"))
        return render_to_string("moderation/_panel.html", {
            "thread": thread, "types": types, "sticky_limit": permissions.sticky_limit(req.user),
            "next": req.get_full_path(),
        }, request=req)

    return fill
