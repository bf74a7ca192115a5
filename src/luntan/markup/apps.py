from django.apps import AppConfig


class MarkupConfig(AppConfig):
    name = "luntan.markup"
    label = "markup"
    verbose_name = "Markup"

    def ready(self) -> None:
        from luntan.markup import editor

        editor.register()
