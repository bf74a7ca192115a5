"""Warning, banning and lifting bans. Each checks who may, then writes the row, the member's notice and the
moderation record in one transaction, and bumps the kept table of active bans after commit.

Who may: administrators and super moderators warn and ban anyone below them, by member or address range,
either kind, for any time. A board's moderators warn about floors of their boards and give 禁止发言 to
members (not address ranges, not 禁止访问, not for ever: at most MODERATOR_MAX_DAYS), and lift 禁止发言
bans. Nobody acts on themselves or on someone of their own standing or above (luntan.moderation.ranks)."""

import functools
import ipaddress
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts.models import Member
from luntan.bans.checks import SCOPE, WARNING_DAYS, WARNING_LIMIT, warning_bar_until
from luntan.bans.models import Ban, MemberWarning
from luntan.core import pagecache
from luntan.core.display import datetime_full
from luntan.core.text import clean_line
from luntan.forum.models import Floor
from luntan.moderation.log import record
from luntan.moderation.models import ModerationLog
from luntan.moderation.ranks import appointed_board_ids, is_site_moderator, moderates, outranks
from luntan.notices.services import notify

REASON_MAX = 200
MODERATOR_MAX_DAYS = 30
# The widest address ranges that may be banned: a /8 of IPv4 is sixteen million addresses already.
MIN_PREFIX = {4: 8, 6: 32}


def clean_reason(reason: str) -> str:
    reason = clean_line(reason or "")  # no direction controls or invisible characters (the hostile-input suite)
    if not reason:
        raise ValidationError(_("Please give a reason; the member is told it."), code="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(_("Please keep the reason under %(max)s characters.") % {"max": REASON_MAX},
                              code="reason")
    return reason


def clean_network(text: str) -> str:
    """An address or range (CIDR) as ipaddress writes it, or a ValidationError saying what is wrong."""
    text = (text or "").strip()
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise ValidationError(_("“%(text)s” is not an address or an address range such as 203.0.113.0/24 or "
                                "2001:db8::/48.") % {"text": text[:60]}, code="network") from None
    if network.prefixlen < MIN_PREFIX[network.version]:
        raise ValidationError(_("This range is too wide; the widest allowed is /%(n)s.")
                              % {"n": MIN_PREFIX[network.version]}, code="network")
    return str(network)


def _replayed(model, actor, key: str | None):
    return model.objects.filter(actor=actor, submission_key=key).first() if key else None


def _idempotent(model):
    """Runs an action once per (moderator, submission key): a double submit returns the first result."""

    def wrap(write):
        @functools.wraps(write)
        def wrapper(*, actor: Member, submission_key: str | None = None, **kwargs):
            key = (submission_key or "")[:64] or None
            replay = _replayed(model, actor, key)
            if replay is not None:
                return replay
            try:
                return write(actor=actor, submission_key=key, **kwargs)
            except IntegrityError:
                replay = _replayed(model, actor, key)
                if replay is None:
                    raise
                return replay

        return wrapper

    return wrap


def _lock(member: Member) -> None:
    Member.objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True).first()


# --- Warnings -------------------------------------------------------------------------------------------------

def check_warn(actor, member: Member, floor: Floor | None) -> None:
    allowed = moderates(actor, floor.thread.board) if floor is not None else is_site_moderator(actor)
    if not allowed:
        raise PermissionDenied(_("Only a moderator of this board may warn its members about their floors.")
                               if floor is not None else _("Only super moderators and administrators may warn "
                                                           "a member without naming a floor."))
    if not outranks(actor, member):
        raise PermissionDenied(_("You may not warn this member."))


@_idempotent(MemberWarning)
def warning_create(*, actor: Member, member: Member, reason: str, floor: Floor | None = None,
                   submission_key: str | None = None) -> MemberWarning:
    """Warns a member; the third warning within WARNING_DAYS bars them from posting until the oldest of the
    three is WARNING_DAYS old."""
    check_warn(actor, member, floor)
    reason = clean_reason(reason)
    now = timezone.now()
    with transaction.atomic():
        _lock(member)
        warning = MemberWarning.objects.create(member=member, actor=actor, floor=floor, reason=reason,
                                               created_at=now, submission_key=submission_key or "")
        recent = list(MemberWarning.objects.filter(member=member, created_at__gt=now - timedelta(days=WARNING_DAYS))
                      .order_by("-created_at").values_list("created_at", flat=True))
        text = _("Moderator %(name)s warned you: %(reason)s (%(n)s of %(limit)s warnings within %(days)s days.)") % {
            "name": actor.username, "reason": reason, "n": min(len(recent), WARNING_LIMIT), "limit": WARNING_LIMIT,
            "days": WARNING_DAYS}
        barred = warning_bar_until(recent)
        if barred is not None:
            text += " " + _("You may not post until %(date)s.") % {"date": datetime_full(barred)}
            _bar_by_warnings(actor=actor, member=member, until=barred, now=now)
        address = (reverse("forum:floor", args=[floor.thread_id, floor.number]) if floor is not None
                   else reverse("accounts:profile", args=[member.pk]))
        notify(member_id=member.pk, kind="warning", text=text, url=address)
        record(actor=actor, action=ModerationLog.Action.WARN, thread=floor.thread if floor else None,
               floor_number=floor.number if floor else None, member=member,
               detail=_("%(n)s within %(days)s days") % {"n": len(recent), "days": WARNING_DAYS}, reason=reason)
    pagecache.bump(SCOPE)
    return warning


