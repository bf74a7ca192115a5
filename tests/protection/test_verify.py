"""Verification questions (验证问题), the proof of work, the honeypot and the minimum time: at registration,
on a new thread, on a reply and under the quick reply. A refused form keeps everything typed."""

import re

import pytest
from django.conf import settings
from django.test import Client
from factories import MemberFactory, MemberGroupFactory
from helpers import Clock, signed_in

from luntan.accounts.models import Member
from luntan.core import pagecache
from luntan.forum.models import Floor, Thread
from luntan.protection import challenge
from luntan.protection.questions import fold_answer
from protection.verifying import (
    configure,
    field,
    guard_fields,
    only_question,
    page,
    pow_fields,
    solve_pow,
)

pytestmark = pytest.mark.django_db

WRONG = "That answer is not right. Please try again."
NEW_QUESTION = "That answer is not right. Here is a new question."
EXPIRED = "The question has expired"
NEUTRAL = "Your form could not be accepted just now."


@pytest.fixture(autouse=True)
def checks_on(settings):
    settings.LUNTAN = {**settings.LUNTAN, "VERIFY_FORMS": True}


@pytest.fixture
def clock(monkeypatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(challenge, "now", found)
    return found


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def register_data(response, answer: str, **extra) -> dict[str, str]:
    return {"username": "新来的小王", "email": "xiaowang@example.com", "password1": "一个很长的口令abc",
            "password2": "一个很长的口令abc", **guard_fields(response, answer), **extra}


# --- Folding ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "accepted"), [
    ("  北 京 ", "北京"),
    ("BeiJing", "beijing"),
    ("ＢＥＩＪＩＮＧ", "Beijing"),  # full-width letters
    ("４２", "42"),  # full-width digits
    ("臺灣", "台湾"),  # Traditional for Simplified
    ("台湾", "臺灣"),  # and the other way round
    ("北京。", "北京"),  # a full stop at the end
    ("Hello World", "helloworld"),
])
def test_answers_are_compared_folded(typed, accepted):
    assert fold_answer(typed) == fold_answer(accepted)


@pytest.mark.parametrize(("typed", "accepted"), [("北京", "南京"), ("41", "42"), ("", "42")])
def test_different_answers_stay_different(typed, accepted):
    assert fold_answer(typed) != fold_answer(accepted)


def test_arithmetic_questions_accept_digits_and_chinese_numerals():
    question = challenge.sum_question(17, 6, plus=False)
    assert question.answers == {"11", "十一"}
    assert challenge.sum_question(9, 3, plus=True).answers == {"12", "十二"}
    assert {challenge.chinese_number(n) for n in (0, 7, 10, 11, 20, 35, 100, 105, 111, 120)} == {
        "零", "七", "十", "十一", "二十", "三十五", "一百", "一百零五", "一百一十一", "一百二十"}
    result = next(a for a in question.answers if a.isdigit())
    assert challenge.chinese_number(int(result)) in question.answers


# --- Registration ----------------------------------------------------------------------------------------------

def test_registration_asks_the_question_without_putting_its_answer_in_the_page(clock):
    only_question(answers="论坛酱")
    response = Client().get("/register/")
    text = page(response)
    assert "本论坛的名字叫什么?" in text and "论坛酱" not in text
    assert 'name="homepage"' in text  # the honeypot, hidden
    configure(show_answer=True)
    assert "论坛酱" in page(Client().get("/register/"))


def test_a_right_answer_registers_once_the_form_had_time(clock):
    only_question()
    client = Client()
    shown = client.get("/register/")
    clock.advance(5)
    response = client.post("/register/", register_data(shown, " ＬＵＮＴＡＮ "))
    assert response.status_code == 302
    assert Member.objects.filter(username="新来的小王").exists()


def test_a_wrong_answer_keeps_everything_typed_and_the_same_question(clock):
    only_question()
    client = english(Client())
    shown = client.get("/register/")
    clock.advance(5)
    response = client.post("/register/", register_data(shown, "不知道"))
    assert response.status_code == 400
    text = page(response)
    assert WRONG in text
    assert 'value="新来的小王"' in text and 'value="xiaowang@example.com"' in text
    assert field(response, challenge.ID_FIELD) == field(shown, challenge.ID_FIELD)  # the same question
    assert not Member.objects.filter(username="新来的小王").exists()
    # ... and answered right, the same form goes through.
    again = client.post("/register/", register_data(response, "论坛"))
    assert again.status_code == 302 and Member.objects.filter(username="新来的小王").exists()


