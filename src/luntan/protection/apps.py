from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "luntan.protection"
    label = "protection"

    def ready(self) -> None:
        from luntan.forum.extensions import register_body_guard
        from luntan.protection import noise

        register_body_guard(noise.guard, noise.splicer)
