"""敏感词: words the admin watches for in what members write, each with an action: block the post (refused,
the text kept in the form), replace it with *** before storing, hold the post for a moderator's approval, or
flag it for the moderators (a report in their queue).

Matching is done on the folded text (luntan.search.text.fold: full-width to half-width by NFKC, lower case,
Traditional to Simplified by OpenCC) with everything but letters and digits left out, so 敏 感 词, 敏.感.词,
敏*感*词, 敏感詞 and ＡＢＣ all find their word; a map from folded positions back to the text as written lets
"replace" star the words where they were written. A word of ASCII letters or digits must start and end
at a word edge, so "ass" is not found in "class".

One Aho-Corasick automaton over all the words finds every word in one pass over the text, whatever the
number of words. It is built once per process and kept in memory, under the "watched-words" version
(luntan.core.pagecache): the services that change the list bump it, and each process rebuilds on its next
text; no query per post once built.

One function for every place member text goes in: `screen(text, where=...)` says what would happen
(no side effect); `check_line` (names, signatures, sentences, messages: texts that cannot wait) and
`check_post` (forum posts) apply it; `flag_floor` puts a flagged floor in the reports queue."""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from luntan.core import pagecache
from luntan.protection.models import WatchedWord, WordHit
from luntan.search.text import fold, fold_mapped

SCOPE = "watched-words"
STARS = "***"
MAX_WORD_CHARS = 60
MAX_IMPORT_LINES = 20_000

Action = WatchedWord.Action
# The strongest action found decides: a post with a blocked word is refused whatever else it has.
SEVERITY = {"": 0, Action.REPLACE: 1, Action.FLAG: 2, Action.HOLD: 3, Action.BLOCK: 4}

# Where member text goes in (the `where` of screen); names and other one-line texts cannot wait.
TITLE, POST, SIGNATURE, NAME, SENTENCE, MESSAGE, BLOG = (
    "title", "post", "signature", "name", "sentence", "message", "blog")


_BETWEEN = re.compile(r"[\W_]+")  # what is not a letter or digit (str.isalnum): spaces, signs, marks


def _ascii_alnum(char: str) -> bool:
    return char.isascii() and char.isalnum()


def word_key(raw: str) -> str:
    """A word as the matcher keeps it: folded, letters and digits only ("" when nothing is left)."""
    return "".join(c for c in fold(raw or "") if c.isalnum())


# --- The matcher ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    start: int  # in the text as written
    end: int  # one past the last character
    word: int  # index into Matcher.words


class Matcher:
    """An Aho-Corasick automaton over the folded keys of the words."""

    def __init__(self, words: list[tuple[str, str, str]]):  # (key, word as written, action)
        self.words = words
        goto: list[dict[str, int]] = [{}]
        out: list[tuple[int, ...]] = [()]
        for index, (key, _word, _action) in enumerate(words):
            state = 0
            for char in key:
                nxt = goto[state].get(char)
                if nxt is None:
                    nxt = len(goto)
                    goto[state][char] = nxt
                    goto.append({})
                    out.append(())
                state = nxt
            out[state] = (*out[state], index)
        fail = [0] * len(goto)
        queue = deque(goto[0].values())
        while queue:
            state = queue.popleft()
            for char, nxt in goto[state].items():
                queue.append(nxt)
                back = fail[state]
                while back and char not in goto[back]:
                    back = fail[back]
                target = goto[back].get(char, 0)
                fail[nxt] = target if target != nxt else 0
                if out[fail[nxt]]:
                    out[nxt] = out[nxt] + out[fail[nxt]]
        self._goto, self._fail, self._out = goto, fail, out
        self._lengths = [len(key) for key, _w, _a in words]
        self._ascii_start = [_ascii_alnum(key[0]) for key, _w, _a in words]
        self._ascii_end = [_ascii_alnum(key[-1]) for key, _w, _a in words]

    def find(self, text: str) -> list[Hit]:
        if not self.words or not text:
            return []
        folded, origin = fold_mapped(text)
        compact = _BETWEEN.sub("", folded)  # letters and digits only: what lies between is skipped
        goto, fail, out = self._goto, self._fail, self._out
        ends: list[tuple[int, int]] = []
        state = 0
        for pos, char in enumerate(compact):
            nxt = goto[state].get(char)
            while nxt is None and state:
                state = fail[state]
                nxt = goto[state].get(char)
            state = nxt or 0
            if out[state]:
                ends.append((pos, state))
        if not ends:
            return []
        kept = [i for i, c in enumerate(folded) if c.isalnum()]  # compact position -> folded position
        hits: list[Hit] = []
        for pos, state in ends:
            for index in out[state]:
                first, last = kept[pos - self._lengths[index] + 1], kept[pos]
                # An ASCII word stands alone: "ass" is not in "class", "sex" not in "sextant".
                if self._ascii_start[index] and first and _ascii_alnum(folded[first - 1]):
                    continue
                if self._ascii_end[index] and last + 1 < len(folded) and _ascii_alnum(folded[last + 1]):
                    continue
                hits.append(Hit(origin[first], origin[last] + 1, index))
        return hits


