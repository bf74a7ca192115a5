"""短消息 pages: the role matrix (only participants, else 404), the inbox newest first with unread markers,
the user box's count, forms that keep what was typed, no GET that writes, and a constant number of queries."""

import html

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from factories import MemberFactory
from helpers import signed_in

from luntan.letters import services
from luntan.letters.models import Conversation, Letter, Participant
from luntan.protection import limits
from luntan.protection.models import GroupLimit

from .conftest import unread

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.parametrize(("who", "status"), [
    ("author", 200), ("recipient", 200), ("guest", 404), ("stranger", 404), ("admin", 404), ("left", 404),
])
def test_only_participants_open_a_conversation(member, other_member, admin, talk, who, status):
    conversation = talk.conversation
    if who == "left":
        services.conversation_leave(member=other_member, conversation=conversation)
    client = {"author": lambda: signed_in(member), "recipient": lambda: signed_in(other_member),
              "guest": Client, "stranger": lambda: signed_in(MemberFactory()), "admin": lambda: signed_in(admin),
              "left": lambda: signed_in(other_member)}[who]()
    page = client.get(f"/messages/{conversation.pk}/")
    assert page.status_code == status
    assert ("周六中午老地方" in text(page)) == (status == 200)
    actions = ("reply", "open", "read", "add", "leave") if status == 404 else ("reply", "open", "read")
    for action in actions:
        response = client.post(f"/messages/{conversation.pk}/{action}/", {"source": "插话", "format": "bbcode",
                                                                          "names": "随便谁"})
        assert response.status_code == (404 if status == 404 else 302), action
    said = Letter.objects.filter(conversation=conversation, source="插话").exists()
    assert said == (status == 200)
    if status == 404:
        assert "插话" not in text(signed_in(member).get(f"/messages/{conversation.pk}/"))
        assert Participant.objects.filter(conversation=conversation, left_at__isnull=True).count() == (
            1 if who == "left" else 2)


def test_unknown_and_odd_ids_are_404(member_client):
    for address in ("/messages/999999/", "/messages/abc/", "/messages/-1/", "/messages/99999999999999999/"):
        assert member_client.get(address).status_code == 404
    assert member_client.post("/messages/999999/reply/", {"source": "x", "format": "bbcode"}).status_code == 404


def test_a_guest_is_sent_to_sign_in_for_the_inbox():
    for address in ("/messages/", "/messages/new/", "/messages/blocked/"):
        response = Client().get(address)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_inbox_lists_my_conversations_newest_first_with_unread_markers(member, other_member, third_member):
    old = services.conversation_start(author=other_member, recipients=member.username, title="旧的话题",
                                      source="很久以前", fmt="bbcode")
    services.conversation_start(author=third_member, recipients=member.username, title="新的话题", source="刚刚",
                                fmt="bbcode")
    services.conversation_start(author=other_member, recipients=third_member.username, title="与我无关",
                                source="私事", fmt="bbcode")
    page = text(signed_in(member).get("/messages/"))
    assert page.index("新的话题") < page.index("旧的话题") and "与我无关" not in page
    assert page.count('class="tag unread"') == 2
    services.letter_reply(author=other_member, conversation=old.conversation, source="顶一下", fmt="bbcode")
    page = text(signed_in(member).get("/messages/"))
    assert page.index("旧的话题") < page.index("新的话题")


def test_opening_from_the_inbox_marks_read_but_viewing_changes_nothing(member, other_member, talk):
    client = signed_in(other_member)
    conversation = talk.conversation
    assert "短消息" in text(client.get("/")) and '<span class="badge">1</span>' in text(client.get("/"))
    assert client.get(f"/messages/{conversation.pk}/").status_code == 200
    assert unread(other_member) == 1  # a GET writes nothing
    assert client.get(f"/messages/{conversation.pk}/open/").status_code == 405
    response = client.post(f"/messages/{conversation.pk}/open/")
    assert response.status_code == 302 and response["Location"].endswith("#m1")
    assert unread(other_member) == 0
    page = text(client.get("/messages/"))
    assert 'class="tag unread"' not in page
    assert '<span class="badge">' not in text(client.get("/"))


