"""Moods and likes in real chromium under the site's CSP: a member votes 精彩 under someone's thread and
is brought back to the thread's moods, where the bars and 共有 1 人参与 show, then likes a floor; the same
works without JavaScript, and at phone width."""

import pytest
from browsing import PHONE, sign_in
from factories import MemberFactory
from playwright.sync_api import expect

from luntan.forum import services as forum
from luntan.forum.models import Floor
from luntan.reactions.models import FloorLike, MoodVote

pytestmark = pytest.mark.django_db(transaction=True)




@pytest.fixture
def story(transactional_db):
    author = MemberFactory(username="楼主老王")
    floor = forum.thread_create(author=author, board=_board(), title="周末去爬山的照片",
                                source="山顶的云海，分享给大家。", fmt="bbcode")
    forum.post_reply(author=author, thread=floor.thread, source="再补几张日落。", fmt="bbcode")
    return floor.thread


def _board():
    from luntan.forum.models import Board, Category

    return Board.objects.create(category=Category.objects.create(name="生活"), name="摄影旅行")


def test_member_votes_and_sees_the_bars_then_likes_a_floor(browser_page, page_errors, assert_accessible, story,
                                                           live_server):
    page = browser_page
    reader = MemberFactory(username="路过的小张")
    sign_in(page.context, reader, live_server.url)
    page.goto(f"/thread/{story.pk}/")
    moods = page.locator("#moods")
    expect(moods).to_contain_text("评价一下你浏览此帖子的感受")
    expect(moods).not_to_contain_text("共有")
    assert_accessible(page)

    moods.get_by_role("button", name="精彩").click()
    expect(moods).to_contain_text("共有 1 人参与")
    expect(moods.get_by_role("button", name="精彩")).to_have_attribute("aria-pressed", "true")
    expect(moods.locator(".mood-fill.p100")).to_have_count(1)
    assert MoodVote.objects.get().member_id == reader.pk

    page.locator("#floor-2").get_by_role("button", name="赞").click()  # a plain form: back to the floor
    expect(page.locator("#floor-2 .floor-likes")).to_have_text("赞(1)")
    expect(page.locator("#floor-2").get_by_role("button", name="赞")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#moods")).to_contain_text("共有 1 人参与")  # still there after the reload
    assert FloorLike.objects.get().floor_id == Floor.objects.get(thread=story, number=2).pk
    assert_accessible(page)
    assert page_errors == []


def test_voting_works_without_javascript_at_phone_width(browser, story, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE, java_script_enabled=False)
    try:
        sign_in(context, MemberFactory(), live_server.url)
        page = context.new_page()
        page.goto(f"/thread/{story.pk}/")
        page.locator("#moods").get_by_role("button", name="搞笑").click()
        expect(page.locator("#moods")).to_contain_text("共有 1 人参与")
        expect(page.locator(".flash")).to_contain_text("感谢你的评价")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], width  # nothing wider than the phone
    finally:
        context.close()
