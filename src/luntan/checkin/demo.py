"""A believable month of 每日签到 for `luntan demo`: regulars who sign every morning, people who forget now
and then, night owls, each day's early birds. Every check-in goes through the service with a backdated
`now`, so the streaks, the ranks and the ledger are exactly what the site itself would have written."""

import random
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from luntan.checkin import moods, services

DAYS = 30
SENTENCES = {
    "kx": ["今天阳光真好，心情也跟着亮起来", "终于把拖了一周的报告交上去了！", "楼下新开的面馆，牛肉面一绝",
           "周末带娃去了动物园，熊猫好可爱", ""],
    "ng": ["养了三年的绿萝还是没救回来", "看完电影哭得稀里哗啦", "又一个朋友要离开这座城市了", ""],
    "ym": ["地铁又延误了二十分钟", "需求改了第五版，改回了第一版", "下雨天没带伞，鞋全湿了", ""],
    "wl": ["加班等测试结果，刷刷论坛", "下午的会开了三个小时", "有没有好看的剧推荐一下？", ""],
    "nu": ["快递又被放错柜子了！", "隔壁装修从早上八点敲到现在", ""],
    "ch": ["差点忘了签到，还好赶上了", "早上睡过头，一路小跑进公司", "体检报告出来了，得开始跑步了", ""],
    "fd": ["考研倒计时一百天，冲！", "今天跑了五公里，打卡", "新项目上线，通宵也值得", "每天背五十个单词", ""],
    "yl": ["周末就想躺着，哪也不去", "午觉睡到了四点……", "今天的任务是晒太阳", ""],
    "shuai": ["手机屏幕又摔碎了", "抽奖又是谢谢参与", "排了半小时队，轮到我卖完了", ""],
}
# How often each kind of member shows up: nearly every day, most days, now and then.
HABITS = [0.97, 0.85, 0.6, 0.3]


def _moment(day, rng: random.Random, *, early: bool) -> datetime:
    """A local time on `day`: an early bird just after midnight, others through the day."""
    seconds = rng.randint(1, 600) if early else rng.randint(6 * 3600, 23 * 3600 + 3000)
    local = datetime(day.year, day.month, day.day) + timedelta(seconds=seconds)  # noqa: DTZ001 - made aware below
    return timezone.make_aware(local)


def fill_demo(*, members: list, rng: random.Random, now) -> None:
    today = timezone.localdate(now)
    habits = {m.pk: rng.choice(HABITS) for m in members}
    favourite = {m.pk: rng.choice(moods.MOODS).code for m in members}
    early_birds = {m.pk for m in rng.sample(members, k=min(3, len(members)))}
    for back in range(DAYS - 1, -1, -1):
        day = today - timedelta(days=back)
        signing = [m for m in members if rng.random() < habits[m.pk]]
        moments = sorted((_moment(day, rng, early=m.pk in early_birds and rng.random() < 0.7), m.pk, m)
                         for m in signing)
        for moment, _pk, member in moments:
            if moment > now:
                continue
            code = favourite[member.pk] if rng.random() < 0.4 else rng.choice(moods.MOODS).code
            sentence = rng.choice(SENTENCES.get(code, [""]))
            try:
                services.checkin_sign(member=member, mood=code, sentence=sentence, now=moment)
            except (PermissionDenied, ValidationError):
                continue  # a silenced member, or one already signed: the site would have refused them too
