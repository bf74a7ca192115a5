"""`luntan credits audit`: every member's balances against the ledger; exits 1 on any difference.
`luntan credits resettle`: recomputes every member's total credits and level (after the formula or the
level thresholds changed)."""

import sys

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luntan.core.management.base import TranslatedCommand
from luntan.credits import services


class Command(TranslatedCommand):
    help = gettext_lazy("Checks the credit ledger (audit) or recomputes levels (resettle).")  # type: ignore[assignment]

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["audit", "resettle"])

    def handle(self, *args, action: str, **options) -> None:
        if action == "resettle":
            changed = services.credits_resettle()
            self.stdout.write(_("%(n)s members changed total or level.") % {"n": changed})
            return
        problems = services.credits_audit()
        for p in problems:
            self.stdout.write(f"member {p.member_id}, credit type {p.type_id}: {p.text}")
        self.stdout.write(f"credits audit: {len(problems)} problems")
        if problems:
            sys.exit(1)
