"""Numbers in help articles come from the live settings: an article's text holds placeholders such as
{{ checkin.rewards }}, kept as they are in the stored and cooked text, and filled here each time a page is
shown, so that an admin who changes a setting changes the article with it.

Each placeholder has a text form (a sentence or a number, put where the placeholder stands) and some have a
table form, used when the placeholder is alone in its paragraph. Everything a setting holds (a credit type's
name, a group's name, a prize's name) is site data an admin typed: it is cleaned as a line (no invisible or
direction characters) and escaped here, and the cooked
article around it was sanitized by luntan.markup, so the page's HTML is made only by the two.

The readers are the kept tables of the apps (economy, groups, check-in, new members, verification): no query
once kept; the wheel's table costs two queries, only on an article that shows it."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from luntan.core.text import clean_line

NAME = r"([a-z][a-z_]*(?:\.[a-z_]+)?)"
ONE = r"\{\{\s*" + NAME + r"\s*\}\}"
# A placeholder alone in a paragraph (Markdown cooks a line of its own into <p>; BBCode into a line between
# <br>s), or anywhere else.
PLACEHOLDER = re.compile(r"<p>\s*" + ONE + r"\s*</p>|(?:^|(?<=<br>)|(?<=\n))[ \t]*" + ONE
                         + r"[ \t]*(?=<br>|\n|$)|" + ONE)


@dataclass(frozen=True)
class Filling:
    text: str  # plain text, escaped when put in
    table: SafeString | None = None  # made with format_html: its values escaped


def _table(heads: list[str], rows: list[list[str]]) -> SafeString:
    head = format_html_join("", "<th>{}</th>", ((h,) for h in heads))
    body = format_html_join("", "<tr>{}</tr>", (
        (format_html_join("", "<td>{}</td>", ((clean_line(cell),) for cell in row)),) for row in rows))
    return format_html("<div class=\"help-table\"><table><thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>",
                       head, body)


def _none() -> str:
    return _("none")


# --- 积分 --------------------------------------------------------------------------------------------------------

def credit_types() -> Filling:
    from luntan.credits import config

    kinds = config.economy().enabled_types()
    rows = [[t.name, t.unit or "—", str(t.initial), str(t.lower_limit), _("yes") if t.transferable else _("no")]
            for t in kinds]
    return Filling(text="、".join(t.name for t in kinds) or _none(),
                   table=_table([_("Credit"), _("Unit"), _("New members start with"), _("Lowest balance"),
                                 _("Transferable")], rows))


def _cycle(rule) -> str:
    from luntan.credits.models import CreditRule

    times = rule.max_per_cycle
    if rule.cycle == CreditRule.Cycle.ONCE:
        return _("once only")
    if rule.cycle == CreditRule.Cycle.UNLIMITED or not times:
        return _("every time")
    if rule.cycle == CreditRule.Cycle.DAY:
        return _("up to %(times)s times a day") % {"times": times}
    if rule.cycle == CreditRule.Cycle.HOURS:
        return _("up to %(times)s times every %(n)s hours") % {"times": times, "n": rule.cycle_length}
    return _("up to %(times)s times every %(n)s minutes") % {"times": times, "n": rule.cycle_length}


def credit_rules() -> Filling:
    from luntan.credits import config
    from luntan.credits.models import RULE_ACTIONS

    econ = config.economy()
    labels = dict(RULE_ACTIONS)
    rows = []
    for action, label in labels.items():
        rule = econ.rules.get(action)
        if rule is None or not rule.enabled:
            continue
        amounts = [f"{econ.types[type_id].name} {amount:+d}" for type_id, amount in rule.amounts.items()
                   if amount and type_id in econ.types and econ.types[type_id].enabled]
        if amounts:
            rows.append([str(label), "，".join(amounts), _cycle(rule)])
    return Filling(text="；".join(f"{r[0]} {r[1]}（{r[2]}）" for r in rows) or _none(),
                   table=_table([_("What you do"), _("Credits"), _("How often it counts")], rows))


def credit_formula() -> Filling:
    from luntan.credits import config

    return Filling(text=config.economy().level_formula)


def credit_transfer() -> Filling:
    from luntan.credits import config

    econ = config.economy()
    return Filling(text=_(
        "A transfer costs a tax of %(tax)s%% paid by the sender; the sender must keep at least %(kept)s, and may "
        "send at most %(cap)s a day.") % {"tax": econ.transfer_tax_percent, "kept": econ.transfer_min_kept,
                                          "cap": econ.transfer_daily_cap})


# --- 级别 --------------------------------------------------------------------------------------------------------

def levels() -> Filling:
    from luntan.accounts.groups import all_groups
    from luntan.accounts.models import MemberGroup

    found = sorted((g for g in all_groups().values() if g.kind == MemberGroup.Kind.MEMBER
                    and g.credits_from is not None), key=lambda g: (g.credits_from or 0, g.group_id or 0))
    rows = [[g.name, str(g.credits_from), "★" * g.stars if g.stars else "—", str(g.wheel_spins_per_day)]
            for g in found]
    return Filling(text="、".join(f"{g.name}（{g.credits_from}）" for g in found) or _none(),
                   table=_table([_("Level"), _("From total credits"), _("Stars"), _("Lucky wheel spins a day")],
                                rows))


# --- 每日签到 ------------------------------------------------------------------------------------------------------

def checkin_rewards() -> Filling:
    from luntan.checkin.services import reward_type, settings_row

    row = settings_row()
    kind = reward_type(row)
    if not row.enabled or kind is None:
        return Filling(text=_("Check-in is closed at the moment."))
    return Filling(text=_(
        "%(base)s on the first day, %(step)s more for each further day of a streak, at most %(max)s a day; the "
        "day's first three members to check in get %(b1)s, %(b2)s and %(b3)s more.") % {
        "base": kind.amount(row.reward_base), "step": row.reward_step, "max": kind.amount(row.reward_max),
        "b1": row.bonus_first, "b2": row.bonus_second, "b3": row.bonus_third})


# --- 幸运大转盘 -----------------------------------------------------------------------------------------------------

def wheel_odds() -> Filling:
    from luntan.wheel import queries

    odds = queries.odds(queries.current_slots())
    rows = [[o.slot.name, o.prize, o.percent] for o in odds]
    return Filling(text="；".join(f"{r[0]} {r[2]}" for r in rows) or _none(),
                   table=_table([_("Slot"), _("Prize"), _("Chance")], rows))


def wheel_cost() -> Filling:
    from luntan.credits import config
    from luntan.wheel.services import wheel_settings

    row = wheel_settings()
    if not row.enabled:
        return Filling(text=_("The lucky wheel is closed at the moment."))
    kind = config.credit_types().get(row.cost_type_id) if row.cost_type_id else None
    if kind is None or not row.cost_amount:
        return Filling(text=_("A spin is free."))
    return Filling(text=_("A spin costs %(cost)s.") % {"cost": kind.amount(row.cost_amount)})


# --- 新会员与验证 ---------------------------------------------------------------------------------------------------

def _newcomers():
    from luntan.protection import newcomers

    return newcomers.rules()


def _cap(value: int | None) -> str:
    return str(value) if value else _("no limit")


def _verify():
    from luntan.protection import questions

    return questions.config()


def _verify_kind() -> Filling:
    kind = _verify().kind
    return Filling(text={"question": _("a verification question"),
                         "pow": _("a short computation done by your browser")}.get(kind, _("no check")))


def _hidden(name: str) -> Filling:
    from luntan.hidden import rules

    kind = rules.trade_type()
    if name == "currency":
        return Filling(text=kind.name if kind else _none())
    if name == "max_price":
        return Filling(text=kind.amount(rules.max_price()) if kind else str(rules.max_price()))
    return Filling(text=str(rules.tax_percent()))


def thread_prices() -> Filling:
    """Each member group's highest thread price (主题售价), the site's own groups in their order."""
    from luntan.accounts.groups import all_groups
    from luntan.hidden import rules

    kind = rules.trade_type()
    found = sorted(all_groups().values(), key=lambda g: (g.credits_from is None, g.credits_from or 0, g.group_id or 0))
    rows = [[g.name, (kind.amount(g.max_thread_price) if kind else str(g.max_thread_price)) if g.max_thread_price
             else _("may not price a thread")] for g in found]
    selling = [f"{row[0]}（{row[1]}）" for row, g in zip(rows, found, strict=True) if g.max_thread_price]
    return Filling(text="、".join(selling) or _none(),
                   table=_table([_("Group"), _("Highest thread price")], rows))


FILLERS: dict[str, Callable[[], Filling]] = {
    "credits.types": credit_types,
    "credits.rules": credit_rules,
    "credits.formula": credit_formula,
    "credits.transfer": credit_transfer,
    "levels": levels,
    "checkin.rewards": checkin_rewards,
    "wheel.odds": wheel_odds,
    "wheel.cost": wheel_cost,
    "newcomers.hours": lambda: Filling(text=str(_newcomers().hours)),
    "newcomers.threads_per_day": lambda: Filling(text=_cap(_newcomers().threads_per_day)),
    "newcomers.replies_per_day": lambda: Filling(text=_cap(_newcomers().replies_per_day)),
    "newcomers.links_after_posts": lambda: Filling(text=str(_newcomers().links_after_posts)),
    "verify.kind": _verify_kind,
    "verify.posts_below": lambda: Filling(text=str(_verify().posts_below)),
    "verify.min_seconds": lambda: Filling(text=str(_verify().min_seconds)),
    "hidden.currency": lambda: _hidden("currency"),
    "hidden.max_price": lambda: _hidden("max_price"),
    "hidden.tax": lambda: _hidden("tax"),
    "hidden.thread_prices": thread_prices,
}


def expand(html: str) -> SafeString:
    """Cooked article HTML with its placeholders filled; an unknown placeholder stays as written. One pass
    of re.sub: what a filling puts in is never read again, so a setting that holds "{{ levels }}" stays text."""
    made: dict[str, Filling] = {}

    def fill(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or match.group(3)
        if name not in FILLERS:
            return match.group(0)
        if name not in made:
            made[name] = FILLERS[name]()
        found = made[name]
        if match.group(3) is None and found.table is not None:  # alone on its line: the table
            return str(found.table)
        if match.group(1) is not None:
            return f"<p>{escape(clean_line(found.text))}</p>"
        return escape(clean_line(found.text))

    return mark_safe(PLACEHOLDER.sub(fill, html))  # noqa: S308 -- sanitized by markup, filled with escaped values


def strip(text: str) -> str:
    """Text without its placeholders (what search reads)."""
    return PLACEHOLDER.sub(" ", text)
