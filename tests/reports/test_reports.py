"""举报: members report floors, the board's moderators (and staff everywhere) handle or dismiss them, the
reporters are told, the moderation log keeps it."""

import pytest
from factories import MemberFactory
from helpers import signed_in

from luntan.forum import services as forum_services
from luntan.moderation.models import ModerationLog
from luntan.notices.models import Notice
from luntan.reports import queries
from luntan.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor(thread):
    return thread.floors.get(number=1)


def _report(client, floor, reason="ad", text=""):
    return client.post(f"/reports/floor/{floor.pk}/", {"reason": reason, "text": text})


def test_a_member_reports_a_floor_and_it_waits_in_the_boards_queue(floor, other_member, moderator):
    response = _report(signed_in(other_member), floor, "abuse", "骂人了")
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.text, report.status) == (other_member, "abuse", "骂人了", "open")
    page = signed_in(moderator).get("/reports/")
    assert page.status_code == 200
    assert "骂人了" in page.content.decode() and other_member.username in page.content.decode()


def test_the_report_link_is_under_others_floors_but_not_ones_own(floor, member, other_member):
    link = f"/reports/floor/{floor.pk}/"
    assert link in signed_in(other_member).get(f"/thread/{floor.thread_id}/").content.decode()
    assert link not in signed_in(member).get(f"/thread/{floor.thread_id}/").content.decode()


def test_one_cannot_report_ones_own_floor(floor, member):
    assert _report(signed_in(member), floor).status_code == 403
    assert not Report.objects.exists()


def test_a_guest_is_sent_to_log_in_and_nothing_is_reported(floor, client):
    response = _report(client, floor)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Report.objects.exists()


def test_a_second_report_of_the_same_floor_says_it_is_already_reported(floor, other_member):
    client = signed_in(other_member)
    _report(client, floor)
    again = _report(client, floor, "flood")
    assert again.status_code == 400
    assert "已经举报" in again.content.decode()
    assert Report.objects.count() == 1


def test_other_needs_words_and_the_input_is_kept(floor, other_member):
    response = _report(signed_in(other_member), floor, "other", "   ")
    assert response.status_code == 400
    assert "请说明" in response.content.decode()
    response = _report(signed_in(other_member), floor, "nonsense", "我的说明文字")
    assert response.status_code == 400 and "我的说明文字" in response.content.decode()
    assert not Report.objects.exists()


def test_reports_are_rate_limited(thread, make_thread, other_member, settings):
    settings.LUNTAN = {**settings.LUNTAN, "LIMITS": {**settings.LUNTAN["LIMITS"], "REPORTS_PER_MEMBER": (2, 3600)}}
    floors = [make_thread(title=f"帖子{i}").floors.get(number=1) for i in range(3)]
    client = signed_in(other_member)
    answers = [_report(client, f) for f in floors]
    assert [r.status_code for r in answers] == [302, 302, 429]  # refused by a rate limit: 429, when to retry
    assert int(answers[2]["Retry-After"]) > 0
    assert Report.objects.count() == 2


ROLES_SETTLING = [("member", 403), ("silenced", 403), ("moderator", 302), ("moderator_elsewhere", 403),
                  ("super_moderator", 302), ("admin", 302)]


@pytest.mark.parametrize(("role", "status"), ROLES_SETTLING)
def test_who_may_handle_reports(role, status, roles, make_thread, other_board, other_member):
    on = other_board if role == "moderator_elsewhere" else None
    floor = make_thread(by=other_member, on=on).floors.get(number=1)
    Report.objects.create(floor=floor, reporter=roles["member"], reason="ad")
    actor = roles["moderator" if role == "moderator_elsewhere" else role]
    response = signed_in(actor).post(f"/reports/floor/{floor.pk}/settle/", {"outcome": "handled", "note": "已删"})
    assert response.status_code == status
    report = Report.objects.get()
    if status == 302:
        assert report.status == "handled" and report.handled_by == actor
        assert ModerationLog.objects.filter(action="report", actor=actor, floor_number=1).count() == 1
    else:
        assert report.status == "open"
        assert not ModerationLog.objects.exists() and not Notice.objects.exists()


def test_a_guest_cannot_see_the_queue_nor_settle(floor, other_member, client):
    Report.objects.create(floor=floor, reporter=other_member, reason="ad")
    assert "/login/" in client.get("/reports/")["Location"]
    client.post(f"/reports/floor/{floor.pk}/settle/", {"outcome": "dismissed"})
    assert Report.objects.get().status == "open"


