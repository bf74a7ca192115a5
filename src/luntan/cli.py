"""The `luntan` command: Django's management commands under the production settings by default,
plus `luntan serve`, `luntan demo`, `luntan flush` and `luntan bench` (see each command's --help)."""

import os
import sys

# Short names that differ from the module's: `luntan flush` writes the buffered counters; a command module
# named flush.py would replace Django's own `flush`, which empties the database (tests rely on it).
ALIASES = {"flush": "flush_counters"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luntan.settings.production")
    from django.core.management import execute_from_command_line

    args = sys.argv[1:]
    position = 1 if args[:1] == ["help"] else 0
    if len(args) > position and args[position] in ALIASES:
        args[position] = ALIASES[args[position]]
    execute_from_command_line(["luntan", *args])


if __name__ == "__main__":
    main()
