"""Deleting and restoring a thread keep every count in step, and only the board's moderators may do it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from luntan.forum import services
from luntan.forum.models import Thread

pytestmark = pytest.mark.django_db


def _counts(board, *members):
    for obj in (board, *members):
        obj.refresh_from_db()
    return [(board.thread_count, board.post_count)] + [(m.thread_count, m.post_count, m.digest_count)
                                                      for m in members]


@pytest.fixture
def busy_thread(make_thread, member, other_member, moderator):
    """A digest thread by member with replies by both members, one of them deleted on its own."""
    thread = make_thread(replies=1)
    services.post_reply(author=other_member, thread=thread, source="我也来说两句", fmt="bbcode")
    gone = services.post_reply(author=other_member, thread=thread, source="说错了", fmt="bbcode")
    services.floor_delete(member=other_member, floor=gone)
    services.thread_update(member=moderator, thread=thread, digest=1)
    return thread


def test_only_a_moderator_deletes_a_thread_and_a_refusal_changes_nothing(busy_thread, board, member,
                                                                           other_member):
    before = _counts(board, member, other_member)
    with pytest.raises(PermissionDenied):
        services.thread_delete(member=other_member, thread=busy_thread)
    with pytest.raises(PermissionDenied):
        services.thread_update(member=member, thread=busy_thread, sticky=1)
    assert _counts(board, member, other_member) == before
    busy_thread.refresh_from_db()
    assert not busy_thread.is_deleted and busy_thread.sticky == 0


def test_delete_then_restore_gives_back_every_count(busy_thread, board, member, other_member, moderator):
    before = _counts(board, member, other_member)
    assert before == [(1, 3), (1, 2, 1), (0, 1, 0)]

    services.thread_delete(member=moderator, thread=busy_thread)
    assert _counts(board, member, other_member) == [(0, 0), (0, 0, 0), (0, 0, 0)]

    services.thread_restore(member=moderator, thread=busy_thread)
    assert _counts(board, member, other_member) == before


def test_deleting_a_floor_of_a_deleted_thread_does_not_count_it_twice(busy_thread, board, member,
                                                                      other_member, moderator):
    services.thread_delete(member=moderator, thread=busy_thread)
    reply = busy_thread.floors.get(number=2)
    services.floor_delete(member=moderator, floor=reply)
    assert _counts(board, member, other_member) == [(0, 0), (0, 0, 0), (0, 0, 0)]
    services.thread_restore(member=moderator, thread=busy_thread)
    assert _counts(board, member, other_member) == [(1, 2), (1, 1, 1), (0, 1, 0)]


def test_only_a_deleted_thread_is_removed_for_good(busy_thread, moderator):
    with pytest.raises(ValidationError):
        services.thread_purge(member=moderator, thread=busy_thread)
    services.thread_delete(member=moderator, thread=busy_thread)
    services.thread_purge(member=moderator, thread=busy_thread)
    assert not Thread.objects.filter(pk=busy_thread.pk).exists()
