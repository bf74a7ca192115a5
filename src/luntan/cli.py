"""The `luntan` command: Django's management commands under the production settings by default,
plus `luntan serve`, `luntan demo`, `luntan flush` and `luntan bench` (see each command's --help)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luntan.settings.production")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["luntan", *sys.argv[1:]])


if __name__ == "__main__":
    main()
