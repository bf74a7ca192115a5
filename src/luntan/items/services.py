"""Writes of the item shop: buying (credits and inventory in one transaction), using an item on one's own
thread or oneself, and ending effects on time. Locking order as in the forum: the thread row first, then
the member's. Every refusal raises before anything is written, or rolls the transaction back."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts.models import Member
from luntan.accounts.services import member_rename
from luntan.core import pagecache
from luntan.credits import config
from luntan.credits.models import Operation
from luntan.credits.services import Change, credit_apply, lock_members
from luntan.forum import services as forum_services
from luntan.forum.models import Thread
from luntan.items.models import Effect, Inventory, Item, NameChange, Purchase, Use

MAX_QUANTITY = 99
THREAD_KINDS = (Item.Kind.HIGHLIGHT, Item.Kind.STICKY, Item.Kind.BUMP)
DEFAULT_COLOUR = Thread.Highlight.RED


def _bump_thread(thread: Thread) -> None:
    pagecache.bump(f"thread:{thread.pk}", f"board:{thread.board_id}", "site")


def _key(raw: str | None) -> str:
    key = (raw or "")[:64]
    if not key:
        raise ValidationError(_("The form is incomplete; reload the page and try again."), code="no_key")
    return key


def _item(item_id) -> Item:
    item = Item.objects.filter(pk=item_id, enabled=True).first() if isinstance(item_id, int) else None
    if item is None:
        raise ValidationError(_("There is no such item."), code="item_unknown")
    return item


def _member(member) -> None:
    if not member.is_authenticated or not member.is_active:
        raise PermissionDenied(_("Please log in first."))


# --- Buying ------------------------------------------------------------------------------------------------

def item_buy(*, member: Member, item_id: int, quantity: int, submission_key: str,
             now: datetime | None = None) -> Purchase:
    """Buys `quantity` of an item into the member's inventory, paying price × quantity. A repeated request
    (the same key) replays the first purchase; too few credits, no stock left or the day's limit reached
    is refused with nothing changed."""
    _member(member)
    key = _key(submission_key)
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError(_("Buy between 1 and %(max)s at a time.") % {"max": MAX_QUANTITY}, code="quantity")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            lock_members([member.pk])
            replay = Purchase.objects.filter(member_id=member.pk, key=key).first()
            if replay is not None:
                return replay
            item = _item(item_id)
            kind = config.credit_types().get(item.price_type_id)
            if kind is None or not kind.enabled:
                raise ValidationError(_("“%(name)s” is not for sale now.") % {"name": item.name}, code="not_for_sale")
            if item.daily_limit:
                midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
                bought = Purchase.objects.filter(member_id=member.pk, item=item, created_at__gte=midnight).aggregate(
                    n=Sum("quantity"))["n"] or 0
                if bought + quantity > item.daily_limit:
                    raise ValidationError(
                        _("You may buy %(limit)s “%(name)s” a day; you have bought %(done)s today.") % {
                            "limit": item.daily_limit, "name": item.name, "done": bought}, code="daily_limit")
            paid = item.price * quantity
            credit_apply(changes=[Change(member.pk, item.price_type_id, -paid)], operation=Operation.ITEM,
                         subject_kind="item", subject_id=item.pk, note=f"{item.name}×{quantity}", now=now)
            if item.stock is not None and not Item.objects.filter(pk=item.pk, stock__gte=quantity).update(
                    stock=F("stock") - quantity):
                raise ValidationError(_("“%(name)s” is sold out.") % {"name": item.name}, code="sold_out")
            held, _created = Inventory.objects.get_or_create(member_id=member.pk, item=item)
            Inventory.objects.filter(pk=held.pk).update(quantity=F("quantity") + quantity)
            return Purchase.objects.create(member_id=member.pk, item=item, quantity=quantity, paid=paid, key=key,
                                           created_at=now)
    except IntegrityError:
        replay = Purchase.objects.filter(member_id=member.pk, key=key).first()
        if replay is None:
            raise
        return replay


# --- Using ---------------------------------------------------------------------------------------------------

def check_thread_target(member: Member, thread: Thread | None) -> Thread:
    """A thread an item may act on: the member's own, not deleted. The same message for a missing thread
    and another member's, so the form tells nothing about threads one cannot use it on."""
    if thread is None or thread.author_id != member.pk:
        raise ValidationError(_("Choose one of your own threads."), code="not_yours")
    if thread.is_deleted:
        raise ValidationError(_("That thread has been deleted."), code="thread_deleted")
    return thread


def _take_one(member_id: int, item: Item) -> None:
    if not Inventory.objects.filter(member_id=member_id, item=item, quantity__gte=1).update(
            quantity=F("quantity") - 1):
        raise ValidationError(_("You have no “%(name)s” left; buy one first.") % {"name": item.name}, code="no_item")


@dataclass(frozen=True)
class Used:
    use: Use
    effect: Effect | None
    replayed: bool = False


