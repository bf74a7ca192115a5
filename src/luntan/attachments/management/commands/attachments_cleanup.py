"""Removes uploads that no post uses (orphans) once they are a day old, with their files."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from luntan.attachments import services


class Command(BaseCommand):
    help = "Remove uploads that no post has used (older than --hours, 24 by default), with their files."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--hours", type=int, default=services.ORPHAN_HOURS)

    def handle(self, *args, hours: int, **options) -> None:
        removed = services.orphans_remove(older_than=timedelta(hours=max(hours, 1)))
        self.stdout.write(f"{removed} unused uploads removed.")
