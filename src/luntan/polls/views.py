"""Polls' pages: the vote (POST, then back to the thread with a message) and the voter list."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_POST

from luntan.core.presence import client_address
from luntan.core.views import error_page, login_first
from luntan.forum import permissions
from luntan.forum import queries as forum_queries
from luntan.polls import page, queries, services
from luntan.protection import limits


def _number(raw) -> int | None:
    text = str(raw or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def _poll_missing(request: HttpRequest) -> HttpResponse:
    return error_page(request, status=404, title=_("Poll not found"),
                      message=_("There is no such poll, or you may not see it."))


def _poll_and_thread(request: HttpRequest, poll_id: str):
    pid = _number(poll_id)
    poll = queries.current_poll(pid) if pid is not None else None
    if poll is None:
        return None, None
    return poll, forum_queries.access_thread(request.user, poll.thread_id)  # the same 404 as the thread's


@require_POST
def vote(request: HttpRequest, poll_id: str) -> HttpResponse:
    poll, thread = _poll_and_thread(request, poll_id)
    if poll is None:
        return _poll_missing(request)
    if not request.user.is_authenticated:
        return login_first(request)
    back = f"{reverse('forum:thread', args=[thread.pk])}#poll"
    chosen = [n for raw in request.POST.getlist("option")[:50] if (n := _number(raw)) is not None]
    try:
        if len(chosen) != len(request.POST.getlist("option")):
            raise ValidationError(_("That option is not in this poll. Choose one of the options shown."))
        limits.enforce(limits.Action.VOTE, request.user, client_address(request))
        services.poll_vote(member=request.user, poll_id=poll.id, option_ids=chosen)
    except (PermissionDenied, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return error_page(request, status=403 if isinstance(error, PermissionDenied) else 400,
                          title=pgettext("poll", "Your vote was not counted"), message=text,
                          back=(back, _("Back to the thread")))
    messages.success(request, pgettext("poll", "Thank you for your vote."))
    return redirect(back)


@require_GET
def voters(request: HttpRequest, poll_id: str) -> HttpResponse:
    """Who chose each option: for everyone when the poll's list is public, else for moderators only."""
    poll, thread = _poll_and_thread(request, poll_id)
    if poll is None:
        return _poll_missing(request)
    if not page.may_see_voters(request.user, poll, thread.board):
        return error_page(request, status=403, title=_("Not allowed"),
                          message=_("This poll's voters are not public. Only moderators may see them."),
                          back=(f"{reverse('forum:thread', args=[thread.pk])}#poll", _("Back to the thread")))
    by_option = queries.voters_by_option(poll)
    return render(request, "polls/voters.html", {
        "poll": poll, "thread": thread, "board": thread.board, "by_option": by_option,
        "cut": sum(len(v) for v in by_option.values()) >= queries.VOTER_LIST_LIMIT,
        "moderator_view": not poll.public_voters and permissions.is_moderator(request.user, thread.board),
    })
