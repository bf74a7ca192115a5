"""Two-factor sign-in (两步验证): a code from an authenticator app (TOTP, RFC 6238: HMAC-SHA-1, 30 seconds,
6 digits, what every app reads from a QR code), or one of ten single-use recovery codes.

Written with the standard library (hmac, hashlib, base64): the algorithm is a dozen lines, tested against
the RFC's own vectors (tests/protection/test_twofactor.py), and no package is needed for it. The QR code is
drawn as SVG on the server by `segno` (pure Python).

- The shared secret is kept sealed (encrypted and authenticated with keys derived from SECRET_KEY), so a
  copy of the database alone does not give the codes. Recovery codes are kept as keyed hashes only.
- A code is accepted once: the member's row remembers the time step of the last code taken, and a code of
  that step or an earlier one is refused (one conditional UPDATE, so two requests cannot both use it).
- Wrong codes count against the sign-in limits of luntan.protection.throttle, for the account and the
  address, exactly like wrong passwords; the password step does not forget them for a member with codes on.
- Signing in: after the password, the session holds only a pending member id with an expiry
  (`begin_second_step`); the member is signed in when the code passes (`luntan.protection.account_views`).
"""

import base64
import hashlib
import hmac
import logging
import secrets
import time
import unicodedata
from typing import Any
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from markupsafe import Markup, escape

from luntan.protection import securitylog, throttle
from luntan.protection.models import RecoveryCode, SecurityEvent, TwoFactor

logger = logging.getLogger(__name__)

PERIOD = 30  # seconds per code
DIGITS = 6
DRIFT = 1  # codes of one step before and after are accepted too: clocks and typing take time
SECRET_BYTES = 20  # 160 bits, as RFC 4226 recommends for HMAC-SHA-1
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from paper and typed again
SETUP_SALT = "luntan.protection.twofactor.setup"
SETUP_MAX_AGE = 60 * 60  # a set-up form may be confirmed within an hour
PENDING_KEY = "luntan_2fa_pending"
PENDING_SECONDS = 5 * 60  # time to type the code after the password


def now() -> float:
    """The codes' clock (tests move it)."""
    return time.time()


# --- RFC 4226 / 6238 -------------------------------------------------------------------------------------------

