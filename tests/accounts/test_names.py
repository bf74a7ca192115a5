"""What a username may be: letters of any script, digits, _ - . ; 2 to 15 characters; no spaces, nothing
invisible, not only digits."""

import pytest
from django.core.exceptions import ValidationError

from luntan.accounts.names import validate_username


@pytest.mark.parametrize(("raw", "stored"), [
    ("张三", "张三"),
    ("李雷_2024", "李雷_2024"),
    ("小明-dev.cn", "小明-dev.cn"),
    ("Zoe\u0308", "Zoë"),  # NFD typed, NFC kept
    ("ｚｈａｎｇ３", "zhang3"),  # full-width Latin from a Chinese input method
    ("राहुल", "राहुल"),  # combining vowel signs after letters
    ("なかむら", "なかむら"),
    ("  王五  ", "王五"),
    ("一二三四五六七八九十一二三四五", "一二三四五六七八九十一二三四五"),  # 15
])
def test_accepted_names_are_normalized(raw: str, stored: str) -> None:
    assert validate_username(raw) == stored


@pytest.mark.parametrize(("raw", "code"), [
    ("", "username_empty"),
    ("   ", "username_empty"),
    ("张", "username_length"),
    ("张" * 16, "username_length"),
    ("张 三", "username_space"),
    ("张\u3000三", "username_space"),  # ideographic space
    ("张\u200b三", "username_invisible"),
    ("张\u202e三", "username_invisible"),  # right-to-left override
    ("\u3164\u3164\u3164", "username_invisible"),  # Hangul fillers look like nothing
    ("张三\ufe0f", "username_invisible"),
    ("123456", "username_digits"),
    ("１２３", "username_digits"),
    ("___", "username_letter"),
    ("1.2", "username_letter"),
    ("张三!", "username_chars"),
    ("<b>张</b>", "username_chars"),
    ("张三@qq", "username_chars"),
    ("\u0301张三", "username_chars"),
    ("张" + "\u0301" * 4, "username_chars"),
])
def test_refused_names_say_why(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_username(raw)
    assert caught.value.code == code
    assert caught.value.messages[0]
