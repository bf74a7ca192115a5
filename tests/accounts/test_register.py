"""Registration: a Chinese name signs up and is signed in; every bad input is explained on the form, keeps
what was typed and creates no member."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from factories import MemberFactory

from luntan.accounts import services
from luntan.accounts.models import Member

pytestmark = pytest.mark.django_db

GOOD = {"username": "张小凡", "email": "xiaofan@example.com", "password1": "青云门下弟子2024",
        "password2": "青云门下弟子2024"}


def signed_in_pk(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def test_form_is_accessible(guest):
    page = guest.get("/register/").content.decode()
    assert 'for="id_username"' in page and 'autocomplete="username"' in page
    assert 'autocomplete="new-password"' in page and 'autocomplete="email"' in page
    assert 'aria-invalid' not in page


def test_chinese_name_registers_and_is_signed_in(guest):
    response = guest.post("/register/", GOOD)
    assert response.status_code == 302 and response["Location"] == "/"
    member = Member.objects.get(username="张小凡")
    assert member.email == "xiaofan@example.com"
    assert member.check_password(GOOD["password1"])
    assert member.group is not None and member.group.is_default
    assert signed_in_pk(guest) == member.pk
    home = guest.get("/").content.decode()
    assert "Welcome to" in home and "张小凡" in home


def test_registration_goes_back_to_next(guest, member):
    response = guest.post("/register/", {**GOOD, "next": "/user/1/"})
    assert response["Location"] == "/user/1/"


@pytest.mark.parametrize("target", ["https://evil.example/steal", "foo", "home", "forum:home", "/\t/evil.example"])
def test_registration_ignores_a_next_that_is_not_a_path_here(guest, target):
    response = guest.post("/register/", {**GOOD, "next": target})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_pk(guest) == Member.objects.get(username="张小凡").pk


def test_name_is_stored_normalized(guest):
    guest.post("/register/", {**GOOD, "username": "Ｚｈａｎｇ3"})
    assert Member.objects.filter(username="Zhang3").exists()


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"username": "", "email": "", "password1": "", "password2": ""}, "username", "Please choose a username."),
    ({"username": "张"}, "username", "this one has 1"),
    ({"username": "张" * 16}, "username", "this one has 16"),
    ({"username": "张 小凡"}, "username", "cannot contain spaces"),
    ({"username": "张\u200b小凡"}, "username", "invisible characters"),
    ({"username": "20240101"}, "username", "cannot be only digits"),
    ({"username": "张小凡!"}, "username", "is not allowed"),
    ({"username": "OLD_TIMER"}, "username", "This username is already taken."),
    ({"email": "OLD@Example.COM"}, "email", "This e-mail address is already registered."),
    ({"email": "not-an-address"}, "email", "Please enter a valid e-mail address."),
    ({"email": ""}, "email", "Please enter your e-mail address."),
    ({"password2": "另一个密码2024"}, "password2", "The two passwords do not match."),
    ({"password1": "12345678", "password2": "12345678"}, "password1", "This password is too common."),
    ({"password1": "abc", "password2": "abc"}, "password1", "This password is too short."),
    ({"username": "xiaofan2024", "password1": "xiaofan2024!", "password2": "xiaofan2024!"}, "password1",
     "too similar to the username"),
])
def test_bad_input_is_explained_and_kept(guest, change, field, message):
    MemberFactory(username="old_timer", email="old@example.com")
    before = Member.objects.count()
    data = {**GOOD, **change}
    response = guest.post("/register/", data)
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert message in page
    assert f'id="id_{field}"' in page
    assert f'aria-describedby="id_{field}-errors' in page and 'aria-invalid="true"' in page
    # What was typed is still there, except the passwords, which are never sent back.
    if data["username"]:
        assert f'value="{data["username"]}"' in page
    if data["email"]:
        assert f'value="{data["email"]}"' in page
    assert GOOD["password1"] not in page
    assert Member.objects.count() == before
    assert signed_in_pk(guest) is None


def test_all_problems_are_shown_at_once(guest):
    response = guest.post("/register/", {"username": "1", "email": "x", "password1": "a", "password2": "b"})
    page = response.content.decode()
    assert page.count('aria-invalid="true"') == 3


def _racing(monkeypatch, **other):
    """Another registration with `other` commits after this one's checks, and its insert is not yet
    visible to this one's re-check in the transaction: only the unique indexes can stop the insert."""
    MemberFactory(**other)
    monkeypatch.setattr(services, "check_username", lambda raw, **kwargs: raw)
    monkeypatch.setattr(services, "check_email", lambda raw: raw)
    monkeypatch.setattr(services, "_clashes", lambda member: {})


def test_service_refuses_a_name_taken_between_check_and_write(monkeypatch):
    """Two people send the same name at once: the database's unique index stops the second one, and the
    member reads the usual message instead of an error page."""
    _racing(monkeypatch, username="抢注的名字", email="first@example.com")
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.member_register(username="抢注的名字", email="second@example.com", password=GOOD["password1"],
                                 address=None)
    assert caught.value.message_dict == {"username": ["This username is already taken."]}
    assert Member.objects.filter(username="抢注的名字").count() == 1


def test_service_blames_the_email_when_the_email_was_taken_between_check_and_write(monkeypatch):
    """The same race on the address: the member is told the address is registered, not the name."""
    _racing(monkeypatch, username="先到的人", email="Same@Example.com")
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.member_register(username="后到的人", email="same@example.com", password=GOOD["password1"],
                                 address=None)
    assert caught.value.message_dict == {"email": ["This e-mail address is already registered."]}
    assert not Member.objects.filter(username="后到的人").exists()


def test_service_names_both_fields_when_both_were_taken_between_check_and_write(monkeypatch):
    _racing(monkeypatch, username="同时到", email="both@example.com")
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        services.member_register(username="同时到", email="both@example.com", password=GOOD["password1"],
                                 address=None)
    assert caught.value.message_dict == {"username": ["This username is already taken."],
                                         "email": ["This e-mail address is already registered."]}


def test_register_page_shows_a_raced_email_on_the_email_field(guest, monkeypatch):
    _racing(monkeypatch, username="先到的人", email=GOOD["email"])
    response = guest.post("/register/", GOOD)
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert 'aria-describedby="id_email-errors' in page and "This e-mail address is already registered." in page
    assert "This username is already taken." not in page


def test_register_page_never_fails_on_odd_input(guest):
    body = b"username=%00%ff%fe&email=%40&password1=" + b"x" * 5000 + b"&next=javascript:alert(1)"
    response = guest.post("/register/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "javascript:" not in response.content.decode()
    assert Member.objects.count() == 0
