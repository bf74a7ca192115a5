"""Folding and segmentation: what the index and the queries make of text."""

import pytest

from luntan.search import text
from luntan.search.query import parse


@pytest.fixture(autouse=True)
def plain_dictionary():
    text.reload_dictionary(set())
    yield
    text.reload_dictionary(set())


def terms(s: str) -> set[str]:
    t = text.index_terms(s)
    return set(t.words) | set(t.parts)


def test_folding_makes_full_width_half_width_lower_case_and_simplified():
    assert text.fold("ＡＢＣ１２３") == "abc123"
    assert text.fold("復工復產") == "复工复产"
    assert text.fold("臺灣 iPhone") == "台湾 iphone"


def test_compound_is_found_by_each_of_its_words():
    assert {"复工", "复产"} <= terms("各地加快复工复产")


def test_characters_meeting_across_a_word_boundary_are_no_word():
    assert "和服" not in terms("温和服务")
    assert "市长" not in terms("南京市长江大桥")
    assert {"长江", "大桥", "南京"} <= terms("南京市长江大桥")


def test_ascii_words_and_numbers_stay_whole_in_mixed_text():
    found = terms("我用Python3写了个iPhone15的App，价格3.14元，学c++")
    assert {"python3", "iphone15", "app", "3.14", "c++"} <= found
    assert "p" not in found and "14" not in found and "c" not in found


def test_where_letters_meet_digits_the_pieces_are_parts_too():
    cut = text.index_terms("新买的RTX4060Ti和Python3.12")
    assert {"rtx4060ti", "python3.12"} <= set(cut.words)
    assert {"rtx", "4060", "ti", "python", "3.12"} <= set(cut.parts)
    assert len(cut.parts) == len(set(cut.parts))  # each piece once, however jieba cuts it too
    assert text.ascii_pieces("3.14") == text.ascii_pieces("iphone") == ()


def test_traditional_text_gives_simplified_words():
    assert {"复工", "复产"} <= terms("復工復產")


def test_user_words_stay_one_word_and_keep_their_pieces():
    before = terms("大家来玩原神启动")
    text.reload_dictionary({"原神启动"})
    after = text.index_terms("大家来玩原神启动")
    assert "原神启动" not in before
    assert "原神启动" in after.words
    assert "原神" in after.parts  # still found by its pieces


def test_phrases_words_exclusions_and_or_are_parsed():
    q = parse('复工复产 "长江大桥" -南京 手机 OR 电脑')
    assert [[t.words for t in g] for g in q.groups] == [[("复工", "复产")], [("长江大桥",)], [("手机",), ("电脑",)]]
    assert [t.words for t in q.excluded] == [("南京",)]


@pytest.mark.parametrize("typed", ['"', '""', "-", "OR", "- OR -", "\x00\x01\x1f", "，。！？", '"""'])
def test_operator_only_and_control_input_gives_a_message(typed):
    q = parse(typed)
    assert q.message
    assert not q.groups


def test_only_exclusions_gives_a_message():
    assert parse("-南京").message


def test_unbalanced_quote_reads_to_the_end():
    q = parse('"长江 大桥')
    assert q.groups[0][0].phrase and q.groups[0][0].words == ("长江", "大桥")


def test_long_input_never_raises():
    q = parse("复工" * 500)
    assert q.groups or q.message


def test_marking_follows_the_text_as_written():
    marked = text.mark("今日復工，明日復產", frozenset({"复工"}))
    assert ("復工", True) in marked
    assert "".join(p for p, _ in marked) == "今日復工，明日復產"


def test_marking_ignores_characters_across_a_word_boundary():
    marked = text.mark("温和服务，一件和服", frozenset({"和服"}))
    assert [p for p, m in marked if m] == ["和服"]
    assert marked[-1] == ("和服", True)


def test_snippet_is_around_the_first_match():
    body = "无关的开头。" * 40 + "终于说到复工复产了" + "结尾。" * 40
    snip = text.snippet(body, frozenset({"复产"}))
    shown = "".join(p for p, _ in snip)
    assert ("复产", True) in snip
    assert len(shown) <= 125 and shown.startswith("…") and shown.endswith("…")


def test_plain_text_strips_tags_and_keeps_blocks_apart():
    assert text.plain_text("<p>南京</p><p>市长<b>说</b>&amp;</p>") == "南京 市长说&"


def test_a_word_no_dictionary_knows_is_found_by_its_pairs_of_characters():
    assert {"配速", "速员"} <= terms("前十公里跟着配速员很轻松")
    assert "和服" not in terms("温和服务") and "市长" not in terms("南京市长江大桥")
    assert text.mark("跟着配速员很轻松", frozenset({"配速"})) == (("跟着", False), ("配速", True), ("员很轻松", False))
