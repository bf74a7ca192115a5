"""`luntan serve`: the site under gunicorn, with production settings (DEBUG off), static files served by
whitenoise and requests buffered in full before they reach the site, so no other web server is needed. The
command only builds gunicorn's command line and replaces itself with gunicorn; the flusher lives in
luntan.core.gunicorn_conf, the worker in luntan.core.buffering_worker."""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DEFAULT_BIND = "127.0.0.1:8000"
# Worker model: cores + 1 processes, one request at a time each. Pages are CPU-bound Python (Jinja2, the
# ORM), so parallelism comes from processes, and a worker takes a connection only when it is free, so the
# load spreads evenly (gthread's keep-alive connections were measured piling onto one worker). The worker
# is gunicorn's sync worker that first collects each request in full in a select loop (header and body
# deadlines, a size limit) and writes answers from the same loop: slow clients hold a buffer, never a
# worker, so `make run` on a public address needs no proxy to stay up (docs/serving.md, "Slow clients").
WORKER_CLASS = "luntan.core.buffering_worker.BufferingWorker"
THREADS = 1


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # the cores this process may really use
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def default_workers(cpus: int) -> int:
    """Processes for a machine with `cpus` cores: one per core and a spare, capped so that a large machine
    doesn't open hundreds of database connections."""
    return max(2, min(cpus + 1, 17))


def gunicorn_argv(*, bind: str = DEFAULT_BIND, workers: int | None = None, threads: int | None = None,
                  access_log: bool = False, cpus: int | None = None,
                  python: str = sys.executable) -> list[str]:
    """The full command line that runs the site under gunicorn."""
    workers = workers or default_workers(cpus or cpu_count())
    threads = threads or THREADS
    if workers < 1 or threads < 1:
        raise ValueError("workers and threads must be at least 1")
    argv = [
        python, "-m", "gunicorn",
        "--config", "python:luntan.core.gunicorn_conf",
        "--bind", bind,
        "--workers", str(workers),
        "--worker-class", WORKER_CLASS,
        "--threads", str(threads),
        "--error-logfile", "-",
    ]
    if access_log:
        argv += ["--access-logfile", "-"]
    argv.append("luntan.wsgi:application")
    return argv


class Command(BaseCommand):
    help = "Serve the site with gunicorn (production settings, static files included)."
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default=DEFAULT_BIND, help=f"address:port (default {DEFAULT_BIND})")
        parser.add_argument("--workers", type=int, default=None,
                            help="worker processes (default: cores + 1)")
        parser.add_argument("--threads", type=int, default=None,
                            help=f"threads per worker (default {THREADS})")
        parser.add_argument("--access-log", action="store_true", help="log every request to stdout")
        parser.add_argument("--print", action="store_true", dest="print_only",
                            help="print gunicorn's command line instead of running it")

    def handle(self, *args, bind: str, workers: int | None, threads: int | None, access_log: bool,
               print_only: bool, **options) -> None:
        try:
            argv = gunicorn_argv(bind=bind, workers=workers, threads=threads, access_log=access_log)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if print_only:
            self.stdout.write(" ".join(argv))
            return
        if settings.DEBUG:
            self.stderr.write("warning: DEBUG is on; `luntan serve` is meant for production settings")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luntan.settings.production")
        self.stdout.write(f"Luntan on http://{bind}/ ({argv[argv.index('--workers') + 1]} workers)")
        sys.stdout.flush()
        os.execv(argv[0], argv)  # noqa: S606 - our own interpreter running gunicorn, no shell
