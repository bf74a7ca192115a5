"""A month of 博客 for `luntan demo`: a few members keep a blog (a trip, a recipe, notes from work, a diary
for friends only), others comment and give moods, and some add each other as friends. Everything goes
through the services (no rate limits for a trusted caller), then the dates are set back over the month."""

import random
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError

from luntan.blog import services
from luntan.blog.models import BlogComment, BlogPost
from luntan.reactions import config as moods

POSTS = [
    ("游记", "public", "周末去了趟婺源",
     "周六一早坐高铁出发，**两个小时**就到了。\n\n油菜花还没全开，但山里的雾一起来，白墙黑瓦像水墨画一样。"
     "晚上住在江湾的民宿，老板娘做的粉蒸肉特别香。\n\n下次想秋天再去，听说晒秋更好看。"),
    ("厨房", "public", "第一次做红烧肉，居然成功了",
     "参考了论坛里好几个帖子，总结一下：\n\n1. 五花肉先冷水下锅焯水\n2. 冰糖小火炒出糖色\n3. 加开水，不要加冷水\n"
     "4. 小火炖一个小时，最后大火收汁\n\n家里人都说比饭店的好吃，开心！"),
    ("工作", "public", "记一次线上故障的复盘",
     "上周三凌晨两点被电话叫醒，数据库连接池满了。\n\n原因是一个新上线的报表查询没加索引，一次要扫几百万行。"
     "教训：上线前一定要看执行计划，慢查询告警也要配好。"),
    ("随笔", "friends", "最近有点累",
     "项目一个接一个，周末也在加班。跟朋友们说说就好，不想发到外面去。\n\n希望下个月能请几天假，回老家看看爸妈。"),
    ("读书", "public", "《活着》读后感",
     "一个晚上读完的。福贵的一生那么苦，可书里没有一句抱怨。\n\n合上书的时候想，活着本身就是一件了不起的事。"),
    ("随笔", "private", "给自己的备忘",
     "今年的目标：\n- 每周跑步三次\n- 读完十二本书\n- 学会游泳\n\n年底回来看看完成了几个。"),
    ("摄影", "public", "用手机拍夜景的几个小技巧",
     "1. 一定要稳，靠在栏杆上或者用个小三脚架\n2. 夜景模式别乱晃，等它拍完\n3. 曝光往下拉一点，高光不容易过曝\n\n"
     "附上昨晚在江边拍的几张，欢迎大家指点。"),
]
COMMENTS = ["写得真好，收藏了！", "哈哈，我上次做红烧肉糊锅了", "支持一下，期待更新", "同感，深有体会",
            "照片呢？求图！", "楼主加油，会好起来的", "学习了，谢谢分享", "下次一起去呀"]


def fill_demo(*, members: list, rng: random.Random, now) -> None:
    if len(members) < 3:
        return
    writers = rng.sample(members, k=min(4, len(members)))
    for writer in writers:  # each writer counts two or three others as friends
        for friend in rng.sample([m for m in members if m.pk != writer.pk], k=min(3, len(members) - 1)):
            try:
                services.friend_add(member=writer, friend_id=friend.pk)
            except (PermissionDenied, ValidationError):
                continue
    enabled = moods.enabled_moods()
    for index, (category_name, visibility, title, body) in enumerate(POSTS):
        writer = writers[index % len(writers)]
        try:
            category = services.blog_category_create(owner=writer, name=category_name)
            post = services.blog_post_create(author=writer, title=title, source=body, fmt="markdown",
                                             visibility=visibility, category_id=category.pk)
        except (PermissionDenied, ValidationError):
            continue  # a silenced member: the site would have refused them too
        written = now - timedelta(days=rng.randint(2, 28), hours=rng.randint(0, 12), minutes=rng.randint(0, 59))
        BlogPost.objects.filter(pk=post.pk).update(created_at=written)
        readers = [m for m in members if m.pk != writer.pk]
        for n, reader in enumerate(rng.sample(readers, k=min(len(readers), rng.randint(1, 4)))):
            try:
                comment = services.blog_comment_create(author=reader, post_id=post.pk, source=rng.choice(COMMENTS),
                                                       fmt="bbcode")
            except (PermissionDenied, ValidationError):
                continue  # not a friend of a post for friends, or silenced
            BlogComment.objects.filter(pk=comment.pk).update(created_at=written + timedelta(hours=n + 1, minutes=17))
        for reader in rng.sample(readers, k=min(len(readers), rng.randint(0, 6))):
            if not enabled:
                break
            try:
                services.blog_mood_vote(member=reader, post_id=post.pk, mood_id=rng.choice(enabled[:5]).id)
            except (PermissionDenied, ValidationError):
                continue
