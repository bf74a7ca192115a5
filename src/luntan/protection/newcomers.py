"""The rules for new members (新会员), as the admin sets them in NewcomerRules: a member is new in their first
hours after registering, or while in one of the chosen groups (say 新手上路). A new member may start only so
many threads and post only so many replies a day (the site's day, counted in the cache), and may post no
link or image until they have a few posts. Administrators and moderators are never new members.

Links and images are found in the cooked HTML (luntan.markup), whatever the format: a Markdown link, image
or autolink and a BBCode [url] or [img] all come out as <a href> or <img>, and text that only looks like a
link stays text. A link to a page of this site (a path starting with "/") is not counted: it is how members
point to another thread. The rules are kept in memory under the "protection-newcomers" version: asking
costs no query."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luntan.accounts.groups import rules_for
from luntan.accounts.models import MemberGroup
from luntan.core import pagecache
from luntan.protection import limits, throttle
from luntan.protection.models import NewcomerRules

SCOPE = "protection-newcomers"
NEVER_NEW = (MemberGroup.Role.ADMIN, MemberGroup.Role.SUPER_MODERATOR, MemberGroup.Role.MODERATOR)


@dataclass(frozen=True)
class Rules:
    hours: int
    group_ids: frozenset[int]
    threads_per_day: int | None
    replies_per_day: int | None
    links_after_posts: int


def _read() -> Rules:
    row = NewcomerRules.objects.filter(pk=1).first()
    if row is None:
        row, group_ids = NewcomerRules(pk=1), frozenset[int]()
    else:
        group_ids = frozenset(row.groups.values_list("pk", flat=True))
    return Rules(hours=row.hours, group_ids=group_ids, threads_per_day=row.threads_per_day,
                 replies_per_day=row.replies_per_day, links_after_posts=row.links_after_posts)


def rules() -> Rules:
    return pagecache.kept_table(SCOPE, _read, size=2048, name="rules")


def is_newcomer(member, *, now: datetime | None = None) -> bool:
    """Whether the member is a new member now: by group, or by the hours since registering."""
    if not getattr(member, "is_authenticated", False) or member.is_superuser or member.is_staff:
        return False
    group = rules_for(member)
    if group.role in NEVER_NEW:
        return False
    found = rules()
    if group.group_id in found.group_ids:
        return True
    if not found.hours:
        return False
    joined = member.date_joined
    if timezone.is_naive(joined):  # as the signed-in member's fast read (accounts.backends) gives it on SQLite
        joined = joined.replace(tzinfo=UTC)
    now = now or datetime.fromtimestamp(throttle.now(), UTC)
    return joined > now - timedelta(hours=found.hours)


# --- Links and images -----------------------------------------------------------------------------------------

# A web address written as text is a link too for this rule: it is what a spammer's readers copy, and the
# markup does not make one clickable, so counting only <a> would let every bare address through.
WEB_ADDRESS = re.compile(r"(?i)(?:\bhttps?://|\bwww\.)[^\s<]|\b[a-z0-9-]{2,}\.(?:com|net|org|cn|top|xyz|info|cc|io|me|vip|shop|club)\b")


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links = self.images = 0
        self.inside_link = 0

    def handle_data(self, data: str) -> None:
        if not self.inside_link:
            self.links += len(WEB_ADDRESS.findall(data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.inside_link:
            self.inside_link -= 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img" and values.get("src"):
            self.images += 1
        elif tag == "a":
            self.inside_link += 1  # its text is not counted again
            href = values.get("href") or ""
            if href and not (href.startswith("/") and not href.startswith("//")):
                self.links += 1


def links_and_images(html: str) -> tuple[int, int]:
    """How many links to other sites and how many images cooked post HTML holds."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.links, finder.images


def check_links(member, html: str) -> None:
    """Refuses a new member's text with a link or an image before they have enough posts (a ValidationError
    with code "body_links": the form shows it next to the text, which is kept)."""
    needed = rules().links_after_posts
    if not needed or member.post_count >= needed or not is_newcomer(member):
        return
    links, images = links_and_images(html)
    if not (links or images):
        return
    what = (_("links and images") if links and images else _("links") if links else _("images"))
    raise ValidationError(
        ngettext("New members may post %(what)s once they have %(count)s post; you have %(posts)s. Please take "
                 "them out for now: the rest of your text is kept.",
                 "New members may post %(what)s once they have %(count)s posts; you have %(posts)s. Please take "
                 "them out for now: the rest of your text is kept.", needed)
        % {"what": what, "count": needed, "posts": member.post_count}, code="body_links")


# --- Threads and replies a day --------------------------------------------------------------------------------

def _day_offset() -> float:
    """Seconds to add to a UTC time to get the site's local time, for days that start at local midnight."""
    local = timezone.localtime(datetime.fromtimestamp(throttle.now(), UTC))
    offset = local.utcoffset()
    return offset.total_seconds() if offset else 0


def note_post(member, kind: str) -> None:
    """Counts a new member's thread (`kind` "thread") or reply ("reply") of the day; raises TooOften when
    over the day's cap (it ends at the site's midnight)."""
    found = rules()
    cap = found.threads_per_day if kind == "thread" else found.replies_per_day
    if not cap or not is_newcomer(member):
        return
    wait = throttle.window_note(f"newcomer:{kind}", member.pk, limit=(cap, throttle.DAY), offset=_day_offset())
    if not wait:
        return
    if kind == "thread":
        message = ngettext("New members may start %(count)s thread a day. Please come back tomorrow.",
                           "New members may start %(count)s threads a day. Please come back tomorrow.", cap)
    else:
        message = ngettext("New members may post %(count)s reply a day. Please come back tomorrow.",
                           "New members may post %(count)s replies a day. Please come back tomorrow.", cap)
    raise limits.remember(limits.TooOften(message % {"count": cap}, wait))


# --- The check the forum asks before a post is written (forum.extensions.register_post_guard) ---------------

ACTIONS = {"thread": limits.Action.POST, "reply": limits.Action.REPLY}


def post_guard(member, *, kind: str, html: str, ip: str | None) -> None:
    """Before a new thread ("thread"), a reply ("reply") or an edit ("edit") is written: links and images,
    the day's caps, then the rate limits. A trusted caller (a command, the demo: no `ip`) is not checked."""
    if ip is None:
        return
    check_links(member, html)
    if kind in ACTIONS:
        note_post(member, kind)
        limits.enforce(ACTIONS[kind], member, ip)


# --- The admin's writes ----------------------------------------------------------------------------------------

def newcomer_rules_save(*, member, rules_row: NewcomerRules, groups) -> NewcomerRules:
    """Saves the rules for new members (the one row) and their groups; every process reads them anew at its
    next request."""
    limits.check_admin(member)
    rules_row.pk = 1
    with transaction.atomic():
        rules_row.save()
        rules_row.groups.set(groups)
        pagecache.bump(SCOPE)
    return rules_row
