"""Text rules shared by every app: what counts as invisible, and how names, titles and bodies are cleaned.

"Invisible" has one definition here, used three ways: a name refuses it (names.validate_username), a
one-line field such as a title drops it (clean_line), and a post body drops it too except where a
joiner or selector does visible work (clean_body)."""

import re
import unicodedata

# Default_Ignorable_Code_Point (Unicode's "render as nothing unless supported") outside category Cf, which
# is_invisible takes whole: combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian
# free variation selectors, variation selectors, musical formatting controls, and unassigned code points
# reserved as ignorable. Cf itself holds the zero-width spaces and joiners, direction marks, embeddings,
# overrides and isolates (U+200E/F, U+061C, U+202A-E, U+2066-9), the soft hyphen, the invisible math
# operators (U+2061-4), the Mongolian vowel separator, the byte order mark and the tag characters.
_IGNORABLE_RANGES = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2060, 0x206F),
    (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0000, 0xE0FFF),
)

# What a post body keeps of the above, each only where it does its job (see clean_body):
_JOINERS = frozenset("\u200c\u200d")  # ZWNJ, ZWJ: emoji sequences (👨‍👩‍👧), Persian and Indic spelling
# The subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scotland) are 🏴 + tag letters + CANCEL TAG: the only place tags show anything.
_FLAG_RE = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")


def _is_selector(ch: str) -> bool:
    """A variation selector: picks the emoji or text form, or a CJK ideograph's variant glyph."""
    code = ord(ch)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or code in (0x180B, 0x180C, 0x180D, 0x180F)


def _build_invisible() -> frozenset[str]:
    # Cf lives in planes 0, 1 and 14 only; the rest of 14 is in _IGNORABLE_RANGES.
    chars = {chr(code) for code in range(0x20000) if unicodedata.category(chr(code)) == "Cf"}
    for low, high in _IGNORABLE_RANGES:
        chars.update(chr(code) for code in range(low, high + 1))
    return frozenset(chars)


INVISIBLE = _build_invisible()


def _char_class(chars) -> str:
    """A regular expression character class matching exactly `chars`, as runs of code points."""
    codes = sorted(map(ord, chars))
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "[" + "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in runs) + "]"


_CONTROLS = {chr(code) for code in [*range(0x20), *range(0x7F, 0xA0)]}  # Cc
# What clean_line removes (tab and newlines become spaces first), and what clean_body looks at.
_LINE_HIDDEN_RE = re.compile(_char_class(INVISIBLE | _CONTROLS))
_BODY_HIDDEN_RE = re.compile(_char_class(INVISIBLE | (_CONTROLS - {"\n", "\t"})))


def is_invisible(ch: str) -> bool:
    """True for a character that shows as nothing, or only changes how the text around it shows."""
    return ch in INVISIBLE


def clean_line(value: str) -> str:
    """One line of plain text as members type it (a title): NFC, no control or invisible characters at
    all, tabs and newlines made spaces, runs of spaces made one."""
    value = unicodedata.normalize("NFC", value)
    value = _LINE_HIDDEN_RE.sub("", value.replace("\t", " ").replace("\r", " ").replace("\n", " "))
    return " ".join(value.split())


def clean_body(value: str) -> str:
    """A post body: NFC, Windows newlines folded, control characters other than newline and tab removed,
    and invisible characters removed except where they do visible work:

    - a zero-width joiner or non-joiner between two visible characters (emoji sequences such as 👨‍👩‍👧,
      Persian and Indic spelling), not at the edges of a word or doubled;
    - one variation selector right after a visible character (❤️, CJK variant glyphs), not a run of them
      (runs of selectors are how data is smuggled invisibly);
    - tag characters only inside a subdivision flag (🏴 + tag letters + CANCEL TAG).

    Direction marks and overrides, the soft hyphen, zero-width spaces, word joiners, invisible operators,
    stray tags and the like are never kept: they hide or reorder text and show nothing themselves."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    parts: list[str] = []
    start = 0
    for flag in _FLAG_RE.finditer(value):
        parts.extend((_clean_body_part(value[start:flag.start()]), flag.group()))
        start = flag.end()
    parts.append(_clean_body_part(value[start:]))
    return "".join(parts).strip("\n ")


def _clean_body_part(text: str) -> str:
    def keep(match: re.Match) -> str:
        ch, at = match.group(), match.start()
        before = text[at - 1] if at else ""
        if ch in _JOINERS:
            if before and _is_selector(before) and at > 1:
                before = text[at - 2]  # 🏳️‍🌈: the joiner follows the flag's selector
            after = text[at + 1] if at + 1 < len(text) else ""
            return ch if _shows(before) and _shows(after) else ""
        if _is_selector(ch):
            return ch if _shows(before) else ""
        return ""

    return _BODY_HIDDEN_RE.sub(keep, text)


def _shows(ch: str) -> bool:
    return bool(ch) and not (ch in INVISIBLE or ch in _CONTROLS or ch.isspace())
