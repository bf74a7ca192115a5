"""Writes to members' records: registration, passwords, avatars, and the buffered online time."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import BooleanField, Case, F, ProtectedError, Q, Value, When
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from luntan.accounts import avatars, signatures
from luntan.accounts.models import Member, MemberGroup
from luntan.accounts.names import name_key, name_skeleton, validate_username
from luntan.core import pagecache, presence
from luntan.core.text import clean_body
from luntan.credits.models import Operation
from luntan.credits.services import rule_reward
from luntan.markup.cooking import cook
from luntan.protection import limits, securitylog, throttle, words
from luntan.protection.models import SecurityEvent

logger = logging.getLogger(__name__)


def presence_flush() -> int:
    """Adds buffered online time and last activity to members, in one transaction; returns how many
    members changed. If the write fails, what was taken goes back to the buffer for the next flush."""
    pending = presence.take_pending()
    try:
        with transaction.atomic():
            for uid, (seconds, last_seen) in pending.items():
                Member.objects.filter(pk=uid).update(
                    online_seconds=F("online_seconds") + int(seconds),
                    last_activity=datetime.fromtimestamp(last_seen, tz=UTC),
                )
    except BaseException:
        presence.give_back(pending)
        raise
    return len(pending)


# --- Checks: each raises a ValidationError the member reads, and returns the cleaned value ----------------

def _name_taken() -> ValidationError:
    return ValidationError(_("This username is already taken."), code="username_taken")


def _email_taken() -> ValidationError:
    return ValidationError(_("This e-mail address is already registered."), code="email_taken")


def _name_clash(name: str, *, member: Member | None = None) -> ValidationError | None:
    """Why another member's name stands in the way of `name`, if one does: the same name, or one that
    looks the same (one indexed query either way)."""
    key = name_key(name)
    others = Member.objects.exclude(pk=member.pk) if member is not None and member.pk else Member.objects.all()
    found = (
        others.filter(Q(name_key=key) | Q(name_skeleton=name_skeleton(name)))
        .annotate(same=Case(When(name_key=key, then=Value(True)), default=Value(False),
                            output_field=BooleanField()))
        .order_by("-same").values_list("same", flat=True).first()
    )
    if found is None:
        return None
    if found:
        return _name_taken()
    return ValidationError(_("This username looks too much like the name of an existing member. "
                             "Please choose another."), code="username_confusable")


def check_username(raw: str, *, member: Member | None = None) -> str:
    """A valid name (see names.validate_username) that no other member has, in any letter case, and that
    does not look like another member's name. The one check for every place a name is set: registration,
    the admin's member form (`member` is the one being edited) and createsuperuser."""
    name = words.check_line(validate_username(raw), where=words.NAME, member=member)  # 敏感词
    clash = _name_clash(name, member=member)
    if clash is not None:
        raise clash
    return name


def check_email(raw: str) -> str:
    """A new member's address: well-formed and not used by another member, in any letter case."""
    email = Member.objects.normalize_email((raw or "").strip())
    if not email:
        raise ValidationError(_("Please enter your e-mail address."), code="email_empty")
    if len(email) > 254:
        raise ValidationError(_("This e-mail address is too long."), code="email_invalid")
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("Please enter a valid e-mail address."), code="email_invalid") from None
    if Member.objects.filter(email__iexact=email).exists():
        raise _email_taken()
    return email


def check_password(password: str, *, member: Member) -> None:
    """Django's password validators, with their messages, for this member's new password."""
    if not password:
        raise ValidationError(_("Please enter a password."), code="password_empty")
    validate_password(password, user=member)


# --- Registration ---------------------------------------------------------------------------------------

def _clashes(member: Member) -> dict[str, ValidationError]:
    """The fields of a new member that another member now has (checked again inside the transaction)."""
    errors = {}
    clash = _name_clash(member.username)
    if clash is not None:
        errors["username"] = clash
    if Member.objects.filter(email__iexact=member.email).exists():
        errors["email"] = _email_taken()
    return errors


def _taken_fields(member: Member) -> dict[str, ValidationError]:
    """After the unique indexes refused the new member: which of its fields a concurrent registration took."""
    errors = {}
    if Member.objects.filter(name_key=name_key(member.username)).exists():
        errors["username"] = _name_taken()
    if Member.objects.filter(email__iexact=member.email).exists():
        errors["email"] = _email_taken()
    return errors or {"username": _name_taken()}


def check_register_allowed(*, address: str) -> None:
    """A few new accounts per address and period (luntan.protection.limits: the guests' group's limit, else
    LUNTAN["LIMITS"]["REGISTER_PER_ADDRESS"]); only registrations that succeed are counted."""
    wait = limits.peek(limits.Action.REGISTER, None, address)
    if wait:
        raise limits.remember(limits.TooOften(throttle.too_many_registrations(wait), wait))


