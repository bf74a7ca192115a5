"""gunicorn's sync worker, except that a request reaches the site only once it has fully arrived.

A sync worker reads the request itself, so a client that sends its headers and then trickles the body one
byte a second holds the whole worker; three such clients held every worker of a 2-core site and `/`
answered after 31 s. This worker keeps the sync worker's model (one request at a time per process, which
is what CPU-bound page rendering wants, docs/serving.md) but does the waiting in a select loop: it
accepts connections without blocking, collects each one's bytes until the request is complete (header and
body deadlines, a size limit), and only then runs the site. The answer is collected in memory and written
from the same loop, so a client that reads slowly holds a buffer, not the worker. A slow client costs one
file descriptor and its bytes so far, as it would in nginx.

Each response closes its connection, as the sync worker's do, so every request is accepted by a worker
that is free at that moment and the load stays spread over the processes."""

from __future__ import annotations

import errno
import os
import resource
import selectors
import socket
import time
from collections import deque
from pathlib import Path

from gunicorn import http
from gunicorn.workers.sync import SyncWorker

# The largest request accepted, headers and body: an avatar upload of up to LUNTAN["AVATAR_MAX_KB"] (2 MB) with
# its form; the other forms are far smaller (DATA_UPLOAD_MAX_MEMORY_SIZE is 512 KB). deploy/nginx.conf says
# the same (client_max_body_size).
MAX_REQUEST_BYTES = 3 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
# The request line and headers must arrive this soon after connecting, the whole request this soon.
HEADER_SECONDS = 20.0
REQUEST_SECONDS = 60.0
# A client gets this long to read its answer; then the connection is dropped.
WRITE_SECONDS = 60.0
# A request refused before its body arrived (too large): the answer is sent, and what the client still sends is
# read and thrown away for this long, or up to this many bytes, before the connection is closed. Closed at once,
# the kernel would answer the client's next bytes with a reset, and a browser still sending a large form
# shows "connection reset" instead of the page that says why (nginx's lingering close does the same).
LINGER_SECONDS = 10.0
LINGER_BYTES = 64 * 1024 * 1024
READ_CHUNK = 64 * 1024

_LISTENER, _WAKE = object(), object()


def _reply_line(status: str) -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nContent-Length: {len(status)}\r\n" \
           f"Connection: close\r\n\r\n{status}".encode("latin-1")


# A request over the limit is most often a post form sent with files (without JavaScript): its member reads
# a page saying why, in Chinese and English (nginx's error_page shows the same file, deploy/nginx.conf).
TOO_LARGE_PAGE = (Path(__file__).resolve().parent / "static" / "core" / "too-large.html").read_bytes()


def _reply_page(status: str, page: bytes) -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {len(page)}\r\n" \
           f"Connection: close\r\n\r\n".encode("latin-1") + page


class RequestError(Exception):
    """The request can never be served: answered with `status` and the connection closed."""

    def __init__(self, status: str):
        super().__init__(status)
        self.reply = _reply_page(status, TOO_LARGE_PAGE) if status.startswith("413") else _reply_line(status)


def request_size(data: bytes | bytearray) -> tuple[int | None, bool]:
    """How long the request at the start of `data` is, once its headers are in: (total bytes, expects a
    100 Continue), or (None, False) while the headers are still incomplete. Raises RequestError for a
    request that must be refused before the rest of it arrives."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        if len(data) > MAX_HEADER_BYTES:
            raise RequestError("431 Request Header Fields Too Large")
        return None, False
    if end > MAX_HEADER_BYTES:
        raise RequestError("431 Request Header Fields Too Large")
    lengths: set[bytes] = set()
    expects_continue = False
    for line in bytes(data[:end]).split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            lengths.update(part.strip() for part in value.split(b","))
        elif name == b"transfer-encoding":
            # Browsers never send a chunked body; refusing it keeps the size known before reading it.
            raise RequestError("411 Length Required")
        elif name == b"expect" and value.strip().lower() == b"100-continue":
            expects_continue = True
    if len(lengths) > 1 or any(not length.isdigit() for length in lengths):
        raise RequestError("400 Bad Request")
    body = int(lengths.pop()) if lengths else 0
    if end + 4 + body > MAX_REQUEST_BYTES:
        raise RequestError("413 Content Too Large")
    return end + 4 + body, expects_continue


class _Answer:
    """Stands in for the client socket while the site runs: gunicorn's Response writes here."""

    def __init__(self, sock: socket.socket):
        self._sock = sock
        self.chunks: list[bytes] = []

    def sendall(self, data) -> None:
        self.chunks.append(bytes(data))

    def send(self, data) -> int:
        # Only gunicorn's "100 Continue", which the loop already sent when the headers came in.
        return len(data)

    def sendfile(self, file, offset: int = 0, count: int | None = None) -> int:
        file.seek(offset)
        data = file.read(count) if count else file.read()
        self.chunks.append(data)
        return len(data)

    def __getattr__(self, name):  # getsockname, getpeername, fileno ... of the real socket
        return getattr(self._sock, name)


