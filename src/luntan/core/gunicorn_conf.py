"""gunicorn's configuration for `luntan serve` (loaded as `-c python:luntan.core.gunicorn_conf`).

Bind address, worker count and logging come from the command line that `luntan serve` builds; this module
holds what is the same for every site: the master's flusher and a few safe defaults.

The flusher: view counts and online time are buffered in the shared cache (disk cache or Redis) so that
reading a page never writes to the database. One thread in gunicorn's master process carries them to the
database every LUNTAN["FLUSH_SECONDS"], and once more when gunicorn shuts down, after the workers have
stopped. Only the master does it, so N workers never race each other for the same buffer."""

import gc
import logging
import os
import threading

# Gunicorn >= 23 opens a control socket in $HOME by default; two sites on one machine would share it.
control_socket_disable = True
# The workers' heartbeat files: memory, not disk, where there is a /dev/shm (a slow /tmp blocks workers).
if os.path.isdir("/dev/shm"):  # noqa: S108 - a known system directory, not a temporary file name
    worker_tmp_dir = "/dev/shm"  # noqa: S108
# Let a running request finish on restart, but don't wait for idle keep-alive clients for long.
graceful_timeout = 20

# gunicorn's own error log once the master is up (so flushes show beside "Booting worker"), else Python's.
log = logging.getLogger("luntan.flush")
_stop = threading.Event()
_thread: threading.Thread | None = None


def _flush_once() -> None:
    from django.db import close_old_connections, connections

    from luntan.core.buffers import write_all

    try:
        done = write_all()
        if any(done.values()):
            log.info("wrote buffered counts: %s", ", ".join(f"{name} {n}" for name, n in sorted(done.items())))
    except Exception:  # the master must live on: log it; what was not written stays buffered for next time
        log.exception("writing buffered counts failed")
    finally:
        # The connection belongs to this thread; close it so the master holds no database handle
        # (and no SQLite read snapshot) between flushes.
        close_old_connections()
        connections.close_all()


def _flush_loop(every: float) -> None:
    # Wait first: the workers are forked right after when_ready, and a fork while this thread holds a
    # lock (a database driver's, the logging module's) would hand the child a lock nobody releases.
    while not _stop.wait(every):
        _flush_once()


def when_ready(server) -> None:
    global _thread, log
    log = server.log
    if _thread is not None and _thread.is_alive():
        return
    import django

    django.setup()
    from django.conf import settings

    every = float(settings.LUNTAN.get("FLUSH_SECONDS", 30))
    _stop.clear()
    _thread = threading.Thread(target=_flush_loop, args=(every,), name="luntan-flush", daemon=True)
    _thread.start()
    server.log.info("Flushing buffered counters every %ss", every)


def on_exit(server) -> None:
    """Runs in the master after every worker has stopped: nothing can be counted any more."""
    _stop.set()
    if _thread is not None:
        _thread.join(timeout=10)
        _flush_once()
        server.log.info("Flushed buffered counters on exit")


def worker_exit(server, worker) -> None:
    """In each worker as it stops: hand over the view counts it still holds in process memory, so that the
    master's last flush (on_exit, after every worker has stopped) sees them."""
    try:
        from luntan.core import counters

        push_local = getattr(counters, "push_local", None)
        if push_local is not None:
            push_local()
    except Exception:
        server.log.exception("handing over buffered view counts failed")


def post_worker_init(worker) -> None:
    """Moves everything the worker loaded at start (Django, the URL map, compiled templates) out of the
    garbage collector's sight, and collects the young generations less often: a full collection then
    scans only what requests keep, instead of pausing a request for tens of milliseconds now and then
    (measured: 30-200 ms stalls every ~10 s under load before, see docs/benchmarks.md)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, 20, 100)
