"""`luntan rebuild_name_keys`: recomputes every member's name skeleton from the username, after the
Unicode data behind it changed (scripts/unicode_confusables.py, a new unicodedataplus)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Recompute every member's look-alike key (name_skeleton) from the username."

    def handle(self, *args, **options) -> None:
        from luntan.accounts.services import member_name_skeletons_rebuild

        changed = member_name_skeletons_rebuild()
        self.stdout.write(f"name skeletons of {changed} member(s) changed")
