"""Pages of thread surgery: merge, split, stick a reply, the approval queue. Each parses a form, calls one
service (which checks the permission again, inside its transaction) and redirects with a message."""

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from luntan.accounts.models import Member
from luntan.core.paging import Pages, page_count, page_number
from luntan.core.views import error_page, form_status, login_first
from luntan.forum import permissions, queries
from luntan.forum.forms import new_submission_key
from luntan.forum.models import Board, Floor, Thread
from luntan.moderation import queries as moderation_queries
from luntan.moderation import surgery
from luntan.moderation.surgery_forms import MergeForm, QueueForm, SplitForm, StickForm


def _member(request: HttpRequest) -> Member:
    """The signed-in reader (the pages send guests to log in first; the services refuse them anyway)."""
    return cast(Member, request.user)


def _refused(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return error_page(request, status=403, title=_("Not allowed"), message=str(error))


def _moderated_thread(request: HttpRequest, thread_id: str) -> Thread | HttpResponse:
    """The thread, if this reader moderates it; else the login page, a 404 (missing or hidden) or a 403."""
    thread = queries.access_thread(request.user, thread_id)
    if not request.user.is_authenticated:
        return login_first(request)
    try:
        permissions.check_moderate_thread(request.user, thread)
    except PermissionDenied as error:
        return _refused(request, error)
    return thread


def _form_error(form, error: ValidationError | PermissionDenied, field: str | None = None) -> None:
    form.add_error(field, error if isinstance(error, ValidationError) else ValidationError(str(error)))


# --- Merge -----------------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, thread_id: str) -> HttpResponse:
    thread = _moderated_thread(request, thread_id)
    if isinstance(thread, HttpResponse):
        return thread
    form = MergeForm(request.POST or None)
    status = None
    if request.method == "POST" and form.is_valid():
        other = Thread.objects.select_related("board__parent").filter(pk=form.cleaned_data["other"]).first()
        if other is None or not permissions.can(permissions.check_view_thread, request.user, other):
            form.add_error("other", _("There is no thread number %(id)s.") % {"id": form.cleaned_data["other"]})
        else:
            try:
                surgery.thread_merge(member=_member(request), thread=thread, other=other,
                                     reason=form.cleaned_data["reason"], notify_author=form.cleaned_data["notify"])
            except PermissionDenied as error:
                _form_error(form, error, "other")
                status = 403
            except ValidationError as error:
                _form_error(form, error, "other")
            else:
                messages.success(request, _("“%(other)s” has been merged into this thread.") % {"other": other.title})
                return redirect("forum:thread", thread.pk)
    return render(request, "moderation/surgery/merge.html", {"thread": thread, "board": thread.board, "form": form},
                  status=status or form_status(form))


# --- Split -----------------------------------------------------------------------------------------------------

def _target_boards(member) -> list[Board]:
    ids = moderation_queries.boards_moderated_by(member)
    boards = Board.objects.select_related("category").order_by("category__order", "category_id", "order", "id")
    return list(boards if ids is None else boards.filter(pk__in=ids))


def _floor_list(thread: Thread, page_raw) -> tuple[list[dict], Pages]:
    """A page of the thread's floors to choose from: number, author, the start of the text."""
    per_page = settings.LUNTAN["FLOORS_PER_PAGE"]
    pages = page_count(thread.last_floor, per_page)
    number = page_number(page_raw, last=pages)
    low = (number - 1) * per_page
    rows = (Floor.objects.filter(thread=thread, number__gt=low, number__lte=low + per_page).order_by("number")
            .values("number", "author__username", "source", "is_deleted", "is_waiting", "moved_floor_id"))
    floors = [{**r, "excerpt": r["source"][:80] + ("…" if len(r["source"]) > 80 else "")} for r in rows]
    return floors, Pages(number=number, count=pages)


@require_http_methods(["GET", "POST"])
def split(request: HttpRequest, thread_id: str) -> HttpResponse:
    thread = _moderated_thread(request, thread_id)
    if isinstance(thread, HttpResponse):
        return thread
    boards = _target_boards(request.user)
    if thread.board not in boards:
        boards.insert(0, thread.board)
    chosen = request.GET.get("floor", "")[:12]
    initial = {"submission_key": new_submission_key(), "board": thread.board_id,
               "floors": chosen if chosen.isascii() and chosen.isdigit() else ""}
    form = SplitForm(request.POST or None, initial=initial, boards=boards)
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            new = surgery.thread_split(
                member=_member(request), thread=thread, numbers=form.cleaned_data["floors"],
                title=form.cleaned_data["title"], board=form.boards[form.cleaned_data["board"]],
                reason=form.cleaned_data["reason"], notify_authors=form.cleaned_data["notify"],
                submission_key=form.cleaned_data["submission_key"])
        except PermissionDenied as error:
            _form_error(form, error, "board")
            status = 403
        except ValidationError as error:
            _form_error(form, error, "title" if getattr(error, "code", "").startswith("title") else "floors")
        else:
            messages.success(request, _("The floors have been split off into this new thread."))
            return redirect("forum:thread", new.pk)
    page_raw = request.GET.get("page") or (
        queries.page_of_floor(int(chosen), last_floor=thread.last_floor) if initial["floors"] else 1)
    floors, pages = _floor_list(thread, page_raw)
    return render(request, "moderation/surgery/split.html", {
        "thread": thread, "board": thread.board, "form": form, "floors": floors, "pages": pages,
    }, status=status or form_status(form))


# --- Stick a reply ---------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def stick(request: HttpRequest, thread_id: str) -> HttpResponse:
    thread = _moderated_thread(request, thread_id)
    if isinstance(thread, HttpResponse):
        return thread
    raw = (request.POST.get("floor") if request.method == "POST" else request.GET.get("floor")) or ""
    number = queries.parse_id(raw[:12]) if raw else None
    if number is None and thread.pinned_floor is None:
        return redirect("forum:thread", thread.pk)
    unstick = request.POST.get("unstick") == "1" if request.method == "POST" else number in (None, thread.pinned_floor)
    number = number if number is not None else thread.pinned_floor
    form = StickForm(request.POST or None)
    status = None
    if request.method == "POST" and form.is_valid():
        try:
            surgery.reply_stick(member=_member(request), thread=thread, number=None if unstick else number,
                                reason=form.cleaned_data["reason"], notify_author=form.cleaned_data["notify"])
        except PermissionDenied as error:
            return _refused(request, error)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The reply has been unstuck.") if unstick
                             else _("The reply is now stuck to the top of the thread."))
            return redirect("forum:thread", thread.pk)
    floor = thread.floors.filter(number=number).select_related("author").first() if number else None
    return render(request, "moderation/surgery/stick.html", {
        "thread": thread, "board": thread.board, "form": form, "number": number, "floor": floor, "unstick": unstick,
    }, status=status or form_status(form))