def hotp(key: bytes, counter: int, *, digits: int = DIGITS, digest=hashlib.sha1) -> str:
    mac = hmac.new(key, counter.to_bytes(8, "big"), digest).digest()
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset:offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def totp(key: bytes, at: float, *, digits: int = DIGITS, period: int = PERIOD, digest=hashlib.sha1) -> str:
    return hotp(key, int(at // period), digits=digits, digest=digest)


def matching_step(key: bytes, code: str, at: float) -> int | None:
    """The time step whose code `code` is, within DRIFT steps of `at`; None when it is none of them."""
    step = int(at // PERIOD)
    found = None
    for candidate in range(step - DRIFT, step + DRIFT + 1):  # every candidate is compared: no early exit
        if hmac.compare_digest(hotp(key, candidate), code):
            found = candidate
    return found


# --- Secrets: made, shown, sealed ------------------------------------------------------------------------------

def new_secret() -> str:
    """A new shared secret in base32 (what authenticator apps take), without padding."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def secret_key(secret: str) -> bytes:
    text = secret.upper().replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, *, account: str) -> str:
    issuer = settings.LUNTAN["SITE_NAME"]
    label = quote(f"{issuer}:{account}", safe="")
    return (f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer, safe='')}"
            f"&algorithm=SHA1&digits={DIGITS}&period={PERIOD}")


def qr_svg(uri: str, *, label: str) -> Markup:
    """The QR code of `uri` as inline SVG (drawn here from our own data; nothing in it comes from a member
    but the escaped label)."""
    code = segno.make(uri, error="m", micro=False)
    svg = code.svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=True)  # a viewBox: CSS sizes it
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))  # noqa: S704


def _keys(secret: str | bytes | None = None) -> tuple[bytes, bytes]:
    def derive(purpose: str) -> bytes:
        return salted_hmac(f"luntan.protection.twofactor.{purpose}", b"key", secret=secret,
                           algorithm="sha256").digest()
    return derive("encrypt"), derive("authenticate")


def seal(secret: str) -> str:
    """The secret encrypted (an HMAC-SHA-256 keystream) and authenticated (encrypt-then-MAC)."""
    plain = secret_key(secret)
    encrypt, authenticate = _keys()
    nonce = secrets.token_bytes(16)
    stream = hmac.new(encrypt, nonce, hashlib.sha256).digest()
    sealed = nonce + bytes(a ^ b for a, b in zip(plain, stream, strict=False))
    tag = hmac.new(authenticate, sealed, hashlib.sha256).digest()[:16]
    return "v1$" + base64.urlsafe_b64encode(sealed + tag).decode()


def unseal(sealed: str) -> str:
    """The secret back from `seal`, with SECRET_KEY or one of SECRET_KEY_FALLBACKS."""
    raw = base64.urlsafe_b64decode(sealed.removeprefix("v1$"))
    body, tag = raw[:-16], raw[-16:]
    for key in [None, *settings.SECRET_KEY_FALLBACKS]:
        encrypt, authenticate = _keys(key)
        if hmac.compare_digest(hmac.new(authenticate, body, hashlib.sha256).digest()[:16], tag):
            nonce, cipher = body[:16], body[16:]
            stream = hmac.new(encrypt, nonce, hashlib.sha256).digest()
            plain = bytes(a ^ b for a, b in zip(cipher, stream, strict=False))
            return base64.b32encode(plain).decode().rstrip("=")
    raise ValueError("the two-factor secret was sealed with another SECRET_KEY")


def setup_token(member, secret: str) -> str:
    """What the set-up form carries: the new secret, signed for this member (a wrong code keeps it)."""
    return signing.dumps({"m": member.pk, "s": secret}, salt=SETUP_SALT, compress=True)


def secret_from_token(member, token: str) -> str | None:
    try:
        data = signing.loads(token or "", salt=SETUP_SALT, max_age=SETUP_MAX_AGE)
    except signing.BadSignature:
        return None
    return data["s"] if isinstance(data, dict) and data.get("m") == member.pk else None


# --- Recovery codes --------------------------------------------------------------------------------------------

def _recovery_hash(code: str, secret: str | bytes | None = None) -> str:
    return salted_hmac("luntan.protection.twofactor.recovery", normalize_recovery(code), secret=secret,
                       algorithm="sha256").hexdigest()


def _recovery_hashes(code: str) -> list[str]:
    """The code's hash with SECRET_KEY and with each of SECRET_KEY_FALLBACKS (codes outlive a key change)."""
    return [_recovery_hash(code, key) for key in [None, *settings.SECRET_KEY_FALLBACKS]]


def normalize_recovery(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _make_recovery_codes(member) -> list[str]:
    """Ten new codes for `member` (the old ones go); returns them in the clear, to be shown once."""
    codes = []
    for _i in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _j in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    RecoveryCode.objects.filter(member=member).delete()
    RecoveryCode.objects.bulk_create([RecoveryCode(member=member, code_hash=_recovery_hash(c)) for c in codes])
    return codes


def recovery_codes_left(member) -> int:
    return RecoveryCode.objects.filter(member=member, used_at=None).count()


# --- Who has it, who must ---------------------------------------------------------------------------------------

def enabled_for(member) -> bool:
    """Whether `member` signs in with a second step (asked once per member object)."""
    if not getattr(member, "pk", None):
        return False
    if not hasattr(member, "_luntan_two_factor"):
        member._luntan_two_factor = TwoFactor.objects.filter(member_id=member.pk).exists()
    return member._luntan_two_factor


def required_for(member) -> bool:
    """Whether the site requires two-factor sign-in of this member (staff, when LUNTAN["ADMIN_2FA_REQUIRED"])."""
    return bool(settings.LUNTAN.get("ADMIN_2FA_REQUIRED")
                and getattr(member, "is_authenticated", False) and (member.is_staff or member.is_superuser))


def setup_needed(member) -> bool:
    """A staff member who must turn two-factor sign-in on before any admin page."""
    return required_for(member) and not enabled_for(member)


# --- Checking a code ---------------------------------------------------------------------------------------------

def _wrong() -> ValidationError:
    return ValidationError(_("This code is not correct. Enter the 6 digits your app shows now, or a recovery code."),
                           code="wrong_code")


def _plain(code: str) -> str:
    """What was typed, without spaces, full-width digits made plain (a Chinese input method types them)."""
    return "".join(unicodedata.normalize("NFKC", code or "").split())


def _app_code(text: str) -> bool:
    return len(text) == DIGITS and text.isascii() and text.isdigit()


def _check_code(member, code: str, *, origin: securitylog.Origin | None) -> str:
    """Takes `code` (an app's code or a recovery code) for `member`, once. Returns "app" or "recovery"; raises
    a ValidationError for a wrong or used one. Call inside a transaction."""
    text = _plain(code)
    if _app_code(text):
        row = TwoFactor.objects.filter(member_id=member.pk).first()
        if row is None:
            raise _wrong()
        try:
            secret = unseal(row.sealed_secret)
        except ValueError:  # SECRET_KEY changed, the old one not kept in SECRET_KEY_FALLBACKS
            logger.error("two-factor secret of member %s cannot be unsealed with SECRET_KEY", member.pk)
            raise _wrong() from None
        step = matching_step(secret_key(secret), text, now())
        if step is None:
            raise _wrong()
        # Taken once: only if no code of this step or a later one was taken before (one atomic UPDATE).
        if not TwoFactor.objects.filter(member_id=member.pk, last_step__lt=step).update(last_step=step):
            raise ValidationError(_("This code has been used already. Wait for the next code in your app."),
                                  code="used_code")
        return "app"
    if normalize_recovery(text):
        used = RecoveryCode.objects.filter(member_id=member.pk, code_hash__in=_recovery_hashes(text),
                                           used_at=None).update(used_at=timezone.now())
        if used:
            securitylog.record(member=member, kind=SecurityEvent.Kind.RECOVERY_USED, origin=origin,
                               detail=_("%(n)s recovery codes left") % {"n": recovery_codes_left(member)})
            return "recovery"
    raise _wrong()


def _account(member) -> str:
    return f"member:{member.pk}"  # the account key of luntan.accounts.backends: one count for both steps


def check_code_limited(member, code: str, *, origin: securitylog.Origin) -> str:
    """_check_code under the sign-in limits: refused at once while they refuse (ValidationError code
    "throttled"); a wrong code counts as a wrong password would."""
    address = origin.address or "unknown"  # as luntan.accounts.backends counts it
    wait = throttle.signin_wait(_account(member), address)
    if wait:
        raise ValidationError(throttle.too_many_attempts(wait), code="throttled")
    try:
        with transaction.atomic():
            return _check_code(member, code, origin=origin)
    except ValidationError:
        throttle.signin_failed(_account(member), address)
        raise


# --- Services ----------------------------------------------------------------------------------------------------

def _check_member(member) -> None:
    if not getattr(member, "is_authenticated", False) or not member.is_active:
        raise PermissionDenied(_("Please log in first."))


def twofactor_enable(*, member, secret: str, code: str, origin: securitylog.Origin) -> list[str]:
    """Turns two-factor sign-in on with `secret`, once the member shows a code of it. Returns the ten
    recovery codes, in the clear, to be shown this once."""
    _check_member(member)
    text = _plain(code)
    step = matching_step(secret_key(secret), text, now()) if _app_code(text) else None
    if step is None:
        raise ValidationError({"code": ValidationError(
            _("This code does not match. Check the time on your phone and enter the code your app shows now."),
            code="wrong_code")})
    with transaction.atomic():
        if TwoFactor.objects.select_for_update().filter(member_id=member.pk).exists():
            raise ValidationError(_("Two-factor sign-in is already on."), code="already_on")
        TwoFactor.objects.create(member_id=member.pk, sealed_secret=seal(secret), last_step=step)
        codes = _make_recovery_codes(member)
        securitylog.record(member=member, kind=SecurityEvent.Kind.TWOFACTOR_ON, origin=origin)
    member._luntan_two_factor = True
    return codes


def _check_password(member, password: str) -> None:
    if not member.check_password(password or ""):
        raise ValidationError({"password": ValidationError(_("Your password is not correct."),
                                                           code="wrong_password")})


def twofactor_disable(*, member, password: str, code: str, origin: securitylog.Origin) -> None:
    """Turns two-factor sign-in off, with the password and a code (from the app or a recovery code). Staff
    keep it while the site requires it."""
    _check_member(member)
    if required_for(member):
        raise PermissionDenied(_("Administrators must keep two-factor sign-in on."))
    _check_password(member, password)
    try:
        check_code_limited(member, code, origin=origin)
    except ValidationError as error:
        if error.code == "throttled":
            raise
        raise ValidationError({"code": error.error_list}) from None
    with transaction.atomic():
        TwoFactor.objects.filter(member_id=member.pk).delete()
        RecoveryCode.objects.filter(member_id=member.pk).delete()
        securitylog.record(member=member, kind=SecurityEvent.Kind.TWOFACTOR_OFF, origin=origin)
    member._luntan_two_factor = False


def recovery_codes_renew(*, member, password: str, origin: securitylog.Origin) -> list[str]:
    """Ten new recovery codes (the old ones stop working), after the password."""
    _check_member(member)
    _check_password(member, password)
    with transaction.atomic():
        if not TwoFactor.objects.select_for_update().filter(member_id=member.pk).exists():
            raise ValidationError(_("Two-factor sign-in is off."), code="off")
        codes = _make_recovery_codes(member)
        securitylog.record(member=member, kind=SecurityEvent.Kind.RECOVERY_RENEWED, origin=origin)
    return codes


def twofactor_reset(*, by, member, origin: securitylog.Origin | None = None) -> None:
    """An administrator turns a member's two-factor sign-in off (a lost phone and lost codes)."""
    if not (by.is_authenticated and by.is_active and (by.is_staff or by.is_superuser)):
        raise PermissionDenied(_("Only a site administrator may do this."))
    with transaction.atomic():
        TwoFactor.objects.filter(member_id=member.pk).delete()
        RecoveryCode.objects.filter(member_id=member.pk).delete()
        securitylog.record(member=member, kind=SecurityEvent.Kind.TWOFACTOR_OFF, origin=origin, actor=by,
                           detail=_("turned off by an administrator"))


# --- The second step of signing in ---------------------------------------------------------------------------

def begin_second_step(request: HttpRequest, member, *, next_url: str) -> HttpResponse:
    """After a right password: the session holds the member's id for a few minutes, not a sign-in."""
    request.session[PENDING_KEY] = {
        "uid": member.pk, "until": now() + PENDING_SECONDS, "next": next_url,
        "backend": getattr(member, "backend", settings.AUTHENTICATION_BACKENDS[0]),
        "hash": member.get_session_auth_hash(),
    }
    return HttpResponseRedirect(reverse("security:signin_code"))


def pending(request: HttpRequest) -> tuple[Any, dict] | None:
    """The member waiting for the second step in this session, and the step's data; None when there is none,
    it expired, or the member's password changed since."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict) or data.get("until", 0) < now():
        return None
    uid = data.get("uid")
    if not isinstance(uid, int):
        return None
    member = get_user_model().objects.filter(pk=uid, is_active=True).first()
    if member is None or not hmac.compare_digest(member.get_session_auth_hash(), data.get("hash", "")):
        return None
    return member, data


def end_second_step(request: HttpRequest, member) -> None:
    """The code passed: the address is known to the account again, and its wrong tries are forgotten."""
    request.session.pop(PENDING_KEY, None)
    throttle.signin_succeeded(_account(member), securitylog.origin(request).address or "unknown")
