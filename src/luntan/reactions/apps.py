from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReactionsConfig(AppConfig):
    name = "luntan.reactions"
    label = "reactions"
    verbose_name = _("Reactions")

    def ready(self) -> None:
        from luntan.reactions import page

        page.register()
