"""The notification centre: @mentions, the kinds of notice (each once, to the right member, never to the one
who acted), grouped likes and moods, settings, blocks, follows, and the header's count endpoint."""

import re

import pytest
from factories import MemberFactory
from helpers import signed_in

from luntan.accounts.models import MemberGroup
from luntan.core.pagecache import bump_now
from luntan.forum import services as forum
from luntan.letters import services as letters
from luntan.letters.models import Block
from luntan.notices import services
from luntan.notices.models import KindOff, MemberFollow, Notice, ThreadFollow
from luntan.reactions import services as reactions
from luntan.reactions.models import Mood

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pages_move_at_once(monkeypatch):
    from luntan.core import pagecache

    monkeypatch.setattr(pagecache, "bump", bump_now)


def _notices(member, kind=None) -> list[Notice]:
    found = Notice.objects.filter(member=member)
    return list(found.filter(kind=kind) if kind else found)


def _unread(member) -> int:
    member.refresh_from_db()
    return member.unread_notices


def _reply(author, thread, source, fmt="bbcode"):
    return forum.post_reply(author=author, thread=thread, source=source, fmt=fmt)


# --- Mentions -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["bbcode", "markdown"])
def test_a_mention_links_the_member_and_tells_them_once(thread, member, other_member, fmt):
    third = MemberFactory()
    floor = _reply(third, thread, f"@{other_member.username} 你好,看看这个", fmt)
    assert re.search(rf'<a [^>]*href="/user/{other_member.pk}/"[^>]*>@{other_member.username}</a>', floor.html)
    assert 'class="mention"' in floor.html
    mentions = _notices(other_member, "mention")
    assert len(mentions) == 1 and third.username in mentions[0].text and thread.title in mentions[0].text
    assert mentions[0].url == f"/thread/{thread.pk}/floor/{floor.number}/"
    assert _unread(other_member) == 1
    assert _notices(third) == []  # never the one who acted
    # An edit that still mentions them (or mentions them twice) tells them nothing more.
    forum.floor_edit(editor=third, floor=floor, source=f"@{other_member.username} @{other_member.username} 改一下",
                     fmt=fmt)
    assert len(_notices(other_member)) == 1 and _unread(other_member) == 1


def test_a_chinese_name_followed_by_text_without_a_space_is_a_mention(thread, other_member):
    floor = _reply(MemberFactory(), thread, f"谢谢@{other_member.username}的帮助!")
    assert 'class="mention"' in floor.html
    assert len(_notices(other_member, "mention")) == 1


def test_no_mention_in_code_links_or_quotes_nor_of_unknown_names_nor_emails(thread, other_member):
    name = other_member.username
    floor = _reply(MemberFactory(), thread, f"[code]@{name}[/code] [url=https://example.com/]@{name}[/url] "
                                            f"[quote=某人]@{name}[/quote] @不存在的人 mail@{name}")
    assert 'class="mention"' not in floor.html
    assert _notices(other_member) == []


def test_a_name_inside_a_hidden_or_paid_part_is_no_mention(thread, other_member):
    """A notice would carry the hidden part's words to a member who may not read them."""
    name = other_member.username
    floor = _reply(MemberFactory(), thread, f"公开的话。[hide]@{name} 回复才能看[/hide][sell=3]@{name} 付费[/sell]")
    assert _notices(other_member) == []
    assert 'class="mention"' not in floor.html


def test_an_edit_that_adds_a_mention_tells_the_new_member_only(thread, member, other_member):
    third = MemberFactory()
    floor = _reply(member, thread, f"@{other_member.username} 早")
    forum.floor_edit(editor=member, floor=floor, source=f"@{other_member.username} @{third.username} 早", fmt="bbcode")
    assert len(_notices(other_member)) == 1 and len(_notices(third, "mention")) == 1


def test_mentioning_oneself_tells_nobody(thread, member):
    _reply(member, thread, f"@{member.username} 自言自语")
    assert _notices(member) == []


