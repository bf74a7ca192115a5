from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckinConfig(AppConfig):
    name = "luntan.checkin"
    label = "checkin"
    verbose_name = _("Daily check-in")

    def ready(self) -> None:
        from luntan.core.menu import register_menu

        register_menu(order=30, url_name="checkin:page", label=_("Daily check-in"))
