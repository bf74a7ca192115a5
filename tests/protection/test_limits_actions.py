"""Rate limits per action (register, post, reply, message, search, upload, vote, report): each refuses the
try after its limit with a message saying when to try again, status 429 and Retry-After, counted per
member and per address separately, with numbers set per user group; the refusal ends with its period, and
nothing of it is ever a database write."""

import html
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from factories import MemberFactory, group_for
from helpers import Clock
from PIL import Image

from luntan.accounts.models import Member, MemberGroup
from luntan.forum import services as forum
from luntan.forum.models import Floor, Thread
from luntan.protection import limits, throttle
from luntan.protection.models import GroupLimit, NewcomerRules
from luntan.reactions.models import FloorLike, Mood, MoodVote
from luntan.reports.models import Report

pytestmark = pytest.mark.django_db

HERE, ELSEWHERE, THIRD = "10.0.0.1", "10.0.0.2", "10.0.0.3"
PERIOD = 600
GENERIC = "操作太频繁，请 10 分钟后再试。"


@pytest.fixture
def clock(monkeypatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(throttle, "now", found)
    return found


@pytest.fixture(autouse=True)
def no_newcomer_caps(db):
    """The new members' day caps and link rule are tested on their own (test_newcomers.py)."""
    NewcomerRules.objects.create(pk=1, hours=0, threads_per_day=None, replies_per_day=None, links_after_posts=0)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def set_limits(settings, action: str, *, member: int = 1000, address: int = 1000) -> None:
    """The site's defaults for `action`: `member` tries per member and `address` per address a period."""
    found = dict(settings.LUNTAN["LIMITS"])
    for scope, count in ((limits.MEMBER, member), (limits.ADDRESS, address)):
        key = limits.DEFAULTS[(action, scope)]
        if key:
            found[key] = (count, PERIOD)
    settings.LUNTAN = {**settings.LUNTAN, "LIMITS": found}


def visitor(member=None, address: str = HERE, **headers) -> Client:
    client = Client(REMOTE_ADDR=address, **headers)
    if member is not None:
        client.force_login(member)
    return client


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def picture() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 160, 90)).save(out, format="PNG")
    return SimpleUploadedFile("头像.png", out.getvalue(), content_type="image/png")


class World:
    """What the actions act on: a thread by someone else, with floors to like and to report."""

    def __init__(self, board) -> None:
        self.board = board
        self.author = MemberFactory()
        first = forum.thread_create(author=self.author, board=board, title="周末爬山", source="有人一起吗",
                                    fmt="bbcode")
        self.thread = first.thread
        self.floors = [first] + [forum.post_reply(author=self.author, thread=self.thread, source=f"第{i}条",
                                                  fmt="bbcode") for i in range(8)]
        self.tries = 0

    def do(self, action: str, client: Client):
        """One try of `action` through the site, as a visitor would; returns the answer."""
        self.tries += 1
        n = self.tries
        if action == "register":
            return client.post("/register/", {"username": f"新人{n}", "email": f"new{n}@example.com",
                                              "password1": "青云门下弟子2024", "password2": "青云门下弟子2024"})
        if action == "post":
            return client.post(f"/thread/new/?board={self.board.pk}", {
                "title": f"新主题{n}", "source": f"我想说的话{n}", "format": "bbcode", "submission_key": f"t{n}"})
        if action == "reply":
            return client.post(f"/thread/{self.thread.pk}/reply/", {
                "source": f"我的回复{n}", "format": "bbcode", "submission_key": f"r{n}"})
        if action == "search":
            return client.get("/search/", {"q": f"爬山{n}"})
        if action == "upload":
            return client.post("/settings/avatar/", {"image": picture()})
        if action == "vote":
            return client.post(f"/floor/{self.floors[1].pk}/like/", {"do": "like" if n % 2 else "unlike"})
        if action == "report":
            return client.post(f"/reports/floor/{self.floors[n % len(self.floors)].pk}/",
                               {"reason": "other", "text": f"广告{n}"})
        raise AssertionError(action)

    def done(self, action: str) -> int:
        """How many of `action` the site has recorded (what a refused try must not add to)."""
        return {"register": Member.objects.filter(username__startswith="新人").count(),
                "post": Thread.objects.filter(title__startswith="新主题").count(),
                "reply": Floor.objects.filter(source__startswith="我的回复").count(),
                "report": Report.objects.count(),
                "vote": FloorLike.objects.count() + MoodVote.objects.count()}.get(action, 0)


