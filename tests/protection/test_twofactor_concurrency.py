"""A code sent twice at the same moment (two tabs, or someone watching over a shoulder) signs in once; a
recovery code likewise. Real threads on a real database (run on PostgreSQL as well)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from factories import MemberFactory

from luntan.protection import securitylog, twofactor

pytestmark = pytest.mark.django_db(transaction=True)


def race(member, code: str, n: int = 4) -> list[str]:
    """`n` threads try `code` for `member` at once; what each got ("app", "recovery" or "refused")."""
    results: list[str] = []
    start = threading.Barrier(n)

    def attempt(i: int) -> None:
        try:
            start.wait()
            results.append(twofactor.check_code_limited(member, code, origin=securitylog.Origin(f"10.0.0.{i}", "")))
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    workers = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sorted(results)


def test_one_code_sent_at_once_from_many_places_passes_once():
    member = MemberFactory()
    secret = twofactor.new_secret()
    now = time.time()
    twofactor.twofactor_enable(member=member, secret=secret, code=twofactor.totp(twofactor.secret_key(secret), now),
                               origin=securitylog.Origin("", ""))
    code = twofactor.totp(twofactor.secret_key(secret), now + twofactor.PERIOD)  # the app's next code
    assert race(member, code) == ["app", "refused", "refused", "refused"]


def test_one_recovery_code_sent_at_once_passes_once():
    member = MemberFactory()
    secret = twofactor.new_secret()
    codes = twofactor.twofactor_enable(member=member, secret=secret,
                                       code=twofactor.totp(twofactor.secret_key(secret), time.time()),
                                       origin=securitylog.Origin("", ""))
    assert race(member, codes[0]) == ["recovery", "refused", "refused", "refused"]
    assert twofactor.recovery_codes_left(member) == 9
