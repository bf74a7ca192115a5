import random

import pytest
from django.utils import timezone

from luntan.forum.models import Board, Category
from luntan.protection import demo_scrape as demo

pytestmark = pytest.mark.django_db


def test_the_demo_protects_the_travel_writing_board_only(board, member):
    travel = Board.objects.create(category=Category.objects.create(name="生活"), name=demo.PROTECTED_BOARD)
    demo.fill_demo(members=[member], rng=random.Random(1), now=timezone.now())
    assert list(Board.objects.filter(protect_content=True)) == [travel]