def test_no_answer_asks_for_one_and_counts_no_try(clock):
    only_question()
    client = english(Client())
    shown = client.get("/register/")
    clock.advance(5)
    for _ in range(challenge.MAX_WRONG + 1):
        response = client.post("/register/", register_data(shown, "  "))
        assert response.status_code == 400 and "Please answer the verification question." in page(response)
        assert field(response, challenge.ID_FIELD) == field(shown, challenge.ID_FIELD)
    assert client.post("/register/", register_data(shown, "论坛")).status_code == 302


def test_a_question_expires_after_ten_minutes(clock):
    only_question()
    client = english(Client())
    shown = client.get("/register/")
    clock.advance(challenge.TTL + 1)
    response = client.post("/register/", register_data(shown, "论坛"))
    assert response.status_code == 400 and EXPIRED in page(response)
    assert field(response, challenge.ID_FIELD) != field(shown, challenge.ID_FIELD)  # a new one
    assert not Member.objects.filter(username="新来的小王").exists()


def test_four_wrong_answers_draw_a_new_question_and_the_old_one_is_gone(clock):
    only_question()
    client = english(Client())
    shown = client.get("/register/")
    clock.advance(5)
    first_id = field(shown, challenge.ID_FIELD)
    response = shown
    for attempt in range(1, 5):
        data = register_data(shown, f"错{attempt}")
        response = client.post("/register/", data)
        assert response.status_code == 400
        if attempt < 4:
            assert WRONG in page(response) and field(response, challenge.ID_FIELD) == first_id
    assert NEW_QUESTION in page(response)
    assert field(response, challenge.ID_FIELD) != first_id
    # The old question no longer takes even the right answer.
    stale = client.post("/register/", register_data(shown, "论坛"))
    assert stale.status_code == 400 and EXPIRED in page(stale)
    assert not Member.objects.filter(username="新来的小王").exists()


def test_a_right_answer_is_used_once():
    only_question()
    shown_id = challenge.issue("register").id
    assert challenge.verify("register", shown_id, "论坛") == challenge.PASSED
    assert challenge.verify("register", shown_id, "论坛") == challenge.EXPIRED
    other = challenge.issue("register").id
    assert challenge.verify("reply", other, "论坛") == challenge.EXPIRED  # another form's question


def test_the_honeypot_refuses_with_a_neutral_message_and_keeps_the_text(clock):
    only_question()
    client = english(Client())
    shown = client.get("/register/")
    clock.advance(5)
    response = client.post("/register/", register_data(shown, "论坛", homepage="http://spam.example"))
    assert response.status_code == 400
    text = page(response)
    assert NEUTRAL in text and "homepage" in text and 'value="新来的小王"' in text
    assert "honeypot" not in text.lower()
    assert not Member.objects.filter(username="新来的小王").exists()


def test_a_form_sent_too_fast_is_refused_then_accepted_after_a_moment(clock):
    only_question()
    client = english(Client())
    shown = client.get("/register/")
    clock.advance(1)
    response = client.post("/register/", register_data(shown, "论坛"))
    assert response.status_code == 400 and NEUTRAL in page(response)
    assert not Member.objects.filter(username="新来的小王").exists()
    clock.advance(5)
    again = client.post("/register/", register_data(response, "论坛"))
    assert again.status_code == 302


def test_a_forged_or_missing_start_time_is_refused(clock):
    only_question()
    client = english(Client())
    shown = client.get("/register/")
    clock.advance(5)
    forged = register_data(shown, "论坛", form_started="1000:forged")
    assert NEUTRAL in page(client.post("/register/", forged))
    missing = register_data(shown, "论坛")
    del missing["form_started"]
    assert NEUTRAL in page(client.post("/register/", missing))
    assert not Member.objects.filter(username="新来的小王").exists()


