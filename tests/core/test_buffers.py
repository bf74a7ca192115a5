"""Presence, online time and view counts are kept in the cache and reach the database only through a flush."""

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from luntan.accounts.services import presence_flush
from luntan.core import counters, presence


@pytest.fixture(autouse=True)
def _fresh_process_memory():
    presence.forget_local()
    counters.push_local()
    yield
    presence.forget_local()


def _request(user=None, ip="203.0.113.5"):
    request = RequestFactory().get("/", REMOTE_ADDR=ip)
    request.user = user if user is not None else type("Guest", (), {"is_authenticated": False})()
    return request


def test_members_and_guests_are_listed_online(member):
    presence.seen(_request(member))
    presence.seen(_request(ip="198.51.100.1"))
    presence.seen(_request(ip="198.51.100.2"))
    presence.seen(_request(ip="198.51.100.2"))
    members, guests = presence.online()
    assert members == [(member.pk, member.username)] and guests == 2
    assert presence.online_ids() == {member.pk}


def test_online_time_accrues_between_visits_and_is_flushed(member, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(presence.time, "time", lambda: clock[0])
    presence.seen(_request(member))
    for _ in range(3):  # three more visits, two minutes apart
        clock[0] += 120
        presence.forget_local()
        cache.delete(f"presence:mark:{member.pk}")
        presence.seen(_request(member))
    clock[0] += 3600  # gone for an hour: that gap is not online time
    presence.forget_local()
    cache.delete(f"presence:mark:{member.pk}")
    presence.seen(_request(member))
    assert presence_flush() == 1
    member.refresh_from_db()
    assert member.online_seconds == 360
    assert member.last_activity.timestamp() == pytest.approx(clock[0])
    assert presence_flush() == 0  # nothing is added twice


def test_a_visitor_is_noted_once_a_minute(monkeypatch):
    notes = []
    monkeypatch.setattr(presence, "_note_guest", lambda digest, now: notes.append(digest))
    for _ in range(5):
        presence.seen(_request(ip="192.0.2.9"))
    assert len(notes) == 1


@pytest.mark.django_db
def test_view_counts_survive_buffering_exactly():
    from luntan.forum.services import views_flush

    for _ in range(7):
        counters.count_view(41)
    for _ in range(3):
        counters.count_view(42)
    taken = counters.take_views()
    assert taken == {41: 7, 42: 3}
    assert counters.take_views() == {}
    counters.count_view(41)
    assert views_flush() == 1  # thread 41 does not exist: the update touches nothing, and nothing fails


def test_online_members_show_on_the_home_page(member, member_client):
    member_client.get("/")
    html = Client().get("/").content.decode()
    assert member.username in html and "有 1 位会员" in html


# --- A flush whose database write fails loses nothing --------------------------------------------------

def _failing_update(monkeypatch, model):
    """Makes every UPDATE of `model`'s rows fail, as a lost database connection would."""
    from django.db import OperationalError
    from django.db.models import QuerySet

    real = QuerySet.update

    def update(self, **kwargs):
        if self.model is model:
            raise OperationalError("database is gone")
        return real(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update)


def test_view_counts_survive_a_failed_flush_and_are_written_by_the_next(thread, monkeypatch):
    from django.db import OperationalError

    from luntan.forum.models import Thread
    from luntan.forum.services import views_flush

    for _ in range(4):
        counters.count_view(thread.pk)
    with monkeypatch.context() as patched:
        _failing_update(patched, Thread)
        with pytest.raises(OperationalError):
            views_flush()
    thread.refresh_from_db()
    assert thread.view_count == 0
    counters.count_view(thread.pk)  # one more view meanwhile

    assert views_flush() == 1

    thread.refresh_from_db()
    assert thread.view_count == 5
    assert views_flush() == 0  # and nothing twice


def test_online_time_survives_a_failed_flush_and_is_written_by_the_next(member, monkeypatch):
    from django.db import OperationalError

    presence._note_member(member.pk, member.username, 1_000_000.0)
    presence._note_member(member.pk, member.username, 1_000_120.0)  # two minutes online
    with monkeypatch.context() as patched:
        _failing_update(patched, type(member))
        with pytest.raises(OperationalError):
            presence_flush()
    presence._note_member(member.pk, member.username, 1_000_180.0)  # noted again meanwhile

    assert presence_flush() == 1

    member.refresh_from_db()
    assert member.online_seconds == 180
    assert member.last_activity.timestamp() == pytest.approx(1_000_180.0)
    assert presence_flush() == 0


# --- The apps register their buffers; core knows none of them ---------------------------------------------

def test_each_app_registers_its_buffer_and_writebuffers_writes_them(thread):
    from luntan.core import buffers

    assert set(buffers.flushers()) >= {"threads", "members"}
    counters.count_view(thread.pk)

    assert buffers.write_all()["threads"] == 1

    thread.refresh_from_db()
    assert thread.view_count == 1


def test_one_failing_buffer_does_not_keep_the_others_from_being_written(thread, monkeypatch):
    from luntan.core import buffers

    def broken() -> int:
        raise RuntimeError("broken buffer")

    monkeypatch.setitem(buffers._flushers, "broken", broken)
    counters.count_view(thread.pk)
    with pytest.raises(RuntimeError, match="broken buffer"):
        buffers.write_all()
    thread.refresh_from_db()
    assert thread.view_count == 1


def test_core_imports_nothing_of_the_apps_to_write_buffers():
    import ast
    import inspect

    from luntan.core import buffers, gunicorn_conf
    from luntan.core.management.commands import writebuffers

    for module in (buffers, gunicorn_conf, writebuffers):
        imported = [node.module or "" for node in ast.walk(ast.parse(inspect.getsource(module)))
                    if isinstance(node, ast.ImportFrom)]
        assert not [m for m in imported if m.startswith(("luntan.accounts", "luntan.forum"))], module.__name__
