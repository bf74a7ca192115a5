"""The search engine through its one interface (api.search), on the database's own backend: FTS5 on SQLite,
full text on PostgreSQL. What a member finds, and what they must not."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from factories import MemberFactory

from luntan.forum import permissions, services
from luntan.forum.models import Floor, Thread
from luntan.moderation import services as moderation
from luntan.search import api, index
from luntan.search import text as searchtext
from luntan.search.api import Filters


@pytest.fixture(autouse=True)
def empty_index(db):
    """No rows left by a transactional test of another file (the test runner's flush leaves them)."""
    index.clear()
    searchtext.reload_dictionary(set())
    yield
    searchtext.reload_dictionary(set())  # built now: no dictionary read inside a later test's query count


def index_rows() -> int:
    return index.row_count()


@pytest.fixture
def post(board, member):
    def make(title: str, body: str = "正文", *, by=None, on=None) -> Thread:
        floor = services.thread_create(author=by or member, board=on or board, title=title, source=body,
                                       fmt="bbcode")
        return floor.thread

    return make


def found(member, text: str, **kwargs) -> list[int]:
    return [h.thread_id for h in api.search(member, text, **kwargs).hits]


def test_the_backend_follows_the_database():
    assert api.backend_named(None).name == {"sqlite": "fts5", "postgresql": "postgres"}[connection.vendor]
    assert api.backend_named("like").name == "like"


def test_a_compound_is_found_by_each_of_its_words(member, post):
    t = post("各地加快复工复产", "企业陆续复工复产，工人返岗。")
    other = post("今天天气真好", "出来晒太阳")
    assert found(member, "复工") == [t.pk]
    assert found(member, "复产") == [t.pk]
    assert other.pk not in found(member, "天气 复工")


def test_characters_that_meet_across_a_word_boundary_do_not_match(member, post):
    post("服务很好", "店员态度温和服务周到")
    post("南京游记", "走过南京市长江大桥")
    kimono = post("买了一件和服", "和服很好看")
    mayor = post("市长讲话", "市长来视察")
    assert found(member, "和服") == [kimono.pk]
    assert found(member, "市长") == [mayor.pk]
    # the plain LIKE search finds the accidental ones: the test above could fail
    assert len(found(member, "和服", backend="like")) == 2


def test_one_character_finds_the_words_it_begins_and_marks_that_character(member, post):
    crying = post("四个月宝宝", "宝宝夜里总是哭闹，抱起来才睡")
    post("天气", "夜里下了一场雨")
    assert found(member, "宝宝 夜里 哭") == [crying.pk]
    hit = api.search(member, "哭").hits[0]
    assert ("哭", True) in hit.snippet and ("哭闹", True) not in hit.snippet


def test_a_character_of_a_longer_word_typed_is_not_marked_inside_other_words(member, post):
    post("新手写的第一个小程序", "结果推送到手机上")
    hit = api.search(member, "手机").hits[0]
    assert [p for p, marked in hit.title if marked] == []  # 手写 starts with 手, but 手机 was typed
    assert ("手机", True) in hit.snippet


def test_traditional_and_simplified_find_each_other(member, post):
    trad = post("復工復產進行中", "各廠陸續復工")
    simp = post("复工安排", "下周一复工")
    assert set(found(member, "复工")) == {trad.pk, simp.pk}
    assert set(found(member, "復工")) == {trad.pk, simp.pk}


def test_full_width_and_half_width_letters_find_each_other(member, post):
    wide = post("ＩＰＨＯＮＥ１５ 到手", "屏幕很好")
    narrow = post("iPhone15 评测", "续航一般")
    assert set(found(member, "iphone15")) == {wide.pk, narrow.pk}
    assert set(found(member, "ｉＰｈｏｎｅ１５")) == {wide.pk, narrow.pk}


def test_mixed_scripts_keep_ascii_words_and_numbers_whole(member, post):
    t = post("用Python3写爬虫", "版本3.12发布")
    assert found(member, "python3") == [t.pk]
    assert found(member, "3.12") == [t.pk]
    assert found(member, "爬虫 python3") == [t.pk]
    assert found(member, "12") == []  # 3.12 is one number


def test_letters_and_digits_written_together_or_apart_find_each_other(member, post):
    together = post("RTX4060显卡到了", "装上iPhone15的充电线")
    apart = post("显卡选择", "RTX 4060 还是等等，iPhone 15 先不换")
    dashed = post("接口", "只有一个USB-C口，网卡是Wi-Fi 6")
    post("别的显卡", "RTX 3060 和 4070 都看过")
    assert set(found(member, "rtx4060")) == {together.pk, apart.pk}
    assert set(found(member, "RTX 4060")) == {together.pk, apart.pk}
    assert set(found(member, "iphone15")) == {together.pk, apart.pk}
    assert found(member, "usbc") == [] and found(member, "usb c") == [dashed.pk]
    assert found(member, "python") == []
    hit = api.search(member, "rtx 4060", sort="newest").hits[-1]
    assert ("RTX4060", True) in hit.title


def test_a_quoted_word_wants_its_pieces_side_by_side(member, post):
    whole = post("墙面", "刷了一层防水涂料")
    apart = post("装修", "卫生间做了防水，墙面涂料选了白色")
    assert set(found(member, "防水涂料")) >= {whole.pk}
    assert apart.pk not in found(member, '"防水涂料"')
    assert whole.pk in found(member, '"防水涂料"')


def test_a_word_typed_whole_finds_the_text_where_it_was_cut_finer(member, post):
    bridge = post("游记", "我在南京市长江大桥上")
    that_one = post("推荐", "那家也行")
    post("别的", "研究生命起源")
    assert found(member, "南京长江大桥") == [bridge.pk]  # one word typed, 南京市|长江大桥 written
    assert found(member, "那家") == [that_one.pk]
    assert found(member, "研究生") == []  # 研究|生命: no 研究生 there


def test_all_words_must_match_by_default(member, post):
    both = post("北京美食", "烤鸭很好吃")
    post("北京天气", "今天下雨")
    assert found(member, "北京 烤鸭") == [both.pk]


def test_a_quoted_phrase_wants_its_words_side_by_side_in_order(member, post):
    together = post("游记", "我爱北京天安门")
    apart = post("随笔", "天安门在北京，我爱它")
    assert set(found(member, "北京 天安门")) == {together.pk, apart.pk}
    assert found(member, '"北京天安门"') == [together.pk]
    assert found(member, "“北京天安门”") == [together.pk]


def test_minus_leaves_out_and_or_accepts_either(member, post):
    apple = post("苹果手机", "手机好用")
    other = post("国产手机", "手机便宜")
    pc = post("电脑推荐", "配置单")
    assert found(member, "手机 -苹果") == [other.pk]
    assert set(found(member, "手机 OR 电脑")) == {apple.pk, other.pk, pc.pk}
    assert found(member, "配置单 OR 苹果 -手机") == [pc.pk]


@pytest.mark.parametrize("typed", ['"', "-", "OR", "-手机", "\x00\x07", "，，", "复工" * 500, "", "   "])
def test_bad_input_gives_a_message_never_an_error(member, post, typed):
    post("手机", "手机")
    results = api.search(member, typed)
    assert results.hits == [] and results.total == 0
    assert results.message


def test_unbalanced_quote_still_searches(member, post):
    t = post("长江大桥", "长江大桥很长")
    results = api.search(member, '"长江大桥')
    assert [h.thread_id for h in results.hits] == [t.pk] and not results.message


def test_title_only_digest_only_author_boards_and_dates(member, other_member, post, other_board, admin):
    in_title = post("显卡推荐", "看看")
    in_body = post("装机", "显卡怎么选", by=other_member, on=other_board)
    assert set(found(member, "显卡")) == {in_title.pk, in_body.pk}
    assert found(member, "显卡", filters=Filters(title_only=True)) == [in_title.pk]
    assert found(member, "显卡", filters=Filters(author_id=other_member.pk)) == [in_body.pk]
    assert found(member, "显卡", filters=Filters(board_ids=frozenset({other_board.pk}))) == [in_body.pk]
    services.thread_update(member=admin, thread=in_body, digest=1)
    assert found(member, "显卡", filters=Filters(digest_only=True)) == [in_body.pk]
    Floor.objects.filter(thread=in_title).update(created_at=timezone.now() - timedelta(days=40))
    today = timezone.localdate()
    assert found(member, "显卡", filters=Filters(since=today - timedelta(days=1))) == [in_body.pk]
    assert found(member, "显卡", filters=Filters(until=today - timedelta(days=30))) == [in_title.pk]


def test_replies_are_found_with_their_floor_number(member, post):
    t = post("闲聊", "随便说说")
    services.post_reply(author=member, thread=t, source="我觉得复工复产很重要", fmt="bbcode")
    hit = api.search(member, "复产").hits[0]
    assert (hit.thread_id, hit.number) == (t.pk, 2)


def test_hidden_boards_deleted_floors_and_closed_threads_never_appear(member, post, other_board, admin, moderator,
                                                                     django_capture_on_commit_callbacks):
    secret = post("机密文件", "机密内容", on=other_board)
    assert found(member, "机密") == [secret.pk]  # before the board is hidden: the index has it
    with django_capture_on_commit_callbacks(execute=True):
        services.board_access_set(member=admin, board=other_board, rules={member.group_id: permissions.Access(
            can_see=False, can_read=False, can_post=False, can_reply=False)})
    closed = post("机密会议", "机密")
    moderation.thread_close(member=moderator, thread=closed, closed=True)
    open_thread = post("公开", "这里没有秘密")
    reply = services.post_reply(author=member, thread=open_thread, source="机密已删除", fmt="bbcode")
    services.floor_delete(member=moderator, floor=reply)
    deleted = post("机密帖子", "删了")
    services.thread_delete(member=moderator, thread=deleted)
    assert found(member, "机密") == []
    assert len(found(member, "机密", backend="like")) == 0
    assert index_rows() == Floor.objects.count() == 5  # hidden at search time, not left out of the index


def test_ranking_puts_title_matches_and_digests_first_and_newest_sorts_by_time(member, post, admin):
    body = post("随便聊聊", "顺便说一下火锅")
    title = post("火锅推荐", "好吃")
    assert found(member, "火锅")[0] == title.pk
    services.thread_update(member=admin, thread=body, digest=3)
    services.thread_update(member=admin, thread=title, title="推荐一家火锅")
    Floor.objects.filter(thread=title).update(created_at=timezone.now() - timedelta(days=5))
    assert found(member, "火锅", sort="newest") == [body.pk, title.pk]


def test_snippets_and_titles_mark_the_words_as_written(member, post):
    post("復工通知", "前面" * 100 + "各廠明日復工，請準時到崗" + "後面" * 100)
    hit = api.search(member, "复工").hits[0]
    assert ("復工", True) in hit.title
    assert ("復工", True) in hit.snippet
    assert len("".join(p for p, _ in hit.snippet)) <= 125


def test_pages_and_totals(member, post):
    for i in range(13):
        post(f"第{i}个火锅帖", "火锅")
    first = api.search(member, "火锅", per_page=10)
    second = api.search(member, "火锅", page=2, per_page=10)
    past = api.search(member, "火锅", page=9, per_page=10)
    assert (first.total, first.pages, len(first.hits)) == (13, 2, 10)
    assert len(second.hits) == 3
    assert set(h.floor_id for h in first.hits).isdisjoint(h.floor_id for h in second.hits)
    assert past.hits == [] and past.total == 13


def test_a_search_takes_the_same_queries_for_one_hit_as_for_many(member, post, django_assert_max_num_queries,
                                                                 django_assert_num_queries):
    post("火锅", "火锅")
    api.search(member, "火锅")  # the dictionary and the board tables are read once per process
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert len(api.search(member, "火锅").hits) == 1
    for i in range(15):
        post(f"火锅{i}", "火锅店", by=MemberFactory())
    api.search(member, "火锅")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(api.search(member, "火锅").hits) == 10


def test_only_the_newest_candidates_are_ranked_and_the_results_say_there_are_more(member, post, monkeypatch):
    from luntan.search.backends import fts5, postgres

    for i in range(4):
        post(f"火锅{i}", "火锅")
    monkeypatch.setattr(fts5.Fts5Backend, "candidates", 3)
    monkeypatch.setattr(postgres.PostgresBackend, "candidates", 3)
    monkeypatch.setattr("luntan.search.backends.indexed.CANDIDATES", 3)
    results = api.search(member, "火锅")
    assert (results.total, results.more) == (3, True)
    assert api.search(member, "火锅0").more is False


def test_waiting_posts_appear_only_once_approved(member, post, board, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.board_access_set(member=admin, board=board, rules={member.group_id: permissions.Access(
            needs_approval=True)})
    waiting = post("待审核的火锅帖", "火锅")
    assert Thread.objects.get(pk=waiting.pk).is_waiting
    assert found(member, "火锅") == []
    services.approve_waiting(member=admin, floor=waiting.floors.get())
    assert found(member, "火锅") == [waiting.pk]


def test_an_excluded_phrase_and_a_title_only_phrase(member, post):
    together = post("北京天安门游记", "我爱北京天安门")
    apart = post("随笔", "天安门在北京，我爱它")
    assert found(member, '天安门 -"北京天安门"') == [apart.pk]
    assert found(member, '"北京天安门"', filters=Filters(title_only=True)) == [together.pk]
    assert found(member, '"天安门 北京"', filters=Filters(title_only=True)) == []
