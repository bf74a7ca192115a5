from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "luntan.protection"
    label = "protection"
