"""What a member's name may be.

A name is what others see beside every floor, so it must read the same for everyone: NFC-normalized,
full-width Latin letters and digits (what a Chinese input method types) folded to their usual forms, made of
letters of any script, digits, "_", "-" and "." only, with no spaces and nothing invisible."""

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PUNCTUATION = frozenset("_-.")
# Letters (by category) that show as nothing: Hangul fillers and Khmer inherent vowels.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u17b4\u17b5")
# A letter may carry a few combining marks (Hindi, Thai ...); more than this is decoration piled on a letter.
_MAX_MARKS = 3


def _fold_fullwidth(ch: str) -> str:
    """Ｚｈａｎｇ３ -> Zhang3: the full-width forms of ASCII read as the same name."""
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return ch


def normalize_username(value: str) -> str:
    """The form a name is stored and compared in; also applied to what members type at login."""
    value = unicodedata.normalize("NFC", value or "")
    return unicodedata.normalize("NFC", "".join(_fold_fullwidth(ch) for ch in value)).strip()


def _is_invisible(ch: str) -> bool:
    category = unicodedata.category(ch)
    # Cf: zero-width and direction marks; Cc: control characters; Co/Cn: private use and unassigned.
    return category in {"Cf", "Cc", "Co", "Cn", "Cs"} or ch in _BLANK_LETTERS or (
        category == "Mn" and ("VARIATION SELECTOR" in unicodedata.name(ch, "") or ch == "\u034f")
    )


def validate_username(raw: str) -> str:
    """Returns the normalized name or raises a ValidationError saying what is wrong with it.

    Uniqueness is not checked here (it needs the database): see services.check_username."""
    name = normalize_username(raw)
    if not name:
        raise ValidationError(_("Please choose a username."), code="username_empty")
    if any(_is_invisible(ch) for ch in name):
        raise ValidationError(_("The username contains invisible characters."), code="username_invisible")
    if any(ch.isspace() or unicodedata.category(ch).startswith("Z") for ch in name):
        raise ValidationError(_("The username cannot contain spaces."), code="username_space")
    least, most = settings.LUNTAN["USERNAME_MIN_CHARS"], settings.LUNTAN["USERNAME_MAX_CHARS"]
    if len(name) < least or len(name) > most:
        raise ValidationError(
            _("The username must be %(min)s to %(max)s characters long; this one has %(n)s.")
            % {"min": least, "max": most, "n": len(name)},
            code="username_length",
        )
    marks = 0
    for index, ch in enumerate(name):
        category = unicodedata.category(ch)
        if category in {"Mn", "Mc"}:
            marks += 1
            if index == 0 or marks > _MAX_MARKS:
                raise ValidationError(_("The username has misplaced accent marks."), code="username_chars")
            continue
        marks = 0
        if not (category.startswith("L") or category == "Nd" or ch in PUNCTUATION):
            raise ValidationError(
                _("The username may only contain letters, digits, underscores, hyphens and dots; "
                  "“%(char)s” is not allowed.") % {"char": ch},
                code="username_chars",
            )
    if all(unicodedata.category(ch) == "Nd" for ch in name):
        raise ValidationError(_("The username cannot be only digits."), code="username_digits")
    if not any(unicodedata.category(ch).startswith("L") for ch in name):
        raise ValidationError(_("The username must contain at least one letter."), code="username_letter")
    return name
