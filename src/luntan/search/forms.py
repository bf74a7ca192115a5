"""The search page's form: one box for what to look for, and the filters for those who do not type
operators (board, author, dates, title only, digest only, sort). What the reader typed is kept as typed;
anything odd in the address is a message next to its field, never an error page."""

import unicodedata
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from luntan.accounts.models import Member
from luntan.accounts.names import name_key, normalize_username
from luntan.forum.models import Board
from luntan.search import api

EARLIEST = date(1970, 1, 1)  # dates outside these are typing mistakes (and would overflow a time zone)
LATEST = date(2999, 12, 31)
AUTHOR_MAX_CHARS = 30
SORT_CHOICES = [("relevance", _("Relevance")), ("newest", _("Time, newest first"))]


def board_choices(boards: frozenset[int]) -> list[tuple[str, list[tuple[int, str]]]]:
    """The boards the reader may search, under their categories in the home page's order, sub-boards after
    their parent (one query)."""
    rows = list(Board.objects.filter(pk__in=boards)
                .order_by("category__order", "category_id", "order", "id")
                .values_list("id", "name", "parent_id", "category__name"))
    children: dict[int, list] = {}
    for row in rows:
        if row[2] is not None and row[2] in boards:
            children.setdefault(row[2], []).append(row)
    grouped: dict[str, list[tuple[int, str]]] = {}

    def add(row, depth: int) -> None:
        grouped.setdefault(row[3], []).append((row[0], "\u3000" * depth + row[1]))
        for child in children.get(row[0], ()):
            add(child, depth + 1)

    for row in rows:
        if row[2] is None or row[2] not in boards:
            add(row, 0)
    return list(grouped.items())


def without_controls(text: str) -> str:
    """`text` with control and format characters (and runs of spaces) made single spaces."""
    kept = "".join(" " if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} else ch for ch in text)
    return " ".join(kept.split())


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, max_length=api.MAX_QUERY_CHARS,
                        error_messages={"max_length": _("The search is too long: at most %(limit_value)s characters "
                                                        "(you typed %(show_value)s).")})
    board = forms.TypedChoiceField(label=_("Board"), required=False, coerce=int, empty_value=None,
                                   error_messages={"invalid_choice": _("There is no such board, or you may not see "
                                                                       "it.")})
    author = forms.CharField(label=_("Author"), required=False, max_length=AUTHOR_MAX_CHARS)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput(), input_formats=["%Y-%m-%d"],
                            error_messages={"invalid": _("Enter a date like 2024-05-01.")})
    until = forms.DateField(label=_("To"), required=False, widget=DateInput(), input_formats=["%Y-%m-%d"],
                            error_messages={"invalid": _("Enter a date like 2024-05-01.")})
    title_only = forms.BooleanField(label=_("Titles only"), required=False)
    digest_only = forms.BooleanField(label=_("Digest threads only"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES,
                             error_messages={"invalid_choice": _("Sort by relevance or by time.")})

    def __init__(self, *args, boards: list[tuple[str, list[tuple[int, str]]]], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["board"]
        field.choices = [("", _("All boards")), *boards]  # type: ignore[attr-defined]
        self.board_groups = boards
        self.author_id: int | None = None

    def clean_q(self) -> str:
        return without_controls(self.cleaned_data.get("q", ""))

    def clean_author(self) -> str:
        name = without_controls(self.cleaned_data.get("author", ""))
        if name:
            found = Member.objects.filter(name_key=name_key(normalize_username(name))).values_list("pk", flat=True)
            self.author_id = next(iter(found), None)
            if self.author_id is None:
                raise ValidationError(_("No member is called “%(name)s”."), code="no_author", params={"name": name})
        return name

    def _clean_day(self, name: str) -> date | None:
        day = self.cleaned_data.get(name)
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ValidationError(_("Choose a day between %(first)s and %(last)s."), code="out_of_range",
                                  params={"first": EARLIEST.isoformat(), "last": LATEST.isoformat()})
        return day

    def clean_since(self) -> date | None:
        return self._clean_day("since")

    def clean_until(self) -> date | None:
        return self._clean_day("until")

    def clean(self):
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", ValidationError(_("The last day comes before the first."), code="reversed"))
        return data

    def filters(self) -> api.Filters:
        data = self.cleaned_data
        return api.Filters(board_ids=frozenset([data["board"]]) if data.get("board") else None,
                           author_id=self.author_id, since=data.get("since"), until=data.get("until"),
                           title_only=bool(data.get("title_only")), digest_only=bool(data.get("digest_only")))

    def typed(self) -> str:
        """What goes back in the box: the search as it was searched (controls made spaces), or as typed when
        it was refused."""
        if not self.is_bound:
            return ""
        if "q" in getattr(self, "cleaned_data", {}):
            return self.cleaned_data["q"]
        return str(self.data.get("q", ""))

    def has_filters(self) -> bool:
        """Whether the reader set any filter (the filters stay open then)."""
        if not self.is_bound:
            return False
        return any(self.data.get(k) for k in ("board", "author", "since", "until", "title_only", "digest_only")) or \
            self.data.get("sort", "relevance") not in ("", "relevance")
