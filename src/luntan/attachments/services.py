"""Writes of uploads: storing a checked upload, binding uploads to the floor that uses them, the uploader's
price and level, buying (through the credits ledger), writing the buffered download counts, and removing
orphans. Every refusal is raised before anything is stored or written."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luntan.accounts import groups
from luntan.accounts.models import MemberGroup
from luntan.attachments import counters, files, permissions
from luntan.attachments.models import Attachment, Purchase
from luntan.core import pagecache
from luntan.core.buffering_worker import MAX_REQUEST_BYTES
from luntan.credits import config
from luntan.credits.models import Operation
from luntan.credits.services import Change, credit_apply, lock_members, transfer_tax
from luntan.forum import extensions
from luntan.forum.models import Floor
from luntan.markup.links import ATTACHMENT_PATH, IMAGE_PATHS
from luntan.protection import limits

MAX_PRICE = 10_000
ORPHAN_HOURS = 24  # an upload no floor used for this long is removed by the cleanup


def limit_kb(member) -> int:
    """The largest upload this member's group allows, in KB (0: none)."""
    rules = groups.rules_for(member)
    return rules.max_attachment_kb if rules.can_post else 0


def _check_member(member) -> None:
    if not permissions.signed_in(member):
        raise PermissionDenied(_("Please log in first."))
    if limit_kb(member) <= 0:
        raise PermissionDenied(_("Your user group may not upload files."))
    for check in extensions.POSTING_CHECKS:  # a ban, warnings: who may not post may not upload either
        message = check(member)
        if message:
            raise PermissionDenied(message)


