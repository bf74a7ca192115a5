"""敏感词: each action (block, replace, hold, flag) where members write, each folding the matcher sees through,
the admin's list and tools, and the speed with 10,000 words."""

import html
import random
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from helpers import signed_in

from luntan.accounts import services as accounts
from luntan.accounts.models import Member
from luntan.checkin import services as checkin
from luntan.checkin.models import CheckIn
from luntan.forum import services as forum
from luntan.forum.models import Floor, Thread
from luntan.protection import words
from luntan.protection.models import WatchedWord, WordHit
from luntan.reports.models import Report

Action = WatchedWord.Action


@pytest.fixture
def watch(db, admin, django_capture_on_commit_callbacks):
    """Adds watched words through the service, committed (the list's version moves, as in production)."""

    def add(word: str, action: str = Action.REPLACE) -> WatchedWord:
        with django_capture_on_commit_callbacks(execute=True):
            return words.word_save(by=admin, word=WatchedWord(word=word, action=action))

    return add


def matcher_of(*pairs: tuple[str, str]) -> words.Matcher:
    return words.Matcher([(words.word_key(w), w, a) for w, a in pairs])


# --- Folding: what the matcher sees through (no database) ---------------------------------------------------------

SPELLINGS = [
    ("plain", "这里有敏感词呢"),
    ("spaces", "这里有敏 感 词呢"),
    ("dots", "这里有敏.感.词呢"),
    ("stars", "这里有敏*感*词呢"),
    ("mixed signs", "这里有敏-_-感/／词呢"),
    ("full-width spaces", "这里有敏\u3000感\u3000词呢"),
    ("traditional", "这里有敏感詞呢"),
    ("traditional with spaces", "這裡有敏 感 詞呢"),
    ("zero-width", "这里有敏\u200b感\u200d词呢"),
    ("direction marks", "这里有敏\u202e感\u2066词呢"),
    ("newline", "这里有敏\n感\n词呢"),
    ("emoji between", "这里有敏😀感😀词呢"),
]


