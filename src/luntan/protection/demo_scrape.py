"""The demo's 内容防复制: the travel writing board (旅行游记), whose long original posts are what content
farms copy, is protected; its guests and members (other than the authors and the board's moderators) get
the hidden noise and the invisible mark on its thread pages."""

import random

from luntan.core import pagecache
from luntan.forum.models import Board

PROTECTED_BOARD = "旅行游记"


def fill_demo(*, members: list, rng: random.Random, now) -> None:
    board = Board.objects.filter(name=PROTECTED_BOARD).first()
    if board is None:  # a demo without the travel board: its busiest board instead
        board = Board.objects.order_by("-post_count", "pk").first()
    if board is None:
        return
    Board.objects.filter(pk=board.pk).update(protect_content=True)
    pagecache.bump_now("site", f"board:{board.pk}")
