"""Sending notices, marking them read, the member's settings and follows.

Call the senders inside the transaction of the action they report: the notice and the member's unread count
(Member.unread_notices, read by the user box and the header's poll without a query of its own) change with
it, or not at all. `notices_recount` rebuilds the count from the rows.

A notice is never sent to the member who acted, nor to a member who turned its kind off or blocked the
actor (letters' 黑名单); the kinds in ALWAYS_ON (moderators' actions, warnings, bans) always arrive."""

from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts.models import Member
from luntan.letters.models import Block
from luntan.notices.models import ALWAYS_ON, SWITCHABLE, Kind, KindOff, MemberFollow, Notice, ThreadFollow

NAMES_KEPT = 3  # the latest names a grouped notice shows
TOLD_KEPT = 200  # the latest actors a grouped notice remembers having told of


def _wanted(kinds: dict[int, str], actor_id: int | None) -> list[int]:
    """Those of {member id: kind} who get their notice: not the actor, kind on, actor not blocked."""
    ids = [m for m in kinds if m != actor_id]
    switchable = [m for m in ids if kinds[m] not in ALWAYS_ON]
    if not switchable:
        return ids
    off = set(KindOff.objects.filter(member_id__in=switchable).values_list("member_id", "kind"))
    blocked: set[int] = set()
    if actor_id is not None:
        blocked = set(Block.objects.filter(member_id__in=switchable, blocked_id=actor_id)
                      .values_list("member_id", flat=True))
    return [m for m in ids if kinds[m] in ALWAYS_ON or ((m, kinds[m]) not in off and m not in blocked)]


def _count_unread(member_ids: list[int], delta: int = 1) -> None:
    if member_ids:
        # In UID order, as every other writer of member rows locks them.
        Member.objects.filter(pk__in=sorted(member_ids)).update(unread_notices=F("unread_notices") + delta)


def notify(*, member_id: int, kind: str, text: str, url: str = "", actor_id: int | None = None) -> Notice | None:
    """One notice; None when the member does not get it (see the module's docstring)."""
    if not _wanted({member_id: kind}, actor_id):
        return None
    notice = Notice.objects.create(member_id=member_id, kind=kind[:20], text=text.strip()[:500], url=url[:200],
                                   actor_id=actor_id)
    _count_unread([member_id])
    return notice


def notify_each(*, kinds: dict[int, str], texts: Callable[[str], str], url: str, actor_id: int | None,
                group_key: str = "") -> list[int]:
    """A notice to each of {member id: kind}, its text by kind. With a group key, a member who already has a
    notice of that key gets nothing (a post edited to mention them again). Returns who got one."""
    wanted = _wanted(kinds, actor_id)
    if group_key and wanted:
        had = set(Notice.objects.filter(member_id__in=wanted, group_key=group_key).values_list("member_id", flat=True))
        wanted = [m for m in wanted if m not in had]
    if not wanted:
        return []
    now = timezone.now()
    Notice.objects.bulk_create([
        Notice(member_id=m, kind=kinds[m], text=texts(kinds[m]).strip()[:500], url=url[:200], actor_id=actor_id,
               group_key=group_key, created_at=now) for m in wanted])
    _count_unread(wanted)
    return wanted


