"""Reactions' pages: the vote and like POSTs (htmx swaps the mood box; without JavaScript they redirect
back to the thread) and 本周帖子评价之最."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from luntan.core.presence import client_address
from luntan.core.views import error_page, login_first
from luntan.forum import queries as forum_queries
from luntan.forum.views import floor_url
from luntan.protection import limits
from luntan.reactions import page, queries, services


def _htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))  # django_htmx's middleware


def _number(raw) -> int | None:
    text = str(raw or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def _box(request: HttpRequest, thread_id: int, message: str) -> HttpResponse:
    thread = forum_queries.access_thread(request.user, thread_id)
    context = page.box_context(request.user, thread, queries.thread_results(thread),
                               queries.reader_state(request.user, thread), message=message)
    return HttpResponse(render_to_string(page.BOX, context, request=request))


@require_POST
def vote(request: HttpRequest, thread_id: str) -> HttpResponse:
    """Gives (or changes) the reader's mood for the thread."""
    thread = forum_queries.access_thread(request.user, thread_id)
    if not request.user.is_authenticated:
        return login_first(request)
    back = f"{reverse('forum:thread', args=[thread.pk])}#moods"
    mood_id = _number(request.POST.get("mood"))
    try:
        if mood_id is None:
            raise ValidationError(_("There is no such mood. Choose one of the moods shown."))
        limits.enforce(limits.Action.VOTE, request.user, client_address(request))
        result = services.mood_vote(member=request.user, thread_id=thread.pk, mood_id=mood_id)
    except (PermissionDenied, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        if _htmx(request):
            return _box(request, thread.pk, text)
        return error_page(request, status=403 if isinstance(error, PermissionDenied) else 400,
                          title=_("Your vote was not counted"), message=text, back=(back, _("Back to the thread")))
    text = (_("Your mood has been changed.") if result.previous is not None else _("Thank you for your vote.")
            ) if result.changed else _("You had already chosen this mood.")
    if _htmx(request):
        return _box(request, thread.pk, text)
    messages.success(request, text)
    return redirect(back)


@require_POST
def like(request: HttpRequest, floor_id: str) -> HttpResponse:
    """Likes a floor (do=like) or takes the reader's like back (do=unlike)."""
    floor = forum_queries.access_floor(request.user, floor_id)
    if not request.user.is_authenticated:
        return login_first(request)
    back = floor_url(floor.thread_id, floor.number, last_floor=floor.thread.last_floor)
    wanted = request.POST.get("do", "like")
    try:
        if wanted not in ("like", "unlike"):
            raise ValidationError(_("Choose to like the floor or to take your like back."))
        limits.enforce(limits.Action.VOTE, request.user, client_address(request))
        result = services.floor_like(member=request.user, floor_id=floor.pk, like=wanted == "like")
    except (PermissionDenied, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        return error_page(request, status=403 if isinstance(error, PermissionDenied) else 400,
                          title=_("Not done"), message=text, back=(back, _("Back to the thread")))
    if result.changed:
        messages.success(request, _("You liked this floor.") if result.liked else _("Your like has been taken back."))
    return redirect(back)


@require_GET
def weekly(request: HttpRequest) -> HttpResponse:
    return render(request, "reactions/weekly.html", {"rows": queries.weekly_best(request.user)})
