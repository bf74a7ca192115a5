"""The language switch is a small POST form in every page's footer: a link cannot switch anyone's
language, and a guest's page with the form is still kept whole for every guest."""

import importlib
import re
import sys

import pytest
from django.conf import settings
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def test_a_link_to_the_switch_changes_nothing(make_thread):
    # What an [img]/lang/en/?next=/[/img] in a post makes every reader's browser do.
    thread = make_thread()
    client = Client()
    response = client.get("/lang/en/", {"next": f"/thread/{thread.pk}/"})
    assert response.status_code == 200 and COOKIE not in response.cookies
    assert '<html lang="zh-Hans">' in client.get(f"/thread/{thread.pk}/").content.decode()
    # The page only offers the choice, back to where the link pointed.
    page = response.content.decode()
    assert f'<input type="hidden" name="next" value="/thread/{thread.pk}/">' in page
    assert '<form method="post" action="/lang/en/"' in page


def test_the_footer_form_switches_and_goes_back(make_thread):
    thread = make_thread(replies=1)
    client = Client()
    page = client.get(f"/thread/{thread.pk}/?page=1").content.decode()
    form = re.search(r'<form method="post" action="/lang/en/" class="inline">(.*?)</form>', page, re.S)
    assert form, page.split("<footer")[1]
    back = re.search(r'name="next" value="([^"]+)"', form.group(1)).group(1)
    assert back == f"/thread/{thread.pk}/"  # back to the page as it is kept: page 1 needs no parameter
    assert "csrfmiddlewaretoken" not in form.group(1)  # the origin is checked instead

    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    response = strict.post("/lang/en/", {"next": back}, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 302 and response["Location"] == back
    cookie = response.cookies[COOKIE]
    assert cookie.value == "en" and cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    page = strict.get(back).content.decode()
    assert 'lang="en"' in page and "Original post" in page
    # Now the form offers Chinese.
    assert '<form method="post" action="/lang/zh-hans/"' in page and 'action="/lang/en/"' not in page


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
])
def test_another_sites_form_cannot_switch_the_language(headers):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/lang/en/", {"next": "/"}, headers=headers)
    assert response.status_code == 403 and COOKIE not in response.cookies
    assert 'lang="zh-Hans"' in client.get("/").content.decode()


@pytest.mark.parametrize("headers", [{"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://testserver"}, {}])
def test_our_own_pages_switch_the_language_without_a_token(headers):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/lang/en/", {"next": "/"}, headers=headers)
    assert response.status_code == 302 and response.cookies[COOKIE].value == "en"


def test_a_guests_page_sets_no_cookie(make_thread):
    # No form token on a guest's page: no new secret and no Set-Cookie for every guest who reads it.
    thread = make_thread(replies=1)
    for path in ("/", f"/thread/{thread.pk}/", f"/board/{thread.board_id}/"):
        response = Client().get(path)
        assert response.status_code == 200 and not response.cookies, (path, response.cookies)


def test_an_unknown_language_changes_nothing():
    client = Client()
    client.post("/lang/en/", {"next": "/"})
    response = client.post("/lang/xx/", {"next": "/"})
    assert response.status_code == 302 and COOKIE not in response.cookies
    assert client.cookies[COOKIE].value == "en"


@override_settings(LANGUAGE_COOKIE_SECURE=True)
def test_the_cookie_is_secure_when_the_site_is():
    assert Client().post("/lang/en/", {"next": "/"}).cookies[COOKIE]["secure"]


def test_production_over_https_makes_the_cookie_secure(monkeypatch):
    monkeypatch.setenv("LUNTAN_HTTPS", "1")
    monkeypatch.delitem(sys.modules, "luntan.settings.production", raising=False)
    production = importlib.import_module("luntan.settings.production")
    monkeypatch.delitem(sys.modules, "luntan.settings.production")
    assert production.LANGUAGE_COOKIE_SECURE and production.SESSION_COOKIE_SECURE


def test_guests_share_one_kept_page(make_thread, django_assert_num_queries):
    thread = make_thread()
    first = Client().get(f"/thread/{thread.pk}/").content.decode()
    with django_assert_num_queries(0):  # the kept copy: not rendered again
        second = Client().get(f"/thread/{thread.pk}/").content.decode()
    assert first == second and 'action="/lang/en/"' in second
    assert "<!--hole:" not in second
