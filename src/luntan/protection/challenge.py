"""Checks that a person fills a form: a verification question (验证问题) or a proof of work, a honeypot
field and a minimum time to fill the form. The forms use one small interface, `Guard`:

    guard = Guard(request, purpose="reply", verify=needs_check(member, "reply"))
    if request.method == "POST" and form.is_valid() and guard.passed(form): ...
    render(..., {"form": form, "guard": guard})          # {{ guard }} in the form prints its fields

A challenge is drawn for each form shown and travels in a signed hidden field: which question (its id in
the admin's list, or the numbers of a sum), when it was drawn and a random part; never its answer (unless
the admin shows answers). Showing a form therefore writes nothing, not even to the cache (a new member's
quick reply is under every thread page they read); the cache is written only when an answer comes back. A
challenge lasts ten minutes; after four wrong answers it is gone and a new question is drawn. A right
answer or a proof of work is used once. Answers are compared folded (case, width, spaces, 简繁:
questions.fold_answer)."""

import hashlib
import re
import secrets
import time
from dataclasses import dataclass, replace
from functools import cache as once
from typing import cast

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from markupsafe import Markup

from luntan.core import localcache
from luntan.protection.models import VerifySettings
from luntan.protection.questions import Question, VerifyConfig, config, fold_answer, question_pool

TTL = 10 * 60  # a challenge's life, seconds
MAX_WRONG = 4  # wrong answers before a new question is drawn
QUESTION, POW, OFF = VerifySettings.Kind.QUESTION.value, VerifySettings.Kind.POW.value, VerifySettings.Kind.OFF.value
PURPOSES = ("register", "thread", "reply", "guest")

HONEYPOT = "homepage"  # a field people never see (display: none); simple bots fill every field
STARTED = "form_started"  # when the form was shown, signed
ID_FIELD, ANSWER_FIELD = "verify_id", "verify_answer"
QUICK_REPLY_MARK = "<!--protection-guard-->"  # where the kept quick reply gets this reader's fields
_SIGNER = signing.Signer(salt="luntan.protection.challenge.started")
_ID_SIGNER = signing.Signer(salt="luntan.protection.challenge.id")
_ID = re.compile(r"[A-Za-z0-9_.:+-]{16,160}")
# purpose.kind.question.drawn-at.random: question "q<id>" (the admin's), "a<a>+<b>" / "a<a>-<b>" (a sum) or
# "p<bits>" (a proof of work)
_ID_BODY = re.compile(r"(register|thread|reply|guest)\.(question|pow)"
                      r"\.(q[0-9]{1,9}|a[0-9]{1,3}[+-][0-9]{1,3}|p[0-9]{1,2})\.([0-9]{1,12})\.([0-9a-f]{32})")
_NONCE = re.compile(r"[0-9]{1,16}")

# Outcomes of verify()
PASSED, WRONG, EMPTY, EXPIRED, REPLACED, MISSING, NOT_RUN = (
    "passed", "wrong", "empty", "expired", "replaced", "missing", "not_run")


def enabled() -> bool:
    """The form checks are on (settings.LUNTAN["VERIFY_FORMS"]; off only in the test overlay)."""
    return settings.LUNTAN["VERIFY_FORMS"]


def now() -> float:
    """The clock of challenges and form times (tests move it on)."""
    return time.time()


@dataclass(frozen=True)
class Challenge:
    id: str
    kind: str
    text: str = ""  # the question
    shown: str = ""  # the answer, when the admin shows answers
    salt: str = ""  # proof of work: find n with sha256(f"{salt}:{n}") starting with `bits` zero bits
    bits: int = 0


@once
def _pow_script() -> str:
    return static("protection/pow.js")


def _key(cid: str) -> str:
    return "verify:" + hashlib.sha256(cid.encode()).hexdigest()[:32]


# --- Questions ------------------------------------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """0..199 in Chinese numerals (十一, 二十, 一百零五), as people write an arithmetic answer."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = "一百"
    if not rest:
        return head
    return head + ("零" + _CN_DIGITS[rest] if rest < 10 else "一" + chinese_number(rest) if rest < 20
                   else chinese_number(rest))


_sums: dict[tuple[str | None, int, int, bool], Question] = {}  # a few hundred sums per language


def sum_question(a: int, b: int, plus: bool) -> Question:
    """The arithmetic question a + b or a - b, with its answers in digits and in Chinese numerals."""
    key = (get_language(), a, b, plus)
    found = _sums.get(key)
    if found is None:
        found = _sums[key] = _sum_question(a, b, plus)
    return found


