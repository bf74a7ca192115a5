"""勋章: automatic awards from the forum's and the check-in app's figures, purchases through the ledger,
grants by hand, the medals page, and the author card with no query more."""

import threading

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from factories import MemberFactory
from helpers import clear_cache, signed_in

from luntan.accounts.models import Member
from luntan.core import localcache
from luntan.credits import config
from luntan.credits.models import CreditEntry, Operation
from luntan.credits.services import Change, balances_of, credit_apply, credits_audit
from luntan.forum import services as forum
from luntan.medals import services
from luntan.medals.models import Medal, MedalShelf, MemberMedal

pytestmark = pytest.mark.django_db


def reload_medals() -> None:
    """Medals changed under the test's feet (the after-commit bump does not run inside a test's
    transaction): forget the kept tables."""
    clear_cache()
    localcache.fragments.clear()


def coin() -> int:
    return config.economy().by_slot(1).id


def balance(member) -> int:
    return balances_of([member.pk])[member.pk][coin()]


def set_balance(member, amount: int) -> None:
    credit_apply(changes=[Change(member.pk, coin(), amount - balance(member))], operation=Operation.ADJUST)


def medal(name: str) -> Medal:
    return Medal.objects.get(name=name)


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def held(member) -> set[str]:
    return set(MemberMedal.objects.filter(member=member).values_list("medal__name", flat=True))


# --- Earned by rules ---------------------------------------------------------------------------------------

def test_the_default_medals_are_there():
    names = dict(Medal.objects.values_list("name", "rule"))
    assert names["沙发王"] == "sofas" and names["忠实会员"] == "checkin_streak"
    assert names["灌水达人"] == "posts" and names["精华作者"] == "digests"
    assert medal("土豪勋章").price > 0 and medal("荣誉版主").rule == "" and medal("荣誉版主").price == 0


def test_figures_that_meet_a_rule_grant_the_medal_once(member):
    stamp = member.card_stamp
    got = services.medals_award_earned(member_id=member.pk, figures={"checkin_streak": 7, "checkin_days": 7})
    assert [m.name for m in got] == ["忠实会员"]
    assert held(member) == {"忠实会员"}
    assert MemberMedal.objects.get(member=member).how == MemberMedal.How.RULE
    member.refresh_from_db()
    assert member.card_stamp > stamp
    assert MedalShelf.objects.get(member=member).medal_ids == str(medal("忠实会员").pk)
    # Again: nothing new, nothing doubled.
    assert services.medals_award_earned(member_id=member.pk, figures={"checkin_streak": 30}) == []
    assert MemberMedal.objects.filter(member=member).count() == 1


def test_figures_below_the_threshold_or_not_given_grant_nothing(member, django_assert_num_queries):
    with django_assert_num_queries(1):  # the kept medal table, read once
        assert services.medals_award_earned(member_id=member.pk, figures={"checkin_streak": 6, "posts": 999}) == []
    with django_assert_num_queries(0):
        assert services.medals_award_earned(member_id=member.pk, figures={"threads": 10**6}) == []
    assert held(member) == set()


def test_a_disabled_medal_is_not_earned(member):
    Medal.objects.filter(name="忠实会员").update(enabled=False)
    reload_medals()
    assert services.medals_award_earned(member_id=member.pk, figures={"checkin_streak": 100}) == []
    assert held(member) == set()


def test_sofas_are_counted_when_a_reply_takes_floor_two(make_thread, member, other_member):
    Medal.objects.filter(name="沙发王").update(threshold=2)
    reload_medals()
    first, second = make_thread(), make_thread(title="第二帖")
    forum.post_reply(author=other_member, thread=first, source="沙发!", fmt="bbcode")
    forum.post_reply(author=member, thread=second, source="自己坐沙发", fmt="bbcode")
    forum.post_reply(author=other_member, thread=second, source="板凳", fmt="bbcode")  # floor 3: no sofa
    assert held(other_member) == set()
    third = make_thread(title="第三帖")
    forum.post_reply(author=other_member, thread=third, source="又是沙发", fmt="bbcode")
    assert held(other_member) == {"沙发王"}


