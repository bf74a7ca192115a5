"""The security log: one row for each sign-in, failed sign-in, sign-out, password and e-mail change and
administrator's change, with the address and browser; none on a page view; each member sees only their own
(paged, in the same number of queries however many there are), administrators all of it, read-only."""

import html
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from factories import PASSWORD
from helpers import signed_in

from luntan.accounts.models import MemberGroup
from luntan.protection import securitylog
from luntan.protection.models import SecurityEvent

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Safari/537.36")


def visitor(address: str = "10.0.0.7") -> Client:
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=CHROME)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def kinds(member) -> list[str]:
    return list(SecurityEvent.objects.filter(member=member).order_by("id").values_list("kind", flat=True))


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_sign_in_is_logged_with_address_and_browser(member):
    client = visitor()
    assert client.post("/login/", {"login": member.username, "password": PASSWORD}).status_code == 302
    event = SecurityEvent.objects.get(member=member)
    assert (event.kind, event.address, event.user_agent) == (Kind.SIGNIN, "10.0.0.7", CHROME)
    assert securitylog.agent_summary(event.user_agent) == "Chrome · Windows"


def test_a_wrong_password_is_logged_for_an_existing_account_only(member):
    client = visitor()
    client.post("/login/", {"login": member.username, "password": "猜错了"})
    client.post("/login/", {"login": "没有这个人", "password": "猜错了"})
    assert kinds(member) == [Kind.SIGNIN_FAILED]
    assert SecurityEvent.objects.count() == 1


def test_signing_out_is_logged(member):
    client = visitor()
    client.post("/login/", {"login": member.username, "password": PASSWORD})
    client.post("/logout/")
    assert kinds(member) == [Kind.SIGNIN, Kind.SIGNOUT]


def test_a_password_change_is_logged(member):
    client = visitor()
    client.force_login(member)
    SecurityEvent.objects.all().delete()
    response = client.post("/password/change/", {"old_password": PASSWORD, "password1": "新的密码也不好猜456",
                                                  "password2": "新的密码也不好猜456"})
    assert response.status_code == 302
    assert kinds(member) == [Kind.PASSWORD_CHANGE]
    # A refused change is not one.
    client.post("/password/change/", {"old_password": "错的", "password1": "x", "password2": "x"})
    assert kinds(member) == [Kind.PASSWORD_CHANGE]


def test_a_password_reset_is_logged(member):
    client = visitor()
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    form = client.get(f"/password/reset/{uid}/{token}/")["Location"]
    response = client.post(form, {"password1": "新的密码也不好猜456", "password2": "新的密码也不好猜456"})
    assert response.status_code == 302
    event = SecurityEvent.objects.get(member=member)
    assert (event.kind, event.address) == (Kind.PASSWORD_RESET, "10.0.0.7")


def test_a_password_change_on_the_admins_own_page_is_logged(admin):
    client = signed_in(admin)
    SecurityEvent.objects.all().delete()
    client.post("/admin/password_change/", {"old_password": "错的", "new_password1": "x", "new_password2": "x"})
    assert kinds(admin) == []
    response = client.post("/admin/password_change/", {"old_password": PASSWORD, "new_password1": "新的密码也不好猜456",
                                                       "new_password2": "新的密码也不好猜456"})
    assert response.status_code == 302
    assert kinds(admin) == [Kind.PASSWORD_CHANGE]


def test_an_email_change_by_an_administrator_is_logged_for_the_member(admin, member):
    client = signed_in(admin)
    SecurityEvent.objects.all().delete()
    response = client.post(f"/admin/accounts/member/{member.pk}/change/", {
        "username": member.username, "email": "new-address@example.com", "group": member.group_id,
        "custom_title": "", "is_active": "on"})
    assert response.status_code == 302
    change = SecurityEvent.objects.get(member=member)
    assert change.kind == Kind.EMAIL_CHANGE and change.actor_id == admin.pk
    assert "new-address@example.com" in change.detail
    # The administrator's own log holds the admin change.
    assert kinds(admin) == [Kind.ADMIN_CHANGE]


