"""Demo items: members who bought cards over the month, and a few effects working right now on their
threads (luntan demo calls fill_demo after the forum and the credits)."""

import random
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count

from luntan.credits.models import Operation
from luntan.credits.services import Change, credit_apply
from luntan.forum.models import Thread
from luntan.items import services
from luntan.items.models import Item


def fill_demo(*, members: list, rng: random.Random, now: datetime) -> None:
    items = {i.kind: i for i in Item.objects.filter(enabled=True)}
    if not members or not items:
        return
    authors = {row["author_id"]: row["n"] for row in Thread.objects.filter(
        author__in=members, is_deleted=False).values("author_id").annotate(n=Count("id"))}
    buyers = [m for m in members if m.pk in authors] or list(members)
    buyers = rng.sample(buyers, k=min(len(buyers), 8))
    for n, m in enumerate(buyers):
        wanted = [k for k in (Item.Kind.HIGHLIGHT, Item.Kind.STICKY, Item.Kind.BUMP) if k in items]
        for kind in rng.sample(wanted, k=min(len(wanted), rng.randint(1, 3))):
            item, quantity = items[kind], rng.randint(1, 3)
            credit_apply(changes=[Change(m.pk, item.price_type_id, item.price * quantity)],
                         operation=Operation.ADJUST, subject_kind="demo", note="演示数据:补足财富")
            services.item_buy(member=m, item_id=item.pk, quantity=quantity, submission_key=f"demo-buy-{m.pk}-{kind}",
                              now=now - timedelta(days=rng.randint(1, 28), hours=rng.randint(0, 20)))
            thread = Thread.objects.filter(author=m, is_deleted=False, sticky=0).order_by("-last_reply_at").first()
            if thread is None or n > 5:
                continue
            # Used a little while ago: the effect is still working now.
            started = now - timedelta(hours=rng.randint(0, max(0, item.hours - 1)), minutes=rng.randint(1, 50))
            try:
                services.item_use(member=m, item_id=item.pk, thread_id=thread.pk,
                                  colour=rng.choice(["red", "orange", "green", "blue", "purple"]),
                                  submission_key=f"demo-use-{m.pk}-{kind}", now=started)
            except ValidationError:  # an effect already working there: the demo goes on
                continue
    rename = items.get(Item.Kind.RENAME)
    if rename is not None:  # one member keeps a rename card for later
        m = buyers[0]
        credit_apply(changes=[Change(m.pk, rename.price_type_id, rename.price)], operation=Operation.ADJUST,
                     subject_kind="demo", note="演示数据:补足财富")
        services.item_buy(member=m, item_id=rename.pk, quantity=1, submission_key=f"demo-buy-{m.pk}-rename",
                          now=now - timedelta(days=3))
