from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LatestConfig(AppConfig):
    name = "luntan.latest"
    label = "latest"

    def ready(self) -> None:
        from luntan.core.menu import register_menu

        register_menu(order=60, url_name="latest:index", label=_("Latest posts"))
        register_menu(order=70, url_name="latest:digest", label=_("Digest area"))
