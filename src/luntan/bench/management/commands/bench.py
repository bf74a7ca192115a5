"""`luntan bench`: how fast the real server serves the pages that matter, on a synthetic site.

1. Builds (once) a site of 50,000 floors plus a 100,000-floor megathread in its own var folder
   (var/bench/: SQLite, disk cache, secret key), or in the database DATABASE_URL names.
2. Counts each page's SQL queries by rendering it once in this process.
3. Starts `luntan serve`'s gunicorn on a free loopback port, serving the site and beside it the ceiling
   (luntan.bench.ceiling: a bare view under Django's default middleware), drives every page with wrk as a
   guest and as a signed-in member, and stops the server whatever happens.
4. Prints the table and the targets, and refreshes the generated section of docs/benchmarks.md.

Settings are read from LUNTAN_VAR when Django starts, so the command runs itself again with LUNTAN_VAR
pointing at the bench folder."""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import cast

import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.utils import timezone

CHILD_MARK = "LUNTAN_BENCH_CHILD"
SQLITE_NAME = "luntan.sqlite3"
STAMP_NAME = "site.stamp"
BUSY_WARNING = 0.15  # share of the CPU other processes may use around the run before the figures are doubted


def site_fingerprint() -> str:
    """Changes whenever the schema's migrations (edited in place or added), Django or the builder change:
    a SQLite bench site built before is then thrown away and built again."""
    from django.apps import apps

    from luntan.bench import site

    digest = hashlib.sha256(django.get_version().encode())
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        if config.name.startswith("luntan."):
            for path in sorted((Path(config.path) / "migrations").glob("*.py")):
                digest.update(f"{config.label}/{path.name}".encode())
                digest.update(path.read_bytes())
    digest.update(Path(site.__file__).read_bytes())
    return digest.hexdigest()[:20]


def default_var_dir() -> Path:
    return Path(settings.PROJECT_DIR) / "var" / "bench"


def docs_path() -> Path:
    return Path(settings.PROJECT_DIR) / "docs" / "benchmarks.md"


DOCS_TEMPLATE = """# Benchmarks

`luntan bench` (or `make bench`) measures the real server on a synthetic site. See the section below,
which the command refreshes on every run.
"""


