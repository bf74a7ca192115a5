"""A board's moderators are a relation: any number of them, shown on the home page and recognized on a
thread page without a query."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from factories import MemberFactory
from helpers import clear_cache, signed_in

from luntan.accounts.groups import all_groups
from luntan.core import localcache
from luntan.forum import permissions, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def appoint(board, django_capture_on_commit_callbacks):
    def appoint_(members, on=None):
        with django_capture_on_commit_callbacks(execute=True):  # the appointment commits
            services.board_moderators_set(board=on or board, members=members)

    return appoint_


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_fifty_moderators_are_all_shown_and_all_recognized(board, make_thread, appoint):
    fifty = MemberFactory.create_batch(50)
    thread = make_thread()

    appoint(fifty)

    home = Client().get("/").content.decode()
    board_page = Client().get(f"/board/{board.pk}/").content.decode()
    for m in fifty:
        assert m.username in home and m.username in board_page
        assert permissions.is_moderator(m, board)
    # The last of them gets the moderator's page: edit and delete links on someone else's floor.
    page = signed_in(fifty[-1]).get(f"/thread/{thread.pk}/").content.decode()
    assert f'href="/floor/{thread.floors.get(number=1).pk}/edit/"' in page


def test_a_removed_moderator_is_no_longer_recognized(board, member, other_member, appoint):
    appoint([member, other_member])
    assert permissions.is_moderator(member, board)

    appoint([other_member])

    assert not permissions.is_moderator(member, board)
    assert permissions.is_moderator(other_member, board)
    assert member.username not in Client().get("/").content.decode()


def test_a_boards_moderators_moderate_its_sub_boards(board, member, appoint):
    sub = board.children.create(category=board.category, name="水区分版")
    appoint([member])
    assert permissions.is_moderator(member, sub)
    assert not permissions.is_moderator(MemberFactory(), sub)


def test_recognizing_a_moderator_costs_no_query(board, appoint, django_assert_num_queries):
    fifty = MemberFactory.create_batch(50)
    stranger = MemberFactory()
    appoint(fifty)
    all_groups()  # the groups (a 超级版主 moderates everywhere) are kept in the shared cache like the map
    localcache.fragments.clear()  # as in another process: the map comes from the shared cache
    with django_assert_num_queries(0):
        assert all(permissions.is_moderator(m, board) for m in fifty)
        assert not permissions.is_moderator(stranger, board)


def test_the_thread_page_costs_the_same_with_one_or_fifty_moderators(board, make_thread, appoint):
    thread = make_thread(replies=3)
    one, fifty = MemberFactory(), MemberFactory.create_batch(50)
    counts = []
    for moderators in ([one], fifty):
        clear_cache()  # nothing kept: the page is made from the rows
        localcache.pages.clear()
        localcache.fragments.clear()
        appoint(moderators)
        client = signed_in(moderators[-1])
        counts.append((_queries(client, f"/thread/{thread.pk}/"), _queries(client, f"/thread/{thread.pk}/")))
    assert counts[0] == counts[1], counts
