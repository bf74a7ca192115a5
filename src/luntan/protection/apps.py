from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "luntan.protection"
    label = "protection"

    def ready(self) -> None:
        from luntan.forum.extensions import register_body_guard, register_post_guard
        from luntan.protection import noise
        from luntan.protection.newcomers import post_guard

        register_body_guard(noise.guard, noise.splicer)  # content protection of boards that ask for it
        register_post_guard(post_guard)  # rate limits and new members' rules on threads, replies and edits
