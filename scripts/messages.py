"""Keeps the Simplified Chinese catalog complete: extract, update, compile.

    .venv/bin/python scripts/messages.py           extract the msgids from src/ (babel.cfg), update
                                                   src/luntan/locale/zh_Hans/LC_MESSAGES/django.po
                                                   (new entries empty, removed ones dropped) and compile django.mo
    .venv/bin/python scripts/messages.py --check   change nothing; exit 1 and list the msgids that are missing
                                                   from the catalog, untranslated or fuzzy (or whose placeholders
                                                   do not match)

An entry whose msgid changed only slightly comes back marked `#, fuzzy` with the old translation as a
suggestion (the run prints the old msgid): review it, fix the msgstr and delete the `#, fuzzy` line. Fuzzy
entries are never compiled into django.mo, and --check fails while any remain.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "babel.cfg"
LOCALE = "zh_Hans"
DOMAIN = "django"
CATALOG_DIR = ROOT / "src" / "luntan" / "locale" / LOCALE / "LC_MESSAGES"
PO_FILE = CATALOG_DIR / f"{DOMAIN}.po"
MO_FILE = CATALOG_DIR / f"{DOMAIN}.mo"
KEYWORDS = [
    "gettext", "gettext_lazy", "ngettext:1,2", "ngettext_lazy:1,2", "pgettext:1c,2", "pgettext_lazy:1c,2",
    "npgettext:1c,2,3", "_",
]
# Header lines that change on every run; ignored when deciding whether the catalog changed.
_VOLATILE = (b'"POT-Creation-Date:', b'"PO-Revision-Date:')


def extract() -> Catalog:
    """The message template, from the sources babel.cfg names (paths in it are relative to the repo root)."""
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / f"{DOMAIN}.pot"
        argv = ["pybabel", "-q", "extract", "-F", str(MAPPING), "--no-location", "--sort-output",
                "--project", "Luntan", "-o", str(pot)]
        for keyword in KEYWORDS:
            argv += ["-k", keyword]
        argv.append(".")
        # babel.cfg's patterns (src/**.py) are relative to the directory extracted, so run from the root.
        cwd = Path.cwd()
        try:
            os.chdir(ROOT)
            CommandLineInterface().run(argv)
        finally:
            os.chdir(cwd)
        with pot.open("rb") as f:
            return read_po(f)


def load() -> Catalog | None:
    if not PO_FILE.exists():
        return None
    with PO_FILE.open("rb") as f:
        catalog = read_po(f, locale=LOCALE, domain=DOMAIN)
    for message in catalog:
        # Old `#| msgid` lines (Babel reads them back as translator comments): not kept.
        message.user_comments = [c for c in message.user_comments if not c.startswith("| ")]
    return catalog


def new_catalog() -> Catalog:
    return Catalog(
        locale=LOCALE, domain=DOMAIN, project="Luntan", version="", fuzzy=False,
        language_team="简体中文 <zh_Hans>", last_translator="Luntan",
        header_comment="# Simplified Chinese catalog for Luntan (论坛).\n"
                       "# Kept up to date by scripts/messages.py; --check fails while an entry is missing or fuzzy.",
    )


def label(message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    text = msgid.replace("\n", "\\n")
    if len(text) > 100:
        text = text[:97] + "..."
    return f"[{message.context}] {text}" if message.context else text


def translated(message) -> bool:
    if isinstance(message.string, tuple | list):
        return all(message.string)
    return bool(message.string)


def problems(template: Catalog, catalog: Catalog | None) -> list[str]:
    """One line per msgid of the template that the catalog does not translate usably."""
    lines = []
    if catalog is None:
        return [f"no catalog at {PO_FILE.relative_to(ROOT)}"]
    if catalog.fuzzy:
        lines.append("the catalog header is marked fuzzy (django.mo would not be compiled)")
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, message.context)
        if entry is None:
            lines.append(f"missing:      {label(message)}")
        elif entry.fuzzy:
            lines.append(f"fuzzy:        {label(message)}")
        elif not translated(entry):
            lines.append(f"untranslated: {label(message)}")
        else:
            errors = list(entry.check(catalog))
            if errors:
                lines.append(f"format error: {label(message)}: {'; '.join(str(e) for e in errors)}")
    return lines


def render_po(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=100, no_location=True, sort_output=True, ignore_obsolete=True)
    return buf.getvalue()


def render_mo(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def stable(data: bytes) -> list[bytes]:
    return [line for line in data.splitlines() if not line.startswith(_VOLATILE)]


def _version() -> str:
    try:
        return metadata.version("luntan")
    except metadata.PackageNotFoundError:
        return ""


def update(template: Catalog) -> tuple[Catalog, bool, dict[str, str]]:
    catalog = load()
    created = catalog is None
    if catalog is None:
        catalog = new_catalog()
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False, keep_user_comments=True)
    guesses = {label(m): label(Message(m.previous_id[0])) for m in catalog if m.id and m.fuzzy and m.previous_id}
    catalog.obsolete.clear()  # msgids gone from the code are dropped, not kept as #~ entries
    catalog.fuzzy = False
    catalog.project, catalog.version = "Luntan", _version()
    data = render_po(catalog)
    old = PO_FILE.read_bytes() if PO_FILE.exists() else b""
    changed = created or stable(data) != stable(old)
    if changed:
        catalog.revision_date = datetime.now(UTC)
        data = render_po(catalog)
        CATALOG_DIR.mkdir(parents=True, exist_ok=True)
        PO_FILE.write_bytes(data)
    return catalog, changed, guesses


def compile_mo() -> bool:
    """Compiles the .po on disk (fuzzy entries left out); writes django.mo only when it changes."""
    data = render_mo(load())
    if MO_FILE.exists() and MO_FILE.read_bytes() == data:
        return False
    MO_FILE.write_bytes(data)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 listing the msgids that are missing, untranslated or fuzzy")
    args = parser.parse_args(argv)

    template = extract()
    count = sum(1 for m in template if m.id)

    if args.check:
        catalog = load()
        lines = problems(template, catalog)
        if catalog is not None:
            stale = [label(m) for m in catalog if m.id and template.get(m.id, m.context) is None]
            if stale:
                print(f"note: {len(stale)} entries are no longer in the code; run scripts/messages.py to drop them")
            if MO_FILE.exists() and MO_FILE.read_bytes() != render_mo(catalog):
                print("note: django.mo is out of date; run scripts/messages.py to compile it")
            elif not MO_FILE.exists():
                print("note: django.mo is missing; run scripts/messages.py to compile it")
        if lines:
            print(f"{PO_FILE.relative_to(ROOT)}: {len(lines)} of {count} msgids need a translation:")
            for line in lines:
                print("  " + line)
            return 1
        print(f"{PO_FILE.relative_to(ROOT)}: all {count} msgids translated")
        return 0

    before = load()
    known = {(m.id, m.context) for m in before if m.id} if before is not None else set()
    _, changed, guesses = update(template)
    new = [label(m) for m in template if m.id and (m.id, m.context) not in known]
    compiled = compile_mo()
    print(f"{count} msgids; {len(new)} new; catalog {'updated' if changed else 'unchanged'}; "
          f"django.mo {'compiled' if compiled else 'up to date'}")
    for line in new:
        print(f"  new: {line}" + (f"   (fuzzy, guessed from: {guesses[line]})" if line in guesses else ""))
    lines = problems(template, load())
    if lines:
        print(f"{len(lines)} msgids need a translation (edit {PO_FILE.relative_to(ROOT)}, then run this again):")
        for line in lines:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
