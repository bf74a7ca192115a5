from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "luntan.accounts"
    label = "accounts"

    def ready(self) -> None:
        from luntan.accounts.services import presence_flush
        from luntan.core.buffers import register_flusher
        from luntan.core.menu import register_menu

        register_flusher("members", presence_flush)
        register_menu(order=50, url_name="accounts:members", label=_("Member list"))
