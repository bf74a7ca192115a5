from django.apps import AppConfig
from django.utils.translation import gettext_lazy


def unread_count(member) -> int:
    """The user box's number: read from the member's own row, which the session has loaded anyway."""
    return getattr(member, "unread_notices", 0)


class NoticesConfig(AppConfig):
    name = "luntan.notices"
    label = "notices"

    def ready(self) -> None:
        from luntan.core.menu import register_member_menu

        register_member_menu(order=5, url_name="notices:index", label=gettext_lazy("Notices"), count=unread_count)
