"""Fixtures for every app's tests, named by the role they play: `member`, `other_member`, `moderator`,
`admin`, their logged-in clients, a `board` and a `thread`. Every member comes from factories.MemberFactory."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from factories import MemberFactory
from helpers import clear_cache, economy_defaults, keep_workers_caches_apart, signed_in

from luntan.core import counters, localcache, presence
from luntan.forum import services
from luntan.forum.models import Board, Category

# --- Sharing the suite out among pytest-xdist's workers ------------------------------------------------------------
# `make pytest` runs `pytest -n auto --dist loadfile --no-loadscope-reorder`: a worker takes a whole module at a
# time (its module fixtures, a demo forum, a chromium, a live site, are made once, as in one process), and the
# modules go out in the order the collection ends with. (--dist loadgroup would allow finer groups, but
# pytest-xdist 3.8 cannot rename pytest 9's test ids, and every test then goes out on its own.)
DURATIONS = Path(__file__).with_name("durations.json")


def pytest_addoption(parser) -> None:
    parser.addoption("--write-durations", action="store_true",
                     help=f"record how long each test module took in tests/{DURATIONS.name}, for the order of later "
                          "runs (modules that did not run keep their figure)")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Under pytest-xdist, the modules that took longest last time (tests/durations.json) go out first: a worker
    left alone with a long one at the end would keep the whole run waiting while the other has nothing to do.
    Last of the hooks: pytest-django's would otherwise put every transactional test (all the browser tests) and
    every test without the database at the end again. (A transactional test's flush is undone after it, see
    pytest_runtest_teardown, so they may run first.)"""
    if not hasattr(config, "workerinput"):
        return
    seconds = json.loads(DURATIONS.read_text()) if DURATIONS.exists() else {}
    items.sort(key=lambda item: -seconds.get(item.nodeid.split("::")[0], 0.0))  # stable: a module's order stays


class _Durations:
    """--write-durations, on the controller (or the one process): setup, call and teardown added up per module.
    A worker's first test also pays for making the test database; the figures are for ordering, not exact."""

    def __init__(self) -> None:
        self.took: dict[str, float] = {}

    def pytest_runtest_logreport(self, report) -> None:
        module = report.nodeid.split("::")[0]
        self.took[module] = self.took.get(module, 0.0) + report.duration

    def pytest_sessionfinish(self, session) -> None:
        known = json.loads(DURATIONS.read_text()) if DURATIONS.exists() else {}
        known.update({module: round(took, 1) for module, took in self.took.items()})
        DURATIONS.write_text(json.dumps(dict(sorted(known.items())), indent=0, ensure_ascii=False) + "\n")


def pytest_configure(config) -> None:
    keep_workers_caches_apart()
    if config.getoption("write_durations") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Durations(), "luntan-durations")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: no cached page, online list or counter leaks between tests,
    neither from the shared cache nor from this process's own memory of it."""
    clear_cache()
    localcache.pages.clear()
    localcache.fragments.clear()
    presence.forget_local()
    counters.forget_local()
    # The language a request activated stays active in this thread: each test starts in the site's own.
    translation.activate(settings.LANGUAGE_CODE)
    yield


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        set(getattr(item, "fixturenames", ())) & {"transactional_db", "live_server"})


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test empties every table when it ends, the migrations' rows too: they are put back at
    once, for good, so the tests after it start from the site the migrations made (restoring them inside
    each later test's own transaction would be rolled back and paid again by every test)."""
    yield
    # After the run's last test the test database is already gone (its session fixture ends with that test).
    if _transactional(item) and nextitem is not None:
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            economy_defaults()


@pytest.fixture(autouse=True)
def _site_data(request):
    """The rows the data migrations make (member groups, credit types, medals, items, the wheel), there for
    every test that uses the database. pytest_runtest_teardown puts them back after a transactional test;
    this catches whatever emptied them otherwise."""
    names = set(request.fixturenames)
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not names & {"db", "transactional_db", "live_server"}:
        yield
        return
    request.getfixturevalue("transactional_db" if _transactional(request.node) else "db")
    from luntan.credits.models import CreditType

    if not CreditType.objects.exists():
        economy_defaults()
    yield


@pytest.fixture
def member(db):
    """A member with a Chinese name in the default group; the password is factories.PASSWORD."""
    return MemberFactory()


@pytest.fixture
def other_member(db):
    return MemberFactory()


@pytest.fixture
def board(db) -> Board:
    category = Category.objects.create(name="综合讨论区")
    return Board.objects.create(category=category, name="灌水乐园", description="想说什么说什么")


@pytest.fixture
def moderator(db, board, django_capture_on_commit_callbacks):
    """A member who moderates `board` (and only it). The appointment commits: the moderator table kept in
    memory (which a thread made before may have read already) is read again."""
    appointed = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.board_moderators_set(board=board, members=[appointed])
    return appointed


@pytest.fixture
def admin(db):
    """A site administrator (superuser, staff)."""
    return MemberFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def super_moderator(db):
    """A member of the 超级版主 group: a moderator of every board, without the site's settings."""
    from luntan.accounts.models import MemberGroup

    return MemberFactory(group=MemberGroup.for_role(MemberGroup.Role.SUPER_MODERATOR))


@pytest.fixture
def silenced_member(db):
    """A member of the 禁止发言 group: may read, may not post."""
    from luntan.accounts.models import MemberGroup

    return MemberFactory(group=MemberGroup.for_role(MemberGroup.Role.SILENCED))


@pytest.fixture
def other_board(db) -> Board:
    """A board in another category, moderated by nobody."""
    category = Category.objects.create(name="技术交流区")
    return Board.objects.create(category=category, name="电脑硬件", description="装机、选购、维修")


@pytest.fixture
def roles(member, silenced_member, moderator, super_moderator, admin, other_board):
    """The role matrix, by name: each action is tried by all of them. `moderator` moderates `board` only;
    "moderator_elsewhere" is the same member acting on `other_board`. None stands for a guest."""
    return {"guest": None, "member": member, "silenced": silenced_member, "moderator": moderator,
            "super_moderator": super_moderator, "admin": admin}


@pytest.fixture
def member_client(member) -> Client:
    return signed_in(member)


@pytest.fixture
def other_member_client(other_member) -> Client:
    return signed_in(other_member)


@pytest.fixture
def moderator_client(moderator) -> Client:
    return signed_in(moderator)


@pytest.fixture
def admin_client(admin) -> Client:
    return signed_in(admin)


@pytest.fixture
def make_thread(board, member):
    """make_thread(replies=3, by=someone, title=..., on=another_board): a thread opened through the services,
    by `member` unless said otherwise, with `replies` replies by the same author."""

    def make(*, replies: int = 0, by=None, title: str = "今天天气真好", on=None):
        floor = services.thread_create(author=by or member, board=on or board, title=title,
                                       source="[b]大家好[/b],出来晒太阳。", fmt="bbcode")
        for i in range(replies):
            services.post_reply(author=by or member, thread=floor.thread, source=f"第{i + 1}条回复", fmt="bbcode")
        floor.thread.refresh_from_db()
        return floor.thread

    return make


@pytest.fixture
def thread(make_thread):
    """A thread in `board` opened by `member`, with floor 1 only."""
    return make_thread()
