"""验证问题 for `luntan demo`: questions a member of a Chinese forum answers at once and a simple bot does
not, each with the answers people really type (a nickname, digits or Chinese numerals, 简 or 繁 are all
folded by the check itself). Arithmetic questions are made on the fly besides these."""

import random
from datetime import timedelta

from django.db import transaction

from luntan.core import pagecache
from luntan.protection.models import VerificationQuestion, VerifySettings
from luntan.protection.questions import SCOPE

QUESTIONS = [
    ("“床前明月光”的下一句是什么?", ["疑是地上霜"]),
    ("一年有几个月?(请填数字)", ["12", "十二"]),
    ("中国的首都是哪座城市?", ["北京", "北京市", "Beijing"]),
    ("太阳从哪个方向升起?", ["东", "东方", "东边"]),
    ("“春眠不觉晓”的下一句是什么?", ["处处闻啼鸟"]),
    ("一个星期有几天?", ["7", "七", "七天"]),
    ("熊猫最爱吃的植物是什么?", ["竹子", "竹", "竹笋"]),
    ("本站叫什么名字?(两个字)", ["论坛", "Luntan"]),
    ("彩虹一般有几种颜色?", ["7", "七", "七种"]),
    ("春节那天我们吃的、形状像元宝的食物是什么?", ["饺子", "水饺"]),
]


def fill_demo(*, members: list, rng: random.Random, now) -> None:
    with transaction.atomic():
        rows = [VerificationQuestion(question=text, answers="\n".join(answers), enabled=True)
                for text, answers in QUESTIONS]
        rows[-1].enabled = False  # one the admin switched off for now
        VerificationQuestion.objects.bulk_create(rows)
        for row in VerificationQuestion.objects.filter(question__in=[q for q, _ in QUESTIONS]):
            VerificationQuestion.objects.filter(pk=row.pk).update(
                created_at=now - timedelta(days=rng.randint(20, 30), minutes=rng.randint(0, 600)))
        settings, _ = VerifySettings.objects.get_or_create(pk=1)
        settings.kind, settings.arithmetic, settings.posts_below = VerifySettings.Kind.QUESTION, True, 5
        settings.save()
        pagecache.bump(SCOPE)