def item_use(*, member: Member, item_id: int, submission_key: str, thread_id: int | None = None,
             colour: str = "", new_name: str = "", now: datetime | None = None) -> Used:
    """Uses one of the member's items: on a thread of theirs (highlight, sticky, bump) or on themselves
    (rename). A repeated request replays the first use; refusals (not their thread, a deleted thread, the
    effect already running, no item left, a name that is not allowed) change nothing."""
    _member(member)
    key = _key(submission_key)
    now = now or timezone.now()
    replay = Use.objects.filter(member_id=member.pk, key=key).first()
    if replay is not None:
        return Used(use=replay, effect=None, replayed=True)
    item = _item(item_id)
    if item.kind in (Item.Kind.HIGHLIGHT,) and (colour or DEFAULT_COLOUR) not in Thread.Highlight.values[1:]:
        raise ValidationError(_("Unknown highlight colour."), code="highlight")
    try:
        with transaction.atomic():
            thread = None
            if item.kind in THREAD_KINDS:
                if not isinstance(thread_id, int):
                    raise ValidationError(_("Choose one of your own threads."), code="not_yours")
                thread = check_thread_target(member, Thread.objects.select_for_update(of=("self",)).filter(
                    pk=thread_id).first())
            locked = lock_members([member.pk]).get(member.pk)
            if locked is None:
                raise PermissionDenied(_("Please log in first."))
            if Use.objects.filter(member_id=member.pk, key=key).exists():  # a twin request got here first
                return Used(use=Use.objects.get(member_id=member.pk, key=key), effect=None, replayed=True)
            # The whole member row (the lock loads only a few fields): a rename saves it.
            effect = _apply(item, Member.objects.get(pk=member.pk), thread, colour=colour or DEFAULT_COLOUR,
                            new_name=new_name, now=now)
            _take_one(member.pk, item)
            use = Use.objects.create(member_id=member.pk, item=item, thread=thread, key=key, created_at=now)
            return Used(use=use, effect=effect)
    except IntegrityError:
        replay = Use.objects.filter(member_id=member.pk, key=key).first()
        if replay is None:
            raise ValidationError(_("This item is already working on that thread."), code="running") from None
        return Used(use=replay, effect=None, replayed=True)


def _running(thread: Thread, kind: str) -> None:
    if Effect.objects.filter(thread=thread, kind=kind, active=True).exists():
        raise ValidationError(_("This item is already working on that thread."), code="running")


def _apply(item: Item, member: Member, thread: Thread | None, *, colour: str, new_name: str,
           now: datetime) -> Effect | None:
    if item.kind == Item.Kind.RENAME:
        old = member_rename(member=member, username=new_name)
        NameChange.objects.create(member=member, old_name=old, new_name=member.username, changed_at=now)
        return None
    assert thread is not None  # noqa: S101 - item_use found it for a thread item
    _bump_thread(thread)
    if item.kind == Item.Kind.BUMP:
        forum_services.thread_bump(thread=thread, now=now)
        return None
    _running(thread, item.kind)
    if item.kind == Item.Kind.HIGHLIGHT:
        previous, applied, field = thread.highlight, colour, "highlight"
    else:
        if thread.sticky:
            raise ValidationError(_("That thread is already sticky."), code="already_sticky")
        previous, applied, field = str(thread.sticky), "1", "sticky"
    Thread.objects.filter(pk=thread.pk).update(**{field: int(applied) if field == "sticky" else applied})
    return Effect.objects.create(thread=thread, kind=item.kind, member=member, previous=previous, applied=applied,
                                 started_at=now, ends_at=now + timedelta(hours=item.hours))


# --- Ending effects on time ------------------------------------------------------------------------------------

def items_expire(now: datetime | None = None) -> int:
    """Ends every effect whose time has come: the thread gets back its value from before, unless a
    moderator changed the field meanwhile (then the moderator's value stays). Returns how many ended.
    Registered as a buffer flusher, so it runs every few seconds; one indexed query when nothing is due."""
    now = now or timezone.now()
    due = list(Effect.objects.filter(active=True, ends_at__lte=now).order_by("id").values_list("pk", "thread_id"))
    ended = 0
    for effect_id, thread_id in due:
        with transaction.atomic():
            thread = Thread.objects.select_for_update(of=("self",)).filter(pk=thread_id).first()
            effect = Effect.objects.select_for_update().filter(pk=effect_id, active=True).first()
            if effect is None:
                continue
            Effect.objects.filter(pk=effect.pk).update(active=False)
            ended += 1
            if thread is None:
                continue
            if effect.kind == Item.Kind.HIGHLIGHT and thread.highlight == effect.applied:
                Thread.objects.filter(pk=thread.pk).update(highlight=effect.previous)
            elif effect.kind == Item.Kind.STICKY and str(thread.sticky) == effect.applied:
                Thread.objects.filter(pk=thread.pk).update(sticky=int(effect.previous or 0))
            _bump_thread(thread)
    return ended


# --- The administrator -----------------------------------------------------------------------------------

def _check_admin(by) -> None:
    if not (by.is_authenticated and by.is_active and (by.is_staff or by.is_superuser)):
        raise PermissionDenied(_("Only a site administrator may do this."))


def item_save(*, by, item: Item) -> Item:
    _check_admin(by)
    item.name = (item.name or "").strip()
    if not item.name:
        raise ValidationError(_("Please enter a name."), code="name_empty")
    with transaction.atomic():
        item.save()
    return item


def item_delete(*, by, item: Item) -> None:
    """Removes an item no member holds or has used; otherwise disable it."""
    _check_admin(by)
    with transaction.atomic():
        if (Inventory.objects.filter(item=item, quantity__gt=0).exists() or Use.objects.filter(item=item).exists()
                or Purchase.objects.filter(item=item).exists()):
            raise ValidationError(_("Members have bought “%(name)s”; disable it instead.") % {"name": item.name},
                                  code="item_in_use")
        item.delete()
