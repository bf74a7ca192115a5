"""The poll on the new-thread form, on the thread page (guests, voters, non-voters), the vote form and the
voter list."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from factories import MemberFactory
from helpers import page_queries as _queries
from helpers import signed_in

from luntan.core import localcache
from luntan.forum.models import Thread
from luntan.polls import services
from luntan.polls.models import Poll, PollBallot


@pytest.fixture(autouse=True)
def _commits(monkeypatch):
    """What runs after commit (the kept pages' bumps) runs at once in these tests, whose requests never
    commit."""
    monkeypatch.setattr("luntan.core.pagecache.transaction.on_commit", lambda fn, *a, **k: fn())


def _forget() -> None:
    """After a change made behind the services' back: no kept page, thread or poll remembers the old state."""
    from helpers import clear_cache

    from luntan.polls import queries

    clear_cache()
    localcache.pages.clear()
    localcache.fragments.clear()
    queries._definitions.clear()


def _ids(poll: Poll) -> list[int]:
    return list(poll.options.order_by("position").values_list("pk", flat=True))


def _page(client: Client, thread_id: int) -> str:
    response = client.get(f"/thread/{thread_id}/")
    assert response.status_code == 200
    return response.content.decode()


def _poll_html(html: str) -> str:
    found = re.search(r'<section class="poll box".*?</section>', html, re.DOTALL)
    assert found, "no poll on the page"
    return found.group(0)


def _new_thread(client: Client, board, **poll):
    data = {"title": "周末去哪儿玩?", "source": "大家来投票。", "format": "bbcode", "submission_key": "k" * 32}
    data.update({f"poll-{k}": v for k, v in poll.items()})
    return client.post(f"/thread/new/?board={board.pk}", data)


# --- The new-thread form -------------------------------------------------------------------------------------

def test_the_new_thread_form_offers_a_poll(member_client, board):
    html = member_client.get(f"/thread/new/?board={board.pk}").content.decode()
    assert 'name="poll-options"' in html and 'name="poll-multiple"' in html and 'name="poll-ends_at"' in html


def test_a_thread_is_posted_with_its_poll(member_client, board):
    response = _new_thread(member_client, board, options="爬山\n看电影\n在家睡觉\n", multiple="on", max_choices="2",
                           ends_at="2099-01-01 12:00", results="voters", public_voters="on")
    assert response.status_code == 302
    poll = Poll.objects.get()
    assert response["Location"] == f"/thread/{poll.thread_id}/"
    assert list(poll.options.values_list("text", flat=True)) == ["爬山", "看电影", "在家睡觉"]
    assert (poll.multiple, poll.max_choices, poll.results_after_vote, poll.public_voters) == (True, 2, True, True)
    assert timezone.localtime(poll.ends_at).strftime("%Y-%m-%d %H:%M") == "2099-01-01 12:00"


def test_a_thread_without_options_has_no_poll(member_client, board):
    assert _new_thread(member_client, board, options="", multiple="on").status_code == 302
    assert Thread.objects.count() == 1 and not Poll.objects.exists()


@pytest.mark.parametrize(("poll", "field", "message"), [
    ({"options": "只有一个"}, "options", "至少"),
    ({"options": "\n".join(f"选项{i}" for i in range(21))}, "options", "20"),
    ({"options": "爬山\n\n看电影"}, "options", "空"),
    ({"options": "爬山\n看电影\n爬山"}, "options", "爬山"),
    ({"options": "爬山\n看电影", "multiple": "on", "max_choices": "3"}, "max_choices", "2"),
    ({"options": "爬山\n看电影", "multiple": "on", "max_choices": "两个"}, "max_choices", "整数"),
    ({"options": "爬山\n看电影", "ends_at": "2001-01-01"}, "ends_at", "已经过去"),
    ({"options": "爬山\n看电影", "ends_at": "下周五"}, "ends_at", "2026-12-31"),
])
def test_bad_poll_input_is_refused_next_to_its_field_and_nothing_is_made(member_client, board, poll, field, message):
    response = _new_thread(member_client, board, **poll)
    assert response.status_code == 400
    html = response.content.decode()
    errors = re.search(rf'<div id="id_poll-{field}-errors" role="alert">(.*?)</div>', html, re.DOTALL)
    assert errors and message in errors.group(1), html
    assert "周末去哪儿玩?" in html and "大家来投票。" in html  # what was typed is kept
    for value in poll.values():
        assert value.split("\n")[0] in html
    assert not Thread.objects.exists() and not Poll.objects.exists()


def test_a_poll_refused_while_the_thread_is_written_undoes_the_thread(member_client, board, monkeypatch):
    from django.core.exceptions import ValidationError

    def refuse(**kwargs):
        raise ValidationError("投票出错了", code="poll_options")

    monkeypatch.setattr(services, "poll_create", refuse)
    response = _new_thread(member_client, board, options="爬山\n看电影")
    assert response.status_code == 400 and "投票出错了" in response.content.decode()
    assert not Thread.objects.exists()


# --- The thread page -------------------------------------------------------------------------------------------

def test_a_guest_sees_public_results_and_a_sign_in_link(poll, other_member):
    services.poll_vote(member=other_member, poll_id=poll.pk, option_ids=[_ids(poll)[0]])
    box = _poll_html(_page(Client(), poll.thread_id))
    assert "好看" in box and "1 票 (100%)" in box and "poll-fill p100" in box
    assert "登录后投票" in box and 'name="option"' not in box and "style=" not in box


def test_results_after_voting_are_hidden_from_guests_and_from_members_who_have_not_voted(make_poll, other_member,
                                                                                       member):
    poll = make_poll(results_after_vote=True)
    services.poll_vote(member=other_member, poll_id=poll.pk, option_ids=[_ids(poll)[1]])
    for client in (Client(), signed_in(member)):
        box = _poll_html(_page(client, poll.thread_id))
        assert "一般" in box and "票 (" not in box and "poll-fill" not in box
    voter = _poll_html(_page(signed_in(other_member), poll.thread_id))
    assert "1 票 (100%)" in voter and "(你的选择)" in voter


def test_results_after_voting_are_shown_to_all_once_the_poll_ends(make_poll, other_member):
    poll = make_poll(results_after_vote=True, ends_in=dt.timedelta(days=1))
    services.poll_vote(member=other_member, poll_id=poll.pk, option_ids=[_ids(poll)[0]])
    Poll.objects.filter(pk=poll.pk).update(ends_at=timezone.now() - dt.timedelta(minutes=1))
    _forget()
    box = _poll_html(_page(signed_in(MemberFactory()), poll.thread_id))
    assert "1 票 (100%)" in box and "投票已结束" in box and 'name="option"' not in box


def test_a_member_votes_from_the_thread_page(make_poll, other_member):
    poll = make_poll(options=["北京", "上海", "广州"], multiple=True, max_choices=2)
    client = signed_in(other_member)
    box = _poll_html(_page(client, poll.thread_id))
    assert box.count('type="checkbox" name="option"') == 3 and "最多选 2 项" in box
    ids = _ids(poll)
    response = client.post(f"/poll/{poll.pk}/vote/", {"option": [ids[0], ids[2]]})
    assert response.status_code == 302 and response["Location"] == f"/thread/{poll.thread_id}/#poll"
    html = client.get(response["Location"]).content.decode()
    assert "感谢你的投票" in html
    box = _poll_html(html)
    assert "你已投票" in box and box.count("(你的选择)") == 2 and 'name="option"' not in box
    assert "1 票 (100%)" in box and "0 票 (0%)" in box


def test_a_single_choice_poll_shows_radio_buttons(poll, other_member_client):
    assert _poll_html(_page(other_member_client, poll.thread_id)).count('type="radio" name="option"') == 3


@pytest.mark.parametrize(("options", "status", "message"), [
    ([], 400, "请先选择"),
    (["x"], 400, "不在本投票中"),
    ("two", 400, "最多只能选"),
])
def test_a_bad_vote_is_refused_with_a_message(poll, other_member_client, options, status, message):
    if options == "two":
        options = _ids(poll)[:2]
    response = other_member_client.post(f"/poll/{poll.pk}/vote/", {"option": options})
    assert response.status_code == status and message in response.content.decode()
    assert not PollBallot.objects.exists()


def test_a_second_vote_and_a_vote_on_a_locked_thread_are_refused(poll, other_member_client, other_member):
    ids = _ids(poll)
    assert other_member_client.post(f"/poll/{poll.pk}/vote/", {"option": ids[0]}).status_code == 302
    again = other_member_client.post(f"/poll/{poll.pk}/vote/", {"option": ids[1]})
    assert again.status_code == 400 and "已经投过票" in again.content.decode()
    Thread.objects.filter(pk=poll.thread_id).update(is_locked=True)
    late = signed_in(MemberFactory()).post(f"/poll/{poll.pk}/vote/", {"option": ids[1]})
    assert late.status_code == 403 and "已关闭" in late.content.decode()
    poll.refresh_from_db()
    assert poll.voter_count == 1


def test_a_locked_thread_shows_why_there_is_no_vote_form(poll, other_member_client):
    Thread.objects.filter(pk=poll.thread_id).update(is_locked=True)
    _forget()
    box = _poll_html(_page(other_member_client, poll.thread_id))
    assert 'name="option"' not in box and "不再接受投票" in box


def test_voting_needs_a_post_and_a_member(poll):
    assert signed_in(MemberFactory()).get(f"/poll/{poll.pk}/vote/").status_code == 405
    guest = Client().post(f"/poll/{poll.pk}/vote/", {"option": _ids(poll)[0]})
    assert guest.status_code == 302 and "/login/" in guest["Location"]
    assert not PollBallot.objects.exists()


@pytest.mark.parametrize("path", ["/poll/abc/vote/", "/poll/99999/vote/", "/poll/99999/voters/",
                                  "/poll/%E6%8A%95/voters/"])
def test_bad_poll_addresses_are_not_found(other_member_client, path):
    method = other_member_client.post if path.endswith("vote/") else other_member_client.get
    assert method(path).status_code == 404


def test_voting_is_rate_limited(poll, monkeypatch):
    from luntan.protection import limits

    seen = []

    def refuse(action, member, address, **kwargs):
        seen.append(action)
        raise limits.TooOften("操作太频繁", 60)

    monkeypatch.setattr(limits, "enforce", refuse)
    response = signed_in(MemberFactory()).post(f"/poll/{poll.pk}/vote/", {"option": _ids(poll)[0]})
    assert seen == [limits.Action.VOTE] and response.status_code in (400, 429)
    assert not PollBallot.objects.exists()


def test_one_readers_choice_never_reaches_another_reader(poll):
    alice, bob = MemberFactory(), MemberFactory()
    services.poll_vote(member=alice, poll_id=poll.pk, option_ids=[_ids(poll)[2]])
    assert "(你的选择)" in _poll_html(_page(signed_in(alice), poll.thread_id))
    bob_box = _poll_html(_page(signed_in(bob), poll.thread_id))
    assert "(你的选择)" not in bob_box and "你已投票" not in bob_box and bob_box.count('name="option"') == 3
    assert "(你的选择)" not in _poll_html(_page(Client(), poll.thread_id))


def test_the_poll_shows_on_the_first_page_only(make_thread, poll, member):
    from luntan.forum import services as forum_services

    for i in range(30):
        forum_services.post_reply(author=member, thread=poll.thread, source=f"回复{i}", fmt="bbcode")
    assert 'class="poll box"' not in Client().get(f"/thread/{poll.thread_id}/?page=2").content.decode()


def test_the_poll_costs_a_warm_page_one_query_for_a_member_and_none_for_a_guest(make_thread, make_poll,
                                                                                django_assert_max_num_queries):
    plain = make_thread(replies=3)
    poll = make_poll(options=[f"选项{i}" for i in range(20)], multiple=True, max_choices=5)
    for fan in MemberFactory.create_batch(4):
        services.poll_vote(member=fan, poll_id=poll.pk, option_ids=_ids(poll)[:3])
    reader = MemberFactory()
    services.poll_vote(member=reader, poll_id=poll.pk, option_ids=_ids(poll)[:1])
    member, guest = signed_in(reader), Client()
    _queries(member, f"/thread/{plain.pk}/", cold=True)
    base_member = _queries(member, f"/thread/{plain.pk}/", cold=False)
    base_guest = _queries(guest, f"/thread/{plain.pk}/", cold=False)
    _queries(member, f"/thread/{poll.thread_id}/", cold=True)
    _queries(guest, f"/thread/{poll.thread_id}/", cold=False)
    with django_assert_max_num_queries(base_member + 1):
        html = member.get(f"/thread/{poll.thread_id}/").content.decode()
    assert "(你的选择)" in html
    with django_assert_max_num_queries(base_guest):
        assert "5 票" in guest.get(f"/thread/{poll.thread_id}/").content.decode()


def test_a_plain_view_writes_nothing(poll, other_member_client):
    _page(other_member_client, poll.thread_id)
    with CaptureQueriesContext(connection) as ctx:
        _page(other_member_client, poll.thread_id)
    writes = [q["sql"] for q in ctx.captured_queries
              if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE") and "poll" in q["sql"].lower()]
    assert writes == []
    assert not PollBallot.objects.exists()


# --- The voter list ------------------------------------------------------------------------------------------

def test_a_public_voter_list_names_who_chose_what(make_poll):
    poll = make_poll(public_voters=True)
    fan = MemberFactory(username="小明同学")
    services.poll_vote(member=fan, poll_id=poll.pk, option_ids=[_ids(poll)[1]])
    assert "查看投票参与人" in _poll_html(_page(Client(), poll.thread_id))
    html = Client().get(f"/poll/{poll.pk}/voters/").content.decode()
    section = html[html.index("一般"):]
    assert "小明同学" in section[:section.index("难看")]


def test_a_private_voter_list_is_for_moderators_only(poll, moderator, other_member, member):
    services.poll_vote(member=other_member, poll_id=poll.pk, option_ids=[_ids(poll)[0]])
    for client in (Client(), signed_in(member), signed_in(other_member)):
        response = client.get(f"/poll/{poll.pk}/voters/")
        assert response.status_code == 403 and "poll-voter-names" not in response.content.decode()
    assert "查看投票参与人" not in _poll_html(_page(signed_in(member), poll.thread_id))
    response = signed_in(moderator).get(f"/poll/{poll.pk}/voters/")
    html = response.content.decode()
    assert response.status_code == 200 and other_member.username in html[html.index("poll-voter-names"):]
    assert "查看投票参与人" in _poll_html(_page(signed_in(moderator), poll.thread_id))


def test_option_text_is_escaped(make_poll, other_member):
    poll = make_poll(options=["<script>alert(1)</script>", "<b>粗</b>"], public_voters=True)
    for client in (Client(), signed_in(other_member)):
        box = _poll_html(_page(client, poll.thread_id))
        assert "<script>alert" not in box and "&lt;script&gt;" in box and "<b>粗" not in box
    assert "<script>alert" not in Client().get(f"/poll/{poll.pk}/voters/").content.decode()
