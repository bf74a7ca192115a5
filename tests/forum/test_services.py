import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from factories import MemberFactory

from luntan.forum import services
from luntan.forum.models import Board, Floor, FloorRevision, Thread

pytestmark = pytest.mark.django_db


def test_new_thread_opens_floor_one_and_counts_everywhere(board, member):
    floor = services.thread_create(author=member, board=board, title="  第一帖\u200b ", source="你好 [b]世界[/b]",
                                   fmt="bbcode")
    board.refresh_from_db()
    member.refresh_from_db()
    assert floor.number == 1
    assert floor.thread.title == "第一帖"
    assert "<strong>世界</strong>" in floor.html
    assert (board.thread_count, board.post_count, board.today_posts) == (1, 1, 1)
    assert board.last_thread_id == floor.thread_id and board.last_poster_name == member.username
    assert (member.post_count, member.thread_count) == (1, 1)


def test_replies_get_consecutive_floors_and_counters(make_thread, other_member, board):
    thread = make_thread(replies=3)
    other = other_member
    floor = services.post_reply(author=other, thread=thread, source="沙发没了,板凳也没了", fmt="bbcode")
    thread.refresh_from_db()
    board.refresh_from_db()
    other.refresh_from_db()
    assert floor.number == 5
    assert list(thread.floors.values_list("number", flat=True).order_by("number")) == [1, 2, 3, 4, 5]
    assert (thread.reply_count, thread.last_floor, thread.last_replier_name) == (4, 5, other.username)
    assert (board.post_count, board.thread_count) == (5, 1)
    assert other.post_count == 1


@pytest.mark.parametrize(
    ("title", "source", "code"),
    [("", "正文", "title_empty"), ("   \u200b", "正文", "title_empty"), ("长" * 81, "正文", "title_long"),
     ("标题", "", "body_empty"), ("标题", " \n\n ", "body_empty"), ("标题", "字" * 50_001, "body_long")],
)
def test_bad_thread_input_is_refused_and_creates_nothing(board, member, title, source, code):
    with pytest.raises(ValidationError) as error:
        services.thread_create(author=member, board=board, title=title, source=source, fmt="bbcode")
    assert error.value.code == code
    assert not Thread.objects.exists() and not Floor.objects.exists()
    board.refresh_from_db()
    assert board.post_count == 0


def test_body_of_exactly_the_limit_is_accepted(board, member, settings):
    most = settings.LUNTAN["MAX_BODY_CHARS"]
    floor = services.thread_create(author=member, board=board, title="长文", source="字" * most, fmt="markdown")
    assert len(floor.source) == most


def test_unknown_format_is_refused(make_thread, member):
    thread = make_thread()
    with pytest.raises(ValidationError):
        services.post_reply(author=member, thread=thread, source="hi", fmt="html")
    assert thread.floors.count() == 1


def test_locked_thread_refuses_members_but_not_moderators(make_thread, other_member, moderator):
    thread = make_thread()
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    with pytest.raises(PermissionDenied, match="锁定"):
        services.post_reply(author=other_member, thread=thread, source="我来晚了", fmt="bbcode")
    assert thread.floors.count() == 1
    floor = services.post_reply(author=moderator, thread=thread, source="版主说明", fmt="bbcode")
    assert floor.number == 2


def test_deleted_thread_refuses_replies(make_thread, other_member):
    thread = make_thread()
    Thread.objects.filter(pk=thread.pk).update(is_deleted=True)
    with pytest.raises(PermissionDenied):
        services.post_reply(author=other_member, thread=thread, source="还有人吗", fmt="bbcode")
    assert thread.floors.count() == 1


def test_disabled_member_cannot_post(board):
    member = MemberFactory(is_active=False)
    with pytest.raises(PermissionDenied):
        services.thread_create(author=member, board=board, title="标题", source="正文", fmt="bbcode")
    assert not Thread.objects.exists()


