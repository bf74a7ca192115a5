"""Board permissions and roles: who may see a board, read its threads, post threads and reply, on an open, a
reply-only, a hidden, a see-but-not-read and an approval board; what is refused changes nothing; a hidden
board leaks nowhere; kept pages never serve one reader's board list to another."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from factories import MemberFactory
from helpers import signed_in

from luntan.accounts.models import Member, MemberGroup
from luntan.core import localcache
from luntan.forum import permissions, queries, services
from luntan.forum.models import Board, BoardAccess, Category, Floor, Thread
from luntan.forum.permissions import Access

pytestmark = pytest.mark.django_db

STAFF = (MemberGroup.Role.ADMIN, MemberGroup.Role.SUPER_MODERATOR, MemberGroup.Role.MODERATOR)

# What every group but the staff's may do on each kind of board.
KINDS = {
    "open": None,
    "reply_only": Access(can_post=False),
    "hidden": Access(can_see=False, can_read=False, can_post=False, can_reply=False),
    "no_read": Access(can_read=False, can_post=False, can_reply=False),
    "approval": Access(needs_approval=True),
}


@pytest.fixture
def restrict(admin, django_capture_on_commit_callbacks):
    """restrict(board, access): gives every group but the staff's `access` on `board`, through the service
    as the admin does, and commits (the kept table is read again)."""

    def apply(board: Board, access: Access | None) -> None:
        groups = MemberGroup.objects.exclude(role__in=STAFF).values_list("pk", flat=True)
        with django_capture_on_commit_callbacks(execute=True):
            services.board_access_set(member=admin, board=board, rules=dict.fromkeys(groups, access))

    return apply


def client_for(actor) -> Client:
    return Client() if actor is None else signed_in(actor)


# see, read, post, reply, and whether what they post waits for approval
E = tuple[bool, bool, bool, bool, bool]
EVERYTHING: E = (True, True, True, True, False)


def expected(kind: str, role: str) -> E:
    if role in ("moderator", "super_moderator", "admin"):
        return EVERYTHING  # moderators of the board (and everyone's moderators) pass every board rule
    posting = role == "member" or role == "moderator_elsewhere"  # a guest and a silenced member never post
    return {
        "open": (True, True, posting, posting, False),
        "reply_only": (True, True, False, posting, False),
        "hidden": (False, False, False, False, False),
        "no_read": (True, False, False, False, False),
        "approval": (True, True, posting, posting, True),
    }[kind]


ROLES = ["guest", "member", "silenced", "moderator", "moderator_elsewhere", "super_moderator", "admin"]


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(kind, role, roles, board, other_board, admin, restrict, django_capture_on_commit_callbacks):
    actor = roles["moderator"] if role == "moderator_elsewhere" else roles[role]
    target = other_board if role == "moderator_elsewhere" else board
    restrict(target, KINDS[kind])
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(author=admin, board=target, title="版规说明", source="请先阅读",
                                        fmt="bbcode").thread
    see, read, post, reply, waits = expected(kind, role)

    # The checks say it, for templates and the API.
    assert permissions.can(permissions.check_see_board, actor, target) is see
    assert permissions.can(permissions.check_view_thread, actor, thread) is read
    if actor is not None:
        assert permissions.can(permissions.check_new_thread, actor, target) is post
        assert permissions.can(permissions.check_reply, actor, thread) is reply

    # The pages say it.
    client = client_for(actor)
    home = client.get("/").content.decode()
    assert (target.name in home) is see
    board_page = client.get(f"/board/{target.pk}/")
    assert board_page.status_code == (200 if see else 404)
    if not see:
        assert target.name not in board_page.content.decode()
        assert "不存在" in board_page.content.decode()
    thread_page = client.get(f"/thread/{thread.pk}/")
    assert thread_page.status_code == (200 if read else 403 if see else 404)
    if see and not read:
        assert "阅读" in thread_page.content.decode()  # says why, in the reader's language

    # Posting: allowed ones make a post (waiting where the board says so), refused ones change nothing.
    before = (Thread.objects.count(), Floor.objects.count(), list(Board.objects.values_list("post_count",
                                                                                            "thread_count")))
    member_posts = Member.objects.get(pk=actor.pk).post_count if actor else 0
    with django_capture_on_commit_callbacks(execute=True):
        made_thread = client.post(f"/thread/new/?board={target.pk}",
                                  {"title": "我也来发一帖", "source": "大家好", "format": "bbcode"})
        made_reply = client.post(f"/thread/{thread.pk}/reply/", {"source": "顶一下", "format": "bbcode"})
    new_threads = list(Thread.objects.filter(title="我也来发一帖"))
    new_floors = list(Floor.objects.filter(source="顶一下"))
    assert len(new_threads) == int(post)
    assert len(new_floors) == int(reply)
    if post:
        assert new_threads[0].is_waiting is waits
        assert made_thread.status_code == 302
    else:
        assert made_thread.status_code in (302, 403, 404) and (actor is None or made_thread.status_code != 302)
    if reply:
        assert new_floors[0].is_waiting is waits
    elif actor is not None:
        assert made_reply.status_code in (403, 404)
    if not (post or reply) or waits:
        # Refused or waiting: no count moved anywhere.
        assert (Thread.objects.count() - len(new_threads), Floor.objects.count() - len(new_floors) - len(new_threads),
                list(Board.objects.values_list("post_count", "thread_count"))) == before
        assert (Member.objects.get(pk=actor.pk).post_count if actor else 0) == member_posts


def test_roles_helpers(roles, board, other_board, member):
    assert permissions.is_admin(roles["admin"])
    assert not permissions.is_admin(roles["super_moderator"])
    assert permissions.is_super_moderator(roles["super_moderator"]) and permissions.is_super_moderator(roles["admin"])
    assert not permissions.is_super_moderator(roles["moderator"])
    assert permissions.is_moderator(roles["super_moderator"], other_board)
    assert permissions.is_moderator(roles["moderator"], board)
    assert not permissions.is_moderator(roles["moderator"], other_board)
    assert not permissions.is_moderator(AnonymousUser(), board) and not permissions.is_admin(AnonymousUser())
    assert not permissions.is_admin(member) and not permissions.is_moderator(member, board)
    # The administrators' group is 管理员 without the staff flag; 超级版主 do not arrange the forum.
    in_admin_group = MemberFactory(group=MemberGroup.for_role(MemberGroup.Role.ADMIN))
    assert permissions.is_admin(in_admin_group) and permissions.is_moderator(in_admin_group, board)
    assert permissions.can(permissions.check_manage_forum, in_admin_group)
    assert not permissions.can(permissions.check_manage_forum, roles["super_moderator"])


def test_a_board_moderator_also_moderates_its_sub_boards(restrict, board, moderator, member):
    sub = Board.objects.create(category=board.category, parent=board, name="子版块")
    assert permissions.is_moderator(moderator, sub)
    restrict(board, KINDS["hidden"])
    # A hidden board's sub-boards are hidden with it, from members, not from its moderators.
    assert not permissions.can(permissions.check_see_board, member, sub)
    assert permissions.can(permissions.check_see_board, moderator, sub)
    assert sub.pk in permissions.hidden_board_ids(member)
    assert sub.pk not in permissions.hidden_board_ids(moderator)


def test_only_admins_set_board_permissions(roles, board):
    for role in ("member", "moderator", "super_moderator"):
        with pytest.raises(PermissionDenied):
            services.board_access_set(member=roles[role], board=board, rules={1: KINDS["hidden"]})
    assert not BoardAccess.objects.exists()
    group = MemberGroup.objects.get(is_default=True)
    services.board_access_set(member=roles["admin"], board=board, rules={group.pk: KINDS["reply_only"]})
    assert BoardAccess.objects.get().can_post is False
    # Back to the defaults: the row goes, and no row means everything is allowed.
    services.board_access_set(member=roles["admin"], board=board, rules={group.pk: Access()})
    assert not BoardAccess.objects.exists()


def test_a_change_of_permissions_shows_at_once(restrict, board, member, make_thread):
    thread = make_thread()
    client = signed_in(member)
    assert client.get(f"/board/{board.pk}/").status_code == 200
    assert board.name in client.get("/").content.decode()
    restrict(board, KINDS["hidden"])
    assert client.get(f"/board/{board.pk}/").status_code == 404
    assert board.name not in client.get("/").content.decode()
    assert client.get(f"/thread/{thread.pk}/").status_code == 404
    restrict(board, None)
    assert client.get(f"/thread/{thread.pk}/").status_code == 200


# --- A hidden board leaks nowhere ------------------------------------------------------------------------

@pytest.fixture
def staff_board(restrict):
    """版务讨论: a board in its own category that members and guests may not see, with a sub-board."""
    category = Category.objects.create(name="管理区")
    hidden = Board.objects.create(category=category, name="版务讨论", description="内部讨论")
    Board.objects.create(category=category, parent=hidden, name="违规处理")
    restrict(hidden, KINDS["hidden"])
    return hidden


def test_a_hidden_board_appears_nowhere(staff_board, admin, member, make_thread, board,
                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        before = make_thread(title="公开的帖子")
        secret = services.thread_create(author=admin, board=staff_board, title="封号名单讨论", source="内部",
                                        fmt="bbcode").thread
        services.post_reply(author=admin, thread=before, source="管理员的公开回复", fmt="bbcode")
        after = make_thread(title="后来的公开帖子")
    for client in (Client(), signed_in(member)):
        home = client.get("/").content.decode()
        for name in ("管理区", "版务讨论", "违规处理", "封号名单讨论"):
            assert name not in home
        # Counted only on the boards this reader may see: 3 posts, not the staff's thread.
        reader = client.session.get("_auth_user_id")
        viewer = Member.objects.get(pk=reader) if reader else AnonymousUser()
        assert queries.site_totals(queries.home_categories(viewer)).posts == 3
        assert client.get(f"/thread/{secret.pk}/").status_code == 404
        assert client.get(f"/thread/{secret.pk}/floor/1/").status_code == 404
        assert client.get(f"/floor/{secret.floors.get().pk}/").status_code == 404
        assert client.get(f"/thread/{secret.pk}/next/").status_code == 404
        assert client.get(f"/board/{staff_board.pk}/").status_code == 404
        sub = staff_board.children.get()
        assert client.get(f"/board/{sub.pk}/").status_code == 404
        # The profile lists the admin's public posts, not the hidden ones.
        profile = client.get(f"/user/{admin.pk}/").content.decode()
        assert "封号名单讨论" not in profile and "公开的帖子" in profile
        # Neighbours skip nothing visible and never land in the hidden board (it is another board anyway).
        assert client.get(f"/thread/{before.pk}/next/")["Location"] == f"/thread/{after.pk}/"
        assert client.get(f"/thread/{after.pk}/previous/")["Location"] == f"/thread/{before.pk}/"
        # No new thread there, and the page says nothing of it.
        refused = client.get(f"/thread/new/?board={staff_board.pk}")
        assert refused.status_code in (302, 404) and "版务讨论" not in refused.content.decode()
    staff = signed_in(admin)
    home = staff.get("/").content.decode()
    assert "版务讨论" in home and "违规处理" in home
    assert queries.site_totals(queries.home_categories(admin)).posts == 4
    assert "封号名单讨论" in staff.get(f"/user/{admin.pk}/").content.decode()


def test_kept_pages_never_serve_staff_content_to_members(staff_board, admin, member, other_member):
    """The home and board pages are kept: the staff's copy must not be what a member is served, whoever
    asks first."""
    staff, plain = signed_in(admin), signed_in(member)
    assert "版务讨论" in staff.get("/").content.decode()
    assert "版务讨论" not in plain.get("/").content.decode()
    assert "版务讨论" not in Client().get("/").content.decode()
    assert staff.get(f"/board/{staff_board.pk}/").status_code == 200
    assert plain.get(f"/board/{staff_board.pk}/").status_code == 404
    # In the other order, with a fresh cache.
    cache.clear()
    localcache.pages.clear()
    localcache.fragments.clear()
    assert "版务讨论" not in signed_in(other_member).get("/").content.decode()
    assert "版务讨论" in staff.get("/").content.decode()
    sub = staff_board.children.get()
    parent_page = staff.get(f"/board/{staff_board.pk}/").content.decode()
    assert sub.name in parent_page


def test_a_sub_board_hidden_alone_is_left_out_of_its_parent(restrict, admin, board, member):
    sub = Board.objects.create(category=board.category, parent=board, name="秘密花园")
    restrict(sub, KINDS["hidden"])
    staff_page = signed_in(admin).get(f"/board/{board.pk}/").content.decode()
    assert "秘密花园" in staff_page
    for client in (Client(), signed_in(member)):
        assert "秘密花园" not in client.get(f"/board/{board.pk}/").content.decode()
        assert "秘密花园" not in client.get("/").content.decode()


def test_reply_only_board_hides_the_new_thread_button(restrict, board, member, moderator):
    restrict(board, KINDS["reply_only"])
    assert "/thread/new/" not in signed_in(member).get(f"/board/{board.pk}/").content.decode()
    assert "/thread/new/" in signed_in(moderator).get(f"/board/{board.pk}/").content.decode()
    refused = signed_in(member).get(f"/thread/new/?board={board.pk}")
    assert refused.status_code == 403 and "发表新主题" in refused.content.decode()


# --- Waiting for approval -----------------------------------------------------------------------------

@pytest.fixture
def approval_board(restrict, board):
    restrict(board, KINDS["approval"])
    return board


def test_a_waiting_thread_is_in_no_count_and_seen_by_moderators_only(
        approval_board, member, other_member, moderator, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        shown = services.thread_create(author=admin, board=approval_board, title="已经公开的帖子", source="公开",
                                       fmt="bbcode").thread
    approval_board.refresh_from_db()
    counts = (approval_board.thread_count, approval_board.post_count, approval_board.last_thread_id)
    client = signed_in(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/thread/new/?board={approval_board.pk}",
                               {"title": "等待审核的帖子", "source": "内容", "format": "bbcode"})
    assert response["Location"] == f"/board/{approval_board.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "审核" in page  # the flash message tells the author
    assert "等待审核的帖子" not in page
    waiting = Thread.objects.get(title="等待审核的帖子")
    assert waiting.is_waiting and waiting.floors.get().is_waiting
    approval_board.refresh_from_db()
    assert (approval_board.thread_count, approval_board.post_count, approval_board.last_thread_id) == counts
    member.refresh_from_db()
    assert (member.post_count, member.thread_count) == (0, 0)
    for reader in (Client(), signed_in(other_member), client):
        assert reader.get(f"/thread/{waiting.pk}/").status_code == 404
        assert "等待审核的帖子" not in reader.get(f"/board/{approval_board.pk}/").content.decode()
        assert "等待审核的帖子" not in reader.get("/").content.decode()
        assert reader.get(f"/thread/{shown.pk}/next/").status_code == 404  # no newer thread that they may see
    mod = signed_in(moderator)
    assert mod.get(f"/thread/{waiting.pk}/").status_code == 200
    assert "等待审核的帖子" in mod.get(f"/board/{approval_board.pk}/").content.decode()
    assert mod.get(f"/thread/{shown.pk}/next/")["Location"] == f"/thread/{waiting.pk}/"

    # Approved: counted in as if posted now, and shown to all.
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_waiting(member=moderator, floor=waiting.floors.get())
    approval_board.refresh_from_db()
    member.refresh_from_db()
    assert (approval_board.thread_count, approval_board.post_count) == (counts[0] + 1, counts[1] + 1)
    assert approval_board.last_thread_id == waiting.pk
    assert (member.post_count, member.thread_count) == (1, 1)
    assert signed_in(other_member).get(f"/thread/{waiting.pk}/").status_code == 200
    assert services.board_recount() == [] and services.member_recount() == []
    # Twice changes nothing.
    services.approve_waiting(member=moderator, floor=waiting.floors.get())
    member.refresh_from_db()
    assert member.post_count == 1


def test_a_waiting_reply_is_on_the_moderators_page_only(approval_board, member, other_member, moderator, admin,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(author=admin, board=approval_board, title="大家来讨论", source="开始",
                                        fmt="bbcode").thread
    client = signed_in(member)
    client.get(f"/thread/{thread.pk}/")  # the member's page is kept before the reply
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/thread/{thread.pk}/reply/", {"source": "我的回复要审核", "format": "bbcode"})
    assert response["Location"] == f"/thread/{thread.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "审核" in page and "我的回复要审核" not in page
    thread.refresh_from_db()
    assert (thread.reply_count, thread.last_floor) == (0, 2)
    for reader in (Client(), signed_in(other_member)):
        assert "我的回复要审核" not in reader.get(f"/thread/{thread.pk}/").content.decode()
    floor = Floor.objects.get(source="我的回复要审核")
    assert signed_in(other_member).get(f"/floor/{floor.pk}/").status_code == 404
    assert "我的回复要审核" in signed_in(moderator).get(f"/thread/{thread.pk}/").content.decode()
    assert "我的回复要审核" not in client.get(f"/user/{member.pk}/").content.decode()
    # A moderator's own reply does not wait.
    services.post_reply(author=moderator, thread=thread, source="版主回复", fmt="bbcode")
    assert not Floor.objects.get(source="版主回复").is_waiting
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_waiting(member=moderator, floor=floor)
    thread.refresh_from_db()
    assert thread.reply_count == 2
    assert "我的回复要审核" in signed_in(other_member).get(f"/thread/{thread.pk}/").content.decode()
    assert services.thread_recount() == [] and services.board_recount() == [] and services.member_recount() == []


def test_only_moderators_approve(approval_board, member, other_member, moderator, roles):
    floor = services.thread_create(author=member, board=approval_board, title="待审", source="内容", fmt="bbcode")
    for someone in (other_member, member):
        with pytest.raises(PermissionDenied):
            services.approve_waiting(member=someone, floor=floor)
    assert Thread.objects.get().is_waiting


def test_deleting_a_waiting_post_moves_no_count(approval_board, member, moderator):
    floor = services.thread_create(author=member, board=approval_board, title="待审", source="内容", fmt="bbcode")
    reply_floor = services.thread_create(author=moderator, board=approval_board, title="公开", source="内容",
                                         fmt="bbcode")
    waiting_reply = services.post_reply(author=member, thread=reply_floor.thread, source="待审回复", fmt="bbcode")
    services.floor_delete(member=moderator, floor=waiting_reply)
    services.floor_delete(member=moderator, floor=floor)
    assert services.thread_recount() == [] and services.board_recount() == [] and services.member_recount() == []


# --- Query bounds -------------------------------------------------------------------------------------

def _count(client: Client, url: str) -> int:
    cache.clear()
    localcache.pages.clear()
    localcache.fragments.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("viewer", ["guest", "member", "moderator"])
def test_page_queries_stay_within_bounds_with_permissions(staff_board, make_thread, board, moderator, restrict,
                                                          viewer):
    thread = make_thread(replies=3)
    make_thread(replies=1, by=moderator)
    restrict(board, KINDS["approval"])
    services.post_reply(author=MemberFactory(), thread=thread, source="等待审核", fmt="bbcode")  # waits
    client = Client() if viewer == "guest" else signed_in(moderator if viewer == "moderator" else MemberFactory())
    # Cold, as in tests/forum/test_views.py: the small kept tables are read once (a moderator's open reports too).
    assert _count(client, f"/thread/{thread.pk}/") <= (12 if viewer == "moderator" else 11)
    one = _count(client, "/"), _count(client, f"/board/{board.pk}/")
    for i in range(10):
        make_thread(title=f"再来一帖{i}", by=moderator)
        make_thread(title=f"待审核{i}")
    assert (_count(client, "/"), _count(client, f"/board/{board.pk}/")) == one


def test_the_site_statistics_leave_hidden_boards_out(staff_board, admin, make_thread):
    """统计排行 is one page for every reader: a board some group may not see is in none of its lists."""
    from luntan.stats import queries as stats

    shown = make_thread(title="公开的热帖", replies=2)
    secret = services.thread_create(author=admin, board=staff_board, title="封号名单讨论", source="内部",
                                    fmt="bbcode").thread
    for _ in range(3):
        services.post_reply(author=admin, thread=secret, source="内部回复", fmt="bbcode")
    Thread.objects.filter(pk__in=[secret.pk, shown.pk]).update(view_count=999)
    figures = stats.compute_figures()
    names = [row.name for ranking in figures.boards_rankings + figures.threads_rankings for row in ranking.rows]
    assert "公开的热帖" in names and "封号名单讨论" not in names and "版务讨论" not in names
    assert (figures.threads, figures.posts) == (1, 3)
    for period in ("today", "all"):
        rows = [row.name for r in stats.compute_period(period).rankings for row in r.rows]
        assert "封号名单讨论" not in rows and "版务讨论" not in rows
