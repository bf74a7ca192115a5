"""No GET that an image, a link preview or another site can make changes anything: requests a browser
makes for an image (or a script, a style sheet, a frame) never reach a page, and the pages that used to
leave a flash message for the next page now say it on the page itself, writing no session."""

import re

import pytest
from django.conf import settings
from django.test import Client
from helpers import signed_in

from luntan.forum import services

pytestmark = pytest.mark.django_db


def _wrote_session_or_message(client: Client, response) -> bool:
    written = {settings.SESSION_COOKIE_NAME, "messages"} & set(response.cookies)
    return bool(written) or "_messages" in client.session


@pytest.mark.parametrize("destination", ["image", "script", "style", "font", "audio", "video", "object",
                                         "embed", "iframe", "frame"])
def test_a_page_fetched_as_an_image_or_a_script_is_refused(thread, destination):
    newest = f"/thread/{thread.pk}/next/"
    response = Client().get(newest, HTTP_SEC_FETCH_DEST=destination)
    assert response.status_code == 403
    assert not response.cookies
    member = signed_in(thread.author)
    for url in (newest, f"/thread/{thread.pk}/", "/lang/en/"):
        response = member.get(url, HTTP_SEC_FETCH_DEST=destination)
        assert response.status_code == 403 and not response.cookies, url


@pytest.mark.parametrize("destination", ["document", "empty", None])
def test_pages_opened_by_the_reader_or_htmx_still_work(thread, destination):
    headers = {"HTTP_SEC_FETCH_DEST": destination} if destination else {}
    assert Client().get(f"/thread/{thread.pk}/", **headers).status_code == 200
    assert Client().get(f"/thread/{thread.pk}/next/", **headers).status_code == 404  # said on the page


def test_another_sites_script_may_not_fetch_a_page(thread):
    url = f"/thread/{thread.pk}/"
    assert Client().get(url, HTTP_SEC_FETCH_DEST="empty", HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert Client().get(url, HTTP_SEC_FETCH_DEST="empty", HTTP_SEC_FETCH_SITE="same-site").status_code == 403
    assert Client().get(url, HTTP_SEC_FETCH_DEST="empty", HTTP_SEC_FETCH_SITE="same-origin").status_code == 200
    # A link followed from another site is a reader's own choice.
    assert Client().get(url, HTTP_SEC_FETCH_DEST="document", HTTP_SEC_FETCH_SITE="cross-site").status_code == 200


def test_files_may_still_be_fetched_as_images(db):
    response = Client().get("/static/core/favicon.svg", HTTP_SEC_FETCH_DEST="image")
    assert response.status_code == 200
    # Uploads are not served by this process in tests, but they are not refused as pages either.
    assert Client().get("/media/a.png", HTTP_SEC_FETCH_DEST="image").status_code != 403


@pytest.mark.parametrize("newer", [True, False])
def test_no_neighbour_is_said_on_the_page_with_no_session_and_no_message(thread, newer):
    url = f"/thread/{thread.pk}/{'next' if newer else 'previous'}/"
    for client in (Client(), signed_in(thread.author)):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 404
        assert ("没有比当前更新的主题" if newer else "没有比当前更早的主题") in html
        assert f'href="/thread/{thread.pk}/"' in html  # back to the thread
        assert not _wrote_session_or_message(client, response)
        # Nor is anything left over for the next page.
        assert "flash" not in client.get(f"/thread/{thread.pk}/").content.decode()


def test_a_member_image_of_a_page_does_nothing_to_its_readers(thread, other_member):
    services.post_reply(author=other_member, thread=thread, fmt="bbcode",
                        source=f"[img]/thread/{thread.pk}/next/[/img] [img]/lang/en/?next=/[/img]")
    services.post_reply(author=other_member, thread=thread, fmt="markdown",
                        source=f"![x](/thread/{thread.pk}/next/) ![y](http://testserver/lang/en/)")
    html = Client().get(f"/thread/{thread.pk}/").content.decode()
    assert re.findall(r'<img[^>]*src="(?!/static/)[^"]*"', html) == []
    assert f"[img]/thread/{thread.pk}/next/[/img]" in html  # shown as the text the member typed


def test_a_members_page_sends_a_guest_to_log_in_and_says_why_without_a_session(thread):
    guest = Client()
    response = guest.get(f"/thread/{thread.pk}/reply/")
    assert response.status_code == 302 and not _wrote_session_or_message(guest, response)
    page = guest.get(response["Location"]).content.decode()
    assert "请先登录" in page
    assert f'name="next" value="/thread/{thread.pk}/reply/"' in page
    # Opening the login page from the menu does not claim the visitor was sent there.
    assert "请先登录" not in guest.get(f"/login/?next=/thread/{thread.pk}/").content.decode()


def test_the_admins_own_pages_load_its_translation_catalog_as_a_script(admin):
    staff = signed_in(admin)
    url = "/admin/jsi18n/"
    assert staff.get(url, HTTP_SEC_FETCH_DEST="script", HTTP_SEC_FETCH_SITE="same-origin").status_code == 200
    assert staff.get(url, HTTP_SEC_FETCH_DEST="script", HTTP_SEC_FETCH_SITE="cross-site").status_code == 403


def test_a_flash_message_still_reaches_the_next_page_through_the_cookie(member):
    """The messages' cookie signer is made only on use (luntan.core.messages): a message written on one
    response is read, signed and all, on the next."""
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse

    from luntan.core.messages import LazyFallbackStorage

    client = signed_in(member)

    request = HttpRequest()
    request.session = client.session
    storage = LazyFallbackStorage(request)
    storage.add(20, "已保存")
    reply = HttpResponse()
    storage.update(reply)
    assert CookieStorage.cookie_name in reply.cookies
    again = HttpRequest()
    again.COOKIES[CookieStorage.cookie_name] = reply.cookies[CookieStorage.cookie_name].value
    again.session = client.session
    assert [m.message for m in LazyFallbackStorage(again)] == ["已保存"]
