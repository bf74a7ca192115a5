"""The moods as every page reads them, kept in memory under the "moods" version
(luntan.core.pagecache.kept_table): no query once kept. The services that change a mood bump it."""

from dataclasses import dataclass

from luntan.core import pagecache
from luntan.reactions.models import Mood

SCOPE = "moods"


@dataclass(frozen=True)
class MoodInfo:
    id: int
    name: str
    icon: str
    order: int
    enabled: bool
    author_credit_id: int | None
    author_amount: int
    voter_credit_id: int | None
    voter_amount: int


def _read() -> dict[int, MoodInfo]:
    return {m.pk: MoodInfo(id=m.pk, name=m.name, icon=m.icon, order=m.order, enabled=m.enabled,
                           author_credit_id=m.author_credit_id, author_amount=m.author_amount,
                           voter_credit_id=m.voter_credit_id, voter_amount=m.voter_amount)
            for m in Mood.objects.order_by("order", "id")}


def all_moods() -> dict[int, MoodInfo]:
    """Every mood by id, in their order, the disabled ones too (their past votes still count)."""
    return pagecache.kept_table(SCOPE, _read, size=4096)


def enabled_moods() -> list[MoodInfo]:
    return [m for m in all_moods().values() if m.enabled]


def changed() -> None:
    """Call inside the transaction that changed a mood."""
    pagecache.bump(SCOPE)
