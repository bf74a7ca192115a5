"""The profile page /user/<uid>/: the author card, dates, online time, the signature (cooked markup), recent
threads and replies; a 404 for anything that is not a member; a fixed number of queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import MemberFactory

from luntan.accounts.models import Member
from luntan.accounts.services import member_signature_set
from luntan.forum import services
from luntan.forum.models import Board, Category

from .conftest import english

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(db):
    return Board.objects.create(category=Category.objects.create(name="综合讨论区"), name="灌水乐园")


def write(member: Member, board: Board, *, threads: int, replies: int = 0) -> None:
    for i in range(threads):
        floor = services.thread_create(author=member, board=board, title=f"第{i + 1}个主题", source="大家好",
                                       fmt="bbcode")
        for j in range(replies):
            services.post_reply(author=member, thread=floor.thread, source=f"回复{j}", fmt="bbcode")


def test_profile_shows_the_card_and_details(guest, board):
    member = MemberFactory(username="老王", custom_title="隔壁的", online_seconds=7 * 3600 + 59,
                           last_activity=timezone.now(), last_login=timezone.now())
    member_signature_set(member=member, signature="第一行 <script>alert(1)</script>\n第二行 [b]是粗体[/b]")
    write(member, board, threads=2, replies=1)
    other = MemberFactory()
    services.post_reply(author=other, thread=member.threads.first(), source="别人的回复", fmt="bbcode")
    response = guest.get(f"/user/{member.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>老王 -" in page
    assert 'aria-label="About the author"' in page  # the author card
    assert "隔壁的" in page and "新手上路" in page
    assert "7 hours" in page
    assert "Last login" in page and "Last active" in page and "Registered" in page
    assert "第一行 &lt;script&gt;alert(1)&lt;/script&gt;" in page and "<strong>是粗体</strong>" in page
    assert "<script>alert" not in page
    assert "第1个主题" in page and "第2个主题" in page and "灌水乐园" in page
    assert page.count("Re: 第") == 2  # the member's own replies, not the other member's
    assert "No threads yet." not in page


def test_profile_of_a_new_member(guest, member):
    page = guest.get(f"/user/{member.pk}/").content.decode()
    assert member.username in page
    assert "No threads yet." in page and "No replies yet." in page and "No signature yet." in page
    assert "never" in page  # never logged in


def test_deleted_threads_are_not_listed(guest, member, board):
    write(member, board, threads=1)
    member.threads.update(is_deleted=True)
    assert "第1个主题" not in guest.get(f"/user/{member.pk}/").content.decode()


def test_own_profile_offers_the_password_change(member_client, member):
    page = member_client.get(f"/user/{member.pk}/").content.decode()
    assert 'href="/password/change/"' in page


@pytest.mark.parametrize("uid", ["999999", "abc", "-1", "0", "1.5", "99999999999999999999999", "１２", "%20"])
def test_missing_or_garbage_uid_is_a_404_page(guest, member, uid):
    response = guest.get(f"/user/{uid}/")
    assert response.status_code == 404
    assert "This page does not exist" in response.content.decode()


def test_no_uid_is_a_404(guest):
    assert guest.get("/user//").status_code == 404
    assert guest.get("/user/").status_code == 404


def queries_for(client, member) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/user/{member.pk}/")
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("signed_in", [False, True])
def test_query_count_does_not_grow_with_what_the_member_wrote(board, signed_in):
    quiet, busy = MemberFactory(), MemberFactory()
    write(busy, board, threads=10, replies=1)
    client = english(Client())
    if signed_in:
        client.force_login(MemberFactory())
    queries_for(client, quiet)  # warm up the session and caches alike
    quiet_sql, busy_sql = queries_for(client, quiet), queries_for(client, busy)
    assert len(quiet_sql) == len(busy_sql), "\n".join(busy_sql)
    assert len(busy_sql) <= 3 + signed_in, "\n".join(busy_sql)
