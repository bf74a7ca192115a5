"""The operator's commands: `luntan writebuffers`, `luntan serve` (its command line, never a running server) and
`luntan bootstrap` (the admin account and the demo on a first run)."""

import stat
import sys
import time
from io import StringIO

import pytest
from django.core.management import call_command, get_commands

from luntan import cli
from luntan.accounts.models import Member
from luntan.core import counters, presence
from luntan.core.management.commands import bootstrap, serve
from luntan.forum.models import Board


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture(autouse=True)
def _nothing_buffered():
    """Whatever earlier tests counted (in this process or in the cache) is taken away first."""
    counters.take_views()
    presence.take_pending()


# --- luntan writebuffers -------------------------------------------------------------------------------

def test_flush_moves_buffered_views_into_the_thread(thread):
    for _ in range(3):
        counters.count_view(thread.pk)
    thread.refresh_from_db()
    assert thread.view_count == 0  # counted in the buffer, not yet in the database

    out = _run("writebuffers")

    thread.refresh_from_db()
    assert thread.view_count == 3
    assert out.strip() == ("wrote attachment_downloads: 0, items: 0, members: 0, online_peak: 0, stickies: 0, "
                           "threads: 1, visits: 0")


def test_a_second_flush_adds_nothing(thread):
    counters.count_view(thread.pk)
    _run("writebuffers")

    out = _run("writebuffers")

    thread.refresh_from_db()
    assert thread.view_count == 1
    assert "threads: 0" in out


def test_flush_writes_online_time(member):
    now = time.time()
    presence._note_member(member.pk, member.username, now - 120)
    presence._note_member(member.pk, member.username, now)  # two minutes later, still online

    out = _run("writebuffers")

    member.refresh_from_db()
    assert member.online_seconds == 120
    assert member.last_activity is not None
    assert "members: 1" in out


@pytest.mark.parametrize(("typed", "runs"), [
    (["writebuffers"], ["writebuffers"]),
    (["flush"], ["flush"]),  # Django's: empties the database, as anyone who knows Django expects
    (["help", "flush"], ["help", "flush"]),
])
def test_luntan_commands_keep_their_names(typed, runs, monkeypatch):
    ran = []
    monkeypatch.setattr("django.core.management.execute_from_command_line", ran.append)
    monkeypatch.setattr(sys, "argv", ["luntan", *typed])

    cli.main()

    assert ran == [["luntan", *runs]]


def test_djangos_own_flush_keeps_its_name():
    """Django's `flush` (which empties the database, and which transactional tests call) stays Django's."""
    assert get_commands()["flush"] == "django.core"
    assert get_commands()["writebuffers"] == "luntan.core"


def test_flush_with_nothing_buffered_changes_nothing(thread):
    out = _run("writebuffers")

    thread.refresh_from_db()
    assert thread.view_count == 0
    assert out.strip() == ("wrote attachment_downloads: 0, items: 0, members: 0, online_peak: 0, stickies: 0, "
                           "threads: 0, visits: 0")


# --- luntan serve -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("cpus", "workers"), [(1, 2), (2, 3), (4, 5), (64, 17)])
def test_workers_follow_the_cores_within_bounds(cpus, workers):
    assert serve.default_workers(cpus) == workers


def test_gunicorn_command_line_on_two_cores():
    argv = serve.gunicorn_argv(bind="127.0.0.1:8000", cpus=2, python="/venv/bin/python")

    assert argv[:3] == ["/venv/bin/python", "-m", "gunicorn"]
    assert argv[-1] == "luntan.wsgi:application"
    options = dict(zip(argv[3:-1:2], argv[4:-1:2], strict=True))
    assert options == {
        "--config": "python:luntan.core.gunicorn_conf",
        "--bind": "127.0.0.1:8000",
        "--workers": "3",
        "--worker-class": "luntan.core.buffering_worker.BufferingWorker",
        "--threads": str(serve.THREADS),
        "--error-logfile": "-",
    }
    assert "--access-logfile" not in argv  # access log off unless asked for


