from django.apps import AppConfig
from django.utils.translation import gettext_lazy

from luntan.core.menu import register_member_menu, register_menu


class CreditsConfig(AppConfig):
    name = "luntan.credits"
    label = "credits"

    def ready(self) -> None:
        from luntan.accounts.cards import register_rows
        from luntan.core.buffers import register_flusher
        from luntan.credits.cards import annotate_balances, credit_rows
        from luntan.credits.services import visits_flush

        register_rows(credit_rows, annotate=annotate_balances)
        register_menu(order=40, url_name="credits:services", label=gettext_lazy("Community services"))
        register_member_menu(order=10, url_name="credits:mine", label=gettext_lazy("My credits"))
        register_flusher("visits", visits_flush)
