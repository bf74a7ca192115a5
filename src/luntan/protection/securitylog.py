"""安全日志: what happened to an account, when, from which address and browser. A row is written when the
event happens (a sign-in, a wrong password, a changed e-mail address...), never on a page view.

Where the events come from:
- signing in and out: Django's user_logged_in / user_logged_out signals (the site's forms, the admin's, the
  second step of two-factor sign-in);
- wrong passwords for an existing account: luntan.accounts.backends (which knows the account);
- password changes and resets: luntan.accounts.views (and the admin's own password page: protection.admin);
  e-mail changes: luntan.accounts.services.member_update;
- two-factor changes: luntan.protection.twofactor;
- every change made in the Django admin: the admin's LogEntry rows are copied here as they are written
  (`admin_entries_logged`), with the administrator's address from the admin view (`admin_request`)."""

import contextvars
import re
from dataclasses import dataclass

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from luntan.core.paging import Pages, page_count, page_number
from luntan.core.presence import client_address
from luntan.protection.models import SecurityEvent

AGENT_CHARS = SecurityEvent._meta.get_field("user_agent").max_length or 160
PER_PAGE = 20

# The request of the admin view running now (set by protection.admin around every admin page), so that the
# admin's changes are logged with the administrator's address.
_admin_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("admin_request", default=None)


@dataclass(frozen=True)
class Origin:
    """Where a request came from, as the log keeps it."""
    address: str
    agent: str


def origin(request: HttpRequest | None) -> Origin:
    if request is None or not hasattr(request, "META"):
        return Origin("", "")
    address = client_address(request)
    agent = " ".join(str(request.META.get("HTTP_USER_AGENT", "")).split())
    return Origin("" if address == "unknown" else address, agent[:AGENT_CHARS])


_origin_of = origin


def record(*, member, kind: str, origin: Origin | None = None, actor=None, detail: str = "") -> SecurityEvent:
    """Writes one event about `member`'s account. `actor` is someone else who did it (an administrator)."""
    if origin is None:
        origin = _origin_of(_admin_request.get())
    return SecurityEvent.objects.create(
        member_id=member.pk, actor_id=getattr(actor, "pk", None), kind=kind, address=origin.address,
        user_agent=origin.agent, detail=str(detail)[:300])


# --- Signals of django.contrib.auth -------------------------------------------------------------------------------

def _logged_in(sender, request, user, **kwargs) -> None:
    record(member=user, kind=SecurityEvent.Kind.SIGNIN, origin=origin(request))


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None and getattr(user, "pk", None):
        record(member=user, kind=SecurityEvent.Kind.SIGNOUT, origin=origin(request))


def connect() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="luntan.securitylog.logged_in")
    user_logged_out.connect(_logged_out, dispatch_uid="luntan.securitylog.logged_out")


def signin_failed(request, *, member, detail: str = "") -> None:
    record(member=member, kind=SecurityEvent.Kind.SIGNIN_FAILED, origin=origin(request), detail=detail)


# --- The Django admin ----------------------------------------------------------------------------------------------

class admin_request:
    """Around an admin view: the admin's changes made meanwhile are logged with this request's address."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def __enter__(self) -> None:
        self.token = _admin_request.set(self.request)

    def __exit__(self, *exc) -> None:
        _admin_request.reset(self.token)


def _entry_text(entry) -> str:
    from django.contrib.admin.models import ADDITION, CHANGE, DELETION
    from django.contrib.contenttypes.models import ContentType

    action = {ADDITION: _("Added"), CHANGE: _("Changed"), DELETION: _("Deleted")}.get(entry.action_flag, "?")
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class() if entry.content_type_id else None
    what = str(model._meta.verbose_name) if model is not None else "?"
    change = entry.get_change_message() if entry.action_flag == CHANGE else ""
    text = f"{action} {what} “{entry.object_repr}”"
    return f"{text}: {change}" if change else text


def admin_entries_logged(entries) -> None:
    """Copies the admin's LogEntry rows just written into the security log, one event each."""
    events = []
    request = _admin_request.get()
    where = origin(request)
    for entry in entries:
        events.append(SecurityEvent(member_id=entry.user_id, kind=SecurityEvent.Kind.ADMIN_CHANGE,
                                    address=where.address, user_agent=where.agent, detail=_entry_text(entry)[:300]))
    SecurityEvent.objects.bulk_create(events)


def hook_admin_log() -> None:
    """Every LogEntry the admin writes goes through LogEntryManager.log_actions (Django 5.1+: additions,
    changes, and deletions one by one or many at once, where no post_save signal is sent). Wrapped once,
    on the manager instance."""
    from django.contrib.admin.models import LogEntry

    manager = LogEntry.objects
    if getattr(manager, "_luntan_logged", False):
        return
    original = manager.log_actions

    def log_actions(*args, **kwargs):
        made = original(*args, **kwargs)
        admin_entries_logged(made if isinstance(made, list) else [made])
        return made

    manager.log_actions = log_actions  # type: ignore[method-assign]
    manager._luntan_logged = True  # type: ignore[attr-defined]


# --- Reading ----------------------------------------------------------------------------------------------------

@dataclass
class EventPage:
    events: list[SecurityEvent]
    pages: Pages
    total: int


def events_of(member, *, page_raw: str | None) -> EventPage:
    """One page of the member's own events, newest first: two queries whatever the page holds."""
    mine: QuerySet[SecurityEvent] = SecurityEvent.objects.filter(member_id=member.pk)
    total = mine.count()
    pages = Pages(number=page_number(page_raw, last=page_count(total, PER_PAGE)), count=page_count(total, PER_PAGE))
    start = (pages.number - 1) * PER_PAGE
    events = list(mine.order_by("-at", "-id").select_related("actor")[start:start + PER_PAGE])
    return EventPage(events=events, pages=pages, total=total)


_BROWSERS = [("Edg/", "Edge"), ("OPR/", "Opera"), ("MicroMessenger", "WeChat"), ("QQBrowser", "QQ Browser"),
             ("UCBrowser", "UC Browser"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
_SYSTEMS = [("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Mac OS X", "macOS"), ("Linux", "Linux")]


def agent_summary(agent: str) -> str:
    """"Chrome · Windows" for a full User-Agent string; the start of it when neither is recognised."""
    browser = next((name for key, name in _BROWSERS if key in agent), "")
    system = next((name for key, name in _SYSTEMS if key in agent), "")
    if browser or system:
        return " · ".join(part for part in (browser, system) if part)
    return re.sub(r"\s+", " ", agent)[:40]

