"""Forum pages. Views parse input, call one query or service, and render."""

from dataclasses import replace

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from markupsafe import Markup

from luntan.accounts.groups import rules_for
from luntan.accounts.signatures import signatures_html
from luntan.core import counters, pagecache, presence
from luntan.core.holes import add_block_fillers, add_fillers, add_splice, kept_form, same_for_every_guest
from luntan.core.jinja import id_url, url
from luntan.core.views import error_page, form_status, login_first
from luntan.forum import extensions, permissions, queries, services
from luntan.forum.forms import EditForm, PostForm, ThreadForm, apply_service_error, new_submission_key
from luntan.forum.fragments import author_cards, floor_bodies, own_card
from luntan.forum.models import Floor
from luntan.markup.conditions import strip_parts
from luntan.notices.mentions import cook_post
from luntan.protection.challenge import QUICK_REPLY_MARK, Guard, needs_check, quick_reply_fields


def _ip(request: HttpRequest) -> str | None:
    return presence.client_address(request) if request.META.get("REMOTE_ADDR") else None


def floor_url(thread_id: int, number: int, *, last_floor: int, descending: bool = False) -> str:
    """Where floor `number` is shown: its page (in the order asked for) and its anchor."""
    page = queries.page_of_floor(number, last_floor=last_floor, descending=descending)
    params = [f"page={page}"] if page > 1 else []
    params += ["order=desc"] if descending else []
    query = f"?{'&'.join(params)}" if params else ""
    return f"{reverse('forum:thread', args=[thread_id])}{query}#floor-{number}"


