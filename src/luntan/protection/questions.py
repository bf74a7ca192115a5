"""The verification settings and questions: read from a small table kept in memory (no query on a page),
and changed only through the services below (the admin calls them)."""

import string
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luntan.core import pagecache
from luntan.protection.models import VerificationQuestion, VerifySettings
from luntan.search.text import fold

SCOPE = "protection.verify"
MAX_ANSWER_CHARS = 100
_EDGES = string.punctuation + "。，、！？；：“”‘’…·～" + string.whitespace


def fold_answer(text: str) -> str:
    """An answer as it is compared: case, width (全角/半角) and 简繁 folded, spaces removed, and the
    punctuation a person may add at either end (a full stop) dropped."""
    folded = fold(unicodedata.normalize("NFKC", text[:MAX_ANSWER_CHARS]))
    return "".join(folded.split()).strip(_EDGES)


@dataclass(frozen=True)
class Question:
    pk: int
    text: str
    answers: frozenset[str]  # folded
    shown: str  # the first answer as the admin wrote it (shown when the admin asks for it)


@dataclass(frozen=True)
class VerifyConfig:
    kind: str
    on_register: bool
    arithmetic: bool
    show_answer: bool
    posts_below: int
    always_groups: frozenset[int]
    pow_bits: int
    min_seconds: int
    guest_pages_per_hour: int
    guest_pass_hours: int
    crawlers: tuple[tuple[str, tuple[str, ...]], ...]  # (name in the user agent, lower case; its domains)


def parse_crawlers(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    found = []
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 2:
            found.append((words[0].lower(), tuple(w.lower().strip(".") for w in words[1:])))
    return tuple(found)


def settings_row() -> VerifySettings:
    return VerifySettings.objects.filter(pk=1).first() or VerifySettings(pk=1)


def _read() -> VerifyConfig:
    row = settings_row()  # one query
    return VerifyConfig(
        kind=row.kind, on_register=row.on_register, arithmetic=row.arithmetic, show_answer=row.show_answer,
        posts_below=row.posts_below, always_groups=frozenset(row.always_group_ids()), pow_bits=row.pow_bits,
        min_seconds=row.min_seconds, guest_pages_per_hour=row.guest_pages_per_hour,
        guest_pass_hours=row.guest_pass_hours, crawlers=parse_crawlers(row.crawlers))


def config() -> VerifyConfig:
    """The settings, kept in memory: no query on a page (one when an admin's change is first read)."""
    return pagecache.kept_table(SCOPE, _read, size=4096, name="settings")


def _read_questions() -> tuple[Question, ...]:
    found = []
    for q in VerificationQuestion.objects.filter(enabled=True).order_by("pk"):
        answers = q.answer_list()
        folded = frozenset(f for a in answers if (f := fold_answer(a)))
        if folded:
            found.append(Question(pk=q.pk, text=q.question, answers=folded, shown=answers[0]))
    return tuple(found)


def question_pool() -> tuple[Question, ...]:
    """The enabled questions, kept in memory; read only when a question is drawn."""
    return pagecache.kept_table(SCOPE, _read_questions, size=65536, name="questions")


# --- Writes (the admin's) ------------------------------------------------------------------------------------

def _check_admin(by) -> None:
    if not (by.is_authenticated and by.is_active and (by.is_superuser or by.is_staff)):
        raise PermissionDenied(_("Only the site's administrators may change the verification settings."))


def check_question(row: VerificationQuestion) -> None:
    row.question = row.question.strip()
    row.answers = "\n".join(row.answer_list())
    if not row.question:
        raise ValidationError({"question": _("Please write the question.")}, code="question_empty")
    answers = row.answer_list()
    if not answers or not all(fold_answer(a) for a in answers):
        raise ValidationError({"answers": _("Please give at least one answer, one a line, each with a letter or "
                                            "a digit in it.")}, code="answers_empty")
    if any(len(a) > MAX_ANSWER_CHARS for a in answers):
        raise ValidationError({"answers": _("An answer may have at most %(max)s characters.") % {
            "max": MAX_ANSWER_CHARS}}, code="answer_long")


def question_save(*, by, question: VerificationQuestion) -> VerificationQuestion:
    _check_admin(by)
    check_question(question)
    with transaction.atomic():
        question.save()
        pagecache.bump(SCOPE)
    return question


def question_delete(*, by, question: VerificationQuestion) -> None:
    _check_admin(by)
    with transaction.atomic():
        question.delete()
        pagecache.bump(SCOPE)


def verify_settings_save(*, by, row: VerifySettings, always_groups=None) -> VerifySettings:
    """Saves the one settings row (and, when given, the groups that always answer: groups or their ids)."""
    _check_admin(by)
    if always_groups is not None:
        row.always_groups = ",".join(str(pk) for pk in sorted(getattr(g, "pk", g) for g in always_groups))
    with transaction.atomic():
        row.pk = 1
        row.save()
        pagecache.bump(SCOPE)
    return row
