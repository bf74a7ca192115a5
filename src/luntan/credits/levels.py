"""A member's total credits (the administrator's formula over posts, digests and balances) and the level it
reaches. Computed in the transaction that changes one of its inputs, and kept on the member row."""

import functools

from django.core.exceptions import ValidationError

from luntan.credits import formula
from luntan.credits.config import Economy

# The member's own figures a formula may name, in Chinese as the admin writes them or in English.
FIGURES = {
    "发帖": "post_count", "posts": "post_count",
    "主题": "thread_count", "threads": "thread_count",
    "精华": "digest_count", "digests": "digest_count",
    "在线": "online_hours", "online": "online_hours",
}


def formula_names(econ: Economy) -> frozenset[str]:
    names = set(FIGURES)
    for t in econ.types.values():
        names.update({t.name, f"credit{t.slot}"})
    return frozenset(names)


@functools.lru_cache(maxsize=16)
def _tree(text: str, names: frozenset[str]) -> formula.Node:
    """The formula parsed once per text and names: every change of a balance settles the member's total."""
    try:
        return formula.parse(text, names)
    except ValidationError:
        return ("name", "posts")  # a formula made invalid by renaming a type: posts alone until fixed


def check_formula(text: str, econ: Economy) -> None:
    """Raises a ValidationError the admin reads when the formula cannot be used."""
    formula.parse(text.strip(), formula_names(econ))


def total_of(member, balances: dict[int, int], econ: Economy) -> int:
    """The formula's value for a member, given {credit type id: balance} (a missing type counts its initial
    value, as the member's wallet would start with it)."""
    tree = _tree(econ.level_formula.strip(), formula_names(econ))
    values: dict[str, int] = {}
    for name, attr in FIGURES.items():
        values[name] = (member.online_seconds // 3600) if attr == "online_hours" else getattr(member, attr)
    for t in econ.types.values():
        values[t.name] = values[f"credit{t.slot}"] = balances.get(t.id, t.initial)
    return formula.evaluate(tree, values)
