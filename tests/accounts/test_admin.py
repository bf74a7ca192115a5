"""The site admin's member and group pages: they list, search and edit, and apply the name rules."""

import pytest
from factories import MemberFactory

from luntan.accounts.models import MemberGroup

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["", "?q=张", "?q=abc", "?q=123", "?q=%25", "?is_active__exact=1",
                                   "?group__id__exact=1"])
def test_member_list_and_search(admin_client, query):
    MemberFactory(username="张三丰")
    response = admin_client.get(f"/admin/accounts/member/{query}")
    assert response.status_code == 200


def test_search_finds_by_name_and_email(admin_client):
    MemberFactory(username="张三丰", email="sanfeng@wudang.example")
    MemberFactory(username="令狐冲")
    page = admin_client.get("/admin/accounts/member/?q=wudang").content.decode()
    assert "张三丰" in page and "令狐冲" not in page


def test_edit_a_member(admin_client):
    member = MemberFactory(username="张三丰")
    group = MemberGroup.objects.get(role=MemberGroup.Role.MODERATOR)
    url = f"/admin/accounts/member/{member.pk}/change/"
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"username": "张真人", "email": "zhang@example.com", "group": group.pk,
                                       "custom_title": "武当掌门", "is_active": "on"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.username, member.group, member.custom_title, member.is_staff) == (
        "张真人", group, "武当掌门", False)


@pytest.mark.parametrize(("username", "message"), [
    ("张 三", "cannot contain spaces"),
    ("12345", "cannot be only digits"),
    ("LINGHU", "This username is already taken."),
])
def test_edit_applies_the_name_rules(admin_client, username, message):
    MemberFactory(username="linghu")
    member = MemberFactory(username="张三丰")
    response = admin_client.post(f"/admin/accounts/member/{member.pk}/change/",
                                 {"username": username, "email": "", "is_active": "on"})
    assert response.status_code == 200 and message in response.content.decode()
    member.refresh_from_db()
    assert member.username == "张三丰"


def test_members_are_not_added_here(admin_client):
    assert admin_client.get("/admin/accounts/member/add/").status_code == 403


def test_group_list(admin_client):
    page = admin_client.get("/admin/accounts/membergroup/").content.decode()
    assert "新手上路" in page and "管理员" in page
    assert admin_client.get("/admin/accounts/membergroup/?q=会员").status_code == 200


def test_admin_is_for_staff_only(member_client):
    response = member_client.get("/admin/accounts/member/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
