"""最新帖子 and 精华区. Their lists are the same for every reader who sees the same boards (a group's readers),
so they are kept whole (luntan.core.pagecache) under the boards seen and the site's version, which every
post and moderator action bumps; 我的帖子 is each reader's own and rendered for them alone."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from luntan.core import pagecache
from luntan.core.views import error_page
from luntan.forum.permissions import visible_board_ids
from luntan.latest import queries

SCOPES = ("site",)


def _page_params(page: int, **others: object) -> dict[str, object]:
    return {**{k: v for k, v in others.items() if v}, **({"page": page} if page > 1 else {})}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    tab = queries.clean_tab(request.GET.get("tab"))
    if tab is None:
        return error_page(request, status=404, title=_("No such list"),
                          message=_("Latest posts has no list of that name."),
                          back=(reverse("latest:index"), _("Latest posts")))
    page_raw = request.GET.get("page", "")[:20]

    def build(found: queries.ThreadList | None) -> HttpResponse:
        return render(request, "latest/index.html", {
            "tab": tab, "tabs": [(k, str(v)) for k, v in queries.TABS.items()], "found": found,
            "now": timezone.now(),
        })

    if tab == "mine":  # the reader's own: never kept
        return build(queries.mine(request.user, page_raw) if request.user.is_authenticated else None)
    boards = visible_board_ids(request.user)
    found = queries.latest_tab(tab, boards, page_raw)
    params = _page_params(found.pages.number, tab=tab if tab != queries.DEFAULT_TAB else "")
    return pagecache.kept_page(request, SCOPES, lambda: build(found), params=params,
                               variant=queries.board_set_key(boards))


@require_GET
def digest(request: HttpRequest) -> HttpResponse:
    boards = visible_board_ids(request.user)
    board_id = queries.clean_board(request.GET.get("board"), boards)
    level = queries.clean_level(request.GET.get("level"))
    if board_id is None or level is None:
        return error_page(request, status=404, title=_("No such filter"), message=(
            _("There is no such board, or you may not see it.") if board_id is None
            else _("Digest levels are I, II and III.")), back=(reverse("latest:digest"), _("Digest area")))
    found = queries.digest(boards, request.GET.get("page", "")[:20], board_id=board_id, level=level)

    def build() -> HttpResponse:
        return render(request, "latest/digest.html", {
            "found": found, "board_id": board_id, "level": level, "boards": queries.board_choices(boards),
            "levels": queries.DIGEST_LEVELS, "now": timezone.now(),
        })

    params = _page_params(found.pages.number, board=board_id, level=level)
    return pagecache.kept_page(request, SCOPES, build, params=params, variant=queries.board_set_key(boards))
