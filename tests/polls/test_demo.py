import random

from django.db.models import Count
from django.utils import timezone
from factories import MemberFactory

from luntan.forum.models import Board, Category
from luntan.polls import demo
from luntan.polls.models import Poll, PollBallot, PollChoice


def test_the_demo_makes_polls_whose_numbers_add_up(db):
    category = Category.objects.create(name="生活天地")
    Board.objects.create(category=category, name="灌水闲聊")
    Board.objects.create(category=category, name="数码硬件")
    members = MemberFactory.create_batch(10)
    now = timezone.now()
    demo.fill_demo(members=members, rng=random.Random(3), now=now)
    polls = list(Poll.objects.select_related("thread__board"))
    assert {p.thread.board.name for p in polls} == {"灌水闲聊", "数码硬件"}
    for poll in polls:
        assert poll.voter_count == PollBallot.objects.filter(poll=poll).count() >= 2
        counts = dict(PollChoice.objects.filter(poll=poll).values_list("option_id").annotate(n=Count("id")))
        assert {o.pk: o.vote_count for o in poll.options.all()} == {o.pk: counts.get(o.pk, 0)
                                                                    for o in poll.options.all()}
        assert poll.thread.created_at < now and not PollBallot.objects.filter(poll=poll, created_at__gt=now).exists()
        per_ballot = PollChoice.objects.filter(poll=poll).values("ballot").annotate(n=Count("id"))
        assert max(row["n"] for row in per_ballot) <= poll.max_choices
