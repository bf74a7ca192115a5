"""Luntan's own smiley shortcodes, rendered as Unicode emoji (no image requests).

Both formats call :func:`smiley_html`; neither applies it inside code.
"""

from __future__ import annotations

import html
import re
from typing import Final

SMILIES: Final[dict[str, str]] = {
    "微笑": "😊",
    "大笑": "😄",
    "偷笑": "🤭",
    "害羞": "😳",
    "哭": "😢",
    "可怜": "🥺",
    "汗": "😅",
    "怒": "😠",
    "晕": "😵",
    "酷": "😎",
    "惊讶": "😮",
    "疑问": "🤔",
    "睡": "😴",
    "捂脸": "🤦",
    "赞": "👍",
    "鼓掌": "👏",
    "抱拳": "🙏",
    "加油": "💪",
    "再见": "👋",
    "爱心": "❤️",
    "玫瑰": "🌹",
    "吃瓜": "🍉",
}

# Longest names first so that a longer code is never cut short by a shorter prefix.
SMILEY_RE: Final = re.compile(
    ":(" + "|".join(re.escape(name) for name in sorted(SMILIES, key=len, reverse=True)) + "):"
)


def smiley_html(name: str) -> str:
    """HTML for one known smiley; ``name`` must be a key of :data:`SMILIES`."""
    return f'<span class="smiley" title="{html.escape(name)}">{SMILIES[name]}</span>'


def escape_with_smilies(text: str) -> str:
    """HTML-escape ``text`` and turn known shortcodes into smilies."""
    parts: list[str] = []
    pos = 0
    for match in SMILEY_RE.finditer(text):
        parts.append(html.escape(text[pos : match.start()]))
        parts.append(smiley_html(match.group(1)))
        pos = match.end()
    parts.append(html.escape(text[pos:]))
    return "".join(parts)
