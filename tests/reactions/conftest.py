import pytest

from luntan.accounts.models import Member
from luntan.credits.models import CreditType, Operation
from luntan.credits.services import Change, credit_apply
from luntan.reactions.models import Mood


@pytest.fixture
def moods(db) -> dict[str, Mood]:
    """The moods the data migration makes, by name."""
    return {m.name: m for m in Mood.objects.all()}


@pytest.fixture
def balance():
    """balance(member, "好评度"): the member's balance of that type (its initial value without a wallet)."""

    def read(member: Member, name: str) -> int:
        kind = CreditType.objects.get(name=name)
        wallet = member.wallets.filter(credit_type=kind).first()
        return wallet.balance if wallet else kind.initial

    return read


@pytest.fixture
def give():
    """give(member, "好评度", 5): an administrator's adjustment, so a cost can be taken in full."""

    def add(member: Member, name: str, amount: int) -> None:
        kind = CreditType.objects.get(name=name)
        credit_apply(changes=[Change(member.pk, kind.pk, amount)], operation=Operation.ADJUST)

    return add
