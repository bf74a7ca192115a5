"""What a member's name may be.

A name is what others see beside every floor, so it must read the same for everyone: NFC-normalized,
full-width Latin letters and digits (what a Chinese input method types) folded to their usual forms, made of
letters of any script, digits, "_", "-" and "." only, with no spaces and nothing invisible, and not mixing
scripts the way fake names do (Latin with Cyrillic or Greek: "аdmin").

Two keys are kept beside each name (see Member): `name_key`, what makes two names the *same* name (letter
case and width do not count), and `name_skeleton`, what makes them *look* the same (Unicode's confusable
skeleton, accents on Latin, Greek and Cyrillic letters ignored): "admın", "admín" and "admin" share one."""

import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from luntan.core.confusables import has_mixed_digits, is_highly_restrictive, script_extensions, skeleton
from luntan.core.text import is_invisible

PUNCTUATION = frozenset("_-.")
# A letter may carry a few combining marks (Hindi, Thai ...); more than this is decoration piled on a letter.
_MAX_MARKS = 3
# The stored keys of a name that passes are at most this long (the columns are this long). NFKC spells
# some single characters out ("ﷺ" is 18 letters), so a 15-character name can outgrow them: such a name is
# refused with a message rather than failing in the database.
NAME_KEY_MAX = 60
NAME_SKELETON_MAX = 255
# The pinyin keys of a name (see name_pinyin): a 15-character name spells out to at most 6 letters a
# character; the columns are as long as the skeleton's so a spelled-out name never overflows them.
NAME_PINYIN_MAX = 255
# Accents that sit on Latin, Greek and Cyrillic letters: a name differing from another only by these
# reads as the same name at a glance ("admín", "admin"). Marks of other scripts (Japanese voicing marks,
# Indic vowel signs) change the letter and still count.
_ACCENTED_SCRIPTS = frozenset({"Latn", "Grek", "Cyrl", "Zinh"})


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


def name_key(username: str) -> str:
    """What makes two names the same name: letter case and width do not count (張三 and 张三 stay two
    names; ＡＢＣ, abc and ABC are one). Kept in its own unique column because SQLite's LOWER() only
    folds ASCII."""
    return unicodedata.normalize("NFKC", username).casefold()


def _pinyin_parts(username: str) -> list[tuple[str, bool]]:
    """The name as pypinyin reads it: (syllable, True) for each Chinese character, (text, False) for each run
    of anything else. A character with several readings takes pypinyin's default one (its phrase
    dictionary first, then the character's most common reading): 重庆 is chong qing, 乐 alone is le."""
    key = name_key(username)
    parts = lazy_pinyin(key, style=Style.NORMAL, errors=lambda run: f"\x00{run}")
    return [(p[1:], False) if p.startswith("\x00") else (p, True) for p in parts]


def name_pinyin(username: str) -> str:
    """乔吉奎 -> qiaojikui: the full pinyin key the member list searches by prefix ("qiao" finds 乔...).
    Letters other than Chinese stay as name_key has them (lower case); ü is written v, as typed."""
    return "".join(text for text, _han in _pinyin_parts(username))[:NAME_PINYIN_MAX]


def name_initials(username: str) -> str:
    """乔吉奎 -> qjk: the initials key (typing "qjk" finds 乔吉奎). Chinese characters give the first letter
    of their syllable; anything else is kept whole (吕布Ab -> lbab)."""
    return "".join(text[:1] if han else text for text, han in _pinyin_parts(username))[:NAME_PINYIN_MAX]


def _without_accents(text: str) -> str:
    """NFD text without the combining marks that only accent a Latin, Greek or Cyrillic letter."""
    return "".join(
        ch for ch in unicodedata.normalize("NFD", text)
        if not (unicodedata.category(ch) == "Mn" and script_extensions(ch) & _ACCENTED_SCRIPTS)
    )


def name_skeleton(username: str) -> str:
    """What makes two names look alike: the TR 39 skeleton of the name key, accents ignored, applied
    again after case folding because some look-alikes map to capitals (Lisu ꓲ -> l)."""
    folded = skeleton(_without_accents(name_key(username)))
    return _without_accents(skeleton(folded.casefold()))


def _is_invisible(ch: str) -> bool:
    # core.text's invisible characters, and what has no reliable look at all: control characters,
    # private use, unassigned code points and lone surrogates.
    return is_invisible(ch) or unicodedata.category(ch) in {"Cc", "Co", "Cn", "Cs"}


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
    if not is_highly_restrictive(name):
        raise ValidationError(
            _("The username mixes letters of different alphabets (such as Latin with Cyrillic or Greek), "
              "which makes it look like another name. Please write it in one alphabet."),
            code="username_mixed_scripts",
        )
    if has_mixed_digits(name):
        raise ValidationError(_("The username mixes digits of different kinds."), code="username_mixed_scripts")
    if len(name_key(name)) > NAME_KEY_MAX or len(name_skeleton(name)) > NAME_SKELETON_MAX:
        raise ValidationError(
            _("The username uses characters that stand for whole words (such as “%(char)s”), which makes it "
              "too long. Please use fewer of them.") % {"char": _longest_spelled_out(name)},
            code="username_length",
        )
    return name


def _longest_spelled_out(name: str) -> str:
    return max(name, key=lambda ch: len(unicodedata.normalize("NFKC", ch)))
