from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "luntan.protection"
    label = "protection"

    def ready(self) -> None:
        from luntan.forum.extensions import register_post_guard
        from luntan.protection.newcomers import post_guard

        register_post_guard(post_guard)  # rate limits and new members' rules on threads, replies and edits
