from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "luntan.core"
    label = "core"

    def ready(self) -> None:
        from django.core.signals import request_started

        from luntan.core import pagecache

        # Each request reads the small tables' versions afresh (luntan.core.pagecache.kept_table).
        request_started.connect(pagecache.new_request, dispatch_uid="luntan.pagecache.new_request")