def test_every_admin_change_is_logged(admin):
    client = signed_in(admin)
    client.defaults.update(REMOTE_ADDR="10.0.0.9", HTTP_USER_AGENT=CHROME)
    SecurityEvent.objects.all().delete()
    group = MemberGroup.objects.create(name="测试组", kind=MemberGroup.Kind.SPECIAL)
    data = {"name": "改了名的组", "kind": "special", "color": "", "order": 3, "credits_from": 0, "stars": 0,
            "daily_mood_votes": 0, "max_signature_chars": 0, "max_attachment_kb": 0, "wheel_spins_per_day": 0,
            "max_mentions": 0, "max_thread_price": 0}
    response = client.post(f"/admin/accounts/membergroup/{group.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = SecurityEvent.objects.get(member=admin)
    assert (event.kind, event.address, event.user_agent) == (Kind.ADMIN_CHANGE, "10.0.0.9", CHROME)
    assert "改了名的组" in event.detail
    # Several deleted at once (the "delete selected" action): one event each.
    others = [MemberGroup.objects.create(name=f"临时组{i}", kind=MemberGroup.Kind.SPECIAL) for i in range(2)]
    response = client.post("/admin/accounts/membergroup/", {
        "action": "delete_selected", "_selected_action": [g.pk for g in others], "post": "yes"})
    assert response.status_code == 302
    assert SecurityEvent.objects.filter(member=admin, kind=Kind.ADMIN_CHANGE).count() == 3


def test_a_page_view_writes_nothing(member_client, thread, board):
    before = SecurityEvent.objects.count()
    for path in ["/", f"/board/{board.pk}/", f"/thread/{thread.pk}/", "/members/", "/settings/security/",
                 "/settings/two-factor/"]:
        assert member_client.get(path).status_code == 200, path
    assert SecurityEvent.objects.count() == before


def make_events(member, n: int, *, kind=Kind.SIGNIN_FAILED, address="10.1.1.1") -> None:
    now = timezone.now()
    SecurityEvent.objects.bulk_create([
        SecurityEvent(member=member, kind=kind, address=address, user_agent=CHROME, at=now - timedelta(minutes=i))
        for i in range(n)])


def test_a_member_sees_only_their_own(member, other_member):
    client = signed_in(member)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    SecurityEvent.objects.all().delete()
    make_events(member, 2, address="10.1.1.1")
    make_events(other_member, 2, address="10.2.2.2")
    page = text(client.get("/settings/security/"))
    assert page.count("10.1.1.1") == 2 and "10.2.2.2" not in page
    assert "Chrome · Windows" in page and "failed sign-in" in page


def test_a_guest_is_sent_to_log_in(client):
    response = client.get("/settings/security/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_log_is_paged(member):
    client = signed_in(member)
    SecurityEvent.objects.all().delete()
    make_events(member, securitylog.PER_PAGE + 3, address="10.1.1.1")
    first, second = client.get("/settings/security/"), client.get("/settings/security/?page=2")
    assert text(first).count("10.1.1.1") == securitylog.PER_PAGE
    assert text(second).count("10.1.1.1") == 3
    assert client.get("/settings/security/?page=abc").status_code == 200
    assert client.get("/settings/security/?page=99999999999999999999").status_code == 200


def test_the_log_page_costs_the_same_queries_for_1_or_20_events(member, django_assert_max_num_queries):
    client = signed_in(member)
    client.get("/settings/security/")  # the session, the member: warm
    counts = []
    for n in (1, 19):
        make_events(member, n)
        SecurityEvent.objects.filter(member=member).update(actor=member)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/settings/security/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 6, counts


def test_administrators_see_all_read_only(admin, member):
    make_events(member, 1, address="10.3.3.3")
    client = signed_in(admin)
    page = client.get("/admin/protection/securityevent/")
    assert page.status_code == 200 and "10.3.3.3" in text(page)
    event = SecurityEvent.objects.filter(member=member).first()
    assert client.get("/admin/protection/securityevent/add/").status_code == 403
    assert client.post(f"/admin/protection/securityevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/protection/securityevent/{event.pk}/change/", {"detail": "x"}).status_code == 403
    assert SecurityEvent.objects.filter(pk=event.pk, detail="").exists()


def test_the_log_page_is_linked_from_the_member_menu(member_client):
    assert 'href="/settings/security/"' in member_client.get("/").content.decode()
