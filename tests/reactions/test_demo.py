import random

from django.utils import timezone
from factories import MemberFactory

from luntan.forum.models import Floor, Thread
from luntan.reactions import demo
from luntan.reactions.models import FloorLike, MoodTally, MoodVote


def test_the_demo_gives_moods_and_likes_whose_counters_add_up(make_thread):
    members = MemberFactory.create_batch(8)
    threads = [make_thread(replies=3, by=members[i % 8], title=f"演示帖{i}") for i in range(6)]
    demo.fill_demo(members=members, rng=random.Random(7), now=timezone.now())
    assert MoodVote.objects.exists() and FloorLike.objects.exists()
    for thread in Thread.objects.filter(pk__in=[t.pk for t in threads]):
        votes = MoodVote.objects.filter(thread=thread)
        assert thread.mood_count == votes.count() == sum(MoodTally.objects.filter(thread=thread)
                                                          .values_list("count", flat=True))
        assert not votes.filter(member_id=thread.author_id).exists()
        assert thread.like_count == FloorLike.objects.filter(thread=thread).count()
    for floor in Floor.objects.filter(thread__in=threads):
        assert floor.like_count == FloorLike.objects.filter(floor=floor).count()
    assert MoodVote.objects.filter(voted_at__gt=timezone.now()).count() == 0
