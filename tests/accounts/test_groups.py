"""The standard groups are found by their role, never by their name: administrators rename groups."""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from factories import group_for

from luntan.accounts.models import Member, MemberGroup

from .conftest import english

pytestmark = pytest.mark.django_db


def test_the_standard_groups_have_their_roles():
    roles = dict(MemberGroup.objects.exclude(role="").values_list("role", "name"))
    assert roles == {
        "admin": "管理员", "super_moderator": "超级版主", "moderator": "版主", "silenced": "禁止发言",
        "newcomer": "新手上路", "registered": "注册会员", "intermediate": "中级会员", "senior": "高级会员",
        "gold": "金牌会员", "veteran": "论坛元老", "guest": "游客",
    }


def test_a_superuser_joins_the_admin_group_after_it_was_renamed_in_the_admin():
    boss = Member.objects.create_superuser("站长", "boss@example.com", "管理员的密码2025")
    client = english(Client())
    client.force_login(boss)
    admins = group_for(MemberGroup.Role.ADMIN)
    response = client.post(f"/admin/accounts/membergroup/{admins.pk}/change/",
                           {"name": "站务组", "kind": "system", "color": "#d0021b", "order": "1", "stars": 0,
                            "can_post": "on", "daily_mood_votes": 20, "max_signature_chars": 200,
                            "max_attachment_kb": 2048, "wheel_spins_per_day": 3, "max_mentions": 10,
                            "max_thread_price": 0})
    assert response.status_code == 302
    admins.refresh_from_db()
    assert (admins.name, admins.role) == ("站务组", "admin")
    second = Member.objects.create_superuser("副站长", "deputy@example.com", "管理员的密码2025")
    assert second.group == admins


def test_a_new_group_has_no_role_and_several_may_have_none():
    MemberGroup.objects.create(name="VIP 会员", kind=MemberGroup.Kind.SPECIAL)
    MemberGroup.objects.create(name="荣誉版主", kind=MemberGroup.Kind.SPECIAL)
    assert MemberGroup.objects.filter(role="").count() == 2


def test_the_migration_finds_standard_groups_renamed_before_it_ran():
    """A site whose admin renamed 管理员 before upgrading still gets its administrators' group marked."""
    set_roles = importlib.import_module("luntan.accounts.migrations.0004_membergroup_role").set_roles
    MemberGroup.objects.update(role="")
    MemberGroup.objects.filter(name="管理员").update(name="站务组")
    set_roles(apps, None)
    assert group_for(MemberGroup.Role.ADMIN).name == "站务组"
    assert group_for(MemberGroup.Role.MODERATOR).name == "版主"
