"""Where other apps add to a thread page without the forum importing them: parts of the page (templates
rendered with the page's context, kept with it), the per-reader holes those parts leave, and links under
each floor. Apps register from their AppConfig.ready().

A part that differs per reader leaves a hole (luntan.core.holes.hole) and registers a filler for it; the
kept page is shared, the filler runs for each request."""

from collections.abc import Callable
from typing import Any, Protocol

from django.http import HttpRequest
from markupsafe import Markup

# Slots of the thread page: "head" under the thread's title, "below_floors" after the last floor and its
# pager, "foot" after the quick reply.
THREAD_PARTS: dict[str, list[str]] = {"head": [], "below_floors": [], "foot": []}

# name -> expression: annotations of the kept thread of the thread page (queries.access_kept_thread), read in the
# same query as the thread, so that a part can tell without a query of its own whether it has anything to show
# (a poll's id: most threads have none).
THREAD_ANNOTATIONS: dict[str, object] = {}


def register_thread_annotation(name: str, expression: object) -> None:
    THREAD_ANNOTATIONS[name] = expression


# Under a floor's text, kept with it (luntan.forum.fragments): (stamp, provider). `stamp` names a THREAD_ANNOTATIONS
# entry that is None while the provider has nothing for the thread (then it is not called) and changes whenever
# what it shows under any of the thread's floors changes: it is part of each floor's kept key.
# provider(thread, floors) -> {floor pk: HTML}, for the floors being rendered, in one query for all of them.
FLOOR_ADDITIONS: list[tuple[str, Callable[..., dict[int, str]]]] = []


def register_floor_addition(stamp: str, provider: Callable[..., dict[int, str]]) -> None:
    if all(p is not provider for _s, p in FLOOR_ADDITIONS):
        FLOOR_ADDITIONS.append((stamp, provider))


# hook(floor, *, html, new): run inside thread_create's, post_reply's (new=True) and floor_edit's transaction once
# the floor's text (`html`, as cooked) is written; the uploads it refers to become the floor's (luntan.attachments).
FLOOR_WRITTEN: list[Callable[..., None]] = []


def register_floor_written(hook: Callable[..., None]) -> None:
    if hook not in FLOOR_WRITTEN:
        FLOOR_WRITTEN.append(hook)


# Templates added to the board page, rendered with its context (board, threads, moderator...) and kept with
# it: "below_list" after the thread list (the moderators' batch form lives there, in their variant only).
BOARD_PARTS: dict[str, list[str]] = {"below_list": []}


def register_board_part(slot: str, template: str) -> None:
    if template not in BOARD_PARTS[slot]:
        BOARD_PARTS[slot].append(template)


# name -> provider(request, thread, moderator) -> filler(request, args) -> HTML, or None for no filler.
ThreadFiller = Callable[[HttpRequest, list[str]], str]
THREAD_FILLERS: dict[str, Callable[..., ThreadFiller | None]] = {}

# provider(viewer, thread, moderator) -> link(floor_id, author_id, number) -> HTML (or ""), or None when the
# provider has nothing for this reader. Called for signed-in readers only; links sit in a floor's footer.
FloorLink = Callable[[int, int, int], str]
FLOOR_LINKS: list[tuple[int, Callable[..., FloorLink | None]]] = []


def register_thread_part(slot: str, template: str) -> None:
    if template not in THREAD_PARTS[slot]:
        THREAD_PARTS[slot].append(template)


def register_thread_filler(name: str, provider: Callable[..., ThreadFiller | None]) -> None:
    THREAD_FILLERS[name] = provider


def register_floor_link(order: int, provider: Callable[..., FloorLink | None]) -> None:
    """`order` places the link among the others (quote 10, edit 20, delete 30 are the forum's own)."""
    if all(p is not provider for _, p in FLOOR_LINKS):
        FLOOR_LINKS.append((order, provider))
        FLOOR_LINKS.sort(key=lambda pair: pair[0])


