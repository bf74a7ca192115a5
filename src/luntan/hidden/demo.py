"""Demo hidden and paid content: a few threads whose opening posts hide a part for repliers, for members with
enough credits, or sell one, and a thread with a price (主题售价), written through the forum's services; some
members reply or buy, then everything is dated back into the past month."""

import random
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from luntan.accounts.groups import rules_for
from luntan.forum import services as forum_services
from luntan.forum.models import Board, Floor, Thread
from luntan.hidden import rules, services
from luntan.hidden.models import Purchase
from luntan.markup.conditions import WHOLE

PLANS: tuple[dict[str, Any], ...] = (
    {"board": "灌水闲聊", "days_ago": 9, "title": "整理了一份本地好吃不贵的小馆子清单（回复可见）",
     "source": "在这座城市住了七年，吃过的小馆子不少，挑了十几家人均三四十块、味道稳定的。\n"
               "[hide]1. 老街口牛肉面：汤头清，牛肉给得足，早上七点开门。\n"
               "2. 巷子里的湘菜馆：小炒黄牛肉必点，辣度可以跟老板说。\n"
               "3. 菜市场二楼的饺子铺：三鲜馅最好，周末要排队。[/hide]\n"
               "吃过的朋友也欢迎补充，别让好店倒闭了 :微笑:",
     "replies": ["感谢分享，收藏了！", "饺子铺我去过，确实好吃", "回复看看，正好周末想出去吃"]},
    {"board": "数码硬件", "days_ago": 15, "title": "旧笔记本加装固态的完整步骤（付费内容，含避坑要点）",
     "source": "前阵子把一台六年前的笔记本救活了，开机从一分多钟变成十几秒。基本思路大家都知道：换固态、迁移系统。\n"
               "[sell=20]具体步骤：\n[list]\n[*]先查清楚主板支持的接口，是 SATA 还是 NVMe，别买错。\n"
               "[*]用厂商自带的迁移工具克隆系统，克隆前先清理掉没用的大文件。\n"
               "[*]进 BIOS 把启动顺序改成新盘，确认能启动后再格式化旧盘。\n[/list]\n"
               "避坑：有些老机器的 M.2 口只支持 SATA 协议，买 NVMe 盘是认不出来的。[/sell]\n"
               "有问题可以回帖问我。",
     "buyers": 0.4},
    {"board": "灌水闲聊", "days_ago": 5, "title": "给老会员的一点小福利",
     "source": "感谢大家一直以来的支持，下面这段给积分高一点的老朋友：\n"
               "[hide=50]论坛下个月会办一次线下聚会，时间地点定了会在公告区发，先给大家透个风，记得留出周末的时间。[/hide]\n"
               "新朋友也别着急，多参与讨论，积分很快就上去了。",
     "replies": ["期待聚会！", "积分还差一点，继续努力"]},
    {"board": "数码硬件", "days_ago": 12, "title": "二手显卡验机全流程，照着做不踩坑", "price": 5,
     "source": "收二手显卡最怕矿卡和翻新卡，这是我这几年验了三十多张卡总结的流程。\n"
               "[b]一、看外观[/b]：金手指有没有磨损、螺丝有没有拧过的痕迹、散热片缝里的灰是不是新积的。\n"
               "[b]二、跑分对比[/b]：同型号的正常分数先查好，低于一成以上就要小心。\n"
               "[b]三、烤机半小时[/b]：看温度曲线和有没有花屏，风扇声音是否正常。\n"
               "[b]四、查序列号[/b]：到官网查保修，和盒子上的号对得上才放心。",
     "replies": ["买了，写得很细，感谢", "第三步很关键，之前就是没烤机吃了亏"],
     "buyers": 0.3},
)


def _dated(thread_id: int, started: datetime) -> None:
    Thread.objects.filter(pk=thread_id).update(created_at=started, last_reply_at=started)
    Floor.objects.filter(thread_id=thread_id, number=1).update(created_at=started)


def fill_demo(*, members: list, rng: random.Random, now: datetime) -> None:
    if len(members) < 3:
        return
    for plan in PLANS:
        board = Board.objects.filter(name=plan["board"]).first() or Board.objects.order_by("pk").first()
        if board is None:
            return
        price = plan.get("price", 0)
        sellers = [m for m in members if rules_for(m).max_thread_price >= price] if price else members
        if not sellers:
            continue  # no member's group may sell a thread at this price
        author = rng.choice(sellers)
        if ("[sell=" in plan["source"] or price) and rules.trade_type() is None:
            continue
        try:
            floor = forum_services.thread_create(author=author, board=board, title=plan["title"],
                                                 source=plan["source"], fmt="bbcode", price=price)
        except (PermissionDenied, ValidationError):
            continue  # a board the author may not post in
        started = now - timedelta(days=plan["days_ago"], hours=rng.randint(1, 10))
        _dated(floor.thread_id, started)
        others = [m for m in members if m.pk != author.pk]
        last = started
        for text in plan.get("replies", []):
            replier = rng.choice(others)
            try:
                reply = forum_services.post_reply(author=replier, thread=floor.thread, source=text, fmt="bbcode")
            except (PermissionDenied, ValidationError):
                continue
            last = last + timedelta(minutes=rng.randint(5, 600))
            Floor.objects.filter(pk=reply.pk).update(created_at=min(last, now))
        if last > started:
            Thread.objects.filter(pk=floor.thread_id).update(last_reply_at=min(last, now))
        share = plan.get("buyers", 0)
        number = WHOLE if price else 1
        for buyer in rng.sample(others, k=int(len(others) * share)) if share else []:
            try:
                services.part_buy(buyer=buyer, floor_id=floor.pk, number=number)
            except (PermissionDenied, ValidationError):
                continue  # not enough coins, or a moderator who reads it free: as it would have been
            moment = started + timedelta(seconds=rng.uniform(60, (now - started).total_seconds()))
            Purchase.objects.filter(floor_id=floor.pk, number=number, buyer_id=buyer.pk).update(created_at=moment)