def test_writing_through_the_form_and_replying(member, other_member):
    client = signed_in(member)
    assert client.get(f"/messages/new/?to={other_member.username}").status_code == 200
    response = client.post("/messages/new/", {"recipients": other_member.username, "title": "借书",
                                              "source": "那本《三体》看完了吗？", "format": "bbcode",
                                              "submission_key": "abc"})
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    again = client.post("/messages/new/", {"recipients": other_member.username, "title": "借书",
                                           "source": "那本《三体》看完了吗？", "format": "bbcode",
                                           "submission_key": "abc"})
    assert again.status_code == 302 and Conversation.objects.count() == 1  # a double click sends once
    reply = signed_in(other_member).post(f"/messages/{conversation.pk}/reply/",
                                         {"source": "看完了，明天带给你", "format": "bbcode", "submission_key": "r1"})
    assert reply.status_code == 302
    page = text(client.get(f"/messages/{conversation.pk}/"))
    assert "看完了，明天带给你" in page and 'class="tag unread"' in page


@pytest.mark.parametrize(("recipients", "title", "source", "message"), [
    ("", "借书", "正文内容", "请"),
    ("不存在的会员甲", "借书", "正文内容", "不存在的会员甲"),
    ("{me}", "借书", "正文内容", ""),
    ("{other}", "", "正文内容", ""),
    ("{other}", "借书", "", ""),
    ("{other}", "题" * 200, "正文内容", "200"),
])
def test_bad_input_keeps_the_text_and_sends_nothing(member, other_member, recipients, title, source, message):
    typed = {"recipients": recipients.format(me=member.username, other=other_member.username), "title": title,
             "source": source, "format": "bbcode"}
    response = signed_in(member).post("/messages/new/", typed)
    assert response.status_code == 400
    page = text(response)
    assert 'class="errors"' in page and message in page
    for value in typed.values():
        assert value in page
    assert not Conversation.objects.exists()


def test_fifty_recipients_in_the_form(member):
    names = "、".join(m.username for m in MemberFactory.create_batch(50))
    response = signed_in(member).post("/messages/new/", {"recipients": names, "title": "群发", "source": "大家好",
                                                         "format": "bbcode"})
    assert response.status_code == 400 and "20" in text(response) and names in text(response)
    assert not Conversation.objects.exists()


def test_an_empty_or_unknown_format_reply_is_refused_with_the_text_kept(member, talk):
    client = signed_in(member)
    response = client.post(f"/messages/{talk.conversation_id}/reply/", {"source": "   ", "format": "bbcode"})
    assert response.status_code == 400 and 'class="errors"' in text(response)
    response = client.post(f"/messages/{talk.conversation_id}/reply/", {"source": "留着这段话", "format": "html"})
    assert response.status_code == 400 and "留着这段话" in text(response)
    assert Letter.objects.count() == 1


def test_a_page_past_the_end_shows_the_last(member, talk):
    client = signed_in(member)
    for raw in ("999", "abc", "-3", "last"):
        response = client.get(f"/messages/{talk.conversation_id}/?page={raw}")
        assert response.status_code == 200 and "周六中午老地方" in text(response)
    assert client.get("/messages/?page=999").status_code == 200


def test_blocking_through_the_page(member, other_member):
    client = signed_in(other_member)
    response = client.post("/messages/blocked/", {"name": member.username})
    assert response.status_code == 302
    assert member.username in text(client.get("/messages/blocked/"))
    refused = signed_in(member).post("/messages/new/", {"recipients": other_member.username, "title": "你好",
                                                        "source": "在吗", "format": "bbcode"})
    assert refused.status_code == 400 and "在吗" in text(refused) and not Conversation.objects.exists()
    bad = client.post("/messages/blocked/", {"name": "根本没有这个人"})
    assert bad.status_code == 400 and "根本没有这个人" in text(bad)
    assert client.get(f"/messages/blocked/{member.pk}/remove/").status_code == 405
    assert client.post(f"/messages/blocked/{member.pk}/remove/").status_code == 302
    assert 'class="letters-blocked"' not in text(client.get("/messages/blocked/"))
    assert signed_in(member).post("/messages/new/", {"recipients": other_member.username, "title": "你好",
                                                     "source": "在吗", "format": "bbcode"}).status_code == 302


