"""`luntan bench`'s pure parts: reading wrk, the percentages and targets, the docs section, and the
synthetic site's counters on a tiny build. No load is run here."""

from datetime import timedelta

import pytest
from django.db.models import Count, Max
from django.test import Client
from django.utils import timezone

from luntan.accounts.models import Member, name_key
from luntan.bench import ceiling, report, server, site, wrk
from luntan.bench.ceiling import BODY, CEILING_BYTES
from luntan.bench.pages import ANONYMOUS, CEILING, MEMBER, CeilingClient, QueryCount
from luntan.bench.report import Row
from luntan.core.management.commands.serve import gunicorn_argv
from luntan.forum.models import Board, Floor, Thread

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8123/thread/1/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.21ms    2.10ms  48.30ms   88.10%
    Req/Sec     1.55k   120.33     1.81k    71.00%
  Latency Distribution
     50%    4.87ms
     75%    5.90ms
     90%    7.02ms
     99%   12.40ms
  30912 requests in 10.01s, 1.80GB read
Requests/sec:   3088.12
Transfer/sec:    184.32MB
"""


# --- wrk -----------------------------------------------------------------------------------------------------

def test_parse_reads_rate_percentiles_and_count():
    result = wrk.parse(WRK_OUTPUT)
    assert result.requests_per_second == pytest.approx(3088.12)
    assert result.p50_ms == pytest.approx(4.87)
    assert result.p99_ms == pytest.approx(12.40)
    assert result.requests == 30912
    assert result.errors == 0
    assert result.ok


def test_parse_counts_socket_errors_and_bad_statuses():
    output = WRK_OUTPUT.replace(
        "Requests/sec:",
        "  Socket errors: connect 0, read 2, write 1, timeout 3\n  Non-2xx or 3xx responses: 7\nRequests/sec:",
    )
    result = wrk.parse(output)
    assert result.errors == 13
    assert not result.ok


@pytest.mark.parametrize("text, ms", [
    ("812.00us", 0.812), ("1.25ms", 1.25), ("2.01s", 2010.0), ("1.00m", 60_000.0), ("7ms", 7.0),
])
def test_duration_units(text, ms):
    assert wrk.duration_ms(text) == pytest.approx(ms)


def test_parse_refuses_output_without_latency_distribution():
    without = "\n".join(line for line in WRK_OUTPUT.splitlines() if "%" not in line or "Stdev" in line)
    with pytest.raises(wrk.WrkError):
        wrk.parse(without)


def test_command_is_bounded_and_carries_the_session_cookie():
    args = wrk.command("/usr/bin/wrk", "http://127.0.0.1:8000/", seconds=3, connections=16, threads=2,
                       cookie="sessionid=abc")
    assert args[:4] == ["/usr/bin/wrk", "-t2", "-c16", "-d3s"]
    assert "--latency" in args
    assert args[args.index("-H") + 1] == "Cookie: sessionid=abc"
    assert args[-1] == "http://127.0.0.1:8000/"


@pytest.mark.parametrize("url", ["http://10.0.0.5/", "http://example.com/", "http://192.168.1.2:8000/"])
def test_command_refuses_anything_but_loopback(url):
    with pytest.raises(wrk.WrkError):
        wrk.command("/usr/bin/wrk", url, seconds=3, connections=16, threads=2)


def test_combine_keeps_the_fastest_round_and_counts_everything():
    rounds = [
        wrk.WrkResult(requests_per_second=500, p50_ms=30, p99_ms=90, requests=2000, errors=0),
        wrk.WrkResult(requests_per_second=1000, p50_ms=10, p99_ms=20, requests=4000, errors=1),
        wrk.WrkResult(requests_per_second=1100, p50_ms=9, p99_ms=19, requests=4400, errors=0),
    ]
    combined = wrk.combine(rounds)
    assert (combined.requests_per_second, combined.p50_ms, combined.p99_ms) == (1100, 9, 19)
    assert (combined.requests, combined.errors) == (10_400, 1)
    with pytest.raises(ValueError):
        wrk.combine([])


# --- percentages and targets ---------------------------------------------------------------------------------

def _result(rps: float, p99: float = 10.0) -> wrk.WrkResult:
    return wrk.WrkResult(requests_per_second=rps, p50_ms=p99 / 2, p99_ms=p99, requests=int(rps * 10), errors=0)


def test_percent_and_within():
    assert report.percent(500, 2000) == pytest.approx(25.0)
    assert report.percent(5, 0) is None
    assert report.within(80, 100, 0.20)
    assert not report.within(79, 100, 0.20)
    assert report.within(150, 100, 0.20)  # a faster last page is never a failure


def _rows(*, anon_thread=1200, member_thread=500, mega_first=1000, mega_last=900, p99=20.0, queries=6,
          writes=()):
    q = QueryCount(rendered=queries, cached=queries, writes=list(writes))
    return [
        Row(CEILING, ANONYMOUS, _result(2000)),
        Row(CEILING, MEMBER, _result(1500)),
        Row("thread page 1", ANONYMOUS, _result(anon_thread, p99), q),
        Row("thread page 1", MEMBER, _result(member_thread), q),
        Row("megathread first page", ANONYMOUS, _result(mega_first), q),
        Row("megathread first page", MEMBER, _result(mega_first / 2), q),
        Row("megathread last page (5000)", ANONYMOUS, _result(mega_last), q),
        Row("megathread last page (5000)", MEMBER, _result(mega_last / 2), q),
    ]


def test_every_target_passes_on_good_figures():
    found = report.checks(_rows())
    assert len(found) == 7
    assert all(c.passed for c in found), report.checks_text(found)


def test_targets_are_shares_of_the_anonymous_ceiling():
    found = {c.name: c for c in report.checks(_rows(anon_thread=1199, member_thread=399))}
    anon = next(c for name, c in found.items() if name.startswith("anonymous thread"))
    member = next(c for name, c in found.items() if name.startswith("signed-in thread"))
    assert not anon.passed and "60%" in anon.detail and "≥ 60%" in anon.name  # 1,199 of 2,000
    assert not member.passed and "20%" in member.detail  # 399 of 2000, not of the signed-in ceiling


@pytest.mark.parametrize("change, failing", [
    ({"p99": 50.0}, "p99"),
    ({"mega_last": 700}, "megathread"),
    ({"queries": 9}, "≤"),
    ({"writes": ["UPDATE accounts_member SET last_activity = 1"]}, "no database write"),
])
def test_each_target_fails_on_its_own(change, failing):
    found = report.checks(_rows(**change))
    failed = [c.name for c in found if not c.passed]
    assert len(failed) == 1 and failed[0].startswith(failing), failed


def test_errors_fail_their_own_check():
    rows = _rows()
    rows[2].result = wrk.WrkResult(requests_per_second=1200, p50_ms=5, p99_ms=10, requests=12000, errors=3)
    failed = [c for c in report.checks(rows) if not c.passed]
    assert [c.name for c in failed] == ["every request answered (2xx/3xx, no socket error)"]
    assert "thread page 1 (anonymous): 3" in failed[0].detail


def test_table_shows_each_page_as_a_share_of_the_ceiling():
    text = report.table(_rows())
    lines = text.splitlines()
    assert lines[0].startswith("| page")
    thread_line = next(line for line in lines if "thread page 1" in line and ANONYMOUS in line)
    assert "1,200" in thread_line and "60%" in thread_line
    assert len({len(line) for line in lines}) == 1  # aligned


def test_missing_measurements_are_not_passes():
    found = report.checks([Row(CEILING, ANONYMOUS, _result(2000))])
    unmeasured = [c for c in found if "thread page" in c.name or "megathread" in c.name]
    assert unmeasured and all(c.passed is None for c in unmeasured)


def test_docs_section_is_replaced_and_the_prose_kept(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\nProse that stays.\n", encoding="utf-8")
    first = report.section(rows=_rows(), found=report.checks(_rows()), facts=[("date", "first-run-date")])
    report.write_docs(path, first, template="")
    second = report.section(rows=_rows(), found=report.checks(_rows()), facts=[("date", "second-run-date")])
    report.write_docs(path, second, template="")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nProse that stays.\n")
    assert text.count(report.BEGIN) == 1 and text.count(report.END) == 1
    assert "second-run-date" in text and "first-run-date" not in text


# --- the ceiling view ---------------------------------------------------------------------------------------

def test_ceiling_is_sixty_kilobytes_of_valid_utf8():
    assert len(BODY) == CEILING_BYTES
    BODY.decode("utf-8")


def test_ceiling_runs_djangos_default_middleware_not_the_sites():
    client = CeilingClient()
    status, headers, content = client.request(ceiling.PATH)
    assert status == 200 and content == BODY
    assert "Content-Security-Policy" not in headers  # the site's SecurityHeadersMiddleware did not run
    assert headers["X-Frame-Options"] == "DENY" and headers["Referrer-Policy"]  # Django's own did
    assert [type(m.__self__).__name__ for m in client.handler._view_middleware] == ["CsrfViewMiddleware"]
    assert client.get("/") == 404  # it routes nothing of the site


@pytest.mark.django_db
def test_the_site_has_no_ceiling_and_keeps_its_own_middleware():
    assert Client().get(ceiling.PATH).status_code == 404
    from django.conf import settings

    assert "luntan.core.middleware.SecurityHeadersMiddleware" in settings.MIDDLEWARE


def test_bench_server_is_luntan_serve_with_the_ceiling_beside_the_site():
    line = server.argv(8123, workers=3)
    site_line = gunicorn_argv(bind="127.0.0.1:8123", workers=3)
    assert line[-1] == "luntan.bench.wsgi:application" and site_line[-1] == "luntan.wsgi:application"
    assert line[:-1] == site_line[:-1]


# --- the synthetic site -------------------------------------------------------------------------------------

@pytest.fixture
def tiny_site(db):
    return site.build_site(floors=300, megathread=100, members=30)


def test_tiny_site_has_the_sizes_asked_for(tiny_site):
    assert tiny_site.megathread_floors == 100
    assert tiny_site.floors == Floor.objects.count() == 400
    assert Thread.objects.get(pk=tiny_site.thread_id).last_floor >= 20
    assert site.find_site() == tiny_site
    assert not site.database_is_empty()


def test_thread_counters_match_their_floors(tiny_site):
    for thread in Thread.objects.annotate(n=Count("floors"), newest=Max("floors__created_at")):
        last = thread.floors.get(number=thread.n)
        assert thread.last_floor == thread.n
        assert thread.reply_count == thread.n - 1
        assert thread.last_reply_at == thread.newest == last.created_at
        assert thread.last_replier_id == last.author_id
        assert thread.last_replier_name == last.author.username
        assert thread.created_at == thread.floors.get(number=1).created_at
        assert thread.author_id == thread.floors.get(number=1).author_id
        assert sorted(thread.floors.values_list("number", flat=True)) == list(range(1, thread.n + 1))


def test_board_counters_match_their_threads(tiny_site):
    today = timezone.localdate()
    for board in Board.objects.all():
        threads = Thread.objects.filter(board=board)
        floors = Floor.objects.filter(thread__board=board)
        assert board.thread_count == threads.count()
        assert board.post_count == floors.count()
        days = [timezone.localdate(t) for t in floors.values_list("created_at", flat=True)]
        assert board.posts_on(today) == days.count(today)
        assert board.yesterday_posts == days.count(today - timedelta(days=1))
        moderators = list(board.moderators.all())
        assert board.moderator_names == ", ".join(m.username for m in moderators)
        newest = threads.order_by("-last_reply_at").first()
        assert board.last_thread_id == (newest.pk if newest else None)
        if newest:
            assert board.last_thread_title == newest.title
            assert board.last_post_at == newest.last_reply_at
            assert board.last_poster_name == newest.last_replier_name


def test_member_counters_match_their_posts(tiny_site):
    for member in Member.objects.annotate(n_floors=Count("floors", distinct=True),
                                          n_threads=Count("threads", distinct=True)):
        assert member.post_count == member.n_floors
        assert member.thread_count == member.n_threads
        assert member.name_key == name_key(member.username)  # what save() would have set


def test_floors_carry_cooked_html(tiny_site):
    floor = Floor.objects.filter(format="bbcode", source__contains="[b]").first()
    assert floor is not None and "<strong>" in floor.html and "[b]" not in floor.html


def test_a_site_with_posts_is_not_mistaken_for_a_bench_site(make_thread):
    make_thread(replies=2)
    assert site.find_site() is None
    assert not site.database_is_empty()


@pytest.mark.django_db
def test_an_empty_database_is_empty():
    assert site.find_site() is None
    assert site.database_is_empty()


def test_busy_share_is_the_busy_part_of_the_cpu_time_that_passed(monkeypatch):
    from luntan.bench import machine

    readings = iter([(100, 1000), (150, 1100)])  # 50 busy jiffies out of 100
    monkeypatch.setattr(machine, "_cpu_times", lambda: next(readings))
    monkeypatch.setattr(machine.time, "sleep", lambda s: None)
    assert machine.busy_share(1.0) == pytest.approx(0.5)
    monkeypatch.setattr(machine, "_cpu_times", lambda: (100, 1000))  # no time passed: no share
    assert machine.busy_share(1.0) is None
    monkeypatch.setattr(machine, "_cpu_times", lambda: None)  # no /proc/stat
    assert machine.busy_share(1.0) is None


@pytest.mark.parametrize("ours, expected", [(20, 0.4), (0, 0.6), (60, 0.0), (90, 0.0)])
def test_cpu_meter_counts_only_what_other_processes_used(monkeypatch, ours, expected):
    from luntan.bench import machine

    # 60 of 100 jiffies busy; the server's group, this process and wrk used `ours` of them.
    readings = iter([(1000, 5000), (1060, 5100)])
    ticks = iter([500, 500 + ours])
    monkeypatch.setattr(machine, "_cpu_times", lambda: next(readings))
    monkeypatch.setattr(machine, "_group_ticks", lambda pgid: next(ticks))
    monkeypatch.setattr(machine, "_own_ticks", lambda: 0)
    meter = machine.CpuMeter(12345)
    meter.start()
    assert meter.others() == pytest.approx(expected)


def test_the_bench_thread_is_dressed_with_every_feature_of_a_thread_page(tiny_site, django_capture_on_commit_callbacks):
    from django.test import Client

    from luntan.attachments.models import Attachment
    from luntan.bench import dress
    from luntan.hidden.models import FloorPart
    from luntan.notices.models import Notice
    from luntan.polls.models import Poll

    with django_capture_on_commit_callbacks(execute=True):
        dress.dress_thread(tiny_site.thread_id)
    thread = Thread.objects.get(pk=tiny_site.thread_id)
    assert Poll.objects.filter(thread=thread).count() == 1
    assert FloorPart.objects.filter(floor__thread=thread).count() == 3
    assert Attachment.objects.filter(floor__thread=thread, price=3).count() == 1
    assert Attachment.objects.filter(floor__thread=thread, kind=Attachment.Kind.IMAGE).count() == 1
    assert Notice.objects.filter(kind="mention").count() >= 1
    page = Client().get(f"/thread/{thread.pk}/").content.decode()
    assert "个性签名" in page and 'class="mention"' in page and "行程表.txt" in page
    assert "本帖隐藏的内容需要回复才可以浏览" in page and "集合地点" not in page  # a guest reads no hidden part
    edited = Floor.objects.filter(thread=thread, edited_at__isnull=False).count()
    dress.dress_thread(tiny_site.thread_id)  # a later run finds it dressed
    assert Floor.objects.filter(thread=thread, edited_at__isnull=False).count() == edited
    assert Poll.objects.filter(thread=thread).count() == 1
