from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentsConfig(AppConfig):
    name = "luntan.attachments"
    label = "attachments"
    verbose_name = _("Attachments")

    def ready(self) -> None:
        from luntan.attachments import page

        page.register()
