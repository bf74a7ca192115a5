"""Polls in real chromium under the site's CSP: a member opens a thread with a multiple-choice poll from the
new-thread form (after a refused first try that keeps what they typed), another member votes for two
options and sees the bars and their choices; a guest sees the results and a sign-in link."""

import pytest
from browsing import sign_in
from factories import MemberFactory
from playwright.sync_api import expect

from luntan.forum.models import Board, Category
from luntan.polls.models import Poll, PollBallot

pytestmark = pytest.mark.django_db(transaction=True)




def test_a_member_opens_a_poll_and_another_votes(browser_page, page_errors, assert_accessible, live_server):
    page = browser_page
    board = Board.objects.create(category=Category.objects.create(name="生活"), name="灌水闲聊")
    author = MemberFactory(username="发起人小李")
    sign_in(page.context, author, live_server.url)
    page.goto(f"/thread/new/?board={board.pk}")
    page.get_by_label("标题").fill("周末大家想去哪儿?")
    page.get_by_label("内容").fill("投个票，人多的话一起约。")
    page.locator(".poll-fields summary").click()
    options = page.get_by_label("投票选项，每行一个")
    options.fill("爬山\n看电影\n爬山")
    page.get_by_label("允许多选").check()
    page.get_by_label("最多可选几项").fill("2")
    page.get_by_role("button", name="发表帖子").click()
    expect(page.locator("#id_poll-options-errors")).to_contain_text("爬山")
    expect(page.get_by_label("标题")).to_have_value("周末大家想去哪儿?")
    assert not Poll.objects.exists()
    assert_accessible(page)

    page.get_by_label("投票选项，每行一个").fill("爬山\n看电影\n在家睡觉")
    page.get_by_role("button", name="发表帖子").click()
    poll = page.locator("#poll")
    expect(poll).to_contain_text("最多选 2 项")
    poll_row = Poll.objects.get()
    assert (poll_row.multiple, poll_row.max_choices) == (True, 2)
    thread_url = page.url

    page.context.clear_cookies()
    voter = MemberFactory(username="路过的小张")
    sign_in(page.context, voter, live_server.url)
    page.goto(thread_url)
    poll.get_by_label("爬山").check()
    poll.get_by_label("在家睡觉").check()
    assert_accessible(page)
    poll.get_by_role("button", name="投票").click()
    expect(page.locator(".messages, [role=status]").first).to_be_visible()
    expect(poll).to_contain_text("你已投票")
    expect(poll.locator(".poll-fill.p100")).to_have_count(2)
    expect(poll).to_contain_text("1 人参与投票")
    assert PollBallot.objects.get().member_id == voter.pk

    page.context.clear_cookies()
    page.goto(thread_url)
    expect(poll).to_contain_text("登录后投票")
    expect(poll.locator("input[name=option]")).to_have_count(0)
    expect(poll.locator(".poll-fill.p100")).to_have_count(2)
    assert [e for e in page_errors if "status of 400" not in e] == []  # the refused first try is meant
