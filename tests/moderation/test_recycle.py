"""The recycle bin: deleting takes back what the content earned, restoring gives exactly that back, all in
the ledger; only administrators restore or purge."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from helpers import signed_in

from luntan.credits.models import CreditEntry, Wallet
from luntan.forum import services as forum
from luntan.forum.models import Thread
from luntan.moderation import services
from luntan.moderation.models import ModerationLog

pytestmark = pytest.mark.django_db


def _balances(*members):
    return {(w.member_id, w.credit_type_id): w.balance for w in Wallet.objects.filter(member__in=members)}


def test_restore_gives_back_exactly_what_the_delete_took(admin, moderator, member, make_thread):
    thread = make_thread(replies=1)
    before = _balances(member)
    services.thread_delete(member=moderator, thread=thread, reason="重复发帖")
    after_delete = _balances(member)
    assert after_delete != before  # the delete rule took something
    services.thread_restore(member=admin, thread=thread)
    assert _balances(member) == before
    restored = CreditEntry.objects.filter(operation="thread_restored", subject_id=thread.pk)
    assert restored.exists()
    # a second restore (a double submit) gives nothing more; a second round trip repays only its own delete
    services.thread_restore(member=admin, thread=thread)
    assert _balances(member) == before
    services.thread_delete(member=moderator, thread=thread)
    assert _balances(member) == after_delete
    services.thread_restore(member=admin, thread=thread)
    assert _balances(member) == before


def test_a_floor_restore_gives_back_its_credits_and_counts(admin, member, other_member, make_thread, board):
    thread = make_thread()
    reply = forum.post_reply(author=other_member, thread=thread, source="回复一下", fmt="bbcode")
    before = _balances(other_member)
    board.refresh_from_db()
    posts = board.post_count
    forum.floor_delete(member=admin, floor=reply)
    assert _balances(other_member) != before
    services.floor_restore(member=admin, floor=reply)
    board.refresh_from_db()
    other_member.refresh_from_db()
    assert _balances(other_member) == before and board.post_count == posts and other_member.post_count == 1


@pytest.mark.parametrize("role", ["member", "moderator", "super_moderator"])
def test_only_administrators_restore_or_purge(role, roles, admin, make_thread):
    thread = make_thread()
    services.thread_delete(member=admin, thread=thread)
    ModerationLog.objects.all().delete()
    with pytest.raises(PermissionDenied):
        services.thread_restore(member=roles[role], thread=thread)
    with pytest.raises(PermissionDenied):
        services.thread_purge(member=roles[role], thread=thread)
    thread.refresh_from_db()
    assert thread.is_deleted and not ModerationLog.objects.exists()


def test_the_bin_lists_what_the_reader_moderates_and_admins_act_from_it(admin, moderator, other_board, make_thread):
    mine = make_thread(title="本版删帖")
    elsewhere = make_thread(title="别版删帖", on=other_board)
    for t in (mine, elsewhere):
        services.thread_delete(member=admin, thread=t)
    page = signed_in(moderator).get(reverse("moderation:recycle")).content.decode()
    assert "本版删帖" in page and "别版删帖" not in page and 'value="purge"' not in page
    client = signed_in(admin)
    page = client.get(reverse("moderation:recycle")).content.decode()
    assert "本版删帖" in page and "别版删帖" in page and 'value="purge"' in page
    bin_url = reverse("moderation:recycle")
    assert client.post(bin_url, {"op": "restore", "kind": "thread", "id": mine.pk}).status_code == 302
    assert client.post(bin_url, {"op": "purge", "kind": "thread", "id": elsewhere.pk}).status_code == 302
    mine.refresh_from_db()
    assert not mine.is_deleted and not Thread.objects.filter(pk=elsewhere.pk).exists()
    for bad in ({"op": "burn", "kind": "thread", "id": mine.pk}, {"op": "restore", "kind": "thread", "id": "x"},
                {"op": "restore", "kind": "cat", "id": 1}, {"op": "purge", "kind": "thread", "id": mine.pk}):
        refused = client.post(reverse("moderation:recycle"), bad)
        assert refused.status_code == 400
    assert signed_in(roles_member := make_thread().author).get(reverse("moderation:recycle")).status_code == 403
    assert roles_member