def _sum_question(a: int, b: int, plus: bool) -> Question:
    if plus:
        text, result = _("What is %(a)s plus %(b)s?") % {"a": a, "b": b}, a + b
    else:
        text, result = _("What is %(a)s minus %(b)s?") % {"a": a, "b": b}, a - b
    return Question(pk=0, text=text, answers=frozenset({str(result), chinese_number(result)}), shown="")


def _draw_spec(cfg: VerifyConfig) -> str:
    """Which question a new challenge asks: "q<id>" from the admin's list or "a<a>+<b>" / "a<a>-<b>"."""
    questions = question_pool()
    pool = len(questions) + (1 if cfg.arithmetic or not questions else 0)
    # One read of the system's random source for every choice (a new member's quick reply draws one on each
    # thread page): 128 bits cut into the pick, the two numbers and the sign, none of them measurably biased.
    n = secrets.randbits(128)
    n, pick = divmod(n, pool)
    if pick < len(questions):
        return f"q{questions[pick].pk}"
    n, a = divmod(n, 19)
    n, b = divmod(n, 10)
    a, b = a + 2, b + 1  # a in 2..20, b in 1..10
    return f"a{a}+{b}" if n % 2 else f"a{max(a, b)}-{b}"


def _question(spec: str) -> Question | None:
    if spec.startswith("a"):
        plus = "+" in spec
        a, b = (int(n) for n in spec[1:].split("+" if plus else "-"))
        return sum_question(a, b, plus)
    pk = int(spec[1:])
    return next((q for q in question_pool() if q.pk == pk), None)  # None: the admin took it away since


def issue(purpose: str, kind: str | None = None) -> Challenge:
    """Draws a challenge for a form: everything about it is in its signed id, so nothing is written."""
    cfg = config()
    kind = kind or cfg.kind
    spec = f"p{cfg.pow_bits}" if kind == POW else _draw_spec(cfg)
    nonce = secrets.token_hex(16)
    cid = _ID_SIGNER.sign(f"{purpose}.{kind}.{spec}.{int(now())}.{nonce}")
    if kind == POW:
        return Challenge(id=cid, kind=POW, salt=nonce, bits=cfg.pow_bits)
    question = _question(spec)
    assert question is not None  # noqa: S101 - drawn from the list just read
    return Challenge(id=cid, kind=QUESTION, text=question.text, shown=question.shown if cfg.show_answer else "")


def _entry(purpose: str, cid: str) -> dict | None:
    """What the signed id `cid` says, if it is ours, for this purpose, not expired and not used up."""
    if not cid or not _ID.fullmatch(cid):
        return None
    try:
        body = _ID_SIGNER.unsign(cid)
    except signing.BadSignature:
        return None
    match = _ID_BODY.fullmatch(body)
    if match is None or match[1] != purpose:
        return None
    kind, spec, drawn, nonce = match[2], match[3], int(match[4]), match[5]
    if now() - drawn > TTL or cache.get(_key(cid)) is not None:  # expired, or answered (or replaced) already
        return None
    if kind == POW:
        return {"k": POW, "salt": nonce, "bits": int(spec[1:])}
    question = _question(spec)
    if question is None:
        return None
    shown = question.shown if config().show_answer else ""
    return {"k": QUESTION, "q": question.text, "a": question.answers, "s": shown}


def _use_up(cid: str) -> bool:
    """Marks a challenge as used (answered, or replaced); False when another request did it first."""
    return cache.add(_key(cid), 1, TTL + 60)


def load(purpose: str, cid: str) -> Challenge | None:
    """The challenge `cid` if it still stands for this purpose."""
    entry = _entry(purpose, cid)
    if entry is None:
        return None
    if entry["k"] == POW:
        return Challenge(id=cid, kind=POW, salt=entry["salt"], bits=entry["bits"])
    return Challenge(id=cid, kind=QUESTION, text=entry["q"], shown=entry["s"])


def pow_ok(salt: str, bits: int, nonce: str) -> bool:
    if not _NONCE.fullmatch(nonce or ""):
        return False
    digest = hashlib.sha256(f"{salt}:{nonce}".encode()).digest()
    return int.from_bytes(digest, "big") >> (256 - bits) == 0


