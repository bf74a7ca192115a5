"""Everything that moves credits at once: transfers both ways, wheel spins, check-ins and forum rewards from
many threads against the same few wallets. Run on SQLite and on PostgreSQL (CI runs both): afterwards no
balance went below its limit, nothing was made or lost, and the ledger audit is clean."""

import threading

import pytest
from django.db import connection
from factories import PASSWORD, MemberFactory

from luntan.accounts.models import MemberGroup
from luntan.checkin import services as checkin
from luntan.credits import config, services
from luntan.credits.models import CreditEntry, CreditType, EconomySettings, Operation, Wallet
from luntan.forum import services as forum
from luntan.forum.models import Board, Category
from luntan.wheel import services as wheel

pytestmark = pytest.mark.django_db(transaction=True)


def test_transfers_spins_check_ins_and_posts_at_once_keep_the_books(transactional_db):
    MemberGroup.objects.update(wheel_spins_per_day=50)
    EconomySettings.objects.filter(pk=1).update(transfer_daily_cap=0, transfer_min_kept=0)
    config.changed()
    coin = CreditType.objects.get(slot=1)
    members = MemberFactory.create_batch(4)
    for m in members:
        services.credit_apply(changes=[services.Change(m.pk, coin.pk, 80)], operation=Operation.ADJUST)  # 100 each
    board = Board.objects.create(category=Category.objects.create(name="综合"), name="灌水")
    thread = forum.thread_create(author=members[0], board=board, title="并发测试", source="开始", fmt="bbcode").thread
    start = threading.Barrier(len(members) * 3)
    errors: list[BaseException] = []

    def act(kind: str, i: int) -> None:
        me, other = members[i], members[(i + 1) % len(members)]
        try:
            start.wait()
            for n in range(6):
                try:
                    if kind == "transfer":
                        services.credit_transfer(sender=me, recipient_name=other.username, credit_type_id=coin.pk,
                                                 amount=30, password=PASSWORD)
                    elif kind == "spin":
                        wheel.wheel_spin(member=me, submission_key=f"race-{i}-{n}")
                    elif n == 0:
                        checkin.checkin_sign(member=me, mood="kx")
                    else:
                        forum.post_reply(author=me, thread=thread, source=f"第{n}次", fmt="bbcode")
                except services.NotEnoughCredits:
                    pass  # refused for want of credits: that is the point of racing for them
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=act, args=(kind, i)) for i in range(len(members))
               for kind in ("transfer", "spin", "post")]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    assert services.credits_audit() == []
    assert not Wallet.objects.filter(balance__lt=0).exists()
    entries = CreditEntry.objects.filter(credit_type=coin)
    made = {op: sum(entries.filter(operation=op).values_list("delta", flat=True)) for op in (
        Operation.TRANSFER_OUT, Operation.TRANSFER_TAX, Operation.TRANSFER_IN)}
    # Transfers create nothing: what was sent is what arrived plus the tax.
    assert -made[Operation.TRANSFER_OUT] == made[Operation.TRANSFER_IN]
    assert sum(Wallet.objects.filter(credit_type=coin).values_list("balance", flat=True)) == sum(
        entries.values_list("delta", flat=True))
