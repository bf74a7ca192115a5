"""提醒: a member's own notices, newest first, unread ones marked; marking read is a POST; the user box
shows the unread count from the member's own row."""

import pytest
from factories import MemberFactory

from luntan.notices.models import Notice
from luntan.notices.services import notices_recount, notify

pytestmark = pytest.mark.django_db


def _unread(member) -> int:
    member.refresh_from_db()
    return member.unread_notices


def test_notify_counts_the_unread_and_the_user_box_shows_it(member, member_client):
    notify(member_id=member.pk, kind="test", text="你的帖子被设为精华", url="/")
    notify(member_id=member.pk, kind="test", text="你被警告了")
    assert _unread(member) == 2
    box = member_client.get("/").content.decode()
    assert 'href="/notifications/"' in box and 'id="notice-count"' in box
    assert '>2</span>' in box.split('id="notice-count"')[1][:400]


def test_the_page_lists_own_notices_newest_first_and_reading_it_changes_nothing(member, other_member, member_client):
    notify(member_id=member.pk, kind="test", text="第一条")
    notify(member_id=member.pk, kind="test", text="第二条")
    notify(member_id=other_member.pk, kind="test", text="别人的提醒")
    page = member_client.get("/notifications/").content.decode()
    assert page.index("第二条") < page.index("第一条")
    assert "别人的提醒" not in page
    assert page.count('class="unread"') == 2
    assert _unread(member) == 2 and Notice.objects.filter(read_at__isnull=True).count() == 3


def test_mark_all_read_marks_only_ones_own(member, other_member, member_client):
    notify(member_id=member.pk, kind="test", text="我的")
    notify(member_id=other_member.pk, kind="test", text="他的")
    assert member_client.get("/notifications/read/").status_code == 405  # no GET writes
    assert _unread(member) == 1
    assert member_client.post("/notifications/read/").status_code == 302
    assert _unread(member) == 0 and _unread(other_member) == 1
    assert 'class="unread"' not in member_client.get("/notifications/").content.decode()
    box = member_client.get("/").content.decode()
    assert 'hidden>0</span>' in box.split('id="notice-count"')[1][:400]


def test_opening_a_notice_marks_it_read_and_goes_to_its_link(member, member_client):
    notice = notify(member_id=member.pk, kind="test", text="去看看", url="/members/")
    notify(member_id=member.pk, kind="test", text="另一条")
    response = member_client.post(f"/notifications/{notice.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/members/"
    notice.refresh_from_db()
    assert notice.read_at is not None and _unread(member) == 1


def test_another_members_notice_cannot_be_opened(member, other_member, member_client):
    theirs = notify(member_id=other_member.pk, kind="test", text="他的", url="/")
    assert member_client.post(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert member_client.post("/notifications/abc/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None and _unread(other_member) == 1


def test_an_outside_link_is_never_followed(member, member_client):
    notice = notify(member_id=member.pk, kind="test", text="坏链接", url="//evil.example/")
    assert member_client.post(f"/notifications/{notice.pk}/open/")["Location"] == "/notifications/"


def test_a_guest_is_asked_to_log_in(client):
    assert "/login/" in client.get("/notifications/")["Location"]
    assert client.get("/notices/")["Location"] == "/notifications/"  # the old address still leads there
    assert "/login/" in client.post("/notifications/read/")["Location"]


def test_the_count_can_be_rebuilt_from_the_notices(member):
    notify(member_id=member.pk, kind="test", text="一")
    type(member).objects.filter(pk=member.pk).update(unread_notices=40)
    assert notices_recount(member_id=member.pk) == 1 and _unread(member) == 1


def test_the_page_is_paged_and_costs_the_same_queries_for_one_or_many(member, member_client,
                                                                      django_assert_max_num_queries):
    notify(member_id=member.pk, kind="test", text="唯一")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    member_client.get("/notifications/")
    with CaptureQueriesContext(connection) as one:
        member_client.get("/notifications/")
    one_notice = len(one)
    for i in range(30):
        notify(member_id=member.pk, kind="test", text=f"第{i}条")
    member_client.get("/notifications/")  # the user box's number changed: its fragment is made once
    with django_assert_max_num_queries(one_notice):
        page = member_client.get("/notifications/").content.decode()
    assert page.count("<li class=") == 20 and "?page=2" in page
    assert "唯一" in member_client.get("/notifications/?page=2").content.decode()
    assert member_client.get("/notifications/?page=abc").status_code == 200


def test_the_unread_count_costs_no_query(member, django_assert_num_queries):
    from luntan.core.menu import member_menu

    MemberFactory()
    member_menu(member)  # the kept tables (groups, moderators, open reports) are read once
    with django_assert_num_queries(0):
        assert ("/notifications/", "提醒", 0) in member_menu(member)