@pytest.fixture
def world(board) -> World:
    return World(board)


ALLOWED = {"register": 302, "post": 302, "reply": 302, "search": 200, "upload": 302, "vote": 302, "report": 302}
MESSAGES = {
    "register": "您所在的网络注册的账号过多，请在 10 分钟后再试。",
    "search": "你搜索得太频繁了，请 600 秒后再试。",
    "report": "你举报得太频繁了,请 10 分钟后再试。",
}
KEPT = {"post": "我想说的话", "reply": "我的回复", "report": "广告", "search": "爬山", "register": "新人"}
MEMBER_ACTIONS = ["post", "reply", "search", "upload", "vote", "report"]


def assert_refused(response, action: str) -> None:
    assert response.status_code == 429
    assert response["Retry-After"] == str(PERIOD)
    page = text_of(response)
    assert MESSAGES.get(action, GENERIC) in page
    if action in KEPT:
        assert KEPT[action] in page  # what was typed is still in the form


@pytest.mark.parametrize("action", MEMBER_ACTIONS)
def test_a_member_is_refused_after_the_limit_from_any_address(action, clock, settings, world):
    set_limits(settings, action, member=3)
    member = MemberFactory()
    answers = [world.do(action, visitor(member, address)) for address in (HERE, ELSEWHERE, HERE)]
    assert [r.status_code for r in answers] == [ALLOWED[action]] * 3
    recorded = world.done(action)
    refused = world.do(action, visitor(member, THIRD))  # a new address does not help
    assert_refused(refused, action)
    assert world.done(action) == recorded  # the refused try made nothing
    # Someone else from the same addresses is not held up by this member's count.
    assert world.do(action, visitor(MemberFactory(), HERE)).status_code == ALLOWED[action]
    clock.time += PERIOD  # the next period
    assert world.do(action, visitor(member, THIRD)).status_code == ALLOWED[action]


@pytest.mark.parametrize("action", ["register", *MEMBER_ACTIONS])
def test_an_address_is_refused_after_the_limit_whoever_signs_in(action, clock, settings, world):
    set_limits(settings, action, address=2)
    signed = action != "register" and action != "search"
    who = (lambda: MemberFactory()) if signed else (lambda: None)
    assert [world.do(action, visitor(who(), HERE)).status_code for _ in range(2)] == [ALLOWED[action]] * 2
    recorded = world.done(action)
    assert_refused(world.do(action, visitor(who(), HERE)), action)
    assert world.done(action) == recorded
    assert world.do(action, visitor(who(), ELSEWHERE)).status_code == ALLOWED[action]
    clock.time += PERIOD
    assert world.do(action, visitor(who(), HERE)).status_code == ALLOWED[action]


def test_short_messages_have_their_limit_for_the_messages_app(clock, settings, member, other_member):
    set_limits(settings, "message", member=2, address=3)
    limits.check_message(sender=member, address=HERE)
    limits.check_message(sender=member, address=HERE)
    with pytest.raises(limits.TooOften) as refused:
        limits.check_message(sender=member, address=ELSEWHERE)
    assert refused.value.wait == PERIOD and refused.value.code == "throttled"
    assert "minutes" in refused.value.messages[0] or "分钟" in refused.value.messages[0]
    limits.check_message(sender=other_member, address=HERE)  # the address's third
    with pytest.raises(limits.TooOften):
        limits.check_message(sender=MemberFactory(), address=HERE)


# --- Machines get 429, Retry-After and something they can read --------------------------------------------------

