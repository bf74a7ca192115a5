"""Logging in by name (any letter case) or e-mail, a message that does not say which part was wrong, a
`next` that never leaves the site, and logging out by POST only."""

import html

import pytest
from django.test import Client
from factories import PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db

WRONG = "The username or password is not correct."


@pytest.fixture
def lilei(db):
    return MemberFactory(username="LiLei李雷", email="LiLei@Example.com")


def signed_in_pk(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def test_get_shows_the_form_with_next(guest):
    page = guest.get("/login/?next=/board/3/").content.decode()
    assert 'name="login"' in page and 'autocomplete="current-password"' in page
    assert '<input type="hidden" name="next" value="/board/3/">' in page


@pytest.mark.parametrize("login", ["LiLei李雷", "lilei李雷", "LILEI李雷", " lilei李雷 ", "ｌｉｌｅｉ李雷",
                                   "lilei@example.com", "LILEI@EXAMPLE.COM"])
def test_login_by_name_in_any_case_or_by_email(guest, lilei, login):
    assert lilei.last_login is None
    response = guest.post("/login/", {"login": login, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_pk(guest) == lilei.pk
    lilei.refresh_from_db()
    assert lilei.last_login is not None
    assert "Welcome back, LiLei李雷." in guest.get("/").content.decode()


@pytest.mark.parametrize(("login", "password"), [
    ("LiLei李雷", "wrong password"),
    ("没有这个人", PASSWORD),
    ("nobody@example.com", PASSWORD),
])
def test_wrong_details_get_one_message_and_keep_the_name(guest, lilei, login, password):
    response = guest.post("/login/", {"login": login, "password": password})
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert WRONG in page
    assert f'value="{login}"' in page
    assert password not in page
    assert signed_in_pk(guest) is None


def test_disabled_member_gets_the_same_message(guest):
    MemberFactory(username="封禁的人", is_active=False)
    response = guest.post("/login/", {"login": "封禁的人", "password": PASSWORD})
    assert response.status_code == 400 and WRONG in html.unescape(response.content.decode())
    assert signed_in_pk(guest) is None


def test_empty_form_says_what_is_missing(guest):
    response = guest.post("/login/", {"login": "", "password": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Please enter your username or e-mail." in page and "Please enter your password." in page


def test_next_on_this_site_is_followed(guest, lilei):
    response = guest.post("/login/", {"login": "LiLei李雷", "password": PASSWORD, "next": "/board/3/?page=2"})
    assert response["Location"] == "/board/3/?page=2"


@pytest.mark.parametrize("target", [
    "https://evil.example", "https://evil.example/login/", "//evil.example", "http:evil.example",
    "javascript:alert(1)", "/\\evil.example", "https:///evil.example", "/login/", "/logout/",
    # Bare words, which Django's redirect() would take for the names of views.
    "foo", "home", "forum:home", "accounts:login",
    # Browsers drop tabs and newlines, which would leave "//evil.example".
    "/\t/evil.example", "/\n/evil.example", "\x00/", "/board/\x00",
])
def test_next_elsewhere_is_ignored(guest, lilei, target):
    response = guest.post("/login/", {"login": "LiLei李雷", "password": PASSWORD, "next": target})
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_pk(guest) == lilei.pk


def test_a_bare_word_next_in_the_address_is_not_put_into_the_form(guest):
    page = guest.get("/login/?next=foo").content.decode()
    assert '<input type="hidden" name="next" value="/">' in page


def test_next_elsewhere_is_not_put_into_the_form(guest):
    page = guest.get("/login/?next=https://evil.example").content.decode()
    assert '<input type="hidden" name="next" value="/">' in page


def test_logout_get_asks_and_keeps_the_session(member_client, member):
    response = member_client.get("/logout/")
    assert response.status_code == 200
    assert '<form method="post" action="/logout/">' in response.content.decode()
    assert signed_in_pk(member_client) == member.pk


def test_logout_post_ends_the_session(member_client):
    response = member_client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_pk(member_client) is None
    assert "You have logged out." in member_client.get("/").content.decode()


def test_logout_needs_the_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post("/logout/").status_code == 403
    assert signed_in_pk(client) == member.pk


def test_logout_as_a_guest_just_goes_home(guest):
    assert guest.get("/logout/")["Location"] == "/"
    assert guest.post("/logout/")["Location"] == "/"


def test_an_empty_post_is_a_form_with_messages(guest):
    for url in ("/login/", "/register/", "/password/reset/"):
        response = guest.post(url)
        assert response.status_code == 400 and 'aria-invalid="true"' in response.content.decode()
