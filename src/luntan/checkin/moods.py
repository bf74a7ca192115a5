"""The moods a member picks when checking in (dsu_paulsign's nine), each with a small face drawn in text.
Codes are stored; names are translated when shown."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Mood:
    code: str
    name: str | Promise
    face: str  # an emoji: text, so it needs no image and reads in any font with colour emoji


MOODS: tuple[Mood, ...] = (
    Mood("kx", _("Happy"), "😄"),
    Mood("ng", _("Sad"), "😢"),
    Mood("ym", _("Gloomy"), "😒"),
    Mood("wl", _("Bored"), "🥱"),
    Mood("nu", _("Angry"), "😠"),
    Mood("ch", _("Sweating"), "😅"),
    Mood("fd", _("Striving"), "💪"),
    Mood("yl", _("Lazy"), "😪"),
    Mood("shuai", _("Down on my luck"), "😩"),
)
BY_CODE = {m.code: m for m in MOODS}
CHOICES = [(m.code, m.name) for m in MOODS]


def mood(code: str) -> Mood | None:
    return BY_CODE.get(code)
