"""Demo warnings and bans: a few members warned for flooding over the month, one forbidden to post for a
week, an address range of spammers kept out (luntan demo calls fill_demo after the forum)."""

import random
from datetime import datetime, timedelta

from luntan.accounts.models import Member
from luntan.bans import services
from luntan.bans.models import Ban, MemberWarning
from luntan.forum.models import Floor
from luntan.moderation.models import ModerationLog
from luntan.moderation.ranks import MEMBER, rank
from luntan.notices.models import Notice
from luntan.reports.demo import moderator_for

WARNINGS = ["连续灌水,请注意版规", "回帖只有一个“顶”字", "标题党,已修改标题", "言语过激,请文明讨论"]


def fill_demo(*, members: list, rng: random.Random, now: datetime) -> None:
    admin = Member.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    plain = [m for m in members if rank(m) == MEMBER]
    if len(plain) < 3:
        return
    warned = rng.sample(plain, k=3)
    staff = None
    for member in warned[:2]:
        floor = (Floor.objects.select_related("thread__board").filter(author=member, is_deleted=False)
                 .order_by("pk").first())
        staff = moderator_for(floor) if floor is not None else None
        if staff is None:
            continue
        for _ in range(rng.choice([1, 2])):
            warning = services.warning_create(actor=staff, member=member, floor=floor, reason=rng.choice(WARNINGS))
            when = now - timedelta(days=rng.uniform(1, 25))
            MemberWarning.objects.filter(pk=warning.pk).update(created_at=when)
            just_now = now - timedelta(minutes=5)
            Notice.objects.filter(member=member, kind="warning", created_at__gt=just_now).update(created_at=when)
            ModerationLog.objects.filter(action="warn", member=member, created_at__gt=just_now).update(created_at=when)
    if staff is None:
        return
    since = now - timedelta(days=2)
    ban = services.ban_create(actor=staff, member=warned[2], kind=Ban.Kind.POST, reason="多次发布广告链接",
                              until=since + timedelta(days=7))
    Ban.objects.filter(pk=ban.pk).update(created_at=since)
    if admin is None:  # an address range is an administrator's or a super moderator's to ban
        return
    ban = services.ban_create(actor=admin, network="203.0.113.0/24", kind=Ban.Kind.VISIT,
                              reason="这个地址段批量注册小号发广告", until=None)
    Ban.objects.filter(pk=ban.pk).update(created_at=now - timedelta(days=12))