_lock = threading.Lock()
_built: tuple[str, Matcher] | None = None  # (the list's version, its automaton), swapped whole


def _read_words() -> list[tuple[str, str, str]]:
    return list(WatchedWord.objects.order_by("key").values_list("key", "word", "action"))


def matcher() -> Matcher:
    """The automaton of the current list: rebuilt in this process when the list's version moved."""
    global _built
    version = pagecache.table_versions(SCOPE)
    built = _built
    if built is not None and built[0] == version:
        return built[1]
    with _lock:
        if _built is None or _built[0] != version:
            _built = (version, Matcher(pagecache.kept_table(SCOPE, _read_words, size=64 * 1024)))
        return _built[1]


# --- Screening ----------------------------------------------------------------------------------------------------

class _Actions:
    """What the strongest action found means, for a screened text and for a post's verdict."""

    action: str

    @property
    def blocked(self) -> bool:
        return self.action == Action.BLOCK

    @property
    def held(self) -> bool:
        return self.action == Action.HOLD

    @property
    def flagged(self) -> bool:
        return self.action == Action.FLAG


@dataclass(frozen=True)
class Screened(_Actions):
    text: str  # the text with the "replace" words starred
    action: str  # the strongest action found, "" for none
    words: tuple[str, ...]  # the watched words found, as the admin wrote them


def _stars(fmt: str | None) -> str:
    # In Markdown, *** between letters opens emphasis (or makes a rule on its own line): escape it.
    return "\\*\\*\\*" if fmt == "markdown" else STARS


def screen(text: str, *, where: str, fmt: str | None = None, using: Matcher | None = None) -> Screened:
    """What the watched words make of `text` (a title, post, name ... as `where` says): the text with the
    "replace" words starred (in the text as written), the strongest action found and the words. Changes
    nothing anywhere; `fmt` ("markdown", "bbcode", None for plain text) says how the stars are written."""
    m = using or matcher()
    found = m.find(text or "")
    if not found:
        return Screened(text, "", ())
    action = ""
    words: dict[str, None] = {}
    spans: list[tuple[int, int]] = []
    for hit in found:
        _key, word, word_action = m.words[hit.word]
        words[word] = None
        if SEVERITY[word_action] > SEVERITY[action]:
            action = word_action
        if word_action == Action.REPLACE:
            spans.append((hit.start, hit.end))
    if spans:
        pieces: list[tuple[int, int]] = []
        at = 0
        for start, end in sorted(spans):
            if end <= at:
                continue
            if start < at:  # overlaps the span before: that one grows
                pieces[-1] = (pieces[-1][0], end)
            else:
                pieces.append((start, end))
            at = end
        out: list[str] = []
        at = 0
        for start, end in pieces:
            out += [text[at:start], _stars(fmt)]
            at = end
        out.append(text[at:])
        text = "".join(out)
    return Screened(text, action, tuple(words))


def refusal(where: str) -> str:
    """The one message of a refusal: it names the fact, never the word (so it cannot be probed)."""
    if where == NAME:
        return _("This name contains a word that is not allowed here. Please choose another.")
    return _("Your text contains a word that is not allowed here. Please change it and send it again.")


