"""A month of 短消息 for `luntan demo`: a few believable conversations between the demo members (a trade of
a second-hand camera, a meet-up, a question to a moderator, a group planning a hike), sent through the
services and then backdated, so the unread counts are exactly what the site would have kept."""

import random
from datetime import timedelta

from luntan.letters import services
from luntan.letters.models import Conversation, Letter, Participant

# (title, lines: (speaker index in the conversation, text)); speaker 0 starts it.
CONVERSATIONS = [
    ("请问二手相机还在吗？", 2, [
        (0, "你好，看到你在跳蚤市场发的富士 X100V，还在吗？"),
        (1, "在的，快门不到三千次，盒子配件都在。"),
        (0, "价格还能商量吗？我诚心要，可以当面交易。"),
        (1, "最低四千八吧，周六下午地铁站附近可以验机。"),
        (0, "好的，那就周六下午三点，到了给你发消息。"),
    ]),
    ("周末约羽毛球", 3, [
        (0, "这周六上午有人打羽毛球吗？体育馆我已经订了两个小时。"),
        (1, "算我一个！我带一筒球。"),
        (2, "我可能晚到半小时，先帮我占个位置~"),
        (0, "没问题，九点开始，门口集合。"),
    ]),
    ("关于帖子被移动的疑问", 2, [
        (0, "版主你好，我昨天发的那个[b]装修经验[/b]帖子怎么被移到灌水区了？"),
        (1, "你好，那帖主要是闲聊，按版规放灌水区更合适。如果你补充一些具体做法，我可以移回家居版。"),
        (0, "明白了，我今晚整理一下材料和价格清单再补上，谢谢！"),
    ]),
    ("国庆徒步路线讨论", 4, [
        (0, "大家国庆想走哪条线？我倾向于徽杭古道，两天一夜。"),
        (1, "徽杭古道不错，不过假期人会很多，要早点出发。"),
        (2, "我膝盖不太好，能不能选一条坡缓一点的？"),
        (3, "可以考虑[url=https://example.com/route]这条环线[/url]，整体比较平缓。"),
        (0, "那我先做个两条路线的对比，明天发给大家投票。"),
    ]),
    ("谢谢你的回复", 2, [
        (0, "你在我那个求助帖里的回复太有用了，路由器终于连上了！"),
        (1, "哈哈不客气，有问题随时问。"),
    ]),
]


def fill_demo(*, members: list, rng: random.Random, now) -> None:
    if len(members) < 2:
        return
    for title, size, lines in CONVERSATIONS:
        people = rng.sample(members, k=min(size, len(members)))
        speakers = {i: people[i % len(people)] for i in range(size)}
        others = "、".join(m.username for m in people[1:])
        first = services.conversation_start(author=people[0], recipients=others, title=title,
                                            source=lines[0][1], fmt="bbcode")
        conversation = first.conversation
        for speaker, text in lines[1:]:
            services.letter_reply(author=speakers[speaker], conversation=conversation, source=text, fmt="bbcode")
        # Backdate: the conversation began some days ago, a message every few hours.
        start = now - timedelta(days=rng.randint(1, 28), hours=rng.randint(0, 12))
        moment = start
        for letter in Letter.objects.filter(conversation=conversation).order_by("number"):
            Letter.objects.filter(pk=letter.pk).update(created_at=moment)
            last = moment
            moment = min(moment + timedelta(minutes=rng.randint(5, 600)), now)
        Conversation.objects.filter(pk=conversation.pk).update(created_at=start, last_at=last)
        Participant.objects.filter(conversation=conversation).update(joined_at=start)
