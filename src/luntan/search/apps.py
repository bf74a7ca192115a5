from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "luntan.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from luntan.search import index

        index.connect()