@pytest.mark.parametrize(("how", "text"), SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_each_spelling_of_a_chinese_word_is_found_and_starred_where_written(how, text):
    found = words.screen(text, where=words.POST, using=matcher_of(("敏感词", Action.REPLACE)))
    assert found.action == Action.REPLACE and found.words == ("敏感词",)
    assert found.text.endswith("***呢") and "敏" not in found.text and "感" not in found.text
    assert found.text.startswith(text[:3])  # what comes before is kept as written


LATIN = [
    ("lower", "buy viagra now"),
    ("upper", "buy VIAGRA now"),
    ("mixed case", "buy ViAgRa now"),
    ("full-width", "buy ｖｉａｇｒａ now"),
    ("full-width upper", "buy ＶＩＡＧＲＡ now"),
    ("spaced", "buy v i a g r a now"),
    ("dotted", "buy v.i.a.g.r.a now"),
    ("starred", "buy v*i*a*g*r*a now"),
]


@pytest.mark.parametrize(("how", "text"), LATIN, ids=[s[0] for s in LATIN])
def test_case_and_width_and_signs_do_not_hide_a_latin_word(how, text):
    found = words.screen(text, where=words.POST, using=matcher_of(("Viagra", Action.REPLACE)))
    assert found.text == "buy *** now"


def test_a_latin_word_inside_a_longer_word_is_not_found():
    m = matcher_of(("ass", Action.BLOCK))
    assert words.screen("a class of grass", where=words.POST, using=m).action == ""
    assert words.screen("what an ass!", where=words.POST, using=m).action == Action.BLOCK
    assert words.screen("中文ass中文", where=words.POST, using=m).action == Action.BLOCK


def test_a_word_written_traditional_in_the_list_finds_the_simplified_text():
    m = matcher_of(("敏感詞", Action.REPLACE))
    assert words.screen("敏感词", where=words.POST, using=m).text == "***"


def test_the_strongest_action_wins_and_every_word_is_named():
    m = matcher_of(("坏蛋", Action.REPLACE), ("广告", Action.FLAG), ("代开发票", Action.HOLD), ("赌博", Action.BLOCK))
    assert words.screen("坏蛋发广告", where=words.POST, using=m).action == Action.FLAG
    assert words.screen("坏蛋代开发票", where=words.POST, using=m).action == Action.HOLD
    found = words.screen("坏蛋广告代开发票赌博", where=words.POST, using=m)
    assert found.action == Action.BLOCK and set(found.words) == {"坏蛋", "广告", "代开发票", "赌博"}
    assert words.screen("干干净净的一句话", where=words.POST, using=m) == words.Screened("干干净净的一句话", "", ())


def test_overlapping_and_repeated_words_are_starred_once_each():
    m = matcher_of(("敏感", Action.REPLACE), ("感词", Action.REPLACE))
    assert words.screen("敏感词和敏感", where=words.POST, using=m).text == "***和***"


def test_stars_in_markdown_are_escaped_so_they_show_as_stars():
    m = matcher_of(("敏感词", Action.REPLACE))
    found = words.screen("前敏感词中敏感词后", where=words.POST, fmt="markdown", using=m)
    assert found.text == "前\\*\\*\\*中\\*\\*\\*后"
    from luntan.markup.cooking import cook

    assert "***" in cook(found.text, fmt="markdown") and "<em>" not in cook(found.text, fmt="markdown")


def test_a_word_with_nothing_to_match_is_refused(admin):
    for raw in ["", "   ", "***", "。。。"]:
        with pytest.raises(ValidationError):
            words.clean_word(raw)


# --- The list: services, version, no query once built ------------------------------------------------------------

def test_two_spellings_of_one_word_are_one_entry(watch):
    watch("敏感词")
    with pytest.raises(ValidationError) as refused:
        watch("敏 感 詞", Action.BLOCK)
    assert refused.value.code == "word_taken"
    assert WatchedWord.objects.count() == 1


def test_only_an_administrator_changes_the_list(member):
    with pytest.raises(PermissionDenied):
        words.word_save(by=member, word=WatchedWord(word="敏感词", action=Action.BLOCK))
    assert not WatchedWord.objects.exists()


def test_a_new_word_is_matched_at_once_and_a_deleted_one_no_more(watch, admin, django_capture_on_commit_callbacks):
    assert words.screen("敏感词", where=words.POST).action == ""
    entry = watch("敏感词", Action.BLOCK)
    assert words.screen("敏感词", where=words.POST).action == Action.BLOCK
    with django_capture_on_commit_callbacks(execute=True):
        words.word_delete(by=admin, word=entry)
    assert words.screen("敏感词", where=words.POST).action == ""


def test_screening_asks_the_database_nothing_once_the_automaton_is_built(watch, django_assert_num_queries):
    watch("敏感词")
    words.screen("预热", where=words.POST)
    with django_assert_num_queries(0):
        for _ in range(5):
            assert words.screen("一段有敏感词的话", where=words.POST).text == "一段有***的话"


def test_import_reads_word_equals_action_lines(admin, django_capture_on_commit_callbacks, watch):
    watch("广告", Action.FLAG)
    text = "# 注释\n赌博=block\n代开发票=审核\n广告=禁止\n坏蛋\n\n Viagra = replace \n"
    with django_capture_on_commit_callbacks(execute=True):
        done = words.words_import(by=admin, text=text, default_action=Action.REPLACE)
    assert (done.added, done.changed, done.unchanged) == (4, 1, 0)
    assert dict(WatchedWord.objects.values_list("word", "action")) == {
        "赌博": "block", "代开发票": "hold", "广告": "block", "坏蛋": "replace", "Viagra": "replace"}
    assert words.screen("VIAGRA", where=words.POST).text == "***"


def test_import_with_a_bad_line_imports_nothing_and_names_the_line(admin):
    with pytest.raises(ValidationError) as refused:
        words.words_import(by=admin, text="赌博=block\n代开发票=maybe\n。。。=block")
    text = " ".join(refused.value.messages)
    assert "2" in text and "3" in text
    assert not WatchedWord.objects.exists()


# --- Forum posts: each action --------------------------------------------------------------------------------------

def new_thread(client: Client, board, *, title="普通标题", source="普通内容", fmt="bbcode"):
    return client.post(f"/thread/new/?board={board.pk}", {"title": title, "source": source, "format": fmt})


@pytest.mark.parametrize("field", ["title", "source"])
def test_a_blocked_word_refuses_the_post_names_nothing_and_keeps_the_text(watch, member_client, board, field):
    watch("赌博网站", Action.BLOCK)
    typed = {"title": "普通标题", "source": "来看看这个很长的帖子"}
    typed[field] = "欢迎光临赌 博 网 站，开户送钱"
    response = new_thread(member_client, board, **typed)
    page = response.content.decode()
    assert response.status_code == 400
    assert html.escape(words.refusal(words.POST)) in page
    assert "赌博网站" not in page  # the word itself is never named
    assert "欢迎光临赌 博 网 站，开户送钱" in page  # what was typed is kept
    assert not Thread.objects.exists()


def test_a_blocked_word_refuses_a_reply_and_an_edit(watch, member, thread, other_member):
    watch("赌博网站", Action.BLOCK)
    before = Floor.objects.count()
    with pytest.raises(ValidationError):
        forum.post_reply(author=other_member, thread=thread, source="赌博网站了解一下", fmt="bbcode")
    opening = thread.floors.get(number=1)
    with pytest.raises(ValidationError):
        forum.floor_edit(editor=member, floor=opening, source="改成赌博网站", fmt="bbcode")
    assert Floor.objects.count() == before
    opening.refresh_from_db()
    assert "赌博" not in opening.source


def test_a_replaced_word_is_starred_before_it_is_stored(watch, member, board, other_member):
    watch("坏蛋")
    floor = forum.thread_create(author=member, board=board, title="大坏蛋来了", source="你这个坏 蛋", fmt="bbcode")
    assert floor.thread.title == "大***来了"
    assert floor.source == "你这个***" and "坏" not in floor.html
    reply = forum.post_reply(author=other_member, thread=floor.thread, source="**坏蛋**", fmt="markdown")
    assert reply.source == "**\\*\\*\\***" and "<strong>***</strong>" in reply.html
    edited = forum.floor_edit(editor=member, floor=floor, source="还是坏蛋", fmt="bbcode", title="坏蛋又来了")
    assert edited.source == "还是***"
    assert Thread.objects.get(pk=floor.thread_id).title == "***又来了"


def test_a_held_word_makes_a_new_thread_and_a_reply_wait_for_approval(watch, member_client, board, thread,
                                                                       other_member_client):
    watch("代开发票", Action.HOLD)
    response = new_thread(member_client, board, source="长期代开发票")
    assert response.status_code == 302
    waiting = Thread.objects.get(title="普通标题")
    assert waiting.is_waiting and waiting.floors.get().is_waiting
    assert "普通标题" not in Client().get(f"/board/{board.pk}/").content.decode()
    response = other_member_client.post(f"/thread/{thread.pk}/reply/", {"source": "代 开 發 票", "format": "bbcode"})
    assert response.status_code == 302
    reply = thread.floors.order_by("-number").first()
    assert reply.is_waiting and reply.source == "代 开 發 票"  # held as written, for the moderator
    thread.refresh_from_db()
    assert thread.reply_count == 0
    assert not Report.objects.exists()


def test_a_flagged_word_lets_the_post_through_and_files_a_report(watch, member, board, admin):
    watch("加微信", Action.FLAG)
    floor = forum.thread_create(author=member, board=board, title="出闲置", source="要的加 微 信", fmt="bbcode")
    assert not floor.is_waiting and floor.source == "要的加 微 信"
    report = Report.objects.get(floor=floor)
    assert report.status == Report.Status.OPEN and report.reporter == admin and "加微信" in report.text
    hit = WordHit.objects.get()
    assert (hit.member, hit.floor, hit.where, hit.words) == (member, floor, "post", "加微信")


def test_a_held_word_in_an_edit_flags_the_shown_floor(watch, member, thread, admin):
    watch("代开发票", Action.HOLD)
    opening = thread.floors.get(number=1)
    edited = forum.floor_edit(editor=member, floor=opening, source="顺便代开发票", fmt="bbcode")
    assert not edited.is_waiting
    assert Report.objects.filter(floor=opening, reporter=admin).exists()


def test_a_flagged_floor_is_in_the_moderators_queue(watch, member, board, admin, moderator):
    watch("加微信", Action.FLAG)
    forum.thread_create(author=member, board=board, title="出闲置", source="要的加微信", fmt="bbcode")
    page = signed_in(moderator).get("/reports/").content.decode()
    assert "出闲置" in page and "加微信" in page


# --- Names, sentences ---------------------------------------------------------------------------------------------

def test_a_name_with_a_watched_word_is_refused_at_registration(watch):
    watch("管理员", Action.REPLACE)  # a name cannot be starred: refused too
    response = Client().post("/register/", {"username": "官方管理員", "email": "a@example.com",
                                            "password1": "青云门下弟子2024", "password2": "青云门下弟子2024"})
    page = response.content.decode()
    assert response.status_code == 400 and html.escape(words.refusal(words.NAME)) in page
    assert "官方管理員" in page
    assert not Member.objects.filter(email="a@example.com").exists()


def test_a_rename_to_a_blocked_name_changes_nothing(watch, member):
    watch("赌博", Action.BLOCK)
    old = member.username
    with pytest.raises(ValidationError):
        accounts.member_rename(member=member, username="赌博大王")
    member.refresh_from_db()
    assert member.username == old


def test_a_flagged_name_is_allowed_and_recorded(watch, member):
    watch("客服", Action.FLAG)
    assert accounts.member_rename(member=member, username="小客服") != "小客服"  # returns the old name
    member.refresh_from_db()
    assert member.username == "小客服"
    assert WordHit.objects.get().where == "name"


def test_a_checkin_sentence_is_starred_or_refused(watch, member, other_member):
    watch("坏蛋")
    watch("赌博", Action.BLOCK)
    checkin.checkin_sign(member=member, mood="kx", sentence="今天遇到坏蛋")
    assert CheckIn.objects.get(member=member).sentence == "今天遇到***"
    response = signed_in(other_member).post("/checkin/", {"mood": "kx", "sentence": "一起赌 博", "submission_key": "k"})
    assert response.status_code == 400 and html.escape(words.refusal(words.SENTENCE)) in response.content.decode()
    assert not CheckIn.objects.filter(member=other_member).exists()


def test_a_signature_is_cleaned_starred_refused_or_flagged(watch, member):
    watch("坏蛋")
    watch("赌博", Action.BLOCK)
    watch("加微信", Action.FLAG)
    assert accounts.member_signature_set(member=member, signature="不做\u202e坏蛋") == "不做***"
    with pytest.raises(ValidationError) as refused:
        accounts.member_signature_set(member=member, signature="赌 博请进")
    assert refused.value.code == "watched_word"
    member.refresh_from_db()
    assert member.signature == "不做***"
    assert accounts.member_signature_set(member=member, signature="有事加微信") == "有事加微信"
    assert WordHit.objects.get().where == "signature"
    with pytest.raises(ValidationError) as refused:
        accounts.member_signature_set(member=member, signature="长" * 201)
    assert refused.value.code == "signature_long"


# --- The admin -----------------------------------------------------------------------------------------------------

TOOLS = "/admin/protection/watchedword/tools/"


def test_admin_adds_edits_and_deletes_a_word(admin_client):
    response = admin_client.post("/admin/protection/watchedword/add/", {"word": "敏感詞", "action": "block"})
    assert response.status_code == 302
    entry = WatchedWord.objects.get()
    assert (entry.word, entry.key, entry.action) == ("敏感詞", "敏感词", "block")
    response = admin_client.post("/admin/protection/watchedword/add/", {"word": "敏 感 词", "action": "flag"})
    assert response.status_code == 200 and WatchedWord.objects.count() == 1  # the same word: refused on the form
    admin_client.post(f"/admin/protection/watchedword/{entry.pk}/change/", {"word": "敏感词", "action": "replace"})
    entry.refresh_from_db()
    assert entry.action == "replace"
    admin_client.post(f"/admin/protection/watchedword/{entry.pk}/delete/", {"post": "yes"})
    assert not WatchedWord.objects.exists()
    assert TOOLS in admin_client.get("/admin/protection/watchedword/").content.decode()


def test_admin_test_box_shows_what_a_text_would_become(admin_client, watch):
    watch("坏蛋")
    watch("加微信", Action.FLAG)
    response = admin_client.post(TOOLS, {"do": "try", "sample": "<b>坏 蛋</b>请加微信"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "&lt;b&gt;***&lt;/b&gt;请加微信" in page and "<b>" not in page
    assert "坏蛋" in page and "加微信" in page
    assert not WordHit.objects.exists()  # trying records nothing


def test_admin_bulk_import_and_its_refusal(admin_client):
    response = admin_client.post(TOOLS, {"do": "import", "text": "赌博=block\n坏蛋", "default_action": "replace"})
    assert response.status_code == 302 and WatchedWord.objects.count() == 2
    response = admin_client.post(TOOLS, {"do": "import", "text": "代开=maybe", "default_action": "replace"})
    assert response.status_code == 400 and "代开=maybe" in response.content.decode()
    assert WatchedWord.objects.count() == 2


def test_members_cannot_open_the_tools(member_client):
    response = member_client.get(TOOLS)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- Speed ---------------------------------------------------------------------------------------------------------

def test_a_long_post_against_ten_thousand_words_takes_a_few_milliseconds():
    rng = random.Random(10)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    listed: set[str] = set()
    while len(listed) < 10_000:
        listed.add("".join(rng.choice(alphabet) for _ in range(rng.randint(2, 4))))
    started = time.perf_counter()
    m = matcher_of(*((w, rng.choice(list(Action))) for w in sorted(listed)))
    built = time.perf_counter() - started
    text = "".join(rng.choice(alphabet + list("，。 ab1\n")) for _ in range(10_000))
    best = min(_timed(lambda: words.screen(text, where=words.POST, using=m)) for _ in range(5))
    print(f"\nwatched words: build {built * 1000:.0f} ms; a 10,000-character post {best * 1000:.1f} ms")
    assert best < 0.05 and built < 2  # a few ms on a quiet machine (about 5); generous for a busy one


def _timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def test_huge_text_with_no_word_stays_fast(watch):
    watch("敏感词")
    text = "正常的内容" * 200_000  # a million characters
    started = time.perf_counter()
    assert words.screen(text, where=words.POST).action == ""
    assert time.perf_counter() - started < 2


def test_the_demo_fills_a_list_that_works(admin, member, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from luntan.protection import demo_words

    with django_capture_on_commit_callbacks(execute=True):
        demo_words.fill_demo(members=[admin, member], rng=random.Random(1), now=timezone.now())
    assert WatchedWord.objects.count() == 15 and WordHit.objects.count() == 3
    assert words.screen("加 QQ 详聊", where=words.POST).action == Action.FLAG
    assert words.screen("你个脑残", where=words.POST).text == "你个***"


def test_the_demo_list_is_written_by_the_site_admin_when_the_demo_members_are_ordinary(
        admin, member, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from luntan.protection import demo_words

    with django_capture_on_commit_callbacks(execute=True):
        demo_words.fill_demo(members=[member], rng=random.Random(1), now=timezone.now())
    assert words.screen("谁有赌博网站的地址", where=words.POST).action == Action.BLOCK
