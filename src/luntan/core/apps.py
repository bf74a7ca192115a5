from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "luntan.core"
    label = "core"
