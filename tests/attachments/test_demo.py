import random
from datetime import timedelta

from django.utils import timezone
from factories import MemberFactory

from luntan.attachments import demo
from luntan.attachments.models import Attachment, Purchase
from luntan.forum import services
from luntan.forum.models import Board, Category


def test_the_demo_puts_drawn_pictures_and_attachments_in_posts(db):
    category = Category.objects.create(name="生活天地")
    members = MemberFactory.create_batch(6, date_joined=timezone.now() - timedelta(days=40))
    for name in ("摄影旅行", "美食厨房", "站务公告"):
        board = Board.objects.create(category=category, name=name)
        services.thread_create(author=members[0], board=board, title=f"{name}的第一帖", source="你好", fmt="bbcode")
    demo.fill_demo(members=members, rng=random.Random(5), now=timezone.now())
    used = Attachment.objects.filter(floor__isnull=False)
    assert used.filter(kind="image").count() == 3
    assert set(used.filter(kind="file").values_list("name", flat=True)) == {
        "新手指南.txt", "晚霞壁纸合集.zip", "摄影小技巧.pdf"}
    paid = used.get(name="晚霞壁纸合集.zip")
    assert paid.price == 5 and Purchase.objects.filter(attachment=paid).exists()
    assert used.get(name="摄影小技巧.pdf").min_level_id is not None
    assert not Attachment.objects.filter(floor__isnull=True).exists()  # nothing left unused
