from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpConfig(AppConfig):
    name = "luntan.help"
    label = "help"
    verbose_name = _("Help centre")

    def ready(self) -> None:
        from luntan.core.menu import register_menu

        register_menu(order=90, url_name="help:home", label=_("Help"))
