"""The demo economy: what the demo members brought from the old forum, digest rewards, a few transfers and
exchanges, all written through the services, then dated when they happened."""

import random
from datetime import datetime, timedelta

from django.db.models import OuterRef, Subquery

from luntan.accounts.models import Member
from luntan.credits import config, services
from luntan.credits.models import CreditEntry, Operation
from luntan.forum.models import Floor, Thread

NOTES = ["请你喝奶茶", "上次的照片谢啦", "帮忙修电脑的辛苦费", "生日快乐！", "团购的钱", "借的鼎币还你",
         "感谢分享攻略", "拿去买置顶卡吧"]


def fill_demo(*, members: list[Member], rng: random.Random, now: datetime) -> None:
    econ = config.economy()
    coin, prestige, share = econ.by_slot(1), econ.by_slot(2), econ.by_slot(3)
    # Credits earned on the old forum, before this one: the longer a member has been around, the more.
    for m in members:
        days = max((now - m.date_joined).days, 1)
        changes = [services.Change(m.pk, t.id, amount) for t, amount in (
            (coin, int(days * rng.uniform(0.8, 2.5))), (prestige, int(days * rng.uniform(0.0, 0.3))),
            (share, int(days * rng.uniform(0.1, 0.6)))) if t is not None and amount > 0]
        services.credit_apply(changes=changes, operation=Operation.ADJUST, note="旧论坛积分迁移",
                              now=m.date_joined + timedelta(hours=1))
    # Digests were set while the demo was written; their authors get the rule's reward, per level.
    for thread in Thread.objects.filter(digest__gt=0, is_deleted=False, author__in=members):
        services.rule_reward(member_id=thread.author_id, action=Operation.DIGEST, subject_kind="thread",
                             subject_id=thread.pk, multiplier=thread.digest,
                             now=thread.created_at + timedelta(hours=rng.randint(2, 48)))
    # Rewards for posting are dated with the posts they were paid for.
    for kind, model in (("thread", Thread), ("floor", Floor)):
        CreditEntry.objects.filter(subject_kind=kind, operation__in=[Operation.THREAD, Operation.REPLY]).update(
            created_at=Subquery(model.objects.filter(pk=OuterRef("subject_id")).values("created_at")[:1]))
    # A few transfers and exchanges between friends in the last month.
    if coin is not None and len(members) > 2:
        for _ in range(min(12, len(members) * 2)):
            sender, recipient = rng.sample(members, 2)
            at = now - timedelta(days=rng.randint(0, 29), minutes=rng.randint(0, 1439))
            amount = rng.choice([10, 20, 50, 66, 88, 100])
            try:
                services.credit_transfer(sender=sender, recipient_name=recipient.username, credit_type_id=coin.id,
                                         amount=amount, password="", note=rng.choice(NOTES), now=at,
                                         confirmed=True)
            except services.NotEnoughCredits:
                continue
    member_coin = econ.by_slot(4)
    if coin is not None and member_coin is not None and coin.exchange_ratio and member_coin.exchange_ratio:
        for m in rng.sample(members, min(5, len(members))):
            try:
                services.credit_exchange(member=m, source_id=coin.id, target_id=member_coin.id, amount=50,
                                         now=now - timedelta(days=rng.randint(0, 20)))
            except services.NotEnoughCredits:
                continue
    # The ledger keeps the order things happened in: rows written just now with an earlier date are fine,
    # since balances follow the row ids; the audit compares sums and the last row.
