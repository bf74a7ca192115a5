"""敏感词 for `luntan demo`: the list a Chinese forum's administrator keeps after a month of spam, imported
through the service as an administrator would paste it (word=action, one per line), and a few flagged
texts on the record. The forum's own demo posts are written before the list exists, so none is refused."""

import random
from datetime import timedelta

from luntan.accounts.models import Member
from luntan.protection import words
from luntan.protection.models import WatchedWord, WordHit

LIST = """# 广告与诈骗：直接禁止
赌博网站=block
网络赌博=block
代办信用卡=block
刷单返利=block
# 多半是广告：先审核
代开发票=hold
低价代购=hold
免费领取=hold
兼职日结=hold
# 可能是私下交易：标记给版主
加微信=flag
加QQ=flag
私聊价格=flag
# 脏话：替换为 ***
傻逼=replace
他妈的=replace
滚蛋=replace
脑残=replace
"""
FLAGGED = [("name", "加微信领红包"), ("sentence", "出闲置，要的加微信"), ("signature", "代购请私聊价格")]


def fill_demo(*, members: list, rng: random.Random, now) -> None:
    # The list is the administrator's: the demo's members are ordinary ones, and `luntan bootstrap` has made
    # the admin account before the demo runs.
    admin = (next((m for m in members if m.is_superuser), None)
             or Member.objects.filter(is_superuser=True).order_by("pk").first())
    if admin is None or WatchedWord.objects.exists():
        return
    words.words_import(by=admin, text=LIST)
    WatchedWord.objects.update(created_at=now - timedelta(days=30))
    for where, text in FLAGGED:
        member = rng.choice(members)
        hit = WordHit.objects.create(member=member, where=where, action=WatchedWord.Action.FLAG,
                                     words="、".join(w for w in ("加微信", "私聊价格") if w in text), excerpt=text)
        WordHit.objects.filter(pk=hit.pk).update(created_at=now - timedelta(days=rng.randint(1, 29),
                                                                            minutes=rng.randint(0, 1440)))
