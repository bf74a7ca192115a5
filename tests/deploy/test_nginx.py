"""deploy/nginx.conf, the README's public deploy, in front of a real `luntan serve`: a page over HTTPS, the
visitor's own address reaching the site, plain HTTP sent to HTTPS, slow clients kept away from the site.

Needs Debian's nginx (`make test` installs it as root, like chromium) and openssl; skipped otherwise."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

import live_site
import pytest

from luntan.core import buffering_worker, slowprobe

REPO = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
OPENSSL = shutil.which("openssl")
# The smallest PNG: one transparent pixel.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082")

pytestmark = pytest.mark.skipif(
    not (NGINX and OPENSSL),
    reason="nginx or openssl is not installed (as root, `make test` installs nginx; else apt-get install nginx-light)",
)


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def _site_conf(*, http_port: int, https_port: int, app_port: int, cert: Path, key: Path, static: Path,
               media: Path) -> str:
    """deploy/nginx.conf with the names an operator changes, changed for this machine."""
    conf = (REPO / "deploy" / "nginx.conf").read_text()
    for old, new in [
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("/etc/letsencrypt/live/bbs.example.com/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/bbs.example.com/privkey.pem", str(key)),
        ("/srv/luntan/var/static/", f"{static}/"),
        ("/srv/luntan/var/media/", f"{media}/"),
        ("127.0.0.1:8000", f"127.0.0.1:{app_port}"),
        ("bbs.example.com", "localhost"),
    ]:
        assert old in conf, old
        conf = conf.replace(old, new)
    return "\n".join(line for line in conf.splitlines() if "[::]" not in line)  # no IPv6 in every sandbox


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, f"nginx exited:\n{log.read_text()}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nginx did not listen:\n{log.read_text()}")


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nginx")
    https_port, http_port = live_site.free_port(), live_site.free_port()
    site = live_site.start(folder / "var", template=live_site.template(tmp_path_factory), LUNTAN_HTTPS="1",
                           TRUSTED_PROXIES="127.0.0.1", ALLOWED_HOSTS="localhost,127.0.0.1", CSRF_TRUSTED_ORIGINS=f"https://localhost:{https_port}")
    cert, key = _certificate(folder)
    (folder / "site.conf").write_text(_site_conf(http_port=http_port, https_port=https_port, app_port=site.port,
                                                 cert=cert, key=key, static=site.var / "static",
                                                 media=site.var / "media"))
    user = "user root;" if os.geteuid() == 0 else ""  # the workers must read the test's private folder
    (folder / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/site.conf;
}}
""")
    log = folder / "nginx.out"
    with open(log, "wb") as out:
        nginx = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
                                 stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_port(https_port, nginx, log)
        tls = ssl.create_default_context(cafile=str(cert))
        yield {"site": site, "https": https_port, "http": http_port, "tls": tls}
    finally:
        os.killpg(nginx.pid, signal.SIGTERM)
        nginx.wait(timeout=10)
        live_site.stop(site)


def _get(deployed, path: str, *, source: str = "127.0.0.1", headers: dict | None = None):
    conn = http.client.HTTPSConnection("localhost", deployed["https"], context=deployed["tls"], timeout=10,
                                       source_address=(source, 0))
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def test_a_page_loads_over_https_with_its_static_files(deployed):
    response, body = _get(deployed, "/")

    assert response.status == 200
    assert "max-age" in (response.getheader("Strict-Transport-Security") or "")  # LUNTAN_HTTPS=1 took effect
    html = body.decode()
    stylesheet = html.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    css, data = _get(deployed, stylesheet)
    assert css.status == 200 and css.getheader("Content-Type") == "text/css" and data


def test_uploads_are_served_from_disk_as_inert_files(deployed):
    """An avatar under var/media/ comes from nginx itself: cached, never sniffed, and unable to run anything."""
    folder = deployed["site"].var / "media" / "avatars"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "7-abc.png").write_bytes(PNG)
    folder.chmod(0o755)

    response, data = _get(deployed, "/media/avatars/7-abc.png")

    assert response.status == 200 and data == PNG
    assert response.getheader("Content-Type") == "image/png"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert "sandbox" in response.getheader("Content-Security-Policy")
    assert "max-age" in response.getheader("Cache-Control")
    assert _get(deployed, "/media/../secret_key")[0].status in (400, 404)
    # A member's paid file lies under var/media/ too: nginx leaves it to the site, whose own route refuses it.
    paid = deployed["site"].var / "media" / "attachments"
    paid.mkdir(parents=True, exist_ok=True)
    (paid / "k.zip").write_bytes(b"PK\x03\x04paid")
    assert _get(deployed, "/media/attachments/k.zip")[0].status == 404


def test_plain_http_is_sent_to_https(deployed):
    conn = http.client.HTTPConnection("127.0.0.1", deployed["http"], timeout=10)
    conn.request("GET", "/thread/1/?page=2", headers={"Host": "localhost"})
    response = conn.getresponse()

    assert response.status == 301
    assert response.getheader("Location") == "https://localhost/thread/1/?page=2"


def test_the_site_sees_each_visitor_not_the_proxy(deployed):
    """Visitors come from 127.0.0.2 and 127.0.0.3 (both loopback); nginx itself from 127.0.0.1, the only
    trusted proxy. A forged X-Forwarded-For entry changes nothing."""
    site = deployed["site"]
    before = int(site.luntan("shell", "-v", "0", "-c", "from luntan.core import presence; print(presence.online()[1])"))
    _get(deployed, "/", source="127.0.0.2")
    _get(deployed, "/", source="127.0.0.2", headers={"X-Forwarded-For": "6.6.6.6"})
    _get(deployed, "/", source="127.0.0.3")

    after = int(site.luntan("shell", "-v", "0", "-c", "from luntan.core import presence; print(presence.online()[1])"))
    assert after - before == 2


def test_a_body_over_the_limit_is_refused_by_nginx(deployed):
    conn = http.client.HTTPSConnection("localhost", deployed["https"], context=deployed["tls"], timeout=10)
    conn.request("POST", "/login/", body=b"x" * (buffering_worker.MAX_REQUEST_BYTES + 1))

    response = conn.getresponse()
    assert response.status == 413
    assert "发送的内容太大" in response.read().decode()  # the site's page, not nginx's own


def test_slow_clients_do_not_delay_others(deployed):
    result = slowprobe.run(port=deployed["https"], path="/", slow_clients=20, seconds=5.0, tls=deployed["tls"])

    assert result.slow_clients_open == 20, result.summary()
    assert result.ok(limit=1.0), result.summary()
    assert set(result.statuses) == {200}
