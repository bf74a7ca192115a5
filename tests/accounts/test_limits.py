"""The name and signature limits are set once, in settings.LUNTAN, and read from there by the rule, the
registration page and the model."""

import pytest
from django.conf import settings as django_settings

from luntan.accounts.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def short_names(settings):
    settings.LUNTAN = {**settings.LUNTAN, "USERNAME_MIN_CHARS": 3, "USERNAME_MAX_CHARS": 6}


def test_the_register_page_shows_the_name_limits_of_the_settings(guest, short_names):
    page = guest.get("/register/").content.decode()
    assert 'maxlength="6"' in page and "3 to 6 characters" in page
    assert 'maxlength="15"' not in page


@pytest.mark.parametrize("name", ["张三", "一二三四五六七"])
def test_names_are_checked_against_the_limits_of_the_settings(guest, short_names, name):
    response = guest.post("/register/", {"username": name, "email": "limits@example.com",
                                         "password1": "青云门下弟子2024", "password2": "青云门下弟子2024"})
    assert response.status_code == 400
    assert "must be 3 to 6 characters long" in response.content.decode()
    assert not Member.objects.filter(email="limits@example.com").exists()


def test_a_name_within_the_limits_of_the_settings_registers(guest, short_names):
    response = guest.post("/register/", {"username": "张小凡", "email": "limits@example.com",
                                         "password1": "青云门下弟子2024", "password2": "青云门下弟子2024"})
    assert response.status_code == 302 and Member.objects.filter(username="张小凡").exists()


def test_the_columns_hold_what_the_settings_allow():
    assert Member._meta.get_field("username").max_length == django_settings.LUNTAN["USERNAME_MAX_CHARS"]
    assert Member._meta.get_field("signature").max_length == django_settings.LUNTAN["MAX_SIGNATURE_CHARS"]
