"""Writes of medals: the administrator's definitions and grants, the automatic awards and purchases. Each
grant changes the member's MedalShelf and card stamp in the same transaction, with the member's row locked
(after any thread row the caller holds: the forum locks a thread, then its members)."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts.models import Member
from luntan.credits import config
from luntan.credits.models import Operation
from luntan.credits.services import Change, credit_apply, lock_members
from luntan.forum.models import Floor
from luntan.medals import catalog
from luntan.medals.cards import annotate_shelf, parse_ids
from luntan.medals.models import Medal, MedalShelf, MemberMedal, check_image

# The figures a rule may name, and where the forum's come from (checkin_* are passed by the check-in app).
FIGURES = tuple(Medal.Rule.values[1:])


def _check_admin(by) -> None:
    if not (by.is_authenticated and by.is_active and (by.is_staff or by.is_superuser)):
        raise PermissionDenied(_("Only a site administrator may do this."))


def _shelve(member_id: int) -> None:
    """Writes the member's medal ids to their shelf and refreshes their card (member row locked)."""
    ids = ",".join(str(i) for i in MemberMedal.objects.filter(member_id=member_id).order_by("medal_id")
                   .values_list("medal_id", flat=True))
    MedalShelf.objects.update_or_create(member_id=member_id, defaults={"medal_ids": ids[:1000]})
    Member.objects.filter(pk=member_id).update(card_stamp=F("card_stamp") + 1)


def _give(member_id: int, medal_ids: Iterable[int], *, how: str, reason: str = "", by_id: int | None = None,
          key: str = "") -> list[MemberMedal]:
    """Adds the medals the member does not hold yet (member row locked); returns the new rows."""
    wanted = set(medal_ids) - set(MemberMedal.objects.filter(member_id=member_id, medal_id__in=list(medal_ids))
                                  .values_list("medal_id", flat=True))
    if not wanted:
        return []
    now = timezone.now()
    rows = MemberMedal.objects.bulk_create([
        MemberMedal(member_id=member_id, medal_id=i, how=how, reason=reason[:200], granted_by_id=by_id,
                    granted_at=now, submission_key=key) for i in sorted(wanted)])
    _shelve(member_id)
    return rows


# --- The administrator ------------------------------------------------------------------------------------

def medal_save(*, by, medal: Medal) -> Medal:
    _check_admin(by)
    medal.name = (medal.name or "").strip()
    if not medal.name:
        raise ValidationError(_("Please enter a name."), code="name_empty")
    check_image(medal.image)
    if medal.price and medal.price_type_id is None:
        raise ValidationError(_("Choose the credit type the price is paid in."), code="price_type")
    if medal.rule and medal.threshold < 1:
        raise ValidationError(_("An automatic medal needs a figure of at least 1."), code="threshold")
    with transaction.atomic():
        medal.save()
        catalog.changed()
    return medal


def medal_delete(*, by, medal: Medal) -> None:
    _check_admin(by)
    with transaction.atomic():
        holders = list(MemberMedal.objects.filter(medal=medal).values_list("member_id", flat=True))
        lock_members(holders)
        medal.delete()
        for member_id in holders:
            _shelve(member_id)
        catalog.changed()


def medal_grant(*, by, member: Member, medal: Medal, reason: str) -> MemberMedal | None:
    """An administrator gives a medal by hand, saying why; None if the member already holds it."""
    _check_admin(by)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Please say why the medal is given."), code="reason_empty")
    with transaction.atomic():
        lock_members([member.pk])
        rows = _give(member.pk, [medal.pk], how=MemberMedal.How.HAND, reason=reason, by_id=by.pk)
    return rows[0] if rows else None


def medal_revoke(*, by, held: MemberMedal) -> None:
    _check_admin(by)
    with transaction.atomic():
        lock_members([held.member_id])
        MemberMedal.objects.filter(pk=held.pk).delete()
        _shelve(held.member_id)


def medals_reshelve() -> int:
    """Rebuilds every member's shelf from their medals; returns how many shelves were wrong."""
    wrong = 0
    truth: dict[int, list[int]] = {}
    for member_id, medal_id in MemberMedal.objects.order_by("member_id", "medal_id").values_list(
            "member_id", "medal_id"):
        truth.setdefault(member_id, []).append(medal_id)
    shelves = dict(MedalShelf.objects.values_list("member_id", "medal_ids"))
    for member_id in sorted(set(truth) | set(shelves)):
        if parse_ids(shelves.get(member_id)) != truth.get(member_id, []):
            with transaction.atomic():
                lock_members([member_id])
                _shelve(member_id)
            wrong += 1
    return wrong


