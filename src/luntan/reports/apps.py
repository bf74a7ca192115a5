from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ReportsConfig(AppConfig):
    name = "luntan.reports"
    label = "reports"

    def ready(self) -> None:
        from luntan.core.menu import register_member_menu
        from luntan.forum.extensions import register_floor_link
        from luntan.reports.links import report_link
        from luntan.reports.queries import open_count_for

        register_floor_link(40, report_link)
        register_member_menu(order=60, url_name="reports:queue", label=gettext_lazy("Reports"), count=open_count_for)
