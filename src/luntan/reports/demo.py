"""Demo reports: a month of 举报 from the demo members, most of them handled or dismissed by a moderator
with a note, a few still open in the queue (luntan demo calls fill_demo after the forum)."""

import random
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError

from luntan.accounts.models import Member
from luntan.forum.models import Floor
from luntan.forum.moderators import moderators_of
from luntan.moderation.models import ModerationLog
from luntan.notices.models import Notice
from luntan.reports import services
from luntan.reports.models import Report

TEXTS = {
    Report.Reason.AD: ["楼里留了微信号,明显是卖货的", "又是代购广告", ""],
    Report.Reason.FLOOD: ["连续发了十几个“顶”", "复制粘贴刷屏", ""],
    Report.Reason.ABUSE: ["骂人了,请版主看看", "对新人冷嘲热讽"],
    Report.Reason.ILLEGAL: ["疑似盗版资源链接"],
    Report.Reason.OTHER: ["发错版块了,应该在技术区", "标题党,内容和标题无关"],
}
NOTES_HANDLED = ["已删除,谢谢举报", "已警告作者", "已移到对应版块", ""]
NOTES_DISMISSED = ["看过了,没有违规", "正常讨论,不算人身攻击", ""]


def moderator_for(floor: Floor) -> Member | None:
    """Who settles a demo report: an administrator if the site has one, else one of the board's moderators."""
    staff = Member.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if staff is not None:
        return staff
    board = floor.thread.board
    for bid in (board.pk, board.parent_id):
        ids = moderators_of(bid)[0] if bid else ()
        if ids:
            return Member.objects.get(pk=min(ids))
    return None


def fill_demo(*, members: list, rng: random.Random, now: datetime) -> None:
    if len(members) < 2:
        return
    floors = list(Floor.objects.select_related("thread__board")
                  .filter(is_deleted=False, thread__is_deleted=False).order_by("-pk")[:300])
    if not floors:
        return
    for floor in rng.sample(floors, k=min(24, len(floors))):
        reporters = [m for m in members if m.pk != floor.author_id]
        when = now - timedelta(days=rng.uniform(0, 30))
        made = []
        for reporter in rng.sample(reporters, k=min(len(reporters), rng.choice([1, 1, 1, 2, 3]))):
            reason = rng.choice(list(TEXTS))
            text = rng.choice(TEXTS[reason]) or ("说不清,总之不对劲" if reason == Report.Reason.OTHER else "")
            try:
                made.append(services.report_create(reporter=reporter, floor=floor, reason=reason, text=text))
            except (ValidationError, PermissionDenied):  # a reporter's hourly limit: the demo moves on
                continue
        if not made:
            continue
        Report.objects.filter(pk__in=[r.pk for r in made]).update(created_at=when)
        staff = moderator_for(floor)
        if staff is not None and rng.random() < 0.75:  # most reports are dealt with within a day or two
            handled = rng.random() < 0.6
            services.report_settle(moderator=staff, floor=floor, outcome="handled" if handled else "dismissed",
                                   note=rng.choice(NOTES_HANDLED if handled else NOTES_DISMISSED))
            settled_at = min(when + timedelta(hours=rng.uniform(1, 48)), now)
            Report.objects.filter(pk__in=[r.pk for r in made]).update(handled_at=settled_at)
            Notice.objects.filter(kind="report", created_at__gt=now - timedelta(minutes=5),
                                  member_id__in=[r.reporter_id for r in made]).update(created_at=settled_at)
            ModerationLog.objects.filter(action="report", floor_number=floor.number, thread_id=floor.thread_id).update(
                created_at=settled_at)
