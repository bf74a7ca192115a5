"""Proves the browser fixture: chromium opens the live site. The real journeys live beside this file."""

import pytest

pytestmark = pytest.mark.browser


def test_home_page_opens_in_a_real_browser(browser_page, page_errors, settings):
    response = browser_page.goto("/")

    assert response is not None and response.status == 200
    assert settings.LUNTAN["SITE_NAME"] in browser_page.title()
    assert page_errors == []  # no script error, no CSP violation


def test_language_switch_is_a_button_that_takes_the_reader_back(browser_page, page_errors, thread):
    browser_page.goto(f"/thread/{thread.pk}/")
    assert browser_page.locator("html").get_attribute("lang") == "zh-Hans"
    browser_page.get_by_role("button", name="English").click()
    browser_page.wait_for_url(f"**/thread/{thread.pk}/")
    assert browser_page.locator("html").get_attribute("lang") == "en"
    assert browser_page.get_by_text("Original post").count() >= 1
    browser_page.get_by_role("button", name="简体中文").click()
    browser_page.wait_for_url(f"**/thread/{thread.pk}/")
    assert browser_page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page_errors == []