def test_no_question_when_the_check_is_off(clock):
    only_question()
    configure(kind="off")
    client = Client()
    shown = client.get("/register/")
    assert "本论坛的名字叫什么?" not in page(shown) and 'name="homepage"' in page(shown)
    clock.advance(5)
    assert client.post("/register/", register_data(shown, "")).status_code == 302


# --- Posting ---------------------------------------------------------------------------------------------------

def test_a_new_member_answers_under_the_quick_reply_and_a_wrong_answer_keeps_the_reply(clock, thread, member):
    only_question()
    client = english(signed_in(member))
    shown = client.get(f"/thread/{thread.pk}/")
    assert "本论坛的名字叫什么?" in page(shown) and 'id="qr-verify-answer"' in page(shown)
    clock.advance(10)
    floors = Floor.objects.count()
    data = {"source": "我的第一个回复,写了很久", "format": "bbcode",
            "submission_key": field(shown, "submission_key"), **guard_fields(shown, "错的")}
    response = client.post(f"/thread/{thread.pk}/reply/", data)
    assert response.status_code == 400
    assert WRONG in page(response) and "我的第一个回复,写了很久" in page(response)
    assert Floor.objects.count() == floors
    again = client.post(f"/thread/{thread.pk}/reply/", {**data, **guard_fields(response, "论坛")})
    assert again.status_code == 302 and Floor.objects.count() == floors + 1


def test_members_with_enough_posts_are_not_asked_but_still_get_the_honeypot(clock, thread, member):
    only_question()
    Member.objects.filter(pk=member.pk).update(post_count=5)
    client = signed_in(member)
    shown = client.get(f"/thread/{thread.pk}/")
    assert "本论坛的名字叫什么?" not in page(shown) and 'name="homepage"' in page(shown)
    clock.advance(5)
    data = {"source": "老会员的回复", "format": "bbcode", "submission_key": field(shown, "submission_key"),
            challenge.STARTED: field(shown, challenge.STARTED)}
    assert client.post(f"/thread/{thread.pk}/reply/", data).status_code == 302


def test_a_group_that_always_answers_is_asked_whatever_its_posts(clock, thread):
    only_question()
    group = MemberGroupFactory(name="观察组")
    veteran = MemberFactory(group=group, post_count=500)
    pagecache.bump_now("groups")  # the new group, as its admin page would announce it
    configure(always_groups=[group])
    assert "本论坛的名字叫什么?" in page(signed_in(veteran).get(f"/thread/{thread.pk}/"))
    configure(posts_below=0, always_groups=[])
    newcomer = MemberFactory()
    assert "本论坛的名字叫什么?" not in page(signed_in(newcomer).get(f"/thread/{thread.pk}/"))


def test_the_kept_thread_page_asks_only_the_reader_who_must_answer(thread, member, other_member):
    only_question()
    Member.objects.filter(pk=other_member.pk).update(post_count=50)
    other_member.refresh_from_db()
    first = page(signed_in(member).get(f"/thread/{thread.pk}/"))
    second = page(signed_in(other_member).get(f"/thread/{thread.pk}/"))
    third = page(signed_in(member).get(f"/thread/{thread.pk}/"))
    assert "本论坛的名字叫什么?" in first and "本论坛的名字叫什么?" in third
    assert "本论坛的名字叫什么?" not in second
    assert page(Client().get(f"/thread/{thread.pk}/")).count("本论坛的名字叫什么?") == 0


def test_the_quick_reply_shows_each_question_as_its_own_escaped_text(thread, member):
    """The quick reply's fields are kept once for every question: each page still shows its own question,
    written as text (an admin's "<b>" is not markup), and the answer only when the admin shows answers."""
    only_question("<b>1 & 2</b> 之后是几?", "3")
    reader = signed_in(member)
    first = reader.get(f"/thread/{thread.pk}/").content.decode()
    assert "&lt;b&gt;1 &amp; 2&lt;/b&gt; 之后是几?" in first and "<b>1" not in first
    assert "Correct answer" not in first and "正确答案" not in first
    only_question("天空是什么颜色?", "蓝色")
    configure(show_answer=True)
    second = page(reader.get(f"/thread/{thread.pk}/"))
    assert "天空是什么颜色?" in second and "之后是几" not in second
    assert re.search(r'class="hint verify-shown">[^<]*: 蓝色<', second)


