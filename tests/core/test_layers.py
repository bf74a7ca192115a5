"""core is the plumbing every app stands on: it imports none of them (they register with it instead)."""

import ast
from pathlib import Path

import luntan.core

ABOVE_CORE = ("luntan.accounts", "luntan.forum", "luntan.credits", "luntan.checkin", "luntan.wheel", "luntan.medals",
              "luntan.items", "luntan.stats", "luntan.markup", "luntan.protection", "luntan.bench",
              "luntan.moderation", "luntan.notices", "luntan.reactions", "luntan.latest", "luntan.reports",
              "luntan.bans", "luntan.search", "luntan.help", "luntan.polls", "luntan.letters", "luntan.blog",
              "luntan.attachments", "luntan.hidden")


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
    return found


def test_core_imports_nothing_above_it():
    root = Path(luntan.core.__file__).parent
    offending = [f"{path.relative_to(root)}: {name}" for path in sorted(root.rglob("*.py"))
                 for name in _imports(path) if name.startswith(ABOVE_CORE)]
    assert offending == []