def test_a_json_caller_gets_json_with_when_to_retry(clock, settings, world, member):
    set_limits(settings, "reply", member=1)
    client = visitor(member, HTTP_ACCEPT="application/json")
    assert world.do("reply", client).status_code == 302
    refused = world.do("reply", client)
    assert refused.status_code == 429 and refused["Retry-After"] == str(PERIOD)
    assert refused["Content-Type"].startswith("application/json")
    assert json.loads(refused.content) == {"error": GENERIC, "retry_after": PERIOD}


def test_an_htmx_vote_gets_429_and_the_box_with_the_message(clock, settings, world, member):
    set_limits(settings, "vote", member=1)
    client = visitor(member, HTTP_HX_REQUEST="true")
    mood = Mood.objects.filter(enabled=True).first()
    first = client.post(f"/thread/{world.thread.pk}/mood/", {"mood": mood.pk})
    assert first.status_code == 200 and "Retry-After" not in first
    refused = client.post(f"/thread/{world.thread.pk}/mood/", {"mood": mood.pk})
    assert refused.status_code == 429 and refused["Retry-After"] == str(PERIOD)
    assert GENERIC in text_of(refused) and 'id="mood-box"' in text_of(refused)


def _send_message(request):
    """A view of a future app that lets the refusal go: the middleware answers it."""
    limits.check_message(sender=request.user, address=request.META["REMOTE_ADDR"])
    return HttpResponse("已发送")


urlpatterns = [path("messages/send/", _send_message), path("", include("luntan.urls"))]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_refusal_no_view_caught_is_answered_by_the_middleware(accept, clock, settings, member):
    set_limits(settings, "message", member=1)
    client = visitor(member, HTTP_ACCEPT=accept)
    assert client.post("/messages/send/").status_code == 200
    refused = client.post("/messages/send/")
    assert refused.status_code == 429 and refused["Retry-After"] == str(PERIOD)
    if accept == "application/json":
        assert json.loads(refused.content) == {"error": GENERIC, "retry_after": PERIOD}
    else:
        assert GENERIC in text_of(refused) and "<html" in text_of(refused)


# --- Set per group ----------------------------------------------------------------------------------------------

def save_limit(admin, django_capture_on_commit_callbacks, **fields) -> GroupLimit:
    with django_capture_on_commit_callbacks(execute=True):
        return limits.group_limit_save(member=admin, limit=GroupLimit(**fields))


def test_moderators_may_reply_more_than_members(clock, settings, world, admin, django_capture_on_commit_callbacks):
    set_limits(settings, "reply", member=2)
    moderators = group_for(MemberGroup.Role.MODERATOR)
    save_limit(admin, django_capture_on_commit_callbacks, group=moderators, action="reply", scope="member",
               count=5, seconds=PERIOD)
    moderator, member = MemberFactory(group=moderators), MemberFactory()
    mod_client, member_client = visitor(moderator), visitor(member, ELSEWHERE)
    assert [world.do("reply", member_client).status_code for _ in range(3)] == [302, 302, 429]
    assert [world.do("reply", mod_client).status_code for _ in range(6)] == [302] * 5 + [429]


def test_a_group_without_a_count_has_no_limit_and_removing_the_row_brings_the_default_back(
        clock, settings, world, admin, django_capture_on_commit_callbacks):
    set_limits(settings, "search", member=2)
    group = MemberFactory().group
    row = save_limit(admin, django_capture_on_commit_callbacks, group=group, action="search", scope="member",
                     count=None, seconds=PERIOD)
    member = MemberFactory(group=group)
    assert [world.do("search", visitor(member, f"10.1.0.{i}")).status_code for i in range(6)] == [200] * 6
    with django_capture_on_commit_callbacks(execute=True):
        limits.group_limit_delete(member=admin, limit=row)
    clock.time += PERIOD
    assert [world.do("search", visitor(member, f"10.2.0.{i}")).status_code for i in range(3)] == [200, 200, 429]


def test_the_guests_group_sets_how_many_may_register_from_an_address(clock, settings, world, admin,
                                                                       django_capture_on_commit_callbacks):
    set_limits(settings, "register", address=5)
    save_limit(admin, django_capture_on_commit_callbacks, group=group_for(MemberGroup.Role.GUEST), action="register",
               scope="address", count=1, seconds=PERIOD)
    assert [world.do("register", visitor()).status_code for _ in range(2)] == [302, 429]