def member_register(*, username: str, email: str, password: str, address: str | None) -> Member:
    """Creates a member in the default group. Raises one ValidationError whose error_dict names every field
    that is wrong ("username", "email", "password"); a name or address taken by a concurrent registration
    is reported on its own field, the same way as one taken earlier. `address` is the visitor's (None for an
    administrator's command): too many new accounts from it are refused with a plain ValidationError (code
    "throttled")."""
    if address is not None:
        check_register_allowed(address=address)
    errors: dict[str, list[ValidationError]] = {}
    member = Member(username=username, email=email)
    try:
        member.username = check_username(username)
    except ValidationError as error:
        errors["username"] = error.error_list
    try:
        member.email = check_email(email)
    except ValidationError as error:
        errors["email"] = error.error_list
    try:
        check_password(password, member=member)
    except ValidationError as error:
        errors["password"] = error.error_list
    if errors:
        raise ValidationError(errors)
    member.set_password(password)  # the slow hash, before the write lock is taken
    try:
        with transaction.atomic():
            clashes = _clashes(member)
            if clashes:
                raise ValidationError(clashes)
            member.group = MemberGroup.objects.filter(is_default=True).first()
            member.save(force_insert=True)
    except IntegrityError:
        # Two people sent the same name or address at the same moment: a unique index let one of them in.
        raise ValidationError(_taken_fields(member)) from None
    if address is not None:
        limits.count(limits.Action.REGISTER, None, address)
    return member


def member_name_keys_rebuild(*, batch: int = 2000) -> int:
    """Recomputes every member's derived name keys (look-alike skeleton, pinyin and pinyin initials) from
    the username, after the data behind them changed (confusables, a new pypinyin); returns how many
    members changed. Batches of `batch` members, each in its own transaction."""
    fields = ("name_skeleton", "name_pinyin", "name_initials")
    changed, last_pk = 0, 0
    while True:
        with transaction.atomic():
            members = list(Member.objects.filter(pk__gt=last_pk).order_by("pk")
                           .only("pk", "username", *fields)[:batch])
            if not members:
                return changed
            stale = []
            for member in members:
                before = [getattr(member, f) for f in fields]
                member.set_name_keys()
                if [getattr(member, f) for f in fields] != before:
                    stale.append(member)
            Member.objects.bulk_update(stale, list(fields))
        changed += len(stale)
        last_pk = members[-1].pk


# --- Passwords --------------------------------------------------------------------------------------------

def member_password_set(*, member: Member, password: str) -> None:
    """Sets a new password (after a reset link, or a change whose old password was checked)."""
    check_password(password, member=member)
    member.set_password(password)
    with transaction.atomic():
        member.save(update_fields=["password"])


def member_password_change(*, member: Member, old_password: str, new_password: str) -> None:
    if not member.check_password(old_password or ""):
        raise ValidationError({"old_password": ValidationError(
            _("Your current password is not correct."), code="old_password")})
    try:
        member_password_set(member=member, password=new_password)
    except ValidationError as error:
        raise ValidationError({"new_password": error.error_list}) from None