def _count_wrong(cid: str) -> int:
    key = f"{_key(cid)}:wrong"
    cache.add(key, 0, TTL)
    try:
        return cache.incr(key)
    except ValueError:  # gone between the two calls
        cache.set(key, 1, TTL)
        return 1


def verify(purpose: str, cid: str, answer: str) -> str:
    """PASSED (and the challenge is used up), WRONG (it stands: try again), EMPTY (no answer: it stands, no
    try is counted), REPLACED (too many wrong answers, or a wrong proof of work: it is gone), EXPIRED or
    MISSING."""
    if not cid:
        return MISSING
    entry = _entry(purpose, cid)
    if entry is None:
        return EXPIRED
    if not answer:
        # Not answered, or the browser did not finish its work (no JavaScript): the same challenge stands.
        return EMPTY
    if entry["k"] == POW:
        ok = pow_ok(entry["salt"], entry["bits"], answer)
    else:
        ok = fold_answer(answer) in entry["a"]
    if ok:
        # Used once: of two requests with the same right answer, only the one that marks it used passes.
        return PASSED if _use_up(cid) else EXPIRED
    if entry["k"] == POW or _count_wrong(cid) >= MAX_WRONG:
        _use_up(cid)
        return REPLACED
    return WRONG


# --- Who is asked ---------------------------------------------------------------------------------------------

def needs_check(member, purpose: str) -> bool:
    """Whether this visitor must pass the check for `purpose`: everyone registering (when the admin asks for
    it); members posting while they have fewer posts than the admin's number, or are in a group that
    always answers; never staff. Reads only kept settings and the member row: no query."""
    if not enabled():
        return False
    cfg = config()
    if cfg.kind == OFF:
        return False
    if purpose == "register":
        return cfg.on_register
    if purpose == "guest":
        return True
    if not getattr(member, "is_authenticated", False) or member.is_staff or member.is_superuser:
        return False
    if cfg.posts_below and member.post_count < cfg.posts_below:
        return True
    if cfg.always_groups:
        from luntan.accounts.groups import rules_for

        return rules_for(member).group_id in cfg.always_groups
    return False


# --- The form's side ------------------------------------------------------------------------------------------

def started_value() -> str:
    return _SIGNER.sign(str(int(now())))


def _started_at(value: str) -> float | None:
    try:
        return float(_SIGNER.unsign(value))
    except (signing.BadSignature, ValueError):
        return None


def refusal() -> str:
    return _("Your form could not be accepted just now. Please wait a few seconds, check it and send it again.")


def plain_fields(started: str | None = None) -> str:
    """The honeypot and the form's start time, as HTML: all a form needs when no question is asked."""
    label = escape(_("Leave this field empty"))
    return (f'<div hidden><label>{label} <input type="text" name="{HONEYPOT}" value="" tabindex="-1" '
            f'autocomplete="off"></label></div>'
            f'<input type="hidden" name="{STARTED}" value="{escape(started or started_value())}">')


# Stand-ins in a kept guard's fields, replaced per form (none can occur in the rendered template otherwise).
_ID_SPOT, _SALT_SPOT, _STARTED_SPOT = "@@guard-id@@", "@@guard-salt@@", "@@guard-started@@"
_TEXT_SPOT, _SHOWN_SPOT = "@@guard-text@@", "@@guard-shown@@"


