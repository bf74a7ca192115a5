"""The Django admin writes through the services, as the site does: counts, the home page's last post and
the moderators stay right whatever an administrator changes there."""

import pytest
from django.test import Client
from factories import MemberFactory
from helpers import signed_in

from luntan.forum import permissions, services
from luntan.forum.models import Board, Category, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs the admin's request as it commits: the kept pages' versions are bumped after commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def two_threads(make_thread, member, other_member, board):
    """An older thread by other_member with one reply by member, and the newest thread by member with two
    replies: the board's last post."""
    older = make_thread(by=other_member, title="较早的主题")
    services.post_reply(author=member, thread=older, source="顶一下", fmt="bbcode")
    newest = make_thread(replies=2, title="最新的主题")
    for m in (member, other_member, board):
        m.refresh_from_db()
    return older, newest


def _thread_form(thread: Thread, **changes) -> dict:
    data = {"title": thread.title, "sticky": thread.sticky, "digest": thread.digest,
            "highlight": thread.highlight}
    data.update({name: "on" for name in ("is_locked", "is_deleted") if getattr(thread, name)})
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return data


def _last_post(html: str) -> str:
    return html.split('class="last"><a')[1].split("</a>")[0] if 'class="last"><a' in html else ""


def _counts(*objs):
    for obj in objs:
        obj.refresh_from_db()
    return [(o.thread_count, o.post_count) for o in objs]


# --- Threads ------------------------------------------------------------------------------------------------

