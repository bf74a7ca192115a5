import threading
from datetime import timedelta

import pytest
from django.db import connection
from factories import MemberFactory

from luntan.bans import services
from luntan.bans.models import Ban, MemberWarning
from luntan.forum import services as forum_services
from luntan.moderation.models import ModerationLog


@pytest.mark.django_db(transaction=True)
def test_a_warning_and_a_ban_sent_twice_at_once_apply_once(board):
    moderator, offender = MemberFactory(), MemberFactory()
    forum_services.board_moderators_set(board=board, members=[moderator])
    floor = forum_services.thread_create(author=offender, board=board, title="刷屏帖", source="顶顶顶",
                                         fmt="bbcode")
    errors: list[BaseException] = []

    def act(kind: str):
        try:
            if kind == "warn":
                services.warning_create(actor=moderator, member=offender, floor=floor, reason="刷屏",
                                        submission_key="same-warning")
            else:
                services.ban_create(actor=moderator, member=offender, kind="post", reason="刷屏",
                                    until=floor.created_at + timedelta(days=3), submission_key="same-ban")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=act, args=(k,)) for k in ("warn", "warn", "ban", "ban")]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert MemberWarning.objects.count() == 1 and Ban.objects.count() == 1
    assert ModerationLog.objects.filter(action="warn").count() == 1
    assert ModerationLog.objects.filter(action="ban").count() == 1