def _bar_by_warnings(*, actor: Member, member: Member, until: datetime, now: datetime) -> None:
    """The warnings' own 禁止发言 (shown in 小黑屋, liftable): made by the third warning, moved on by later ones."""
    current = (Ban.objects.filter(member=member, from_warnings=True, lifted_at__isnull=True, until__gt=now)
               .order_by("-until").first())
    if current is not None:
        Ban.objects.filter(pk=current.pk).update(until=max(current.until or until, until))
        return
    Ban.objects.create(member=member, kind=Ban.Kind.POST, actor=actor, created_at=now, until=until,
                       from_warnings=True, reason=_("%(n)s warnings within %(days)s days") % {
                           "n": WARNING_LIMIT, "days": WARNING_DAYS})


# --- Bans -----------------------------------------------------------------------------------------------------

def check_ban(actor, *, kind: str, member: Member | None, network: str, until: datetime | None) -> None:
    if is_site_moderator(actor):
        if member is not None and not outranks(actor, member):
            raise PermissionDenied(_("You may not ban this member."))
        return
    if not appointed_board_ids(actor):
        raise PermissionDenied(_("Only moderators may ban members."))
    if kind != Ban.Kind.POST or member is None:
        raise PermissionDenied(_("Board moderators may only forbid a member to post; ask a super moderator "
                                 "for anything more."))
    if not outranks(actor, member):
        raise PermissionDenied(_("You may not ban this member."))
    if until is None or until > timezone.now() + timedelta(days=MODERATOR_MAX_DAYS, hours=1):
        raise ValidationError(_("Board moderators may ban for at most %(days)s days.")
                              % {"days": MODERATOR_MAX_DAYS}, code="until")


def _ban_text(kind: str, until: datetime | None) -> str:
    end = datetime_full(until) if until else _("for ever")
    if kind == Ban.Kind.VISIT:
        return _("You may not visit the forum until: %(until)s.") % {"until": end}
    return _("You may not post until: %(until)s.") % {"until": end}


@_idempotent(Ban)
def ban_create(*, actor: Member, kind: str, reason: str, member: Member | None = None, network: str = "",
               until: datetime | None = None, submission_key: str | None = None) -> Ban:
    """Bans a member or an address range until a time (None: for ever)."""
    if kind not in Ban.Kind.values:
        raise ValidationError(_("Choose what the ban forbids."), code="kind")
    if (member is None) == (not network):
        raise ValidationError(_("Ban either a member or an address range."), code="target")
    network = clean_network(network) if network else ""
    check_ban(actor, kind=kind, member=member, network=network, until=until)
    reason = clean_reason(reason)
    now = timezone.now()
    if until is not None and until <= now:
        raise ValidationError(_("The end of the ban must be in the future."), code="until")
    with transaction.atomic():
        if member is not None:
            _lock(member)
            # The same form sent twice at once: the second waited for the lock, and replays the first.
            if (replay := _replayed(Ban, actor, submission_key)) is not None:
                return replay
        same = Ban.objects.filter(kind=kind, lifted_at__isnull=True, from_warnings=False).exclude(until__lte=now)
        same = same.filter(member=member) if member is not None else same.filter(network=network)
        existing = same.order_by("-created_at").first()
        if existing is not None:
            raise ValidationError(_("There is already such a ban, until %(until)s; lift it first to change it.")
                                  % {"until": datetime_full(existing.until) if existing.until else _("for ever")},
                                  code="exists")
        ban = Ban.objects.create(member=member, network=network, kind=kind, reason=reason, actor=actor,
                                 created_at=now, until=until, submission_key=submission_key or "")
        detail = f"{Ban.Kind(kind).label} · {datetime_full(until) if until else _('for ever')}"
        if member is not None:
            notify(member_id=member.pk, kind="ban",
                   text=_ban_text(kind, until) + " " + _("Reason: %(reason)s") % {"reason": reason},
                   url=reverse("accounts:profile", args=[member.pk]))
        else:
            detail = f"{network} · {detail}"
        record(actor=actor, action=ModerationLog.Action.BAN, member=member, detail=detail, reason=reason)
    pagecache.bump(SCOPE)
    return ban


def check_lift(actor, ban: Ban) -> None:
    if is_site_moderator(actor):
        return
    if appointed_board_ids(actor) and ban.kind == Ban.Kind.POST and ban.member_id is not None:
        return
    raise PermissionDenied(_("You may not lift this ban."))


def ban_lift(*, actor: Member, ban_id: int, reason: str) -> Ban:
    """Ends a ban now. Lifting one that has already ended is refused (so a double submit lifts once)."""
    try:
        ban = Ban.objects.select_related("member").get(pk=ban_id)
    except Ban.DoesNotExist:
        raise ValidationError(_("There is no such ban."), code="missing") from None
    check_lift(actor, ban)
    reason = clean_reason(reason)
    with transaction.atomic():
        ban = Ban.objects.select_for_update().get(pk=ban.pk)
        if not ban.is_active():
            raise ValidationError(_("This ban has already ended."), code="ended")
        ban.lifted_at, ban.lifted_by, ban.lift_reason = timezone.now(), actor, reason
        ban.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        member = Member.objects.filter(pk=ban.member_id).first() if ban.member_id else None
        if member is not None:
            notify(member_id=member.pk, kind="ban",
                   text=_("Your ban (%(kind)s) was lifted by %(name)s: %(reason)s") % {
                       "kind": ban.get_kind_display(), "name": actor.username, "reason": reason},
                   url=reverse("accounts:profile", args=[member.pk]))
        record(actor=actor, action=ModerationLog.Action.UNBAN, member=member,
               detail=f"{ban.get_kind_display()}{' · ' + ban.network if ban.network else ''}", reason=reason)
    pagecache.bump(SCOPE)
    return ban
