"""Two-factor sign-in: the TOTP algorithm against the RFCs' vectors, turning it on (a wrong code keeps the
secret), the second step of signing in (the site's form and the admin's), codes taken once, wrong codes
throttled with wrong passwords, recovery codes used once, and the administrators' requirement."""

import hashlib
import html
import re

import pytest
from django.conf import settings
from django.test import Client
from factories import PASSWORD, MemberFactory
from helpers import Clock, signed_in

from luntan.protection import securitylog, throttle, twofactor
from luntan.protection.models import RecoveryCode, SecurityEvent, TwoFactor

pytestmark = pytest.mark.django_db

HERE = "10.0.0.1"
START = 1_800_000_000.0  # the start of a period of every sign-in limit (a multiple of 3600)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(twofactor, "now", found)
    monkeypatch.setattr(throttle, "now", found)
    return found


def code_at(secret: str, at: float) -> str:
    return twofactor.totp(twofactor.secret_key(secret), at)


def turn_on(member, clock: Clock) -> tuple[str, list[str]]:
    """Two-factor sign-in on for `member`, as the set-up page does; returns the secret and recovery codes.
    The clock moves to the next code, so that the code used to confirm is not the one to sign in with."""
    secret = twofactor.new_secret()
    codes = twofactor.twofactor_enable(member=member, secret=secret, code=code_at(secret, clock()),
                                       origin=securitylog.Origin("", ""))
    clock.advance(twofactor.PERIOD)
    return secret, codes


def visitor() -> Client:
    client = Client(REMOTE_ADDR=HERE)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text(response) -> str:
    return html.unescape(response.content.decode())