def test_posts_earn_their_medal_through_the_forum(member, board):
    Medal.objects.filter(name="灌水达人").update(threshold=3)
    reload_medals()
    floor = forum.thread_create(author=member, board=board, title="灌水", source="一", fmt="bbcode")
    forum.post_reply(author=member, thread=floor.thread, source="二", fmt="bbcode")
    assert held(member) == set()
    forum.post_reply(author=member, thread=floor.thread, source="三", fmt="bbcode")
    assert held(member) == {"灌水达人"}


def test_a_post_by_a_member_who_holds_every_medal_due_costs_one_query(make_thread, member, other_member,
                                                                      django_assert_max_num_queries):
    thread = make_thread()
    forum.post_reply(author=other_member, thread=thread, source="热身", fmt="bbcode")
    with CaptureQueriesContext(connection) as plain:
        services.medals_after_post(member_id=other_member.pk, floor_number=5)
    assert len(plain.captured_queries) == 1, [q["sql"] for q in plain.captured_queries]


# --- Bought --------------------------------------------------------------------------------------------------

def test_buying_a_medal_pays_its_price_in_the_ledger(member):
    tuhao = medal("土豪勋章")
    set_balance(member, tuhao.price + 7)
    bought = services.medal_buy(member=member, medal_id=tuhao.pk, submission_key="k1")
    assert bought.how == MemberMedal.How.BOUGHT
    assert balance(member) == 7
    entry = CreditEntry.objects.filter(member=member).latest("id")
    assert (entry.operation, entry.delta, entry.subject_kind, entry.subject_id) == (
        Operation.MEDAL, -tuhao.price, "medal", tuhao.pk)
    # The same form sent again: the same purchase, paid once.
    assert services.medal_buy(member=member, medal_id=tuhao.pk, submission_key="k1").pk == bought.pk
    assert balance(member) == 7
    assert credits_audit() == []


@pytest.mark.parametrize("case", ["owned", "poor", "not_for_sale", "unknown", "disabled"])
def test_a_refused_purchase_changes_nothing(member, case):
    tuhao = medal("土豪勋章")
    set_balance(member, tuhao.price * 3 if case != "poor" else tuhao.price - 1)
    target = tuhao.pk
    if case == "owned":
        services.medal_buy(member=member, medal_id=tuhao.pk, submission_key="first")
    elif case == "not_for_sale":
        target = medal("荣誉版主").pk
    elif case == "unknown":
        target = 999999
    elif case == "disabled":
        Medal.objects.filter(pk=tuhao.pk).update(enabled=False)
        reload_medals()
    before = (balance(member), CreditEntry.objects.count(), MemberMedal.objects.count())
    with pytest.raises(ValidationError) as refusal:
        services.medal_buy(member=member, medal_id=target, submission_key="second")
    assert refusal.value.messages
    assert (balance(member), CreditEntry.objects.count(), MemberMedal.objects.count()) == before


@pytest.mark.django_db(transaction=True)
def test_two_purchases_racing_for_the_last_coins_cannot_both_succeed():
    """Two medals of 500 each, a member with 500: one purchase wins, the other is refused, the ledger adds up."""
    reload_medals()
    buyer = MemberFactory()
    tuhao = medal("土豪勋章")
    other = Medal.objects.create(name="第二枚", price=tuhao.price, price_type_id=tuhao.price_type_id, badge="gem")
    reload_medals()
    set_balance(buyer, tuhao.price)
    results: list[object] = []
    barrier = threading.Barrier(2)

    def buy(medal_id: int, key: str) -> None:
        try:
            barrier.wait()
            results.append(services.medal_buy(member=buyer, medal_id=medal_id, submission_key=key))
        except ValidationError as error:
            results.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=buy, args=(m, f"race-{m}")) for m in (tuhao.pk, other.pk)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    won = [r for r in results if isinstance(r, MemberMedal)]
    assert len(results) == 2 and len(won) == 1, results
    assert balance(buyer) == 0
    assert MemberMedal.objects.filter(member=buyer).count() == 1
    assert credits_audit() == []