def password_reset_send(*, email: str, address: str, link: Callable[[str, str], str]) -> int:
    """Mails a reset link to every active member with this address and a usable password; `link(uidb64,
    token)` makes the absolute URL. Returns how many were sent, which the caller must not show: the page
    reads the same whether or not the address is known.

    A few requests per visitor's `address` and per e-mail address in a period (LUNTAN["LIMITS"]); more are
    refused with a ValidationError (code "throttled"), counted alike for known and unknown addresses."""
    email = (email or "").strip()
    wait = (throttle.window_note("RESET_MAIL_PER_ADDRESS", address)
            or throttle.window_note("RESET_MAIL_PER_EMAIL", email.lower()))
    if wait:
        raise ValidationError(throttle.too_many_reset_requests(wait), code="throttled")
    members = [m for m in Member.objects.filter(email__iexact=email, is_active=True) if m.has_usable_password()]
    site = settings.LUNTAN["SITE_NAME"]
    for member in members:
        url = link(urlsafe_base64_encode(force_bytes(member.pk)), default_token_generator.make_token(member))
        subject = _("Reset your password on %(site)s") % {"site": site}
        body = _(
            "Hello %(name)s,\n\n"
            "someone asked to reset the password of your account on %(site)s. To choose a new password, "
            "open this link:\n\n%(url)s\n\n"
            "The link works once and expires in %(days)s days. If you did not ask for it, ignore this "
            "e-mail; your password stays as it is.\n"
        ) % {"name": member.username, "site": site, "url": url,
             "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)}
        try:
            send_mail(" ".join(subject.split()), body, None, [member.email])
        except Exception:
            # The page must read the same either way; the failure is for the site's log.
            logger.exception("password reset mail to member %s failed", member.pk)
    return len(members)


# --- The site admin's edits (the admin pages write through these, as the site does) -------------------------

MEMBER_ADMIN_FIELDS = ("username", "email", "group", "custom_title", "is_active", "is_staff")


def _check_admin(by: Member) -> None:
    if not (by.is_authenticated and by.is_active and (by.is_staff or by.is_superuser)):
        raise PermissionDenied(_("Only a site administrator may do this."))


def member_update(*, by: Member, member: Member, **changes) -> Member:
    """An administrator edits a member's name, e-mail, group, title or standing. Only the fields given are
    written: the member's counters are never overwritten with the values the admin page read earlier."""
    _check_admin(by)
    unknown = set(changes) - set(MEMBER_ADMIN_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    if "is_staff" in changes and changes["is_staff"] != member.is_staff and not by.is_superuser:
        raise PermissionDenied(_("Only a superuser may grant or remove staff status."))
    if "username" in changes:
        changes["username"] = validate_username(changes["username"])
    if "email" in changes:
        changes["email"] = Member.objects.normalize_email((changes["email"] or "").strip())
    with transaction.atomic():
        if "username" in changes and Member.objects.filter(
                name_key=name_key(changes["username"])).exclude(pk=member.pk).exists():
            raise ValidationError({"username": _name_taken()})
        if changes.get("email") and Member.objects.filter(
                email__iexact=changes["email"]).exclude(pk=member.pk).exists():
            raise ValidationError({"email": ValidationError(
                _("This e-mail address is already registered."), code="email_taken")})
        old_email = member.email
        for name, value in changes.items():
            setattr(member, name, value)
        if "email" in changes and changes["email"] != old_email:
            securitylog.record(member=member, kind=SecurityEvent.Kind.EMAIL_CHANGE, actor=by,
                               detail=_("from %(old)s to %(new)s") % {"old": old_email or "—",
                                                                      "new": changes["email"] or "—"})
        if changes:
            member.save(update_fields=list(changes))
            # Names and standing show on the home page and in the moderator map (kept under "moderators"); a
            # new group or standing may show or hide the member's signature (kept thread pages).
            signature_shown = bool({"group", "is_active"} & set(changes))
            pagecache.bump("site", "moderators", *([signatures.SCOPE] if signature_shown else []))
    return member


def member_rename(*, member: Member, username: str) -> str:
    """A member takes a new name themselves (the item shop's rename card): the same checks as registration
    (valid, not taken, not a look-alike of another member's name). Returns the old name. The caller holds
    the member's row locked in its transaction and keeps the old name in its history."""
    name = check_username(username, member=member)
    if name == member.username:
        raise ValidationError(_("That is already your name."), code="username_same")
    old = member.username
    try:
        with transaction.atomic():
            member.username = name
            member.save(update_fields=["username"])
            Member.objects.filter(pk=member.pk).update(card_stamp=F("card_stamp") + 1)
            pagecache.bump("site", "moderators")
    except IntegrityError:
        member.username = old
        raise _name_taken() from None
    return old


def member_signature_set(*, member: Member, signature: str, fmt: str = "bbcode") -> str:
    """A member's signature (签名) in BBCode or Markdown: cleaned as a post body is (no control, direction or
    invisible characters), at most the group's length (a group with 0 may have none, but anyone may clear
    theirs), through the watched words (敏感词), cooked by luntan.markup, with links and images only if the
    group may post them. Returns what is stored; every kept thread page shows it at once (SCOPE is bumped)."""
    most = signatures.max_chars(member)
    fmt = signatures.check_format(fmt)
    # Every change renews every kept thread page (signatures.SCOPE): a few an hour are plenty for a member.
    wait = throttle.window_note("signature", member.pk, limit=signatures.CHANGES_PER_HOUR)
    if wait:
        raise ValidationError(throttle.too_many_attempts(wait), code="throttled")

    def within(text: str) -> str:
        if text and most <= 0:
            raise ValidationError(_("Your user group may not have a signature."), code="signature_not_allowed")
        if len(text) > most:
            raise ValidationError(_("The signature is %(length)s characters long; at most %(max)s are allowed.")
                                  % {"length": len(text), "max": most}, code="signature_long")
        return text

    text = within(clean_body(signature or "").strip())
    text = within(words.check_line(text, where=words.SIGNATURE, member=member))  # the stars counted too
    html = cook(text, fmt=fmt) if text else ""
    signatures.check_links_and_images(member, html)
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(signature=text, signature_format=fmt, signature_html=html,
                                                   card_stamp=F("card_stamp") + 1)
        pagecache.bump(signatures.SCOPE)
    member.signature, member.signature_format, member.signature_html = text, fmt, html
    return text


def member_signatures_hide(*, member: Member, hide: bool) -> None:
    """The reader's choice: other members' signatures under the floors, or not (their own pages only)."""
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(hide_signatures=bool(hide))
    member.hide_signatures = bool(hide)


def member_delete(*, by: Member, member: Member) -> None:
    """Removes a member who never posted. A member with threads or floors stays (their posts keep their
    author): the administrator deactivates the account instead."""
    _check_admin(by)
    if member.pk == by.pk:
        raise PermissionDenied(_("You cannot delete your own account here."))
    try:
        with transaction.atomic():
            member.delete()
            pagecache.bump("site", "moderators")
    except ProtectedError:
        raise ValidationError(
            _("%(name)s has posts or a credit history, which keep their member, so the account cannot be "
              "deleted; untick “active” to close it instead.") % {"name": member.username},
            code="member_has_posts") from None


def member_group_save(*, by: Member, group: MemberGroup) -> MemberGroup:
    """Creates or saves a group."""
    _check_admin(by)
    with transaction.atomic():
        group.save()
        pagecache.bump("groups", signatures.SCOPE)  # the rules say who shows a signature (kept thread pages)
    return group


def member_group_delete(*, by: Member, group: MemberGroup) -> None:
    """Removes a group without members."""
    _check_admin(by)
    try:
        with transaction.atomic():
            group.delete()
            pagecache.bump("groups")
    except ProtectedError:
        raise ValidationError(
            _("The group “%(name)s” still has members; move them to another group first.") % {"name": group.name},
            code="group_has_members") from None


# --- 头像: the member's own avatar ---------------------------------------------------------------------------

def _locked_avatar(member: Member) -> str:
    """The member's avatar as stored, with the member's row locked until the transaction ends."""
    found = Member.objects.select_for_update().filter(pk=member.pk).values_list("avatar", flat=True).first()
    if found is None:
        raise PermissionDenied(_("Please log in first."))
    return found or ""


def _delete_avatar_files(uid: int, value: str) -> None:
    """Removes a former avatar's files in every size; a file already gone is no error, nor is a storage that
    cannot be reached (the files are then left over, named by content and referred to by nobody)."""
    try:
        avatars.delete_files(avatars.file_names(uid, value))
    except Exception:  # OSError from the disk, botocore's errors from a bucket
        logger.warning("could not delete the former avatar %s of member %s", value, uid, exc_info=True)


def _check_member(member) -> None:
    if not getattr(member, "is_authenticated", False) or not member.is_active:
        raise PermissionDenied(_("Please log in first."))


def member_avatar_set(*, member: Member, upload) -> Member:
    """The member's new avatar from an uploaded file (accounts.avatars checks it and draws it anew in three
    sizes: any problem is a ValidationError the member reads, and nothing is stored). The files are named by
    their content, so every cache sees the new picture at once; in one transaction the member row points to
    them, the member's own card is refreshed (card_stamp) and the admin's "set an avatar" rule pays (once,
    by its default cycle). The former files are deleted after the commit; on failure the new ones are."""
    _check_member(member)
    made = avatars.make_set(avatars.check_upload(member=member, upload=upload))
    # Written before the transaction: on SQLite a transaction holds the site's write lock, and a bucket
    # may take a while to answer.
    written = avatars.store(member.pk, made)
    old = None
    try:
        with transaction.atomic():
            old = _locked_avatar(member)
            # A request that removed this same picture may have deleted files this one found in place.
            written += avatars.store(member.pk, made)
            Member.objects.filter(pk=member.pk).update(avatar=made.value, card_stamp=F("card_stamp") + 1)
            rule_reward(member_id=member.pk, action=Operation.AVATAR, subject_kind="member", subject_id=member.pk)
            if old and old != made.value:
                transaction.on_commit(lambda: _delete_avatar_files(member.pk, old))
    except BaseException:
        if old != made.value:  # the files are not the member's current ones
            avatars.delete_files(written)
        raise
    member.refresh_from_db(fields=["avatar", "card_stamp"])
    return member


def member_avatar_remove(*, member: Member, by: Member | None = None) -> Member:
    """Back to the letter tile: the member's own choice, or an administrator's (`by`, 清除头像) for a picture
    that breaks the site's rules. Removing twice is no error; the reward stays earned, and a new avatar later
    does not pay again while the rule's cycle is "once"."""
    if by is None:
        _check_member(member)
    else:
        _check_admin(by)
    with transaction.atomic():
        old = _locked_avatar(member)
        if old:
            Member.objects.filter(pk=member.pk).update(avatar="", card_stamp=F("card_stamp") + 1)
            transaction.on_commit(lambda: _delete_avatar_files(member.pk, old))
    member.refresh_from_db(fields=["avatar", "card_stamp"])
    return member
