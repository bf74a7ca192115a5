from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "luntan.stats"
    label = "stats"

    def ready(self) -> None:
        from luntan.core.buffers import register_flusher
        from luntan.core.menu import register_menu
        from luntan.stats.services import online_peak_flush

        # The online count is looked at each time the buffers are written (every FLUSH_SECONDS), so the peak
        # is caught even when nobody opens the statistics page.
        register_flusher("online_peak", online_peak_flush)
        register_menu(order=10, url_name="stats:index", label=_("Statistics"))
