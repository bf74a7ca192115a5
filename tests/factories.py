"""factory_boy factories shared by every app's tests. Names and text are Chinese, as on a real site."""

import factory
from factory.django import DjangoModelFactory, Password

from luntan.accounts.models import Member, MemberGroup

PASSWORD = "不好猜的密码123"  # every MemberFactory member's password
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = ["小明", "晓红", "大伟", "思远", "雨桐", "子涵", "浩然", "一诺", "梓萱", "建国"]


def _chinese_name(n: int) -> str:
    """王小明0, 李晓红1 ... : distinct, 4 to 7 characters, never only digits."""
    return f"{_SURNAMES[n % len(_SURNAMES)]}{_GIVEN[n % len(_GIVEN)]}{n}"


class MemberGroupFactory(DjangoModelFactory):
    class Meta:
        model = MemberGroup
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试组{n}")
    kind = MemberGroup.Kind.SPECIAL
    color = ""
    order = factory.Sequence(lambda n: 100 + n)


def default_group() -> MemberGroup | None:
    """新手上路, the group new members join (created by the accounts migrations)."""
    return MemberGroup.objects.filter(is_default=True).first()


def group_for(role: MemberGroup.Role) -> MemberGroup:
    """One of the standard groups by its role (MemberGroup.Role.ADMIN, .MODERATOR ...), as the accounts
    migrations made it. Never by its name, which administrators rename."""
    return MemberGroup.objects.get(role=role)


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    username = factory.Sequence(_chinese_name)
    email = factory.Sequence(lambda n: f"member{n}@example.com")
    password = Password(PASSWORD)
    group = factory.LazyFunction(default_group)
    signature = ""
