"""Demo rate limits and rules for new members: what a site's administrator sets in the first month (the
counts themselves live in the cache, so there is no history to make). Moderators and administrators may
post, reply and search more than the defaults; a new member may start three threads and post twenty replies
a day, and links and images wait for their third post. Written through the services, as the admin would."""

import random
from datetime import datetime

from django.db import transaction

from luntan.accounts.models import Member, MemberGroup
from luntan.protection import limits, newcomers
from luntan.protection.models import GroupLimit, NewcomerRules

HOUR = 60 * 60
# role -> [(action, scope, count, seconds)]
GROUP_LIMITS: dict[str, list[tuple[str, str, int | None, int]]] = {
    MemberGroup.Role.MODERATOR: [("post", "member", 30, HOUR), ("reply", "member", 300, HOUR),
                                 ("search", "member", 120, 60), ("report", "member", 60, HOUR)],
    MemberGroup.Role.SUPER_MODERATOR: [("post", "member", 60, HOUR), ("reply", "member", 600, HOUR),
                                       ("search", "member", 240, 60)],
    MemberGroup.Role.ADMIN: [("post", "member", None, HOUR), ("reply", "member", None, HOUR),
                             ("search", "member", None, 60)],
}


def fill_demo(*, members: list, rng: random.Random, now: datetime) -> None:
    admin = Member.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        return
    with transaction.atomic():
        for role, rows in GROUP_LIMITS.items():
            group = MemberGroup.for_role(MemberGroup.Role(role))
            if group is None:
                continue
            for action, scope, count, seconds in rows:
                found = GroupLimit.objects.filter(group=group, action=action, scope=scope).first()
                row = found or GroupLimit(group=group, action=action, scope=scope)
                row.count, row.seconds = count, seconds
                limits.group_limit_save(member=admin, limit=row)
        rules = NewcomerRules.objects.filter(pk=1).first() or NewcomerRules(pk=1)
        rules.hours, rules.threads_per_day, rules.replies_per_day, rules.links_after_posts = 24, 3, 20, 3
        newcomers.newcomer_rules_save(member=admin, rules_row=rules, groups=[])
