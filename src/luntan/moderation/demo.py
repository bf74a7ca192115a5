"""A month of moderation for the demo site: digests, stickies, highlights, a lock, a type or two, each
through the services (so the log, notices and credits are as real), then spread over the month."""

import random
from datetime import timedelta

from luntan.forum.models import Thread, ThreadType
from luntan.forum.permissions import is_moderator
from luntan.moderation import services
from luntan.moderation.models import ModerationLog

REASONS = ["内容详实，值得一看", "版规第三条：请勿跑题", "热门讨论，置顶一周", "标题醒目一些", "", "吵架了，冷静一下",
           "优质原创", "已解决"]
TYPES = ["求助", "分享", "讨论", "公告"]


def fill_demo(*, members: list, rng: random.Random, now) -> None:
    threads = list(Thread.objects.filter(is_deleted=False, moved_to=None).select_related("board")
                   .order_by("-reply_count", "-id")[:40])
    staff = [m for m in members if m.is_staff or m.is_superuser]
    for thread in threads[:3]:
        for name in TYPES:
            ThreadType.objects.get_or_create(board=thread.board, name=name, defaults={"order": TYPES.index(name)})
    for i, thread in enumerate(threads):
        actors = [m for m in members if is_moderator(m, thread.board)] or staff
        if not actors:
            continue
        actor = rng.choice(actors)
        reason = rng.choice(REASONS)
        match i % 6:
            case 0:
                services.thread_digest(member=actor, thread=thread, level=rng.randint(1, 3), reason=reason,
                                       tell_author=True)
            case 1 if Thread.objects.filter(board=thread.board, sticky__gt=0).count() < 2:  # a board's top stays short
                services.thread_stick(member=actor, thread=thread, level=1, reason=reason,
                                      until=now + timedelta(days=rng.randint(3, 14)))
            case 2:
                services.thread_highlight(member=actor, thread=thread, colour=rng.choice(["red", "blue", "green"]),
                                          bold=rng.random() < 0.5, reason=reason)
            case 3 if not Thread.objects.filter(is_locked=True).exists():  # locks are rare
                services.thread_lock(member=actor, thread=thread, locked=True, reason=reason, tell_author=True)
            case 4:
                kinds = list(ThreadType.objects.filter(board=thread.board))
                if kinds:
                    services.thread_set_type(member=actor, thread=thread, thread_type=rng.choice(kinds))
    for entry in ModerationLog.objects.filter(created_at__gte=now - timedelta(hours=1)):
        ModerationLog.objects.filter(pk=entry.pk).update(
            created_at=now - timedelta(days=rng.randint(0, 29), minutes=rng.randint(0, 1439)))
