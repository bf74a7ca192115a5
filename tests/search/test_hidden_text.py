"""Hidden and paid parts ([hide], [sell]) in search: a word that only such a part holds never makes a floor a
hit, on every backend that runs here (the database's own index, and the LIKE search, which reads the floors'
source and is forced by LUNTAN["SEARCH_BACKEND"] on a database with no index of its own)."""

import pytest
from factories import MemberFactory
from helpers import signed_in

from luntan.forum import services
from luntan.search import api, index
from luntan.search import text as searchtext

pytestmark = pytest.mark.django_db

BACKENDS = {"own": None, "like": "like"}


@pytest.fixture(autouse=True)
def empty_index(db):
    index.clear()
    searchtext.reload_dictionary(set())
    yield
    searchtext.reload_dictionary(set())


@pytest.fixture
def hiding(board, member):
    """A thread whose floor 1 shows 火锅 and hides 麻辣秘方 ([hide]) and 独家配料 ([sell]); a reply shows 底料
    and hides 香油碟 behind a reply ([hide]). Returns the thread."""
    thread = services.thread_create(
        author=member, board=board, title="分享一家店", fmt="bbcode",
        source="这家火锅很好吃。\n[hide]麻辣秘方 火锅[/hide]\n[sell=5]独家配料[/sell]").thread
    services.post_reply(author=member, thread=thread, source="底料不错。[hide]香油碟[/hide]", fmt="bbcode")
    return thread


def found(reader, text, backend) -> list[tuple[int, int]]:
    return [(h.thread_id, h.number) for h in api.search(reader, text, backend=backend).hits]


@pytest.mark.parametrize("backend", BACKENDS.values(), ids=BACKENDS.keys())
def test_a_word_only_a_hidden_or_paid_part_holds_finds_nothing(hiding, backend):
    reader = MemberFactory()  # has neither replied nor bought
    for word in ("麻辣秘方", "独家配料", "香油碟", "火锅 香油碟"):
        assert found(reader, word, backend) == [], word
    # What is shown is found, by the same search: the floor is not simply missing.
    assert found(reader, "火锅", backend) == [(hiding.pk, 1)]
    assert found(reader, "底料", backend) == [(hiding.pk, 2)]
    assert api.search(reader, "麻辣秘方", backend=backend).total == 0


@pytest.mark.parametrize("backend", BACKENDS.values(), ids=BACKENDS.keys())
def test_a_snippet_never_shows_a_hidden_part(hiding, backend):
    [hit] = api.search(MemberFactory(), "火锅", backend=backend).hits
    snippet = "".join(piece for piece, _marked in hit.snippet)
    assert "火锅" in snippet and "麻辣秘方" not in snippet and "独家配料" not in snippet


def test_the_setting_forces_the_like_search_and_it_keeps_hidden_words_hidden(hiding, settings, client):
    settings.LUNTAN = {**settings.LUNTAN, "SEARCH_BACKEND": "like"}
    assert api.backend_named(None).name == "like"
    reader = signed_in(MemberFactory())
    page = reader.get("/search/", {"q": "麻辣秘方"}).content.decode()
    assert "分享一家店" not in page
    assert "分享一家店" in reader.get("/search/", {"q": "火锅"}).content.decode()
    assert "分享一家店" not in client.get("/search/", {"q": "独家配料"}).content.decode()


def test_an_unknown_backend_in_the_settings_falls_back_to_the_databases_own(settings):
    from django.db import connection

    settings.LUNTAN = {**settings.LUNTAN, "SEARCH_BACKEND": "elastic"}
    assert api.backend_named(None).name == {"sqlite": "fts5", "postgresql": "postgres"}[connection.vendor]
