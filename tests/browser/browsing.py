"""Helpers for the browser tests that open their own browser contexts (conftest.py has the fixtures):
reader-like contexts at desktop and phone width, the page's errors, and axe-core."""

from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}  # a common phone's CSS width


def sign_in(context, member, base_url: str) -> None:
    """The member's session cookie, made server-side, in the browser context: logging in through the form
    is another test's job."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(member)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


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


# The lucky wheel's slice just below the pointer's tip (drawn at the top of the 200×200 SVG, tip at y=20),
# found as a reader's eye would: what the browser paints at that point.
UNDER_POINTER = """() => {
  const svg = document.querySelector("svg[data-wheel]");
  svg.scrollIntoView({block: "center"});
  const point = svg.createSVGPoint();
  point.x = 100; point.y = 30;  // just below the pointer's tip (drawn at the top, tip at y=20)
  const at = point.matrixTransform(svg.getScreenCTM());
  const hit = document.elementFromPoint(at.x, at.y);
  const slice = hit && hit.closest(".slice");
  return slice ? Number(slice.dataset.index) : null;
}"""


def photo_thread():
    """A thread in a photo board whose opener has been a member for a month (old enough to post pictures):
    what the upload journeys reply to."""
    from datetime import timedelta

    from django.utils import timezone
    from factories import MemberFactory

    from luntan.forum import services
    from luntan.forum.models import Board, Category

    board = Board.objects.create(category=Category.objects.create(name="生活天地"), name="摄影旅行")
    opener = MemberFactory(username="晒图人", date_joined=timezone.now() - timedelta(days=30))
    return services.thread_create(author=opener, board=board, title="晒晒你拍的晚霞", source="我先来一张",
                                  fmt="bbcode").thread