class Command(BaseCommand):
    help = "Load-test the real server on a synthetic site and report requests/s, latency and SQL per page."
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--quick", action="store_true", help="3 s per URL in one round")
        parser.add_argument("--seconds", type=float, default=None,
                            help="seconds of load per URL, all rounds together (default 12)")
        parser.add_argument("--rounds", type=int, default=None,
                            help="measure every URL this many times, round-robin; keep the fastest round (default 3)")
        parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
        parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
        parser.add_argument("--workers", type=int, default=None,
                            help="gunicorn workers (default: what `luntan serve` picks for this machine)")
        parser.add_argument("--floors", type=int, default=50_000,
                            help="floors outside the megathread (default 50,000)")
        parser.add_argument("--megathread", type=int, default=100_000,
                            help="floors of the megathread (default 100,000)")
        parser.add_argument("--var", default=None, help="the bench site's var folder (default var/bench)")
        parser.add_argument("--rebuild", action="store_true",
                            help="throw the SQLite bench site away and build it again")
        parser.add_argument("--build-only", action="store_true", help="build the site, measure nothing")
        parser.add_argument("--no-docs", action="store_true", help="do not refresh docs/benchmarks.md")
        parser.add_argument("--rush", type=int, default=1000,
                            help="members in the check-in midnight rush (default 1,000; 0: no rush)")
        parser.add_argument("--rush-only", action="store_true",
                            help="run only the check-in midnight rush, no page is measured")
        parser.add_argument("--protect", action=argparse.BooleanOptionalAction, default=True,
                            help="content protection (内容防复制) on the bench board, whose thread pages then carry "
                                 "the per-view noise and mark (default: on, as every feature of the thread page "
                                 "is; --no-protect measures without it)")
        parser.add_argument("--profile", action="store_true",
                            help="also profile the signed-in thread page in-process (cProfile)")

    # --- step 0: run again inside the bench folder ----------------------------------------------------------

    def handle(self, *args, **options) -> None:
        var_dir = Path(options["var"] or default_var_dir()).resolve()
        if Path(settings.VAR_DIR).resolve() != var_dir or not os.environ.get(CHILD_MARK):
            self._reexec(var_dir, options)
            return
        self._bench(var_dir, options)

    def _reexec(self, var_dir: Path, options: dict) -> None:
        if os.environ.get(CHILD_MARK):
            raise CommandError(f"the settings did not pick up LUNTAN_VAR={var_dir}; "
                               f"is DJANGO_SETTINGS_MODULE ({os.environ.get('DJANGO_SETTINGS_MODULE')}) "
                               "built on luntan.settings.base?")
        if options["rebuild"]:
            self._throw_away(var_dir)
        elif not os.environ.get("DATABASE_URL") and (var_dir / SQLITE_NAME).exists():
            stamp = var_dir / STAMP_NAME
            if not stamp.exists() or stamp.read_text().strip() != site_fingerprint():
                self._say("The bench site was built with other migrations or another builder: building it again")
                self._throw_away(var_dir)
        argv = [sys.executable, "-m", "luntan", "bench"]
        for flag in ("quick", "rebuild", "build_only", "no_docs", "profile", "rush_only"):
            if options[flag]:
                argv.append("--" + flag.replace("_", "-"))
        argv.append("--protect" if options["protect"] else "--no-protect")
        for name in ("seconds", "rounds", "connections", "threads", "workers", "floors", "megathread", "rush"):
            if options[name] is not None:
                argv += [f"--{name}", str(options[name])]
        argv += ["--var", str(var_dir)]
        env = {**os.environ, "LUNTAN_VAR": str(var_dir), CHILD_MARK: "1"}
        env.setdefault("DJANGO_SETTINGS_MODULE", "luntan.settings.production")
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, env)  # noqa: S606 - our own interpreter, no shell

    def _throw_away(self, var_dir: Path) -> None:
        if os.environ.get("DATABASE_URL"):
            raise CommandError("--rebuild only throws away the SQLite bench site; with DATABASE_URL, drop and "
                               "create that database yourself, then run `luntan bench` again")
        for suffix in ("", "-wal", "-shm"):
            (var_dir / f"{SQLITE_NAME}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(var_dir / "cache", ignore_errors=True)
        self.stdout.write(f"Removed the bench site in {var_dir}")

    # --- steps 1 to 4 ----------------------------------------------------------------------------------

    def _bench(self, var_dir: Path, options: dict) -> None:
        from luntan.bench import wrk

        say = self._say
        seconds = options["seconds"] or (3.0 if options["quick"] else 12.0)
        warmup = 1.0 if options["quick"] else 2.0
        rounds = options["rounds"] or (1 if options["quick"] else 3)
        if rounds < 1 or seconds < 1 or options["connections"] < 1 or options["threads"] < 1:
            raise CommandError("--rounds, --seconds, --connections and --threads must be at least 1")
        if options["rush_only"] and options["rush"] < 1:
            raise CommandError("--rush-only needs --rush of at least 1 member")
        wrk_path = None if options["build_only"] or options["rush_only"] else self._wrk(wrk)
        say(f"Bench site in {var_dir} ({self._db_label()})")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        site = self._site(options)
        if options["build_only"]:
            return
        self._protect(site, on=options["protect"])
        self._dress(site)
        self._rush = None
        if options["rush_only"]:
            self._load(var_dir, options, [], {}, "", "", seconds=1, warmup=0, rounds=1)
            from luntan.bench import report

            self._say(report.checks_text(report.rush_checks(self._rush)))
            return

        from luntan.bench import pages as bench_pages

        page_list = bench_pages.pages_for(site)
        member = bench_pages.member_client(site)
        cookie = bench_pages.session_cookie(member)
        say("Counting SQL queries (each page rendered in this process)")
        queries = bench_pages.count_queries(site, page_list, member)
        if options["profile"]:
            self._profile(var_dir, page_list, member)
        connections.close_all()

        rows = self._load(var_dir, options, page_list, queries, cookie, wrk_path or "",
                          seconds=seconds, warmup=warmup, rounds=rounds)
        self._report(var_dir, options, site, rows, seconds=seconds, warmup=warmup, rounds=rounds)

    def _say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _wrk(self, wrk) -> str:
        try:
            return wrk.ensure_wrk()
        except wrk.WrkError as exc:
            raise CommandError(str(exc)) from exc

    def _site(self, options: dict):
        from luntan.bench import site as builder

        site = builder.find_site()
        if site is None:
            if not builder.database_is_empty():
                raise CommandError("this database already has members or posts and is not a bench site: "
                                   "`luntan bench` only builds into an empty database")
            started = time.monotonic()
            self._say(f"Building the bench site: {options['floors']:,} floors + a megathread of "
                      f"{options['megathread']:,} floors")
            site = builder.build_site(floors=options["floors"], megathread=options["megathread"],
                                      progress=lambda m: self._say(f"  {m}"))
            self._say(f"Built in {time.monotonic() - started:.0f} s")
            if connection.vendor == "sqlite":
                (Path(settings.VAR_DIR) / STAMP_NAME).write_text(site_fingerprint() + "\n")
        else:
            self._say(f"Using the bench site already built: {site.floors:,} floors, megathread of "
                      f"{site.megathread_floors:,}")
            if (site.megathread_floors, site.floors) != (options["megathread"],
                                                          options["floors"] + options["megathread"]):
                self._say("  (not the size asked for: run with --rebuild to build it again at that size)")
        return site

    def _dress(self, site) -> None:
        """The bench thread with every feature of a thread page (once; later runs find it dressed)."""
        from luntan.bench import dress

        try:
            dress.dress_thread(site.thread_id)
        except dress.DressError as exc:
            raise CommandError(str(exc)) from exc
        self._say("The bench thread carries a poll, signatures, a picture, a paid file, hidden and paid parts "
                  "and @mentions")

    def _protect(self, site, *, on: bool) -> None:
        """Content protection on the bench board as asked (it stays as the last run left it otherwise)."""
        from luntan.core import pagecache
        from luntan.forum.models import Board

        if Board.objects.filter(pk=site.board_id).exclude(protect_content=on).update(protect_content=on):
            pagecache.bump_now("site", f"board:{site.board_id}", f"thread:{site.thread_id}",
                               f"thread:{site.megathread_id}")
        self._say(f"Content protection on the bench board: {'on' if on else 'off'}")

    def _profile(self, var_dir: Path, page_list, member) -> None:
        from luntan.bench import pages as bench_pages

        thread = next(p for p in page_list if p.name.startswith("thread page"))
        text = bench_pages.profile(thread.path, member)
        out = var_dir / "profile-thread-page.txt"
        out.write_text(text, encoding="utf-8")
        self._say(f"Profile of the signed-in thread page (200 renders) in {out}:")
        self._say("\n".join(text.splitlines()[:45]))

    # --- the load run ---------------------------------------------------------------------------------------

    def _load(self, var_dir: Path, options: dict, page_list, queries, cookie: str, wrk_path: str, *,
              seconds: float, warmup: float, rounds: int):
        from luntan.bench import machine, server, wrk
        from luntan.bench.pages import CEILING_PATH, MEMBER, VISITORS
        from luntan.bench.report import Row

        port = server.free_port()
        log_path = var_dir / "server.log"
        env = {**os.environ, "LUNTAN_VAR": str(var_dir)}
        env.pop(CHILD_MARK, None)
        argv = server.argv(port, workers=options["workers"])
        self._workers = argv[argv.index("--workers") + 1]
        self._threads_per_worker = argv[argv.index("--threads") + 1] if "--threads" in argv else "1"
        self._worker_class = argv[argv.index("--worker-class") + 1] if "--worker-class" in argv else "sync"
        total = len(page_list) * len(VISITORS) * (rounds * max(1, round(seconds / rounds)) + warmup)
        self._say(f"Serving on http://127.0.0.1:{port}/ ({self._workers} workers); "
                  f"about {total / 60:.1f} min of load")
        self._busy_before = machine.busy_share()
        previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        process = server.start(port, env=env, log_path=log_path, workers=options["workers"])
        rows: list[Row] = []
        try:
            server.wait_ready(process, port, CEILING_PATH)
            meter = machine.CpuMeter(process.pid)
            if options["rush_only"]:
                self._rush = self._midnight_rush(port, options)
                return rows
            broken = [f"{page.path} ({visitor}): HTTP {status}" for page in page_list for visitor in VISITORS
                      if (status := server.status_of(port, page.path,
                                                     cookie=cookie if visitor == MEMBER else None)) != 200]
            if broken:
                raise server.ServerError("pages that do not answer 200, nothing measured:\n  "
                                         + "\n  ".join(broken))
            base = f"http://127.0.0.1:{port}"
            targets = [(page, visitor, {"connections": options["connections"], "threads": options["threads"],
                                        "cookie": cookie if visitor == MEMBER else None})
                       for page in page_list for visitor in VISITORS]
            for page, _visitor, load in targets:
                wrk.run(wrk_path, base + page.path, seconds=warmup, **load)
            # Round-robin: a disturbance (another process, a flush) spreads over every URL instead of
            # falling on one, and each figure is the fastest of its rounds.
            runs: dict[tuple[str, str], list] = {}
            others: dict[tuple[str, str], list[float]] = {}
            for number in range(1, rounds + 1):
                if rounds > 1:
                    self._say(f"  round {number} of {rounds}")
                for page, visitor, load in targets:
                    meter.start()
                    result = wrk.run(wrk_path, base + page.path, seconds=seconds / rounds, **load)
                    share = meter.others()
                    runs.setdefault((page.name, visitor), []).append(result)
                    if share is not None:
                        others.setdefault((page.name, visitor), []).append(share)
                    self._say(f"  {page.name:<32} {visitor:<10} {result.requests_per_second:8.0f} req/s  "
                              f"p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms"
                              + (f"  {result.errors} errors" if result.errors else "")
                              + (f"  (other processes: {share:.0%} of the CPU)"
                                 if share is not None and share > BUSY_WARNING else ""))
            for page, visitor, _load in targets:
                key = (page.name, visitor)
                rows.append(Row(page=page.name, visitor=visitor, result=wrk.combine(runs[key]),
                                rounds=runs[key], queries=queries.get(key),
                                others=max(others[key]) if others.get(key) else None))
            if options["rush"] > 0:
                self._rush = self._midnight_rush(port, options)
        except (server.ServerError, wrk.WrkError) as exc:
            raise CommandError(f"{exc}\n--- last lines of {log_path} ---\n{self._tail(log_path)}") from exc
        finally:
            server.stop(process)
            signal.signal(signal.SIGTERM, previous)
        self._busy_after = machine.busy_share()
        disturbed = [r for r in rows if r.others is not None and r.others > BUSY_WARNING]
        if disturbed or (self._busy_before or 0) > BUSY_WARNING:
            self._say("warning: other processes used the CPU during the run (column 'others'): those figures "
                      "are lower than this machine can do; run again on a quiet machine")
        return rows

    def _midnight_rush(self, port: int, options: dict):
        """每日签到's midnight rush against the running server (luntan.bench.rush)."""
        from luntan.bench import rush

        found = rush.run(port, members=options["rush"], connections=options["connections"], say=self._say)
        connections.close_all()
        self._say(f"  midnight rush: {found.summary()}")
        return found

    @staticmethod
    def _tail(path: Path, lines: int = 30) -> str:
        try:
            return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    # --- the report ---------------------------------------------------------------------------------------

    def _report(self, var_dir: Path, options: dict, site, rows, *, seconds: float, warmup: float,
                rounds: int) -> None:
        from luntan.bench import report
        from luntan.forum.models import Board, Thread

        found = report.checks(rows) + report.rush_checks(self._rush)
        facts = [
            ("date", timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")),
            ("machine", self._machine() + self._busy_text()),
            ("software", f"Python {platform.python_version()}, Django {django.get_version()}, "
                         f"{self._gunicorn_label()}"),
            ("database", self._db_label()),
            ("cache", "Redis" if settings.REDIS_URL else "disk cache (diskcache, in the bench var folder)"),
            ("content protection", "on for the bench board (noise and mark on its thread pages)" if options["protect"]
             else "off"),
            ("site", f"{site.floors:,} floors in {Thread.objects.count():,} threads on "
                     f"{Board.objects.count()} boards; megathread of {site.megathread_floors:,} floors"),
            ("load", f"wrk {options['connections']} connections, {options['threads']} threads, "
                     f"{seconds:.0f} s per URL ({rounds} round-robin round{'s' if rounds > 1 else ''}, "
                     f"fastest shown) after {warmup:.0f} s of warm-up, over loopback; wrk runs on the same "
                     "cores as the server"),
        ]
        self._say("")
        self._say(report.table(rows))
        self._say("")
        self._say(report.LEGEND)
        self._say("")
        self._say(report.checks_text(found))
        if not options["no_docs"]:
            path = docs_path()
            report.write_docs(path, report.section(rows=rows, found=found, facts=facts, rush=self._rush),
                              template=DOCS_TEMPLATE)
            self._say(f"\nWrote the figures to {path}")

    def _busy_text(self) -> str:
        if self._busy_before is None or self._busy_after is None:
            return ""
        return (f"; CPU used by other processes just before/after the run: "
                f"{self._busy_before:.0%}/{self._busy_after:.0%}")

    def _gunicorn_label(self) -> str:
        try:
            import gunicorn

            version = gunicorn.__version__
        except ImportError:  # pragma: no cover - a dependency
            version = "?"
        return (f"gunicorn {version}, {self._workers} workers × {self._threads_per_worker} threads "
                f"({self._worker_class})")

    @staticmethod
    def _machine() -> str:
        from luntan.bench import machine
        from luntan.core.management.commands.serve import cpu_count

        memory = machine.memory_gib()
        return (f"{cpu_count()} cores ({machine.cpu_model()})"
                + (f", {memory:.0f} GiB RAM" if memory else "") + f", {platform.system()}")

    @staticmethod
    def _db_label() -> str:
        if connection.vendor == "sqlite":
            name = Path(connection.settings_dict["NAME"])
            if name.is_relative_to(settings.PROJECT_DIR):
                name = name.relative_to(settings.PROJECT_DIR)
            return f"SQLite {sqlite3.sqlite_version} (WAL), {name}"
        connection.ensure_connection()
        if connection.vendor == "postgresql":
            from django.db.backends.postgresql.base import DatabaseWrapper

            v = cast(DatabaseWrapper, connection).pg_version
            return f"PostgreSQL {v // 10000}.{v % 10000}"
        return connection.vendor