def test_gunicorn_command_line_options():
    argv = serve.gunicorn_argv(bind="0.0.0.0:9000", workers=2, threads=3, access_log=True, cpus=8)

    assert argv[argv.index("--bind") + 1] == "0.0.0.0:9000"
    assert argv[argv.index("--workers") + 1] == "2"
    assert argv[argv.index("--threads") + 1] == "3"
    assert argv[argv.index("--access-logfile") + 1] == "-"
    with pytest.raises(ValueError):
        serve.gunicorn_argv(workers=-1)


def test_gunicorn_reads_the_command_line_and_hooks(monkeypatch):
    """gunicorn itself parses what `serve` builds, and finds the flusher's hooks (nothing is started)."""
    from gunicorn.app.wsgiapp import WSGIApplication

    from luntan.core import gunicorn_conf

    argv = serve.gunicorn_argv(bind="127.0.0.1:8123", workers=3, cpus=2)
    monkeypatch.setattr(sys, "argv", ["gunicorn", *argv[3:]])
    monkeypatch.setattr(sys, "path", list(sys.path))  # gunicorn adds its working directory
    cfg = WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").cfg

    assert cfg.bind == ["127.0.0.1:8123"]
    assert cfg.workers == 3
    assert cfg.worker_class_str == "luntan.core.buffering_worker.BufferingWorker"
    assert cfg.worker_class.__name__ == "BufferingWorker"  # gunicorn can import it
    assert cfg.accesslog is None
    assert cfg.settings["when_ready"].get() is gunicorn_conf.when_ready
    assert cfg.settings["on_exit"].get() is gunicorn_conf.on_exit
    assert cfg.settings["worker_exit"].get() is gunicorn_conf.worker_exit


def test_serve_print_shows_the_command_and_starts_nothing():
    out = _run("serve", "--print", "--bind", "127.0.0.1:8765", "--workers", "4")

    assert "-m gunicorn" in out and "--bind 127.0.0.1:8765" in out and "--workers 4" in out


# --- luntan bootstrap -------------------------------------------------------------------------------------

@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_bootstrap_creates_the_admin_once_with_a_private_password_file(db, var_dir):
    out = _run("bootstrap", "--no-demo")

    password_file = var_dir / "admin-password.txt"
    password = password_file.read_text().strip()
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert len(password) >= 12
    assert f"管理员账号: admin  密码: {password}" in out
    admin = Member.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.check_password(password)

    again = _run("bootstrap", "--no-demo")

    assert Member.objects.filter(username__iexact="admin").count() == 1
    assert password_file.read_text().strip() == password  # not regenerated
    assert f"管理员账号: admin  密码: {password}" in again


def test_bootstrap_does_not_show_a_password_that_no_longer_works(db, var_dir):
    _run("bootstrap", "--no-demo")
    admin = Member.objects.get(username="admin")
    admin.set_password("管理员自己改的密码")
    admin.save()

    out = _run("bootstrap", "--no-demo")

    assert (var_dir / "admin-password.txt").read_text().strip() not in out
    assert "changepassword admin" in out


@pytest.fixture
def demo_calls(monkeypatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(bootstrap, "get_commands", lambda: {"demo": "luntan.test"})
    monkeypatch.setattr(bootstrap, "call_command",
                        lambda name, *a, first_run=False, **kw: calls.append(name) if first_run else None)
    return calls


def test_bootstrap_fills_a_site_without_boards_with_the_demo(db, var_dir, demo_calls):
    _run("bootstrap")

    assert demo_calls == ["demo"]


def test_bootstrap_leaves_a_site_with_boards_alone(thread, var_dir):
    boards, members = Board.objects.count(), Member.objects.count()

    out = _run("bootstrap")

    assert Board.objects.count() == boards and Member.objects.count() == members + 1  # only the admin
    assert "luntan demo" not in out and "演示" not in out


def test_demo_first_run_says_nothing_on_a_site_with_boards(thread):
    assert _run("demo", "--first-run") == ""
    assert Board.objects.count() == 1


def _luntan_commands() -> list[str]:
    return sorted(name for name, app in get_commands().items() if app.startswith("luntan."))


@pytest.mark.parametrize("name", _luntan_commands())
def test_every_luntan_command_prints_its_help(name, capsys):
    """`luntan <command> --help` explains the command (lazy translated help included) instead of failing."""
    with pytest.raises(SystemExit) as ended:
        call_command(name, "--help")
    assert ended.value.code == 0
    assert "usage:" in capsys.readouterr().out
