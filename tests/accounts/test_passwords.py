"""Changing a password (this session stays, the others end) and resetting it by e-mail without revealing
which addresses belong to members."""

import html
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from factories import PASSWORD, MemberFactory

from luntan.accounts.models import Member

from .conftest import english

pytestmark = pytest.mark.django_db

NEW = "换个新密码2025"


def signed_in_pk(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


# --- Change ---------------------------------------------------------------------------------------------

def test_change_needs_login(guest):
    response = guest.get("/password/change/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fpassword%2Fchange%2F&first=1"


def test_change_keeps_this_session_and_ends_the_others(member_client, member):
    elsewhere = Client()
    elsewhere.force_login(member)
    response = member_client.post("/password/change/", {"old_password": PASSWORD, "password1": NEW,
                                                        "password2": NEW})
    assert response.status_code == 302 and response["Location"] == f"/user/{member.pk}/"
    member.refresh_from_db()
    assert member.check_password(NEW)
    assert signed_in_pk(member_client) == member.pk
    assert "Your password has been changed." in member_client.get(response["Location"]).content.decode()
    elsewhere.get("/")
    assert signed_in_pk(elsewhere) is None


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"old_password": "不对的旧密码", "password1": NEW, "password2": NEW}, "old_password",
     "Your current password is not correct."),
    ({"old_password": PASSWORD, "password1": NEW, "password2": NEW + "x"}, "password2",
     "The two passwords do not match."),
    ({"old_password": PASSWORD, "password1": "password", "password2": "password"}, "password1",
     "This password is too common."),
    ({"old_password": "", "password1": "", "password2": ""}, "old_password",
     "Please enter your current password."),
])
def test_change_refused_leaves_the_password(member_client, member, data, field, message):
    response = member_client.post("/password/change/", data)
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert message in page
    assert f'aria-describedby="id_{field}-errors' in page
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


# --- Reset ----------------------------------------------------------------------------------------------

def reset_link() -> str:
    assert len(mail.outbox) == 1
    found = re.search(r"http://testserver(/password/reset/[^/\s]+/[^/\s]+/)", mail.outbox[0].body)
    assert found, mail.outbox[0].body
    return found.group(1)


def test_full_reset_flow(guest):
    member = MemberFactory(username="忘了密码", email="wangle@example.com")
    response = guest.post("/password/reset/", {"email": "WANGLE@example.com"})
    assert response.status_code == 302 and response["Location"] == "/password/reset/sent/"
    assert mail.outbox[0].to == ["wangle@example.com"]
    assert "忘了密码" in mail.outbox[0].body
    link = reset_link()

    # The link's token moves at once out of the address bar, into a cookie only the form's page receives.
    response = guest.get(link)
    assert response.status_code == 302
    assert response["Location"].endswith("/set-password/")
    form_url = response["Location"]
    cookie = response.cookies["luntan_reset"]
    assert cookie["path"] == form_url and cookie["httponly"] and 0 < int(cookie["max-age"]) <= 3600
    page = guest.get(form_url).content.decode()
    assert "忘了密码" in page and 'autocomplete="new-password"' in page

    response = guest.post(form_url, {"password1": NEW, "password2": NEW + "!"})
    assert response.status_code == 400
    assert "The two passwords do not match." in response.content.decode()

    response = guest.post(form_url, {"password1": NEW, "password2": NEW})
    assert response.status_code == 302 and response["Location"] == "/password/reset/done/"
    assert response.cookies["luntan_reset"].value == ""  # forgotten
    member.refresh_from_db()
    assert member.check_password(NEW)
    assert guest.get("/password/reset/done/").status_code == 200

    # The link works once.
    response = guest.get(link, follow=True)
    assert response.status_code == 400
    assert "This link is no longer valid" in response.content.decode()
    # And the new password logs in.
    response = guest.post("/login/", {"login": "忘了密码", "password": NEW})
    assert response.status_code == 302


def test_opening_reset_links_writes_no_session(guest):
    MemberFactory(email="known@example.com")
    guest.post("/password/reset/", {"email": "known@example.com"})
    link = reset_link()
    sessions = Session.objects.count()
    for _ in range(5):  # anyone who has (or guesses) a link, without cookies
        visitor = Client()
        form_url = visitor.get(link)["Location"]
        assert visitor.get(form_url).status_code == 200
        assert visitor.get(link.replace("/password/reset/", "/password/reset/x")).status_code in (302, 400)
    assert Session.objects.count() == sessions


def test_reset_link_token_cannot_be_forged_in_the_cookie(guest, member):
    form_url = f"/password/reset/{b64(str(member.pk))}/set-password/"
    guest.cookies["luntan_reset"] = default_token_generator.make_token(member)  # not signed by the site
    guest.cookies["luntan_reset"]["path"] = form_url
    assert guest.get(form_url).status_code == 400


def test_reset_page_reads_the_same_for_unknown_addresses(guest):
    MemberFactory(email="known@example.com")
    known = guest.post("/password/reset/", {"email": "known@example.com"})
    unknown = english(Client()).post("/password/reset/", {"email": "unknown@example.com"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1
    sent = guest.get(known["Location"]).content.decode()
    assert "If an account uses that address" in sent


def test_reset_skips_disabled_members(guest):
    MemberFactory(email="gone@example.com", is_active=False)
    assert guest.post("/password/reset/", {"email": "gone@example.com"})["Location"] == "/password/reset/sent/"
    assert mail.outbox == []


def test_reset_request_with_a_bad_address_is_explained(guest):
    response = guest.post("/password/reset/", {"email": "不是地址"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Please enter a valid e-mail address." in page and 'value="不是地址"' in page


def test_failing_mail_server_does_not_show(guest, monkeypatch):
    MemberFactory(email="known@example.com")

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("luntan.accounts.services.send_mail", broken)
    response = guest.post("/password/reset/", {"email": "known@example.com"})
    assert response["Location"] == "/password/reset/sent/"


def b64(text: str) -> str:
    return urlsafe_base64_encode(force_bytes(text))


@pytest.mark.parametrize("uidb64", ["!!!", "x", b64("abc"), b64("-1"), b64("99999999999999999999999"),
                                    b64("999999"), b64("１２")])
def test_garbled_links_get_a_clear_page(guest, uidb64):
    response = guest.get(f"/password/reset/{uidb64}/some-token/", follow=True)
    assert response.status_code == 400
    assert "This link is no longer valid" in response.content.decode()


def test_wrong_token_for_a_real_member(guest, member):
    response = guest.get(f"/password/reset/{b64(str(member.pk))}/1a-{'0' * 32}/", follow=True)
    assert response.status_code == 400


def test_token_for_another_member_does_not_work(guest):
    one, other = MemberFactory(), MemberFactory()
    token = default_token_generator.make_token(one)
    response = guest.get(f"/password/reset/{b64(str(other.pk))}/{token}/", follow=True)
    assert response.status_code == 400
    response = guest.post(f"/password/reset/{b64(str(other.pk))}/set-password/",
                          {"password1": NEW, "password2": NEW})
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.check_password(PASSWORD)


def test_set_password_page_without_a_link_is_refused(guest, member):
    response = guest.get(f"/password/reset/{b64(str(member.pk))}/set-password/")
    assert response.status_code == 400
    assert Member.objects.get(pk=member.pk).check_password(PASSWORD)