def _queries_of(client, path, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm: the kept page and tables
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_readers_who_need_no_question_pay_no_query_for_it(settings, thread, member, django_assert_max_num_queries):
    only_question()
    Member.objects.filter(pk=member.pk).update(post_count=50)
    path = f"/thread/{thread.pk}/"
    reader, guest = signed_in(member), Client(REMOTE_ADDR="10.1.1.1")
    with_checks = (_queries_of(reader, path, None), _queries_of(guest, path, None))
    settings.LUNTAN = {**settings.LUNTAN, "VERIFY_FORMS": False}
    without = (_queries_of(reader, path, None), _queries_of(guest, path, None))
    assert with_checks == without


def test_a_wrong_answer_on_a_new_thread_keeps_title_and_text(clock, board, member):
    only_question()
    client = english(signed_in(member))
    shown = client.get(f"/thread/new/?board={board.pk}")
    clock.advance(5)
    data = {"title": "新人报到帖", "source": "大家好,我是新来的", "format": "bbcode",
            "submission_key": field(shown, "submission_key"), **guard_fields(shown, "?")}
    response = client.post(f"/thread/new/?board={board.pk}", data)
    assert response.status_code == 400
    text = page(response)
    assert WRONG in text and 'value="新人报到帖"' in text and "大家好,我是新来的" in text
    assert not Thread.objects.filter(title="新人报到帖").exists()
    again = client.post(f"/thread/new/?board={board.pk}", {**data, **guard_fields(response, "论坛")})
    assert again.status_code == 302 and Thread.objects.filter(title="新人报到帖").exists()


def test_another_field_wrong_keeps_the_typed_answer_and_does_not_spend_the_question(clock, board, member):
    only_question()
    client = english(signed_in(member))
    shown = client.get(f"/thread/new/?board={board.pk}")
    clock.advance(5)
    data = {"title": "", "source": "正文", "format": "bbcode", "submission_key": field(shown, "submission_key"),
            **guard_fields(shown, "论坛")}
    response = client.post(f"/thread/new/?board={board.pk}", data)
    assert response.status_code == 400
    assert field(response, challenge.ID_FIELD) == field(shown, challenge.ID_FIELD)
    assert field(response, challenge.ANSWER_FIELD) == "论坛"
    again = client.post(f"/thread/new/?board={board.pk}", {**data, "title": "补上标题"})
    assert again.status_code == 302


def test_staff_are_never_asked(thread, admin):
    only_question()
    assert "本论坛的名字叫什么?" not in page(signed_in(admin).get(f"/thread/{thread.pk}/"))


# --- Proof of work ---------------------------------------------------------------------------------------------

def test_proof_of_work_is_verified_and_used_once(clock):
    configure(kind="pow", pow_bits=8)
    client = english(Client())
    shown = client.get("/register/")
    text = page(shown)
    assert "protection/pow.js" in text and "needs JavaScript" in text
    salt, bits = pow_fields(shown)
    assert bits == 8
    clock.advance(5)
    nonce = solve_pow(salt, bits)
    data = register_data(shown, nonce)
    assert client.post("/register/", data).status_code == 302
    # The same work again (a replay) is refused, for another account too.
    replay = Client().post("/register/", {**data, "username": "另一个", "email": "other@example.com"})
    assert replay.status_code == 400
    assert not Member.objects.filter(username="另一个").exists()


def test_a_wrong_proof_of_work_is_refused_and_a_new_one_given(clock):
    configure(kind="pow", pow_bits=12)
    client = english(Client())
    shown = client.get("/register/")
    salt, bits = pow_fields(shown)
    wrong = next(str(n) for n in range(10_000) if not challenge.pow_ok(salt, bits, str(n)))
    clock.advance(5)
    response = client.post("/register/", register_data(shown, wrong))
    assert response.status_code == 400 and pow_fields(response)[0] != salt
    # Sent before the browser finished (no JavaScript): the same work stands, and the form says why.
    unfinished = client.post("/register/", register_data(response, ""))
    assert unfinished.status_code == 400 and "needs JavaScript" in page(unfinished)
    assert pow_fields(unfinished)[0] == pow_fields(response)[0]
    assert not Member.objects.filter(username="新来的小王").exists()


# --- The admin ---------------------------------------------------------------------------------------------------

def test_the_admin_adds_a_question_that_forms_then_ask(admin_client, django_capture_on_commit_callbacks):
    configure(arithmetic=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/protection/verificationquestion/add/", {
            "question": "论坛的吉祥物是什么动物?", "answers": "熊猫\n大熊猫", "enabled": "on"})
    assert response.status_code == 302
    assert "论坛的吉祥物是什么动物?" in page(Client().get("/register/"))


