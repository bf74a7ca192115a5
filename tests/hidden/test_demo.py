import random

from django.utils import timezone
from factories import MemberFactory, MemberGroupFactory

from luntan.credits.models import CreditType, Operation
from luntan.credits.services import Change, credit_apply
from luntan.forum.models import Board, Category, Thread
from luntan.hidden import demo
from luntan.hidden.models import FloorPart, Purchase
from luntan.markup.conditions import WHOLE, WHOLE_MARKER


def test_the_demo_makes_hidden_and_paid_parts_with_buyers(db):
    category = Category.objects.create(name="生活天地")
    Board.objects.create(category=category, name="灌水闲聊")
    Board.objects.create(category=category, name="数码硬件")
    sellers = MemberFactory.create_batch(2, group=MemberGroupFactory(max_thread_price=5))
    members = MemberFactory.create_batch(8) + sellers
    coin = CreditType.objects.get(slot=1)
    credit_apply(changes=[Change(m.pk, coin.pk, 200) for m in members], operation=Operation.ADJUST)
    now = timezone.now()
    demo.fill_demo(members=members, rng=random.Random(5), now=now)
    assert set(FloorPart.objects.values_list("kind", flat=True)) == {"reply", "credits", "sell"}
    sold = FloorPart.objects.get(kind="sell", number__gt=0)
    assert sold.buyer_count == Purchase.objects.filter(floor=sold.floor).count() >= 2
    assert not Purchase.objects.filter(created_at__gt=now).exists()
    assert not Purchase.objects.filter(buyer_id=sold.floor.author_id).exists()


def test_the_demo_sells_a_thread_whole_when_a_group_may(db):
    category = Category.objects.create(name="生活天地")
    Board.objects.create(category=category, name="数码硬件")
    sellers = MemberFactory.create_batch(2, group=MemberGroupFactory(max_thread_price=5))
    members = MemberFactory.create_batch(8) + sellers
    coin = CreditType.objects.get(slot=1)
    credit_apply(changes=[Change(m.pk, coin.pk, 200) for m in members], operation=Operation.ADJUST)
    demo.fill_demo(members=members, rng=random.Random(5), now=timezone.now())
    thread = Thread.objects.get(price__gt=0)
    assert thread.author in sellers and thread.price == 5
    whole = FloorPart.objects.get(number=WHOLE)
    assert whole.floor.thread == thread and whole.floor.html == WHOLE_MARKER
    assert whole.buyer_count == Purchase.objects.filter(floor=whole.floor, number=WHOLE).count() >= 2
