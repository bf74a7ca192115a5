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


@pytest.mark.parametrize("query", ["next=foo", "next=home", "next=%FF", "next=https://evil.example/",
                                   "next=%2F%09%2Fevil.example"])
def test_language_switch_with_a_bad_next_goes_home(db, query):
    response = Client().get(f"/lang/en/?{query}")
    assert response.status_code == 302 and response["Location"] == "/"


def test_language_switch_with_a_garbled_code_goes_home(db):
    response = Client().get("/lang/%FF/?next=%FF")
    assert response.status_code == 302 and response["Location"] == "/"
