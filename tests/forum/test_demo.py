"""`luntan demo`: the demo forum keeps its promises (sizes, variety) and its counters agree with its rows.

The demo is built once for this module, inside a transaction that is rolled back afterwards."""

import re
from collections import Counter, defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from luntan.accounts.models import Member, MemberGroup
from luntan.accounts.names import validate_username
from luntan.credits.models import CreditEntry, Operation
from luntan.credits.services import credits_audit
from luntan.forum.demo import content
from luntan.forum.demo.builder import build_demo, plan_demo
from luntan.forum.models import Board, Category, Floor, Thread
from luntan.markup.smilies import SMILIES

pytestmark = pytest.mark.django_db

_BBCODE_TAG = re.compile(r"\[/?(?:b|i|u|s|color|size|url|img|quote|code|list|align|hr|\*)(?:=[^\]]*)?\]", re.I)
_SHORTCODE = re.compile(r":([\u4e00-\u9fff]{1,4}):")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Runs the command once on the empty test database; returns what it printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("demo", stdout=out)
        # The demo's foreign keys, checked once here for the whole module: PostgreSQL defers the checks to the
        # end of the transaction, and each test's teardown, which checks the deferred ones before rolling
        # back, would otherwise check all of the demo's again (seconds each).
        connection.check_constraints()
        yield out.getvalue()
        transaction.set_rollback(True)


def _snapshot():
    return {
        "counts": [m.objects.count() for m in (Category, Board, Member, Thread, Floor)],
        "boards": list(Board.objects.order_by("pk").values_list(
            "thread_count", "post_count", "today_posts", "last_post_at")),
        "moderators": list(Board.moderators.through.objects.order_by("pk").values_list("board_id", "member_id")),
        "threads": list(Thread.objects.order_by("pk").values_list("reply_count", "last_reply_at", "view_count")),
        "members": list(Member.objects.order_by("pk").values_list("post_count", "thread_count", "digest_count")),
    }


def test_command_reports_what_it_made(demo):
    numbers = [int(n) for n in re.findall(r"\d+", demo.splitlines()[0])]
    assert numbers[-5:] == [Category.objects.count(), Board.objects.count(), Member.objects.count(),
                            Thread.objects.count(), Floor.objects.count()]


def test_builds_the_promised_forum(demo):
    assert Category.objects.count() >= 3
    boards = list(Board.objects.prefetch_related("moderators"))
    assert len(boards) >= 6
    assert any(b.parent_id for b in boards)
    assert all(b.description for b in boards)
    assert sum(1 for b in boards if b.moderators.exists()) >= 3
    for board in boards:
        moderators = list(board.moderators.all())
        assert set(filter(None, board.moderator_names.split(", "))) == {m.username for m in moderators}
        assert board.moderator_id_set == {m.pk for m in moderators}

    members = list(Member.objects.select_related("group"))
    assert len(members) == 30
    for member in members:
        assert validate_username(member.username) == member.username
        assert not member.has_usable_password()
        assert len(member.signature) <= settings.LUNTAN["MAX_SIGNATURE_CHARS"]
        assert bool(member.signature_html) == bool(member.signature)  # cooked by member_signature_set
    assert sum(1 for m in members if m.signature_html) >= 20
    assert sum(1 for m in members if m.custom_title) >= 3
    assert {"moderator", "intermediate", "senior"} <= {m.group.role for m in members}
    # The economy is filled too, through the services: levels follow credits, and the ledger adds up.
    levels = {m.group.role for m in members if m.group.kind == MemberGroup.Kind.MEMBER}
    assert len(levels) >= 3
    assert all(m.credit_total > 0 for m in members)
    assert CreditEntry.objects.filter(operation=Operation.TRANSFER_IN).count() >= 5
    assert CreditEntry.objects.filter(operation=Operation.REPLY).exclude(created_at__gte=timezone.now()
                                                                          - timedelta(minutes=5)).exists()
    assert credits_audit() == []
    joined = sorted(m.date_joined for m in members)
    assert joined[-1] - joined[0] > timedelta(days=365)
    assert all(m.last_login and m.date_joined <= m.last_login <= timezone.now() for m in members)


def test_threads_vary_like_a_real_forum(demo):
    threads = list(Thread.objects.all())
    assert len(threads) >= 60
    assert all(0 <= t.reply_count <= 40 for t in threads)
    assert sum(1 for t in threads if t.last_floor > 30) >= 3  # more than one page of floors
    assert any(t.reply_count == 0 for t in threads) or min(t.reply_count for t in threads) <= 1
    stickies = Counter(t.board_id for t in threads if t.sticky)
    assert stickies and all(1 <= n <= 2 for n in stickies.values())
    assert {t.digest for t in threads} == {0, 1, 2, 3}
    assert 1 <= sum(t.is_locked for t in threads) <= 2
    assert sum(1 for t in threads if t.highlight) >= 2

    floors = Floor.objects.all()
    assert {"bbcode", "markdown"} == set(floors.values_list("format", flat=True))
    assert floors.filter(html__contains="<blockquote>").count() >= 10
    assert floors.filter(html__contains='class="smiley"').count() >= 50
    assert floors.filter(html__contains="<li>").exists()
    assert floors.filter(thread__board__name__in=["编程开发", "Python 交流"], html__contains="<pre><code").exists()


