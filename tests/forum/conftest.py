import itertools

import pytest
from django.test import Client

from luntan.accounts.models import Member
from luntan.forum import services
from luntan.forum.models import Board, Category

_names = itertools.count(1)


@pytest.fixture
def board(db):
    category = Category.objects.create(name="综合讨论区")
    return Board.objects.create(category=category, name="灌水乐园", description="想说什么说什么")


@pytest.fixture
def make_member(db):
    def make(name: str | None = None, **extra) -> Member:
        name = name or f"会员{next(_names)}"
        return Member.objects.create_user(name, f"{next(_names)}@example.com", "不好猜的密码123", **extra)

    return make


@pytest.fixture
def author(make_member):
    return make_member("楼主大人")


@pytest.fixture
def make_thread(board, author):
    def make(*, replies: int = 0, by=None, title: str = "今天天气真好", on=None):
        floor = services.thread_create(author=by or author, board=on or board, title=title,
                                       source="[b]大家好[/b],出来晒太阳。", fmt="bbcode")
        for i in range(replies):
            services.post_reply(author=by or author, thread=floor.thread, source=f"第{i + 1}条回复", fmt="bbcode")
        floor.thread.refresh_from_db()
        return floor.thread

    return make


def signed_in(member: Member) -> Client:
    client = Client()
    client.force_login(member)
    return client
