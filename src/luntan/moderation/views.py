"""Moderators' pages: a thread's actions, the board's batch, its thread types, the recycle bin and the log.
Views parse the form, call one service and redirect with a message; a refused form comes back with its
errors and what was typed (status 400)."""

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luntan.accounts.models import Member
from luntan.core.redirects import redirect_to_next, safe_next
from luntan.core.views import error_page, login_first
from luntan.forum import permissions
from luntan.forum import queries as forum_queries
from luntan.forum.models import Board, Floor, Thread, ThreadType
from luntan.moderation import queries, services
from luntan.moderation.forms import ACTION_LABELS, ActionForm, BatchForm, LogFilter, TypeForm


def _refused(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return error_page(request, status=403, title=_("Not allowed"), message=str(error))


def _done_message(request: HttpRequest, action: str, changed: int | bool) -> None:
    if changed:
        messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    else:
        messages.info(request, _("Nothing changed: the thread was already so."))


def _move_targets(member) -> list[Board]:
    return [b for b in Board.objects.select_related("category").order_by("category__order", "category_id", "order",
                                                                          "id")
            if permissions.is_moderator(member, b)]


def _thread_context(request: HttpRequest, thread: Thread, form: ActionForm) -> dict:
    return {"thread": thread, "board": thread.board, "form": form, "targets": _move_targets(request.user),
            "types": list(thread.board.thread_types.all()), "sticky_limit": permissions.sticky_limit(request.user),
            "next": safe_next(request.POST.get("next") or request.GET.get("next") or "", default="")}


@require_http_methods(["GET", "POST"])
def thread_manage(request: HttpRequest, thread_id: str) -> HttpResponse:
    """Every action on one thread; the thread page's 管理 panel posts here too."""
    if not request.user.is_authenticated:
        return login_first(request)
    thread = forum_queries.access_thread(request.user, thread_id)
    try:
        permissions.check_moderate_thread(request.user, thread)
    except PermissionDenied as error:
        return _refused(request, error)
    form = ActionForm(request.POST if request.method == "POST" else None, board=thread.board, initial={
        "level": thread.sticky or 1, "digest": thread.digest or 1, "colour": thread.highlight,
        "bold": thread.highlight_bold, "thread_type": thread.thread_type_id})
    if request.method == "POST" and form.is_valid() and not form.needs_target():
        data = form.cleaned_data
        try:
            changed = services.act(member=request.user, thread=thread, action=data["action"], reason=data["reason"],
                                   tell_author=data["notify"], **form.params())
        except PermissionDenied as error:
            return _refused(request, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _done_message(request, data["action"], changed)
            if data["action"] == "delete":
                return redirect("forum:board", thread.board_id)
            return redirect_to_next(request.POST.get("next", ""), default=thread.get_absolute_url())
    status = 400 if form.is_bound and not form.needs_target() else 200
    return render(request, "moderation/thread.html", _thread_context(request, thread, form), status=status)


@require_POST
def board_batch(request: HttpRequest, board_id: str) -> HttpResponse:
    """The board page's batch form: one action on every checked thread."""
    if not request.user.is_authenticated:
        return login_first(request)
    board = forum_queries.access_board(board_id)
    if not permissions.is_moderator(request.user, board):
        return _refused(request, PermissionDenied(_("Only a moderator of this board may do this.")))
    form = BatchForm(request.POST, board=board)
    if form.is_valid() and not form.needs_target():
        data = form.cleaned_data
        try:
            changed = services.batch_apply(member=request.user, board=board, thread_ids=data["thread"],
                                           action=data["action"], reason=data["reason"], tell_author=data["notify"],
                                           **form.params())
        except PermissionDenied as error:
            return _refused(request, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Done: %(action)s, %(n)s threads changed.")
                             % {"action": ACTION_LABELS[data["action"]], "n": changed})
            return redirect("forum:board", board.pk)
    chosen = form.cleaned_data.get("thread") or []
    threads = list(Thread.objects.filter(pk__in=chosen, board=board).only("id", "title").order_by("-id")[:200])
    return render(request, "moderation/batch.html", {
        "board": board, "form": form, "threads": threads, "targets": _move_targets(request.user),
        "types": list(board.thread_types.all()),
    }, status=200 if form.needs_target() else 400)


@require_http_methods(["GET", "POST"])
def board_types(request: HttpRequest, board_id: str) -> HttpResponse:
    """A board's thread types (分类): add, rename, reorder, remove; whether one is required."""
    if not request.user.is_authenticated:
        return login_first(request)
    board = forum_queries.access_board(board_id)
    if not permissions.is_moderator(request.user, board):
        return _refused(request, PermissionDenied(_("Only a moderator of this board may do this.")))
    form = TypeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            if op == "required":
                services.board_types_required(member=request.user, board=board,
                                              required=request.POST.get("required") == "1")
                messages.success(request, _("Saved."))
                return redirect("moderation:board_types", board.pk)
            if op == "delete":
                found = _board_type(board, request.POST.get("type", ""))
                services.thread_type_delete(member=request.user, board=board, thread_type=found)
                messages.success(request, _("The thread type “%(name)s” has been removed.") % {"name": found.name})
                return redirect("moderation:board_types", board.pk)
            if op in ("add", "save") and form.is_valid():
                existing = _board_type(board, request.POST.get("type", "")) if op == "save" else None
                saved = services.thread_type_save(member=request.user, board=board, name=form.cleaned_data["name"],
                                                  order=form.cleaned_data["order"] or 0, thread_type=existing)
                messages.success(request, _("The thread type “%(name)s” has been saved.") % {"name": saved.name})
                return redirect("moderation:board_types", board.pk)
            if op not in ("add", "save"):
                form.add_error(None, _("Unknown action."))
        except PermissionDenied as error:
            return _refused(request, error)
        except ValidationError as error:
            form.add_error("name" if getattr(error, "code", "").startswith("name") else None, error)
        status = 400
    return render(request, "moderation/types.html", {
        "board": board, "form": form, "types": list(board.thread_types.all()),
    }, status=status)


def _board_type(board: Board, raw: str) -> ThreadType:
    found = ThreadType.objects.filter(board=board, pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
    if found is None:
        raise ValidationError(_("Unknown thread type."), code="thread_type")
    return found


@require_http_methods(["GET", "POST"])
def recycle(request: HttpRequest) -> HttpResponse:
    """回收站: what was deleted in the reader's boards; administrators restore or purge."""
    if not request.user.is_authenticated:
        return login_first(request)
    if request.method == "POST":
        return _recycle_act(request)
    try:
        threads, floors, pages = queries.recycle_bin(request.user, page_raw=request.GET.get("page"))
    except PermissionDenied as error:
        return _refused(request, error)
    return render(request, "moderation/recycle.html", {
        "threads": threads, "floors": floors, "pages": pages, "admin": services.is_admin(request.user),
    })


def _recycle_act(request: HttpRequest) -> HttpResponse:  # the caller checked the reader is signed in
    op, kind, raw = request.POST.get("op", ""), request.POST.get("kind", ""), request.POST.get("id", "")
    reason = request.POST.get("reason", "")[:200]
    back = reverse("moderation:recycle")
    try:
        ident = forum_queries.parse_id(raw)
    except Exception:  # noqa: BLE001 - parse_id raises Http404 for anything but an id
        ident = None
    member = cast(Member, request.user)  # the caller sent guests to the login page
    thread = floor = None
    if ident is not None and kind == "thread":
        thread = Thread.objects.select_related("board").filter(pk=ident, moved_to=None).first()
    elif ident is not None and kind == "floor":
        floor = Floor.objects.select_related("thread__board").filter(pk=ident).first()
    if (thread is None and floor is None) or op not in ("restore", "purge"):
        return error_page(request, status=400, title=_("Bad request"),
                          message=_("Unknown item or action in the recycle bin."), back=(back, _("Recycle bin")))
    try:
        if thread is not None:
            changed = (services.thread_restore(member=member, thread=thread, reason=reason) if op == "restore"
                       else services.thread_purge(member=member, thread=thread, reason=reason))
        elif floor is not None:
            changed = (services.floor_restore(member=member, floor=floor, reason=reason) if op == "restore"
                       else services.floor_purge(member=member, floor=floor, reason=reason))
    except PermissionDenied as error:
        return _refused(request, error)
    except ValidationError as error:
        return error_page(request, status=400, title=_("Bad request"), message=error.messages[0],
                          back=(back, _("Recycle bin")))
    if not changed:
        messages.info(request, _("Nothing changed: it was already done."))
    elif op == "restore":
        messages.success(request, _("Restored."))
    else:
        messages.success(request, _("Removed for good."))
    return redirect(back)


@require_GET
def modlog(request: HttpRequest) -> HttpResponse:
    """The moderation log: who did what, to what, when and why."""
    if not request.user.is_authenticated:
        return login_first(request)
    try:
        boards = queries.log_boards(request.user)
    except PermissionDenied as error:
        return _refused(request, error)
    form = LogFilter(request.GET or None, boards=boards)
    filters = {}
    if form.is_bound:
        form.is_valid()
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    entries, pages = queries.log_page(request.user, filters=filters, page_raw=request.GET.get("page"))
    kept = {k: request.GET[k] for k in ("moderator", "action", "board", "since", "until", "thread") if k in filters}
    keep = f"&{urlencode(kept)}" if kept else ""
    return render(request, "moderation/log.html", {"form": form, "entries": entries, "pages": pages, "keep": keep},
                  status=400 if form.is_bound and form.errors else 200)
