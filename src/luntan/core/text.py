"""Text rules shared by every app: how names and titles are normalized and measured."""

import unicodedata

# Characters that render as nothing or reorder text: never part of a name or a title.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202a", "\u202b", "\u202c", "\u202d",
              "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"}


def clean_line(value: str) -> str:
    """One line of plain text as members type it: NFC, no control or invisible characters, single spaces."""
    value = unicodedata.normalize("NFC", value)
    value = "".join(
        " " if ch in "\t\r\n" else ch
        for ch in value
        if ch not in _INVISIBLE and (unicodedata.category(ch) != "Cc" or ch in "\t\r\n")
    )
    return " ".join(value.split())


def clean_body(value: str) -> str:
    """A post body: NFC, Windows newlines folded, control characters other than newline and tab removed."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip("\n ")
