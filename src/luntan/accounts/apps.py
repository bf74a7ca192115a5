from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "luntan.accounts"
    label = "accounts"
