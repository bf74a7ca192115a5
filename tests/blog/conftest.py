import pytest
from factories import MemberFactory

from luntan.blog import services
from luntan.reactions.models import Mood


@pytest.fixture
def friend(member, other_member):
    """`other_member`, whom `member` (the blog's owner) has added to their friends."""
    services.friend_add(member=member, friend_id=other_member.pk)
    return other_member


@pytest.fixture
def stranger(db):
    return MemberFactory()


@pytest.fixture
def banned(member, admin):
    """A friend of `member` who is banned from posting."""
    from luntan.bans import services as bans

    someone = MemberFactory()
    services.friend_add(member=member, friend_id=someone.pk)
    bans.ban_create(actor=admin, member=someone, kind="post", reason="刷广告", until=None)
    return someone


@pytest.fixture
def posts(member):
    """One post of each visibility by `member`, by visibility."""
    return {v: services.blog_post_create(author=member, title=f"{v}日志", source=f"这是{v}的内容", fmt="bbcode",
                                         visibility=v)
            for v in ("public", "friends", "private")}


@pytest.fixture
def moods():
    return list(Mood.objects.filter(enabled=True).order_by("order", "id"))
