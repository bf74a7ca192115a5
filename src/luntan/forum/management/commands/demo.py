"""`luntan demo`: fills an empty site with a believable Chinese forum to look around in."""

import time

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luntan.core.management.base import TranslatedCommand
from luntan.forum.demo.builder import DEFAULT_SEED, build_demo
from luntan.forum.models import Board


class Command(TranslatedCommand):
    # Django prints help through argparse, which takes a lazy string as well (the stubs say str only).
    help = gettext_lazy(  # type: ignore[assignment]
        "Fills an empty site with demo categories, boards, members, threads and replies. "
        "Does nothing on a site that already has boards."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=gettext_lazy("Random seed: the same seed gives the same forum."))
        parser.add_argument("--first-run", action="store_true",
                            help=gettext_lazy("As `luntan bootstrap` runs it: silent on a site that already has "
                                              "boards."))

    def handle(self, *args, seed: int, first_run: bool = False, **options):
        if first_run:
            if Board.objects.exists():
                return
            self.stdout.write(_("The site has no boards yet: adding the demo content (luntan demo)"))
        started = time.monotonic()
        summary = build_demo(seed=seed)
        if not summary.created:
            self.stdout.write(_("This site already has boards, so no demo content was added."))
            return
        self.stdout.write(self.style.SUCCESS(
            _("Demo forum ready in %(seconds).1f s: %(categories)s categories, %(boards)s boards, "
              "%(members)s members, %(threads)s threads, %(floors)s floors.") % {
                "seconds": time.monotonic() - started, "categories": summary.categories,
                "boards": summary.boards, "members": summary.members, "threads": summary.threads,
                "floors": summary.floors,
            }
        ))
        self.stdout.write(_("Demo members have no password and cannot log in; "
                            "use `luntan createsuperuser` for an account of your own."))
