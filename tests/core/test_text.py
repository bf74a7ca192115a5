"""One definition of "invisible" (core.text.is_invisible) for every text field: names refuse it, titles
drop it, post bodies drop it except where a joiner or selector does visible work."""

import pytest
from django.core.exceptions import ValidationError

from luntan.accounts.names import validate_username
from luntan.core.text import clean_body, clean_line, is_invisible
from luntan.forum import services

HIDDEN = {
    "LEFT-TO-RIGHT MARK": "\u200e",
    "RIGHT-TO-LEFT MARK": "\u200f",
    "ARABIC LETTER MARK": "\u061c",
    "SOFT HYPHEN": "\u00ad",
    "INVISIBLE PLUS": "\u2064",
    "MONGOLIAN VOWEL SEPARATOR": "\u180e",
    "TAG LATIN SMALL LETTER A": "\U000e0061",
    "CANCEL TAG": "\U000e007f",
    "LANGUAGE TAG": "\U000e0001",
    "ZERO WIDTH SPACE": "\u200b",
    "RIGHT-TO-LEFT OVERRIDE": "\u202e",
    "FIRST STRONG ISOLATE": "\u2068",
    "WORD JOINER": "\u2060",
    "BYTE ORDER MARK": "\ufeff",
    "HANGUL FILLER": "\u3164",
    "COMBINING GRAPHEME JOINER": "\u034f",
}


@pytest.mark.parametrize("ch", HIDDEN.values(), ids=HIDDEN.keys())
def test_each_is_invisible(ch):
    assert is_invisible(ch)


@pytest.mark.parametrize("ch", ["a", "张", " ", "\u0301", "\u3099", "_", "😀", "\u20e3"])
def test_visible_characters_are_not(ch):
    assert not is_invisible(ch)


@pytest.mark.parametrize("ch", HIDDEN.values(), ids=HIDDEN.keys())
def test_a_title_drops_them(ch):
    assert services.clean_title(f"第一{ch}帖{ch}") == "第一帖"
    assert clean_line(f"{ch}abc{ch}{ch}") == "abc"


@pytest.mark.parametrize("ch", HIDDEN.values(), ids=HIDDEN.keys())
def test_a_thread_is_stored_without_them(board, member, ch):
    floor = services.thread_create(author=member, board=board, title=f"今天{ch}天气好", source="正文",
                                   fmt="bbcode")
    floor.thread.refresh_from_db()
    assert floor.thread.title == "今天天气好"


def test_a_title_of_only_hidden_characters_is_empty(board, member):
    with pytest.raises(ValidationError) as caught:
        services.clean_title("".join(HIDDEN.values()))
    assert caught.value.code == "title_empty"


@pytest.mark.parametrize("ch", HIDDEN.values(), ids=HIDDEN.keys())
def test_a_name_refuses_them(ch):
    with pytest.raises(ValidationError) as caught:
        validate_username(f"张{ch}三")
    assert caught.value.code == "username_invisible"


@pytest.mark.parametrize("ch", ["\u200e", "\u200f", "\u061c", "\u00ad", "\u2064", "\u180e", "\u200b", "\u202e",
                                "\U000e0061", "\u2060", "\ufeff", "\u3164"])
def test_a_body_drops_what_is_never_legitimate(ch):
    assert clean_body(f"早上{ch}好\n第二{ch}行") == "早上好\n第二行"


@pytest.mark.parametrize("text", [
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # 👨‍👩‍👧: family, joined by ZWJ
    "\U0001f3f3\ufe0f\u200d\U0001f308",  # 🏳️‍🌈: a selector before the joiner
    "\u2764\ufe0f",  # ❤️ in emoji style
    "1\ufe0f\u20e3",  # 1️⃣ keycap
    "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland's flag (tags)
    "\u845b\U000e0100",  # 葛 with an ideographic variation selector
    "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: a non-joiner inside a word
])
def test_a_body_keeps_joiners_and_selectors_doing_their_work(text):
    assert clean_body(f"看：{text}") == f"看：{text}"


@pytest.mark.parametrize(("raw", "kept"), [
    ("a\u200d", "a"),  # a joiner joining nothing
    ("\u200d\U0001f600", "\U0001f600"),
    ("a\u200d\u200d\u200db", "ab"),  # doubled joiners join nothing
    ("\u2764\ufe0f\ufe0f\ufe0f\ufe0e", "\u2764\ufe0f"),  # a run of selectors smuggles data
    ("\ufe0f开头", "开头"),
    ("x\U000e0041\U000e0042\U000e007fy", "xy"),  # tags outside a flag: invisible text
    ("\U0001f3f4\U000e0067\U000e0062", "\U0001f3f4"),  # a flag never closed
])
def test_a_body_drops_joiners_and_selectors_out_of_place(raw, kept):
    assert clean_body(raw) == kept


def test_a_body_keeps_newlines_and_tabs_and_drops_other_controls():
    assert clean_body("一\r\n二\r三\t四\x00\x07\x1b") == "一\n二\n三\t四"