def test_more_mentions_than_the_group_allows_are_refused_with_the_text_kept(thread, member, member_client):
    MemberGroup.objects.filter(pk=member.group_id).update(max_mentions=2)
    bump_now("groups")
    names = [MemberFactory().username for _ in range(3)]
    source = " ".join(f"@{n}" for n in names)
    before = thread.last_floor
    response = member_client.post(f"/thread/{thread.pk}/reply/", {"source": source, "format": "bbcode",
                                                                  "submission_key": "k1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "最多" in page or "at most" in page
    assert names[0] in page  # what was typed is kept
    thread.refresh_from_db()
    assert thread.last_floor == before and Notice.objects.count() == 0
    # Two are fine.
    two = " ".join(f"@{n}" for n in names[:2])
    response = member_client.post(f"/thread/{thread.pk}/reply/", {"source": two, "format": "bbcode",
                                                                  "submission_key": "k2"})
    assert response.status_code == 302
    assert Notice.objects.filter(kind="mention").count() == 2


def test_mentions_turned_off_or_a_blocked_actor_tell_nothing(thread, other_member):
    third, blocked = MemberFactory(), MemberFactory()
    KindOff.objects.create(member=other_member, kind="mention")
    Block.objects.create(member=third, blocked=blocked)
    _reply(blocked, thread, f"@{other_member.username} @{third.username}")
    assert _notices(other_member) == [] and _notices(third) == []
    assert _unread(other_member) == 0 and _unread(third) == 0


# --- Replies, quotes, follows --------------------------------------------------------------------------------

def test_a_reply_tells_the_threads_author_once_and_not_the_replier(thread, member, other_member):
    floor = _reply(other_member, thread, "沙发")
    found = _notices(member, "reply")
    assert len(found) == 1 and other_member.username in found[0].text and found[0].url.endswith(f"/{floor.number}/")
    _reply(member, thread, "自己回复自己")
    assert len(_notices(member)) == 1 and _notices(other_member) == []


def test_a_quote_is_a_quote_not_a_reply_too(thread, member, other_member):
    third = MemberFactory()
    _reply(other_member, thread, "我的观点")
    _reply(third, thread, f"[quote={other_member.username}]我的观点[/quote]同意 @{member.username}")
    assert len(_notices(other_member, "quote")) == 1
    # The thread's author is mentioned and replied to: one notice, the mention.
    assert [n.kind for n in _notices(member) if third.username in n.text] == ["mention"]


def test_followers_of_a_thread_hear_of_new_posts_and_followers_of_a_member_of_new_threads(thread, member, board):
    follower, fan = MemberFactory(), MemberFactory()
    assert services.thread_follow(member=follower, thread_id=thread.pk)
    assert not services.thread_follow(member=follower, thread_id=thread.pk)  # twice is once
    services.member_follow(member=fan, followed_id=member.pk)
    _reply(member, thread, "更新了")
    assert len(_notices(follower, "follow_thread")) == 1
    _reply(follower, thread, "follower's own post tells the follower nothing")
    assert len(_notices(follower)) == 1
    forum.thread_create(author=member, board=board, title="新帖子", source="内容", fmt="bbcode")
    assert len(_notices(fan, "follow_member")) == 1 and "新帖子" in _notices(fan, "follow_member")[0].text
    services.thread_follow(member=follower, thread_id=thread.pk, follow=False)
    _reply(member, thread, "再更新")
    assert len(_notices(follower)) == 1


def test_one_cannot_follow_oneself_nor_a_missing_member(member):
    from django.core.exceptions import ValidationError
    from django.http import Http404

    with pytest.raises(ValidationError):
        services.member_follow(member=member, followed_id=member.pk)
    with pytest.raises(Http404):
        services.member_follow(member=member, followed_id=999999)
    assert MemberFollow.objects.count() == 0


def test_the_follow_button_on_the_kept_thread_page_is_the_readers_own(thread, member, other_member):
    reader = signed_in(other_member)
    page = reader.get(f"/thread/{thread.pk}/").content.decode()
    assert "关注本帖" in page or "Follow this thread" in page
    response = reader.post(f"/notifications/follow/thread/{thread.pk}/", {"follow": "1"})
    assert response.status_code == 302 and ThreadFollow.objects.filter(member=other_member).count() == 1
    assert "取消关注" in reader.get(f"/thread/{thread.pk}/").content.decode() or "Unfollow" in page
    # The same kept page for another reader shows their own state.
    assert "取消关注本帖" not in signed_in(member).get(f"/thread/{thread.pk}/").content.decode()
    following = reader.get("/notifications/following/").content.decode()
    assert thread.title in following and "/friends/" in following
    assert reader.get(f"/notifications/follow/thread/{thread.pk}/").status_code == 405  # no GET writes
    assert reader.post("/notifications/follow/thread/abc/", {"follow": "1"}).status_code == 404
    assert reader.post(f"/notifications/follow/thread/{thread.pk}/", {"follow": "x"}).status_code == 302
    assert ThreadFollow.objects.count() == 1


def test_following_a_member_from_their_page(member, other_member):
    client = signed_in(other_member)
    profile = client.get(f"/user/{member.pk}/").content.decode()
    assert f"/notifications/follow/member/{member.pk}/" in profile
    assert client.get(f"/notifications/follow/member/{member.pk}/").status_code == 200
    assert MemberFollow.objects.count() == 0
    assert client.post(f"/notifications/follow/member/{member.pk}/", {"follow": "1"}).status_code == 302
    assert MemberFollow.objects.filter(member=other_member, followed=member).exists()
    assert client.post(f"/notifications/follow/member/{other_member.pk}/", {"follow": "1"}).status_code == 400


# --- Likes and moods: grouped --------------------------------------------------------------------------------

def test_likes_of_a_floor_are_one_notice_updated_in_place(thread, member):
    floor1 = thread.floors.get(number=1)
    likers = [MemberFactory() for _ in range(3)]
    for liker in likers:
        reactions.floor_like(member=liker, floor_id=floor1.pk)
    found = _notices(member, "like")
    assert len(found) == 1 and found[0].count == 3
    assert likers[2].username in found[0].text and likers[1].username in found[0].text
    assert "3" in found[0].text
    assert _unread(member) == 1
    services.notices_mark_read(member=member)
    reactions.floor_like(member=MemberFactory(), floor_id=floor1.pk)
    assert len(_notices(member, "like")) == 1 and _unread(member) == 1  # unread again, still one
    assert Notice.objects.filter(kind="like").exclude(member=member).count() == 0


def test_moods_are_grouped_per_mood_and_never_told_to_the_voter(thread, member):
    mood = Mood.objects.filter(enabled=True).order_by("order", "id").first()
    voters = [MemberFactory() for _ in range(2)]
    for voter in voters:
        reactions.mood_vote(member=voter, thread_id=thread.pk, mood_id=mood.pk)
    found = _notices(member, "mood")
    assert len(found) == 1 and found[0].count == 2 and mood.name in found[0].text
    assert all(_notices(v) == [] for v in voters)


# --- Short messages --------------------------------------------------------------------------------------------

def test_a_short_message_tells_its_recipients_once_per_conversation(member, other_member):
    letter = letters.conversation_start(author=member, recipients=other_member.username, title="周末爬山",
                                        source="去不去?", fmt="bbcode")
    found = _notices(other_member, "message")
    assert len(found) == 1 and "周末爬山" in found[0].text and _notices(member) == []
    letters.letter_reply(author=member, conversation=letter.conversation, source="回个话", fmt="bbcode")
    found = _notices(other_member, "message")
    assert len(found) == 1 and found[0].count == 2 and _unread(other_member) == 1
    letters.letter_reply(author=other_member, conversation=letter.conversation, source="去!", fmt="bbcode")
    assert len(_notices(member, "message")) == 1


# --- Moderators' notices, settings page -------------------------------------------------------------------------

def test_moderators_notices_cannot_be_turned_off(member, member_client):
    response = member_client.post("/notifications/settings/", {"on": []})
    assert response.status_code == 302
    assert set(KindOff.objects.filter(member=member).values_list("kind", flat=True)) >= {"reply", "mention", "like"}
    assert not KindOff.objects.filter(member=member, kind="moderation").exists()
    services.notify(member_id=member.pk, kind="moderation", text="你的帖子被移动了")
    assert len(_notices(member, "moderation")) == 1


def test_settings_page_keeps_choices_and_refuses_unknown_kinds(member, member_client, thread, other_member):
    page = member_client.get("/notifications/settings/").content.decode()
    assert page.count('type="checkbox"') == 9 and page.count("checked") == 9
    response = member_client.post("/notifications/settings/", {"on": ["reply", "坏的"]})
    assert response.status_code == 400 and KindOff.objects.count() == 0
    assert member_client.post("/notifications/settings/", {"on": ["mention"]}).status_code == 302
    _reply(other_member, thread, "回复")
    assert _notices(member) == []  # replies are off now
    assert 'value="mention" checked' in member_client.get("/notifications/settings/").content.decode()


# --- The list and the count endpoint ------------------------------------------------------------------------------

def test_the_count_endpoint_reads_the_members_row_and_writes_nothing(member, member_client,
                                                                     django_assert_max_num_queries):
    services.notify(member_id=member.pk, kind="reply", text="一条")
    member_client.get("/notifications/count/")  # the session is in the cache from now on
    with django_assert_max_num_queries(1) as queries:
        response = member_client.get("/notifications/count/")
    writes = ("INSERT", "UPDATE", "DELETE")
    assert not any(q["sql"].lstrip().upper().startswith(writes) for q in queries.captured_queries)
    body = response.content.decode()
    assert response.status_code == 200 and re.search(r'id="notice-count"[^>]*>1</span>', body)
    assert 'hx-trigger="every' in body and not response.cookies  # no session or CSRF cookie written


def test_the_count_endpoint_tells_a_guest_to_stop_polling(client):
    response = client.get("/notifications/count/")
    assert response.status_code == 286 and response.content == b""


def test_marking_one_read_and_opening_lands_on_the_floor(thread, member, member_client, other_member):
    floor = _reply(other_member, thread, "沙发")
    notice = _notices(member)[0]
    response = member_client.post(f"/notifications/{notice.pk}/open/")
    assert response["Location"] == f"/thread/{thread.pk}/floor/{floor.number}/"
    assert _unread(member) == 0
    _reply(other_member, thread, "板凳")
    second = Notice.objects.filter(member=member, read_at__isnull=True).get()
    assert member_client.post(f"/notifications/{second.pk}/read/", {"next": "//evil"})["Location"] == "/notifications/"
    assert _unread(member) == 0


def test_reading_the_conversation_reads_its_notice(member, other_member):
    letter = letters.conversation_start(author=member, recipients=other_member.username, title="借书",
                                        source="那本书还我吧", fmt="bbcode")
    assert _unread(other_member) == 1
    letters.conversation_mark_read(member=other_member, conversation=letter.conversation)
    assert _unread(other_member) == 0 and _notices(other_member, "message")[0].read_at is not None


def test_a_mention_on_a_board_the_member_may_not_read_tells_them_nothing(member, other_member, board):
    from luntan.forum.models import BoardAccess

    senior = MemberGroup.for_role(MemberGroup.Role.SENIOR)
    type(other_member).objects.filter(pk=other_member.pk).update(group=senior)
    thread = forum.thread_create(author=member, board=board, title="内部讨论", source="内容", fmt="bbcode").thread
    BoardAccess.objects.create(board=board, group=senior, can_see=False, can_read=False)
    bump_now("board_access", "groups")
    _reply(member, thread, f"@{other_member.username} 你看不到这里")
    assert _notices(other_member) == []


def test_a_hostile_title_in_a_notice_is_shown_as_text(member, other_member, board, member_client):
    thread = forum.thread_create(author=member, board=board, title='<img src=x onerror="alert(1)">标题',
                                 source="内容", fmt="bbcode").thread
    _reply(other_member, thread, "回复")
    page = member_client.get("/notifications/").content.decode()
    assert "&lt;img src=x" in page and '<img src=x onerror' not in page


def test_the_demo_leaves_believable_notices_and_follows(make_thread, member, other_member):
    import random

    from django.utils import timezone

    from luntan.notices.demo import fill_demo

    members = [member, other_member, *MemberFactory.create_batch(3)]
    for author in members[:3]:
        make_thread(by=author, replies=2)
    fill_demo(members=members, rng=random.Random(8), now=timezone.now())
    assert ThreadFollow.objects.exists() and MemberFollow.objects.exists()
    assert Notice.objects.filter(kind="mention").exists()
    for m in members:
        m.refresh_from_db()
        assert m.unread_notices == Notice.objects.filter(member=m, read_at__isnull=True).count()


@pytest.mark.parametrize("count", [0, 7])
def test_the_endpoints_badge_is_the_user_boxs(count):
    from django.template.loader import render_to_string

    from luntan.notices.views import badge_html

    assert badge_html(count) == render_to_string("notices/_count.html", {"count": count}).strip()
