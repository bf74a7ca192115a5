"""The mood block and the like buttons on the thread page, the vote and like forms, the week's best."""

import re

import pytest
from django.test import Client
from factories import MemberFactory
from helpers import page_queries as _queries
from helpers import signed_in

from luntan.core import localcache
from luntan.forum.models import BoardAccess, Floor, Thread
from luntan.reactions import services
from luntan.reactions.models import MoodVote


def _page(client: Client, thread) -> str:
    response = client.get(f"/thread/{thread.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _pressed(html: str) -> list[str]:
    """The names of the buttons shown pressed (the reader's mood, the floors they liked)."""
    return re.findall(r'aria-pressed="true"[^>]*>(?:<span[^>]*>[^<]*</span>)?\s*([^<]+)<', html)


def _vote(client: Client, thread, mood_id, **extra):
    return client.post(f"/thread/{thread.pk}/mood/", {"mood": mood_id}, **extra)


@pytest.fixture(autouse=True)
def _commits(monkeypatch):
    """What runs after commit (the kept pages' bumps) runs at once in these tests, whose requests never
    commit."""
    monkeypatch.setattr("luntan.core.pagecache.transaction.on_commit", lambda fn, *a, **k: fn())


def test_a_guest_sees_the_results_and_is_asked_to_sign_in(thread, other_member, moods):
    services.mood_vote(member=other_member, thread_id=thread.pk, mood_id=moods["感动"].pk)
    html = _page(Client(), thread)
    assert "评价一下你浏览此帖子的感受" in html and "共有 1 人参与" in html
    assert "登录后参与评价" in html and 'name="mood"' not in html
    assert "1 (100%)" in html


def test_a_guest_cannot_vote(thread, moods):
    response = _vote(Client(), thread, moods["精彩"].pk)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not MoodVote.objects.exists()


def test_a_member_votes_and_then_sees_the_bars(thread, other_member_client, moods):
    before = _page(other_member_client, thread)
    assert 'name="mood"' in before and "共有" not in before and "投票后可以看到大家的感受" in before
    response = _vote(other_member_client, thread, moods["精彩"].pk)
    assert response.status_code == 302 and response["Location"] == f"/thread/{thread.pk}/#moods"
    html = _page(other_member_client, thread)
    assert "共有 1 人参与" in html and "mood-fill p100" in html
    assert _pressed(html) == ["精彩"]
    assert "感谢你的评价" in html  # the flash message


def test_htmx_gets_the_new_box_alone(thread, other_member_client, moods):
    response = _vote(other_member_client, thread, moods["开心"].pk, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<div class="mood-box"')
    assert "共有 1 人参与" in html and _pressed(html) == ["开心"]


def test_the_author_sees_the_bars_and_no_buttons(thread, member_client, other_member, moods):
    services.mood_vote(member=other_member, thread_id=thread.pk, mood_id=moods["搞笑"].pk)
    html = _page(member_client, thread)
    assert "共有 1 人参与" in html and 'name="mood"' not in html


def test_voting_on_ones_own_thread_is_refused_with_a_message(thread, member_client, moods):
    response = _vote(member_client, thread, moods["精彩"].pk)
    assert response.status_code == 403 and "不能评价自己的帖子" in response.content.decode()
    assert not MoodVote.objects.exists()


@pytest.mark.parametrize("mood", ["abc", "", "-1", "99999999", "１"])
def test_a_bad_mood_is_refused_with_a_message(thread, other_member_client, mood):
    response = other_member_client.post(f"/thread/{thread.pk}/mood/", {"mood": mood})
    assert response.status_code == 400 and "没有这种心情" in response.content.decode()
    assert not MoodVote.objects.exists()


@pytest.mark.parametrize("path", ["/thread/abc/mood/", "/thread/999999/mood/", "/floor/x/like/", "/floor/99999/like/"])
def test_bad_ids_are_not_found(other_member_client, path):
    assert other_member_client.post(path, {"mood": 1}).status_code == 404


def test_voting_needs_a_post(thread, other_member_client):
    assert other_member_client.get(f"/thread/{thread.pk}/mood/").status_code == 405


def test_like_and_take_back_from_the_floor(make_thread, other_member_client, member):
    thread = make_thread(replies=1)
    floor = Floor.objects.get(thread=thread, number=2)
    response = other_member_client.post(f"/floor/{floor.pk}/like/", {"do": "like"})
    assert response.status_code == 302 and response["Location"].endswith("#floor-2")
    html = _page(other_member_client, thread)
    assert "赞(1)" in html and _pressed(html) == ["赞"]
    other_member_client.post(f"/floor/{floor.pk}/like/", {"do": "unlike"})
    html = _page(other_member_client, thread)
    assert "赞(1)" not in html and _pressed(html) == []
    floor.refresh_from_db()
    assert floor.like_count == 0


def test_a_bad_like_request_is_refused_with_a_message(thread, member_client, other_member_client):
    floor = Floor.objects.get(thread=thread, number=1)
    response = other_member_client.post(f"/floor/{floor.pk}/like/", {"do": "maybe"})
    assert response.status_code == 400 and "点赞" in response.content.decode()
    response = member_client.post(f"/floor/{floor.pk}/like/", {"do": "like"})
    assert response.status_code == 403 and "不能给自己的楼层点赞" in response.content.decode()
    floor.refresh_from_db()
    assert floor.like_count == 0


def test_own_floors_have_no_like_button(thread, member_client):
    assert 'class="like-button' not in _page(member_client, thread)


def test_one_readers_vote_and_likes_never_reach_another_reader(make_thread, moods, board):
    author = MemberFactory()
    thread = make_thread(replies=2, by=author)
    a, b = MemberFactory(), MemberFactory()
    a_client, b_client = signed_in(a), signed_in(b)
    _vote(a_client, thread, moods["愤怒"].pk)
    for floor in Floor.objects.filter(thread=thread):
        a_client.post(f"/floor/{floor.pk}/like/", {"do": "like"})
    a_html = _page(a_client, thread)  # the page is now kept, and read back for b
    assert sorted(_pressed(a_html)) == ["愤怒", "赞", "赞", "赞"]
    b_html = _page(b_client, thread)
    assert _pressed(b_html) == [] and "共有 1 人参与" not in b_html and 'value="unlike"' not in b_html
    assert "赞(1)" in b_html  # the counts are public
    guest = _page(Client(), thread)
    assert _pressed(guest) == [] and 'value="unlike"' not in guest


@pytest.mark.parametrize("viewer", ["guest", "member"])
def test_reactions_cost_the_thread_page_no_more_queries_however_many(make_thread, moods, viewer):
    few, many = make_thread(replies=1), make_thread(replies=19)
    fans = MemberFactory.create_batch(5)
    reader = MemberFactory()
    services.mood_vote(member=fans[0], thread_id=few.pk, mood_id=moods["精彩"].pk)
    services.floor_like(member=fans[0], floor_id=Floor.objects.get(thread=few, number=1).pk)
    for i, fan in enumerate(fans):
        services.mood_vote(member=fan, thread_id=many.pk, mood_id=list(moods.values())[i].pk)
        for floor in Floor.objects.filter(thread=many)[:10]:
            services.floor_like(member=fan, floor_id=floor.pk)
    services.mood_vote(member=reader, thread_id=many.pk, mood_id=moods["精彩"].pk)
    client = Client() if viewer == "guest" else signed_in(reader)
    cold, warm = [], []
    for t in (few, many):
        cold.append(_queries(client, f"/thread/{t.pk}/", cold=True))
        warm.append(_queries(client, f"/thread/{t.pk}/", cold=False))
    # Cold: the forum's own, the moods table and the thread's tallies (and the reader's own reactions); for a
    # guest also the verification settings (how many pages an hour a guest may read), kept after one read.
    assert cold[0] == cold[1] and cold[1] <= (11 if viewer == "guest" else 13), cold
    # Warm: nothing for a guest; for a member the session and member (the forum's) and their own reactions,
    # within the bench's 3.
    assert warm[0] == warm[1] and warm[1] <= (0 if viewer == "guest" else 3), warm


def test_the_weekly_page_shows_the_top_thread_of_each_mood(make_thread, moods, other_board):
    hot, cold, hidden = make_thread(title="热门好帖"), make_thread(title="冷门帖"), make_thread(
        title="隐藏版块的帖", on=other_board)
    fans = MemberFactory.create_batch(3)
    for fan in fans:
        services.mood_vote(member=fan, thread_id=hot.pk, mood_id=moods["精彩"].pk)
        services.mood_vote(member=fan, thread_id=hidden.pk, mood_id=moods["感动"].pk)
    services.mood_vote(member=fans[0], thread_id=cold.pk, mood_id=moods["精彩"].pk)
    reader = MemberFactory()
    BoardAccess.objects.create(board=other_board, group_id=reader.group_id, can_see=False)
    from helpers import clear_cache

    clear_cache()
    localcache.fragments.clear()
    html = signed_in(reader).get("/moods/week/").content.decode()
    assert "本周帖子评价之最" in html and "热门好帖" in html
    assert "冷门帖" not in html and "隐藏版块的帖" not in html
    Thread.objects.filter(pk=hot.pk).update(is_deleted=True)
    clear_cache()
    html = Client().get("/moods/week/").content.decode()
    assert "热门好帖" not in html and "隐藏版块的帖" in html


def test_the_mood_block_links_to_the_weekly_page(thread):
    assert 'href="/moods/week/"' in _page(Client(), thread)
