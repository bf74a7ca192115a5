"""The midnight rush of 每日签到, against the real bench server: a thousand members, each with their own
session and form token, send their check-in within a few seconds over 16 connections; then the database
must hold exactly one check-in and one reward each, the day's ranks 1..N without gap or repeat, and a
clean ledger audit. The POSTs' latency is measured here, from request to answer.

The members are a pool made once; a pool whose members have already checked in today is used up, so a
second run on the same day makes the next pool (its ranks then follow the first run's)."""

from __future__ import annotations

import http.client
import math
import random
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils import timezone

from luntan.accounts.models import Member, MemberGroup, name_key, name_skeleton
from luntan.checkin import moods
from luntan.checkin.models import CheckIn
from luntan.credits.models import CreditEntry, Operation

PATH = "/checkin/"
POOL_PREFIX = "早起鸟"
SENTENCES = ["零点打卡！", "抢个沙发", "", "又是新的一天", "睡前签个到", "", "冲冲冲", "晚安各位"]
P99_AIM_MS = 200.0


@dataclass
class RushResult:
    members: int
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    answers: dict[int, int] = field(default_factory=dict)  # HTTP status -> how many
    failures: int = 0  # socket errors and timeouts
    checkins: int = 0
    rewards: int = 0
    ranks: tuple[int, int] = (0, 0)  # the rush's lowest and highest rank
    ranks_exact: bool = False  # the rush's ranks are consecutive, and the day's are 1..N
    day_total: int = 0
    audit_problems: int = 0

    def percentile(self, share: float) -> float:
        if not self.latencies_ms:
            return math.nan
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]

    @property
    def p50_ms(self) -> float:
        return self.percentile(0.50)

    @property
    def p99_ms(self) -> float:
        return self.percentile(0.99)

    @property
    def exact(self) -> bool:
        return (self.checkins == self.rewards == self.members and self.ranks_exact and self.audit_problems == 0
                and self.answers.get(302, 0) == self.members and not self.failures)

    def summary(self) -> str:
        return (f"{self.members:,} members in {self.seconds:.1f} s: {self.checkins:,} check-ins, "
                f"{self.rewards:,} rewards, ranks {self.ranks[0]}..{self.ranks[1]} "
                f"({'no gap or repeat' if self.ranks_exact else 'GAP OR REPEAT'}; {self.day_total:,} today), "
                f"ledger audit {'clean' if not self.audit_problems else f'{self.audit_problems} problems'}, "
                f"answers {dict(sorted(self.answers.items()))}"
                + (f", {self.failures} failed requests" if self.failures else "")
                + f"; POST p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms")


def pool(count: int) -> list[Member]:
    """`count` members none of whom has checked in today: the first such pool, made if there is none."""
    today = timezone.localdate()
    generation = 1
    while True:
        prefix = f"{POOL_PREFIX}{generation}号"
        members = list(Member.objects.filter(username__startswith=prefix).order_by("pk")[:count])
        # A smaller pool used earlier today (a profiling run) is not topped up: its members are done.
        if not CheckIn.objects.filter(member__in=members, day=today).exists():
            return members if len(members) == count else _make_pool(prefix, count, existing=members)
        generation += 1


def _make_pool(prefix: str, count: int, *, existing: list[Member]) -> list[Member]:
    group = MemberGroup.objects.filter(is_default=True).first()
    password = make_password(None)
    have = {m.username for m in existing}
    names = [name for i in range(count) if (name := f"{prefix}{i:04d}") not in have][:count - len(existing)]
    with transaction.atomic():
        Member.objects.bulk_create([
            Member(username=n, name_key=name_key(n), name_skeleton=name_skeleton(n), email=f"{n}@bench.invalid",
                   password=password, group=group) for n in names], batch_size=500)
    return list(Member.objects.filter(username__startswith=prefix).order_by("pk")[:count])


def _session_cookie(member: Member) -> str:
    """A signed-in session as django.contrib.auth.login makes it, and a form token beside it."""
    from importlib import import_module

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(member.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = member.get_session_auth_hash()
    store.save()
    return store.session_key or ""


def credentials(members: list[Member]) -> list[tuple[str, str]]:
    """(Cookie header, form token) for each member."""
    found = []
    for member in members:
        request = HttpRequest()
        token = get_token(request)
        secret = request.META["CSRF_COOKIE"]
        cookie = f"{settings.SESSION_COOKIE_NAME}={_session_cookie(member)}; {settings.CSRF_COOKIE_NAME}={secret}"
        found.append((cookie, token))
    return found


def _post(port: int, cookie: str, token: str, body: dict[str, str]) -> tuple[int | None, float]:
    data = urlencode({"csrfmiddlewaretoken": token, **body})
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", PATH, body=data, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
            "Sec-Fetch-Site": "same-origin"})
        response = conn.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000
    except OSError:
        return None, (time.perf_counter() - started) * 1000
    finally:
        conn.close()


def _open_page(port: int, cookie: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", PATH, headers={"Cookie": cookie})
        conn.getresponse().read()
    except OSError:
        pass
    finally:
        conn.close()


def run(port: int, *, members: int = 1000, connections: int = 16, seed: int = 20250601,
        say=print) -> RushResult:
    from luntan.checkin.services import reward_type, settings_row
    from luntan.credits.services import credits_audit

    rng = random.Random(seed)
    result = RushResult(members=members)
    say(f"  midnight rush: preparing {members:,} members with sessions and form tokens")
    crowd = pool(members)
    creds = credentials(crowd)
    forms = [{"mood": rng.choice(moods.MOODS).code, "sentence": rng.choice(SENTENCES),
              "submission_key": secrets.token_hex(16)} for _ in crowd]
    today = timezone.localdate()
    before = CheckIn.objects.filter(day=today).count()
    # The members open the check-in page first, as they do before midnight: the server's workers have the
    # page's code and templates ready when the rush starts (with --rush-only they come straight from start).
    with ThreadPoolExecutor(max_workers=connections) as pool_:
        list(pool_.map(lambda i: _open_page(port, creds[i % len(creds)][0]), range(connections * 4)))
    say(f"  midnight rush: {members:,} check-ins over {connections} connections")
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=connections) as pool_:
        answers = list(pool_.map(lambda i: _post(port, *creds[i], forms[i]), range(len(crowd))))
    result.seconds = time.perf_counter() - started
    for status, ms in answers:
        if status is None:
            result.failures += 1
            continue
        result.answers[status] = result.answers.get(status, 0) + 1
        result.latencies_ms.append(ms)
    ids = [m.pk for m in crowd]
    rows = list(CheckIn.objects.filter(member_id__in=ids, day=today).values_list("pk", "rank"))
    result.checkins = len(rows)
    ranks = sorted(r for _, r in rows)
    day_ranks = sorted(CheckIn.objects.filter(day=today).values_list("rank", flat=True))
    result.day_total = len(day_ranks)
    result.ranks = (ranks[0], ranks[-1]) if ranks else (0, 0)
    result.ranks_exact = (ranks == list(range(before + 1, before + 1 + members))
                          and day_ranks == list(range(1, len(day_ranks) + 1)))
    kind = reward_type(settings_row())
    result.rewards = CreditEntry.objects.filter(
        operation=Operation.CHECKIN, subject_kind="checkin", subject_id__in=[pk for pk, _ in rows],
        credit_type_id=kind.id if kind else None).count()
    result.audit_problems = len(credits_audit())
    return result
