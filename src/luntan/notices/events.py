"""What the site's writers tell the notification centre, inside their own transactions: a new floor or thread,
an edit that mentions someone new, a like, a mood, a short message. Each turns into notices here, so the
writers only say what happened."""

import re

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luntan.accounts.models import Member
from luntan.accounts.names import name_key
from luntan.credits.services import lock_members
from luntan.notices.models import Kind, MemberFollow, Notice, ThreadFollow
from luntan.notices.services import notice_withdraw, notices_mark_read, notify_each, notify_grouped

# The quote the reply form writes (forum.views._quote): "[quote=name]" or "> **name** (floor)".
_QUOTE_RE = re.compile(r"\[quote=([^\]\n]{1,64})\]|^> \*\*([^*\n]{1,64})\*\* \(\d+\)", re.IGNORECASE | re.MULTILINE)
# When one post gives a member several reasons, the notice tells the closest one.
_PRIORITY = [Kind.QUOTE, Kind.MENTION, Kind.REPLY, Kind.FOLLOW_THREAD, Kind.FOLLOW_MEMBER]


def _quoted_ids(source: str) -> set[int]:
    names = {name_key((a or b).strip().strip("\"'")) for a, b in _QUOTE_RE.findall(source)}
    if not names:
        return set()
    return set(Member.objects.filter(name_key__in=names).values_list("pk", flat=True))


def _post_texts(actor: str, title: str):
    texts = {
        Kind.REPLY: _("%(name)s replied to your thread “%(title)s”."),
        Kind.QUOTE: _("%(name)s quoted your post in “%(title)s”."),
        Kind.MENTION: _("%(name)s mentioned you in “%(title)s”."),
        Kind.FOLLOW_THREAD: _("%(name)s posted in “%(title)s”, a thread you follow."),
        Kind.FOLLOW_MEMBER: _("%(name)s, whom you follow, opened a new thread: “%(title)s”."),
    }
    return lambda kind: texts[kind] % {"name": actor, "title": title}


def _readers(thread, ids) -> set[int]:
    """Those of the members who may read the thread (a mention on a hidden board tells nobody of it)."""
    from luntan.forum import permissions  # the forum imports this module for its events

    found = Member.objects.filter(pk__in=list(ids), is_active=True).only(
        "id", "group_id", "is_active", "is_superuser", "is_staff")
    return {m.pk for m in found if permissions.can(permissions.check_view_thread, m, thread)}


def post_audience(*, thread, author, source: str, mentioned: dict[int, str], first: bool) -> dict[int, str]:
    """Who a new post tells, and of what: {member id: kind}. Call it before the post's other writes, with the
    thread's row locked (a reply): it locks their rows and the author's, in UID order, so that two posts
    telling each other's authors never wait for each other in a circle."""
    reasons: dict[int, set[str]] = {}

    def add(ids, kind: str) -> None:
        for m in ids:
            reasons.setdefault(m, set()).add(kind)

    add(mentioned, Kind.MENTION)
    if first:
        add(MemberFollow.objects.filter(followed_id=author.pk).values_list("member_id", flat=True),
            Kind.FOLLOW_MEMBER)
    else:
        add([thread.author_id], Kind.REPLY)
        add(_quoted_ids(source), Kind.QUOTE)
        add(ThreadFollow.objects.filter(thread_id=thread.pk).values_list("member_id", flat=True), Kind.FOLLOW_THREAD)
    reasons.pop(author.pk, None)
    allowed = _readers(thread, reasons) if reasons else set()
    audience: dict[int, str] = {m: next(k for k in _PRIORITY if k in found) for m, found in reasons.items()
                                if m in allowed}
    if audience:
        lock_members([*audience, author.pk])
    return audience


def post_created(*, floor, thread, author, audience: dict[int, str]) -> list[int]:
    """A new floor (a reply) or a new thread (floor 1): tells its audience (post_audience), unless it waits
    for approval. Returns who was told."""
    if floor.is_waiting or not audience:
        return []
    return notify_each(kinds=audience, texts=_post_texts(author.username, thread.title),
                       url=reverse("forum:floor", args=[thread.pk, floor.number]), actor_id=author.pk,
                       group_key=f"post:{floor.pk}")


