"""警告 and 禁止: who may warn and ban whom, what a warning or a ban does (to posting, to every request),
that they expire by time and can be lifted, and that bad input is refused with the input kept."""

from datetime import timedelta

import pytest
from django.utils import timezone
from factories import MemberFactory
from helpers import bump_at_once, signed_in

from luntan.bans import checks, services
from luntan.bans.models import Ban, MemberWarning
from luntan.forum import permissions
from luntan.forum.models import Floor
from luntan.moderation.models import ModerationLog
from luntan.notices.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _bumps_at_once(monkeypatch):
    """The kept table of bans is bumped after commit, which a test inside one transaction never reaches:
    bump at once instead, as the commit of a real request would."""

    bump_at_once(monkeypatch)


@pytest.fixture
def offender(db):
    return MemberFactory()


@pytest.fixture
def offending_floor(make_thread, offender):
    return make_thread(by=offender, title="广告帖").floors.get(number=1)


def _later(monkeypatch, **delta):
    moved = timezone.now() + timedelta(**delta)
    monkeypatch.setattr(checks, "now", lambda: moved)


def _ban_form(**fields):
    day = (timezone.localdate() + timedelta(days=7)).isoformat()
    return {"member": "", "network": "", "kind": "post", "until": day, "reason": "发广告", **fields}


def _nothing_happened():
    assert not Ban.objects.exists() and not MemberWarning.objects.exists()
    assert not Notice.objects.exists() and not ModerationLog.objects.exists()


# --- Warnings -----------------------------------------------------------------------------------------------

WARNERS = [("member", 403), ("silenced", 403), ("moderator", 302), ("moderator_elsewhere", 403),
           ("super_moderator", 302), ("admin", 302)]


@pytest.mark.parametrize(("role", "status"), WARNERS)
def test_who_may_warn_about_a_floor(role, status, roles, make_thread, offender, other_board):
    floor = make_thread(by=offender, on=other_board if role == "moderator_elsewhere" else None).floors.get(number=1)
    actor = roles["moderator" if role == "moderator_elsewhere" else role]
    response = signed_in(actor).post(f"/bans/warn/?floor={floor.pk}", {"reason": "灌水"})
    assert response.status_code == status
    if status == 302:
        warning = MemberWarning.objects.get()
        assert (warning.member, warning.actor, warning.floor) == (offender, actor, floor)
        notice = Notice.objects.get(member=offender)
        assert "灌水" in notice.text
        assert ModerationLog.objects.get().action == "warn"
    else:
        _nothing_happened()


def test_a_guest_cannot_warn(client, offending_floor):
    assert "/login/" in client.post(f"/bans/warn/?floor={offending_floor.pk}", {"reason": "x"})["Location"]
    _nothing_happened()


def test_a_moderator_cannot_warn_an_administrator_or_themselves(moderator, admin, make_thread):
    for target in (admin, moderator):
        floor = make_thread(by=target).floors.get(number=1)
        assert signed_in(moderator).post(f"/bans/warn/?floor={floor.pk}", {"reason": "x"}).status_code == 403
    _nothing_happened()


