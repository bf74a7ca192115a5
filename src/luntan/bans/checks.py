"""The answers every request and every post asks for: is this member or this address banned, is this member
barred by warnings. They read one kept table (pagecache.kept_table under the "bans" scope, bumped by every
warning, ban and lift), so a member with nothing against them costs no query. Expiry needs no write: each
answer compares the ends with the clock."""

import ipaddress
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.bans.models import Ban
from luntan.core import pagecache
from luntan.core.display import datetime_full
from luntan.moderation.ranks import is_admin

SCOPE = "bans"
WARNING_LIMIT = 3
WARNING_DAYS = 30

# The address of the request being served (set by BanMiddleware): the posting check sees address bans too.
current_address: ContextVar[str | None] = ContextVar("luntan_ban_address", default=None)


def now() -> datetime:
    """The checks' clock (tests move it on to see bans and warnings expire)."""
    return timezone.now()


@dataclass(frozen=True)
class ActiveBan:
    id: int
    kind: str
    until: datetime | None
    reason: str
    from_warnings: bool = False

    def active(self, at: datetime) -> bool:
        return self.until is None or self.until > at


@dataclass(frozen=True)
class BanTable:
    members: dict[int, tuple[ActiveBan, ...]]
    networks: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ActiveBan], ...]


def warning_bar_until(times: list[datetime]) -> datetime | None:
    """Given a member's warnings' times, newest first: the end of the bar, when the last WARNING_LIMIT of
    them fall within WARNING_DAYS (it ends when the oldest of those is WARNING_DAYS old)."""
    if len(times) < WARNING_LIMIT:
        return None
    return times[WARNING_LIMIT - 1] + timedelta(days=WARNING_DAYS)


def _read() -> BanTable:
    """One query: the bans in force (those the warnings made among them)."""
    at = now()
    members: dict[int, list[ActiveBan]] = {}
    networks: list[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ActiveBan]] = []
    current = (Ban.objects.filter(lifted_at__isnull=True).exclude(until__lte=at)
               .values_list("pk", "member_id", "network", "kind", "until", "reason", "from_warnings"))
    for pk, member_id, network, kind, until, reason, from_warnings in current:
        ban = ActiveBan(pk, kind, until, reason, from_warnings)
        if member_id is not None:
            members.setdefault(member_id, []).append(ban)
        else:
            networks.append((ipaddress.ip_network(network, strict=False), ban))
    return BanTable({m: tuple(b) for m, b in members.items()}, tuple(networks))


def table() -> BanTable:
    return pagecache.kept_table(SCOPE, _read, size=65536)


def _ip(address: str | None):
    try:
        return ipaddress.ip_address(address or "")
    except ValueError:
        return None


def _strongest(bans, at: datetime, kinds: tuple[str, ...]) -> ActiveBan | None:
    """The ban that lasts longest among the active ones of these kinds."""
    found = [b for b in bans if b.kind in kinds and b.active(at)]
    if not found:
        return None
    return max(found, key=lambda b: (b.until is None, b.until or at))


def _address_bans(address: str | None, kinds: tuple[str, ...], at: datetime) -> ActiveBan | None:
    networks = table().networks
    ip = _ip(address) if networks else None
    if ip is None:
        return None
    return _strongest([ban for net, ban in networks if ip.version == net.version and ip in net], at, kinds)


def until_text(ban: ActiveBan) -> str:
    return datetime_full(ban.until) if ban.until else _("for ever")


def visit_refusal(member, address: str | None) -> ActiveBan | None:
    """The 禁止访问 ban that refuses this visitor, by their account or their address, or None. Administrators
    are never refused by an address range (a careless range must not lock the site's staff out)."""
    at = now()
    signed_in = member is not None and member.is_authenticated
    if signed_in:
        found = _strongest(table().members.get(member.pk, ()), at, (Ban.Kind.VISIT,))
        if found is not None:
            return found
        if is_admin(member):
            return None
    return _address_bans(address, (Ban.Kind.VISIT,), at)


def posting_refusal(member) -> str | None:
    """The posting check (forum.extensions.register_posting_check): why this member may not post now."""
    at = now()
    ban = _strongest(table().members.get(member.pk, ()), at, (Ban.Kind.POST, Ban.Kind.VISIT))
    if ban is None and not is_admin(member):
        ban = _address_bans(current_address.get(), (Ban.Kind.POST, Ban.Kind.VISIT), at)
    if ban is None:
        return None
    if ban.from_warnings and ban.until is not None:
        return _("You have had %(n)s warnings within %(days)s days and may not post until %(date)s.") % {
            "n": WARNING_LIMIT, "days": WARNING_DAYS, "date": datetime_full(ban.until)}
    if ban.until is None:
        return _("You are banned from posting for ever. Reason: %(reason)s") % {"reason": ban.reason}
    return _("You are banned from posting until %(date)s. Reason: %(reason)s") % {
        "date": datetime_full(ban.until), "reason": ban.reason}
