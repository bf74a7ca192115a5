"""What assistive technology reads first, checked without a browser (tests/browser/test_accessibility.py
holds every page to axe-core in chromium): the page's language and its one h1."""

from django.conf import settings
from django.test import Client


def test_pages_name_their_language_as_screen_readers_know_it(db):
    client = Client()
    assert '<html lang="zh-Hans">' in client.get("/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert '<html lang="en">' in client.get("/").content.decode()


def test_home_page_has_one_h1(db, board):
    html = Client().get("/").content.decode()
    assert html.count("<h1") == 1
    assert html.count("<h2") >= 2  # the category and who is online sit under it