# --- By hand -----------------------------------------------------------------------------------------------

def test_an_administrator_grants_with_a_reason(admin, member):
    honour = medal("荣誉版主")
    with pytest.raises(ValidationError):
        services.medal_grant(by=admin, member=member, medal=honour, reason="  ")
    with pytest.raises(PermissionDenied):
        services.medal_grant(by=member, member=member, medal=honour, reason="自己给自己")
    assert held(member) == set()
    row = services.medal_grant(by=admin, member=member, medal=honour, reason="辛勤管理")
    assert (row.how, row.reason, row.granted_by_id) == (MemberMedal.How.HAND, "辛勤管理", admin.pk)
    services.medal_revoke(by=admin, held=row)
    assert held(member) == set() and MedalShelf.objects.get(member=member).medal_ids == ""


def test_the_admin_add_page_grants_through_the_service(admin_client, member):
    honour = medal("荣誉版主")
    response = admin_client.post("/admin/medals/membermedal/add/", {"member": member.pk, "medal": honour.pk,
                                                                     "reason": ""})
    assert response.status_code == 200 and held(member) == set()
    response = admin_client.post("/admin/medals/membermedal/add/", {"member": member.pk, "medal": honour.pk,
                                                                     "reason": "组织活动"})
    assert response.status_code == 302
    assert MemberMedal.objects.get(member=member).granted_by is not None


def test_the_admin_refuses_a_big_image(admin_client):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    def png(size: int, noise: bool) -> SimpleUploadedFile:
        out = BytesIO()
        picture = Image.effect_noise((size, size), 80).convert("RGB") if noise else Image.new("RGB", (size, size))
        picture.save(out, "PNG")
        return SimpleUploadedFile("m.png", out.getvalue(), content_type="image/png")

    base = {"name": "新勋章", "description": "", "badge": "star", "rule": "", "threshold": 0, "price": 0,
            "order": 0, "enabled": "on"}
    for bad in (png(400, False), png(250, True), SimpleUploadedFile("m.png", b"not a picture", "image/png")):
        response = admin_client.post("/admin/medals/medal/add/", {**base, "image": bad})
        assert response.status_code == 200 and not Medal.objects.filter(name="新勋章").exists()
    response = admin_client.post("/admin/medals/medal/add/", {**base, "image": png(32, False)})
    assert response.status_code == 302 and Medal.objects.get(name="新勋章").image.name.startswith("medals/")
    Medal.objects.get(name="新勋章").image.delete()


# --- Pages and the card ----------------------------------------------------------------------------------------

def test_the_medals_page_lists_every_medal_and_marks_mine(member, other_member):
    services.medals_award_earned(member_id=member.pk, figures={"checkin_streak": 9})
    services.medals_award_earned(member_id=other_member.pk, figures={"checkin_streak": 9})
    html = english(signed_in(member)).get("/services/medals/").content.decode()
    for name in ("沙发王", "忠实会员", "灌水达人", "精华作者", "土豪勋章", "荣誉版主"):
        assert name in html
    assert "2 members hold it" in html and "Yours" in html and "Buy for" in html
    assert "/services/items/" in html
    guest = english(Client()).get("/services/medals/").content.decode()
    assert "Yours" not in guest and "Buy for" not in guest and "Log in" in guest


def test_the_medals_page_costs_the_same_with_many_holders(member):
    client = signed_in(member)

    def count() -> int:
        clear_cache()
        localcache.fragments.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/services/medals/").status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for m in MemberFactory.create_batch(10):
        services.medals_award_earned(member_id=m.pk, figures={"checkin_streak": 9, "posts": 5000})
    services.medals_award_earned(member_id=member.pk, figures={"checkin_streak": 9, "posts": 5000})
    assert count() == one