def post_edited(*, floor, thread, author, mentioned: dict[int, str]) -> list[int]:
    """An edited floor: the members it mentions now and was never told of (once per post)."""
    mentioned = {m: n for m, n in mentioned.items() if m != author.pk}
    if floor.is_waiting or not mentioned:
        return []
    allowed = _readers(thread, mentioned)
    audience: dict[int, str] = {m: Kind.MENTION for m in mentioned if m in allowed}
    if not audience:
        return []
    lock_members([*audience, author.pk])
    return post_created(floor=floor, thread=thread, author=author, audience=audience)


def _like_text(thread):
    def text(names: list[str], n: int) -> str:
        if n <= 1:
            return _("%(names)s liked your post in “%(title)s”.") % {"names": names[0], "title": thread.title}
        return ngettext("%(names)s and others, %(count)s person in all, liked your post in “%(title)s”.",
                        "%(names)s and others, %(count)s people in all, liked your post in “%(title)s”.", n) % {
            "names": _(", ").join(names), "count": n, "title": thread.title}

    return text


def floor_liked(*, floor, thread, member, count: int) -> None:
    """A like of the floor; `count` is how many it has now. One notice per floor, updated in place; a like
    taken back and given again is no news (notify_grouped's once_per_actor)."""
    notify_grouped(member_id=floor.author_id, kind=Kind.LIKE, actor_id=member.pk, actor_name=member.username,
                   group_key=f"like:{floor.pk}", count=count, text=_like_text(thread),
                   url=reverse("forum:floor", args=[thread.pk, floor.number]), once_per_actor=True)


def floor_unliked(*, floor, thread, count: int, names: list[str]) -> None:
    """A like of the floor taken back: `count` likes are left, the latest by `names`. The floor's notice
    shows them; with none left it goes."""
    notice_withdraw(member_id=floor.author_id, group_key=f"like:{floor.pk}", count=count, names=names,
                    text=_like_text(thread))


def _mood_text(thread, mood_name: str):
    def text(names: list[str], n: int) -> str:
        if n <= 1:
            return _("%(names)s gave your thread “%(title)s” the mood %(mood)s.") % {
                "names": names[0], "title": thread.title, "mood": mood_name}
        return ngettext("%(names)s and others, %(count)s person in all, gave your thread “%(title)s” the mood "
                        "%(mood)s.",
                        "%(names)s and others, %(count)s people in all, gave your thread “%(title)s” the mood "
                        "%(mood)s.", n) % {
            "names": _(", ").join(names), "count": n, "title": thread.title, "mood": mood_name}

    return text


def thread_mood(*, thread, member, mood_name: str, mood_id: int, count: int) -> None:
    """A mood given to the thread (表态); `count` is how many gave it this mood now."""
    notify_grouped(member_id=thread.author_id, kind=Kind.MOOD, actor_id=member.pk, actor_name=member.username,
                   group_key=f"mood:{thread.pk}:{mood_id}", count=count, text=_mood_text(thread, mood_name),
                   url=thread.get_absolute_url(), once_per_actor=True)


def thread_mood_withdrawn(*, thread, mood_name: str, mood_id: int, count: int, names: list[str]) -> None:
    """A member changed their mood away from this one: `count` gave it now, the latest `names`."""
    notice_withdraw(member_id=thread.author_id, group_key=f"mood:{thread.pk}:{mood_id}", count=count, names=names,
                    text=_mood_text(thread, mood_name))


def letter_sent(*, letter, conversation, author, recipient_ids, count_of: dict[int, int] | None = None) -> None:
    """A short message to these members: one notice per conversation and member, updated in place."""
    url = reverse("letters:conversation", args=[conversation.pk])

    def text(names: list[str], n: int) -> str:
        if n <= 1:
            return _("%(names)s sent you a short message: “%(title)s”.") % {
                "names": names[0], "title": conversation.title}
        return ngettext("%(count)s new short message in “%(title)s”, the latest from %(names)s.",
                        "%(count)s new short messages in “%(title)s”, the latest from %(names)s.", n) % {
            "names": names[0], "count": n, "title": conversation.title}

    for member_id in sorted(recipient_ids):
        notify_grouped(member_id=member_id, kind=Kind.MESSAGE, actor_id=author.pk, actor_name=author.username,
                       group_key=f"letter:{conversation.pk}", count=(count_of or {}).get(member_id, 1), text=text,
                       url=url)


def letter_read(*, member, conversation) -> None:
    """The member read the conversation: its notice is read with it."""
    unread = list(Notice.objects.filter(member=member, group_key=f"letter:{conversation.pk}", read_at__isnull=True)
                  .values_list("pk", flat=True))
    if unread:
        notices_mark_read(member=member, notice_ids=unread)
