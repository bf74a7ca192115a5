"""Provably fair draws: how a spin's result follows from the member's seeds, in a way anyone can redo.

1. Before spinning, the member sees SHA-256(server seed) (the server seed itself stays secret).
2. Spin number `nonce` (1, 2, 3 ... under this server seed) computes
       HMAC-SHA256(key = server seed, message = "<client seed>:<nonce>")
   where the server seed is the 64-character hex text as ASCII bytes and the message is UTF-8.
3. That digest, read as one 256-bit number N (big-endian), picks a ticket: roll = N mod total, where total
   is the sum of the weights of the slots that could be drawn (an out-of-stock slot weighs 0). To keep the
   odds exact, a digest in the incomplete last round of `total` (N >= 2^256 - 2^256 mod total) is not used:
   the next one is HMAC-SHA256(server seed, "<client seed>:<nonce>:<round>") with round 1, 2 ...
   (this happens with a probability below 2^-220 for any real table).
4. The slots, in the table's order, own consecutive tickets: slot 1 tickets 0 .. w1-1, slot 2 the next w2,
   and so on. The slot that owns the ticket `roll` wins.
When the member rotates the seed, the old server seed is shown: hashing it must give the hash shown
before, and steps 2 to 4 must give every recorded result."""

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

SPACE = 1 << 256
CLIENT_SEED_MAX = 32
CLIENT_SEED_CHARS = re.compile(r"[A-Za-z0-9_.-]+")
SERVER_SEED_FORMAT = re.compile(r"[0-9a-f]{64}")


def new_server_seed() -> str:
    return secrets.token_hex(32)


def new_client_seed() -> str:
    return secrets.token_hex(8)


def seed_hash(server_seed: str) -> str:
    return hashlib.sha256(server_seed.encode("ascii")).hexdigest()


def digest(server_seed: str, client_seed: str, nonce: int, round_: int = 0) -> str:
    message = f"{client_seed}:{nonce}" if round_ == 0 else f"{client_seed}:{nonce}:{round_}"
    return hmac.new(server_seed.encode("ascii"), message.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Draw:
    digest: str  # the HMAC (hex) that was used
    rounds: int  # how many digests were set aside before it (almost always 0)
    total: int  # sum of the weights
    roll: int  # the ticket, 0 .. total-1
    index: int  # the winning slot's place in the table (0-based)


def draw(server_seed: str, client_seed: str, nonce: int, weights: Sequence[int]) -> Draw:
    """The slot that `weights` (in table order) give for these seeds and nonce. Raises ValueError when no
    slot can be drawn."""
    if any(w < 0 for w in weights):
        raise ValueError("negative weight")
    total = sum(weights)
    if total <= 0:
        raise ValueError("nothing to draw")
    usable = SPACE - SPACE % total
    round_ = 0
    while True:
        hexed = digest(server_seed, client_seed, nonce, round_)
        number = int(hexed, 16)
        if number < usable:
            break
        round_ += 1
    roll = number % total
    upto = 0
    for index, weight in enumerate(weights):
        upto += weight
        if roll < upto:
            return Draw(digest=hexed, rounds=round_, total=total, roll=roll, index=index)
    raise AssertionError("unreachable: roll < total")  # pragma: no cover


def clean_client_seed(raw: str) -> str:
    """The client seed as the member typed it, or ValueError with what is wrong (the caller words it)."""
    text = (raw or "").strip()
    if not text:
        raise ValueError("empty")
    if len(text) > CLIENT_SEED_MAX:
        raise ValueError("long")
    if not CLIENT_SEED_CHARS.fullmatch(text):
        raise ValueError("chars")
    return text
