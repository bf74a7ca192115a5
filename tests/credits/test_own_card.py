"""A member sees their own new balance at once after their own action, on the kept thread page too; other
readers' copies of that page are not rendered again for it."""

import pytest
from helpers import signed_in

from luntan.credits import services
from luntan.credits.models import CreditType, Operation
from luntan.forum import services as forum

pytestmark = pytest.mark.django_db


def test_my_card_on_a_kept_thread_page_shows_my_new_balance_at_once(board, member, other_member):
    floor = forum.thread_create(author=member, board=board, title="看看我的卡片", source="正文", fmt="bbcode")
    url = f"/thread/{floor.thread_id}/"
    mine, theirs = signed_in(member), signed_in(other_member)
    assert "<dd>23 鼎币</dd>" in mine.get(url).content.decode()
    assert "<dd>23 鼎币</dd>" in theirs.get(url).content.decode()
    coin = CreditType.objects.get(slot=1)
    services.credit_apply(changes=[services.Change(member.pk, coin.pk, 100)], operation=Operation.ADJUST)
    assert "<dd>123 鼎币</dd>" in mine.get(url).content.decode()
    # Another reader's copy of the card may be up to a minute old: the page was not rendered again for them.
    assert "<dd>23 鼎币</dd>" in theirs.get(url).content.decode()


def test_the_readers_own_card_block_is_filled_and_leaves_no_marker(board, member):
    floor = forum.thread_create(author=member, board=board, title="标记", source="正文", fmt="bbcode")
    html = signed_in(member).get(f"/thread/{floor.thread_id}/").content.decode()
    assert "<!--block:" not in html and "<!--/block-->" not in html
