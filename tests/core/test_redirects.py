"""Every `next` a visitor brings is followed only to a path on this site; anything else goes home, never
to an error page."""

import pytest
from django.test import Client

from luntan.core.redirects import safe_next

GOOD = ["/", "/board/3/", "/board/3/?page=2&sort=new", "/thread/7/#floor-3", "/user/1/?q=%E4%BD%A0", "/论坛/"]
BAD = [
    None, "", "foo", "home", "forum:home", "accounts:login", "%FF", "\ufffd", "https://evil.example/",
    "http:evil.example", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", "data:text/html,x", " /board/", "/\t/evil.example", "/\n/evil.example",
    "/\r\nSet-Cookie:x=1", "/board/\x00", "/board/\x7f", "/board/\u2028", "/" + "a" * 3000, ["/"],
]


@pytest.mark.parametrize("raw", GOOD)
def test_a_path_on_this_site_is_kept(raw):
    assert safe_next(raw) == raw


@pytest.mark.parametrize("raw", BAD)
def test_anything_else_goes_home(raw):
    assert safe_next(raw) == "/"


@pytest.mark.parametrize("target", ["foo", "home", "\ufffd", "https://evil.example/", "/\t/evil.example"])
def test_language_switch_with_a_bad_next_goes_home(db, target):
    response = Client().post("/lang/en/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize("url", ["/lang/en/?next=foo", "/lang/en/?next=home", "/lang/%FF/?next=%FF"])
def test_language_page_with_a_bad_next_is_no_error(db, url):
    response = Client().get(url)
    assert response.status_code == 200
    assert '<input type="hidden" name="next" value="/">' in response.content.decode()