def test_board_counters_agree_with_rows(demo):
    today = timezone.localdate()
    for board in Board.objects.all():
        threads = Thread.objects.filter(board=board, is_deleted=False)
        floors = Floor.objects.filter(thread__in=threads, is_deleted=False)
        assert board.thread_count == threads.count()
        assert board.post_count == floors.count()
        assert board.posts_on(today) == sum(1 for at in floors.values_list("created_at", flat=True)
                                            if timezone.localdate(at) == today)
        latest = threads.order_by("-last_reply_at").first()
        assert (board.last_thread_id, board.last_post_at) == (latest.pk, latest.last_reply_at)
        assert board.last_poster_name == latest.last_replier_name
        bumped = threads.exclude(bumped_at=None).order_by("-bumped_at").values_list("bumped_at", flat=True).first()
        last_floor = floors.order_by("-created_at").first().created_at
        assert board.last_post_at == max(last_floor, bumped or last_floor)


def test_thread_counters_and_floor_numbers_agree_with_rows(demo):
    now = timezone.now()
    for thread in Thread.objects.select_related("author", "last_replier"):
        floors = list(thread.floors.order_by("number").select_related("author"))
        assert [f.number for f in floors] == list(range(1, len(floors) + 1))
        assert thread.reply_count == len(floors) - 1 == thread.last_floor - 1
        assert floors[0].author_id == thread.author_id
        assert thread.created_at == floors[0].created_at
        # A 提升卡 moves a thread up without a floor: its last reply time is then the bump's.
        assert thread.last_reply_at == max(floors[-1].created_at, thread.bumped_at or floors[-1].created_at) <= now
        assert thread.last_replier_id == floors[-1].author_id
        assert all(a.created_at < b.created_at for a, b in zip(floors, floors[1:], strict=False))
        assert all(f.author.date_joined < f.created_at for f in floors)
        assert all(f.html.strip() for f in floors)


def test_member_counters_agree_with_rows(demo):
    posts = dict(Floor.objects.filter(is_deleted=False).values("author").annotate(n=Count("id"))
                 .values_list("author", "n"))
    threads = dict(Thread.objects.filter(is_deleted=False).values("author").annotate(n=Count("id"))
                   .values_list("author", "n"))
    digests = dict(Thread.objects.filter(is_deleted=False, digest__gt=0).values("author")
                   .annotate(n=Count("id")).values_list("author", "n"))
    for member in Member.objects.all():
        assert member.post_count == posts.get(member.pk, 0)
        assert member.thread_count == threads.get(member.pk, 0)
        assert member.digest_count == digests.get(member.pk, 0)


def test_every_post_cooks_to_what_was_meant(demo):
    """No BBCode tag was left as text and every smiley shortcode was known, outside code."""
    for source, fmt, html in Floor.objects.values_list("source", "format", "html"):
        outside_code = re.sub(r"<pre>.*?</pre>|<code>.*?</code>", "", html, flags=re.S)
        if fmt == "bbcode":
            assert not _BBCODE_TAG.search(outside_code), source
        assert not _SHORTCODE.search(outside_code), source


def test_content_uses_known_smilies_only():
    texts = [t.body for specs in content.THREADS.values() for t in specs]
    texts += [a if isinstance(a, str) else a[1] for specs in content.THREADS.values() for t in specs
              for a in (*t.answers, *([t.closing] if t.closing else []))]
    texts += [r for pool in content.POOLS.values() for r in pool] + list(content.INTRODUCTIONS.values())
    used = {name for text in texts for name in _SHORTCODE.findall(text)}
    assert used and used <= set(SMILIES)


def test_running_again_changes_nothing(demo):
    before = _snapshot()
    out = StringIO()
    call_command("demo", stdout=out)
    assert not build_demo().created
    assert _snapshot() == before
    assert out.getvalue().strip()


def test_same_seed_same_plan():
    now = timezone.now()

    def flat(plan):
        return [(t.spec.title, [(f.author, f.text, f.fmt, f.at, f.quote) for f in t.floors]) for t in plan.threads]

    first, again, other = plan_demo(seed=7, now=now), plan_demo(seed=7, now=now), plan_demo(seed=8, now=now)
    assert flat(first) == flat(again)
    assert flat(first) != flat(other)
    assert {n: m.joined for n, m in first.members.items()} == {n: m.joined for n, m in again.members.items()}


def test_plan_keeps_replies_in_order_and_after_joining():
    now = timezone.now()
    plan = plan_demo(seed=3, now=now)
    per_member = defaultdict(list)
    for thread in plan.threads:
        times = [f.at for f in thread.floors]
        assert times == sorted(times) and len(set(times)) == len(times)
        assert times[-1] <= now
        for floor in thread.floors:
            per_member[floor.author].append(floor.at)
    for name, times in per_member.items():
        assert plan.members[name].joined < min(times)


def test_luntan_recount_finds_nothing_to_correct(demo):
    """The demo's counters are the ones the rows give, as `luntan recount` computes them."""
    out = StringIO()
    call_command("recount", stdout=out)
    assert out.getvalue().strip() == "所有计数都正确，没有改动。"


def test_the_demo_sells_one_thread_whole(demo):
    """A thread price (luntan.hidden's demo): its opening post is one paid part, which some members bought."""
    from luntan.hidden.models import FloorPart, Purchase
    from luntan.markup.conditions import WHOLE, WHOLE_MARKER

    thread = Thread.objects.get(price__gt=0)
    opening = thread.floors.get(number=1)
    assert opening.html == WHOLE_MARKER
    assert FloorPart.objects.get(floor=opening, number=WHOLE).amount == thread.price
    assert Purchase.objects.filter(floor=opening, number=WHOLE).exists()