def notify_grouped(*, member_id: int, kind: str, actor_id: int, actor_name: str, group_key: str, count: int,
                   text: Callable[[list[str], int], str], url: str, once_per_actor: bool = False) -> Notice | None:
    """One notice per member and key, updated in place as more people act (likes of a floor, a mood on a
    thread): it shows the latest names and how many people, and is unread and on top again.

    With `once_per_actor` (what can be taken back: a like, a mood), one who was told of already and gives it
    again after taking it back updates the notice in place but is no news: it is neither unread again nor on
    top, so taking back and giving again cannot flood a member.

    The callers hold the lock of what is acted on (the thread's row), so two updates of one notice run one
    after the other."""
    if not _wanted({member_id: kind}, actor_id):
        return None
    now = timezone.now()
    notice = Notice.objects.select_for_update().filter(member_id=member_id, group_key=group_key).first()
    if notice is None:
        names = [actor_name]
        notice = Notice.objects.create(member_id=member_id, kind=kind, actor_id=actor_id, group_key=group_key,
                                       names=names, count=count, text=text(names, count).strip()[:500],
                                       url=url[:200], created_at=now, told=[actor_id])
        _count_unread([member_id])
        return notice
    names = [actor_name, *(n for n in notice.names if n != actor_name)][:NAMES_KEPT]
    counted = notice.read_at is None and notice.count > 0  # in the member's unread count now
    fields: dict = {"names": names, "count": count, "text": text(names, count).strip()[:500]}
    if not (once_per_actor and actor_id in notice.told):
        fields |= {"actor_id": actor_id, "created_at": now, "read_at": None,
                   "told": [*(m for m in notice.told if m != actor_id), actor_id][-TOLD_KEPT:]}
    Notice.objects.filter(pk=notice.pk).update(**fields)
    if not counted and fields.get("read_at", notice.read_at) is None:
        _count_unread([member_id])
    return notice


def notice_withdraw(*, member_id: int, group_key: str, count: int, names: list[str],
                    text: Callable[[list[str], int], str]) -> None:
    """Someone took back what a grouped notice tells (a like, a mood): the notice shows `count` people now,
    the latest of them `names`; neither unread again nor on top. With nobody left it is out of sight (count
    0, kept so that who it told of stays known) and out of the unread count. The caller holds the lock of
    what is acted on, as for notify_grouped."""
    notice = Notice.objects.select_for_update().filter(member_id=member_id, group_key=group_key).first()
    if notice is None or notice.count == 0:
        return
    count = max(count, 0) if names else 0  # nobody named is nobody left, whatever a stale counter says
    names = names[:NAMES_KEPT] if count else []
    Notice.objects.filter(pk=notice.pk).update(
        count=count, names=names, text=text(names, count).strip()[:500] if count else notice.text)
    if not count and notice.read_at is None:
        _count_unread([member_id], -1)


def notices_recount(*, member_id: int) -> int:
    """Sets the member's unread count from the notices themselves; returns it."""
    with transaction.atomic():
        unread = Notice.shown.filter(member_id=member_id, read_at__isnull=True).count()
        Member.objects.filter(pk=member_id).update(unread_notices=unread)
    return unread


def notices_recount_all() -> int:
    """Rebuilds every member's unread notice count and count of followed threads from the rows (`luntan
    recount`); returns how many members were wrong. Those found wrong are recounted with their row locked."""
    unread = (Notice.shown.filter(member=OuterRef("pk"), read_at__isnull=True).order_by()
              .values("member").annotate(n=Count("pk")).values("n"))
    follows = (ThreadFollow.objects.filter(member=OuterRef("pk")).order_by()
               .values("member").annotate(n=Count("pk")).values("n"))
    wrong = list(Member.objects.annotate(true_unread=Coalesce(Subquery(unread), 0),
                                         true_follows=Coalesce(Subquery(follows), 0))
                 .exclude(unread_notices=F("true_unread"), thread_follows=F("true_follows"))
                 .order_by("pk").values_list("pk", flat=True))
    for member_id in wrong:
        with transaction.atomic():
            Member.objects.select_for_update().filter(pk=member_id).values_list("pk", flat=True).first()
            notices_recount(member_id=member_id)
            Member.objects.filter(pk=member_id).update(
                thread_follows=ThreadFollow.objects.filter(member_id=member_id).count())
    return len(wrong)


def notices_mark_read(*, member: Member, notice_ids: list[int] | None = None) -> int:
    """Marks the member's own notices read (those named, or all of them); others' ids are ignored.
    Returns how many were unread. Repeating it changes nothing."""
    with transaction.atomic():
        # The member's row first: two tabs marking at once then count one after the other.
        Member.objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True).first()
        unread = Notice.shown.filter(member=member, read_at__isnull=True)
        if notice_ids is not None:
            unread = unread.filter(pk__in=notice_ids)
        marked = unread.update(read_at=timezone.now())
        if marked:
            left = Notice.shown.filter(member=member, read_at__isnull=True).count()
            Member.objects.filter(pk=member.pk).update(unread_notices=left)
            member.unread_notices = left
    return marked


