"""Proves the browser fixture: chromium opens the live site. The real journeys live beside this file."""

import pytest

pytestmark = pytest.mark.browser


def test_home_page_opens_in_a_real_browser(browser_page, page_errors, settings):
    response = browser_page.goto("/")

    assert response is not None and response.status == 200
    assert settings.LUNTAN["SITE_NAME"] in browser_page.title()
    assert page_errors == []  # no script error, no CSP violation
