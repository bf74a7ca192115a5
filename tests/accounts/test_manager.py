"""Member.objects: the accounts Django's own commands make (createsuperuser, the admin) join the right group,
and a lookup by name never crashes on a missing name."""

import pytest

from luntan.accounts.models import Member

pytestmark = pytest.mark.django_db


def test_create_user_joins_the_default_group():
    member = Member.objects.create_user("新来的", "new@example.com", "不好猜的密码123")
    assert member.group is not None and member.group.is_default


def test_create_superuser_joins_the_administrators():
    admin = Member.objects.create_superuser("站长", "boss@example.com", "不好猜的密码123")
    assert admin.group is not None and admin.group.name == "管理员" and admin.is_superuser


def test_lookup_by_a_missing_name_is_not_found_rather_than_a_crash(member):
    assert Member.objects.get_by_natural_key(member.username.upper()) == member
    with pytest.raises(Member.DoesNotExist):
        Member.objects.get_by_natural_key(None)
