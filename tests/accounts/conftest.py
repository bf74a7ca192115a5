"""The members' pages are asserted in English: the msgids are the English text, and the Chinese catalog is
written separately, so these tests hold before and after it."""

import pytest
from django.conf import settings
from django.test import Client
from helpers import signed_in


def english(client: Client) -> Client:
    """The language switch's cookie, as a member who chose English has it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def guest() -> Client:
    return english(Client())


@pytest.fixture
def member_client(member) -> Client:
    return english(signed_in(member))


@pytest.fixture
def admin_client(admin) -> Client:
    return english(signed_in(admin))