# --- Settings ------------------------------------------------------------------------------------------------

def kinds_off(member_id: int) -> set[str]:
    return set(KindOff.objects.filter(member_id=member_id).values_list("kind", flat=True))


def notice_settings_save(*, member: Member, off: Iterable[str]) -> set[str]:
    """Turns off exactly the kinds named (those a member may turn off), the others on. Returns them."""
    wanted = {k for k in off if k in SWITCHABLE}
    unknown = set(off) - wanted
    if unknown:
        raise ValidationError(_("Unknown kind of notice."), code="kind_unknown")
    with transaction.atomic():
        KindOff.objects.filter(member=member).exclude(kind__in=wanted).delete()
        have = kinds_off(member.pk)
        KindOff.objects.bulk_create([KindOff(member=member, kind=k) for k in sorted(wanted - have)])
    return wanted


# --- Follows -------------------------------------------------------------------------------------------------
# The ids a member follows are kept in the cache (the thread page asks on every view of a signed-in reader),
# dropped whenever the member follows or unfollows.

def _follow_key(member_id: int, what: str) -> str:
    return f"notices:follows:{what}:{member_id}"


def followed_ids(member_id: int, what: str) -> frozenset[int]:
    """The threads ("thread") or members ("member") the member follows."""
    key = _follow_key(member_id, what)
    found = cache.get(key)
    if found is None:
        if what == "thread":
            found = frozenset(ThreadFollow.objects.filter(member_id=member_id).values_list("thread_id", flat=True))
        else:
            found = frozenset(MemberFollow.objects.filter(member_id=member_id).values_list("followed_id", flat=True))
        cache.set(key, found, 60 * 60)
    return found


def _forget(member_id: int, what: str) -> None:
    key = _follow_key(member_id, what)
    transaction.on_commit(lambda: cache.delete(key))
    cache.delete(key)


def _follow_row(model, follow: bool, **row) -> bool:
    """Adds (or removes) one follow row; whether anything changed. A second add (two tabs) changes nothing."""
    if not follow:
        return model.objects.filter(**row).delete()[0] > 0
    try:
        with transaction.atomic():
            model.objects.create(**row)
    except IntegrityError:
        return False
    return True


def thread_follow(*, member: Member, thread_id: int, follow: bool = True) -> bool:
    """Follows (or stops following) a thread the member may read; returns whether anything changed. A
    thread the member may not read is a 404, as for a missing one."""
    from luntan.forum.queries import access_thread  # the forum imports this app for its events

    thread = access_thread(member, thread_id)
    with transaction.atomic():
        changed = _follow_row(ThreadFollow, follow, member=member, thread=thread)
        if changed:
            Member.objects.filter(pk=member.pk).update(
                thread_follows=ThreadFollow.objects.filter(member=member).count())
        _forget(member.pk, "thread")
    return changed


def member_follow(*, member: Member, followed_id: int, follow: bool = True) -> bool:
    """Follows (or stops following) another member; returns whether anything changed."""
    followed = Member.objects.filter(pk=followed_id, is_active=True).first()
    if followed is None:
        raise Http404
    if followed.pk == member.pk:
        raise ValidationError(_("You cannot follow yourself."), code="follow_self")
    with transaction.atomic():
        changed = _follow_row(MemberFollow, follow, member=member, followed=followed)
        _forget(member.pk, "member")
    return changed


__all__ = ["Kind", "notify", "notify_each", "notify_grouped", "notice_withdraw", "notices_mark_read",
           "notices_recount", "notices_recount_all", "notice_settings_save", "thread_follow", "member_follow",
           "followed_ids", "kinds_off"]
