"""Each attachments test starts with an empty upload storage, so that "nothing was stored" can be checked.
`member` and `other_member` joined a month ago: no longer new members, whose posts may hold no picture
(luntan.protection.newcomers)."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from factories import MemberFactory

from attachments.making import stored_names


@pytest.fixture(autouse=True)
def _empty_storage():
    for name in stored_names():
        default_storage.delete(name)
    yield


@pytest.fixture
def member(db):
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30))


@pytest.fixture
def other_member(db):
    return MemberFactory(date_joined=timezone.now() - timedelta(days=30))