def _record(*, where: str, screened: Screened, member=None, text: str, floor=None) -> WordHit:
    excerpt = " ".join(text.split())
    return WordHit.objects.create(
        member=member if getattr(member, "pk", None) else None, where=where, action=screened.action,
        words="、".join(screened.words)[:200], excerpt=excerpt[:299] + "…" if len(excerpt) > 300 else excerpt,
        floor=floor)


def check_line(text: str, *, where: str, member=None) -> str:
    """For texts that cannot wait for approval (a name, a signature, a check-in sentence, a message): a
    blocked or held word refuses the text, a replaced one is starred (a name is refused: names have no
    stars), a flagged one is let through and recorded for the moderators. Returns the text to store."""
    screened = screen(text, where=where)
    if not screened.action:
        return text
    if screened.blocked or screened.held or (where == NAME and screened.action == Action.REPLACE):
        raise ValidationError(refusal(where), code="watched_word")
    if screened.flagged:
        _record(where=where, screened=screened, member=member, text=text)
    return screened.text


@dataclass(frozen=True)
class PostVerdict(_Actions):
    title: str | None
    source: str
    action: str
    words: tuple[str, ...]


def check_post(*, source: str, fmt: str, title: str | None = None) -> PostVerdict:
    """A forum post (new thread, reply or edit) through the watched words: refused (with the form's field
    named, the text kept) when a blocked word is found in its title or body; else the title and body to
    store (replaced words starred) and the strongest action found, for the caller to hold or flag."""
    m = matcher()
    in_title = screen(title, where=TITLE, using=m) if title is not None else Screened("", "", ())
    in_body = screen(source, where=POST, fmt=fmt, using=m)
    errors = {}
    if in_title.blocked:
        errors["title"] = ValidationError(refusal(TITLE), code="watched_word")
    if in_body.blocked:
        errors["source"] = ValidationError(refusal(POST), code="watched_word")
    if errors:
        raise ValidationError(errors)
    action = max(in_title.action, in_body.action, key=SEVERITY.__getitem__)
    return PostVerdict(title=in_title.text if title is not None else None, source=in_body.text, action=action,
                       words=tuple(dict.fromkeys(in_title.words + in_body.words)))


def flag_floor(*, floor, verdict: PostVerdict) -> None:
    """Puts a floor with a flagged word (or an edit with a held one: a shown floor cannot go back to waiting)
    in the moderators' reports queue, and on the record. Called inside the posting transaction. The report
    is filed in the name of the site's first administrator, as 其他 with the words found; nothing is sent to
    the author."""
    from luntan.accounts.models import Member
    from luntan.reports.models import Report
    from luntan.reports.services import SCOPE as REPORTS

    screened = Screened(verdict.source, Action.FLAG, verdict.words)
    _record(where=POST, screened=screened, member=floor.author, text=verdict.source, floor=floor)
    admin = (Member.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
             or Member.objects.filter(is_active=True, is_staff=True).order_by("pk").first())
    if admin is None:
        return
    text = (_("Watched words found: %(words)s") % {"words": "、".join(verdict.words)})[:200]
    try:
        with transaction.atomic():
            Report.objects.create(floor=floor, reporter=admin, reason=Report.Reason.OTHER, text=text)
    except IntegrityError:  # the floor is already in the queue, filed the same way
        return
    pagecache.bump(REPORTS)


# --- The list: services for the admin ------------------------------------------------------------------------------

def _check_admin(by) -> None:
    if not (by.is_authenticated and by.is_active and (by.is_staff or by.is_superuser)):
        raise PermissionDenied(_("Only an administrator may change the watched words."))


def clean_word(raw: str) -> tuple[str, str]:
    """The word as written (trimmed) and its folded key; refused when it has no letter or digit."""
    word = " ".join((raw or "").split())
    key = word_key(word)
    if not key:
        raise ValidationError(_("A watched word needs at least one letter, digit or Chinese character."),
                              code="word_empty")
    if len(word) > MAX_WORD_CHARS or len(key) > MAX_WORD_CHARS:
        raise ValidationError(_("A watched word may be at most %(max)s characters long.") % {"max": MAX_WORD_CHARS},
                              code="word_long")
    return word, key


