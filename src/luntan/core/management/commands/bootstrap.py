"""`luntan bootstrap`: what `make run` does after migrating, in one process.

1. The admin account `admin` is created once, with a random password kept in var/admin-password.txt
   (mode 600); every run prints it, so whoever started the site can log in.
2. `luntan demo --first-run`, where that command exists: a site with no boards gets the demo content, a
   site that has boards is left alone (the forum decides which, not core)."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

ADMIN_USERNAME = "admin"


def password_file() -> Path:
    return Path(settings.VAR_DIR) / "admin-password.txt"


def _write_secret(path: Path, text: str) -> None:
    """Writes a file only its owner can read, never visible with looser permissions even for a moment."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def ensure_admin() -> tuple[bool, str | None]:
    """Makes sure the admin account exists. Returns (created now, the password if it is still the one
    on file, else None)."""
    members = get_user_model().objects
    path = password_file()
    admin = members.filter(username__iexact=ADMIN_USERNAME).first()
    if admin is None:
        password = secrets.token_urlsafe(12)
        _write_secret(path, password)  # first, so a created account always has its password on file
        with transaction.atomic():
            members.create_superuser(ADMIN_USERNAME, email="", password=password)
        return True, password
    if path.exists():
        os.chmod(path, 0o600)
        password = path.read_text(encoding="utf-8").strip()
        if password and admin.check_password(password):
            return False, password
    return False, None


class Command(BaseCommand):
    help = "Create the admin account once (password in var/admin-password.txt) and fill an empty site."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--no-demo", action="store_true", help="never add the demo content")

    def handle(self, *args, no_demo: bool = False, **options) -> None:
        created, password = ensure_admin()
        if not no_demo and "demo" in get_commands():
            call_command("demo", first_run=True, stdout=self.stdout, stderr=self.stderr)
        if password is not None:
            self.stdout.write(_("Admin account: %(name)s  password: %(password)s")
                              % {"name": ADMIN_USERNAME, "password": password})
            if created:
                self.stdout.write(_("(saved in %(file)s; change it after logging in)") % {"file": password_file()})
        else:
            self.stdout.write(_("Admin account: %(name)s  password: changed since it was generated; reset it "
                                "with `luntan changepassword %(name)s`") % {"name": ADMIN_USERNAME})
        if settings.LUNTAN["ADMIN_2FA_REQUIRED"]:
            self.stdout.write(_("The admin pages first ask the admin to set up two-factor sign-in (an authenticator "
                                "app); LUNTAN_ADMIN_2FA_REQUIRED=0 turns this off."))
