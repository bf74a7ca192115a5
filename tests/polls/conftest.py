import pytest
from django.utils import timezone

from luntan.forum import services as forum_services
from luntan.polls import services
from luntan.polls.models import Poll


@pytest.fixture
def make_poll(board, member):
    """make_poll(options=[...], multiple=False, max_choices=None, ends_in=None (a timedelta),
    results_after_vote=False, public_voters=False, by=member): a thread opened with a poll; returns the poll."""

    def make(*, options=("好看", "一般", "难看"), multiple=False, max_choices=None, ends_in=None,
             results_after_vote=False, public_voters=False, by=None, title="这部电影你们觉得怎么样?") -> Poll:
        spec = services.clean_poll(
            options=list(options), multiple=multiple, max_choices=max_choices,
            ends_at=timezone.now() + ends_in if ends_in is not None else None,
            results_after_vote=results_after_vote, public_voters=public_voters)
        floor = forum_services.thread_create(
            author=by or member, board=board, title=title, source="大家投个票吧。", fmt="bbcode",
            extras=[lambda f: services.poll_create(floor=f, spec=spec)])
        return Poll.objects.select_related("thread").get(thread=floor.thread)

    return make


@pytest.fixture
def poll(make_poll) -> Poll:
    return make_poll()