def too_big(size: int, limit: int) -> ValidationError:
    return ValidationError(_("This file is %(size)s KB; you may upload at most %(limit)s KB.") % {
        "size": (size + 1023) // 1024, "limit": limit}, code="too_big")


def _storage_name(folder: str, key: str, extension: str, now: datetime, suffix: str = "") -> str:
    return f"{folder}/{now:%Y/%m}/{key}{suffix}.{extension or 'bin'}"


def upload_check(*, member, upload, ip: str | None = None, counted: list[bool] | None = None) -> files.Checked:
    """An upload of `member` (a Django UploadedFile) as it would be stored: checked (the member's right, size,
    the day's uploads, type, content), a picture re-encoded with a thumbnail. Raises PermissionDenied or
    ValidationError saying why not; stores nothing. Each upload counted against the rate limit is noted in
    `counted`, for a caller that may give it back."""
    _check_member(member)
    if upload is None or not getattr(upload, "size", 0):
        raise ValidationError(_("Please choose a file to upload."), code="missing")
    limit = limit_kb(member)
    if upload.size > limit * 1024:
        raise too_big(upload.size, limit)
    limits.enforce(limits.Action.UPLOAD, member, ip)
    if counted is not None:
        counted.append(True)
    upload.seek(0)
    data = upload.read(limit * 1024 + 1)
    if len(data) > limit * 1024:
        raise too_big(len(data), limit)
    rules = groups.rules_for(member)
    return files.check_file(name=upload.name or "", claimed_type=getattr(upload, "content_type", "") or "",
                            data=data, allowed=rules.attachment_types, images_allowed=rules.allow_images)


def _store(member, checked: files.Checked, *, now: datetime, stored: list[str]) -> Attachment:
    """Saves a checked upload's files and makes its row; each name saved goes into `stored`, for the caller
    to remove if anything fails."""
    key = secrets.token_hex(16)
    folder = "images" if checked.kind == Attachment.Kind.IMAGE else "attachments"
    name = default_storage.save(_storage_name(folder, key, checked.extension, now), ContentFile(checked.data))
    stored.append(name)
    thumb = ""
    if checked.thumbnail:
        thumb = default_storage.save(_storage_name(folder, key, checked.extension, now, ".thumb"),
                                     ContentFile(checked.thumbnail))
        stored.append(thumb)
    return Attachment.objects.create(
        owner_id=member.pk, kind=checked.kind, key=key, name=checked.name, size=len(checked.data),
        content_type=checked.content_type, file=name, thumbnail=thumb, width=checked.width,
        height=checked.height, created_at=now, changed_at=now)


def _remove(stored: list[str]) -> None:
    for name in stored:  # nothing is kept of a refused or failed upload
        default_storage.delete(name)


def upload_create(*, member, upload, ip: str | None = None, now: datetime | None = None) -> Attachment:
    """Stores an upload of `member` (the editor's: one file), checked by upload_check. Belongs to no floor
    until one of the member's posts refers to it."""
    checked = upload_check(member=member, upload=upload, ip=ip)
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _store(member, checked, now=now or timezone.now(), stored=stored)
    except BaseException:
        _remove(stored)
        raise


# --- Files sent with a post (the post forms' plain file field, without JavaScript) -------------------------------

MAX_FILES_PER_POST = 10


def post_files_max_bytes() -> int:
    """What the files sent with one post may weigh in all: the request limit of the site's worker and of
    deploy/nginx.conf (3 MiB), less room for the form's text. A bigger request never reaches the site."""
    return MAX_REQUEST_BYTES - 128 * 1024


def image_url(attachment: Attachment, *, thumb: bool = False) -> str:
    name = attachment.thumbnail if thumb and attachment.thumbnail else attachment.file
    ext = name.rsplit(".", 1)[-1]
    return reverse("attachments:thumb" if thumb else "attachments:image",
                   args=[attachment.pk, f"{attachment.key}.{ext}"])


def _alt(name: str) -> str:
    return re.sub(r"[\[\]()\\*_`!<>]", "", name.rpartition(".")[0] or name)[:60].strip()


def post_reference(attachment: Attachment, fmt: str) -> str:
    """What puts an upload in a post's text, in its format: a picture as its thumbnail linking to the full
    size, any other file as [attach]ID[/attach] (listed under the floor). The editor inserts the same."""
    if not attachment.is_image:
        return f"[attach]{attachment.pk}[/attach]"
    full, thumb = image_url(attachment), image_url(attachment, thumb=True)
    if fmt == "markdown":
        return f"[![{_alt(attachment.name) or 'image'}]({thumb})]({full})"
    return f"[url={full}][img]{thumb}[/img][/url]"


def _with_references(source: str, made: list[Attachment], fmt: str) -> str:
    """The text with the uploads after it, one a line, in the order chosen. In Markdown each is a paragraph
    of its own (a single line break would put a picture beside the last words)."""
    gap = "\n\n" if fmt == "markdown" else "\n"
    text = source.rstrip()
    return gap.join(([text] if text else []) + [post_reference(a, fmt) for a in made])


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def upload_refused(name: str, reason: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s” was not attached: %(reason)s Nothing was posted; your text is kept. Please choose the "
          "files again.") % {"name": name, "reason": reason}, code="upload")


def post_files_hint(member) -> str:
    """What the post forms say by their file field, or "" when this member may not attach files (then the
    forms have none)."""
    try:
        _check_member(member)
    except PermissionDenied:
        return ""
    rules = groups.rules_for(member)
    kinds = sorted(rules.attachment_types & files.FILE_TYPES.keys())
    if rules.allow_images:
        kinds = ["jpg", "png", "gif", "webp", *kinds]
    return _("Pictures show in the floor, other files are listed under it, in the order chosen. At most "
             "%(count)s files, each up to %(size)s KB and %(total)s MB in all; types: %(kinds)s.") % {
        "count": MAX_FILES_PER_POST, "size": limit_kb(member), "total": _mb(post_files_max_bytes()),
        "kinds": ", ".join(kinds)}


class _Replayed(Exception):  # noqa: N818 - not an error: the post was made by an earlier request
    def __init__(self, floor) -> None:
        super().__init__()
        self.floor = floor


def floor_uploads_post(*, member, uploads: list, source: str, fmt: str, write: Callable[[str], Floor],
                       ip: str | None = None) -> Floor:
    """A post sent with files (the post forms' plain file field: no JavaScript needed). Every file is
    checked as the editor's upload is (upload_check), all of them before anything is stored; then in one
    transaction they are stored, put at the end of the text in the order chosen (post_reference) and
    `write(text)` posts the floor (thread_create, post_reply or floor_edit), which makes them its own
    (floor_attachments_bind). Any refusal is a ValidationError (code "upload" for the files) and leaves
    nothing: no floor, no upload, no file in the storage."""
    if len(uploads) > MAX_FILES_PER_POST:
        raise ValidationError(_("At most %(most)s files can be sent with one post; you chose %(count)s. Nothing "
                                "was posted; your text is kept.") % {"most": MAX_FILES_PER_POST,
                                                                     "count": len(uploads)}, code="upload")
    try:
        _check_member(member)
    except PermissionDenied as error:  # said on the form, the text kept
        raise ValidationError(_("%(reason)s Nothing was posted; your text is kept.") % {"reason": error},
                              code="upload") from None
    total = sum(getattr(upload, "size", 0) or 0 for upload in uploads)
    if total > post_files_max_bytes():
        raise ValidationError(
            _("The files chosen weigh %(size)s MB in all; at most %(most)s MB can be sent with one post. Nothing "
              "was posted; your text is kept.") % {"size": _mb(total), "most": _mb(post_files_max_bytes())},
            code="upload")
    checked: list[files.Checked] = []
    counted: list[bool] = []  # the files counted against the upload limit: given back if nothing is posted
    stored: list[str] = []
    try:
        for upload in uploads:
            try:
                checked.append(upload_check(member=member, upload=upload, ip=ip, counted=counted))
            except ValidationError as error:
                raise upload_refused(files.clean_name(getattr(upload, "name", "") or ""),
                                     error.messages[0]) from None
            except PermissionDenied as error:
                raise upload_refused(files.clean_name(getattr(upload, "name", "") or ""), str(error)) from None
        now = timezone.now()
        with transaction.atomic():
            made = [_store(member, one, now=now, stored=stored) for one in checked]
            floor = write(_with_references(source, made, fmt))
            bound = Attachment.objects.filter(pk__in=[a.pk for a in made], floor=floor).count()
            if bound != len(made):
                if floor.author_id != member.pk:
                    raise ValidationError(_("Files can be attached to your own posts only."), code="upload")
                raise _Replayed(floor)  # a double click: the first request's floor, with its own files
    except _Replayed as replayed:
        _remove(stored)
        limits.give_back(limits.Action.UPLOAD, member, ip, len(counted))  # the first request's files counted
        return replayed.floor
    except BaseException:
        _remove(stored)
        limits.give_back(limits.Action.UPLOAD, member, ip, len(counted))
        raise
    return floor


# --- Binding to floors ----------------------------------------------------------------------------------------

_REFERENCE_RE = re.compile(
    r'(?:href|src)="(?:' + re.escape(ATTACHMENT_PATH) + r"([0-9]{1,12})/|(?:"
    + "|".join(re.escape(p) for p in IMAGE_PATHS) + r')([0-9]{1,12})/)')


def referenced_ids(html: str) -> set[int]:
    """The uploads a floor's cooked text links to or shows."""
    return {int(a or b) for a, b in _REFERENCE_RE.findall(html)}


def floor_attachments_bind(floor, *, html: str, new: bool = False) -> None:
    """Run inside the floor's write (luntan.forum.extensions.FLOOR_WRITTEN): the uploads of the floor's author
    that its text refers to and that no floor has yet become this floor's; the ones it no longer refers to
    go back to being the author's alone, unless someone bought them. A new post without uploads costs no query."""
    ids = referenced_ids(html)
    now = timezone.now()
    changed = 0
    if ids:
        changed += Attachment.objects.filter(pk__in=ids, owner_id=floor.author_id, floor__isnull=True).update(
            floor=floor, changed_at=now)
    if not new:  # a new floor has no uploads to give back: no query for them
        dropped = Attachment.objects.filter(floor=floor).exclude(pk__in=ids).filter(purchases__isnull=True)
        changed += Attachment.objects.filter(pk__in=list(dropped.values_list("pk", flat=True))).update(
            floor=None, changed_at=now)
    if changed:
        pagecache.bump(f"thread:{floor.thread_id}")


# --- The uploader's settings ---------------------------------------------------------------------------------

def coin() -> config.TypeInfo | None:
    """What prices are paid in: the first enabled credit type that members may transfer (the site coin)."""
    types = config.credit_types()
    return next((t for t in types.values() if t.enabled and t.transferable), None) or next(
        (t for t in types.values() if t.enabled), None)


def member_levels() -> list[groups.GroupRules]:
    """The levels an attachment may ask for: member levels with a credits threshold, lowest first."""
    return sorted((g for g in groups.all_groups().values()
                   if g.kind == MemberGroup.Kind.MEMBER and g.credits_from is not None),
                  key=lambda g: g.credits_from or 0)


def attachment_update(*, member, attachment: Attachment, price: int, min_level_id: int | None) -> Attachment:
    """The uploader sets the price (0: free) and the minimum level (None: anyone signed in)."""
    permissions.check_change(member, attachment)
    if not isinstance(price, int) or not 0 <= price <= MAX_PRICE:
        raise ValidationError(_("The price must be a whole number from 0 to %(max)s.") % {"max": MAX_PRICE},
                              code="price")
    if min_level_id is not None and min_level_id not in {g.group_id for g in member_levels()}:
        raise ValidationError(_("Please choose one of the member levels."), code="level")
    kind = coin() if price else None
    if price and kind is None:
        raise ValidationError(_("This site has no credits to sell attachments for."), code="no_coin")
    with transaction.atomic():
        Attachment.objects.filter(pk=attachment.pk).update(
            price=price, price_type_id=kind.id if kind else None, min_level_id=min_level_id,
            changed_at=timezone.now())
        if attachment.floor_id:
            pagecache.bump(f"thread:{attachment.floor.thread_id}")  # type: ignore[union-attr]
    attachment.refresh_from_db()
    return attachment


# --- Buying ----------------------------------------------------------------------------------------------------

def attachment_buy(*, member, attachment: Attachment, now: datetime | None = None) -> Purchase:
    """Pays the attachment's price once: the buyer pays it, its uploader gets it less the site's tax (the
    transfer tax of the credits settings). A second request (a double click, another tab) finds the first
    purchase and pays nothing: the buyer's row is locked before looking, and the (attachment, member)
    constraint is the last guard."""
    moderator = permissions.is_moderator(member, attachment)
    permissions.check_buy(member, attachment, moderator=moderator)
    now = now or timezone.now()
    econ = config.economy()
    try:
        with transaction.atomic():
            locked = lock_members([member.pk, attachment.owner_id])
            found = Purchase.objects.filter(attachment=attachment, member_id=member.pk).first()
            if found is not None:
                return found
            current = Attachment.objects.filter(pk=attachment.pk).values("price", "price_type_id").first()
            if current is None or not current["price"]:
                raise PermissionDenied(_("This attachment is not for sale."))
            price, type_id = current["price"], current["price_type_id"]
            kind = econ.types.get(type_id)
            if kind is None or not kind.enabled:
                raise ValidationError(_("This attachment cannot be bought now."), code="not_for_sale")
            purchase = Purchase.objects.create(attachment=attachment, member_id=member.pk, price=price,
                                               created_at=now)
            credit_apply(changes=[Change(member.pk, kind.id, -price)], operation=Operation.ATTACHMENT_BUY,
                         subject_kind="attachment", subject_id=attachment.pk, note=attachment.name, now=now,
                         locked={member.pk: locked[member.pk]})
            earned = price - transfer_tax(price, econ)
            if earned > 0 and locked.get(attachment.owner_id) is not None:
                credit_apply(changes=[Change(attachment.owner_id, kind.id, earned)],
                             operation=Operation.ATTACHMENT_SALE, subject_kind="attachment",
                             subject_id=attachment.pk, note=attachment.name, now=now,
                             locked={attachment.owner_id: locked[attachment.owner_id]})
            return purchase
    except IntegrityError:  # the same purchase, committed a moment ago by another request
        found = Purchase.objects.filter(attachment=attachment, member_id=member.pk).first()
        if found is None:
            raise
        return found


# --- Downloads, orphans ----------------------------------------------------------------------------------------

def downloads_flush() -> int:
    """Adds the buffered download counts to the attachments; returns how many changed. The threads showing
    them are shown again with the new figures."""
    taken = counters.take_downloads()
    if not taken:
        return 0
    try:
        now = timezone.now()
        with transaction.atomic():
            for pk, n in taken.items():
                Attachment.objects.filter(pk=pk).update(download_count=F("download_count") + n, changed_at=now)
            threads = set(Attachment.objects.filter(pk__in=list(taken), floor__isnull=False)
                          .values_list("floor__thread_id", flat=True))
            if threads:
                pagecache.bump(*(f"thread:{tid}" for tid in threads))
    except BaseException:
        counters.give_back(taken)
        raise
    return len(taken)


def orphans_remove(*, older_than: timedelta = timedelta(hours=ORPHAN_HOURS), now: datetime | None = None) -> int:
    """Removes uploads that no floor uses, uploaded longer ago than `older_than`, with their files."""
    cutoff = (now or timezone.now()) - older_than
    removed = 0
    for row in Attachment.objects.filter(floor__isnull=True, created_at__lt=cutoff, purchases__isnull=True).only(
            "id", "file", "thumbnail").iterator():
        with transaction.atomic():
            deleted, _rows = Attachment.objects.filter(pk=row.pk, floor__isnull=True).delete()
        if deleted:
            for name in (row.file, row.thumbnail):
                if name:
                    default_storage.delete(name)
            removed += 1
    return removed
