"""The admin's member and group pages write through accounts' services: a member with posts is kept with a
clear message, a rename shows at once, and counters are never written back from the page."""

import pytest
from django.test import Client
from factories import MemberFactory

from luntan.accounts.models import Member, MemberGroup
from luntan.forum import services as forum_services

from .conftest import english

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin) -> Client:
    client = english(Client())
    client.force_login(admin)
    return client


def _member_form(member: Member, **changes) -> dict:
    data = {"username": member.username, "email": member.email, "group": member.group_id or "",
            "custom_title": member.custom_title, "is_active": "on"}
    data.update(changes)
    return data


def test_a_member_with_posts_is_kept_and_the_admin_says_why(admin_client, member, thread):
    page = admin_client.get(f"/admin/accounts/member/{member.pk}/delete/")
    assert page.status_code == 200 and "protected" in page.content.decode()

    response = admin_client.post(f"/admin/accounts/member/{member.pk}/delete/", {"post": "yes"})

    assert response.status_code == 200 and Member.objects.filter(pk=member.pk).exists()
    response = admin_client.post("/admin/accounts/member/", {
        "action": "delete_selected", "_selected_action": [member.pk], "post": "yes"})
    assert response.status_code == 200 and Member.objects.filter(pk=member.pk).exists()


def test_a_member_with_posts_is_kept_even_if_they_post_while_the_admin_confirms(
        admin_client, member, board, monkeypatch):
    """The delete page found no posts; one arrives before the admin confirms: a message, never a 500."""
    from django.contrib.admin import ModelAdmin

    real = ModelAdmin.get_deleted_objects

    def nothing_protected_yet(self, objs, request):
        deleted, counts, perms, _protected = real(self, objs, request)
        return deleted, counts, perms, []

    forum_services.thread_create(author=member, board=board, title="刚发的帖", source="正文", fmt="bbcode")
    monkeypatch.setattr(ModelAdmin, "get_deleted_objects", nothing_protected_yet)

    response = admin_client.post(f"/admin/accounts/member/{member.pk}/delete/", {"post": "yes"}, follow=True)

    assert response.status_code == 200 and Member.objects.filter(pk=member.pk).exists()
    assert "has posts" in response.content.decode()


def test_a_member_without_posts_is_deleted_and_leaves_the_moderators(
        admin_client, board, django_capture_on_commit_callbacks):
    quiet = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.board_moderators_set(board=board, members=[quiet])
    assert quiet.username in Client().get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/accounts/member/{quiet.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302 and not Member.objects.filter(pk=quiet.pk).exists()
    assert quiet.username not in Client().get("/").content.decode()


def test_a_moderator_renamed_in_the_admin_shows_with_the_new_name(
        admin_client, moderator, board, django_capture_on_commit_callbacks):
    assert moderator.username in Client().get("/").content.decode()  # the home page is kept

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/accounts/member/{moderator.pk}/change/",
                                     _member_form(moderator, username="新版主"))

    assert response.status_code == 302
    home = Client().get("/").content.decode()
    assert "新版主" in home and moderator.username not in home


def test_an_admin_edit_never_writes_back_the_counters(admin_client, member, monkeypatch):
    from django.forms.models import BaseModelForm

    real = BaseModelForm._post_clean

    def posted_meanwhile(form):  # the member posts while the admin's request is under way
        Member.objects.filter(pk=member.pk).update(post_count=7, online_seconds=600)
        real(form)

    monkeypatch.setattr(BaseModelForm, "_post_clean", posted_meanwhile)
    response = admin_client.post(f"/admin/accounts/member/{member.pk}/change/",
                                 _member_form(member, custom_title="老会员"))
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.custom_title, member.post_count, member.online_seconds) == ("老会员", 7, 600)


def test_a_group_with_members_is_kept_and_an_empty_one_is_deleted(admin_client, member):
    response = admin_client.post(f"/admin/accounts/membergroup/{member.group_id}/delete/", {"post": "yes"})
    assert response.status_code == 200 and MemberGroup.objects.filter(pk=member.group_id).exists()

    empty = MemberGroup.objects.create(name="空的组")
    response = admin_client.post(f"/admin/accounts/membergroup/{empty.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not MemberGroup.objects.filter(pk=empty.pk).exists()


def test_a_group_edited_in_the_admin_is_saved(admin_client):
    group = MemberGroup.objects.create(name="旧名字", order=5)
    response = admin_client.post(f"/admin/accounts/membergroup/{group.pk}/change/", {
        "name": "新名字", "kind": group.kind, "color": "#ff0000", "order": 6, "stars": 0, "can_post": "on",
        "daily_mood_votes": 20, "max_signature_chars": 200, "max_attachment_kb": 2048, "wheel_spins_per_day": 3,
        "max_mentions": 10, "max_thread_price": 0})
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.color, group.order) == ("新名字", "#ff0000", 6)
