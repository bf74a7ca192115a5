"""A kept page whose period ran out (nothing was written to it) is rendered again by one process, while the
others serve the copy of the last period they hold: the workers do not all render the same page at once."""

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory

from luntan.core import pagecache


@pytest.fixture
def period(monkeypatch) -> list[int]:
    """The current period of every kept thing, set by the test."""
    now = [100]
    monkeypatch.setattr(pagecache, "time_bucket", lambda name: now[0])
    cache.clear()
    yield now
    cache.clear()


class Page:
    """A page's renderer that counts its renders and says which render made the page."""

    def __init__(self) -> None:
        self.renders = 0

    def __call__(self) -> HttpResponse:
        self.renders += 1
        return HttpResponse(f"<p>render {self.renders}</p>")


def _serve(page: Page) -> str:
    request = RequestFactory().get("/board/3/")
    return pagecache.kept_page(request, ("board:3",), page).content.decode()


def test_a_new_period_is_rendered_once_and_the_others_serve_the_last_copy_meanwhile(period, monkeypatch):
    page = Page()
    assert _serve(page) == "<p>render 1</p>"
    assert _serve(page) == "<p>render 1</p>" and page.renders == 1  # kept
    period[0] += 1
    # Another process is rendering the new period (it holds the render's lock): this one serves the copy it
    # holds and renders nothing.
    asked: list[str] = []
    taken = [True]
    real_add = cache.add
    monkeypatch.setattr(cache, "add", lambda key, *a, **k: False if key.startswith("rendering:") and taken[0]
                        and not asked.append(key) else real_add(key, *a, **k))
    assert _serve(page) == "<p>render 1</p>" and page.renders == 1
    assert len(asked) == 1
    # Once nobody renders it, the next request does, once, and lets the lock go.
    taken[0] = False
    assert _serve(page) == "<p>render 2</p>"
    assert _serve(page) == "<p>render 2</p>" and page.renders == 2
    assert cache.get(asked[0]) is None


def test_a_write_is_never_hidden_behind_the_last_copy(period):
    page = Page()
    assert _serve(page) == "<p>render 1</p>"
    pagecache.bump_now("board:3")
    period[0] += 1
    assert _serve(page) == "<p>render 2</p>"  # a new version: rendered at once, whoever else renders


def test_a_process_with_no_copy_renders_at_once(period):
    page = Page()
    period[0] += 5
    assert _serve(page) == "<p>render 1</p>"
