from django.apps import AppConfig


class MedalsConfig(AppConfig):
    name = "luntan.medals"
    label = "medals"

    def ready(self) -> None:
        from luntan.accounts.cards import register_rows
        from luntan.medals.cards import annotate_shelf, medal_rows

        register_rows(medal_rows, annotate=annotate_shelf)
