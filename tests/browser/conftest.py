"""Real-browser tests: Playwright drives Debian's chromium (/usr/bin/chromium, no downloaded browser)
against pytest-django's live server, with the site's own security headers and CSP.

Fixtures:
  browser_page  a fresh page (its own cookies) whose base URL is the live server; a screenshot of how it
                ended is saved to test-artifacts/<test>.png
  page_errors   the console errors and uncaught exceptions of that page (CSP violations show up here)
  assert_accessible(page)  runs axe-core on the page as it is now and fails listing every serious or
                critical violation (and every landmark or h1 one) with the elements it found
                (`axe_problems(page)` returns that list)

Without /usr/bin/chromium the tests here are skipped with the reason, except under CI=true, where they
fail: CI installs chromium, so a missing browser there is a broken set-up, not a reason to skip."""

import os
import re
from pathlib import Path

import pytest

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
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
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


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # a common phone's CSS width


def new_context(browser, base_url: str, *, viewport: dict = DESKTOP):
    """A browser context as a reader in China has it: Chinese first, Beijing time."""
    return browser.new_context(base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport)


def watch_errors(page) -> list[str]:
    """A live list of the page's console errors and uncaught exceptions (CSP violations show up here)."""
    errors: list[str] = []

    def on_console(message) -> None:
        # The browser's own favicon request is not the page's doing (the site may have no favicon).
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


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


# What fails a page: axe's two highest impacts, and the rules that hold a page's outline together (a
# screen reader moves by landmarks and headings), which axe itself rates only "moderate".
FAILING_IMPACTS = {"serious", "critical"}
FAILING_RULES = {"landmark-one-main", "landmark-unique", "landmark-no-duplicate-banner",
                 "landmark-no-duplicate-contentinfo", "landmark-no-duplicate-main", "page-has-heading-one", "region"}


def preload_axe(context) -> None:
    """Puts axe-core into every page the context opens (an init script, which the page's CSP does not
    govern either): sent to the browser once for a walk through many pages, not with every check."""
    from axe_playwright_python.base import AXE_SCRIPT

    context.add_init_script(script=AXE_SCRIPT)


def axe_problems(page) -> list[str]:
    """Runs axe-core (shipped inside the axe-playwright-python package: nothing is downloaded) on the page
    as it is now; one line per failing violation, naming the rule and each element.

    axe goes in through `page.evaluate`, which runs in the page like the devtools console and is not
    subject to the page's CSP, so the site's real policy (no inline script) stays on for the check. A
    `<script>` tag would be refused by that policy, and turning the policy off would test another site."""
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    problems = []
    for violation in results["violations"]:
        if violation["impact"] not in FAILING_IMPACTS and violation["id"] not in FAILING_RULES:
            continue
        nodes = violation["nodes"]
        why = " ".join(nodes[0].get("failureSummary", "").split())
        where = ", ".join(" ".join(map(str, node["target"])) for node in nodes)
        problems.append(f"{violation['id']} ({violation['impact']}) on {len(nodes)} element(s): {where}\n"
                        f"      first: {why}")
    return problems


@pytest.fixture
def assert_accessible():
    """assert_accessible(page): fails with every serious or critical axe-core violation on the page."""

    def check(page) -> None:
        problems = axe_problems(page)
        assert not problems, f"axe-core on {page.url}:\n" + "\n".join(problems)

    return check
