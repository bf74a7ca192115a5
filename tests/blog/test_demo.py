import random

import pytest
from django.utils import timezone
from factories import MemberFactory

from luntan.blog import demo
from luntan.blog.models import BlogComment, BlogMoodVote, BlogPost, Friendship


@pytest.mark.django_db
def test_demo_fills_blogs_of_every_visibility():
    members = [MemberFactory() for _ in range(8)]
    demo.fill_demo(members=members, rng=random.Random(3), now=timezone.now())
    assert BlogPost.objects.count() == len(demo.POSTS)
    assert set(BlogPost.objects.values_list("visibility", flat=True)) == {"public", "friends", "private"}
    assert BlogComment.objects.exists() and BlogMoodVote.objects.exists() and Friendship.objects.exists()
    assert not BlogPost.objects.filter(created_at__gt=timezone.now()).exists()
