from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "luntan.protection"
    label = "protection"

    def ready(self) -> None:
        from luntan.forum.extensions import register_body_guard, register_thread_filler
        from luntan.protection import noise

        register_body_guard(noise.guard)
        register_thread_filler(noise.HOLE, noise.thread_filler)
