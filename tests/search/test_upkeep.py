"""The index follows the forum: every create, edit, title change, delete and restore, merge and split,
purge and recook; `luntan search reindex` rebuilds it while searches go on; the admin's dictionary."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from factories import MemberFactory

from luntan.forum import services
from luntan.forum.models import Floor
from luntan.moderation import services as moderation
from luntan.moderation import surgery
from luntan.search import api, index
from luntan.search import services as search_services
from luntan.search import text as searchtext
from luntan.search.api import Filters
from luntan.search.models import SearchWord


def index_rows() -> int:
    return index.row_count()


def empty_the_index() -> None:
    index.clear()


@pytest.fixture(autouse=True)
def empty_index(request):
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    empty_the_index()
    searchtext.reload_dictionary(set())
    yield
    searchtext.reload_dictionary(set())  # built now: no dictionary read inside a later test's query count
    index._seen_version = None  # as the next test's emptied cache says


@pytest.fixture
def post(board, member):
    def make(title: str, body: str = "正文", *, by=None):
        return services.thread_create(author=by or member, board=board, title=title, source=body,
                                      fmt="bbcode").thread

    return make


def found(member, text: str, **kwargs) -> list[int]:
    return [h.floor_id for h in api.search(member, text, **kwargs).hits]


def test_an_edit_replaces_the_old_words(member, post):
    t = post("旧标题", "原来说的是火锅")
    opening = t.floors.get(number=1)
    services.floor_edit(editor=member, floor=opening, source="现在改成烧烤", fmt="bbcode", title="新标题")
    assert found(member, "火锅") == []
    assert found(member, "烧烤") == [opening.pk]
    assert found(member, "新标题", filters=Filters(title_only=True)) == [opening.pk]
    assert found(member, "旧标题") == []


def test_a_moderators_title_change_is_followed(member, post, moderator):
    t = post("错别字标题", "内容")
    services.thread_update(member=moderator, thread=t, title="改好的题目")
    assert found(member, "题目") == [t.floors.get(number=1).pk]
    assert found(member, "错别字") == []


def test_delete_and_restore_hide_and_show_without_touching_the_index(member, post, moderator, admin):
    t = post("闲聊", "说说")
    reply = services.post_reply(author=member, thread=t, source="复工复产的消息", fmt="bbcode")
    rows = index_rows()
    services.floor_delete(member=moderator, floor=reply)
    assert found(member, "复产") == []
    services.floor_restore(member=moderator, floor=reply)
    assert found(member, "复产") == [reply.pk]
    moderation.thread_delete(member=moderator, thread=t)
    assert found(member, "复产") == []
    moderation.thread_restore(member=admin, thread=t)
    assert found(member, "复产") == [reply.pk]
    assert index_rows() == rows


def test_a_move_shows_the_thread_under_its_new_board(member, post, other_board, admin):
    t = post("搬家", "显卡")
    moderation.thread_move(member=admin, thread=t, target=other_board)
    hit = api.search(member, "显卡").hits[0]
    assert hit.board_id == other_board.pk


def test_a_merge_takes_the_merged_threads_title_from_its_opening_post(member, post, moderator):
    a = post("火锅店推荐", "这家不错")
    b = post("烧烤摊推荐", "那家也行")
    b_opening = b.floors.get(number=1)
    assert found(member, "烧烤摊", filters=Filters(title_only=True)) == [b_opening.pk]
    surgery.thread_merge(member=moderator, thread=a, other=b)
    assert found(member, "烧烤摊", filters=Filters(title_only=True)) == []
    hit = api.search(member, "那家").hits[0]
    assert (hit.floor_id, hit.thread_id, hit.number) == (b_opening.pk, a.pk, 2)


def test_a_split_gives_the_new_threads_first_floor_its_title(member, post, moderator):
    a = post("大杂烩", "什么都聊")
    reply = services.post_reply(author=member, thread=a, source="说说显卡", fmt="bbcode")
    new = surgery.thread_split(member=moderator, thread=a, numbers=[2], title="显卡专题讨论")
    assert found(member, "专题", filters=Filters(title_only=True)) == [reply.pk]
    hit = api.search(member, "显卡").hits[0]
    assert (hit.floor_id, hit.thread_id, hit.number) == (reply.pk, new.pk, 1)


def test_a_purge_removes_the_rows(member, post, moderator):
    t = post("要清除的帖子", "内容")
    services.post_reply(author=member, thread=t, source="回复", fmt="bbcode")
    assert index_rows() == 2
    services.thread_delete(member=moderator, thread=t)
    services.thread_purge(member=moderator, thread=t)
    assert index_rows() == 0


def test_a_recook_is_followed(member, post):
    t = post("标题", "原文")
    Floor.objects.filter(thread=t).update(html="<p>旧的熟文本</p>")  # as an older markup rule left it
    index.index_floors(t.floors.values_list("pk", flat=True))
    assert found(member, "熟") != [] or found(member, "文本") != []
    services.floors_recook()
    assert found(member, "原文") == [t.floors.get(number=1).pk]
    assert found(member, "文本") == []


def test_reindex_rebuilds_everything_with_progress(member, post):
    for i in range(5):
        post(f"第{i}帖 火锅", "火锅")
    empty_the_index()
    assert found(member, "火锅") == []
    seen = []
    assert index.reindex(lambda done, total: seen.append((done, total)), batch=2) == 5
    assert len(found(member, "火锅")) == 5
    assert seen[0] == (0, 5) and seen[-1] == (5, 5) and len(seen) == 4


def test_reindex_drops_rows_of_floors_that_are_gone(member, post):
    t = post("火锅", "火锅")
    if connection.vendor == "sqlite":  # a row as the index writes it, of a floor that no longer exists
        index._write([(999999, "", "火锅", "", "", "1")], [])
    else:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_floorindex (floor_id, doc) VALUES (999999, '''火锅'':1C')")
    assert index_rows() == 2
    index.reindex()
    assert index_rows() == 1
    assert found(member, "火锅") == [t.floors.get().pk]


def test_the_reindex_command_shows_a_progress_bar(member, post, capsys):
    post("火锅", "火锅")
    call_command("search", "reindex")
    out = capsys.readouterr().out
    assert "[" + "#" * 30 + "] 1/1" in out
    assert "1 floors indexed" in out


def test_the_demo_hook_reindexes(member, post):
    from luntan.search import demo

    post("火锅", "火锅")
    empty_the_index()
    demo.fill_demo(members=[member], rng=None, now=None)
    assert len(found(member, "火锅")) == 1


@pytest.mark.django_db(transaction=True)
def test_searches_go_on_while_reindexing(member, post):
    for i in range(30):
        post(f"火锅{i}", "火锅")
    failures, counts = [], []
    stop = threading.Event()

    def searching():
        try:
            while not stop.is_set():
                counts.append(api.search(member, "火锅", per_page=50).total)
        except Exception as error:  # noqa: BLE001 - any error fails the test below
            failures.append(error)
        finally:
            connection.close()

    reader = threading.Thread(target=searching)
    reader.start()
    try:
        index.reindex(batch=3)
    finally:
        stop.set()
        reader.join()
    assert failures == []
    assert counts and min(counts) == 30  # never an empty or half index while it ran


def test_an_admin_word_stays_whole_and_old_floors_are_still_found(admin, member, post):
    old = post("新游戏", "大家在玩原神启动吗").floors.get()
    search_services.search_word_add(member=admin, word="原神启动")
    search_services.dictionary_changed()  # after commit (the test's transaction does not commit)
    assert "原神启动" in searchtext.index_terms("原神启动了").words
    new = post("再聊", "原神启动真好玩").floors.get()
    assert set(found(member, "原神启动")) == {old.pk, new.pk}
    assert set(found(member, "原神")) == {old.pk, new.pk}


def test_only_an_admin_adds_words_and_bad_words_are_refused(admin, member):
    with pytest.raises(PermissionDenied):
        search_services.search_word_add(member=member, word="原神")
    with pytest.raises(ValidationError):
        search_services.search_word_add(member=admin, word="原")
    with pytest.raises(ValidationError):
        search_services.search_word_add(member=admin, word="有 空格")
    search_services.search_word_add(member=admin, word="ＡＢＣ游戏")
    with pytest.raises(ValidationError):
        search_services.search_word_add(member=admin, word="abc游戏")
    assert list(SearchWord.objects.values_list("word", flat=True)) == ["abc游戏"]


def test_the_admin_page_adds_and_removes_words(admin_client):
    response = admin_client.post("/admin/search/searchword/add/", {"word": "原神启动"})
    assert response.status_code == 302
    word = SearchWord.objects.get()
    assert word.word == "原神启动"
    response = admin_client.post(f"/admin/search/searchword/{word.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not SearchWord.objects.exists()


def test_board_and_member_names_are_words_of_the_dictionary(board, post, member):
    author = MemberFactory(username="蓝色天空")
    searchtext.reload_dictionary()  # read from the database, as a new process does
    assert "灌水乐园" in searchtext.index_terms("欢迎来到灌水乐园").words
    assert "蓝色天空" in searchtext.index_terms("感谢蓝色天空的分享").words
    t = post("感谢蓝色天空的分享", by=author)
    assert found(member, "蓝色天空") == [t.floors.get().pk]
    assert found(member, "天空") == [t.floors.get().pk]  # its pieces still find it


def test_api_exposes_reindex(member, post):
    post("火锅", "火锅")
    empty_the_index()
    assert api.reindex() == 1
    assert len(found(member, "火锅")) == 1


@pytest.mark.django_db(transaction=True)
def test_a_new_member_or_board_name_joins_the_dictionary_of_every_process(board, admin):
    from luntan.forum.models import Board
    from luntan.forum.services import board_save

    searchtext.reload_dictionary(set())
    assert "蓝莓小丸子" not in searchtext.query_words("蓝莓小丸子")
    MemberFactory(username="蓝莓小丸子")
    assert searchtext.query_words("蓝莓小丸子") == ["蓝莓小丸子"]  # this process: at once
    searchtext.reload_dictionary(set())  # another process, whose dictionary was built before
    index.dictionary_fresh()
    assert searchtext.query_words("蓝莓小丸子") == ["蓝莓小丸子"]
    board_save(member=admin, board=Board(name="夜跑打卡群", category=board.category))
    searchtext.reload_dictionary(set())
    index.dictionary_fresh()
    assert searchtext.query_words("夜跑打卡群") == ["夜跑打卡群"]
