"""Demo polls: two threads with a poll each, opened by demo members through the forum's and the polls'
services, voted on by the others, then dated back into the past month."""

import random
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from luntan.forum import services as forum_services
from luntan.forum.models import Board, Floor, Thread
from luntan.polls import services
from luntan.polls.models import Poll, PollBallot

POLLS: tuple[dict[str, Any], ...] = (
    {"board": "灌水闲聊", "days_ago": 12, "title": "【投票】今年春节你们回老家过年吗?",
     "source": "又到了抢票的季节，身边好几个同事都说今年不回去了。大家呢?顺便说说理由 :偷笑:",
     "options": ["回，肯定回，爸妈等着呢", "看情况，抢到票就回", "不回了，在外地过", "把爸妈接过来过年", "还没想好"],
     "multiple": False, "max_choices": None, "ends_in_days": 25, "results_after_vote": False,
     "public_voters": True, "share": 0.7},
    {"board": "数码硬件", "days_ago": 20, "title": "大家手机上平时用什么输入法?(最多选两项)",
     "source": "最近在纠结要不要换输入法，想看看论坛里大家都用什么。投完票可以看结果，欢迎回帖说说优缺点。",
     "options": ["搜狗输入法", "微信输入法", "百度输入法", "手机自带的", "讯飞输入法", "五笔 / 双拼党"],
     "multiple": True, "max_choices": 2, "ends_in_days": None, "results_after_vote": True,
     "public_voters": False, "share": 0.5},
)


def _make(plan: dict, *, author, board: Board, now: datetime) -> Poll:
    spec = services.clean_poll(
        options=plan["options"], multiple=plan["multiple"], max_choices=plan["max_choices"],
        ends_at=now + timedelta(days=plan["ends_in_days"]) if plan["ends_in_days"] else None,
        results_after_vote=plan["results_after_vote"], public_voters=plan["public_voters"], now=now)
    floor = forum_services.thread_create(author=author, board=board, title=plan["title"], source=plan["source"],
                                         fmt="bbcode", extras=[lambda f: services.poll_create(floor=f, spec=spec)])
    return Poll.objects.get(thread_id=floor.thread_id)


def fill_demo(*, members: list, rng: random.Random, now: datetime) -> None:
    if len(members) < 3:
        return
    for plan in POLLS:
        board = Board.objects.filter(name=plan["board"]).first() or Board.objects.order_by("pk").first()
        if board is None:
            return
        author = rng.choice(members)
        try:
            poll = _make(plan, author=author, board=board, now=now)
        except (PermissionDenied, ValidationError):
            continue  # a board the author may not post in
        started = now - timedelta(days=plan["days_ago"], hours=rng.randint(1, 10))
        Thread.objects.filter(pk=poll.thread_id).update(created_at=started, last_reply_at=started)
        Floor.objects.filter(thread_id=poll.thread_id, number=1).update(created_at=started)
        Poll.objects.filter(pk=poll.pk).update(created_at=started)
        ids = list(poll.options.order_by("position").values_list("pk", flat=True))
        weights = [rng.randint(1, 6) for _ in ids]
        voters = rng.sample(members, k=max(2, int(len(members) * plan["share"])))
        for voter in voters:
            wanted = rng.choices(ids, weights=weights, k=rng.randint(1, poll.max_choices))
            try:
                services.poll_vote(member=voter, poll_id=poll.pk, option_ids=wanted)
            except (PermissionDenied, ValidationError):
                continue  # a member who may not vote: as it would have been
            moment = started + timedelta(seconds=rng.uniform(60, (now - started).total_seconds()))
            PollBallot.objects.filter(poll=poll, member=voter).update(created_at=moment)
