"""`luntan markup render --format bbcode|markdown`: cook stdin to stdout.

For checking how a post will look, or re-cooking by hand: it goes through exactly
``cook()``, so what it prints is what a page would show.
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from luntan.markup.cooking import FORMATS, cook


class Command(BaseCommand):
    help = "Markup tools. `render` cooks source text from stdin into sanitized HTML on stdout."
    # Lets tests (and callers of call_command) hand in a stream instead of sys.stdin.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: ArgumentParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")
        render = subcommands.add_parser("render", help="Cook stdin and write the HTML to stdout.")
        # Checked in handle() rather than with argparse choices, so a bad value is a
        # CommandError for call_command() callers too, with the same message.
        render.add_argument("--format", dest="fmt", required=True, metavar="{" + ",".join(FORMATS) + "}")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "render":
            self._render(options["fmt"], options.get("stdin") or sys.stdin)

    def _render(self, fmt: str, stream: TextIO) -> None:
        if fmt not in FORMATS:
            raise CommandError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
        self.stdout.write(cook(stream.read(), fmt=fmt), ending="")
