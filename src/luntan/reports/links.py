"""The 举报 link under each floor of a thread page (forum.extensions.register_floor_link)."""

from django.utils.html import escape
from django.utils.translation import gettext as _

from luntan.core.jinja import id_url


def report_link(viewer, thread, *, moderator: bool = False):
    if not (viewer.is_authenticated and viewer.is_active):
        return None
    label, report_url = escape(_("Report")), id_url("reports:report")

    def link(floor_id: int, author_id: int, number: int) -> str:
        if author_id == viewer.pk:
            return ""
        return f'<a href="{report_url(floor_id)}" rel="nofollow">{label}</a>'

    return link
