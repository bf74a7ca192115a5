"""Writing reports and settling them. Each function checks who may, then does it in one transaction with
its notices and its moderation record."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luntan.core import pagecache
from luntan.core.text import clean_line
from luntan.forum.models import Floor
from luntan.moderation.log import record
from luntan.moderation.models import ModerationLog
from luntan.moderation.ranks import moderates
from luntan.notices.services import notify
from luntan.protection import limits, throttle
from luntan.reports.models import Report

SCOPE = "reports"  # the kept table of open reports per board (queries.open_counts)
TEXT_MAX = 200
NOTE_MAX = 200


def check_report(member, floor: Floor) -> None:
    if not (member.is_authenticated and member.is_active):
        raise PermissionDenied(_("Please log in first."))
    if floor.author_id == member.pk:
        raise PermissionDenied(_("You cannot report your own floor."))
    if floor.is_deleted or floor.thread.is_deleted:
        raise PermissionDenied(_("This floor has been deleted."))


def check_settle(member, floor: Floor) -> None:
    if not moderates(member, floor.thread.board):
        raise PermissionDenied(_("Only a moderator of this board may handle its reports."))


def clean_text(reason: str, text: str) -> str:
    text = clean_line(text or "")  # no direction controls or invisible characters (the hostile-input suite)
    if reason not in Report.Reason.values:
        raise ValidationError(_("Choose a reason."), code="reason")
    if len(text) > TEXT_MAX:
        raise ValidationError(_("Please keep it under %(max)s characters.") % {"max": TEXT_MAX}, code="text")
    if reason == Report.Reason.OTHER and not text:
        raise ValidationError(_("Please say what is wrong with this floor."), code="text")
    return text


def report_create(*, reporter, floor: Floor, reason: str, text: str = "", address: str | None = None) -> Report:
    """Reports a floor. A member has at most one open report per floor; a second one is refused (so a
    double click reports once), and a member (and an `address`) may send only so many reports an hour
    (luntan.protection.limits: the group's limit, else LUNTAN["LIMITS"])."""
    check_report(reporter, floor)
    text = clean_text(reason, text)
    already = ValidationError(_("You have already reported this floor; the moderators will look at it."),
                              code="already")
    if Report.objects.filter(floor=floor, reporter=reporter, status=Report.Status.OPEN).exists():
        raise already
    wait = limits.peek(limits.Action.REPORT, reporter, address)
    if wait:
        n = throttle.minutes(wait)
        raise limits.remember(limits.TooOften(
            ngettext("You have sent many reports. Please try again in %(minutes)s minute.",
                     "You have sent many reports. Please try again in %(minutes)s minutes.", n) % {"minutes": n},
            wait))
    try:
        with transaction.atomic():
            report = Report.objects.create(floor=floor, reporter=reporter, reason=reason, text=text)
    except IntegrityError:  # the same report sent twice at once
        raise already from None
    limits.count(limits.Action.REPORT, reporter, address)
    pagecache.bump(SCOPE)
    return report


def report_settle(*, moderator, floor: Floor, outcome: str, note: str = "") -> int:
    """Handles (处理) or dismisses (驳回) every open report of a floor; each reporter gets a notice, the
    moderation log a record. Returns how many reports were settled; settling again is refused."""
    check_settle(moderator, floor)
    if outcome not in (Report.Status.HANDLED, Report.Status.DISMISSED):
        raise ValidationError(_("Choose whether to handle or dismiss the reports."), code="outcome")
    note = clean_line(note or "")
    if len(note) > NOTE_MAX:
        raise ValidationError(_("Please keep the note under %(max)s characters.") % {"max": NOTE_MAX}, code="note")
    thread = floor.thread
    with transaction.atomic():
        reports = list(Report.objects.select_for_update().filter(floor=floor, status=Report.Status.OPEN)
                       .order_by("pk"))
        if not reports:
            raise ValidationError(_("These reports have already been dealt with."), code="settled")
        now = timezone.now()
        Report.objects.filter(pk__in=[r.pk for r in reports]).update(
            status=outcome, handled_by=moderator, handled_at=now, note=note)
        where = {"floor": floor.number, "title": thread.title}
        if outcome == Report.Status.HANDLED:
            text = _("Your report of floor %(floor)s in “%(title)s” was handled.") % where
        else:
            text = _("Your report of floor %(floor)s in “%(title)s” was dismissed.") % where
        if note:
            text += " " + _("Moderator's note: %(note)s") % {"note": note}
        address = reverse("forum:floor", args=[thread.pk, floor.number])
        for reporter_id in sorted({r.reporter_id for r in reports}):
            notify(member_id=reporter_id, kind="report", text=text, url=address)
        n = len(reports)
        detail = (ngettext("handled %(n)s report", "handled %(n)s reports", n) if outcome == Report.Status.HANDLED
                  else ngettext("dismissed %(n)s report", "dismissed %(n)s reports", n)) % {"n": n}
        record(actor=moderator, action=ModerationLog.Action.REPORT, thread=thread, floor_number=floor.number,
               member=floor.author, detail=detail, reason=note)
    pagecache.bump(SCOPE)
    return len(reports)