class Guard:
    """The check of one form for one request. `verify`: whether a question or proof of work is asked (see
    needs_check); the honeypot and the time are always checked (`min_time=False` leaves the time out)."""

    def __init__(self, request: HttpRequest, *, purpose: str, verify: bool, min_time: bool = True,
                 id_prefix: str = "verify") -> None:
        assert purpose in PURPOSES  # noqa: S101 - a programming error
        self.request, self.purpose, self.prefix = request, purpose, id_prefix
        self.cfg = config()
        self.kind = (self.cfg.kind if self.cfg.kind != OFF else QUESTION) if verify else OFF
        self.min_time = min_time
        self.posted = request.POST if request.method == "POST" else None
        self.outcome = NOT_RUN
        self.message = ""
        self.refused = False
        self.active = enabled() or purpose == "guest"

    def _in_time(self, value: str) -> bool:
        started = _started_at(value)
        if started is None:
            return False
        return not self.min_time or now() - started >= self.cfg.min_seconds

    def passed(self, form=None) -> bool:
        """Checks the sent form (call it once the form itself is valid). On a refusal the reason is shown
        with the form (a non-field error for a bot-like form, a message by the question otherwise)."""
        data = self.posted
        if data is None:
            return False
        if not self.active:
            return True
        if data.get(HONEYPOT) or not self._in_time(data.get(STARTED, "")):
            self.refused = True
            if form is not None:
                form.add_error(None, ValidationError(refusal(), code="guard"))
            return False
        if self.kind == OFF:
            return True
        self.outcome = verify(self.purpose, data.get(ID_FIELD, ""), data.get(ANSWER_FIELD, "").strip())
        self.message = {
            PASSED: "",
            WRONG: _("That answer is not right. Please try again."),
            EMPTY: _("Please answer the verification question.") if self.kind == QUESTION else
            _("The check in your browser has not finished; it needs JavaScript. Please wait a moment and "
              "send the form again."),
            REPLACED: _("That answer is not right. Here is a new question.") if self.kind == QUESTION else
            _("The check could not be confirmed; it has been started again. Please send the form again."),
            EXPIRED: _("The question has expired (it lasts ten minutes). Please answer this new one."),
            MISSING: _("Please answer the verification question."),
        }[self.outcome]
        return self.outcome == PASSED

    # Shown with the form --------------------------------------------------------------------------------

    def _challenge(self) -> Challenge | None:
        if self.kind == OFF:
            return None
        data = self.posted
        if data is not None and self.outcome in (NOT_RUN, WRONG, EMPTY):
            # Not checked yet (another field was wrong), not answered or answered wrong: the same one stands.
            found = load(self.purpose, data.get(ID_FIELD, ""))
            if found is not None and found.kind == self.kind:
                return found
        return issue(self.purpose, self.kind)

    def fields(self) -> Markup:
        if not self.active:
            return Markup("")
        started = None
        if self.posted is not None and not self.refused and _started_at(self.posted.get(STARTED, "")) is not None:
            started = self.posted.get(STARTED)  # the form keeps its first time
        challenge = self._challenge()
        if challenge is None:
            return Markup(plain_fields(started))  # noqa: S704 - escaped above
        if self.posted is None:
            # A fresh form (a new member's quick reply, made for every thread page they read): the fields
            # are kept per question and only the signed id, the salt and the time are put in per form.
            # The question and the answer shown go in as escaped text, so one kept copy serves every question.
            key = f"guard:{get_language()}:{self.prefix}:{challenge.kind}:{challenge.bits}:{int(bool(challenge.shown))}"
            found = localcache.fragments.get(key)
            if found is None:
                found = self._render(replace(challenge, id=_ID_SPOT, salt=_SALT_SPOT, text=_TEXT_SPOT,
                                             shown=_SHOWN_SPOT if challenge.shown else ""), _STARTED_SPOT, "")
                localcache.fragments.set(key, found, len(found) * 2)
            # The signed values are made of [A-Za-z0-9_.:+-]: nothing in them to escape.
            return Markup(found.replace(_ID_SPOT, challenge.id).replace(_SALT_SPOT, challenge.salt)  # noqa: S704
                          .replace(_STARTED_SPOT, started_value()).replace(_SHOWN_SPOT, escape(challenge.shown))
                          .replace(_TEXT_SPOT, escape(challenge.text)))
        kept_answer = ""
        if self.outcome == NOT_RUN and challenge.kind == QUESTION:
            kept_answer = self.posted.get(ANSWER_FIELD, "")[:100]
        return Markup(self._render(challenge, started, kept_answer))  # noqa: S704 - a template's output

    def _render(self, challenge: Challenge, started: str | None, answer: str) -> str:
        # The environment's template, not render_to_string: the fields need no request.
        template = cast(Jinja2, engines["jinja2"]).env.get_template("protection/_guard.html")
        return template.render({
            "plain": Markup(plain_fields(started)), "challenge": challenge, "message": self.message,  # noqa: S704
            "answer": answer, "prefix": self.prefix, "pow_js": _pow_script(),
            "id_field": ID_FIELD, "answer_field": ANSWER_FIELD,
        })

    def __html__(self) -> str:
        return str(self.fields())

    def __str__(self) -> str:
        return self.__html__()


def quick_reply_fields(request: HttpRequest, member) -> str:
    """What the quick reply under a thread adds for this reader: the honeypot and time for everyone (no
    query, no cache), and the question or proof of work for members who must answer."""
    if not enabled():
        return ""
    if not needs_check(member, "reply"):
        return plain_fields()
    return Guard(request, purpose="reply", verify=True, id_prefix="qr-verify").__html__()
