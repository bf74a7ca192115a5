from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WheelConfig(AppConfig):
    name = "luntan.wheel"
    label = "wheel"
    verbose_name = _("Lucky wheel")

    def ready(self) -> None:
        from luntan.core.menu import register_menu

        register_menu(order=20, url_name="wheel:home", label=_("Lucky wheel"))
