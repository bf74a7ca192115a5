"""`luntan rebuild_name_keys`: recomputes every member's name skeleton and pinyin keys from the username,
after the data behind them changed (scripts/unicode_confusables.py, a new unicodedataplus, a new pypinyin)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Recompute every member's look-alike key (name_skeleton) and pinyin keys from the username."

    def handle(self, *args, **options) -> None:
        from luntan.accounts.services import member_name_keys_rebuild

        changed = member_name_keys_rebuild()
        self.stdout.write(f"name keys of {changed} member(s) changed")