# --- Earned by rules -------------------------------------------------------------------------------------

def medals_award_earned(*, member_id: int, figures: dict[str, int]) -> list[Medal]:
    """Grants every enabled automatic medal whose rule the figures meet, e.g. {"posts": 1000} or, from the
    check-in app, {"checkin_streak": 7, "checkin_days": 30}; a figure not given is not judged. Idempotent:
    a medal held already is not granted again. Returns the medals newly granted. No query at all when no
    rule is met."""
    due = [m.id for m in catalog.automatic() if m.rule in figures and figures[m.rule] >= m.threshold]
    if not due:
        return []
    with transaction.atomic():
        if not lock_members([member_id]):
            return []
        rows = _give(member_id, due, how=MemberMedal.How.RULE, reason=_("Earned automatically"))
    return list(Medal.objects.filter(pk__in=[r.medal_id for r in rows])) if rows else []


def medals_after_post(*, member_id: int, floor_number: int) -> list[Medal]:
    """Called by the forum after a new thread or reply (inside its transaction): the member's figures in one
    query with the medals they hold, and the sofas (second floors) counted only when this post is one."""
    automatic = catalog.automatic()
    if not automatic:
        return []
    row = annotate_shelf(Member.objects.filter(pk=member_id)).values(
        "post_count", "thread_count", "digest_count", "credit_total", "card_medal_ids").first()
    if row is None:
        return []
    held = set(parse_ids(row["card_medal_ids"]))
    figures = {"posts": row["post_count"], "threads": row["thread_count"], "digests": row["digest_count"],
               "credit_total": row["credit_total"]}
    if floor_number == 2 and any(m.rule == Medal.Rule.SOFAS and m.id not in held for m in automatic):
        figures["sofas"] = Floor.objects.filter(author_id=member_id, number=2, is_deleted=False).count()
    if not any(m.id not in held and m.rule in figures and figures[m.rule] >= m.threshold for m in automatic):
        return []
    return medals_award_earned(member_id=member_id, figures=figures)


# --- Bought --------------------------------------------------------------------------------------------------

def check_buy(member, medal: catalog.MedalInfo | None) -> catalog.MedalInfo:
    """Whether `member` may buy the medal at all (before the money is looked at)."""
    if not member.is_authenticated:
        raise PermissionDenied(_("Please log in first."))
    if medal is None or not medal.enabled:
        raise ValidationError(_("There is no such medal."), code="medal_unknown")
    kind = config.credit_types().get(medal.price_type_id or 0)
    if not medal.for_sale or kind is None or not kind.enabled:
        raise ValidationError(_("The medal “%(name)s” is not for sale.") % {"name": medal.name}, code="not_for_sale")
    return medal


def medal_buy(*, member: Member, medal_id: int, submission_key: str = "") -> MemberMedal:
    """Buys a medal with credits: the price and the medal in one transaction. A repeated request (the same
    submission key) returns the first purchase; a medal held already, or too few credits, is refused with
    nothing changed."""
    medal = check_buy(member, catalog.medals().get(medal_id))
    key = (submission_key or "")[:64]
    try:
        with transaction.atomic():
            lock_members([member.pk])
            if key:
                replay = MemberMedal.objects.filter(member_id=member.pk, submission_key=key).first()
                if replay is not None:
                    return replay
            if MemberMedal.objects.filter(member_id=member.pk, medal_id=medal.id).exists():
                raise ValidationError(_("You already have the medal “%(name)s”.") % {"name": medal.name},
                                      code="already_owned")
            assert medal.price_type_id is not None  # noqa: S101 - check_buy made sure
            credit_apply(changes=[Change(member.pk, medal.price_type_id, -medal.price)], operation=Operation.MEDAL,
                         subject_kind="medal", subject_id=medal.id, note=medal.name)
            return _give(member.pk, [medal.id], how=MemberMedal.How.BOUGHT, reason=_("Bought"), key=key)[0]
    except IntegrityError:
        replay = MemberMedal.objects.filter(member_id=member.pk, submission_key=key).first() if key else None
        if replay is None:
            raise
        return replay
