from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "luntan.accounts"
    label = "accounts"

    def ready(self) -> None:
        from luntan.accounts.services import presence_flush
        from luntan.core.buffers import register_flusher

        register_flusher("members", presence_flush)
