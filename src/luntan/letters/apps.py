from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def unread_count(member) -> int:
    """The user box's number: conversations with an unread message, read from the member's own row, which
    the session has loaded anyway (no query)."""
    return getattr(member, "unread_messages", 0)


class LettersConfig(AppConfig):
    """短消息: private conversations between members. Not named "messages": django.contrib.messages is."""

    name = "luntan.letters"
    label = "letters"
    verbose_name = _("Private messages")

    def ready(self) -> None:
        from luntan.core.menu import register_member_menu

        register_member_menu(order=6, url_name="letters:inbox", label=_("Private messages"), count=unread_count)
