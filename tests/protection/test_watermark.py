"""The invisible mark and `luntan protect trace`: a text copied from a protected page names the member or
the guest's address it was served to, and the minute; a changed mark reads as invalid, a clean text as none."""

import io
import re
import unicodedata
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from django.utils import timezone, translation
from helpers import signed_in

from luntan.forum import services
from luntan.protection import watermark

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 12, 3, 9, 41, 30, tzinfo=UTC)


def trace(text: str, *options: str, tmp_path) -> str:
    path = tmp_path / "copied.txt"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    with translation.override("en"):
        call_command("protect", "trace", str(path), *options, stdout=out)
    return out.getvalue()


def copied_text(html: str) -> str:
    """What a reader's copy of the first post holds: the body's text without the hidden noise elements."""
    body = html[html.index('<div class="content"'):]
    body = body[body.index(">") + 1:body.index("</div>")]
    body = re.sub(r'<(\w+) (?:class="\w+" aria-hidden="true"|aria-hidden="true" class="\w+")>[^<]*</\1>', "", body)
    return re.sub(r"<br>", "\n", re.sub(r"<(?!br>)[^>]+>", "", body))


def test_a_mark_is_45_invisible_characters_and_reads_back():
    text = watermark.for_member(12345, WHEN)
    assert len(text) == watermark.LENGTH == 45 and set(text) <= set(watermark.SYMBOLS)
    assert all(unicodedata.category(c) == "Cf" for c in text)  # format characters: drawn as nothing
    found = watermark.find(f"第一行{text}\n第二行")
    assert found.marks == [watermark.Mark(watermark.MEMBER, 12345, watermark.minute_of(WHEN))] and found.invalid == 0
    assert found.marks[0].served_at == WHEN.replace(second=0)


def test_a_mark_survives_normalization_line_endings_and_the_authors_own_invisible_characters():
    mark = watermark.for_guest("198.51.100.7", WHEN)
    text = f"家人\u200d们{mark}\r\n👨\u200d👩\u200d👧 下一行"
    for copied in (text, unicodedata.normalize("NFC", text), unicodedata.normalize("NFKC", text),
                   text.replace("\r\n", "\n"), "\u200b" + mark + "\u200c"):
        assert [m.subject for m in watermark.find(copied).marks] == [watermark.guest_hash("198.51.100.7")]
    assert watermark.strip(text) == "家人\u200d们\r\n👨\u200d👩\u200d👧 下一行"  # short runs are the author's


def test_a_changed_mark_is_invalid_and_a_clean_text_has_none():
    mark = watermark.for_member(7, WHEN)
    for tampered in (mark[:10] + watermark.SYMBOLS[(watermark.SYMBOLS.index(mark[10]) + 1) % 4] + mark[11:],
                     mark[:-1] + watermark.SYMBOLS[(watermark.SYMBOLS.index(mark[-1]) + 1) % 4], mark[:-5]):
        found = watermark.find(f"正文{tampered}正文")
        assert found.marks == [] and found.invalid == 1
    assert watermark.find("没有标记的文字\u200d") == watermark.Found(marks=[], invalid=0)


def test_a_mark_from_another_key_is_invalid_and_an_old_key_still_verifies():
    with override_settings(SECRET_KEY="another-site-" + "x" * 50):
        other = watermark.for_member(7, WHEN)
    assert watermark.find(other).marks == []
    with override_settings(SECRET_KEY="rotated-" + "y" * 50, SECRET_KEY_FALLBACKS=["another-site-" + "x" * 50]):
        assert [m.subject for m in watermark.find(other).marks] == [7]


def test_guest_hash_matches_its_fast_form_in_address_scans():
    subject = watermark.guest_hash("2001:db8::1")
    assert watermark.match_addresses(subject, ["10.0.0.1", "2001:db8::1", "2001:db8::2"]) == ["2001:db8::1"]
    log = '203.0.113.5 - - [03/Dec/2026:09:41:02 +0800] "GET /thread/1/ HTTP/1.1" 200\n2001:db8::1 - - "GET /"\n'
    assert list(watermark.addresses_in(log + "version 1.2.3.4.5 999.1.1.1")) == ["203.0.113.5", "2001:db8::1"]


def test_trace_names_the_member_a_copied_text_was_served_to(board, member, other_member, tmp_path):
    board.protect_content = True
    board.save()
    floor = services.thread_create(author=member, board=board, title="游记", source="第一行\n第二行", fmt="bbcode")
    before = timezone.now()
    copied = copied_text(signed_in(other_member).get(f"/thread/{floor.thread_id}/").content.decode())
    assert watermark.strip(copied) == "第一行\n第二行"
    out = trace(copied, tmp_path=tmp_path)
    assert f"{other_member.username} (UID {other_member.pk})" in out
    assert timezone.localtime(before).strftime("%Y-%m-%d %H:%M") in out or \
        timezone.localtime(timezone.now()).strftime("%Y-%m-%d %H:%M") in out
    assert member.username not in out


def test_trace_names_a_guests_address_from_a_log_or_a_network(board, member, tmp_path):
    board.protect_content = True
    board.save()
    floor = services.thread_create(author=member, board=board, title="游记", source="一行\n两行", fmt="bbcode")
    copied = copied_text(Client(REMOTE_ADDR="203.0.113.77").get(f"/thread/{floor.thread_id}/").content.decode())
    subject = f"{watermark.guest_hash('203.0.113.77'):08x}"
    assert f"address hash {subject}" in trace(copied, tmp_path=tmp_path)
    log = tmp_path / "access.log"
    log.write_text('203.0.113.76 - - "GET /"\n203.0.113.77 - - "GET /thread/1/"\n', encoding="utf-8")
    assert "The guest's address: 203.0.113.77" in trace(copied, "--log", str(log), tmp_path=tmp_path)
    assert "The guest's address: 203.0.113.77" in trace(copied, "--network", "203.0.113.0/24", tmp_path=tmp_path)
    assert "None of the 1 candidate addresses" in trace(copied, "--address", "10.1.1.1", tmp_path=tmp_path)


def test_trace_says_invalid_for_a_changed_mark_and_none_for_a_clean_text(tmp_path):
    mark = watermark.for_member(7, WHEN)
    with pytest.raises(CommandError, match="1 invalid mark"):
        trace("文字" + mark[:20] + mark[21:] + "\u200b\u200b" + "文字", tmp_path=tmp_path)
    with pytest.raises(CommandError, match="No mark found"):
        trace("干净的文字，没有标记。", tmp_path=tmp_path)
    with pytest.raises(CommandError, match="Not a network"):
        trace(mark, "--network", "nonsense", tmp_path=tmp_path)
    with pytest.raises(CommandError, match="too large"):
        trace(mark, "--network", "10.0.0.0/7", tmp_path=tmp_path)
