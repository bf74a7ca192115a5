"""Refreshes src/luntan/core/data/confusables.txt, Unicode's confusable data (UTS #39), kept verbatim.

    .venv/bin/python scripts/unicode_confusables.py                 download the latest from unicode.org
    .venv/bin/python scripts/unicode_confusables.py --version 17.0.0 a given version
    .venv/bin/python scripts/unicode_confusables.py --from FILE      a copy already downloaded
    .venv/bin/python scripts/unicode_confusables.py --check          change nothing; print the version in use

The file is checked before it replaces the old one (its header, and that every data line parses). After a
refresh, the skeletons stored for existing members are stale: run `luntan rebuild_name_keys` so that new
look-alikes of old names are found. Also update unicodedataplus (pyproject.toml) to the same Unicode
version, if there is one, so that scripts and confusables agree.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "src" / "luntan" / "core" / "data" / "confusables.txt"
URL = "https://www.unicode.org/Public/security/{version}/confusables.txt"


def version_of(text: str) -> str | None:
    for line in text.splitlines()[:20]:
        if line.lstrip("\ufeff").startswith("# Version:"):
            return line.split(":", 1)[1].strip()
    return None


def check(text: str) -> int:
    """The number of mappings; raises ValueError if this is not a confusables.txt."""
    if not text.lstrip("\ufeff").startswith("# confusables.txt") or version_of(text) is None:
        raise ValueError("not Unicode's confusables.txt (no '# confusables.txt' / '# Version:' header)")
    count = 0
    for number, line in enumerate(text.splitlines(), 1):
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        fields = [field.strip() for field in data.split(";")]
        try:
            chr(int(fields[0], 16))
            [chr(int(code, 16)) for code in fields[1].split()]
        except (IndexError, ValueError) as error:
            raise ValueError(f"line {number} does not parse: {line!r}") from error
        count += 1
    if count < 5000:
        raise ValueError(f"only {count} mappings; the file looks truncated")
    return count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", default="latest", help="a Unicode version such as 17.0.0 (default: latest)")
    parser.add_argument("--from", dest="source", type=Path, help="use this file instead of downloading")
    parser.add_argument("--check", action="store_true", help="print the version in use and change nothing")
    args = parser.parse_args()

    if args.check:
        text = TARGET.read_text(encoding="utf-8")
        print(f"{TARGET.relative_to(ROOT)}: version {version_of(text)}, {check(text)} mappings")
        return 0
    if args.source:
        text = args.source.read_text(encoding="utf-8")
    else:
        url = URL.format(version=args.version)
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (a fixed https URL)
            text = response.read().decode("utf-8")
    try:
        count = check(text)
    except ValueError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    old = version_of(TARGET.read_text(encoding="utf-8")) if TARGET.exists() else None
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=TARGET.parent, delete=False) as tmp:
        tmp.write(text)
    Path(tmp.name).chmod(0o644)
    Path(tmp.name).replace(TARGET)
    print(f"confusables.txt: version {old} -> {version_of(text)}, {count} mappings")
    if old != version_of(text):
        print("now run `luntan rebuild_name_keys` on every site so stored skeletons match the new data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
