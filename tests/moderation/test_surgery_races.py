"""Two moderators acting at the same moment (a double click that reaches two workers): the thread rows are
locked first, so each action applies once and the counts stay exact."""

import threading

import pytest
from django.db import connection
from factories import MemberFactory

from luntan.credits.models import CreditEntry, Operation
from luntan.forum import services
from luntan.forum.models import Floor, Thread
from luntan.moderation import surgery
from luntan.moderation.models import ModerationLog

from .test_surgery import no_corrections, waiting_reply


def _at_once(*calls) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait()
            call()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(c,)) for c in calls]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_the_same_approval_twice_at_once_counts_the_post_once(make_thread, board):
    thread = make_thread()
    author, first, second = MemberFactory.create_batch(3)
    services.board_moderators_set(board=board, members=[first, second])
    reply = waiting_reply(thread, author)
    errors = _at_once(*[lambda m=m: surgery.posts_approve(member=m, floor_ids=[reply.pk]) for m in (first, second)])
    assert errors == []
    thread.refresh_from_db()
    author.refresh_from_db()
    assert (thread.reply_count, author.post_count) == (1, 1)
    assert CreditEntry.objects.filter(member=author, operation=Operation.REPLY).count() == 1
    assert ModerationLog.objects.filter(action="approve").count() == 1
    no_corrections()


@pytest.mark.django_db(transaction=True)
def test_the_same_merge_twice_at_once_merges_once(make_thread, board):
    a, b = make_thread(replies=2), make_thread(replies=1, title="重复的帖子")
    first, second = MemberFactory.create_batch(2)
    services.board_moderators_set(board=board, members=[first, second])
    errors = _at_once(*[lambda m=m: surgery.thread_merge(member=m, thread=a, other=b) for m in (first, second)])
    assert errors == []
    assert list(Floor.objects.filter(thread=a).order_by("number").values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert Thread.objects.get(pk=b.pk).moved_to_id == a.pk
    assert ModerationLog.objects.filter(action="merge").count() == 1
    no_corrections()
