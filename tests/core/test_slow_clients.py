"""Slow clients must not stop the site: `luntan serve` hands a request to the site only once it has fully
arrived, so clients trickling their headers or bodies hold no worker (docs/serving.md, "Slow clients")."""

import socket
import time

import live_site
import pytest

from luntan.core import buffering_worker, slowprobe
from luntan.core.buffering_worker import RequestError, request_size

VIEW_COUNT = "from luntan.forum.models import Thread; print(Thread.objects.get(pk={pk}).view_count)"
# A thread to read, opened through the services by a member of the new site; prints its id. (`luntan demo`
# would do too, but takes half a minute of CPU, and on a busy machine more than the command's 2-minute limit.)
A_THREAD = """
from luntan.accounts.models import Member
from luntan.forum import services
from luntan.forum.models import Board, Category
author = Member.objects.create_user("楼主", "louzhu@example.com")
board = Board.objects.create(category=Category.objects.create(name="综合讨论区"), name="灌水乐园")
floor = services.thread_create(author=author, board=board, title="今天天气真好", source="出来晒太阳。", fmt="bbcode")
print(floor.thread.pk)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    running = live_site.start(tmp_path_factory.mktemp("var"), template=live_site.template(tmp_path_factory))
    yield running
    live_site.stop(running)


def test_twenty_slow_clients_do_not_delay_the_home_page(site):
    result = slowprobe.run(port=site.port, path="/", slow_clients=20, seconds=5.0)

    assert result.slow_clients_open == 20, result.summary()  # they were really holding on meanwhile
    assert result.ok(limit=1.0), result.summary()
    assert set(result.statuses) == {200}


def _send(site, data: bytes, *, pause: float = 0.0) -> bytes:
    with socket.create_connection(("127.0.0.1", site.port), timeout=10) as sock:
        for part in (data[: len(data) // 2], data[len(data) // 2:]) if pause else (data,):
            sock.sendall(part)
            time.sleep(pause)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_request_that_arrives_in_pieces_is_answered_once_complete(site):
    body = b"username=x&password=y"
    request = (b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
               b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    answer = _send(site, request, pause=0.5)

    assert answer.startswith(b"HTTP/1.1 403")  # the site saw the whole form: CSRF refused it, no 400/408


def test_a_request_larger_than_the_limit_is_refused_before_its_body(site):
    head = (b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n"
            % (buffering_worker.MAX_REQUEST_BYTES + 1))

    assert _send(site, head).startswith(b"HTTP/1.1 413")


def test_a_browser_still_sending_a_too_large_form_reads_the_page_saying_why(site):
    """The answer comes before the body has arrived; the rest of the body is read and thrown away, so the
    client finishes sending and reads the page instead of meeting a reset connection."""
    body = b"x" * (buffering_worker.MAX_REQUEST_BYTES + 2 * 1024 * 1024)
    head = (b"POST /thread/1/reply/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body))
    with socket.create_connection(("127.0.0.1", site.port), timeout=20) as sock:
        sock.sendall(head + body)  # as a browser does: the whole form, whatever the server said meanwhile
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    answer = b"".join(chunks)
    assert answer.startswith(b"HTTP/1.1 413") and "发送的内容太大".encode() in answer


def test_a_refused_request_over_the_limit_gets_a_page_saying_why_in_chinese():
    with pytest.raises(RequestError) as refused:
        request_size(b"POST /thread/1/reply/ HTTP/1.1\r\nContent-Length: %d\r\n\r\n"
                     % (buffering_worker.MAX_REQUEST_BYTES + 1))
    head, _, page = refused.value.reply.partition(b"\r\n\r\n")
    assert b"Content-Type: text/html; charset=utf-8" in head and b"Content-Length: %d" % len(page) in head
    text = page.decode()
    assert "发送的内容太大" in text and "3 MB" in text and "后退" in text and "<script" not in text


def test_static_files_are_served_whole(site):
    status, html = site.get("/")
    stylesheet = html.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    on_disk = (site.var / "static" / stylesheet.removeprefix("/static/")).read_text()

    assert status == 200 and "</html>" in html
    assert site.get(stylesheet) == (200, on_disk)  # whitenoise's file, sent through the worker's buffer


@pytest.mark.parametrize(("data", "size"), [
    (b"GET / HTTP/1.1\r\nHost: x\r\n", None),
    (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 27),
    (b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab", 43),
    (b"POST / HTTP/1.1\r\ncontent-length: 5, 5\r\n\r\n", 46),
])
def test_request_size_is_known_once_the_headers_are_in(data, size):
    assert request_size(data)[0] == size


@pytest.mark.parametrize(("data", "status"), [
    (b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", b"400"),
    (b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", b"400"),
    (b"POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", b"413"),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", b"411"),
    (b"GET / HTTP/1.1\r\nX: " + b"y" * (buffering_worker.MAX_HEADER_BYTES + 1), b"431"),
])
def test_requests_that_can_never_be_served_are_refused_early(data, status):
    with pytest.raises(RequestError) as refused:
        request_size(data)
    assert refused.value.reply.startswith(b"HTTP/1.1 " + status)


def test_sigterm_stops_the_server_promptly_with_slow_clients_open_and_keeps_the_view_counts(tmp_path,
                                                                                            tmp_path_factory):
    running = live_site.start(tmp_path / "var", template=live_site.template(tmp_path_factory))
    pk = int(running.luntan("shell", "-v", "0", "-c", A_THREAD))
    before = int(running.luntan("shell", "-v", "0", "-c", VIEW_COUNT.format(pk=pk)))
    for _ in range(5):
        assert running.get(f"/thread/{pk}/")[0] == 200
    holding = slowprobe.run(port=running.port, slow_clients=6, seconds=2.5, settle=0.5)
    assert holding.ok(limit=1.0), holding.summary()
    with socket.create_connection(("127.0.0.1", running.port)) as slow:
        slow.sendall(b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nab")
        started = time.monotonic()

        assert live_site.stop(running) == 0
        assert time.monotonic() - started < 10  # nobody waits for the half-sent request
    # The workers handed their counts over on the way out and the master wrote them.
    assert int(running.luntan("shell", "-v", "0", "-c", VIEW_COUNT.format(pk=pk))) == before + 5
