from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PollsConfig(AppConfig):
    name = "luntan.polls"
    label = "polls"
    verbose_name = _("Polls")

    def ready(self) -> None:
        from luntan.polls import page

        page.register()
