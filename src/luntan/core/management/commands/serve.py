"""`luntan serve`: the site under gunicorn, with production settings (DEBUG off) and static files served
by whitenoise, so no other web server is needed. The command only builds gunicorn's command line and
replaces itself with gunicorn; the flusher lives in luntan.core.gunicorn_conf."""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

DEFAULT_BIND = "127.0.0.1:8000"
# Worker model: gthread, cores + 1 processes of 2 threads each. Pages are CPU-bound Python (Jinja2,
# cooking, the ORM), so parallelism comes from processes; the second thread of each covers a wait on the
# database or the cache. Measured with `luntan bench` on 2 cores: 3 workers served members' pages 15-40 %
# faster than 5 and halved their p99, as fewer processes fight over the cores and each keeps its
# in-process caches warmer. The threads are for what a sync worker does badly when
# no proxy stands in front: sync workers close every connection (no keep-alive, so each request pays a
# new TCP handshake) and a slow client holds a whole process. More threads only fight over the GIL.
# On the 2-core CI machine, wrk measured sync and gthread within noise of each other (docs/serving.md).
WORKER_CLASS = "gthread"
THREADS = 2


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
