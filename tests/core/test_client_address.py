"""Behind a reverse proxy every request comes from the proxy: the visitor's own address is read from
X-Forwarded-For, but only from proxies named in TRUSTED_PROXIES, right to left."""

import re

import pytest
from django.test import Client, RequestFactory

from luntan.core import presence
from luntan.forum.models import Floor

PROXY = "127.0.0.1"


def _address(*, remote=PROXY, forwarded=None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return presence.client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []

    assert _address(forwarded="203.0.113.7") == PROXY
    assert _address(remote="198.51.100.4", forwarded="203.0.113.7") == "198.51.100.4"


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = [PROXY]

    assert _address(remote="198.51.100.4", forwarded="203.0.113.7") == "198.51.100.4"


@pytest.mark.parametrize(("forwarded", "client"), [
    ("203.0.113.7", "203.0.113.7"),
    ("203.0.113.7, 10.1.2.3", "203.0.113.7"),  # a second proxy of ours in a trusted network
    ("6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client forged the left-most entry
    ("10.0.0.9, 127.0.0.1", "10.0.0.9"),  # every hop trusted: the farthest one seen
    ("2001:db8::1", "2001:db8::1"),
    ("[2001:db8::2]", "2001:db8::2"),
    ("::ffff:203.0.113.8", "203.0.113.8"),
])
def test_the_client_is_the_right_most_address_that_is_not_a_trusted_proxy(settings, forwarded, client):
    settings.TRUSTED_PROXIES = [PROXY, "10.0.0.0/8"]

    assert _address(forwarded=forwarded) == client


@pytest.mark.parametrize(("forwarded", "client"), [
    ("", PROXY),
    ("not-an-address", PROXY),
    ("203.0.113.7:5555", PROXY),
    ("1.2.3.4, <script>", PROXY),
    ("<script>, 203.0.113.7", "203.0.113.7"),
    (",,,", PROXY),
    ("x" * 10_000, PROXY),
])
def test_garbage_in_the_forwarded_header_never_crashes_nor_is_believed(settings, forwarded, client):
    settings.TRUSTED_PROXIES = [PROXY]

    assert _address(forwarded=forwarded) == client


def test_a_missing_or_odd_remote_address_is_unknown(settings):
    settings.TRUSTED_PROXIES = [PROXY]

    assert _address(remote="", forwarded="203.0.113.7") == "unknown"
    assert _address(remote="unix:/run/x.sock", forwarded="203.0.113.7") == "unknown"


def test_guests_behind_the_proxy_count_one_by_one(settings, db):
    settings.TRUSTED_PROXIES = [PROXY]
    for visitor in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor).get("/")

    assert presence.online()[1] == 3


def test_a_floor_keeps_the_author_address_the_proxy_forwarded(settings, make_thread, member_client,
                                                              django_capture_on_commit_callbacks):
    settings.TRUSTED_PROXIES = [PROXY]
    thread = make_thread()
    client = member_client
    client.defaults.update(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    page = client.get(f"/thread/{thread.pk}/").content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f]+)"', page).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/thread/{thread.pk}/reply/", {"source": "从代理后面回复", "format": "bbcode",
                                                    "submission_key": key})

    assert Floor.objects.get(thread=thread, number=2).author_ip == "203.0.113.9"
