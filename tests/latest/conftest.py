from datetime import timedelta

import pytest
from django.utils import timezone

from luntan.forum import services
from luntan.forum.models import Thread


@pytest.fixture
def post(board, member):
    """post(title, ago=hours, replies=n, on=board, by=member, **fields): a thread posted `ago` hours ago
    through the services, then given `fields` (digest, is_closed, view_count ...) as moderators and the
    counters would."""

    def make(title: str, *, ago: float = 0, replies: int = 0, on=None, by=None, source: str = "",
             **fields) -> Thread:
        floor = services.thread_create(author=by or member, board=on or board, title=title,
                                       source=source or f"{title}的正文", fmt="bbcode")
        thread = floor.thread
        for i in range(replies):
            services.post_reply(author=by or member, thread=thread, source=f"第{i + 1}条回复", fmt="bbcode")
        when = timezone.now() - timedelta(hours=ago)
        Thread.objects.filter(pk=thread.pk).update(created_at=when, last_reply_at=when, **fields)
        thread.refresh_from_db()
        return thread

    return make
