"""The poll on the thread page, added through the forum's extension points (luntan.forum.extensions):

- a part in the thread's head (on the first page), kept with the page. A guest's copy shows the results
  when they are public, and a link to sign in. For a signed-in reader the poll's box is a hole whose
  arguments carry the numbers (queries.PollInfo.args), filled per request with the reader's own state: the
  vote form, or what they chose, and the results when they may see them. That costs one query (the
  reader's choices); the poll's fixed parts are kept in the process;
- on the new-thread form, the poll's fields (forms.PollPart), made with the thread in one transaction."""

from typing import cast

from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.utils.translation import get_language

from luntan.core.holes import kept_form
from luntan.forum import extensions, permissions
from luntan.polls import queries, services

PART = "polls/_poll_part.html"
BOX = "polls/_poll_box.html"


def may_see_voters(member, poll, board, *, moderator: bool | None = None) -> bool:
    """As Discuz! (viewvote: overt, or any 管理组 member): everyone when the list is public, else the
    board's moderators, super moderators and administrators only. The thread's author is not told who voted."""
    if poll.public_voters:
        return True
    if not member.is_authenticated:
        return False
    return moderator if moderator is not None else permissions.is_moderator(member, board)


def box_context(member, thread, poll: queries.PollInfo, chosen: frozenset[int] | None, *,
                moderator: bool) -> dict:
    refusal = None
    if chosen is None:
        try:
            services.check_vote(member, thread, poll, reading=True)
        except services.PermissionDenied as error:
            refusal = str(error)
    return {"poll": poll, "chosen": chosen or frozenset(), "voted": chosen is not None,
            "can_vote": chosen is None and refusal is None, "refusal": refusal,
            "show_results": chosen is not None or poll.results_public(),
            "voters_link": may_see_voters(member, poll, thread.board, moderator=moderator)}


def poll_filler(request, thread, moderator: bool):
    member = request.user
    if not member.is_authenticated:
        return None

    def fill(req, args: list[str]) -> str:
        poll = queries.poll_from_args(args)
        if poll is None:
            return ""
        chosen = queries.reader_choices(member, poll.id)
        context = box_context(member, thread, poll, chosen, moderator=moderator)
        key = (f"pollbox:{get_language()}:{','.join(args)}:{','.join(map(str, sorted(context['chosen'])))}:"
               f"{int(context['voted'])}:{context['refusal']}:{int(context['show_results'])}:"
               f"{int(context['voters_link'])}")
        return kept_form(req, key, BOX, context)

    return fill


def register() -> None:
    from django.db.models import OuterRef, Subquery

    from luntan.polls.forms import PollPart
    from luntan.polls.models import Poll

    # The kept thread knows its poll's id (None for most threads): a page without a poll reads nothing more.
    extensions.register_thread_annotation(
        queries.POLL_ANNOTATION, Subquery(Poll.objects.filter(thread_id=OuterRef("pk")).values("pk")[:1]))
    extensions.register_thread_part("head", PART)
    extensions.register_thread_filler("poll", poll_filler)
    extensions.register_new_thread_part(PollPart.for_request)
    env = cast(Jinja2, engines["jinja2"]).env
    env.globals["thread_poll"] = queries.thread_poll
