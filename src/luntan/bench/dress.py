"""The bench thread as members' pages are: a poll, signatures under the floors, a picture and a paid file,
hidden and paid parts, @mentions. Everything goes in through the services, as members put it there, so the
page `luntan bench` measures carries every feature a thread page has (issue #8: "the thread page with
signatures, polls, attachments and conditional parts still meets the targets")."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from luntan.accounts.services import member_signature_set
from luntan.attachments import services as attachments
from luntan.attachments.views import described
from luntan.forum.models import Floor, Thread
from luntan.forum.services import floor_edit
from luntan.polls.models import Poll
from luntan.polls.services import clean_poll, poll_create

SIGNATURE = "[b]个性签名[/b]：在论坛潜水的第 N 年，[i]先让它跑起来，再让它跑得快[/i]。"
DRESSED = "[hide]"  # a dressed thread has a hidden part in its floors: the mark that it was done


class DressError(RuntimeError):
    pass


def _picture() -> bytes:
    image = Image.new("RGB", (800, 500), (90, 150, 210))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 330, 800, 500), fill=(60, 130, 70))
    draw.ellipse((560, 60, 680, 180), fill=(250, 210, 80))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def dress_thread(thread_id: int) -> None:
    """Dresses the thread's first floors once (a second call finds them dressed and changes nothing)."""
    thread = Thread.objects.get(pk=thread_id)
    floors = list(Floor.objects.filter(thread=thread).select_related("author").order_by("number")[:12])
    if len(floors) < 12:
        raise DressError("the bench thread has fewer than 12 floors")
    if any(DRESSED in f.source for f in floors) or Poll.objects.filter(thread=thread).exists():
        return
    try:
        poll_create(floor=floors[0], spec=clean_poll(
            options=["爬山", "逛博物馆", "在家睡觉", "去郊外骑车"], multiple=True, max_choices=2, ends_at=None,
            results_after_vote=False, public_voters=True))
        for member in {f.author_id: f.author for f in floors}.values():
            member_signature_set(member=member, signature=SIGNATURE, fmt="bbcode")
        picture = attachments.upload_create(
            member=floors[2].author, upload=SimpleUploadedFile("周末.jpg", _picture(), content_type="image/jpeg"))
        plan = attachments.upload_create(
            member=floors[7].author, upload=SimpleUploadedFile("行程表.txt", "周六：爬山\n周日：博物馆\n".encode(),
                                                               content_type="text/plain"))
        names = " ".join(f"@{f.author.username}" for f in floors[9:12])
        extras = {
            2: described(picture)["bbcode"],
            3: "[hide]回复后可见：集合地点在地铁站 B 口。[/hide]",
            4: "[sell=5]付费内容：整理好的路线和预算表。[/sell]",
            5: "[hide=100]积分满 100 可见的心得。[/hide]",
            6: f"{names} 你们周末去哪儿？",
            7: f"[attach]{plan.pk}[/attach]",
        }
        for index, extra in extras.items():
            floor = floors[index]
            floor_edit(editor=floor.author, floor=floor, source=f"{floor.source}\n\n{extra}", fmt="bbcode")
        plan.refresh_from_db()
        attachments.attachment_update(member=floors[7].author, attachment=plan, price=3, min_level_id=None)
    except (PermissionDenied, ValidationError) as exc:
        raise DressError(f"the bench thread could not be dressed: {exc}") from exc