def test_a_warning_needs_a_reason_and_keeps_what_was_typed(moderator, offending_floor, super_moderator):
    response = signed_in(moderator).post(f"/bans/warn/?floor={offending_floor.pk}", {"reason": "  "})
    assert response.status_code == 400 and "请填写理由" in response.content.decode()
    response = signed_in(super_moderator).post("/bans/warn/", {"member": "没有这个人", "reason": "理由留着"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "没有这个人" in page and "理由留着" in page
    _nothing_happened()


def test_three_warnings_within_30_days_bar_posting_until_the_oldest_is_30_days_old(moderator, offending_floor,
                                                                                  offender, monkeypatch):
    first = timezone.now() - timedelta(days=10)
    MemberWarning.objects.create(member=offender, actor=moderator, reason="一", created_at=first)
    services.warning_create(actor=moderator, member=offender, floor=offending_floor, reason="二")
    permissions.check_reply(offender, offending_floor.thread)  # two warnings: still allowed
    services.warning_create(actor=moderator, member=offender, floor=offending_floor, reason="三")
    with pytest.raises(permissions.PermissionDenied) as refused:
        permissions.check_reply(offender, offending_floor.thread)
    until = timezone.localtime(first + timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
    assert until in str(refused.value)
    assert "你在 30 天内被警告了 3 次" in str(refused.value)
    # The reply page refuses too, and no floor is made.
    floors = Floor.objects.count()
    response = signed_in(offender).post(f"/thread/{offending_floor.thread_id}/reply/", {"source": "我又来了",
                                                                                        "format": "bbcode"})
    assert response.status_code == 403 and until in response.content.decode()
    assert Floor.objects.count() == floors
    assert until in Notice.objects.filter(member=offender).order_by("-id").first().text
    _later(monkeypatch, days=20, minutes=1)  # the oldest warning is now 30 days old
    permissions.check_reply(offender, offending_floor.thread)


def test_warnings_spread_over_more_than_30_days_bar_nothing(moderator, offender, offending_floor):
    for days in (70, 40):
        MemberWarning.objects.create(member=offender, actor=moderator, reason="旧",
                                     created_at=timezone.now() - timedelta(days=days))
    services.warning_create(actor=moderator, member=offender, floor=offending_floor, reason="新")
    permissions.check_reply(offender, offending_floor.thread)


def test_the_third_warning_shows_in_the_darkroom_and_a_moderator_may_lift_it(moderator, offender, offending_floor):
    for reason in ("一", "二", "三"):
        services.warning_create(actor=moderator, member=offender, floor=offending_floor, reason=reason)
    bar = Ban.objects.get(from_warnings=True)
    assert (bar.member, bar.kind) == (offender, "post")
    assert "警告累计" in signed_in(moderator).get("/bans/").content.decode()
    services.warning_create(actor=moderator, member=offender, floor=offending_floor, reason="四")
    assert Ban.objects.filter(from_warnings=True).count() == 1  # moved on, not doubled
    services.ban_lift(actor=moderator, ban_id=bar.pk, reason="认错态度好")
    permissions.check_reply(offender, offending_floor.thread)


def test_a_double_submitted_warning_applies_once(moderator, offending_floor):
    client = signed_in(moderator)
    for _ in range(2):
        client.post(f"/bans/warn/?floor={offending_floor.pk}", {"reason": "灌水", "submission_key": "k1"})
    assert MemberWarning.objects.count() == 1
    assert Notice.objects.count() == 1 and ModerationLog.objects.count() == 1


# --- Bans -----------------------------------------------------------------------------------------------------

BANNERS = [("member", 403), ("silenced", 403), ("moderator", 302), ("super_moderator", 302), ("admin", 302)]


@pytest.mark.parametrize(("role", "status"), BANNERS)
def test_who_may_forbid_a_member_to_post(role, status, roles, offender):
    response = signed_in(roles[role]).post("/bans/new/", _ban_form(member=offender.username))
    assert response.status_code == status
    if status == 302:
        ban = Ban.objects.get()
        assert (ban.member, ban.kind, ban.actor) == (offender, "post", roles[role])
        assert "禁止发言" in Notice.objects.get(member=offender).text or "发言" in Notice.objects.get().text
        assert ModerationLog.objects.get().action == "ban"
    else:
        _nothing_happened()


@pytest.mark.parametrize(("role", "status"), [("moderator", 400), ("super_moderator", 302), ("admin", 302)])
def test_only_super_moderators_and_admins_forbid_access(role, status, roles, offender):
    response = signed_in(roles[role]).post("/bans/new/", _ban_form(member=offender.username, kind="visit"))
    assert response.status_code == status  # a board moderator's form offers 禁止发言 only
    with pytest.raises(permissions.PermissionDenied):
        services.ban_create(actor=roles["moderator"], member=offender, kind="visit", reason="越权",
                            until=timezone.now() + timedelta(days=1))
    assert Ban.objects.filter(kind="visit").exists() == (status == 302)


def test_a_board_moderator_cannot_ban_an_address_range_or_for_ever(moderator):
    client = signed_in(moderator)
    response = client.post("/bans/new/", _ban_form(network="203.0.113.0/24"))
    assert response.status_code == 400  # the range field is not theirs: no member named
    response = client.post("/bans/new/", _ban_form(member=MemberFactory().username, until="", forever="on"))
    assert response.status_code == 400
    _nothing_happened()


def test_nobody_bans_someone_of_their_own_standing_or_above(moderator, super_moderator, admin):
    other_super = MemberFactory(group=super_moderator.group)
    for actor, target in ((moderator, admin), (moderator, super_moderator), (super_moderator, admin),
                          (super_moderator, other_super), (admin, admin)):
        response = signed_in(actor).post("/bans/new/", _ban_form(member=target.username))
        assert response.status_code == 403, (actor, target)
    _nothing_happened()


@pytest.mark.parametrize(("fields", "message"), [
    ({"member": "查无此人"}, "没有名为"),
    ({"network": "300.1.2.3/24"}, "不是地址或地址段"),
    ({"network": "10.0.0.0/4"}, "地址段太大"),
    ({"member": "{offender}", "until": "2001-01-01"}, "必须在今天之后"),
    ({"member": "{offender}", "until": "不是日期"}, "请输入日期"),
    ({"member": "{offender}", "until": ""}, "请选择禁止结束的日期"),
    ({"member": "{offender}", "reason": ""}, "请填写理由"),
    ({"member": "{offender}", "network": "203.0.113.0/24"}, "二者只填其一"),
    ({"member": "{offender}", "kind": "everything"}, "请选择禁止类型"),
])
def test_bad_ban_input_is_refused_clearly_with_the_input_kept(fields, message, admin, offender):
    fields = {k: v.replace("{offender}", offender.username) for k, v in fields.items()}
    response = signed_in(admin).post("/bans/new/", _ban_form(**fields))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    for value in fields.values():
        if value and value != "everything":
            assert value in page
    _nothing_happened()


def test_a_double_submitted_ban_applies_once(admin, offender):
    client = signed_in(admin)
    for _ in range(2):
        client.post("/bans/new/", _ban_form(member=offender.username, submission_key="same"))
    assert Ban.objects.count() == 1 and Notice.objects.count() == 1 and ModerationLog.objects.count() == 1


def test_a_second_ban_of_the_same_kind_is_refused_until_the_first_is_lifted(admin, offender):
    client = signed_in(admin)
    client.post("/bans/new/", _ban_form(member=offender.username))
    response = client.post("/bans/new/", _ban_form(member=offender.username))
    assert response.status_code == 400 and "已有相同的禁止" in response.content.decode()
    assert Ban.objects.count() == 1


def test_no_posting_means_reading_but_not_posting(admin, offender, offending_floor):
    signed_in(admin).post("/bans/new/", _ban_form(member=offender.username))
    client = signed_in(offender)
    assert client.get(f"/thread/{offending_floor.thread_id}/").status_code == 200
    response = client.post(f"/thread/{offending_floor.thread_id}/reply/", {"source": "再发", "format": "bbcode"})
    assert response.status_code == 403 and "禁止发言" in response.content.decode()
    assert offending_floor.thread.floors.count() == 1


def test_no_access_refuses_the_members_next_request_but_not_signing_out(admin, offender):
    client = signed_in(offender)
    assert client.get("/").status_code == 200
    signed_in(admin).post("/bans/new/", _ban_form(member=offender.username, kind="visit", reason="恶意捣乱"))
    response = client.get("/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "禁止访问" in page and "恶意捣乱" in page
    assert client.get("/members/").status_code == 403
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 200  # a guest now, from an address nobody banned


@pytest.mark.parametrize(("network", "inside", "outside"), [
    ("203.0.113.0/24", "203.0.113.77", "203.0.114.1"),
    ("2001:db8:abcd::/48", "2001:db8:abcd:1::5", "2001:db8:abce::1"),
])
def test_an_address_range_ban_refuses_guests_from_it(network, inside, outside, admin):
    signed_in(admin).post("/bans/new/", _ban_form(network=network, kind="visit"))
    from django.test import Client

    assert Client(REMOTE_ADDR=inside).get("/").status_code == 403
    assert Client(REMOTE_ADDR=outside).get("/").status_code == 200
    assert signed_in(admin).get("/", REMOTE_ADDR=inside).status_code == 200  # staff are never locked out


def test_an_address_range_no_posting_ban_stops_members_posting_from_it(admin, offender, offending_floor):
    signed_in(admin).post("/bans/new/", _ban_form(network="198.51.100.0/24"))
    client = signed_in(offender)
    address = {"REMOTE_ADDR": "198.51.100.20"}
    assert client.get("/", **address).status_code == 200
    response = client.post(f"/thread/{offending_floor.thread_id}/reply/", {"source": "换个号发", "format": "bbcode"},
                           **address)
    assert response.status_code == 403
    assert client.post(f"/thread/{offending_floor.thread_id}/reply/", {"source": "在家发", "format": "bbcode"},
                       REMOTE_ADDR="192.0.2.1").status_code == 302


def test_bans_expire_by_time(admin, offender, offending_floor, monkeypatch):
    signed_in(admin).post("/bans/new/", _ban_form(member=offender.username, kind="visit"))
    client = signed_in(offender)
    assert client.get("/").status_code == 403
    _later(monkeypatch, days=8)
    assert client.get("/").status_code == 200
    permissions.check_reply(offender, offending_floor.thread)


def test_lifting_a_ban_lets_the_member_post_tells_them_and_is_logged_once(admin, offender, offending_floor):
    client = signed_in(admin)
    client.post("/bans/new/", _ban_form(member=offender.username))
    ban = Ban.objects.get()
    assert client.post(f"/bans/{ban.pk}/lift/", {"reason": ""}).status_code == 400  # a reason is needed
    assert client.post(f"/bans/{ban.pk}/lift/", {"reason": "知错能改"}).status_code == 302
    assert client.post(f"/bans/{ban.pk}/lift/", {"reason": "再解一次"}).status_code == 302  # "already ended"
    ban.refresh_from_db()
    assert ban.lifted_by == admin and ban.lift_reason == "知错能改"
    assert ModerationLog.objects.filter(action="unban").count() == 1
    assert "知错能改" in Notice.objects.filter(member=offender).order_by("-id").first().text
    permissions.check_reply(offender, offending_floor.thread)


@pytest.mark.parametrize(("role", "kind", "status"), [
    ("member", "post", 403), ("moderator", "post", 302), ("moderator", "visit", 403),
    ("super_moderator", "visit", 302)])
def test_who_may_lift_a_ban(role, kind, status, roles, admin, offender):
    services.ban_create(actor=admin, member=offender, kind=kind, reason="测试",
                        until=timezone.now() + timedelta(days=3))
    ban = Ban.objects.get()
    assert signed_in(roles[role]).post(f"/bans/{ban.pk}/lift/", {"reason": "放出来"}).status_code == status
    ban.refresh_from_db()
    assert (ban.lifted_at is not None) == (status == 302)


def test_the_darkroom_is_for_moderators_and_lists_current_bans(admin, moderator, member, offender,
                                                              django_assert_max_num_queries):
    services.ban_create(actor=admin, member=offender, kind="post", reason="刷屏", until=None)
    assert signed_in(member).get("/bans/").status_code == 403
    client = signed_in(moderator)
    page = client.get("/bans/").content.decode()
    assert offender.username in page and "刷屏" in page
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/bans/")
    one_ban = len(one)  # now: the next request empties the connection's log
    for i in range(15):
        services.ban_create(actor=admin, network=f"192.0.2.{i}", kind="visit", reason="批量", until=None)
    client.get("/bans/")  # the kept table of bans is read again once after the change
    with django_assert_max_num_queries(one_ban):
        assert client.get("/bans/").content.decode().count("<code>192.0.2.") == 15


def test_checks_cost_no_query_for_a_member_with_nothing_against_them(member, thread, django_assert_num_queries):
    permissions.check_reply(member, thread)  # the kept tables are read once
    with django_assert_num_queries(0):
        permissions.check_reply(member, thread)
        assert checks.visit_refusal(member, "203.0.113.5") is None


def test_moderators_see_warn_and_ban_links_under_floors_and_on_profiles(moderator, member, offending_floor, offender):
    page = signed_in(moderator).get(f"/thread/{offending_floor.thread_id}/").content.decode()
    assert f"/bans/warn/?floor={offending_floor.pk}" in page and f"/bans/new/?member={offender.pk}" in page
    assert "/bans/warn/" not in signed_in(member).get(f"/thread/{offending_floor.thread_id}/").content.decode()
    assert f"/bans/new/?member={offender.pk}" in signed_in(moderator).get(f"/user/{offender.pk}/").content.decode()
    assert "/bans/new/" not in signed_in(member).get(f"/user/{offender.pk}/").content.decode()
