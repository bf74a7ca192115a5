"""The editor toolbar over every post box: the choices it offers, for its template macro
(``markup/_editor.html``). The toolbar is the same for every reader (it sits in kept fragments such as
the quick reply); all its behaviour is in ``static/markup/editor.js``."""

from __future__ import annotations

from typing import Final, cast

from django.template import engines
from django.template.backends.jinja2 import Jinja2
from django.utils.translation import gettext_lazy as _

from .palette import ALIGNMENTS, FONT_SIZES, NAMED_COLORS
from .smilies import SMILIES

COLOR_LABELS: Final = {
    "black": _("Black"), "gray": _("Grey"), "silver": _("Silver"), "white": _("White"), "red": _("Red"),
    "maroon": _("Maroon"), "orange": _("Orange"), "yellow": _("Yellow"), "olive": _("Olive"),
    "lime": _("Lime"), "green": _("Green"), "teal": _("Teal"), "aqua": _("Aqua"), "blue": _("Blue"),
    "navy": _("Navy"), "purple": _("Purple"), "fuchsia": _("Fuchsia"), "pink": _("Pink"), "brown": _("Brown"),
}
ALIGN_LABELS: Final = {"left": _("Align left"), "center": _("Centre"), "right": _("Align right")}

# What the toolbar offers is exactly what the BBCode renderer accepts.
assert set(COLOR_LABELS) == set(NAMED_COLORS)  # noqa: S101 - a module-level consistency check
assert set(ALIGN_LABELS) == set(ALIGNMENTS)  # noqa: S101

EDITOR_CHOICES: Final = {
    "colors": tuple(COLOR_LABELS.items()),
    "sizes": FONT_SIZES,
    "aligns": tuple(ALIGN_LABELS.items()),
    "smilies": tuple(SMILIES.items()),
}

# The address of the upload the 上传 button, drag and drop and paste send files to, when an app offers one
# (luntan.attachments registers its URL name): without it the toolbar has no upload button.
EDITOR_UPLOAD: Final[dict[str, str]] = {}


def register_upload(url_name: str) -> None:
    EDITOR_UPLOAD["url_name"] = url_name


def register() -> None:
    """Makes the choices a template global (core's environment cannot import markup)."""
    env = cast(Jinja2, engines["jinja2"]).env
    env.globals["editor_choices"] = EDITOR_CHOICES
    env.globals["editor_upload"] = EDITOR_UPLOAD
