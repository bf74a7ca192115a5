"""Helpers of the verification tests (tests/protection/test_verify*.py and the browser tests)."""

import hashlib
import html
import re

from luntan.core import pagecache
from luntan.protection import challenge
from luntan.protection.models import VerificationQuestion, VerifySettings
from luntan.protection.questions import SCOPE


def configure(**fields) -> VerifySettings:
    """Changes the verification settings at once (the admin's save bumps them after its commit)."""
    groups = fields.pop("always_groups", None)
    row, _ = VerifySettings.objects.get_or_create(pk=1)
    for name, value in fields.items():
        setattr(row, name, value)
    if groups is not None:
        row.always_groups = ",".join(str(g.pk) for g in groups)
    row.save()
    pagecache.bump_now(SCOPE)
    return row


def only_question(text: str = "本论坛的名字叫什么?", answers: str = "论坛\nLuntan") -> VerificationQuestion:
    """One question, no arithmetic: every form asks this one."""
    VerificationQuestion.objects.all().delete()
    question = VerificationQuestion.objects.create(question=text, answers=answers)
    configure(arithmetic=False)
    return question


def page(response) -> str:
    return html.unescape(response.content.decode())


def field(response, name: str, *, required: bool = True) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', response.content.decode())
    assert found or not required, f"no {name} in the page"
    return html.unescape(found.group(1)) if found else ""


def guard_fields(response, answer: str = "") -> dict[str, str]:
    """The hidden fields of the form's check as the page gave them, with `answer`."""
    return {challenge.ID_FIELD: field(response, challenge.ID_FIELD, required=False),
            challenge.STARTED: field(response, challenge.STARTED), challenge.HONEYPOT: "",
            challenge.ANSWER_FIELD: answer}


def solve_pow(salt: str, bits: int) -> str:
    n = 0
    while True:
        digest = hashlib.sha256(f"{salt}:{n}".encode()).digest()
        if int.from_bytes(digest, "big") >> (256 - bits) == 0:
            return str(n)
        n += 1


def pow_fields(response) -> tuple[str, int]:
    text = response.content.decode()
    salt = re.search(r'data-pow-salt="([0-9a-f]+)"', text).group(1)
    bits = int(re.search(r'data-pow-bits="([0-9]+)"', text).group(1))
    return salt, bits
