"""Moderators' 警告 / 禁止 links under floors and on profiles."""

from django.utils.html import escape
from django.utils.translation import gettext as _

from luntan.bans import checks
from luntan.core.jinja import url
from luntan.moderation.ranks import is_site_moderator, moderates, moderates_anything, outranks


def floor_links(viewer, thread, *, moderator: bool = False):
    if not (moderator or moderates(viewer, thread.board)):
        return None
    warn, ban = escape(_("Warn")), escape(_("Ban"))
    warn_url, ban_url = url("bans:warn"), url("bans:new")

    def link(floor_id: int, author_id: int, number: int) -> str:
        if author_id == viewer.pk:
            return ""
        return (f'<a href="{warn_url}?floor={floor_id}" rel="nofollow">{warn}</a>'
                f'<a href="{ban_url}?member={author_id}" rel="nofollow">{ban}</a>')

    return link


def profile_links(viewer, member) -> list[tuple[str, str]]:
    if not (moderates_anything(viewer) and outranks(viewer, member)):
        return []
    found = []
    if is_site_moderator(viewer):  # a board moderator warns about a floor of their board, from the floor
        found.append((f"{url('bans:warn')}?member={member.pk}", _("Warn")))
    found.append((f"{url('bans:new')}?member={member.pk}", _("Ban")))
    if member.pk in checks.table().members:
        found.append((url("bans:list"), _("Banned members")))
    return found
