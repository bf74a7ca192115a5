"""`luntan recook`: cooks every floor again with the current markup rules."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luntan.core.management.base import TranslatedCommand
from luntan.forum.services import floors_recook


class Command(TranslatedCommand):
    # Django prints help through argparse, which takes a lazy string as well (the stubs say str only).
    help = gettext_lazy(  # type: ignore[assignment]
        "Cooks the text of every floor again with the current markup rules, after they became stricter. "
        "Restart `luntan serve` afterwards: its workers keep cooked floors in memory."
    )

    def handle(self, *args, **options):
        changed = floors_recook()
        self.stdout.write(self.style.SUCCESS(_("%(count)s floors cooked anew.") % {"count": changed}))
