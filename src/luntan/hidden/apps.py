from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HiddenConfig(AppConfig):
    name = "luntan.hidden"
    label = "hidden"
    verbose_name = _("Hidden and paid content")

    def ready(self) -> None:
        from luntan.hidden import page

        page.register()
