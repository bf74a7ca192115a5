"""The invisible per-view mark: who was served a protected post's text, and when.

A mark is 90 bits written with four invisible characters (two bits each, 45 characters), which Chromium
keeps in a copied selection and plain-text editors keep when it is pasted:

    version (2 bits) | kind (1: member or guest) | subject (30) | minute (24) | signature (33)

`subject` is the member's UID, or for a guest a keyed hash of their address (HMAC with SECRET_KEY, so nobody
without the key can tell which address it is, nor make one). `minute` counts minutes since 2025-01-01 UTC
(31 years of room). The signature is an HMAC-SHA256 with SECRET_KEY of the rest, cut to 33 bits: a mark
changed by hand does not verify (a forger without the key has one chance in 8 billion per try, and only the
trace can tell them whether it worked), and reads as invalid.

Nothing is written anywhere when a page is served: everything the trace needs is in the mark. A guest's
address is found again by hashing candidate addresses (from the web server's access log, the security log,
or a whole network) with the same key (`luntan protect trace --log/--address/--network`)."""

import functools
import hmac
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from hashlib import sha256

from django.conf import settings

# U+200B ZERO WIDTH SPACE, U+200C ZWNJ, U+200D ZWJ, U+2060 WORD JOINER: Default_Ignorable, drawn as nothing,
# kept by Chromium's copy (tests/browser), skipped by screen readers. (U+2061..U+2064 survive copying as well,
# but they are math operators that a screen reader may name.)
SYMBOLS = "\u200b\u200c\u200d\u2060"
_VALUE = {c: i for i, c in enumerate(SYMBOLS)}
VERSION = 1
MEMBER, GUEST = 0, 1
SUBJECT_BITS, MINUTE_BITS, SIGNATURE_BITS = 30, 24, 33
BODY_BITS = 2 + 1 + SUBJECT_BITS + MINUTE_BITS  # 57
LENGTH = (BODY_BITS + SIGNATURE_BITS) // 2  # 45 characters
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
EPOCH_MINUTE = int(EPOCH.timestamp()) // 60
LAST_MINUTE = (1 << MINUTE_BITS) - 1  # 2056-11-24: later views are marked with this minute
# A run this long of the mark's characters is taken for a mark (a damaged one if it does not verify);
# shorter runs are left alone (a member's own zero-width joiners in emoji).
DAMAGED_RUN = 12
_RUN = re.compile(f"[{SYMBOLS}]{{{DAMAGED_RUN},}}")
_SALT_MARK = "luntan.protection.watermark"
_SALT_GUEST = "luntan.protection.watermark.guest"


@dataclass(frozen=True)
class Mark:
    kind: int  # MEMBER or GUEST
    subject: int  # a member's UID, or a guest's address hash (guest_hash)
    minute: int

    @property
    def served_at(self) -> datetime:
        return EPOCH + timedelta(minutes=self.minute)


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


@functools.lru_cache(maxsize=8)
def _key(salt: str, secret: str) -> bytes:
    """salted_hmac's key for `salt` (sha256 of the salt and the secret), derived once, not on every view."""
    return sha256((salt + secret).encode()).digest()


def _signature(body: int, secret: str) -> int:
    digest = hmac.new(_key(_SALT_MARK, secret), body.to_bytes(8, "big"), sha256).digest()
    return int.from_bytes(digest[:6], "big") >> (48 - SIGNATURE_BITS)


@functools.lru_cache(maxsize=4096)
def _guest_hash(address: str, secret: str) -> int:
    digest = hmac.new(_key(_SALT_GUEST, secret), address.encode(), sha256).digest()
    return int.from_bytes(digest[:4], "big") >> (32 - SUBJECT_BITS)


def guest_hash(address: str, secret: str | None = None) -> int:
    """A guest's address as the mark carries it: 30 bits of a keyed hash (salted_hmac's, with SECRET_KEY)."""
    return _guest_hash(address, secret or settings.SECRET_KEY)


def minute_of(when: datetime) -> int:
    return max(0, min(int((when - EPOCH).total_seconds() // 60), LAST_MINUTE))


def encode(mark: Mark) -> str:
    return _encode(mark, settings.SECRET_KEY)


@functools.lru_cache(maxsize=4096)  # a reader's mark is the same for a minute: made once, not on every view
def _encode(mark: Mark, secret: str) -> str:
    subject = mark.subject & ((1 << SUBJECT_BITS) - 1)
    body = (((VERSION << 1 | mark.kind) << SUBJECT_BITS | subject) << MINUTE_BITS) | mark.minute
    value = body << SIGNATURE_BITS | _signature(body, secret)
    return "".join(SYMBOLS[(value >> (2 * i)) & 3] for i in reversed(range(LENGTH)))


def for_member(member_id: int, when: datetime) -> str:
    return encode(Mark(MEMBER, member_id, minute_of(when)))


def for_guest(address: str, when: datetime) -> str:
    return encode(Mark(GUEST, guest_hash(address), minute_of(when)))


def _decode(chars: str) -> Mark | None:
    value = 0
    for c in chars:
        value = value << 2 | _VALUE[c]
    body, signature = value >> SIGNATURE_BITS, value & ((1 << SIGNATURE_BITS) - 1)
    if body >> (1 + SUBJECT_BITS + MINUTE_BITS) != VERSION:
        return None
    if not any(hmac.compare_digest(signature.to_bytes(5, "big"), _signature(body, s).to_bytes(5, "big"))
               for s in _secrets()):
        return None
    return Mark(kind=body >> (SUBJECT_BITS + MINUTE_BITS) & 1, subject=body >> MINUTE_BITS & ((1 << SUBJECT_BITS) - 1),
                minute=body & ((1 << MINUTE_BITS) - 1))


@dataclass(frozen=True)
class Found:
    marks: list[Mark]  # the valid marks, in order of first appearance, each once
    invalid: int  # runs of the mark's characters that hold no valid mark (changed, cut or forged)


def find(text: str) -> Found:
    """Every mark in a copied text. A run of the mark's characters may hold a mark beside a member's own
    invisible characters, so each window of the run's length is tried."""
    marks: list[Mark] = []
    invalid = 0
    for run in _RUN.finditer(text):
        chars = run.group()
        found = [m for i in range(len(chars) - LENGTH + 1) if (m := _decode(chars[i:i + LENGTH])) is not None]
        if not found:
            invalid += 1
        marks += [m for m in found if m not in marks]
    return Found(marks=marks, invalid=invalid)


def strip(text: str) -> str:
    """The text without its marks' characters (runs long enough to be marks; shorter ones are the author's)."""
    return _RUN.sub("", text)


_ADDRESS = re.compile(r"(?<![\w:.])(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]+)(?![\w:.])")


def addresses_in(text: str) -> Iterable[str]:
    """The IP addresses written in a log, each once, in their canonical spelling."""
    seen: set[str] = set()
    for word in _ADDRESS.findall(text):
        try:
            address = str(ipaddress.ip_address(word))
        except ValueError:
            continue
        if address not in seen:
            seen.add(address)
            yield address


def match_addresses(subject: int, candidates: Iterable[str]) -> list[str]:
    """The candidates whose hash is `subject` (30 bits: about one address in a billion matches by chance)."""
    key, shift = _key(_SALT_GUEST, settings.SECRET_KEY), 32 - SUBJECT_BITS
    return [a for a in candidates
            if int.from_bytes(hmac.new(key, a.encode(), sha256).digest()[:4], "big") >> shift == subject]