def _refused(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return error_page(request, status=403, title=_("Not allowed"), message=str(error))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Kept once per set of boards its readers may see (the variant): a page built for staff, with the
    staff's boards and their counts, is never served to a member."""
    def build() -> HttpResponse:
        categories = queries.home_categories(request.user)
        members, guests = presence.online()
        return render(request, "forum/home.html", {
            "categories": categories, "totals": queries.site_totals(categories),
            "online_members": members, "online_guests": guests, "today_date": timezone.localdate(),
        })

    return pagecache.kept_page(request, ("site", permissions.ACCESS_SCOPE), build, params={},
                               variant=permissions.visibility_key(request.user))


def _board_missing(request: HttpRequest) -> HttpResponse:
    """A missing board and one hidden from this reader get the same page: it names nothing."""
    return error_page(request, status=404, title=_("Board not found"), message=permissions.board_hidden_message())


@require_GET
def board(request: HttpRequest, board_id: str) -> HttpResponse:
    """Kept per kind of reader: its moderators (who see the threads waiting for approval), and the others
    by what they may see (the sub-boards) and whether they may post here."""
    bid = queries.parse_id(board_id)
    # "stickies": a thread stuck to the whole site or to a category shows at the top of other boards too.
    scopes = (f"board:{bid}", "stickies", permissions.ACCESS_SCOPE)
    version = pagecache.versions(*scopes)
    try:
        found = queries.access_kept_board(bid, version=version)
        permissions.check_see_board(request.user, found)
    except (Http404, permissions.Hidden):
        return _board_missing(request)
    sort = request.GET.get("sort", "lastreply")
    sort = sort if sort in queries.BOARD_SORTS else "lastreply"
    page = queries.board_page_number(found, request.GET.get("page"))
    types = {t.pk: t for t in found.thread_types.all()}
    type_raw = request.GET.get("type", "")[:12]
    type_id = int(type_raw) if type_raw.isascii() and type_raw.isdigit() and int(type_raw) in types else None
    # Moderators see closed and waiting threads and the batch form: a page of their own, never served to
    # members; the others' pages differ by what they may see (the sub-boards) and whether they may post here.
    moderator = permissions.is_moderator(request.user, found)
    may_post = moderator or permissions.board_access(request.user, found.pk).can_post
    variant = "moderator" if moderator else f"{permissions.visibility_key(request.user)}:{int(may_post)}"

    def build() -> HttpResponse:
        threads, pages = queries.board_threads(request.user, found, page_raw=page, sort=sort, moderator=moderator,
                                               type_id=type_id)
        return render(request, "forum/board.html", {
            "board": found, "threads": threads, "pages": pages, "sort": sort, "may_post": may_post,
            "children": queries.board_children(request.user, found),
            "types": list(types.values()), "type_id": type_id, "moderator": moderator,
            "parts": extensions.BOARD_PARTS,
        })

    params = {**({"page": page} if page > 1 else {}), **({"sort": sort} if sort != "lastreply" else {}),
              **({"type": type_id} if type_id is not None else {})}
    return pagecache.kept_page(request, scopes, build, params=params, version=version, variant=variant)


@require_GET
def thread(request: HttpRequest, thread_id: str) -> HttpResponse:
    """The page is rendered once per version of the thread, kind of reader and view of its floors, and kept;
    what depends on the reader, the edit links and the quick reply, is filled into its holes
    (luntan.core.holes)."""
    tid = queries.parse_id(thread_id)
    scopes = queries.thread_scopes(tid)
    version = pagecache.versions(*scopes)  # read once for the kept thread and the kept page
    found = queries.access_kept_thread(request.user, tid, version=version)
    if found.moved_to_id is not None:  # merged into another thread: its floors are read there
        return redirect("forum:thread", found.moved_to_id)
    view = queries.floor_view(found, page_raw=request.GET.get("page", "")[:20], order=request.GET.get("order", ""),
                              author_raw=request.GET.get("author", "")[:20], version=version)

    def build(moderator: bool, signatures: bool = True) -> HttpResponse:
        floor_page = queries.thread_page(found, view, version=version)
        if not moderator and any(f.is_waiting for f in floor_page.floors):
            # Replies waiting for approval are on the moderators' page only. The kept page of floors is
            # shared: this reader's copy leaves them out.
            floor_page = replace(floor_page, floors=[f for f in floor_page.floors if not f.is_waiting])
        return _thread_page(request, found, floor_page, moderator=moderator, signatures=signatures)

    if not request.user.is_authenticated:
        moderator = False
        response = pagecache.kept_page(request, scopes, lambda: build(False), params=view.params(),
                                       variant="guest", version=version)
        # Guests' holes too: a hidden part's notice (luntan.hidden) differs from what its readers see.
        add_fillers(response, **{name: filler for name, provider in extensions.THREAD_FILLERS.items()
                                 if (filler := provider(request, found, False)) is not None})
        same_for_every_guest(response)
    else:
        moderator = permissions.is_moderator(request.user, found.board)
        can_reply = permissions.can(permissions.check_reply, request.user, found)
        # A reader who hides signatures (accounts.signatures) reads pages kept without them.
        signatures = not request.user.hide_signatures
        variant = ("moderator" if moderator else "member") + ("" if signatures else ":nosig")
        response = pagecache.kept_page(request, scopes, lambda: build(moderator, signatures), params=view.params(),
                                       variant=variant, version=version)
        # Only a reader with a floor on this page has a card to refresh; for the others the blocks' markers
        # stay as they are (comments naming public UIDs) and no time goes into them.
        if f"<!--block:own_card:{request.user.pk}-->".encode() in response.content:
            add_block_fillers(response, own_card=lambda req, args: own_card(req.user) if int(args[0]) == req.user.pk
                              else None)
        extra = {name: filler for name, provider in extensions.THREAD_FILLERS.items()
                 if (filler := provider(request, found, moderator)) is not None}
        add_fillers(
            response,
            **extra,
            actions=floor_actions(request.user, found, moderator=moderator, can_reply=can_reply),
            reply=lambda req, args: kept_form(
                req, f"quickreply:{get_language()}:{found.pk}:{int(can_reply)}:{int(found.is_locked)}",
                "forum/_quick_reply.html", {"thread": found, "can_reply": can_reply, "submission_key": KEY_BLANK,
                                            "guard": Markup(QUICK_REPLY_MARK)},  # noqa: S704 - fixed text
                **{KEY_MARK: new_submission_key(),
                   QUICK_REPLY_MARK: quick_reply_fields(req, req.user) if can_reply else ""}),
        )
    if found.board.protect_content:  # the per-view noise and mark at the floors' line ends (extensions)
        for splicer in extensions.BODY_SPLICERS:
            if (splice := splicer(request, found, moderator)) is not None:
                add_splice(response, splice[0], kept=splice[1])
    if response.status_code == 200:
        counters.count_view(tid)
    return response


KEY_MARK = "<!--submission-key-->"  # where a kept quick reply gets its own submission key
KEY_BLANK = Markup(KEY_MARK)  # noqa: S704 - fixed text


def _thread_page(request: HttpRequest, found, floor_page, *, moderator: bool, signatures: bool = True) -> HttpResponse:
    return render(request, "forum/thread.html", {
        "thread": found, "board": found.board, "page": floor_page,
        "floors_html": floor_bodies(found, floor_page.floors, moderator_view=moderator,
                                    author_filtered=floor_page.author_id is not None, pinned=floor_page.pinned),
        "cards_html": author_cards({f.author_id for f in floor_page.floors}
                                   | ({floor_page.pinned.author_id} if floor_page.pinned else set())),
        "signatures_html": signatures_html({f.author_id for f in floor_page.floors
                                            if not (f.is_deleted or f.moved_floor_id)}) if signatures else {},
        "can_reply": False,
        "own_card_blocks": request.user.is_authenticated, "parts": extensions.THREAD_PARTS,
    })


def floor_actions(viewer, thread, *, moderator: bool, can_reply: bool):
    """The filler of a floor's action links: quote for whoever may reply, edit and delete for its author
    and the board's moderators (the services check again when the member acts), then the links other apps
    register (luntan.forum.extensions.FLOOR_LINKS)."""
    if not viewer.is_authenticated:
        return lambda request, args: ""
    reply_url = url("forum:reply", thread.pk)
    edit_url, delete_url = id_url("forum:floor_edit"), id_url("forum:floor_delete")
    quote, edit, delete = escape(_("Quote")), escape(_("Edit")), escape(_("Delete"))
    viewer_pk = viewer.pk
    others = [link for _order, provider in extensions.FLOOR_LINKS
              if (link := provider(viewer, thread, moderator=moderator)) is not None]

    def fill(request: HttpRequest, args: list[str]) -> str:
        floor_id, author_id = int(args[0]), int(args[1])
        number = int(args[2]) if len(args) > 2 else 0
        links = [f'<a href="{reply_url}?quote={floor_id}">{quote}</a>'] if can_reply else []
        if author_id == viewer_pk or moderator:
            links.append(f'<a href="{edit_url(floor_id)}">{edit}</a>')
            links.append(f'<a href="{delete_url(floor_id)}">{delete}</a>')
        links += [html for link in others if (html := link(floor_id, author_id, number))]
        return f'<footer class="post-actions">{"".join(links)}</footer>' if links else ""

    return fill


@require_GET
def floor_jump(request: HttpRequest, thread_id: str, number: str) -> HttpResponse:
    found = queries.access_thread(request.user, thread_id)
    n = min(queries.parse_id(number) or 1, max(found.last_floor, 1))
    return redirect(floor_url(found.pk, n, last_floor=found.last_floor, descending=request.GET.get("order") == "desc"))


@require_GET
def floor_link(request: HttpRequest, floor_id: str) -> HttpResponse:
    """A floor by its own id (the credits ledger links to the reply that earned them), to its page."""
    found = queries.access_floor(request.user, floor_id)
    return redirect(floor_url(found.thread_id, found.number, last_floor=found.thread.last_floor))


def _neighbour(request: HttpRequest, thread_id: str, *, newer: bool) -> HttpResponse:
    found = queries.access_thread(request.user, thread_id)
    other = queries.neighbour_thread(found, newer=newer, moderator=permissions.is_moderator(request.user, found.board))
    if other is None:
        # Said on a page of its own: a flash message would be a write, and a GET changes nothing.
        return error_page(
            request, status=404, title=_("Next thread") if newer else _("Previous thread"),
            message=_("There is no newer thread in this board.") if newer
            else _("There is no older thread in this board."),
            back=(reverse("forum:thread", args=[found.pk]), _("Back to the thread")))
    return redirect("forum:thread", other.pk)


@require_GET
def thread_next(request: HttpRequest, thread_id: str) -> HttpResponse:
    return _neighbour(request, thread_id, newer=True)


@require_GET
def thread_previous(request: HttpRequest, thread_id: str) -> HttpResponse:
    return _neighbour(request, thread_id, newer=False)


def _files(request: HttpRequest) -> tuple[extensions.PostUploads | None, str]:
    """The app that takes files sent with a post, and what the form says by its file field for this member
    ("": no field shown, they may not attach files)."""
    handler = extensions.POST_UPLOADS[0] if extensions.POST_UPLOADS else None
    return handler, handler.offer(request.user) if handler else ""


def _posted(request: HttpRequest, form, handler: extensions.PostUploads | None, write) -> Floor:
    """write(text) with the form's text, and with the files of its plain file field when some were chosen:
    they are checked, stored and put in the text by `handler` (extensions.POST_UPLOADS), in one transaction
    with the post."""
    uploads = form.cleaned_data.get("uploads") or []
    if not uploads or handler is None:
        return write(form.cleaned_data["source"])
    return handler.post(member=request.user, uploads=uploads, source=form.cleaned_data["source"],
                        fmt=form.cleaned_data["format"], ip=_ip(request), write=write)


def _files_context(request: HttpRequest, hint: str) -> dict:
    # A browser never keeps the files of a form it shows again: the member is asked to choose them again.
    return {"files_hint": hint, "files_again": request.method == "POST" and bool(request.FILES)}


@require_http_methods(["GET", "POST"])
def thread_new(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_first(request)
    try:
        target = queries.access_board(request.GET.get("board", ""))
        permissions.check_new_thread(request.user, target)
    except (Http404, permissions.Hidden):
        return _board_missing(request)
    except PermissionDenied as error:
        return _refused(request, error)
    handler, files_hint = _files(request)
    form = ThreadForm(request.POST or None, request.FILES or None, initial={"submission_key": new_submission_key()},
                      types=list(target.thread_types.all()), types_required=target.types_required,
                      files_offered=handler is not None, max_price=rules_for(request.user).max_thread_price)
    guard = Guard(request, purpose="thread", verify=needs_check(request.user, "thread"))
    parts = [part for factory in extensions.NEW_THREAD_PARTS if (part := factory(request, target)) is not None]
    parts_valid = all([part.is_valid() for part in parts])  # a list: every part shows its errors
    if request.method == "POST" and form.is_valid() and parts_valid and guard.passed(form):
        try:
            floor = _posted(request, form, handler, lambda source: services.thread_create(
                extras=[part.create for part in parts],
                author=request.user, board=target, title=form.cleaned_data["title"],
                source=source, fmt=form.cleaned_data["format"], ip=_ip(request),
                submission_key=form.cleaned_data["submission_key"], thread_type=form.cleaned_data.get("thread_type"),
                price=form.cleaned_data.get("price", 0),
            ))
        except PermissionDenied as error:
            return _refused(request, error)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            if floor.thread.is_waiting:
                messages.info(request, _("Your thread has been sent. It waits for a moderator's approval "
                                         "and will be shown once approved."))
                return redirect("forum:board", target.pk)
            return redirect("forum:thread", floor.thread_id)
    return render(request, "forum/post_form.html", {
        "form": form, "guard": guard, "board": target, "mode": "thread", "parts": parts,
        "action": f"{reverse('forum:thread_new')}?board={target.pk}", **_files_context(request, files_hint),
    }, status=form_status(form))


def _quote(floor: Floor, fmt: str) -> str:
    text = strip_parts(floor.source, html=floor.html)  # a quote never carries a hidden or paid part
    text = text if len(text) <= 300 else text[:300] + "..."
    if fmt == Floor.Format.MARKDOWN:
        quoted = "\n".join(f"> {line}" for line in text.splitlines())
        return f"> **{floor.author.username}** ({floor.number})\n{quoted}\n\n"
    return f"[quote={floor.author.username}]{text}[/quote]\n"


@require_http_methods(["GET", "POST"])
def reply(request: HttpRequest, thread_id: str) -> HttpResponse:
    found = queries.access_thread(request.user, thread_id)
    if not request.user.is_authenticated:
        return login_first(request)
    try:
        permissions.check_reply(request.user, found)
    except PermissionDenied as error:
        return _refused(request, error)
    initial = {"submission_key": new_submission_key()}
    quote_id = request.GET.get("quote")
    if request.method == "GET" and quote_id:
        quoted = queries.access_floor(request.user, quote_id)
        if quoted.thread_id == found.pk and not quoted.is_deleted:
            initial["source"] = _quote(quoted, Floor.Format.BBCODE)
    handler, files_hint = _files(request)
    form = PostForm(request.POST or None, request.FILES or None, initial=initial, files_offered=handler is not None)
    guard = Guard(request, purpose="reply", verify=needs_check(request.user, "reply"))
    if request.method == "POST" and form.is_valid() and guard.passed(form):
        try:
            floor = _posted(request, form, handler, lambda source: services.post_reply(
                author=request.user, thread=found, source=source,
                fmt=form.cleaned_data["format"], ip=_ip(request),
                submission_key=form.cleaned_data["submission_key"],
            ))
        except PermissionDenied as error:
            return _refused(request, error)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            if floor.is_waiting:
                messages.info(request, _("Your reply has been sent. It waits for a moderator's approval and "
                                         "will be shown once approved."))
                return redirect("forum:thread", found.pk)
            return redirect(floor_url(found.pk, floor.number, last_floor=found.last_floor))
    return render(request, "forum/post_form.html", {
        "form": form, "guard": guard, "thread": found, "board": found.board, "mode": "reply",
        "action": reverse("forum:reply", args=[found.pk]), **_files_context(request, files_hint),
    }, status=form_status(form))


@require_http_methods(["GET", "POST"])
def floor_edit(request: HttpRequest, floor_id: str) -> HttpResponse:
    floor = queries.access_floor(request.user, floor_id)
    if not request.user.is_authenticated:
        return login_first(request)
    try:
        permissions.check_edit_floor(request.user, floor)
    except PermissionDenied as error:
        return _refused(request, error)
    with_title = floor.number == 1
    initial = {"source": floor.source, "format": floor.format, "title": floor.thread.title, "price": floor.thread.price}
    # Files go to one's own floors only: an upload belongs to the floor's author.
    handler, files_hint = _files(request) if floor.author_id == request.user.pk else (None, "")
    most = rules_for(floor.author).max_thread_price  # the author sells, whoever edits
    form = EditForm(request.POST or None, request.FILES or None, initial=initial, with_title=with_title,
                    with_reason=floor.author_id != request.user.pk, files_offered=handler is not None,
                    max_price=most if with_title and (most or floor.thread.price) else None)
    if request.method == "POST" and form.is_valid():
        try:
            _posted(request, form, handler, lambda source: services.floor_edit(
                editor=request.user, floor=floor, source=source, fmt=form.cleaned_data["format"],
                title=form.cleaned_data.get("title"), reason=form.cleaned_data.get("reason", ""), ip=_ip(request),
                price=form.cleaned_data.get("price")))
        except PermissionDenied as error:
            return _refused(request, error)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            return redirect(floor_url(floor.thread_id, floor.number, last_floor=floor.thread.last_floor))
    return render(request, "forum/post_form.html", {
        "form": form, "thread": floor.thread, "board": floor.thread.board, "mode": "edit", "floor": floor,
        "action": reverse("forum:floor_edit", args=[floor.pk]), **_files_context(request, files_hint),
    }, status=form_status(form))


@require_http_methods(["GET", "POST"])
def floor_delete(request: HttpRequest, floor_id: str) -> HttpResponse:
    floor = queries.access_floor(request.user, floor_id)
    if not request.user.is_authenticated:
        return login_first(request)
    try:
        permissions.check_delete_floor(request.user, floor)
    except PermissionDenied as error:
        return _refused(request, error)
    if request.method == "POST":
        try:
            services.floor_delete(member=request.user, floor=floor,
                                  reason=request.POST.get("reason", "")[:200])
        except PermissionDenied as error:
            return _refused(request, error)
        if floor.number == 1:
            messages.success(request, _("The thread has been deleted."))
            return redirect("forum:board", floor.thread.board_id)
        messages.success(request, _("The floor has been deleted."))
        return redirect(floor_url(floor.thread_id, floor.number, last_floor=floor.thread.last_floor))
    return render(request, "forum/confirm_delete.html", {"floor": floor, "thread": floor.thread,
                                                         "with_reason": floor.author_id != request.user.pk})


@require_POST
def preview(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        raise PermissionDenied(_("Please log in first."))
    fmt = request.POST.get("format", Floor.Format.BBCODE)
    try:
        source = services.clean_source(request.POST.get("source", ""))
        fmt = services.clean_format(fmt)
    except ValidationError as error:
        return render(request, "forum/_preview.html", {"error": error.messages[0]})
    # The writer's own text: its hidden and paid parts are shown, each in the box readers will see.
    return render(request, "forum/_preview.html", {"html": cook_post(source, fmt=fmt)[0].whole_html})
