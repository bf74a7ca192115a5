from django.apps import AppConfig


class ForumConfig(AppConfig):
    name = "luntan.forum"
    label = "forum"

    def ready(self) -> None:
        from luntan.core.buffers import register_flusher
        from luntan.forum.services import views_flush

        register_flusher("threads", views_flush)
