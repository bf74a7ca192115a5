"""Unicode Technical Standard #39 (security mechanisms), the parts names need: the confusable skeleton
and the "highly restrictive" test for mixing scripts.

The confusable data is Unicode's own confusables.txt, kept verbatim in core/data/ and refreshed with
`scripts/unicode_confusables.py` (no maintained package ships it in a usable form: confusable-homoglyphs
keeps only a two-way "looks like" list, which loses which side is the prototype). The script of each
character comes from unicodedataplus (Unicode's Scripts.txt and ScriptExtensions.txt, kept up to date on
PyPI)."""

import functools
import unicodedata
from pathlib import Path

import unicodedataplus

DATA = Path(__file__).resolve().parent / "data" / "confusables.txt"

COMMON = frozenset({"Zyyy", "Zinh"})  # Common and Inherited: digits, "_", accents ... go with any script
# TR 39 §5.1: Han, Hiragana, Katakana, Hangul and Bopomofo are written together (Japanese, Korean,
# Chinese with zhuyin), so each also counts as the writing systems it belongs to.
_AUGMENTED = {
    "Hani": {"Hani", "Hanb", "Jpan", "Kore"},
    "Hira": {"Hira", "Jpan"},
    "Kana": {"Kana", "Jpan"},
    "Hang": {"Hang", "Kore"},
    "Bopo": {"Bopo", "Hanb"},
}
# TR 39 §5.2 "Highly Restrictive": one script, or Latin with the scripts of Japanese, Chinese + zhuyin, or
# Korean. Latin with Cyrillic or Greek (аdmin, ΑDMIN) is the mix that fakes names, and is refused.
_HIGHLY_RESTRICTIVE = (
    frozenset({"Latn", "Hani", "Hira", "Kana"}),
    frozenset({"Latn", "Hani", "Bopo"}),
    frozenset({"Latn", "Hani", "Hang"}),
)


@functools.cache
def _prototypes() -> dict[str, str]:
    """confusables.txt as {character: the prototype it looks like}, e.g. "а" (Cyrillic) -> "a", "m" -> "rn"."""
    table = {}
    with DATA.open(encoding="utf-8-sig") as lines:
        for line in lines:
            fields = line.split("#", 1)[0].split(";")
            if len(fields) < 3:
                continue
            source, target = fields[0].strip(), fields[1].strip()
            table[chr(int(source, 16))] = "".join(chr(int(code, 16)) for code in target.split())
    return table


def skeleton(text: str) -> str:
    """TR 39 skeleton: two strings that look alike have the same skeleton ("раураl" and "paypal")."""
    prototypes = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(prototypes.get(ch, ch) for ch in decomposed))


def script_extensions(ch: str) -> frozenset[str]:
    """The scripts a character is used with, as ISO 15924 codes: {"Latn"}, {"Hira", "Kana"} for ー,
    {"Zyyy"} (Common) for digits, {"Zinh"} (Inherited) or a list of scripts for combining marks."""
    return frozenset(unicodedataplus.script_extensions(ch))


def scripts_of(ch: str) -> frozenset[str]:
    """The scripts a character belongs to; empty for Common and Inherited ones, which go with any."""
    return script_extensions(ch) - COMMON


def is_highly_restrictive(text: str) -> bool:
    """True if the text keeps to one script, or to Latin with Han/Hiragana/Katakana, Han/Bopomofo or
    Han/Hangul (TR 39 restriction level "Highly Restrictive"): 张三abc, 山田太郎, 김철수 yes; аdmin no."""
    char_scripts = [scripts for scripts in map(scripts_of, text) if scripts]
    resolved: set[str] | None = None
    for scripts in char_scripts:
        augmented = set().union(*(_AUGMENTED.get(script, {script}) for script in scripts))
        resolved = augmented if resolved is None else resolved & augmented
    if resolved is None or resolved:
        return True  # no letters of any script, or one script (as TR 39 resolves it) for all of them
    return any(all(scripts & allowed for scripts in char_scripts) for allowed in _HIGHLY_RESTRICTIVE)


def has_mixed_digits(text: str) -> bool:
    """True if digits of different systems are mixed (TR 39 §5.3): "1" with the Arabic-Indic "١" ..."""
    zeros = {ord(ch) - unicodedata.digit(ch) for ch in text if unicodedata.category(ch) == "Nd"}
    return len(zeros) > 1


def data_version() -> str:
    """The "Version:" line of the confusables.txt in use, for the refresh script and error reports."""
    with DATA.open(encoding="utf-8-sig") as lines:
        for line in lines:
            if line.startswith("# Version:"):
                return line.split(":", 1)[1].strip()
            if not line.startswith("#"):
                break
    return "unknown"
