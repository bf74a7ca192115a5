"""Real-browser tests: Playwright drives Debian's chromium (/usr/bin/chromium, no downloaded browser)
against pytest-django's live server, with the site's own security headers and CSP.

Fixtures:
  browser_page  a fresh page (its own cookies) whose base URL is the live server; a screenshot of how it
                ended is saved to test-artifacts/<test>.png
  page_errors   the console errors and uncaught exceptions of that page (CSP violations show up here)
  assert_accessible(page)  runs axe-core on the page as it is now and fails listing every serious or
                critical violation (and every landmark or h1 one) with the elements it found
Helpers for tests that open their own contexts are in browsing.py (a conftest cannot be imported by name:
there are several).

Without /usr/bin/chromium the tests here are skipped with the reason, except under CI=true, where they
fail: CI installs chromium, so a missing browser there is a broken set-up, not a reason to skip."""

import os
import re
from pathlib import Path

import pytest
from browsing import ARTIFACTS, axe_problems, new_context, watch_errors

# Playwright's sync API keeps an asyncio event loop in the test thread, and Django refuses database calls
# from a thread with a running loop. Here the loop only drives the browser, so Django may go on.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
HERE = Path(__file__).resolve().parent
_ERRORS = pytest.StashKey[list[str]]()


def pytest_collection_modifyitems(config, items) -> None:
    """Every test under tests/browser/ is a browser test (`-m "not browser"` leaves them out)."""
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _missing_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk, or run `make test` as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return 'Playwright is not installed (pip install -e ".[test]")'
    return None


@pytest.fixture(scope="module")
def browser():
    """One chromium per test module; Playwright (and its event loop) ends with the module, so the tests
    that run after the browser tests never see a loop in their thread."""
    reason = _missing_browser()
    if reason:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(browser, transactional_db, live_server, request):
    """A page in a fresh browser context, pointed at the live server (page.goto("/") opens the home page).
    The live server runs in another thread, hence `transactional_db`: the test's rows are committed."""
    context = new_context(browser, live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    request.node.stash[_ERRORS] = watch_errors(page)
    try:
        yield page
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("/")[-1])
        try:
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        except Exception as exc:  # a closed or crashed page: the test's own failure says more
            print(f"no screenshot for {request.node.nodeid}: {exc}")
        context.close()


@pytest.fixture
def page_errors(browser_page, request) -> list[str]:
    """Console errors and uncaught exceptions seen by `browser_page` so far (a live list)."""
    return request.node.stash[_ERRORS]


@pytest.fixture
def assert_accessible():
    """assert_accessible(page): fails with every serious or critical axe-core violation on the page."""

    def check(page) -> None:
        problems = axe_problems(page)
        assert not problems, f"axe-core on {page.url}:\n" + "\n".join(problems)

    return check
