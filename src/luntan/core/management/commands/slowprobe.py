"""`luntan slowprobe`: holds slow connections open against a local server and times how fast a page is
answered meanwhile (docs/serving.md, "Slow clients")."""

from django.core.management.base import BaseCommand, CommandError

from luntan.core import slowprobe


class Command(BaseCommand):
    help = ("Open slow clients (bodies and headers trickled 1 byte/s) against a server on loopback and "
            "time a page meanwhile; fails when an answer takes 1 s or more.")
    requires_system_checks = []

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="the server's port on 127.0.0.1 (8000)")
        parser.add_argument("--path", default="/", help="the page to time (/)")
        parser.add_argument("--clients", type=int, default=20, help="slow clients (20)")
        parser.add_argument("--seconds", type=float, default=8.0, help="how long it all lasts (8)")
        parser.add_argument("--limit", type=float, default=1.0, help="slowest acceptable answer, s (1)")

    def handle(self, *args, port: int, path: str, clients: int, seconds: float, limit: float, **options):
        if not 0 < clients <= 1000 or not 2 < seconds <= 120:
            raise CommandError("--clients must be 1-1000 and --seconds 2-120")
        result = slowprobe.run(port=port, path=path, slow_clients=clients, seconds=seconds)
        self.stdout.write(result.summary())
        if not result.ok(limit):
            raise CommandError(f"some answer took {limit:g} s or more, or never came")
