"""Every moderator's action over the role matrix: the allowed ones change the thread and are logged with
their reason; the forbidden ones change nothing and log nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

from luntan.forum.models import Thread
from luntan.moderation import services
from luntan.moderation.models import ModerationLog
from luntan.notices.models import Notice

pytestmark = pytest.mark.django_db

ALLOWED = {"moderator", "super_moderator", "admin"}
EVERYONE = ("guest", "member", "silenced", "moderator", "moderator_elsewhere", "super_moderator", "admin")

# action, its parameters (by fixture), what the thread looks like after it, the log's action code
ACTIONS = {
    "sticky": (lambda f: {"level": 1}, lambda t: t.sticky == 1, "sticky"),
    "digest": (lambda f: {"level": 2}, lambda t: t.digest == 2, "digest"),
    "highlight": (lambda f: {"colour": "red", "bold": True}, lambda t: (t.highlight, t.highlight_bold) == ("red", True),
                  "highlight"),
    "lock": (lambda f: {}, lambda t: t.is_locked, "lock"),
    "close": (lambda f: {}, lambda t: t.is_closed, "close"),
    "type": (lambda f: {"thread_type": f["kinds"][0]}, lambda t: t.thread_type_id == f_kind_id(t), "type"),
    "move": (lambda f: {"target": f["sister_board"]}, lambda t: t.board_id != t._home, "move"),
    "delete": (lambda f: {}, lambda t: t.is_deleted, "delete"),
}


def f_kind_id(thread):
    return thread._kind


def _state(thread):
    thread.refresh_from_db()
    return (thread.board_id, thread.sticky, thread.digest, thread.highlight, thread.highlight_bold, thread.is_locked,
            thread.is_closed, thread.thread_type_id, thread.is_deleted)


@pytest.fixture
def setting(request, roles, moderator, board, other_board, make_thread, kinds, sister_board):
    return {"kinds": kinds, "sister_board": sister_board}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("role", EVERYONE)
def test_action_over_the_role_matrix(action, role, roles, moderator, other_board, make_thread, setting, kinds):
    actor = moderator if role == "moderator_elsewhere" else roles[role] or AnonymousUser()
    thread = make_thread(on=other_board) if role == "moderator_elsewhere" else make_thread()
    params, done, code = ACTIONS[action]
    if action == "type" and role == "moderator_elsewhere":
        params = lambda f: {"thread_type": None}  # noqa: E731 - other_board has no types
        thread.thread_type_id = kinds[0].pk
        Thread.objects.filter(pk=thread.pk).update(thread_type=kinds[0])
    before = _state(thread)
    if role in ALLOWED:
        assert services.act(member=actor, thread=thread, action=action, reason="违反版规", tell_author=True,
                            **params(setting))
        thread.refresh_from_db()
        thread._home, thread._kind = before[0], kinds[0].pk
        assert done(thread)
        entry = ModerationLog.objects.get()
        assert (entry.action, entry.reason, entry.actor_id, entry.thread_id) == (code, "违反版规", actor.pk, thread.pk)
        notice = Notice.objects.get(member=thread.author)
        assert "违反版规" in notice.text and thread.title in notice.text
    else:
        with pytest.raises(PermissionDenied):
            services.act(member=actor, thread=thread, action=action, reason="违反版规", tell_author=True,
                         **params(setting))
        assert _state(thread) == before
        assert not ModerationLog.objects.exists()
        assert not Notice.objects.exists()


@pytest.mark.parametrize(("role", "most"), [("moderator", 1), ("super_moderator", 2), ("admin", 3)])
def test_sticky_levels_follow_the_role(role, most, roles, thread):
    for level in (1, 2, 3):
        if level <= most:
            services.thread_stick(member=roles[role], thread=thread, level=level)
            thread.refresh_from_db()
            assert thread.sticky == level
        else:
            with pytest.raises(PermissionDenied):
                services.thread_stick(member=roles[role], thread=thread, level=level)
            thread.refresh_from_db()
            assert thread.sticky == most


def test_moving_needs_both_boards(moderator, thread, other_board):
    with pytest.raises(PermissionDenied):
        services.thread_move(member=moderator, thread=thread, target=other_board)
    thread.refresh_from_db()
    assert thread.board_id != other_board.pk and not ModerationLog.objects.exists()


def test_an_action_sent_twice_applies_once_and_is_logged_once(moderator, thread, member):
    from luntan.credits.models import CreditEntry

    ledger = []
    for _ in range(2):
        services.thread_digest(member=moderator, thread=thread, level=1, reason="好文")
        services.thread_stick(member=moderator, thread=thread, level=1)
        services.thread_lock(member=moderator, thread=thread, locked=True)
        ledger.append(CreditEntry.objects.filter(member=member, operation="digest").count())
    member.refresh_from_db()
    assert member.digest_count == 1
    assert ledger[0] > 0 and ledger[1] == ledger[0]
    assert sorted(ModerationLog.objects.values_list("action", flat=True)) == ["digest", "lock", "sticky"]


@pytest.mark.parametrize(("call", "message"), [
    (lambda m, t: services.thread_stick(member=m, thread=t, level=7), "sticky"),
    (lambda m, t: services.thread_highlight(member=m, thread=t, colour="chartreuse"), "highlight"),
    (lambda m, t: services.thread_digest(member=m, thread=t, level=4), "digest"),
    (lambda m, t: services.act(member=m, thread=t, action="explode"), "action"),
])
def test_bad_values_are_refused_with_a_reason(call, message, moderator, thread):
    before = _state(thread)
    with pytest.raises(ValidationError) as refused:
        call(moderator, thread)
    assert refused.value.code == message
    assert _state(thread) == before and not ModerationLog.objects.exists()


def test_a_sticky_expiry_in_the_past_is_refused(moderator, thread):
    from datetime import timedelta

    from django.utils import timezone

    with pytest.raises(ValidationError):
        services.thread_stick(member=moderator, thread=thread, level=1, until=timezone.now() - timedelta(hours=1))
    thread.refresh_from_db()
    assert thread.sticky == 0


def test_a_moderator_edit_or_delete_of_a_floor_is_logged_with_its_reason(moderator, member, make_thread):
    from luntan.forum import services as forum

    thread = make_thread(replies=1)
    reply = thread.floors.get(number=2)
    forum.floor_edit(editor=member, floor=reply, source="自己改的", fmt="bbcode")
    assert not ModerationLog.objects.exists()  # the author's own edit is no moderation
    forum.floor_edit(editor=moderator, floor=reply, source="版主改的", fmt="bbcode", reason="含广告")
    forum.floor_delete(member=moderator, floor=reply, reason="灌水")
    assert list(ModerationLog.objects.order_by("id").values_list("action", "floor_number", "reason")) == [
        ("edit", 2, "含广告"), ("delete", 2, "灌水")]
