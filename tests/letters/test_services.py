"""短消息 services: starting, replying, unread counts, leaving, adding, blocking, idempotent sends, bad input
changes nothing."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from factories import MemberFactory
from helpers import at_once

from luntan.letters import services
from luntan.letters.models import Block, Conversation, Letter, Participant
from luntan.protection import words
from luntan.protection.models import WatchedWord, WordHit

from .conftest import unread

pytestmark = pytest.mark.django_db


def test_starting_a_conversation_makes_it_unread_for_the_recipient_only(member, other_member, talk):
    assert talk.number == 1 and talk.conversation.title == "周末一起吃饭吗"
    assert "周六中午老地方" in talk.html
    assert unread(other_member) == 1 and unread(member) == 0
    assert set(Participant.objects.values_list("member_id", "read_number")) == {(member.pk, 1), (other_member.pk, 0)}


def test_a_reply_makes_it_unread_once_and_replying_reads_it(member, other_member, talk):
    conversation = talk.conversation
    services.letter_reply(author=member, conversation=conversation, source="记得带伞", fmt="bbcode")
    assert unread(other_member) == 1  # still one conversation, not two
    services.letter_reply(author=other_member, conversation=conversation, source="好的，不见不散", fmt="bbcode")
    assert unread(other_member) == 0 and unread(member) == 1
    conversation.refresh_from_db()
    assert conversation.last_number == 3 and conversation.last_author_name == other_member.username
    assert services.conversation_mark_read(member=member, conversation=conversation) is True
    assert services.conversation_mark_read(member=member, conversation=conversation) is False
    assert unread(member) == 0


def test_recount_rebuilds_the_unread_count(member, other_member, talk):
    type(other_member).objects.filter(pk=other_member.pk).update(unread_messages=7)
    assert services.letters_recount(member_id=other_member.pk) == 1 and unread(other_member) == 1


def test_several_recipients_with_chinese_separators(member, other_member, third_member):
    names = f"{other_member.username}、 {third_member.username}，"
    letter = services.conversation_start(author=member, recipients=names,
                                         title="爬山小分队", source="这周日去不去？", fmt="markdown")
    assert set(Participant.objects.filter(conversation=letter.conversation).values_list("member_id", flat=True)) == {
        member.pk, other_member.pk, third_member.pk}
    assert unread(other_member) == unread(third_member) == 1


@pytest.mark.parametrize(("recipients", "title", "source", "field", "code"), [
    ("", "标题", "正文", "recipients", "recipients_empty"),
    ("没有这个人", "标题", "正文", "recipients", "recipients_unknown"),
    ("{me}", "标题", "正文", "recipients", "recipients_self"),
    ("{other}", "", "正文", "title", "title_empty"),
    ("{other}", "长" * 81, "正文", "title", "title_long"),
    ("{other}", "标题", "  \n ", "source", "body_empty"),
    ("{other}", "标题", "字" * 50_001, "source", "body_long"),
])
def test_bad_input_is_refused_and_sends_nothing(member, other_member, recipients, title, source, field, code):
    with pytest.raises(ValidationError) as refused:
        services.conversation_start(author=member, recipients=recipients.format(me=member.username,
                                                                                other=other_member.username),
                                    title=title, source=source, fmt="bbcode")
    assert [e.code for e in refused.value.error_dict[field]] == [code]
    assert not Conversation.objects.exists() and not Letter.objects.exists() and unread(other_member) == 0


def test_fifty_recipients_are_too_many(member):
    names = "、".join(m.username for m in MemberFactory.create_batch(50))
    with pytest.raises(ValidationError) as refused:
        services.conversation_start(author=member, recipients=names, title="群发", source="大家好", fmt="bbcode")
    assert refused.value.error_dict["recipients"][0].code == "recipients_many"
    assert not Conversation.objects.exists()


def test_unknown_names_are_named_in_the_message(member, other_member):
    with pytest.raises(ValidationError) as refused:
        services.conversation_start(author=member, recipients=f"{other_member.username}、张三丰不存在",
                                    title="标题", source="正文", fmt="bbcode")
    assert "张三丰不存在" in refused.value.error_dict["recipients"][0].messages[0]
    assert other_member.username not in refused.value.error_dict["recipients"][0].messages[0]


def test_a_blocked_member_cannot_start_a_conversation_or_add_the_blocker(member, other_member, third_member):
    services.block_add(member=other_member, name=member.username)
    with pytest.raises(ValidationError) as refused:
        services.conversation_start(author=member, recipients=other_member.username, title="你好", source="在吗",
                                    fmt="bbcode")
    message = refused.value.error_dict["recipients"][0].messages[0]
    assert refused.value.error_dict["recipients"][0].code == "recipients_blocked"
    assert other_member.username in message and "block" not in message.lower() and "屏蔽" not in message
    letter = services.conversation_start(author=member, recipients=third_member.username, title="你好",
                                         source="在吗", fmt="bbcode")
    with pytest.raises(ValidationError):
        services.conversation_add(member=member, conversation=letter.conversation, names=other_member.username)
    assert not Participant.objects.filter(member=other_member).exists() and unread(other_member) == 0
    # The other way round is allowed: blocking is one-way.
    services.conversation_start(author=other_member, recipients=member.username, title="解释一下", source="抱歉",
                                fmt="bbcode")
    assert services.block_remove(member=other_member, blocked_id=member.pk) is True
    services.conversation_start(author=member, recipients=other_member.username, title="你好", source="在吗",
                                fmt="bbcode")


def test_blocking_twice_or_oneself_or_nobody(member, other_member):
    services.block_add(member=member, name=other_member.username)
    services.block_add(member=member, name=other_member.username)
    assert Block.objects.count() == 1
    for name, code in ((member.username, "name_self"), ("查无此人", "name_unknown"), ("  ", "name_empty")):
        with pytest.raises(ValidationError) as refused:
            services.block_add(member=member, name=name)
        assert refused.value.error_dict["name"][0].code == code
    assert Block.objects.count() == 1


def test_leaving_removes_access_and_its_unread(member, other_member, talk):
    conversation = talk.conversation
    services.conversation_leave(member=other_member, conversation=conversation)
    assert unread(other_member) == 0
    with pytest.raises(Http404):
        services.letter_reply(author=other_member, conversation=conversation, source="我回来了", fmt="bbcode")
    services.letter_reply(author=member, conversation=conversation, source="人呢？", fmt="bbcode")
    assert unread(other_member) == 0  # a member who left is not told
    with pytest.raises(ValidationError):  # nor added back by others
        services.conversation_add(member=member, conversation=conversation, names=other_member.username)


def test_adding_a_member_shows_them_the_conversation_unread(member, other_member, third_member, talk):
    services.conversation_add(member=other_member, conversation=talk.conversation, names=third_member.username)
    assert unread(third_member) == 1
    with pytest.raises(Http404):  # a stranger cannot add anyone
        services.conversation_add(member=MemberFactory(), conversation=talk.conversation, names=member.username)


def test_a_stranger_cannot_reply(talk, third_member):
    with pytest.raises(Http404):
        services.letter_reply(author=third_member, conversation=talk.conversation, source="插一句", fmt="bbcode")
    assert Letter.objects.count() == 1


def test_the_same_submission_key_sends_once(member, other_member, talk):
    first = services.letter_reply(author=member, conversation=talk.conversation, source="只发一次", fmt="bbcode",
                                  submission_key="k1")
    again = services.letter_reply(author=member, conversation=talk.conversation, source="只发一次", fmt="bbcode",
                                  submission_key="k1")
    assert first.pk == again.pk and Letter.objects.count() == 2
    started = services.conversation_start(author=member, recipients=other_member.username, title="新话题",
                                          source="嗨", fmt="bbcode", submission_key="k2")
    replay = services.conversation_start(author=member, recipients=other_member.username, title="新话题",
                                         source="嗨", fmt="bbcode", submission_key="k2")
    assert started.pk == replay.pk and Conversation.objects.count() == 2 and unread(other_member) == 2


def test_markup_is_cooked_and_escaped(member, other_member):
    letter = services.conversation_start(author=member, recipients=other_member.username, title="<b>标题</b>",
                                         source='[b]粗体[/b]<script>alert(1)</script><img src=x onerror=alert(1)>',
                                         fmt="bbcode")
    assert "<strong>粗体</strong>" in letter.html or "<b>粗体</b>" in letter.html
    assert "<script" not in letter.html and "<img" not in letter.html and "&lt;script&gt;" in letter.html
    assert letter.conversation.title == "<b>标题</b>"  # plain text, escaped where shown


@pytest.fixture
def watch(admin, django_capture_on_commit_callbacks):
    def add(word: str, action: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            words.word_save(by=admin, word=WatchedWord(word=word, action=action))
    return add


@pytest.mark.parametrize("action", [WatchedWord.Action.BLOCK, WatchedWord.Action.HOLD])
def test_blocked_and_held_words_refuse_the_message(member, other_member, watch, action):
    watch("代开发票", action)
    with pytest.raises(ValidationError) as refused:
        services.conversation_start(author=member, recipients=other_member.username, title="你好",
                                    source="需要代开发票吗", fmt="bbcode")
    assert refused.value.error_dict["source"][0].code == "watched_word"
    assert not Letter.objects.exists() and unread(other_member) == 0


def test_replaced_words_are_starred_and_flagged_ones_recorded(member, other_member, watch):
    watch("笨蛋", WatchedWord.Action.REPLACE)
    watch("加微信", WatchedWord.Action.FLAG)
    letter = services.conversation_start(author=member, recipients=other_member.username, title="你好",
                                         source="你这个笨蛋，加微信聊", fmt="markdown")
    assert "笨蛋" not in letter.source and "加微信" in letter.source
    hit = WordHit.objects.get()
    assert hit.where == "message" and "加微信" in hit.words and hit.member == member


@pytest.mark.django_db(transaction=True)
def test_a_double_click_at_the_same_moment_sends_once(member, other_member):
    talk = services.conversation_start(author=member, recipients=other_member.username, title="并发",
                                       source="第一条", fmt="bbcode")
    found, errors = at_once(lambda: services.letter_reply(author=member, conversation=talk.conversation,
                                                          source="双击", fmt="bbcode", submission_key="same").pk, 4)
    assert errors == [] and len(set(found)) == 1
    assert Letter.objects.filter(conversation=talk.conversation).count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_keep_numbers_and_counts_right(member, other_member):
    third = MemberFactory()
    talk = services.conversation_start(author=member, recipients=f"{other_member.username}、{third.username}",
                                       title="并发", source="开始", fmt="bbcode")
    errors: list[BaseException] = []

    def send(who):
        try:
            for i in range(4):
                services.letter_reply(author=who, conversation=talk.conversation, source=f"第{i}条", fmt="bbcode")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=send, args=(m,)) for m in (member, other_member, third)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert sorted(Letter.objects.values_list("number", flat=True)) == list(range(1, 14))
    for who in (member, other_member, third):
        before = unread(who)
        assert services.letters_recount(member_id=who.pk) == before
