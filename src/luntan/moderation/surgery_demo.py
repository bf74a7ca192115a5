"""Thread surgery for `luntan demo` (call `fill_demo` after the forum's demo): the boards' moderators stick
a helpful reply to the top of a few busy threads and split a digression off one of them, through the services,
so every count and the moderation log are what the site itself would write. Approval has nothing to do here:
waiting posts only come from boards whose posts wait (the access work's demo makes those)."""

import random

from django.core.exceptions import PermissionDenied, ValidationError

from luntan.forum.models import Board, Floor, Thread
from luntan.moderation import surgery

STICK_REASONS = ["回答得很全面，置顶方便大家查看", "楼主要找的答案在这里", "热心网友的总结，值得一看"]
SPLIT_TITLES = ["【分出来的话题】{title} 里聊开的另一件事", "从“{title}”拆出来的讨论"]


def _moderator_of(board: Board):
    return board.moderators.first() or (board.parent.moderators.first() if board.parent is not None else None)


def fill_demo(*, members: list, rng: random.Random, now) -> None:
    threads = list(Thread.objects.filter(is_deleted=False, is_waiting=False, moved_to=None, last_floor__gte=6)
                   .select_related("board__parent").order_by("-last_floor", "pk")[:6])
    for i, thread in enumerate(threads):
        moderator = _moderator_of(thread.board)
        if moderator is None:
            continue
        replies = list(Floor.objects.filter(thread=thread, number__gt=1, is_deleted=False, is_waiting=False,
                                            moved_floor=None).values_list("number", flat=True))
        try:
            if i % 3 == 2 and len(replies) >= 8:  # a digression of two or three floors becomes its own thread
                start = rng.randrange(len(replies) // 2, len(replies) - 3)
                chosen = replies[start:start + rng.choice([2, 3])]
                surgery.thread_split(member=moderator, thread=thread, numbers=chosen, reason="跑题了，单独开帖讨论",
                                     title=rng.choice(SPLIT_TITLES).format(title=thread.title[:20]))
            elif replies:
                surgery.reply_stick(member=moderator, thread=thread, number=rng.choice(replies[:10]),
                                    reason=rng.choice(STICK_REASONS), notify_author=True)
        except (PermissionDenied, ValidationError):
            continue