def test_same_submission_key_posts_once(make_thread, other_member):
    thread = make_thread()
    member = other_member
    first = services.post_reply(author=member, thread=thread, source="只发一次", fmt="bbcode", submission_key="k1")
    again = services.post_reply(author=member, thread=thread, source="只发一次", fmt="bbcode", submission_key="k1")
    assert first.pk == again.pk
    thread.refresh_from_db()
    member.refresh_from_db()
    assert (thread.last_floor, thread.reply_count, member.post_count) == (2, 1, 1)


def test_same_key_for_new_thread_replays_the_thread(board, member):
    one = services.thread_create(author=member, board=board, title="标题", source="正文", fmt="bbcode",
                                 submission_key="abc")
    two = services.thread_create(author=member, board=board, title="标题", source="正文", fmt="bbcode",
                                 submission_key="abc")
    assert one.pk == two.pk and Thread.objects.count() == 1


def test_todays_counter_rolls_over_at_midnight(make_thread, board, member):
    thread = make_thread()
    Board.objects.filter(pk=board.pk).update(today_posts=7, yesterday_posts=3,
                                             today_date=timezone.localdate() - timedelta(days=1))
    services.post_reply(author=member, thread=thread, source="新的一天", fmt="bbcode")
    board.refresh_from_db()
    assert (board.today_posts, board.yesterday_posts, board.today_date) == (1, 7, timezone.localdate())


def test_edit_keeps_history_and_notes_the_editor(make_thread, member):
    thread = make_thread()
    floor = thread.floors.get(number=1)
    edited = services.floor_edit(editor=member, floor=floor, source="改过的正文", fmt="markdown", title="新标题")
    thread.refresh_from_db()
    assert edited.source == "改过的正文" and edited.edited_by_name == member.username and edited.edited_at
    assert thread.title == "新标题"
    revision = FloorRevision.objects.get(floor=floor)
    assert revision.source == "[b]大家好[/b],出来晒太阳。" and revision.title == "今天天气真好"


def test_others_cannot_edit_or_delete(make_thread, other_member):
    thread = make_thread(replies=1)
    stranger = other_member
    floor = thread.floors.get(number=2)
    with pytest.raises(PermissionDenied):
        services.floor_edit(editor=stranger, floor=floor, source="篡改", fmt="bbcode")
    with pytest.raises(PermissionDenied):
        services.floor_delete(member=stranger, floor=floor)
    floor.refresh_from_db()
    assert floor.source == "第1条回复" and not floor.is_deleted


def test_deleting_a_reply_keeps_numbers_and_counts_down(make_thread, member, board):
    thread = make_thread(replies=2)
    services.floor_delete(member=member, floor=thread.floors.get(number=2))
    thread.refresh_from_db()
    board.refresh_from_db()
    member.refresh_from_db()
    assert list(thread.floors.values_list("number", "is_deleted").order_by("number")) == [
        (1, False), (2, True), (3, False)]
    assert (thread.reply_count, board.post_count, member.post_count) == (1, 2, 2)
    # The next reply still gets a new number: floor numbers are never reused.
    assert services.post_reply(author=member, thread=thread, source="再来", fmt="bbcode").number == 4


def test_moderator_deleting_floor_one_deletes_the_thread(make_thread, moderator, board, member):
    thread = make_thread(replies=2)
    services.floor_delete(member=moderator, floor=thread.floors.get(number=1))
    thread.refresh_from_db()
    board.refresh_from_db()
    member.refresh_from_db()
    assert thread.is_deleted
    assert (board.thread_count, board.post_count, board.last_thread_id) == (0, 0, None)
    assert (member.post_count, member.thread_count) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_never_share_a_floor_number(make_thread):
    thread = make_thread()
    members = MemberFactory.create_batch(4)
    errors: list[BaseException] = []

    def reply(member):
        try:
            for i in range(5):
                services.post_reply(author=member, thread=thread, source=f"抢楼 {i}", fmt="bbcode")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=reply, args=(m,)) for m in members]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    numbers = sorted(thread.floors.values_list("number", flat=True))
    assert numbers == list(range(1, 22))
    thread.refresh_from_db()
    assert (thread.last_floor, thread.reply_count) == (21, 20)
