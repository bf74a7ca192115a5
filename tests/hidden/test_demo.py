import random

from django.utils import timezone
from factories import MemberFactory

from luntan.credits.models import CreditType, Operation
from luntan.credits.services import Change, credit_apply
from luntan.forum.models import Board, Category
from luntan.hidden import demo
from luntan.hidden.models import FloorPart, Purchase


def test_the_demo_makes_hidden_and_paid_parts_with_buyers(db):
    category = Category.objects.create(name="生活天地")
    Board.objects.create(category=category, name="灌水闲聊")
    Board.objects.create(category=category, name="数码硬件")
    members = MemberFactory.create_batch(10)
    coin = CreditType.objects.get(slot=1)
    credit_apply(changes=[Change(m.pk, coin.pk, 200) for m in members], operation=Operation.ADJUST)
    now = timezone.now()
    demo.fill_demo(members=members, rng=random.Random(5), now=now)
    assert set(FloorPart.objects.values_list("kind", flat=True)) == {"reply", "credits", "sell"}
    sold = FloorPart.objects.get(kind="sell")
    assert sold.buyer_count == Purchase.objects.filter(floor=sold.floor).count() >= 2
    assert not Purchase.objects.filter(created_at__gt=now).exists()
    assert not Purchase.objects.filter(buyer_id=sold.floor.author_id).exists()
