"""Notices and follows for `luntan demo`: the demo members follow a few threads and each other, some replies
@mention another member, and some floors are liked, all through the services (so each notice, its grouping and
the unread counts are what the site would have made); then the notices are spread over the last days and the
older ones marked read, as a member who visits every few days would have left them."""

import random
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from luntan.forum import services as forum
from luntan.forum.models import Floor, Thread
from luntan.notices import services
from luntan.notices.models import Notice
from luntan.reactions import services as reactions

MENTION_LINES = [
    "@{name} 你上次说的那家店我去了，确实不错，谢谢推荐！",
    "这个问题@{name} 应该最清楚，之前在群里聊过。",
    "同意楼上，另外@{name} 能不能分享一下你的配置清单？",
    "@{name} 周末的活动还缺人吗？算我一个。",
    "楼主说得对，@{name} 你来评评理：[quote]先有鸡还是先有蛋[/quote]",
    "哈哈@{name}快来看，这不就是你上次说的情况吗",
]


def fill_demo(*, members: list, rng: random.Random, now) -> None:
    threads = list(Thread.objects.filter(is_deleted=False, is_waiting=False, moved_to__isnull=True)
                   .order_by("-reply_count", "-id")[:40])
    if len(members) < 3 or not threads:
        return
    refused = (ValidationError, PermissionDenied, Http404)
    for member in members:
        for thread in rng.sample(threads, k=min(len(threads), rng.randint(1, 4))):
            if thread.author_id != member.pk:
                try:
                    services.thread_follow(member=member, thread_id=thread.pk)
                except refused:
                    pass
        for other in rng.sample(members, k=min(3, len(members))):
            if other.pk != member.pk:
                services.member_follow(member=member, followed_id=other.pk)
    for line in MENTION_LINES * 2:
        author, target = rng.sample(members, 2)
        try:
            forum.post_reply(author=author, thread=rng.choice(threads), source=line.format(name=target.username),
                             fmt="bbcode")
        except refused:
            continue
    floors = list(Floor.objects.filter(thread__in=threads, is_deleted=False, is_waiting=False)
                  .values_list("pk", flat=True)[:200])
    for _ in range(min(60, len(floors) * 2)):
        try:
            reactions.floor_like(member=rng.choice(members), floor_id=rng.choice(floors))
        except refused:
            continue
    # Spread over the last ten days, newest first as made; what is older than three days was read.
    for notice in Notice.objects.filter(kind__in=["reply", "quote", "mention", "like", "follow_thread",
                                                  "follow_member"]).only("id"):
        when = now - timedelta(minutes=rng.randint(5, 10 * 24 * 60))
        read = when + timedelta(hours=rng.randint(1, 30)) if when < now - timedelta(days=3) else None
        Notice.objects.filter(pk=notice.pk).update(created_at=when, read_at=read)
    for member in members:
        services.notices_recount(member_id=member.pk)
