"""Reads about members: one door to a member by UID, the profile page with a fixed number of queries, and the
member list (会员列表): sorted by any column, searched by name or pinyin, two queries a page."""

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.tokens import default_token_generator
from django.db.models import BigIntegerField, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext, pgettext

from luntan.accounts import signatures
from luntan.accounts.cards import Card, build_cards, card_members
from luntan.accounts.models import Member
from luntan.accounts.names import name_key, normalize_username
from luntan.core.paging import Pages, page_count, page_number
from luntan.core.text import is_invisible
from luntan.credits import config
from luntan.credits.config import TypeInfo
from luntan.credits.models import Wallet
from luntan.forum.models import Floor, Thread
from luntan.forum.queries import parse_id, recent_replies, recent_threads

RECENT = 10


def access_member(uid) -> Member:
    """The member with this UID, or 404 for a missing one and for anything that is not a UID."""
    try:
        return card_members(Member.objects.all()).get(pk=parse_id(uid))
    except Member.DoesNotExist:
        raise Http404 from None


@dataclass
class Profile:
    member: Member
    card: Card
    threads: list[Thread]
    replies: list[Floor]
    signature_shown: bool = False  # the group may show a signature (accounts.signatures)


def current_avatar(uid: int) -> str:
    """Member.avatar of member `uid` ("" for none, or no such member)."""
    return Member.objects.filter(pk=uid).values_list("avatar", flat=True).first() or ""


def member_profile(uid, *, viewer) -> Profile:
    """Three queries whatever the member has written: the member with the group, and two short lists of
    what `viewer` may see (nothing from a board hidden from them)."""
    member = access_member(uid)
    return Profile(
        member=member,
        card=build_cards([member])[member.pk],
        threads=recent_threads(member, viewer=viewer, limit=RECENT),
        replies=recent_replies(member, viewer=viewer, limit=RECENT),
        signature_shown=signatures.shown(member),
    )


def member_from_reset_link(uidb64: str, token: str) -> Member | None:
    """The member a password-reset link was made for, or None when the link is garbled, used or expired."""
    try:
        raw = force_str(urlsafe_base64_decode(uidb64))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12:
        return None
    member = Member.objects.filter(pk=int(raw), is_active=True).first()
    if member is None or not default_token_generator.check_token(member, token):
        return None
    return member


# --- 会员列表: the member list -------------------------------------------------------------------------------

MEMBERS_PER_PAGE = 25
SEARCH_MAX_CHARS = 30
_PINYIN_QUERY = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Column:
    key: str  # in ?sort=
    order_by: tuple[str, ...]  # fields or annotations, ascending
    default_dir: str  # the direction a first click sorts by


COLUMNS = {
    "uid": Column("uid", ("pk",), "asc"),
    # Names sort by their pinyin (as a Chinese reader expects: 阿 before 张), not by code point.
    "name": Column("name", ("name_pinyin", "name_key"), "asc"),
    "level": Column("level", ("group__order", "credit_total"), "asc"),
    "joined": Column("joined", ("date_joined",), "desc"),
    "login": Column("login", ("last_login",), "desc"),
    "posts": Column("posts", ("post_count",), "desc"),
    "digests": Column("digests", ("digest_count",), "desc"),
}


def credit_column(info: TypeInfo) -> Column:
    return Column(f"credit{info.slot}", (f"credit_{info.slot}",), "desc")


def member_columns() -> dict[str, Column]:
    """Every sortable column: the fixed ones and one per credit type shown on the author card."""
    return {**COLUMNS, **{c.key: c for c in map(credit_column, config.card_types())}}


def clean_search(raw: str | None) -> str:
    """What the member typed, as names are compared (NFKC, case folded), without what no name holds
    (controls, invisible characters, spaces); at most SEARCH_MAX_CHARS characters."""
    text = name_key(normalize_username((raw or "")[:SEARCH_MAX_CHARS * 4]))
    kept = "".join(ch for ch in text if not (is_invisible(ch) or ch.isspace()
                                             or unicodedata.category(ch) in {"Cc", "Cf", "Co", "Cn", "Cs"}))
    return kept[:SEARCH_MAX_CHARS]


