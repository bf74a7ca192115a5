"""`luntan markup render`: stdin to cooked HTML on stdout, through exactly cook()."""

from __future__ import annotations

import io
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from luntan.markup.cooking import cook

SOURCE = "[b]你好[/b] :微笑:\n[url=javascript:alert(1)]点我[/url]\n**粗体**"


@pytest.mark.parametrize("fmt", ["bbcode", "markdown"])
def test_render_writes_exactly_what_cook_returns(fmt: str) -> None:
    out = StringIO()
    call_command("markup", "render", "--format", fmt, stdin=StringIO(SOURCE), stdout=out)
    assert out.getvalue() == cook(SOURCE, fmt=fmt)


def test_render_reads_sys_stdin_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = io.TextIOWrapper(io.BytesIO("[quote=张三]引用[/quote]".encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    out = StringIO()
    call_command("markup", "render", "--format", "bbcode", stdout=out)
    assert out.getvalue() == "<blockquote><cite>张三</cite>引用</blockquote>"


def test_unknown_format_is_a_command_error_and_prints_nothing() -> None:
    out = StringIO()
    with pytest.raises(CommandError, match="Unknown format 'html': use one of markdown, bbcode"):
        call_command("markup", "render", "--format", "html", stdin=StringIO("<b>x</b>"), stdout=out)
    assert out.getvalue() == ""


def test_subcommand_is_required() -> None:
    with pytest.raises(CommandError):
        call_command("markup", stdin=StringIO("x"), stdout=StringIO())


def test_format_is_required() -> None:
    with pytest.raises(CommandError):
        call_command("markup", "render", stdin=StringIO("x"), stdout=StringIO())