def signed_in_pk(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def password_step(client: Client, member, url: str = "/login/?next=/members/"):
    field = "username" if url.startswith("/admin/") else "login"
    return client.post(url, {field: member.username, "password": PASSWORD})


def code_step(client: Client, code: str):
    return client.post("/login/code/", {"code": code})


def events(member, kind: str) -> int:
    return SecurityEvent.objects.filter(member=member, kind=kind).count()


# --- RFC 4226 and RFC 6238 ---------------------------------------------------------------------------------------

def test_hotp_matches_rfc_4226_appendix_d():
    key = b"12345678901234567890"
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
    assert [twofactor.hotp(key, counter) for counter in range(10)] == expected


RFC6238 = [  # time, SHA-1, SHA-256, SHA-512 (8 digits), RFC 6238 appendix B
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("at", "sha1", "sha256", "sha512"), RFC6238)
def test_totp_matches_rfc_6238_appendix_b(at, sha1, sha256, sha512):
    seed = b"1234567890"
    assert twofactor.totp(seed * 2, at, digits=8) == sha1
    assert twofactor.totp(seed * 3 + b"12", at, digits=8, digest=hashlib.sha256) == sha256
    assert twofactor.totp(seed * 6 + b"1234", at, digits=8, digest=hashlib.sha512) == sha512


def test_the_apps_six_digits_and_a_step_either_side():
    secret = twofactor.new_secret()
    key = twofactor.secret_key(secret)
    assert len(secret) == 32 and len(key) == 20
    code = code_at(secret, START)
    assert re.fullmatch(r"\d{6}", code)
    step = int(START // 30)
    assert twofactor.matching_step(key, code, START) == step
    assert twofactor.matching_step(key, code, START + 30) == step
    assert twofactor.matching_step(key, code, START - 30) == step
    assert twofactor.matching_step(key, code, START + 60) is None


def test_the_secret_is_kept_sealed():
    secret = twofactor.new_secret()
    sealed = twofactor.seal(secret)
    assert secret not in sealed and twofactor.unseal(sealed) == secret
    raw = bytearray(sealed.encode())
    raw[10] = ord("A") if raw[10] != ord("A") else ord("B")
    with pytest.raises(ValueError):
        twofactor.unseal(raw.decode())


def test_codes_outlive_a_new_secret_key_kept_with_the_old_in_fallbacks(clock, member, settings):
    secret, codes = turn_on(member, clock)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    client = visitor()
    password_step(client, member)
    assert code_step(client, code_at(secret, clock())).status_code == 302
    other = visitor()
    password_step(other, member)
    assert code_step(other, codes[0]).status_code == 302


def test_a_lost_secret_key_refuses_codes_without_an_error_page(clock, member, settings):
    secret, _codes = turn_on(member, clock)
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    client = visitor()
    password_step(client, member)
    assert code_step(client, code_at(secret, clock())).status_code == 400
    assert signed_in_pk(client) is None


def test_the_uri_names_the_site_the_account_and_sha1():
    uri = twofactor.provisioning_uri("ABCDEFGH", account="王小明")
    assert uri.startswith("otpauth://totp/") and "secret=ABCDEFGH" in uri and "algorithm=SHA1" in uri
    assert "digits=6" in uri and "period=30" in uri and "%E7%8E%8B" in uri  # 王, encoded


# --- Turning it on ----------------------------------------------------------------------------------------------

def setup_page(client: Client) -> tuple[str, str]:
    """The secret shown on the set-up page and the form's token."""
    response = client.get("/settings/two-factor/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<svg" in body and 'role="img"' in body  # the QR code, drawn on the server
    secret = re.search(r'id="twofactor-secret">([A-Z2-7 ]+)<', body).group(1).replace(" ", "")
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    return secret, token


def test_a_wrong_code_keeps_the_secret_and_turns_nothing_on(clock, member):
    client = signed_in(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    secret, token = setup_page(client)
    wrong = f"{(int(code_at(secret, clock())) + 1) % 1_000_000:06d}"
    response = client.post("/settings/two-factor/", {"code": wrong, "token": token})
    assert response.status_code == 400
    assert "This code does not match" in text(response)
    assert secret in text(response).replace(" ", "")  # the same secret: the app's entry still works
    assert not TwoFactor.objects.filter(member=member).exists()
    assert not RecoveryCode.objects.filter(member=member).exists()
    assert events(member, SecurityEvent.Kind.TWOFACTOR_ON) == 0


def test_the_right_code_turns_it_on_and_shows_ten_codes_once(clock, member):
    client = signed_in(member)
    secret, token = setup_page(client)
    response = client.post("/settings/two-factor/", {"code": code_at(secret, clock()), "token": token})
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())
    assert len(set(codes)) == 10
    row = TwoFactor.objects.get(member=member)
    assert secret not in row.sealed_secret and twofactor.unseal(row.sealed_secret) == secret
    stored = list(RecoveryCode.objects.filter(member=member).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not set(stored) & set(codes) and not any(c.replace("-", "") in s
                                                                         for c in codes for s in stored)
    assert events(member, SecurityEvent.Kind.TWOFACTOR_ON) == 1
    # The page no longer shows a secret or the codes, only how many codes are left.
    again = client.get("/settings/two-factor/")
    assert "twofactor-secret" not in again.content.decode() and not any(c in again.content.decode() for c in codes)


def test_another_members_set_up_token_is_refused(clock, member, other_member):
    secret, token = setup_page(signed_in(other_member))
    client = signed_in(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/settings/two-factor/", {"code": code_at(secret, clock()), "token": token})
    assert response.status_code == 400 and "This set-up form has expired" in text(response)
    assert not TwoFactor.objects.exists()


def test_a_guest_is_sent_to_log_in(client):
    response = client.get("/settings/two-factor/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.post("/settings/two-factor/off/", {}).status_code == 302


# --- Signing in ----------------------------------------------------------------------------------------------------

def test_without_two_factor_the_password_signs_in(clock, member):
    client = visitor()
    assert password_step(client, member)["Location"] == "/members/"
    assert signed_in_pk(client) == member.pk


def test_the_password_alone_does_not_sign_in(clock, member):
    secret, _codes = turn_on(member, clock)
    client = visitor()
    response = password_step(client, member)
    assert response.status_code == 302 and response["Location"] == "/login/code/"
    assert signed_in_pk(client) is None
    assert client.get("/settings/two-factor/").status_code == 302  # still a guest: members' pages say log in
    page = client.get("/login/code/")
    assert page.status_code == 200 and member.username in text(page)
    response = code_step(client, code_at(secret, clock()))
    assert response.status_code == 302 and response["Location"] == "/members/"
    assert signed_in_pk(client) == member.pk
    assert events(member, SecurityEvent.Kind.SIGNIN) == 1


def test_a_wrong_code_does_not_sign_in(clock, member):
    secret, _codes = turn_on(member, clock)
    client = visitor()
    password_step(client, member)
    wrong = f"{(int(code_at(secret, clock())) + 1) % 1_000_000:06d}"
    response = code_step(client, wrong)
    assert response.status_code == 400 and "This code is not correct" in text(response)
    assert signed_in_pk(client) is None
    assert events(member, SecurityEvent.Kind.SIGNIN_FAILED) == 1
    assert events(member, SecurityEvent.Kind.SIGNIN) == 0


def test_the_second_step_without_a_password_step_goes_back_to_log_in(clock, member):
    response = visitor().post("/login/code/", {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_the_second_step_expires(clock, member):
    secret, _codes = turn_on(member, clock)
    client = visitor()
    password_step(client, member)
    clock.advance(twofactor.PENDING_SECONDS + 1)
    response = code_step(client, code_at(secret, clock()))
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert signed_in_pk(client) is None


def test_a_code_is_taken_once(clock, member):
    secret, _codes = turn_on(member, clock)
    code = code_at(secret, clock())
    first, second = visitor(), Client(REMOTE_ADDR="10.0.0.2")
    password_step(first, member)
    password_step(second, member)
    assert code_step(first, code).status_code == 302
    response = code_step(second, code)  # the same code again, within its 30 seconds: someone looked over a shoulder
    assert response.status_code == 400 and signed_in_pk(second) is None
    # Nor an older one, still within the drift.
    clock.advance(twofactor.PERIOD)
    assert code_step(second, code).status_code == 400
    assert code_step(second, code_at(secret, clock())).status_code == 302


def test_the_code_that_turned_it_on_does_not_sign_in(clock, member):
    secret = twofactor.new_secret()
    code = code_at(secret, clock())
    twofactor.twofactor_enable(member=member, secret=secret, code=code, origin=securitylog.Origin("", ""))
    client = visitor()
    password_step(client, member)
    assert code_step(client, code).status_code == 400


def test_wrong_codes_are_throttled_like_wrong_passwords(clock, member):
    secret, _codes = turn_on(member, clock)
    client = visitor()
    password_step(client, member)
    statuses = [code_step(client, f"{i:06d}").status_code for i in range(6)]
    assert statuses[:5] == [400] * 5
    response = code_step(client, code_at(secret, clock()))  # the right code, but too late
    assert response.status_code == 429 and "Too many attempts" in text(response)
    assert signed_in_pk(client) is None
    # The password step does not wipe the count: it is refused as well, the password not even checked.
    assert password_step(client, member).status_code == 429
    clock.advance(60 * 60)
    password_step(client, member)
    assert code_step(client, code_at(secret, clock())).status_code == 302


def test_a_right_password_does_not_forget_wrong_codes(clock, member):
    turn_on(member, clock)
    client = visitor()
    for _round in range(3):  # re-entering the password between guesses must not reset the guesses
        password_step(client, member)
        code_step(client, "000000")
        code_step(client, "000001")
    assert password_step(client, member).status_code == 429


def test_a_recovery_code_signs_in_once(clock, member):
    _secret, codes = turn_on(member, clock)
    client = visitor()
    password_step(client, member)
    response = code_step(client, codes[3].upper().replace("-", " "))  # as typed from paper
    assert response.status_code == 302 and signed_in_pk(client) == member.pk
    assert events(member, SecurityEvent.Kind.RECOVERY_USED) == 1
    assert twofactor.recovery_codes_left(member) == 9
    other = visitor()
    password_step(other, member)
    assert code_step(other, codes[3]).status_code == 400
    assert signed_in_pk(other) is None


# --- The admin's login ------------------------------------------------------------------------------------------

def test_the_admin_login_goes_through_the_second_step(clock, admin):
    secret, _codes = turn_on(admin, clock)
    client = visitor()
    response = password_step(client, admin, "/admin/login/?next=/admin/accounts/member/")
    assert response.status_code == 302 and response["Location"] == "/login/code/"
    assert signed_in_pk(client) is None
    assert events(admin, SecurityEvent.Kind.SIGNIN) == 0
    response = code_step(client, code_at(secret, clock()))
    assert response["Location"] == "/admin/accounts/member/" and signed_in_pk(client) == admin.pk
    assert client.get("/admin/accounts/member/").status_code == 200


def test_an_admin_without_two_factor_signs_in_to_the_admin_as_before(clock, admin):
    client = visitor()
    assert password_step(client, admin, "/admin/login/").status_code == 302
    assert signed_in_pk(client) == admin.pk


# --- Administrators must have it (LUNTAN["ADMIN_2FA_REQUIRED"]) --------------------------------------------------

@pytest.fixture
def required(settings):
    settings.LUNTAN = {**settings.LUNTAN, "ADMIN_2FA_REQUIRED": True}


def test_the_setting_is_on_in_production_and_off_in_tests():
    import importlib

    import luntan.settings.production as production
    assert importlib.reload(production).LUNTAN["ADMIN_2FA_REQUIRED"] is True
    assert settings.LUNTAN["ADMIN_2FA_REQUIRED"] is False


def test_staff_without_it_are_sent_to_set_it_up(clock, required, admin):
    client = signed_in(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/admin/accounts/member/?q=x")
    assert response.status_code == 302
    assert response["Location"] == "/settings/two-factor/?next=%2Fadmin%2Faccounts%2Fmember%2F%3Fq%3Dx"
    assert client.get("/admin/").status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200 and "requires administrators" in text(page)
    # Set up, then the admin opens.
    secret, token = setup_page(client)
    done = client.post(response["Location"], {"code": code_at(secret, clock()), "token": token})
    assert 'href="/admin/accounts/member/?q=x"' in html.unescape(done.content.decode())
    assert client.get("/admin/accounts/member/?q=x").status_code == 200


def test_staff_may_still_log_out(clock, required, admin):
    client = signed_in(admin)
    response = client.post("/admin/logout/")
    assert "two-factor" not in response.get("Location", "") and signed_in_pk(client) is None


def test_without_the_setting_staff_open_the_admin(clock, admin):
    assert signed_in(admin).get("/admin/").status_code == 200


def test_the_requirement_leaves_members_alone(clock, required, member):
    assert signed_in(member).get("/admin/").status_code == 302  # to the admin's login, as before
    assert "/admin/login/" in signed_in(member).get("/admin/")["Location"]


def test_required_staff_cannot_turn_it_off(clock, required, admin):
    secret, _codes = turn_on(admin, clock)
    client = signed_in(admin)
    response = client.post("/settings/two-factor/off/", {"password": PASSWORD, "code": code_at(secret, clock())})
    assert response.status_code == 403
    assert TwoFactor.objects.filter(member=admin).exists()


# --- Turning it off, new recovery codes ---------------------------------------------------------------------------

def test_turning_off_needs_the_password_and_a_code(clock, member):
    secret, _codes = turn_on(member, clock)
    client = signed_in(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/settings/two-factor/off/", {"password": "错的", "code": code_at(secret, clock())})
    assert response.status_code == 400 and "Your password is not correct" in text(response)
    response = client.post("/settings/two-factor/off/", {"password": PASSWORD, "code": "000000"})
    assert response.status_code == 400 and TwoFactor.objects.filter(member=member).exists()
    response = client.post("/settings/two-factor/off/", {"password": PASSWORD, "code": code_at(secret, clock())})
    assert response.status_code == 302
    assert not TwoFactor.objects.filter(member=member).exists()
    assert not RecoveryCode.objects.filter(member=member).exists()
    assert events(member, SecurityEvent.Kind.TWOFACTOR_OFF) == 1
    fresh = visitor()
    assert password_step(fresh, member).status_code == 302 and signed_in_pk(fresh) == member.pk


def test_new_recovery_codes_replace_the_old(clock, member):
    _secret, old = turn_on(member, clock)
    client = signed_in(member)
    assert client.post("/settings/two-factor/recovery-codes/", {"password": "错的"}).status_code == 400
    response = client.post("/settings/two-factor/recovery-codes/", {"password": PASSWORD})
    new = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert events(member, SecurityEvent.Kind.RECOVERY_RENEWED) == 1
    client = visitor()
    password_step(client, member)
    assert code_step(client, old[0]).status_code == 400
    assert code_step(client, new[0]).status_code == 302


def test_an_administrator_can_turn_it_off_for_a_member(clock, admin, member):
    turn_on(member, clock)
    response = signed_in(admin).post(f"/admin/protection/twofactor/{member.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TwoFactor.objects.filter(member=member).exists()
    off = SecurityEvent.objects.get(member=member, kind=SecurityEvent.Kind.TWOFACTOR_OFF)
    assert off.actor_id == admin.pk


def test_bad_input_is_refused_with_a_message(clock, member):
    turn_on(member, clock)
    client = visitor()
    password_step(client, member)
    for bad in ["", " ", "x" * 41, "１２３４５６", "<script>", "12345", "٣٣٣٣٣٣"]:
        response = code_step(client, bad)
        assert response.status_code == 400, bad
    assert signed_in_pk(client) is None
    factory_member = MemberFactory()
    assert not TwoFactor.objects.filter(member=factory_member).exists()
