"""Rate limits on signing in, reset mails and registration: guessing is slow, a stranger cannot keep a
member out for ever, and every refusal says in the reader's language when to try again."""

import html

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from factories import PASSWORD, MemberFactory
from helpers import Clock

from luntan.accounts.models import Member
from luntan.protection import throttle

pytestmark = pytest.mark.django_db

WRONG = "The username or password is not correct."
HERE, ELSEWHERE = "10.0.0.1", "10.0.0.2"
LIMITS = settings.LUNTAN["LIMITS"]


@pytest.fixture
def clock(monkeypatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(throttle, "now", found)
    return found


def visitor(address: str = HERE, language: str = "en") -> Client:
    client = Client(REMOTE_ADDR=address)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def page(response) -> str:
    return html.unescape(response.content.decode())


def signed_in_pk(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def sign_in(client: Client, login: str, password: str, url: str = "/login/"):
    field = "username" if url.startswith("/admin/") else "login"
    return client.post(url, {field: login, "password": password})


@pytest.fixture
def password_checks(monkeypatch) -> list[str]:
    """The passwords checked against a member's hash, in order."""
    checked: list[str] = []
    original = Member.check_password

    def spy(self, raw):
        checked.append(raw)
        return original(self, raw)

    monkeypatch.setattr(Member, "check_password", spy)
    return checked


# --- Signing in ----------------------------------------------------------------------------------------------

def test_fifty_wrong_passwords_then_the_right_one_is_refused(clock, member, password_checks):
    client = visitor()
    answers = [sign_in(client, member.username, f"猜{i}") for i in range(50)]
    assert [r.status_code for r in answers[:5]] == [400] * 5 and WRONG in page(answers[0])
    assert {r.status_code for r in answers[5:]} == {429}

    response = sign_in(client, member.username, PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts. Please try again in 1 minute." in page(response)
    assert f'value="{member.username}"' in page(response)  # what was typed stays
    assert signed_in_pk(client) is None
    assert len(password_checks) == 5  # while refused, the password is not even checked


def test_after_the_delay_the_right_password_works(clock, member):
    client = visitor()
    for i in range(5):
        sign_in(client, member.username, f"猜{i}")
    assert sign_in(client, member.username, PASSWORD).status_code == 429
    clock.advance(LIMITS["SIGNIN_FIRST_DELAY"] - 1)
    assert sign_in(client, member.username, PASSWORD).status_code == 429
    clock.advance(2)
    assert sign_in(client, member.username, PASSWORD).status_code == 302
    assert signed_in_pk(client) == member.pk


def test_delays_double_with_each_further_wrong_password(clock, member):
    client = visitor()
    for i in range(5):
        sign_in(client, member.username, f"猜{i}")
    waits = []
    for _ in range(3):
        text = page(sign_in(client, member.username, PASSWORD))
        waits.append(text.split("Please try again in ")[1].split(".")[0])
        clock.advance(60 * 60)
        assert sign_in(client, member.username, "又猜错了").status_code == 400
    assert waits == ["1 minute", "2 minutes", "4 minutes"]
    clock.advance(LIMITS["SIGNIN_LONGEST_DELAY"] + 1)
    assert sign_in(client, member.username, PASSWORD).status_code == 302


def test_another_address_can_still_sign_in_to_the_same_account(clock, member):
    attacker = visitor(HERE)
    for i in range(50):
        sign_in(attacker, member.username, f"猜{i}")
    owner = visitor(ELSEWHERE)
    assert sign_in(owner, member.username, PASSWORD).status_code == 302
    assert signed_in_pk(owner) == member.pk


def test_name_and_email_count_as_one_account(clock):
    member = MemberFactory(email="lilei@example.com")
    client = visitor()
    for i in range(3):
        sign_in(client, member.username, f"猜{i}")
    for i in range(2):
        sign_in(client, "LILEI@example.com", f"猜{i}")
    assert sign_in(client, "lilei@example.com", PASSWORD).status_code == 429
    assert sign_in(client, member.username, PASSWORD).status_code == 429


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_the_admin_account_too(clock, admin, url):
    client = visitor()
    for i in range(50):
        sign_in(client, admin.username, f"猜{i}", url)
    response = sign_in(client, admin.username, PASSWORD, url)
    assert "Too many attempts. Please try again in 1 minute." in page(response)
    assert signed_in_pk(client) is None
    elsewhere = visitor(ELSEWHERE)
    assert sign_in(elsewhere, admin.username, PASSWORD, url).status_code == 302
    assert signed_in_pk(elsewhere) == admin.pk


def test_many_addresses_against_one_account_are_stopped_for_a_period_only(clock, member):
    home = visitor("10.9.9.9")
    assert sign_in(home, member.username, PASSWORD).status_code == 302  # the member's usual address
    count, seconds = LIMITS["SIGNIN_PER_ACCOUNT"]
    for i in range(count):  # one guess from each of many addresses: no address reaches its own limit
        assert sign_in(visitor(f"10.1.0.{i}"), member.username, f"猜{i}").status_code == 400
    new_place = visitor(ELSEWHERE)
    assert sign_in(new_place, member.username, PASSWORD).status_code == 429
    # The member's usual address is not kept out, and the refusal ends with the period.
    home = visitor("10.9.9.9")
    assert sign_in(home, member.username, PASSWORD).status_code == 302
    clock.advance(seconds)
    assert sign_in(new_place, member.username, PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_stopped(clock, member):
    count, seconds = LIMITS["SIGNIN_PER_ADDRESS"]
    client = visitor()
    for i in range(count):
        assert sign_in(client, f"nobody{i}", PASSWORD).status_code == 400
    assert sign_in(client, member.username, PASSWORD).status_code == 429
    assert sign_in(visitor(ELSEWHERE), member.username, PASSWORD).status_code == 302
    clock.advance(seconds)
    assert sign_in(client, member.username, PASSWORD).status_code == 302


def test_a_good_sign_in_forgets_the_wrong_tries(clock, member):
    client = visitor()
    for i in range(4):
        sign_in(client, member.username, f"猜{i}")
    assert sign_in(client, member.username, PASSWORD).status_code == 302
    client = visitor()
    for i in range(4):
        assert sign_in(client, member.username, f"猜{i}").status_code == 400


def test_the_message_is_chinese_by_default(clock, member):
    client = visitor(language="")
    for i in range(5):
        sign_in(client, member.username, f"猜{i}")
    response = sign_in(client, member.username, PASSWORD)
    assert "尝试次数过多，请在 1 分钟后再试。" in page(response)


# --- Password-reset mail -------------------------------------------------------------------------------------

def ask_reset(client: Client, email: str):
    return client.post("/password/reset/", {"email": email})


def test_reset_mails_for_one_address_are_capped(clock):
    MemberFactory(email="known@example.com")
    per_email, seconds = LIMITS["RESET_MAIL_PER_EMAIL"]
    known = [ask_reset(visitor(f"10.2.0.{i}"), "known@example.com").status_code for i in range(20)]
    unknown = [ask_reset(visitor(f"10.3.0.{i}"), "unknown@example.com").status_code for i in range(20)]
    assert len(mail.outbox) == per_email
    assert known == unknown == [302] * per_email + [429] * (20 - per_email)  # the same for both
    response = ask_reset(visitor(), "known@example.com")
    assert "Too many password reset requests. Please try again in 60 minutes." in page(response)
    assert 'value="known@example.com"' in page(response)
    clock.advance(seconds)
    assert ask_reset(visitor(), "known@example.com").status_code == 302
    assert len(mail.outbox) == per_email + 1


def test_reset_requests_from_one_address_are_capped(clock):
    per_address, _seconds = LIMITS["RESET_MAIL_PER_ADDRESS"]
    for i in range(per_address + 1):
        MemberFactory(email=f"m{i}@example.com")
    client = visitor()
    answers = [ask_reset(client, f"m{i}@example.com").status_code for i in range(per_address + 1)]
    assert answers == [302] * per_address + [429]
    assert len(mail.outbox) == per_address
    assert ask_reset(visitor(ELSEWHERE), f"m{per_address}@example.com").status_code == 302


# --- Registration ---------------------------------------------------------------------------------------------

def register(client: Client, n: int):
    return client.post("/register/", {"username": f"新会员{n}", "email": f"new{n}@example.com",
                                      "password1": "青云门下弟子2024", "password2": "青云门下弟子2024"})


def test_registrations_from_one_address_are_capped(clock):
    count, seconds = LIMITS["REGISTER_PER_ADDRESS"]
    assert [register(visitor(), n).status_code for n in range(count)] == [302] * count
    response = register(visitor(), count)
    assert response.status_code == 429
    text = page(response)
    assert "Too many accounts have been registered from your network. Please try again in 60 minutes." in text
    assert f'value="新会员{count}"' in text and f'value="new{count}@example.com"' in text
    assert not Member.objects.filter(username=f"新会员{count}").exists()
    assert register(visitor(ELSEWHERE), count).status_code == 302
    clock.advance(seconds)
    assert register(visitor(), count + 1).status_code == 302
    assert Member.objects.filter(username__startswith="新会员").count() == count + 2


def test_tries_given_back_never_make_room_beyond_the_limit():
    limit = (2, 3600)
    assert [throttle.window_note("test:give", 7, limit=limit) for _ in range(2)] == [0, 0]
    throttle.window_give_back("test:give", 7, limit=limit, times=5)  # more than were counted
    assert [throttle.window_note("test:give", 7, limit=limit) > 0 for _ in range(3)] == [False, False, True]