def test_deleting_a_thread_in_the_admin_keeps_counts_and_the_last_post_right(
        admin_client, two_threads, board, member, other_member, committed):
    older, newest = two_threads
    assert "最新的主题" in _last_post(Client().get("/").content.decode())  # the home page is kept
    assert _counts(board, member, other_member) == [(2, 5), (1, 4), (1, 1)]

    with committed():
        response = admin_client.post(f"/admin/forum/thread/{newest.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert _counts(board, member, other_member) == [(1, 2), (0, 1), (1, 1)]
    assert "较早的主题" in _last_post(Client().get("/").content.decode())
    newest.refresh_from_db()
    assert newest.is_deleted and newest.floors.count() == 3  # in the recycle bin, not gone


def test_the_delete_page_says_the_thread_goes_to_the_recycle_bin(admin_client, thread):
    page = admin_client.get(f"/admin/forum/thread/{thread.pk}/delete/").content.decode()
    assert "移入回收站，之后还可以恢复" in page


def test_delete_selected_in_the_admin_goes_through_the_services(
        admin_client, two_threads, board, member, other_member, committed):
    older, newest = two_threads
    with committed():
        response = admin_client.post("/admin/forum/thread/", {
            "action": "delete_selected", "_selected_action": [older.pk, newest.pk], "post": "yes"})

    assert response.status_code == 302
    assert _counts(board, member, other_member) == [(0, 0), (0, 0), (0, 0)]
    assert _last_post(Client().get("/").content.decode()) == ""


def test_ticking_deleted_deletes_and_unticking_restores(
        admin_client, two_threads, board, member, other_member, committed):
    older, newest = two_threads
    url = f"/admin/forum/thread/{newest.pk}/change/"
    with committed():
        assert admin_client.post(url, _thread_form(newest, is_deleted=True)).status_code == 302
    assert _counts(board, member, other_member) == [(1, 2), (0, 1), (1, 1)]
    assert "较早的主题" in _last_post(Client().get("/").content.decode())

    newest.refresh_from_db()
    with committed():
        assert admin_client.post(url, _thread_form(newest, is_deleted=False)).status_code == 302

    assert _counts(board, member, other_member) == [(2, 5), (1, 4), (1, 1)]
    assert "最新的主题" in _last_post(Client().get("/").content.decode())


def test_a_thread_already_in_the_recycle_bin_is_removed_for_good(admin_client, two_threads, board, member,
                                                                  committed):
    older, newest = two_threads
    services.thread_delete(member=member.__class__.objects.get(is_superuser=True), thread=newest)
    before = _counts(board, member)
    with committed():
        admin_client.post(f"/admin/forum/thread/{newest.pk}/delete/", {"post": "yes"})
    assert not Thread.objects.filter(pk=newest.pk).exists()
    assert _counts(board, member) == before


def test_digest_set_in_the_admin_counts_in_the_authors_digest_threads(admin_client, thread, member, committed):
    url = f"/admin/forum/thread/{thread.pk}/change/"
    with committed():
        admin_client.post(url, _thread_form(thread, digest=2, sticky=1, is_locked=True, highlight="red"))
    member.refresh_from_db()
    thread.refresh_from_db()
    assert member.digest_count == 1
    assert (thread.digest, thread.sticky, thread.is_locked, thread.highlight) == (2, 1, True, "red")

    with committed():  # another level: still one digest thread
        admin_client.post(url, _thread_form(thread, digest=3))
    member.refresh_from_db()
    assert member.digest_count == 1

    thread.refresh_from_db()
    with committed():  # deleting a digest thread takes it out of the count; digest 0 then changes nothing
        admin_client.post(url, _thread_form(thread, is_deleted=True))
    member.refresh_from_db()
    assert member.digest_count == 0


def test_a_title_changed_in_the_admin_shows_as_the_boards_last_post(admin_client, thread, committed):
    Client().get("/")
    with committed():
        admin_client.post(f"/admin/forum/thread/{thread.pk}/change/", _thread_form(thread, title="改过的标题"))
    assert "改过的标题" in _last_post(Client().get("/").content.decode())
    assert thread.floors.get(number=1).revisions.get().title == "今天天气真好"  # the old title is kept


@pytest.mark.parametrize(("field", "value"), [("title", "   "), ("sticky", "9"), ("digest", "7")])
def test_bad_flags_are_refused_with_a_message(admin_client, thread, field, value):
    response = admin_client.post(f"/admin/forum/thread/{thread.pk}/change/", _thread_form(thread, **{field: value}))
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    thread.refresh_from_db()
    assert (thread.title, thread.sticky, thread.digest) == ("今天天气真好", 0, 0)


# --- Boards and categories -----------------------------------------------------------------------------------

def _board_form(board: Board, **changes) -> dict:
    data = {"category": board.category_id, "parent": board.parent_id or "", "name": board.name,
            "description": board.description, "order": board.order, "moderators": [],
            "access_rules-TOTAL_FORMS": 0, "access_rules-INITIAL_FORMS": 0}  # no permission lines
    data.update(changes)
    return data


def test_moderators_appointed_in_the_admin_moderate_and_show(admin_client, board, make_thread, committed):
    thread = make_thread()
    appointed = MemberFactory.create_batch(40)
    with committed():
        response = admin_client.post(f"/admin/forum/board/{board.pk}/change/",
                                     _board_form(board, moderators=[m.pk for m in appointed]))
    assert response.status_code == 302
    home = Client().get("/").content.decode()
    assert all(m.username in home for m in appointed)
    assert all(permissions.is_moderator(m, thread.board) for m in appointed)

    with committed():
        admin_client.post(f"/admin/forum/board/{board.pk}/change/", _board_form(board, moderators=[]))
    assert not permissions.is_moderator(appointed[0], thread.board)


def test_saving_a_board_in_the_admin_keeps_its_counters(admin_client, board, make_thread, committed,
                                                        monkeypatch):
    make_thread(replies=2)
    from django.forms.models import BaseModelForm

    real = BaseModelForm._post_clean

    def post_counted_meanwhile(form):  # a reply commits while the admin's request is under way
        Board.objects.filter(pk=board.pk).update(post_count=99)
        real(form)

    monkeypatch.setattr(BaseModelForm, "_post_clean", post_counted_meanwhile)
    with committed():
        admin_client.post(f"/admin/forum/board/{board.pk}/change/", _board_form(board, name="灌水乐园二号"))
    board.refresh_from_db()
    assert (board.name, board.post_count, board.thread_count) == ("灌水乐园二号", 99, 1)
    assert "灌水乐园二号" in Client().get("/").content.decode()


def test_a_board_cannot_be_put_under_a_sub_board(admin_client, board):
    sub = Board.objects.create(category=board.category, parent=board, name="分版")
    other = Board.objects.create(category=board.category, name="别的版")
    response = admin_client.post(f"/admin/forum/board/{other.pk}/change/", _board_form(other, parent=sub.pk))
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    other.refresh_from_db()
    assert other.parent_id is None


def test_a_board_with_threads_is_not_deleted_and_the_admin_says_why(admin_client, board, thread):
    page = admin_client.get(f"/admin/forum/board/{board.pk}/delete/")
    assert page.status_code == 200 and "今天天气真好" in page.content.decode()
    response = admin_client.post(f"/admin/forum/board/{board.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200 and Board.objects.filter(pk=board.pk).exists()


def test_an_empty_board_deleted_in_the_admin_leaves_the_home_page(admin_client, board, committed):
    empty = Board.objects.create(category=board.category, name="空荡荡的版块")
    assert "空荡荡的版块" in Client().get("/").content.decode()
    with committed():
        response = admin_client.post(f"/admin/forum/board/{empty.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert "空荡荡的版块" not in Client().get("/").content.decode()


def test_boards_edited_on_the_category_page_go_through_the_services(admin_client, board, thread, committed):
    Board.objects.filter(pk=board.pk).update(post_count=42)  # counted meanwhile
    category = board.category
    data = {"name": category.name, "description": "", "order": 0,
            "boards-TOTAL_FORMS": 1, "boards-INITIAL_FORMS": 1, "boards-MIN_NUM_FORMS": 0,
            "boards-MAX_NUM_FORMS": 1000, "boards-0-id": board.pk, "boards-0-category": category.pk,
            "boards-0-name": "改名的版块", "boards-0-description": board.description, "boards-0-parent": "",
            "boards-0-order": 3}
    with committed():
        response = admin_client.post(f"/admin/forum/category/{category.pk}/change/", data)
    assert response.status_code == 302
    board.refresh_from_db()
    assert (board.name, board.order, board.post_count) == ("改名的版块", 3, 42)


def test_a_category_with_boards_is_not_deleted(admin_client, board):
    response = admin_client.post(f"/admin/forum/category/{board.category_id}/delete/", {"post": "yes"})
    assert response.status_code == 200 and Category.objects.filter(pk=board.category_id).exists()


def test_board_permissions_are_a_table_of_groups_written_through_the_service(admin_client, board, member,
                                                                             committed):
    """Every group is a line (groups × see / read / post / reply / approval); a line left as it is makes no
    row, a changed one is written by board_access_set and shows at once."""
    from luntan.accounts.models import MemberGroup
    from luntan.forum.models import BoardAccess

    page = admin_client.get(f"/admin/forum/board/{board.pk}/change/").content.decode()
    groups = list(MemberGroup.objects.order_by("order", "id"))
    assert all(g.name in page for g in groups)
    data = _board_form(board, **{"access_rules-TOTAL_FORMS": len(groups), "access_rules-INITIAL_FORMS": 0})
    for i, group in enumerate(groups):
        data |= {f"access_rules-{i}-group": group.pk, f"access_rules-{i}-can_see": "on",
                 f"access_rules-{i}-can_read": "on", f"access_rules-{i}-can_post": "on",
                 f"access_rules-{i}-can_reply": "on"}
    default = next(i for i, g in enumerate(groups) if g.pk == member.group_id)
    del data[f"access_rules-{default}-can_post"]  # members of this group may reply only
    with committed():
        response = admin_client.post(f"/admin/forum/board/{board.pk}/change/", data)
    assert response.status_code == 302
    assert list(BoardAccess.objects.values_list("group_id", "can_see", "can_post")) == [(member.group_id, True, False)]
    refused = signed_in(member).get(f"/thread/new/?board={board.pk}")
    assert refused.status_code == 403