# check(member) -> a message saying why this member may not post now (a ban, warnings), or None. Every
# posting permission (thread, reply, edit) asks them all, after the group's own rule.
POSTING_CHECKS: list[Callable[..., str | None]] = []


def register_posting_check(check: Callable[..., str | None]) -> None:
    if check not in POSTING_CHECKS:
        POSTING_CHECKS.append(check)


# Content protection (Board.protect_content). guard(html, floor) -> html: what a floor's cooked text becomes in the
# kept page for readers who are not its board's moderators: the same text with markers (comments) where each
# view puts its own parts. splicer(request, thread, moderator) -> (splice, kept) or None: how this request fills
# them (luntan.core.holes.add_splice). Pages of other boards never call either.
BODY_GUARDS: list[Callable[..., str]] = []
BODY_SPLICERS: list[Callable[..., tuple | None]] = []


def register_body_guard(guard: Callable[..., str], splicer: Callable[..., object]) -> None:
    if guard not in BODY_GUARDS:
        BODY_GUARDS.append(guard)
        BODY_SPLICERS.append(splicer)  # type: ignore[arg-type]


# guard(member, *, kind, html, ip) -> None, raising ValidationError to refuse: asked by thread_create
# ("thread"), post_reply ("reply") and floor_edit ("edit") with the cooked text, before anything is written
# (rate limits, new members' links). `ip` is the visitor's address, None for a trusted caller (a command).
POST_GUARDS: list[Callable[..., None]] = []


def register_post_guard(guard: Callable[..., None]) -> None:
    if guard not in POST_GUARDS:
        POST_GUARDS.append(guard)


# The new-thread form's extra parts (a poll): factory(request, board) -> part, or None for nothing. A part has
# is_valid() -> bool, html() -> Markup (its fields, with their errors and what was typed, shown in the form)
# and create(floor), run inside thread_create's transaction once the thread and its floor 1 exist: an error
# there undoes the thread too.
class NewThreadPart(Protocol):
    def is_valid(self) -> bool: ...

    def html(self) -> Markup: ...

    def create(self, floor) -> None: ...


NEW_THREAD_PARTS: list[Callable[..., NewThreadPart | None]] = []


def register_new_thread_part(factory: Callable[..., NewThreadPart | None]) -> None:
    if factory not in NEW_THREAD_PARTS:
        NEW_THREAD_PARTS.append(factory)


# Content with a condition ([hide], [sell]: luntan.markup.conditions): saver(floor, parts, *, edited) keeps a
# floor's conditional parts, inside the transaction of thread_create, post_reply and floor_edit (after the
# floor row is written), and may refuse them with a ValidationError (a price too high), undoing the write.
FLOOR_PARTS_SAVERS: list[Callable[..., None]] = []


def register_floor_parts_saver(saver: Callable[..., None]) -> None:
    if saver not in FLOOR_PARTS_SAVERS:
        FLOOR_PARTS_SAVERS.append(saver)


# The post forms' plain file field (new thread, reply page, editing one's own floor), for members without
# JavaScript; with it, the editor uploads each file on its own (luntan.attachments). offer(member) -> what the
# forms say by the field, or "" when this member may not attach files (then the forms have no file field).
# post(*, member, uploads, source, fmt, ip, write) -> floor: checks every file, then in one transaction stores
# them, puts them in the text and calls write(text), which posts the floor; a refusal is a ValidationError
# (code "upload" for a file) and leaves nothing stored.
class PostUploads(Protocol):
    def offer(self, member) -> str: ...

    def post(self, *, member, uploads: list, source: str, fmt: str, ip: str | None,
             write: Callable[[str], Any]) -> Any: ...


POST_UPLOADS: list[PostUploads] = []


def register_post_uploads(handler: PostUploads) -> None:
    POST_UPLOADS[:] = [handler]  # one app stores uploads