def search_filter(query: str) -> Q:
    """Names starting with `query`; for Latin letters and digits also names whose pinyin or pinyin initials
    start with it ("qjk" and "qiao" find 乔吉奎)."""
    found = Q(name_key__startswith=query)
    if _PINYIN_QUERY.fullmatch(query):
        found |= Q(name_pinyin__startswith=query) | Q(name_initials__startswith=query)
    return found


@dataclass
class MemberList:
    rows: list[tuple[Member, list[int]]]  # each member with the balances of `credit_types`, in order
    pages: Pages
    total: int
    query: str
    sort: str
    direction: str
    credit_types: list[TypeInfo]

    def params(self, **changes) -> dict[str, str]:
        """The list's query parameters as a link should carry them (the defaults left out)."""
        values = {"q": self.query, "sort": self.sort, "dir": self.direction, **changes}
        column = member_columns()[values["sort"]]
        if values["sort"] == "uid" and values["dir"] == column.default_dir:
            values.pop("sort")
            values.pop("dir")
        elif values["dir"] == column.default_dir:
            values.pop("dir")
        return {k: str(v) for k, v in values.items() if v not in ("", None) and not (k == "page" and v == 1)}

    def columns(self) -> list[tuple[str, str, str]]:
        """(sort key, heading, class) of each column, in order."""
        return [("uid", "UID", ""), ("name", gettext("Username"), ""), ("level", gettext("Level"), ""),
                ("joined", gettext("Registered"), ""), ("login", gettext("Last login"), ""),
                ("posts", pgettext("card", "Posts"), "num"), ("digests", gettext("Digest"), "num"),
                *((f"credit{t.slot}", t.name, "num") for t in self.credit_types)]

    def query_string(self, **changes) -> str:
        found = urlencode(self.params(**changes))
        return f"?{found}" if found else ""

    def sort_link(self, key: str) -> str:
        """A column head's link: the other direction for the sorted column, else the column's usual one;
        back to page 1 either way."""
        if key == self.sort:
            return self.query_string(sort=key, dir="asc" if self.direction == "desc" else "desc")
        return self.query_string(sort=key, dir=member_columns()[key].default_dir)

    def aria_sort(self, key: str) -> str | None:
        if key != self.sort:
            return None
        return "ascending" if self.direction == "asc" else "descending"

    def pager_extra(self) -> str:
        """What the site's pager appends after ?page=N."""
        found = urlencode(self.params())
        return f"&{found}" if found else ""


def member_list(*, query_raw: str | None, sort_raw: str | None, dir_raw: str | None,
                page_raw: str | None) -> MemberList:
    """One page of the member list: a count and the page itself, two queries whatever the page size, with
    each card credit's balance (the type's initial value for a member who has no wallet yet). Anything
    unknown in the parameters falls back to the default, never an error."""
    shown = config.card_types()
    columns = member_columns()
    sort = sort_raw if sort_raw in columns else "uid"
    column = columns[sort]
    direction = dir_raw if dir_raw in ("asc", "desc") else column.default_dir
    query = clean_search(query_raw)
    members = Member.objects.all()
    if query:
        members = members.filter(search_filter(query))
    total = members.count()
    pages = Pages(number=page_number(page_raw, last=page_count(total, MEMBERS_PER_PAGE)),
                  count=page_count(total, MEMBERS_PER_PAGE))
    members = members.select_related("group").annotate(**{
        f"credit_{t.slot}": Coalesce(
            Subquery(Wallet.objects.filter(member=OuterRef("pk"), credit_type_id=t.id).values("balance")[:1]),
            Value(t.initial), output_field=BigIntegerField())
        for t in shown})
    descending = direction == "desc"
    ordering = [F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_first=True)
                for name in column.order_by]
    start = (pages.number - 1) * MEMBERS_PER_PAGE
    page = list(members.order_by(*ordering, "-pk" if descending else "pk")[start:start + MEMBERS_PER_PAGE])
    rows = [(m, [getattr(m, f"credit_{t.slot}") for t in shown]) for m in page]
    return MemberList(rows=rows, pages=pages, total=total, query=query, sort=sort, direction=direction,
                      credit_types=shown)
