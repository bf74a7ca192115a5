from django.apps import AppConfig


class MarkupConfig(AppConfig):
    name = "luntan.markup"
    label = "markup"
    verbose_name = "Markup"
