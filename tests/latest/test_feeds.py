"""The Atom feeds of 最新帖子, 精华区 and each board: valid Atom, escaped titles, the opening post's cooked
HTML, and only what a guest may read, whoever asks."""

import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import AnonymousUser

from luntan.accounts.groups import rules_for
from luntan.core import pagecache
from luntan.forum.models import BoardAccess, ThreadType
from luntan.forum.permissions import ACCESS_SCOPE

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[ET.Element]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed; well-formed XML, or this raises
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "link"):
        assert root.find(f"{ATOM}{required}") is not None, required
    return root.findall(f"{ATOM}entry")


def entry_titles(response) -> list[str]:
    return [e.findtext(f"{ATOM}title") for e in entries(response)]


def test_latest_feed_is_atom_with_title_link_author_dates_and_the_opening_post(client, post, member):
    thread = post("周末去爬山", ago=2, source="[b]周末去爬山[/b]的正文")
    post("更新的帖子", ago=1)
    found = entries(client.get("/latest/feed/"))
    assert [e.findtext(f"{ATOM}title") for e in found] == ["更新的帖子", "周末去爬山"]
    entry = found[1]
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver/thread/{thread.pk}/"
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == member.username
    assert entry.findtext(f"{ATOM}published") and entry.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}id") == f"http://testserver/thread/{thread.pk}/"
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "<strong>周末去爬山</strong>的正文"  # the cooked HTML, escaped once by the XML


def test_titles_and_text_are_escaped_xml(client, post, board):
    kind = ThreadType.objects.create(board=board, name="<分类>")
    post('标题 <script>alert("x")</script> & 更多', thread_type=kind)
    response = client.get("/latest/feed/")
    assert b"<script>" not in response.content
    assert entry_titles(response) == ['[<分类>] 标题 <script>alert("x")</script> & 更多']


def test_digest_feed_has_only_digest_threads(client, post):
    post("精华帖", digest=2)
    post("普通帖")
    assert entry_titles(client.get("/digest/feed/")) == ["精华帖"]


def test_board_feed_has_that_boards_threads(client, post, board, other_board):
    post("本版的帖子")
    post("别版的帖子", on=other_board)
    assert entry_titles(client.get(f"/board/{board.pk}/feed/")) == ["本版的帖子"]
    page = client.get(f"/board/{board.pk}/").content.decode()
    assert (f'<link rel="alternate" type="application/atom+xml" title="{board.name}" '
            f'href="/board/{board.pk}/feed/">') in page
    assert f'<a href="/board/{board.pk}/feed/" type="application/atom+xml">' in page


HIDDEN = {"已删除": {"is_deleted": True}, "已关闭": {"is_closed": True}, "待审核": {"is_waiting": True}}


@pytest.mark.parametrize("address", ["/latest/feed/", "/digest/feed/", "board"])
def test_feeds_never_show_deleted_closed_waiting_or_moved_threads(client, post, board, address):
    shown = post("看得见", digest=1)
    for title, fields in HIDDEN.items():
        post(title, digest=1, **fields)
    post("已移动", digest=1, moved_to=shown)
    url = f"/board/{board.pk}/feed/" if address == "board" else address
    assert entry_titles(client.get(url)) == ["看得见"]


@pytest.mark.parametrize("rule", ["can_see", "can_read"])
def test_feeds_show_only_what_a_guest_may_read_even_to_a_member(member_client, post, board, other_board, rule,
                                                                 django_capture_on_commit_callbacks):
    post("公开的帖子", digest=1)
    post("会员才能读的帖子", digest=1, on=other_board)
    BoardAccess.objects.create(board=other_board, group_id=rules_for(AnonymousUser()).group_id, **{rule: False})
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.bump(ACCESS_SCOPE)
    assert entry_titles(member_client.get("/latest/feed/")) == ["公开的帖子"]
    assert entry_titles(member_client.get("/digest/feed/")) == ["公开的帖子"]
    assert member_client.get(f"/board/{other_board.pk}/feed/").status_code == 404


@pytest.mark.parametrize("board_id", ["99999", "abc", "-1", "１"])
def test_a_missing_board_has_no_feed(client, board_id):
    assert client.get(f"/board/{board_id}/feed/").status_code == 404


def test_a_feed_costs_the_same_queries_for_one_thread_or_twenty(client, post, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post("第一个")
    with CaptureQueriesContext(connection) as one:
        assert len(entries(client.get("/latest/feed/"))) == 1
    for i in range(19):
        post(f"帖子{i}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(entries(client.get("/latest/feed/"))) == 20
