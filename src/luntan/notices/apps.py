from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "luntan.notices"
    label = "notices"
