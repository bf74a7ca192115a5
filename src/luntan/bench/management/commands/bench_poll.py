"""`luntan bench_poll`: what 1,000 open pages polling the header's unread count cost the real server.

Runs in its own small site (var/benchpoll: SQLite unless DATABASE_URL says otherwise): one member with unread
notices, the real gunicorn (`luntan serve`'s command line, luntan.bench.server), wrk against the count endpoint
with the member's session and against the ceiling, a few seconds each. Prints the figures and refreshes their
section of docs/benchmarks.md (luntan.bench.poll)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

CHILD_MARK = "LUNTAN_BENCH_POLL_CHILD"
COUNT_PATH = "/notifications/count/"


class Command(BaseCommand):
    help = "Measure the unread-count poll endpoint against the server's capacity (short: a few seconds of load)."
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seconds", type=float, default=5.0, help="seconds of load per URL and round (5)")
        parser.add_argument("--rounds", type=int, default=2, help="rounds; the fastest counts (2)")
        parser.add_argument("--connections", type=int, default=16, help="wrk connections (16)")
        parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
        parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (as `luntan serve`)")
        parser.add_argument("--pages", type=int, default=1000, help="open pages to cost (1,000)")
        parser.add_argument("--var", default=None, help="the bench's var folder (default var/benchpoll)")
        parser.add_argument("--no-docs", action="store_true", help="do not refresh docs/benchmarks.md")

    def handle(self, *args, **options) -> None:
        var_dir = Path(options["var"] or Path(settings.PROJECT_DIR) / "var" / "benchpoll").resolve()
        if Path(settings.VAR_DIR).resolve() != var_dir or not os.environ.get(CHILD_MARK):
            if os.environ.get(CHILD_MARK):
                raise CommandError(f"the settings did not pick up LUNTAN_VAR={var_dir}")
            argv = [sys.executable, "-m", "luntan", "bench_poll", "--var", str(var_dir)]
            for name in ("seconds", "rounds", "connections", "threads", "workers", "pages"):
                if options[name] is not None:
                    argv += [f"--{name}", str(options[name])]
            if options["no_docs"]:
                argv.append("--no-docs")
            env = {**os.environ, "LUNTAN_VAR": str(var_dir), CHILD_MARK: "1"}
            env.setdefault("DJANGO_SETTINGS_MODULE", "luntan.settings.production")
            sys.stdout.flush()
            os.execve(sys.executable, argv, env)  # noqa: S606 - our own interpreter, no shell
        self._bench(var_dir, options)

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _bench(self, var_dir: Path, options: dict) -> None:
        from luntan.bench import machine, poll, server, wrk
        from luntan.bench.pages import CEILING_PATH, HOST, session_cookie

        if options["seconds"] < 1 or options["rounds"] < 1:
            raise CommandError("--seconds and --rounds must be at least 1")
        wrk_path = wrk.ensure_wrk()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        member = self._member()
        from django.test import Client

        client = Client(headers={"host": HOST})
        client.force_login(member)
        cookie = session_cookie(client)
        client.get(COUNT_PATH)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(COUNT_PATH).status_code == 200  # noqa: S101 - checked before any load
        writes = [q for q in captured.captured_queries
                  if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        connections.close_all()

        port = server.free_port()
        log_path = var_dir / "server.log"
        env = {**os.environ, "LUNTAN_VAR": str(var_dir)}
        env.pop(CHILD_MARK, None)
        argv = server.argv(port, workers=options["workers"])
        workers = argv[argv.index("--workers") + 1]
        busy = machine.busy_share()
        self._say(f"Serving on http://127.0.0.1:{port}/ ({workers} workers); other processes use "
                  f"{busy:.0%} of the CPU" if busy is not None else f"Serving ({workers} workers)")
        previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        process = server.start(port, env=env, log_path=log_path, workers=options["workers"])
        load = {"connections": options["connections"], "threads": options["threads"]}
        try:
            server.wait_ready(process, port, CEILING_PATH)
            if (status := server.status_of(port, COUNT_PATH, cookie=cookie)) != 200:
                raise CommandError(f"{COUNT_PATH} answered HTTP {status} to the member")
            base = f"http://127.0.0.1:{port}"
            wrk.run(wrk_path, base + COUNT_PATH, seconds=1, cookie=cookie, **load)
            wrk.run(wrk_path, base + CEILING_PATH, seconds=1, **load)
            counts, ceilings = [], []
            for number in range(1, options["rounds"] + 1):
                counts.append(wrk.run(wrk_path, base + COUNT_PATH, seconds=options["seconds"], cookie=cookie, **load))
                ceilings.append(wrk.run(wrk_path, base + CEILING_PATH, seconds=options["seconds"], **load))
                self._say(f"  round {number}: count {counts[-1].requests_per_second:,.0f} req/s "
                          f"({counts[-1].errors} errors), ceiling {ceilings[-1].requests_per_second:,.0f} req/s")
        except (server.ServerError, wrk.WrkError) as exc:
            raise CommandError(str(exc)) from exc
        finally:
            server.stop(process)
            signal.signal(signal.SIGTERM, previous)
        best, ceiling = wrk.combine(counts), wrk.combine(ceilings)
        if best.errors:
            raise CommandError(f"the count endpoint answered {best.errors} requests with errors")
        figures = poll.PollFigures(
            endpoint_rps=best.requests_per_second, endpoint_p50_ms=best.p50_ms, endpoint_p99_ms=best.p99_ms,
            ceiling_rps=ceiling.requests_per_second, pages=options["pages"],
            interval=settings.LUNTAN["NOTICE_POLL_SECONDS"], workers=workers,
            database="PostgreSQL" if connection.vendor == "postgresql" else "SQLite",
            queries=len(captured.captured_queries), writes=len(writes), others=busy)
        self._say("\n".join(figures.lines()))
        if not options["no_docs"]:
            docs = Path(settings.PROJECT_DIR) / "docs" / "benchmarks.md"
            poll.refresh_docs(docs, poll.section(figures, timezone.localdate().isoformat()))
            self._say(f"Refreshed {docs}")

    def _member(self):
        from luntan.accounts.models import Member
        from luntan.notices.services import notify

        member = Member.objects.filter(username="轮询测试员").first()
        if member is None:
            member = Member.objects.create_user("轮询测试员", "poll@example.com", "poll-bench-password-1")
            for i in range(3):
                notify(member_id=member.pk, kind="reply", text=f"测试提醒 {i + 1}", url="/")
        return member
