from django.apps import AppConfig


class ItemsConfig(AppConfig):
    name = "luntan.items"
    label = "items"

    def ready(self) -> None:
        from luntan.core.buffers import register_flusher
        from luntan.items.services import items_expire

        # Effects end on time: the server's master process and `luntan writebuffers` run the flushers
        # every few seconds (one indexed query when nothing is due).
        register_flusher("items", items_expire)