# --- Approval queue --------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    board = None
    raw = request.GET.get("board", "")
    if raw:
        board = queries.access_board(raw[:20])
        if not permissions.is_moderator(request.user, board):
            return _refused(request, PermissionDenied(_("Only a moderator of this board may do this.")))
    elif moderation_queries.boards_moderated_by(request.user) == set():
        return _refused(request, PermissionDenied(_("Only moderators have an approval queue.")))
    form = QueueForm(request.POST or None)
    here = reverse("surgery:queue") + (f"?board={board.pk}" if board else "")
    if request.method == "POST" and form.is_valid():
        decide = surgery.posts_approve if form.cleaned_data["decision"] == "approve" else surgery.posts_reject
        try:
            done = decide(member=_member(request), floor_ids=form.cleaned_data["floors"],
                          reason=form.cleaned_data["reason"], notify_author=form.cleaned_data["notify"])
        except PermissionDenied as error:
            return _refused(request, error)
        except ValidationError as error:
            _form_error(form, error)
        else:
            n = len(done.floors)
            if not n:
                messages.info(request, _("Those posts had been decided already; nothing changed."))
            elif form.cleaned_data["decision"] == "approve":
                messages.success(request, _("%(n)s posts approved.") % {"n": n})
            else:
                messages.success(request, _("%(n)s posts rejected.") % {"n": n})
            return redirect(here)
    posts, total = surgery.waiting_posts(request.user, board_id=board.pk if board else None)
    chosen = {int(v) for v in request.POST.getlist("floors") if v.isascii() and v.isdigit() and len(v) <= 12}
    return render(request, "moderation/surgery/queue.html", {
        "board": board, "posts": posts, "total": total, "form": form, "chosen": chosen, "action": here,
    }, status=form_status(form))


# --- Links under each floor, for the board's moderators --------------------------------------------------------

def floor_links(viewer, thread, *, moderator: bool):
    """拆分 and 置顶回复 (or 取消置顶) under each reply, 合并主题 under floor 1: the pages ask again."""
    if not moderator:
        return None
    split_url, stick_url = reverse("surgery:split", args=[thread.pk]), reverse("surgery:stick", args=[thread.pk])
    merge_link = f'<a href="{reverse("surgery:merge", args=[thread.pk])}">{escape(_("Merge"))}</a>'
    split_word, stick_word, unstick_word = escape(_("Split")), escape(_("Stick reply")), escape(_("Unstick"))

    def link(floor_id: int, author_id: int, number: int) -> str:
        if number <= 1:
            return merge_link
        word = unstick_word if number == thread.pinned_floor else stick_word
        return (f'<a href="{split_url}?floor={number}">{split_word}</a>'
                f'<a href="{stick_url}?floor={number}">{word}</a>')

    return link