def test_leaving_through_the_page(member, other_member, talk):
    client = signed_in(other_member)
    assert client.post(f"/messages/{talk.conversation_id}/leave/").status_code == 302
    assert "你已退出对话“周末一起吃饭吗”" in text(client.get("/messages/"))  # the flash, once
    assert "周末一起吃饭吗" not in text(client.get("/messages/"))
    assert client.get(f"/messages/{talk.conversation_id}/").status_code == 404
    assert Participant.objects.get(member=other_member).left_at is not None


def test_hostile_text_is_escaped_in_every_place(member, other_member):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    letter = services.conversation_start(author=member, recipients=other_member.username, title=evil, source=evil,
                                         fmt="markdown")
    for client in (signed_in(member), signed_in(other_member)):
        for address in ("/messages/", f"/messages/{letter.conversation_id}/"):
            raw = client.get(address).content.decode()
            assert "<script>alert" not in raw and "onerror=alert" not in raw.replace("onerror=alert(1)&gt;", "")
            assert "&lt;script&gt;" in raw


def _add(member, other_member, count: int, into: Conversation | None) -> Conversation:
    for i in range(count):
        letter = services.conversation_start(author=other_member if i % 2 else member,
                                             recipients=(member if i % 2 else other_member).username,
                                             title=f"话题{i}", source=f"内容{i}", fmt="bbcode")
        into = into or letter.conversation
        services.letter_reply(author=other_member, conversation=into, source=f"回复{i}", fmt="bbcode")
    assert into is not None
    return into


def _queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as seen:
        assert client.get(address).status_code == 200
    return len(seen.captured_queries)


def test_pages_take_the_same_number_of_queries_for_one_or_many(member, other_member, django_assert_max_num_queries):
    conversation = _add(member, other_member, 1, None)
    client = signed_in(member)
    client.get("/messages/")  # the session and the kept tables are warm
    addresses = ["/messages/", f"/messages/{conversation.pk}/", "/messages/blocked/"]
    few = [_queries(client, a) for a in addresses]
    _add(member, other_member, 30, conversation)
    for who in MemberFactory.create_batch(3):
        services.block_add(member=member, name=who.username)
    many = [_queries(client, a) for a in addresses]
    assert few == many
    with django_assert_max_num_queries(8):
        client.get("/messages/")


def test_the_header_count_reads_no_message_table(member, talk):
    with CaptureQueriesContext(connection) as seen:
        Client().get("/")
    assert not [q for q in seen.captured_queries if "letters_" in q["sql"]]
    with CaptureQueriesContext(connection) as seen:
        signed_in(member).get("/")
    assert not [q for q in seen.captured_queries if "letters_" in q["sql"]]


def test_a_groups_message_limit_refuses_the_next_send_with_the_text_kept(member, other_member, admin):
    """New members' daily cap: the admin gives their group a "message" limit (here 2 a day)."""
    limits.group_limit_save(member=admin, limit=GroupLimit(
        group_id=member.group_id, action=GroupLimit.Action.MESSAGE, scope=GroupLimit.Scope.MEMBER, count=2,
        seconds=24 * 3600))
    client = signed_in(member)
    for i in range(2):
        response = client.post("/messages/new/", {"recipients": other_member.username, "title": f"第{i}条",
                                                  "source": "你好", "format": "bbcode"})
        assert response.status_code == 302
    refused = client.post("/messages/new/", {"recipients": other_member.username, "title": "第三条",
                                             "source": "还想再发一条", "format": "bbcode"})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "还想再发一条" in text(refused) and 'class="errors"' in text(refused)
    assert Conversation.objects.count() == 2 and unread(other_member) == 2
    # Counted per member: the other member still may.
    assert signed_in(other_member).post("/messages/new/", {"recipients": member.username, "title": "回信",
                                                           "source": "收到", "format": "bbcode"}).status_code == 302


def test_a_new_member_may_not_send_links(member, other_member):
    from luntan.protection.models import NewcomerRules

    NewcomerRules.objects.update_or_create(pk=1, defaults={"hours": 24, "links_after_posts": 5})
    from luntan.core import pagecache

    pagecache.bump("protection-newcomers")
    typed = {"recipients": other_member.username, "title": "好东西", "source": "看这里 https://spam.example.com",
             "format": "bbcode"}
    refused = signed_in(member).post("/messages/new/", typed)
    assert refused.status_code == 400 and "spam.example.com" in text(refused)
    assert not Conversation.objects.exists()
