"""`luntan flush` (this command's short name in luntan.cli): writes the buffered view counts and online
time to the database once.

`luntan serve` does the same every LUNTAN["FLUSH_SECONDS"] in gunicorn's master process (see
luntan.core.gunicorn_conf), so this is for scripts, maintenance and tests. The module is not called
flush.py because a command of that name would replace Django's own `flush` (which empties the database
and which Django's transactional tests call)."""

from django.core.management.base import BaseCommand


def flush_all() -> dict[str, int]:
    """Carries every buffer kept in the cache to the database; returns how many rows each one changed."""
    from luntan.accounts.services import presence_flush
    from luntan.forum.services import views_flush

    return {"threads": views_flush(), "members": presence_flush()}


class Command(BaseCommand):
    help = "Write buffered thread view counts and members' online time to the database, once."

    def handle(self, *args, **options) -> None:
        done = flush_all()
        self.stdout.write(
            f"flushed view counts of {done['threads']} thread(s) "
            f"and online time of {done['members']} member(s)"
        )
