"""`luntan protect trace FILE`: whom a copied text of a protected board was served to, and when.

Reads the text (a file, or - for standard input), finds the invisible marks in it (luntan.protection.watermark)
and names the member, or for a guest the address hash, and the minute; with --log, --address or --network it
also names the guest's address among the candidates. Exits with status 1 when no valid mark is found (the
text says whether there was none or only changed ones)."""

import ipaddress
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luntan.core.management.base import TranslatedCommand
from luntan.protection import watermark

MAX_NETWORK = 1 << 24  # addresses a --network scan may hash (a /8 of IPv4 takes about a minute)


class Command(TranslatedCommand):
    help = gettext_lazy("Content protection tools: `trace FILE` names whom a copied text was served to, and when.")  # type: ignore[assignment]

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        trace = actions.add_parser("trace", help=str(gettext_lazy("Find the invisible marks in a copied text.")))
        trace.add_argument("file", help=str(gettext_lazy("the copied text (a file, or - for standard input)")))
        trace.add_argument("--log", action="append", default=[],
                           help=str(gettext_lazy("a log file (the web server's access log ...) whose addresses "
                                                 "are tried against a guest's mark; may be repeated")))
        trace.add_argument("--address", action="append", default=[],
                           help=str(gettext_lazy("an address to try against a guest's mark; may be repeated")))
        trace.add_argument("--network", action="append", default=[],
                           help=str(gettext_lazy("a network (CIDR) whose every address is tried; may be repeated")))

    def handle(self, *args, **options) -> None:
        if options["action"] == "trace":
            self.trace(options)

    def _read(self, name: str) -> str:
        try:
            if name == "-":
                return sys.stdin.read()
            return Path(name).read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": name, "error": error}) from None

    def _candidates(self, options) -> list[str]:
        found: list[str] = []
        for name in options["log"]:
            found += watermark.addresses_in(self._read(name))
        for address in options["address"]:
            try:
                found.append(str(ipaddress.ip_address(address.strip())))
            except ValueError:
                raise CommandError(_("Not an address: %(address)s") % {"address": address}) from None
        for network in options["network"]:
            try:
                net = ipaddress.ip_network(network.strip(), strict=False)
            except ValueError:
                raise CommandError(_("Not a network: %(network)s") % {"network": network}) from None
            if net.num_addresses > MAX_NETWORK:
                raise CommandError(_("The network %(network)s is too large to scan (at most %(max)s addresses).")
                                   % {"network": network, "max": MAX_NETWORK})
            found += (str(a) for a in net)
        return found

    def trace(self, options) -> None:
        text = self._read(options["file"])
        candidates = self._candidates(options)
        result = watermark.find(text)
        if not result.marks:
            if result.invalid:
                raise CommandError(_("The text holds %(count)s invalid mark(s): changed, cut or forged. It names "
                                     "no one.") % {"count": result.invalid})
            raise CommandError(_("No mark found in this text."))
        members = get_user_model().objects.in_bulk([m.subject for m in result.marks if m.kind == watermark.MEMBER])
        for mark in result.marks:
            when = date_format(timezone.localtime(mark.served_at), "Y-m-d H:i T")
            if mark.kind == watermark.MEMBER:
                member = members.get(mark.subject)
                name = member.get_username() if member else _("(no longer a member)")
                self.stdout.write(_("Served to member %(name)s (UID %(uid)s) at %(time)s.")
                                  % {"name": name, "uid": mark.subject, "time": when})
                continue
            self.stdout.write(_("Served to a guest, address hash %(hash)s, at %(time)s.")
                              % {"hash": f"{mark.subject:08x}", "time": when})
            if candidates:
                matches = watermark.match_addresses(mark.subject, candidates)
                if matches:
                    self.stdout.write(_("  The guest's address: %(addresses)s") % {"addresses": ", ".join(matches)})
                else:
                    self.stdout.write(_("  None of the %(count)s candidate addresses has this hash.")
                                      % {"count": len(candidates)})
        if result.invalid:
            self.stdout.write(_("The text also holds %(count)s invalid mark(s).") % {"count": result.invalid})