def test_only_an_administrator_changes_the_limits(member):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        limits.group_limit_save(member=member, limit=GroupLimit(group=member.group, action="post", count=99))
    assert not GroupLimit.objects.exists()


def test_the_admin_pages_edit_the_limits_and_the_rules(admin_client, admin):
    group = group_for(MemberGroup.Role.MODERATOR)
    response = admin_client.post("/admin/protection/grouplimit/add/", {
        "group": group.pk, "action": "reply", "scope": "member", "count": "200", "seconds": "3600"})
    assert response.status_code == 302
    assert GroupLimit.objects.get().count == 200
    assert admin_client.get("/admin/protection/grouplimit/").status_code == 200
    page = admin_client.get("/admin/protection/newcomerrules/", follow=True)
    assert page.status_code == 200
    response = admin_client.post("/admin/protection/newcomerrules/1/change/", {
        "hours": "48", "groups": [group_for(MemberGroup.Role.NEWCOMER).pk], "threads_per_day": "1",
        "replies_per_day": "", "links_after_posts": "10"})
    assert response.status_code == 302
    rules = NewcomerRules.objects.get()
    assert (rules.hours, rules.threads_per_day, rules.replies_per_day, rules.links_after_posts) == (48, 1, None, 10)
    assert list(rules.groups.values_list("role", flat=True)) == ["newcomer"]


# --- Costs ---------------------------------------------------------------------------------------------------------

def test_a_check_costs_no_query_once_the_table_is_kept(clock, member, django_assert_num_queries):
    limits.check(limits.Action.REPLY, member, HERE)
    with django_assert_num_queries(0):
        for action in limits.Action.values:
            limits.check(action, member, HERE)


@pytest.mark.parametrize("who", ["guest", "member"])
def test_a_plain_page_view_writes_nothing(who, clock, world, member):
    client = visitor(member if who == "member" else None)
    for address in (f"/thread/{world.thread.pk}/", "/", f"/board/{world.board.pk}/"):
        client.get(address)
        with CaptureQueriesContext(connection) as seen:
            assert client.get(address).status_code == 200
        writes = [q["sql"] for q in seen.captured_queries
                  if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))]
        assert writes == []


def test_counts_live_in_the_cache_not_the_database(clock, settings, world, member):
    set_limits(settings, "search", member=2)
    client = visitor(member)
    with CaptureQueriesContext(connection) as seen:
        for _ in range(3):
            world.do("search", client)
    assert not [q for q in seen.captured_queries
                if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert settings.LUNTAN["LIMITS"]["SEARCH_PER_MEMBER"] == (2, PERIOD)


def test_the_demo_sets_higher_limits_for_moderators(admin, django_capture_on_commit_callbacks):
    import random

    from django.utils import timezone

    from luntan.protection.demo_limits import fill_demo

    with django_capture_on_commit_callbacks(execute=True):
        fill_demo(members=[], rng=random.Random(1), now=timezone.now())
        fill_demo(members=[], rng=random.Random(1), now=timezone.now())  # again: the same rows
    moderators = group_for(MemberGroup.Role.MODERATOR).pk
    assert limits.limit_for("reply", "member", moderators) == (300, 3600)
    assert limits.limit_for("reply", "member", group_for(MemberGroup.Role.ADMIN).pk) is None
    assert NewcomerRules.objects.get().links_after_posts == 3


def test_tries_at_the_same_moment_cannot_all_slip_under_the_limit(clock, settings, member):
    """The count and the check are one step in the cache (incr): of 40 tries at once, exactly the limit pass."""
    import threading

    set_limits(settings, "vote", member=10)
    limits.check(limits.Action.SEARCH, member, None)  # the groups and the limits are kept before the threads start
    allowed: list[float] = []
    start = threading.Barrier(8)

    def tries() -> None:
        start.wait()
        for _ in range(5):
            allowed.append(limits.check(limits.Action.VOTE, member, None))

    workers = [threading.Thread(target=tries) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(allowed) == 40 and allowed.count(0) == 10
