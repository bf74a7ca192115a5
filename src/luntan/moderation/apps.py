from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "luntan.moderation"
    label = "moderation"
