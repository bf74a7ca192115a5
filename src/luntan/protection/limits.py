"""Rate limits per action (register, post, reply, message, search, upload, vote, report), counted per member
and per address, with numbers set per user group.

A limit is (count, seconds): at most `count` tries per period of `seconds`, counted in the cache by
luntan.protection.throttle (never a database write). Which numbers hold for a visitor: their group's row in
GroupLimit for that action and scope (a row without a count: no limit), else the site's default in
settings.LUNTAN["LIMITS"] (DEFAULTS below names the key). The rows are kept in memory under the
"protection-limits" version, so asking costs no query.

Actions call `check` (counts this try, returns the seconds to wait, 0 when allowed), or `enforce` (the same,
raising TooOften), or `peek` then `count` when only what succeeded should count (registration, reports). A
refusal is remembered for the request: LimitsMiddleware then answers every refused request the same way,
whatever the view drew: status 429 with a Retry-After header; for htmx and JSON callers, a short answer
they can read (JSON: {"error": ..., "retry_after": ...})."""

import math
from contextvars import ContextVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luntan.accounts.groups import rules_for
from luntan.accounts.models import MemberGroup
from luntan.core import pagecache
from luntan.core.views import error_page
from luntan.protection import throttle
from luntan.protection.models import GroupLimit

SCOPE = "protection-limits"
Action = GroupLimit.Action
MEMBER, ADDRESS = GroupLimit.Scope.MEMBER.value, GroupLimit.Scope.ADDRESS.value

# The site's default for each action and scope: a key of settings.LUNTAN["LIMITS"] (None: not counted).
DEFAULTS: dict[tuple[str, str], str | None] = {
    (Action.REGISTER, ADDRESS): "REGISTER_PER_ADDRESS", (Action.REGISTER, MEMBER): None,
    (Action.POST, MEMBER): "POST_PER_MEMBER", (Action.POST, ADDRESS): "POST_PER_ADDRESS",
    (Action.REPLY, MEMBER): "REPLY_PER_MEMBER", (Action.REPLY, ADDRESS): "REPLY_PER_ADDRESS",
    (Action.MESSAGE, MEMBER): "MESSAGE_PER_MEMBER", (Action.MESSAGE, ADDRESS): "MESSAGE_PER_ADDRESS",
    (Action.SEARCH, MEMBER): "SEARCH_PER_MEMBER", (Action.SEARCH, ADDRESS): "SEARCH_PER_ADDRESS",
    (Action.UPLOAD, MEMBER): "UPLOAD_PER_MEMBER", (Action.UPLOAD, ADDRESS): "UPLOAD_PER_ADDRESS",
    (Action.VOTE, MEMBER): "VOTE_PER_MEMBER", (Action.VOTE, ADDRESS): "VOTE_PER_ADDRESS",
    (Action.REPORT, MEMBER): "REPORTS_PER_MEMBER", (Action.REPORT, ADDRESS): "REPORT_PER_ADDRESS",
}

Limit = tuple[int, int]


# --- The numbers -------------------------------------------------------------------------------------------

def _read() -> dict[tuple[int | None, str, str], Limit | None]:
    return {(row.group_id, row.action, row.scope): (row.count, row.seconds) if row.count else None
            for row in GroupLimit.objects.all()}


def group_limits() -> dict[tuple[int | None, str, str], Limit | None]:
    return pagecache.kept_table(SCOPE, _read, size=8192, name="limits")


def default_limit(action: str, scope: str) -> Limit | None:
    key = DEFAULTS.get((action, scope))
    found = throttle.limits().get(key) if key else None
    return (int(found[0]), int(found[1])) if found else None


def limit_for(action: str, scope: str, group_id: int | None) -> Limit | None:
    """The limit on `action` counted per `scope` for a member of this group (None: no limit)."""
    table = group_limits()
    if (group_id, action, scope) in table:
        return table[(group_id, action, scope)]
    return default_limit(action, scope)


def _counted(action: str, member, address: str | None) -> list[tuple[str, tuple, Limit]]:
    """The counters one try of `action` by this visitor goes to: (name, parts, limit)."""
    group_id = rules_for(member).group_id
    found = []
    if address:
        limit = limit_for(action, ADDRESS, group_id)
        if limit:
            found.append((f"{action}:address", (address,), limit))
    if getattr(member, "is_authenticated", False):
        limit = limit_for(action, MEMBER, group_id)
        if limit:
            found.append((f"{action}:member", (member.pk,), limit))
    return found


# --- Asking ------------------------------------------------------------------------------------------------

def check(action: str, member, address: str | None) -> float:
    """Counts one try of `action` by `member` (a guest too) from `address` (None: an administrator's command,
    not counted by address). Returns 0 when allowed, else the seconds until another try is."""
    wait = max((throttle.window_note(name, *parts, limit=limit) for name, parts, limit in
                _counted(action, member, address)), default=0)
    return _remembered(wait)


def peek(action: str, member, address: str | None) -> float:
    """The seconds until `action` is allowed (0: now), counting nothing; `count` it once it is done."""
    wait = max((throttle.window_wait(name, *parts, limit=limit) for name, parts, limit in
                _counted(action, member, address)), default=0)
    return _remembered(wait)


