"""The `luntan` command: Django's management commands under the production settings by default,
plus `luntan serve`, `luntan demo`, `luntan writebuffers`, `luntan recount` and `luntan bench`
(see each command's --help)."""

import os
import sys

# Short names that differ from the module's. None at present: `flush` is Django's (it empties the database,
# as Django users expect); the buffered counts are written by `luntan writebuffers`.
ALIASES: dict[str, str] = {}


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
