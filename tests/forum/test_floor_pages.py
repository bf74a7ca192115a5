"""The page a floor is on, wherever a member is sent to one: after a reply, after the quick reply, and by the
floor jump. A reply that opens a new page must land on that page, not the one before it."""

import pytest
from django.test import Client

from luntan.forum.views import floor_url

pytestmark = pytest.mark.django_db


def _location_of_reply(client: Client, thread, **extra) -> str:
    response = client.post(f"/thread/{thread.pk}/reply/", {"source": "新的一页由我开始", "format": "bbcode"}, **extra)
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize(("floors_before", "page"), [(19, 1), (20, 2), (39, 2), (40, 3)])
def test_the_reply_form_sends_its_author_to_the_page_of_the_new_floor(make_thread, member_client,
                                                                        floors_before, page):
    thread = make_thread(replies=floors_before - 1)
    location = _location_of_reply(member_client, thread)
    query = f"?page={page}" if page > 1 else ""
    assert location == f"/thread/{thread.pk}/{query}#floor-{floors_before + 1}"
    # And the page it names shows that floor.
    assert f'id="floor-{floors_before + 1}"' in member_client.get(location).content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_the_quick_reply_that_makes_floor_21_lands_on_page_2(make_thread, member_client, htmx):
    thread = make_thread(replies=19)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    location = _location_of_reply(member_client, thread, **headers)
    assert location == f"/thread/{thread.pk}/?page=2#floor-21"


@pytest.mark.parametrize(("number", "expected"), [
    (20, "#floor-20"), (21, "?page=2#floor-21"), (40, "?page=2#floor-40"), (41, "?page=3#floor-41"),
])
def test_the_floor_jump_finds_the_page_at_each_boundary(make_thread, number, expected):
    thread = make_thread(replies=40)  # 41 floors
    response = Client().get(f"/thread/{thread.pk}/floor/{number}/")
    assert response.status_code == 302 and response["Location"] == f"/thread/{thread.pk}/{expected}"


@pytest.mark.parametrize(("number", "page"), [(41, 1), (22, 1), (21, 2), (2, 2), (1, 3)])
def test_the_floor_jump_newest_first_counts_pages_from_the_newest_floor(make_thread, number, page):
    thread = make_thread(replies=40)  # 41 floors: newest first, page 1 is 41..22, page 2 is 21..2
    response = Client().get(f"/thread/{thread.pk}/floor/{number}/?order=desc")
    query = (f"?page={page}&" if page > 1 else "?") + "order=desc"
    assert response["Location"] == f"/thread/{thread.pk}/{query}#floor-{number}"
    assert f'id="floor-{number}"' in Client().get(response["Location"]).content.decode()


def test_a_floor_url_made_from_a_count_read_before_the_reply_still_names_the_right_page():
    assert floor_url(7, 21, last_floor=20) == "/thread/7/?page=2#floor-21"
    assert floor_url(7, 21, last_floor=20, descending=True) == "/thread/7/?order=desc#floor-21"