def count(action: str, member, address: str | None) -> None:
    """Counts a done `action` (after `peek`)."""
    for name, parts, limit in _counted(action, member, address):
        throttle.window_note(name, *parts, limit=limit)


def give_back(action: str, member, address: str | None, times: int = 1) -> None:
    """Takes back `times` tries of `action` counted by `check` or `enforce` for something that then was not
    done for another reason (a post refused after its files were counted)."""
    if times > 0:
        for name, parts, limit in _counted(action, member, address):
            throttle.window_give_back(name, *parts, limit=limit, times=times)


class TooOften(ValidationError):
    """A refusal by a rate limit: a ValidationError (code "throttled") that knows how long to wait."""

    def __init__(self, message: str, wait: float) -> None:
        super().__init__(message, code="throttled")
        self.wait = wait


def refusal(wait: float) -> str:
    """操作太频繁，请 N 分钟后再试."""
    n = throttle.minutes(wait)
    return ngettext("You are doing this too often. Please try again in %(minutes)s minute.",
                    "You are doing this too often. Please try again in %(minutes)s minutes.", n) % {"minutes": n}


def enforce(action: str, member, address: str | None, *, message=refusal) -> None:
    """`check`, raising TooOften with `message(wait)` when refused."""
    wait = check(action, member, address)
    if wait:
        raise remember(TooOften(message(wait), wait))


def check_message(*, sender, address: str | None) -> None:
    """For the short messages (短消息) app: counts one message sent; raises TooOften when over the limit."""
    enforce(Action.MESSAGE, sender, address)


# --- Answering a refusal the same way everywhere ------------------------------------------------------------

_refusals: ContextVar[dict | None] = ContextVar("limits_refusals", default=None)


def _remembered(wait: float) -> float:
    box = _refusals.get()
    if wait and box is not None:
        box["wait"] = max(box.get("wait", 0), wait)
    return wait


def remember(error: TooOften) -> TooOften:
    """Keeps a refusal's message for the request's answer (JSON callers read it)."""
    box = _refusals.get()
    if box is not None:
        _remembered(error.wait)
        box.setdefault("message", error.messages[0])
    return error


def retry_after(wait: float) -> str:
    return str(max(1, math.ceil(wait)))


def machine(request: HttpRequest) -> bool:
    """htmx and JSON callers read the status and the Retry-After header rather than a page."""
    return (request.headers.get("HX-Request") == "true"
            or "application/json" in request.headers.get("Accept", ""))


def _json(message: str, wait: float) -> JsonResponse:
    return JsonResponse({"error": message, "retry_after": int(retry_after(wait))}, status=429,
                        json_dumps_params={"ensure_ascii": False})


class LimitsMiddleware:
    """After a view that met a rate limit: a refused human page (a form shown again with the message, what
    was typed kept) gets status 429; htmx and JSON callers get 429 whatever the view answered, JSON callers
    a JSON body; every refusal carries Retry-After. A TooOften that no view caught becomes that answer too.
    Requests that met no limit pass untouched."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        box: dict = {}
        token = _refusals.set(box)
        try:
            response = self.get_response(request)
        finally:
            _refusals.reset(token)
        wait = box.get("wait")
        if not wait:
            return response
        if "application/json" in request.headers.get("Accept", "") and not response.get(
                "Content-Type", "").startswith("application/json"):
            response = _json(box.get("message") or refusal(wait), wait)
        if machine(request) or response.status_code >= 400:
            response.status_code = 429
            response["Retry-After"] = response.get("Retry-After") or retry_after(wait)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, TooOften):
            return None
        remember(exception)
        message = exception.messages[0]
        if machine(request):
            response: HttpResponse = _json(message, exception.wait)
        else:
            response = error_page(request, status=429, title=_("Please wait a little"), message=message)
        response["Retry-After"] = retry_after(exception.wait)
        return response


# --- The admin's writes ------------------------------------------------------------------------------------

def check_admin(member) -> None:
    """The rate limits and the rules for new members are the site administrators' to change."""
    if not (getattr(member, "is_authenticated", False)
            and (member.is_superuser or member.is_staff or rules_for(member).role == MemberGroup.Role.ADMIN)):
        raise PermissionDenied(_("Only a site administrator may change the rate limits and the rules for new members."))


def group_limit_save(*, member, limit: GroupLimit) -> GroupLimit:
    """Adds or changes one group's limit on one action; every process reads the new numbers at its next
    request."""
    check_admin(member)
    if limit.seconds < 1 or (limit.count is not None and limit.count < 1):
        raise ValidationError(_("A limit needs at least one time per period of at least one second."))
    with transaction.atomic():
        limit.save()
        pagecache.bump(SCOPE)
    return limit


def group_limit_delete(*, member, limit: GroupLimit) -> None:
    """Removes a group's own limit: the site's default holds again."""
    check_admin(member)
    with transaction.atomic():
        GroupLimit.objects.filter(pk=limit.pk).delete()
        pagecache.bump(SCOPE)
