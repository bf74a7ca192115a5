"""Text rules shared by every app: what counts as invisible, and how names, titles and bodies are cleaned.

"Invisible" has one definition here, used three ways: a name refuses it (names.validate_username), a
one-line field such as a title drops it (clean_line), and a post body drops it too except where a
joiner or selector does visible work (clean_body)."""

import unicodedata

USERNAME_MIN = 2
USERNAME_MAX = 15

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
_TAG_BASE = "\U0001f3f4"  # 🏴: the subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scotland) are 🏴 + tag letters + CANCEL TAG
_TAG_END = "\U000e007f"


def _is_selector(ch: str) -> bool:
    """A variation selector: picks the emoji or text form, or a CJK ideograph's variant glyph."""
    code = ord(ch)
    return 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or code in (0x180B, 0x180C, 0x180D, 0x180F)


def _is_tag(ch: str) -> bool:
    return 0xE0020 <= ord(ch) <= 0xE007F


def is_invisible(ch: str) -> bool:
    """True for a character that shows as nothing, or only changes how the text around it shows."""
    if unicodedata.category(ch) == "Cf":
        return True
    code = ord(ch)
    return any(low <= code <= high for low, high in _IGNORABLE_RANGES)


def clean_line(value: str) -> str:
    """One line of plain text as members type it (a title): NFC, no control or invisible characters at
    all, tabs and newlines made spaces, runs of spaces made one."""
    value = unicodedata.normalize("NFC", value)
    value = "".join(
        " " if ch in "\t\r\n" else ch
        for ch in value
        if ch in "\t\r\n" or not (is_invisible(ch) or unicodedata.category(ch) == "Cc")
    )
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
    kept: list[str] = []
    i, n = 0, len(value)
    while i < n:
        ch = value[i]
        if ch == _TAG_BASE:
            end = i + 1
            while end < n and _is_tag(value[end]) and value[end] != _TAG_END:
                end += 1
            if end > i + 1 and end < n and value[end] == _TAG_END:
                kept.append(value[i:end + 1])  # a whole flag, tags and all
                i = end + 1
                continue
        if unicodedata.category(ch) == "Cc" and ch not in "\n\t":
            pass
        elif not is_invisible(ch):
            kept.append(ch)
        elif ch in _JOINERS:
            after = value[i + 1] if i + 1 < n else ""
            before = kept[-2][-1] if len(kept) > 1 and _is_selector(kept[-1]) else (kept[-1][-1] if kept else "")
            if before and _shows(before) and after and _shows(after):  # 🏳️‍🌈 has a selector before it
                kept.append(ch)
        elif _is_selector(ch):
            if kept and _shows(kept[-1][-1]):
                kept.append(ch)
        i += 1
    return "".join(kept).strip("\n ")


def _shows(ch: str) -> bool:
    return not (is_invisible(ch) or ch.isspace() or unicodedata.category(ch) == "Cc")