class _Connection:
    __slots__ = ("sock", "addr", "inbox", "outbox", "size", "header_deadline", "deadline", "continued", "linger",
                 "drained")

    def __init__(self, sock: socket.socket, addr, now: float):
        self.sock, self.addr = sock, addr
        self.inbox = bytearray()
        self.outbox = bytearray()
        self.size: int | None = None
        self.header_deadline = now + HEADER_SECONDS
        self.deadline = now + REQUEST_SECONDS
        self.continued = False
        self.linger = False  # refused early: read what the client still sends once the answer is out
        self.drained = 0


class BufferingWorker(SyncWorker):
    """`--worker-class luntan.core.buffering_worker.BufferingWorker`"""

    def run(self) -> None:
        for listener in self.sockets:
            listener.setblocking(False)
        self.selector = selectors.DefaultSelector()
        for listener in self.sockets:
            self.selector.register(listener, selectors.EVENT_READ, _LISTENER)
        self.selector.register(self.PIPE[0], selectors.EVENT_READ, _WAKE)
        self.listening = True
        self.connections: dict[int, _Connection] = {}
        self.complete: deque[_Connection] = deque()
        # Never more connections than file descriptors: past the limit, clients wait in the kernel's queue.
        soft_limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
        spare = soft_limit - 64 if soft_limit != resource.RLIM_INFINITY else self.cfg.worker_connections
        self.max_connections = max(16, min(self.cfg.worker_connections, spare))
        try:
            self._loop()
            self._finish_writing()
        finally:
            for connection in list(self.connections.values()):
                self._close(connection)
            self.selector.close()

    def _loop(self) -> None:
        wait = min(1.0, (self.timeout or 2) / 2)
        next_tick = 0.0
        while self.alive or self.complete:
            for key, mask in self.selector.select(0 if self.complete else wait):
                if key.data is _WAKE:
                    os.read(self.PIPE[0], 4096)
                elif key.data is _LISTENER:
                    # Take a new client only when no complete request is waiting here: a free worker
                    # should get it instead. At the connection or descriptor limit, or when stopping, stop
                    # listening (else the waiting client would wake this loop again and again).
                    if not self.alive or len(self.connections) >= self.max_connections:
                        self._listen(False)
                    elif not self.complete and not self._accept(key.fileobj):
                        self._listen(False)
                elif mask & selectors.EVENT_WRITE:
                    self._send(key.data)
                else:
                    self._receive(key.data)
            if self.complete:
                self._serve(self.complete.popleft())
            now = time.monotonic()
            if now >= next_tick:  # twice a second: the heartbeat, the deadlines, the parent
                next_tick = now + 0.5
                self.notify()
                self._expire(now)
                if self.alive and not self.listening and len(self.connections) < self.max_connections:
                    self._listen(True)
                if not self.is_parent_alive():
                    return

    # --- reading ----------------------------------------------------------------------------------------
    def _listen(self, on: bool) -> None:
        if on != self.listening:
            for listener in self.sockets:
                if on:
                    self.selector.register(listener, selectors.EVENT_READ, _LISTENER)
                else:
                    self.selector.unregister(listener)
            self.listening = on

    def _accept(self, listener) -> bool:
        """Takes one client; False when no descriptor is left (the client waits in the kernel's queue)."""
        try:
            sock, addr = listener.accept()
        except OSError as exc:
            if exc.errno in (errno.EMFILE, errno.ENFILE):
                return False
            if exc.errno in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                return True
            raise
        sock.setblocking(False)
        connection = _Connection(sock, addr, time.monotonic())
        self.connections[sock.fileno()] = connection
        self.selector.register(sock, selectors.EVENT_READ, connection)
        self._receive(connection)  # a small GET has usually arrived with the connection
        return True

    def _receive(self, connection: _Connection) -> None:
        try:
            data = connection.sock.recv(READ_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._close(connection)
            return
        if not data:  # the client went away before finishing its request (or, lingering, read its answer)
            self._close(connection)
            return
        if connection.linger:  # the answer is out: what still comes is thrown away
            connection.drained += len(data)
            if connection.drained > LINGER_BYTES:
                self._close(connection)
            return
        connection.inbox += data
        try:
            if connection.size is None:
                connection.size, expects_continue = request_size(connection.inbox)
                if expects_continue and len(connection.inbox) < (connection.size or 0):
                    connection.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
                    connection.continued = True
        except RequestError as refused:
            connection.linger = len(connection.inbox) < MAX_REQUEST_BYTES  # the client may still be sending
            self._answer(connection, refused.reply)
            return
        except OSError:
            self._close(connection)
            return
        if connection.size is not None and len(connection.inbox) >= connection.size:
            self.selector.unregister(connection.sock)
            self.complete.append(connection)

    def _expire(self, now: float) -> None:
        for connection in list(self.connections.values()):
            if connection.outbox or connection.linger:
                if now > connection.deadline:
                    self._close(connection)
            elif connection in self.complete:
                continue
            elif now > connection.deadline or (connection.size is None and now > connection.header_deadline):
                if connection.inbox:
                    self._answer(connection, _reply_line("408 Request Timeout"))
                else:
                    self._close(connection)

    # --- the site ---------------------------------------------------------------------------------------
    def _serve(self, connection: _Connection) -> None:
        answer = _Answer(connection.sock)
        data = bytes(connection.inbox[:connection.size])
        request = None
        try:
            request = next(http.get_parser(self.cfg, [data], connection.addr))
            listener = self.sockets[0]
            self.handle_request(listener, request, answer, connection.addr)
        except StopIteration:
            pass  # gunicorn gave up on a response already started: send what there is
        except Exception as exc:
            answer.chunks.clear()
            self.handle_error(request, answer, connection.addr, exc)
        self._answer(connection, b"".join(answer.chunks))

    # --- writing ----------------------------------------------------------------------------------------
    def _answer(self, connection: _Connection, data: bytes) -> None:
        connection.outbox = bytearray(data)
        connection.inbox = bytearray()
        connection.deadline = time.monotonic() + WRITE_SECONDS
        try:
            self.selector.unregister(connection.sock)
        except (KeyError, ValueError):
            pass
        self._send(connection)
        if connection.outbox and connection.sock.fileno() >= 0:
            self.selector.register(connection.sock, selectors.EVENT_WRITE, connection)

    def _send(self, connection: _Connection) -> None:
        try:
            sent = connection.sock.send(connection.outbox)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._close(connection)
            return
        del connection.outbox[:sent]
        if not connection.outbox:
            try:
                connection.sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            if connection.linger and self.alive:
                connection.deadline = time.monotonic() + LINGER_SECONDS
                try:
                    self.selector.unregister(connection.sock)
                except (KeyError, ValueError):
                    pass
                self.selector.register(connection.sock, selectors.EVENT_READ, connection)
                return
            self._close(connection)

    def _finish_writing(self) -> None:
        """On a graceful stop: answers already made still reach their clients (bounded by the master's
        graceful timeout); requests not yet complete are dropped, as a sync worker drops queued ones."""
        self._listen(False)
        deadline = time.monotonic() + self.cfg.graceful_timeout
        while time.monotonic() < deadline and any(c.outbox for c in self.connections.values()):
            self.notify()
            for key, _mask in self.selector.select(0.2):
                if isinstance(key.data, _Connection) and key.data.outbox:
                    self._send(key.data)

    def _close(self, connection: _Connection) -> None:
        if connection.sock.fileno() >= 0:
            self.connections.pop(connection.sock.fileno(), None)
        try:
            self.selector.unregister(connection.sock)
        except (KeyError, ValueError):
            pass
        try:
            self.complete.remove(connection)
        except ValueError:
            pass
        connection.sock.close()
