"""Paid attachments and levels: the price is paid once through the ledger (the uploader gets it less the
site's tax), buyers are listed, the uploader and moderators never pay, a level keeps lower members out."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from factories import MemberFactory
from helpers import at_once, signed_in

from attachments.making import upload, zip_bytes
from luntan.attachments import services, views
from luntan.attachments.models import Attachment, Purchase
from luntan.credits.models import CreditEntry, Operation
from luntan.credits.services import Change, balances_of, credit_apply, credits_audit
from luntan.forum import services as forum_services


def coin() -> int:
    return services.coin().id  # type: ignore[union-attr]


def balance(member) -> int:
    return balances_of([member.pk])[member.pk][coin()]


def set_balance(member, amount: int) -> None:
    credit_apply(changes=[Change(member.pk, coin(), amount - balance(member))], operation=Operation.ADJUST)


def for_sale(member, thread, *, price: int = 10, level=None) -> Attachment:
    file = upload(member, "壁纸合集.zip", zip_bytes(), "application/zip")
    forum_services.post_reply(author=member, thread=thread, source=views.described(file)["bbcode"], fmt="bbcode")
    file.refresh_from_db()
    return services.attachment_update(member=member, attachment=file, price=price, min_level_id=level)


def sales(file) -> list[str]:
    return list(CreditEntry.objects.filter(subject_kind="attachment", subject_id=file.pk)
                .order_by("pk").values_list("operation", flat=True))


def test_a_buyer_pays_once_and_the_uploader_gets_the_price_less_the_tax(member, other_member, thread):
    file = for_sale(member, thread, price=20)
    set_balance(other_member, 100)
    before = balance(member)
    services.attachment_buy(member=other_member, attachment=file)
    services.attachment_buy(member=other_member, attachment=file)  # a second click
    assert balance(other_member) == 80
    assert balance(member) == before + 19  # 5 % tax on 20, rounded up: 1
    assert sales(file) == [Operation.ATTACHMENT_BUY, Operation.ATTACHMENT_SALE]
    assert Purchase.objects.filter(attachment=file).count() == 1
    assert credits_audit() == []


def test_a_buyer_without_enough_credits_pays_nothing_and_gets_nothing(member, other_member, thread):
    file = for_sale(member, thread, price=20)
    set_balance(other_member, 5)
    with pytest.raises(ValidationError):
        services.attachment_buy(member=other_member, attachment=file)
    assert balance(other_member) == 5 and sales(file) == [] and not Purchase.objects.exists()
    response = signed_in(other_member).get(f"/attachment/{file.pk}/download/")
    assert response.status_code == 403 and "购买" in response.content.decode()


def test_the_download_needs_the_purchase(member, other_member, thread):
    file = for_sale(member, thread, price=10)
    set_balance(other_member, 50)
    reader = signed_in(other_member)
    assert reader.get(f"/attachment/{file.pk}/download/").status_code == 403
    response = reader.post(f"/attachment/{file.pk}/buy/")
    assert response.status_code == 302
    page = reader.get(f"/attachment/{file.pk}/").content.decode()
    assert "已购买" in page and other_member.username in page  # listed among the buyers
    assert reader.get(f"/attachment/{file.pk}/download/").status_code == 200
    assert balance(other_member) == 40


@pytest.mark.parametrize("who", ["uploader", "moderator", "super_moderator"])
def test_the_uploader_and_moderators_download_free(member, moderator, super_moderator, thread, who):
    file = for_sale(member, thread, price=10)
    person = {"uploader": member, "moderator": moderator, "super_moderator": super_moderator}[who]
    client = signed_in(person)
    assert client.get(f"/attachment/{file.pk}/download/").status_code == 200
    with pytest.raises(PermissionDenied):
        services.attachment_buy(member=person, attachment=file)
    assert sales(file) == []


def test_a_moderator_of_another_board_pays(member, thread, other_board, django_capture_on_commit_callbacks):
    elsewhere = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        forum_services.board_moderators_set(board=other_board, members=[elsewhere])
    file = for_sale(member, thread, price=10)
    assert signed_in(elsewhere).get(f"/attachment/{file.pk}/download/").status_code == 403


def test_a_level_keeps_lower_members_out_whatever_they_pay(member, other_member, thread):
    levels = services.member_levels()
    high = levels[-1]
    file = for_sale(member, thread, price=10, level=high.group_id)
    set_balance(other_member, 100)
    reader = signed_in(other_member)
    response = reader.get(f"/attachment/{file.pk}/download/")
    assert response.status_code == 403 and high.name in response.content.decode()
    with pytest.raises(PermissionDenied):
        services.attachment_buy(member=other_member, attachment=file)
    assert balance(other_member) == 100 and sales(file) == []


def test_a_member_of_the_level_downloads_a_free_levelled_attachment(member, thread):
    levels = services.member_levels()
    second = levels[1]
    file = for_sale(member, thread, price=0, level=second.group_id)
    reader = MemberFactory(credit_total=second.credits_from)
    assert signed_in(reader).get(f"/attachment/{file.pk}/download/").status_code == 200
    below = MemberFactory(credit_total=(second.credits_from or 1) - 1)
    assert signed_in(below).get(f"/attachment/{file.pk}/download/").status_code == 403


def test_only_the_uploader_sets_the_price(member, other_member, thread):
    file = for_sale(member, thread, price=0)
    response = signed_in(other_member).post(f"/attachment/{file.pk}/settings/", {"price": "99", "min_level": ""})
    assert response.status_code == 403
    assert Attachment.objects.get(pk=file.pk).price == 0


def test_a_bad_price_is_shown_again_with_a_message(member, thread):
    file = for_sale(member, thread, price=0)
    response = signed_in(member).post(f"/attachment/{file.pk}/settings/", {"price": "-3", "min_level": ""})
    assert response.status_code == 400
    assert 'value="-3"' in response.content.decode()
    assert Attachment.objects.get(pk=file.pk).price == 0


@pytest.mark.django_db(transaction=True)
def test_a_double_click_from_two_tabs_pays_once():
    seller = MemberFactory(date_joined=timezone.now() - timedelta(days=30))
    buyer = MemberFactory()
    from luntan.forum.models import Board, Category

    board = Board.objects.create(category=Category.objects.create(name="资源分享"), name="壁纸")
    floor = forum_services.thread_create(author=seller, board=board, title="原创壁纸", source="自取", fmt="bbcode")
    file = for_sale(seller, floor.thread, price=30)
    set_balance(buyer, 100)
    results, errors = at_once(
        lambda: services.attachment_buy(member=buyer, attachment=Attachment.objects.get(pk=file.pk)), 3)
    assert errors == [] and all(isinstance(r, Purchase) for r in results), (results, errors)
    assert len({r.pk for r in results}) == 1  # type: ignore[attr-defined]
    assert balance(buyer) == 70
    assert Purchase.objects.count() == 1 and sales(file) == [Operation.ATTACHMENT_BUY, Operation.ATTACHMENT_SALE]
    assert credits_audit() == []