def test_the_admin_cannot_save_a_question_without_an_answer(admin_client):
    response = admin_client.post("/admin/protection/verificationquestion/add/", {
        "question": "没有答案的问题?", "answers": " \n ", "enabled": "on"})
    assert response.status_code == 200 and 'class="errorlist' in page(response)
    from luntan.protection.models import VerificationQuestion

    assert not VerificationQuestion.objects.filter(question="没有答案的问题?").exists()


def test_the_admin_settings_page_switches_the_check(admin_client, django_capture_on_commit_callbacks):
    only_question()
    response = admin_client.get("/admin/protection/verifysettings/1/change/")
    assert response.status_code == 200
    from luntan.protection.models import DEFAULT_CRAWLERS

    data = {"kind": "pow", "on_register": "on", "posts_below": "5", "pow_bits": "10", "min_seconds": "3",
            "guest_pages_per_hour": "200", "guest_pass_hours": "12", "crawlers": DEFAULT_CRAWLERS}
    with django_capture_on_commit_callbacks(execute=True):
        saved = admin_client.post("/admin/protection/verifysettings/1/change/", data)
    assert saved.status_code == 302
    shown = Client().get("/register/")
    assert pow_fields(shown)[1] == 10 and "本论坛的名字叫什么?" not in page(shown)


def test_a_member_cannot_change_the_settings(member):
    from django.core.exceptions import PermissionDenied

    from luntan.protection import questions

    with pytest.raises(PermissionDenied):
        questions.verify_settings_save(by=member, row=questions.settings_row())


def test_the_admin_picks_the_groups_that_always_answer(admin_client, django_capture_on_commit_callbacks, thread):
    only_question()
    group = MemberGroupFactory(name="观察组")
    veteran = MemberFactory(group=group, post_count=500)
    pagecache.bump_now("groups")
    from luntan.protection.models import DEFAULT_CRAWLERS

    data = {"kind": "question", "on_register": "on", "posts_below": "5", "pow_bits": "16", "min_seconds": "3",
            "guest_pages_per_hour": "200", "guest_pass_hours": "12", "crawlers": DEFAULT_CRAWLERS,
            "groups": [str(group.pk)]}
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post("/admin/protection/verifysettings/1/change/", data).status_code == 302
    assert "本论坛的名字叫什么?" in page(signed_in(veteran).get(f"/thread/{thread.pk}/"))
    shown = admin_client.get("/admin/protection/verifysettings/1/change/")
    assert re.search(rf'name="groups" value="{group.pk}"[^>]*checked', shown.content.decode())


@pytest.mark.parametrize("kind", ["question", "pow"])
def test_showing_a_challenge_writes_nothing_and_its_id_cannot_be_forged(kind, monkeypatch):
    only_question()
    configure(kind=kind, arithmetic=True)
    challenge.question_pool()  # the kept tables are read (and kept) before counting
    challenge.config()
    writes = []
    for name in ("set", "add", "incr", "set_many"):
        real = getattr(challenge.cache, name)
        monkeypatch.setattr(challenge.cache, name, lambda *a, _real=real, _name=name, **k: (writes.append(_name),
                                                                                           _real(*a, **k))[1])
    shown = [challenge.issue("reply") for _ in range(20)]
    assert writes == []  # a new member's quick reply under every page they read costs no cache write
    assert len({c.id for c in shown}) == 20
    assert challenge.load("reply", shown[0].id) == shown[0]
    assert challenge.load("thread", shown[0].id) is None  # for another form
    body, _, signature = shown[0].id.rpartition(":")
    forged = body.replace(".reply.", ".reply.", 1)[:-1] + ("0" if body[-1] != "0" else "1") + ":" + signature
    assert challenge.load("reply", forged) is None
    assert challenge.verify("reply", forged, "论坛") == challenge.EXPIRED
