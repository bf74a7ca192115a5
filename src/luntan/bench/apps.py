from django.apps import AppConfig


class BenchConfig(AppConfig):
    """`luntan bench`: the load benchmark. Only its command; nothing of it runs in a site's requests."""

    name = "luntan.bench"
    label = "bench"
