"""Writing the moderation log. Every moderation service calls `record` inside its own transaction, so
an action and its record commit together (or neither does)."""

from luntan.moderation.models import ModerationLog


def record(*, actor, action: str, board_id: int | None = None, thread=None, floor_number: int | None = None,
           member=None, detail: str = "", reason: str = "") -> ModerationLog:
    """Logs one action. `thread` is a forum Thread (its id, board and title are kept); `member` the member
    acted on (a warned or banned member, or the author of the floor)."""
    subject = ""
    if thread is not None:
        board_id = board_id or thread.board_id
        subject = thread.title
    elif member is not None:
        subject = member.username
    return ModerationLog.objects.create(
        actor=actor, actor_name=getattr(actor, "username", "")[:30], action=action, board_id=board_id,
        thread_id=getattr(thread, "pk", None), floor_number=floor_number, member=member,
        subject=subject[:200], detail=detail[:200], reason=reason.strip()[:200],
    )
