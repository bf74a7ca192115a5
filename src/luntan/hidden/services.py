"""Writes of content with a condition: keeping a floor's parts when it is written, and buying a paid part."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts.groups import rules_for
from luntan.core import pagecache
from luntan.credits import config
from luntan.credits.models import Operation
from luntan.credits.services import Change, credit_apply, lock_members, transfer_tax
from luntan.forum import permissions
from luntan.forum.models import Floor
from luntan.hidden import rules
from luntan.hidden.models import FloorPart, Purchase
from luntan.markup.conditions import SELL, WHOLE, Part


def check_parts(parts: list[Part], *, seller=None) -> None:
    """Refuses a price the site does not allow (called before anything is written). A thread price (the part
    WHOLE) is bounded by the seller's group (主题最高售价), an inline [sell] part by the site's maximum."""
    for part in parts:
        if part.kind == SELL:
            if rules.trade_type() is None:
                raise ValidationError(_("Paid content is not available on this site."), code="sell_off")
            if part.number == WHOLE:
                check_thread_price(seller=seller, price=part.amount)
            elif part.amount > rules.max_price():
                raise ValidationError(_("A price may be at most %(max)s.") % {"max": rules.max_price()},
                                      code="sell_price")


def check_thread_price(*, seller, price: int) -> None:
    """Whether this member may sell a thread at this price (the new-thread form asks it too)."""
    if price <= 0:
        return
    most = rules_for(seller).max_thread_price
    if most <= 0:
        raise ValidationError(_("Your member group may not sell threads; please set the price to 0."),
                              code="price_not_allowed")
    if price > most:
        raise ValidationError(_("A thread price may be at most %(max)s.") % {"max": config.price_text(most)},
                              code="price_high")


def parts_save(floor: Floor, parts: list[Part], *, edited: bool) -> None:
    """Keeps a floor's conditional parts, inside the write of the floor (forum.extensions: the forum calls this
    in thread_create, post_reply and floor_edit). An edit keeps each number's buyers and their count; a part
    sold again under a number that was sold before (a thread priced again) counts its old buyers, who keep it."""
    if edited:
        FloorPart.objects.filter(floor=floor).exclude(number__in=[p.number for p in parts]).delete()
        kept = {p.number: p for p in FloorPart.objects.filter(floor=floor)}
    else:
        kept = {}
    # A price is checked when it is set: a part kept as it was stays valid after the site lowers its maximum.
    changed = [p for p in parts if p.number not in kept or (kept[p.number].kind, kept[p.number].amount)
               != (p.kind, p.amount)]
    check_parts(changed, seller=floor.author if any(p.number == WHOLE for p in changed) else None)
    new = []
    for part in parts:
        found = kept.get(part.number)
        if found is None:
            bought = (Purchase.objects.filter(floor=floor, number=part.number).count()
                      if edited and part.kind == SELL else 0)
            new.append(FloorPart(floor=floor, number=part.number, kind=part.kind, amount=part.amount, html=part.html,
                                 buyer_count=bought))
        elif (found.kind, found.amount, found.html) != (part.kind, part.amount, part.html):
            FloorPart.objects.filter(pk=found.pk).update(kind=part.kind, amount=part.amount, html=part.html)
    if new:
        FloorPart.objects.bulk_create(new)


def check_buy(*, buyer, part: FloorPart) -> None:
    """Whether this member may buy this part now; the part's box uses it to show or hide the form."""
    if not getattr(buyer, "is_authenticated", False):
        raise PermissionDenied(_("Please log in first."))
    if not buyer.is_active:
        raise PermissionDenied(_("Your account is disabled."))
    if part.kind != FloorPart.Kind.SELL:
        raise ValidationError(_("This part is not for sale."), code="not_for_sale")
    floor = part.floor
    if floor.author_id == buyer.pk or permissions.is_moderator(buyer, floor.thread.board):
        raise ValidationError(_("You can read this part without paying."), code="free")
    if floor.is_deleted:
        raise ValidationError(_("This floor has been deleted."), code="deleted")


def part_buy(*, buyer, floor_id: int, number: int, now=None,
             expected_price: int | None = None) -> tuple[Purchase, bool]:
    """购买: the buyer pays the part's price in the trade currency, the author gets it less the site's tax.
    Returns (the purchase, whether it was made just now). Buying again returns the first purchase and charges
    nothing: the buyer's row is locked before the check, and the unique constraint is the last guard.
    `expected_price`: the price the buyer confirmed; if the author changed it since, nothing is bought."""
    now = now or timezone.now()
    part = (FloorPart.objects.select_related("floor__thread__board__parent")
            .filter(floor_id=floor_id, number=number).first())
    if part is None:
        raise ValidationError(_("This part is not for sale."), code="not_for_sale")
    permissions.check_view_floor(buyer, part.floor)
    existing = Purchase.objects.filter(floor_id=floor_id, number=number, buyer_id=buyer.pk).first()
    if existing is not None:
        return existing, False
    check_buy(buyer=buyer, part=part)
    kind = rules.trade_type()
    if kind is None:
        raise ValidationError(_("Paid content is not available on this site."), code="sell_off")
    author_id = part.floor.author_id
    try:
        with transaction.atomic():
            locked = lock_members([buyer.pk, author_id])
            existing = Purchase.objects.filter(floor_id=floor_id, number=number, buyer_id=buyer.pk).first()
            if existing is not None:
                return existing, False
            price = FloorPart.objects.filter(pk=part.pk).values_list("amount", flat=True).first() or part.amount
            if expected_price is not None and price != expected_price:
                raise ValidationError(_("The price is now %(price)s; please confirm it again.")
                                      % {"price": config.price_text(price)}, code="price_changed")
            tax = transfer_tax(price, config.economy())
            note = (_("Thread “%(title)s”") if number == WHOLE else _("Floor %(number)s of “%(title)s”")) % {
                "number": part.floor.number, "title": part.floor.thread.title[:60]}
            credit_apply(changes=[Change(buyer.pk, kind.id, -price)], operation=Operation.CONTENT_BUY,
                         subject_kind="floor", subject_id=floor_id, note=note, now=now, locked=locked)
            if price - tax:
                credit_apply(changes=[Change(author_id, kind.id, price - tax)], operation=Operation.CONTENT_SALE,
                             subject_kind="floor", subject_id=floor_id, note=note, now=now, locked=locked)
            purchase = Purchase.objects.create(floor_id=floor_id, number=number, buyer_id=buyer.pk,
                                               credit_type_id=kind.id, price=price, tax=tax, created_at=now)
            FloorPart.objects.filter(pk=part.pk).update(buyer_count=F("buyer_count") + 1)
            pagecache.bump(rules.parts_scope(part.floor.thread_id))  # the kept parts' buyer counts, not the page
    except IntegrityError:  # the same purchase, committed a moment ago by the other request
        existing = Purchase.objects.filter(floor_id=floor_id, number=number, buyer_id=buyer.pk).first()
        if existing is None:
            raise
        return existing, False
    return purchase, True


def buyers_recount() -> int:
    """Rebuilds every part's buyer count from the purchases; returns how many changed."""
    changed = 0
    for part in FloorPart.objects.filter(kind=FloorPart.Kind.SELL):
        count = Purchase.objects.filter(floor_id=part.floor_id, number=part.number).count()
        if count != part.buyer_count:
            FloorPart.objects.filter(pk=part.pk).update(buyer_count=count)
            changed += 1
    return changed
