"""The /checkin/ page as members and guests use it."""

import pytest
from django.urls import reverse
from django.utils import timezone
from factories import MemberFactory
from helpers import signed_in

from luntan.checkin import services
from luntan.checkin.models import CheckIn
from luntan.credits.models import CreditEntry

pytestmark = pytest.mark.django_db
URL = "/checkin/"


def test_member_checks_in_with_a_mood_and_sees_result_and_balance(member_client, member):
    response = member_client.post(URL, {"mood": "kx", "sentence": "早上好", "submission_key": "k1"}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "no. 1" in text or "第 1" in text or "第1" in text
    checkin = CheckIn.objects.get(member=member)
    assert (checkin.mood, checkin.sentence, checkin.rank) == ("kx", "早上好", 1)
    assert "36 鼎币" in text  # 20 initial + 6 + 10 for the day's first: the new balance, at once
    assert "早上好" in text


def test_page_lists_today_signers_in_order_with_mood_and_sentence(client, member, other_member):
    services.checkin_sign(member=member, mood="kx", sentence="第一个来")
    services.checkin_sign(member=other_member, mood="nu", sentence="<script>alert(1)</script>")
    text = client.get(URL).content.decode()
    assert text.index(member.username) < text.index(other_member.username)
    assert "😄" in text and "😠" in text and "第一个来" in text
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text


def test_calendar_marks_my_signed_days(member_client, member):
    services.checkin_sign(member=member, mood="kx")
    text = member_client.get(URL).content.decode()
    today = timezone.localdate()
    assert 'aria-current="date"' in text
    assert 'class="signed today-cell"' in text
    assert "<caption>" in text and str(today.year) in text


@pytest.mark.parametrize(("data", "field_text"), [
    ({"mood": "nope"}, "mood"),
    ({}, "mood"),
    ({"mood": "kx", "sentence": "长" * 51}, "51"),
])
def test_bad_input_shows_a_message_keeps_input_and_changes_nothing(member_client, data, field_text):
    response = member_client.post(URL, {**data, "submission_key": "x"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not CheckIn.objects.exists() and not CreditEntry.objects.exists()
    if "sentence" in data:
        assert data["sentence"] in response.content.decode()


def test_second_check_in_the_same_day_is_refused_with_a_message(member_client, member):
    services.checkin_sign(member=member, mood="kx")
    before = CreditEntry.objects.count()
    # A form opened before checking in elsewhere, sent afterwards:
    response = member_client.post(URL, {"mood": "ng", "submission_key": "other"})
    assert response.status_code == 400
    assert CheckIn.objects.filter(member=member).count() == 1
    assert CreditEntry.objects.count() == before


def test_the_same_form_sent_twice_shows_the_result_again(member_client, member):
    data = {"mood": "kx", "submission_key": "same"}
    member_client.post(URL, data)
    response = member_client.post(URL, data)
    assert response.status_code == 302
    assert CheckIn.objects.filter(member=member).count() == 1


def test_guest_post_goes_to_login_and_changes_nothing(client):
    response = client.post(URL, {"mood": "kx"})
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not CheckIn.objects.exists()


def test_get_never_checks_in(member_client):
    response = member_client.get(URL, {"mood": "kx", "sentence": "hi", "submission_key": "k"})
    assert response.status_code == 200
    assert not CheckIn.objects.exists() and not CreditEntry.objects.exists()


def test_guest_sees_the_page_and_a_login_link(client):
    text = client.get(URL).content.decode()
    assert reverse("accounts:login") in text
    assert 'name="mood"' not in text


def test_page_is_in_the_site_menu(client):
    assert 'href="/checkin/"' in client.get("/").content.decode()


@pytest.mark.parametrize("page", ["0", "abc", "999", "-1", "1" * 30])
def test_odd_page_numbers_never_fail(client, page):
    assert client.get(URL, {"page": page}).status_code == 200


def test_page_costs_the_same_queries_with_one_or_many_signers(member, django_assert_max_num_queries):
    services.checkin_sign(member=member, mood="kx", sentence="一")
    client = signed_in(member)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for m in MemberFactory.create_batch(25):
        services.checkin_sign(member=m, mood="wl", sentence="二")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(URL).status_code == 200


def test_signers_are_paged(client):
    members = MemberFactory.create_batch(55)
    for m in members:
        services.checkin_sign(member=m, mood="kx")
    first = client.get(URL).content.decode()
    second = client.get(URL, {"page": "2"}).content.decode()
    assert members[0].username in first and members[54].username not in first
    assert members[54].username in second
