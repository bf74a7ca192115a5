"""`luntan writebuffers`: writes the counts buffered in the cache (thread views, members' online time) to
the database once.

`luntan serve` does the same every LUNTAN["FLUSH_SECONDS"] in gunicorn's master process (see
luntan.core.gunicorn_conf), so this is for scripts, maintenance and tests. It is not called `flush`:
Django's `flush` empties the database, and that is what anyone who knows Django expects the name to do.
The buffers are registered by the apps that own them (luntan.core.buffers)."""

from django.core.management.base import BaseCommand

from luntan.core.buffers import write_all


class Command(BaseCommand):
    help = "Write the counts buffered in the cache (thread views, online time) to the database, once."

    def handle(self, *args, **options) -> None:
        done = write_all()
        self.stdout.write("wrote " + ", ".join(f"{name}: {n}" for name, n in sorted(done.items())))
