"""What a member's group allows, and which level a total of credits reaches: one lookup for every feature.

The groups are a small table kept in memory under the "groups" version (luntan.core.pagecache.kept_table):
asking costs no query. Features read `rules_for(member)`, never the group's fields directly, so that a
guest, a member without a group and a silenced member all get an answer from the same place."""

from dataclasses import dataclass

from luntan.accounts.models import MemberGroup
from luntan.core import pagecache

SCOPE = "groups"


@dataclass(frozen=True)
class GroupRules:
    group_id: int | None
    name: str
    is_default: bool
    kind: str
    role: str
    stars: int
    credits_from: int | None
    can_post: bool
    daily_mood_votes: int
    max_signature_chars: int
    max_attachment_kb: int
    attachment_types: frozenset[str]
    allow_links: bool
    allow_images: bool
    allow_transfer: bool
    wheel_spins_per_day: int
    max_mentions: int
    max_thread_price: int


# A guest (or a member whose group was removed) may read, nothing more.
NOBODY = GroupRules(group_id=None, name="", is_default=False, kind=MemberGroup.Kind.SYSTEM,
                    role=MemberGroup.Role.GUEST, stars=0, credits_from=None, can_post=False, daily_mood_votes=0,
                    max_signature_chars=0,
                    max_attachment_kb=0, attachment_types=frozenset(), allow_links=False, allow_images=False,
                    allow_transfer=False, wheel_spins_per_day=0, max_mentions=0, max_thread_price=0)


def _read() -> dict[int, GroupRules]:
    return {g.pk: GroupRules(
        group_id=g.pk, name=g.name, is_default=g.is_default, kind=g.kind, role=g.role, stars=g.stars,
        credits_from=g.credits_from,
        can_post=g.can_post, daily_mood_votes=g.daily_mood_votes, max_signature_chars=g.max_signature_chars,
        max_attachment_kb=g.max_attachment_kb, attachment_types=extensions(g.attachment_types),
        allow_links=g.allow_links, allow_images=g.allow_images,
        allow_transfer=g.allow_transfer, wheel_spins_per_day=g.wheel_spins_per_day,
        max_mentions=g.max_mentions, max_thread_price=g.max_thread_price,
    ) for g in MemberGroup.objects.all()}


def all_groups() -> dict[int, GroupRules]:
    return pagecache.kept_table(SCOPE, _read, size=8192)


def _defaults() -> GroupRules:
    """A group's rules as a new group gets them (the model's defaults)."""
    fields = {f.name: f.get_default() for f in MemberGroup._meta.concrete_fields}
    return GroupRules(group_id=None, name="", is_default=False, kind=MemberGroup.Kind.MEMBER, role="", stars=0,
                      credits_from=None,
                      **{name: fields[name] for name in (
                          "can_post", "daily_mood_votes", "max_signature_chars", "max_attachment_kb",
                          "allow_links", "allow_images", "allow_transfer", "wheel_spins_per_day",
                          "max_mentions", "max_thread_price")},
                      attachment_types=extensions(fields["attachment_types"]))


def extensions(raw: str) -> frozenset[str]:
    """"zip, .PDF,txt" -> {"zip", "pdf", "txt"}."""
    return frozenset(e.strip().lstrip(".").lower() for e in (raw or "").split(",") if e.strip().lstrip("."))


def rules_for(member) -> GroupRules:
    """The rules of the member's group; a guest's for guests. A member without a group is a new member:
    the default group's rules, or a new group's if the site has no default group."""
    groups = all_groups()
    if getattr(member, "is_authenticated", False):
        if member.group_id in groups:
            return groups[member.group_id]
        return _special(groups)[0]
    return _special(groups)[1]


# The default group's and the guests' rules, found once per copy of the groups table (a guest's every page
# asks for them): (the table, (default, guests)) in one slot, so that threads never mix two tables' answers.
_found: list[tuple[object, tuple[GroupRules, GroupRules]]] = [(None, (NOBODY, NOBODY))]


def _special(groups: dict[int, GroupRules]) -> tuple[GroupRules, GroupRules]:
    table, found = _found[0]
    if table is not groups:
        default = next((g for g in groups.values() if g.is_default), None) or _defaults()
        guest = next((g for g in groups.values() if g.role == MemberGroup.Role.GUEST), None) or NOBODY
        found = (default, guest)
        _found[0] = (groups, found)
    return found


def moves_by_credits(group_id: int | None) -> bool:
    """Whether a member in this group is placed by credits: member levels move, special groups never."""
    if group_id is None:
        return True
    found = all_groups().get(group_id)
    return found is None or found.kind == MemberGroup.Kind.MEMBER


def level_for(total: int) -> int | None:
    """The member level a total of credits reaches: the one with the highest threshold not above it."""
    levels = sorted((g for g in all_groups().values() if g.kind == MemberGroup.Kind.MEMBER
                     and g.credits_from is not None), key=lambda g: g.credits_from or 0)
    found = None
    for g in levels:
        if total >= (g.credits_from or 0):
            found = g.group_id
    return found if found is not None else (levels[0].group_id if levels else None)