def test_a_plain_member_is_refused_the_queue(member_client):
    assert member_client.get("/reports/").status_code == 403


def test_settling_tells_every_reporter_and_a_second_settle_changes_nothing(floor, moderator):
    reporters = MemberFactory.create_batch(2)
    for r in reporters:
        Report.objects.create(floor=floor, reporter=r, reason="flood")
    client = signed_in(moderator)
    client.post(f"/reports/floor/{floor.pk}/settle/", {"outcome": "dismissed", "note": "没问题"})
    again = client.post(f"/reports/floor/{floor.pk}/settle/", {"outcome": "handled", "note": "再来"})
    assert again.status_code == 302
    assert set(Report.objects.values_list("status", flat=True)) == {"dismissed"}
    notices = Notice.objects.filter(kind="report")
    assert sorted(n.member_id for n in notices) == sorted(r.pk for r in reporters)
    assert all("驳回" in n.text and "没问题" in n.text for n in notices)
    for r in reporters:
        r.refresh_from_db()
        assert r.unread_notices == 1
    assert ModerationLog.objects.filter(action="report").count() == 1


def test_a_bad_outcome_or_long_note_is_refused_with_the_note_kept(floor, other_member, moderator):
    Report.objects.create(floor=floor, reporter=other_member, reason="ad")
    response = signed_in(moderator).post(f"/reports/floor/{floor.pk}/settle/", {"outcome": "zap", "note": "留着我"})
    assert response.status_code == 400
    assert "留着我" in response.content.decode()
    assert Report.objects.get().status == "open"


def test_after_settling_a_new_report_of_the_floor_may_be_made(floor, other_member, moderator):
    client = signed_in(other_member)
    _report(client, floor)
    signed_in(moderator).post(f"/reports/floor/{floor.pk}/settle/", {"outcome": "handled"})
    assert _report(client, floor, "flood").status_code == 302
    assert Report.objects.filter(status="open").count() == 1


def test_the_open_count_is_for_moderators_only_and_follows_changes(floor, member, other_member, moderator,
                                                                   super_moderator, admin,
                                                                   django_capture_on_commit_callbacks):
    assert queries.open_count_for(member) is None
    assert queries.open_count_for(moderator) == 0
    with django_capture_on_commit_callbacks(execute=True):
        _report(signed_in(other_member), floor)
    assert queries.open_count_for(moderator) == 1
    assert queries.open_count_for(super_moderator) == 1 and queries.open_count_for(admin) == 1
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(moderator).post(f"/reports/floor/{floor.pk}/settle/", {"outcome": "handled"})
    assert queries.open_count_for(moderator) == 0


def test_the_user_box_shows_the_moderator_the_open_reports(floor, other_member, moderator, member):
    _report(signed_in(other_member), floor)
    box = signed_in(moderator).get("/").content.decode()
    assert 'href="/reports/"' in box and '<span class="badge">1</span>' in box
    assert 'href="/reports/"' not in signed_in(member).get("/").content.decode()


def test_a_moderator_elsewhere_does_not_count_or_see_this_boards_reports(floor, other_member, other_board,
                                                                         django_capture_on_commit_callbacks):
    elsewhere = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):  # the appointment commits: the kept map is read again
        forum_services.board_moderators_set(board=other_board, members=[elsewhere])
    _report(signed_in(other_member), floor)
    assert queries.open_count_for(elsewhere) == 0
    assert floor.thread.title not in signed_in(elsewhere).get("/reports/").content.decode()


def test_the_queue_costs_the_same_queries_for_one_floor_or_many(make_thread, moderator, django_assert_max_num_queries):
    reporters = MemberFactory.create_batch(3)
    client = signed_in(moderator)
    first = make_thread(by=reporters[0]).floors.get(number=1)
    Report.objects.create(floor=first, reporter=reporters[1], reason="ad")
    client.get("/reports/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/reports/")
    one_floor = len(one)  # now: the next request empties the connection's log
    for i in range(12):
        f = make_thread(by=reporters[0], title=f"第{i}帖").floors.get(number=1)
        for r in reporters[1:]:
            Report.objects.create(floor=f, reporter=r, reason="flood")
    with django_assert_max_num_queries(one_floor):
        page = client.get("/reports/")
    assert page.content.decode().count('class="box report-group"') == 13