def test_buying_from_the_page(member):
    tuhao = medal("土豪勋章")
    set_balance(member, tuhao.price)
    client = english(signed_in(member))
    response = client.post("/services/medals/buy/", {"medal": tuhao.pk, "submission_key": "abc"})
    assert response.status_code == 302 and held(member) == {"土豪勋章"}
    again = client.post("/services/medals/buy/", {"medal": tuhao.pk, "submission_key": "def"})
    assert again.status_code == 400 and "already have" in again.content.decode()
    assert balance(member) == 0


@pytest.mark.parametrize("data", [{"medal": "abc"}, {"medal": "-3"}, {"medal": "99999999999999"}, {}])
def test_bad_purchase_input_is_a_message(member, data):
    set_balance(member, 10_000)
    response = english(signed_in(member)).post("/services/medals/buy/", data)
    assert response.status_code == 400 and "no such medal" in response.content.decode()
    assert balance(member) == 10_000 and held(member) == set()


def test_a_guest_or_a_get_buys_nothing(member):
    tuhao = medal("土豪勋章")
    response = Client().post("/services/medals/buy/", {"medal": tuhao.pk})
    assert response.status_code == 302 and "/login/" in response["Location"]
    response = signed_in(member).get(f"/services/medals/buy/?medal={tuhao.pk}")
    assert response.status_code == 302 and MemberMedal.objects.count() == 0


def _thread_page_queries(client: Client, url: str) -> int:
    clear_cache()
    localcache.pages.clear()
    localcache.fragments.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_card_shows_medals_with_no_query_more(make_thread):
    authors = MemberFactory.create_batch(5)
    thread = make_thread(by=authors[0])
    for a in authors[1:]:
        forum.post_reply(author=a, thread=thread, source="路过", fmt="bbcode")
    url = f"/thread/{thread.pk}/"
    before = _thread_page_queries(Client(), url)
    for a in authors:
        services.medals_award_earned(member_id=a.pk, figures={"checkin_streak": 7, "posts": 1000})
    after = _thread_page_queries(Client(), url)
    assert after <= before + 1  # the kept medal table, read once per change of a medal, never per card
    html = Client().get(url).content.decode()
    assert html.count('alt="忠实会员" title="忠实会员"') == 5 and html.count('alt="灌水达人"') == 5
    warm = CaptureQueriesContext(connection)
    localcache.pages.clear()
    localcache.fragments.clear()  # cards rendered again, the medal table kept in the shared cache
    with warm:
        Client().get(url)
    assert len(warm.captured_queries) <= before


def test_the_profile_shows_the_medals(member, client):
    services.medals_award_earned(member_id=member.pk, figures={"digests": 10})
    html = client.get(f"/user/{member.pk}/").content.decode()
    assert 'alt="精华作者"' in html


def test_a_disabled_medal_leaves_the_card(member):
    services.medals_award_earned(member_id=member.pk, figures={"digests": 10})
    Medal.objects.filter(name="精华作者").update(enabled=False)
    reload_medals()
    assert 'alt="精华作者"' not in Client().get(f"/user/{member.pk}/").content.decode()


def test_the_shelf_is_rebuilt_from_the_medals(member):
    services.medals_award_earned(member_id=member.pk, figures={"digests": 10})
    MedalShelf.objects.filter(member=member).update(medal_ids="")
    assert services.medals_reshelve() == 1
    assert MedalShelf.objects.get(member=member).medal_ids == str(medal("精华作者").pk)
    assert services.medals_reshelve() == 0
    assert Member.objects.get(pk=member.pk)


def test_a_digest_earns_the_digest_authors_medal(board, member, admin):
    Medal.objects.filter(rule=Medal.Rule.DIGESTS).update(threshold=1)
    reload_medals()
    thread = forum.thread_create(author=member, board=board, title="精华候选", source="正文", fmt="bbcode").thread
    medal = Medal.objects.get(rule=Medal.Rule.DIGESTS)
    assert not MemberMedal.objects.filter(member=member, medal=medal).exists()
    forum.thread_update(member=admin, thread=thread, digest=1)
    assert MemberMedal.objects.filter(member=member, medal=medal).exists()
