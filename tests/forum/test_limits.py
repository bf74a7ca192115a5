"""Each limit a poster meets is set once, in settings.LUNTAN, and every place that shows or checks it reads
it from there: the service's check, the form page's maxlength and the quick reply's."""

import pytest
from django.conf import settings as django_settings

from luntan.forum.models import Board, FloorRevision, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def short_limits(settings):
    settings.LUNTAN = {**settings.LUNTAN, "MAX_TITLE_CHARS": 10, "MAX_BODY_CHARS": 30}


def test_the_new_thread_form_shows_the_limits_of_the_settings(board, member_client, short_limits):
    page = member_client.get(f"/thread/new/?board={board.pk}").content.decode()
    assert 'name="title"' in page and 'maxlength="10"' in page and 'maxlength="30"' in page
    assert 'maxlength="80"' not in page and 'maxlength="50000"' not in page


def test_the_quick_reply_shows_the_body_limit_of_the_settings(thread, other_member_client, short_limits):
    page = other_member_client.get(f"/thread/{thread.pk}/").content.decode()
    assert 'name="source"' in page and 'maxlength="30"' in page and 'maxlength="50000"' not in page


def test_posts_are_checked_against_the_limits_of_the_settings(board, member_client, short_limits):
    url = f"/thread/new/?board={board.pk}"
    long_title = member_client.post(url, {"title": "长" * 11, "source": "正文", "format": "bbcode"})
    long_body = member_client.post(url, {"title": "标题", "source": "字" * 31, "format": "bbcode"})
    assert long_title.status_code == 400 and "最多允许 10 个字符" in long_title.content.decode()
    assert long_body.status_code == 400 and "最多允许 30 个字符" in long_body.content.decode()
    assert not Thread.objects.exists()
    fits = member_client.post(url, {"title": "长" * 10, "source": "字" * 30, "format": "bbcode"})
    assert fits.status_code == 302 and Thread.objects.get().title == "长" * 10


def test_every_title_column_holds_the_longest_title_allowed():
    most = django_settings.LUNTAN["MAX_TITLE_CHARS"]
    for model, field in ((Thread, "title"), (Board, "last_thread_title"), (FloorRevision, "title")):
        assert model._meta.get_field(field).max_length == most