def clean_action(raw: str) -> str:
    code = ACTION_NAMES.get(" ".join((raw or "").split()).lower())
    if code is None:
        raise ValidationError(_("Unknown action “%(action)s”: use block, hold, flag or replace.")
                              % {"action": raw}, code="action")
    return code


def taken_error() -> ValidationError:
    return ValidationError(_("This word is already in the list (perhaps written another way)."), code="word_taken")


def word_save(*, by, word: WatchedWord) -> WatchedWord:
    """Adds or changes a watched word; two spellings of one word (敏感詞, 敏 感 词) are one entry."""
    _check_admin(by)
    word.word, word.key = clean_word(word.word)
    word.action = clean_action(word.action)
    if WatchedWord.objects.filter(key=word.key).exclude(pk=word.pk).exists():
        raise taken_error()
    try:
        with transaction.atomic():
            word.save()
    except IntegrityError:  # the same word added at the same moment
        raise taken_error() from None
    pagecache.bump(SCOPE)
    return word


def word_delete(*, by, word: WatchedWord) -> None:
    _check_admin(by)
    with transaction.atomic():
        WatchedWord.objects.filter(pk=word.pk).delete()
    pagecache.bump(SCOPE)


# Actions as the import accepts them: the codes, the admin's Chinese names, and Discuz!'s markers.
ACTION_NAMES = {
    **{a.value: a.value for a in Action},
    "禁止": Action.BLOCK, "阻止": Action.BLOCK, "{banned}": Action.BLOCK,
    "审核": Action.HOLD, "{mod}": Action.HOLD,
    "标记": Action.FLAG, "举报": Action.FLAG,
    "替换": Action.REPLACE, "***": Action.REPLACE, "**": Action.REPLACE,
}


@dataclass(frozen=True)
class Imported:
    added: int
    changed: int
    unchanged: int


def words_import(*, by, text: str, default_action: str = Action.REPLACE) -> Imported:
    """Adds a list of words, one per line as `word=action` (`word` alone takes `default_action`); a word
    already in the list takes the new action. All or nothing: a bad line refuses the whole list, and the
    error names each bad line."""
    _check_admin(by)
    default_action = clean_action(default_action)
    lines = (text or "").splitlines()
    if len(lines) > MAX_IMPORT_LINES:
        raise ValidationError(_("At most %(max)s lines at a time, please.") % {"max": MAX_IMPORT_LINES},
                              code="import_long")
    wanted: dict[str, tuple[str, str]] = {}
    problems: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        raw_word, sep, raw_action = line.rpartition("=") if "=" in line else (line, "", "")
        try:
            word, key = clean_word(raw_word)
            action = clean_action(raw_action) if sep else default_action
        except ValidationError as error:
            problems.append(_("Line %(number)s: %(problem)s") % {"number": number, "problem": error.messages[0]})
            continue
        wanted[key] = (word, action)
    if problems:
        raise ValidationError([ValidationError(p, code="import_line") for p in problems[:20]]
                              + ([ValidationError(ngettext("… and %(n)s more line.", "… and %(n)s more lines.",
                                                           len(problems) - 20) % {"n": len(problems) - 20})]
                                 if len(problems) > 20 else []))
    if not wanted:
        raise ValidationError(_("There is no word to import."), code="import_empty")
    added = changed = 0
    with transaction.atomic():
        existing = {w.key: w for w in WatchedWord.objects.select_for_update().filter(key__in=list(wanted))}
        new = []
        for key, (word, action) in wanted.items():
            old = existing.get(key)
            if old is None:
                new.append(WatchedWord(word=word, key=key, action=action))
            elif old.action != action:
                WatchedWord.objects.filter(pk=old.pk).update(action=action)
                changed += 1
        WatchedWord.objects.bulk_create(new, batch_size=500)
        added = len(new)
    pagecache.bump(SCOPE)
    return Imported(added=added, changed=changed, unchanged=len(wanted) - added - changed)
