"""Demo uploads: pictures drawn here with Pillow (a sunset over hills, a bowl of noodles, a chart of a week's
check-ins) and three attachments (a free guide, a paid wallpaper pack, a photo guide for higher levels),
uploaded by demo members through the services, put in replies of their own, bought by others, then dated
just after the reply before them."""

import io
import math
import random
import zipfile
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from luntan.attachments import services, views
from luntan.attachments.models import Attachment, Purchase
from luntan.forum import services as forum_services
from luntan.forum.models import Board, Floor, Thread


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88)
    return out.getvalue()


def sunset(width: int = 960, height: int = 600) -> Image.Image:
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=(int(250 - 80 * t), int(150 - 90 * t), int(90 + 60 * t)))
    draw.ellipse([width * 0.58, height * 0.38, width * 0.78, height * 0.38 + width * 0.2], fill=(255, 214, 120))
    for shade, base, amp in (((92, 60, 96), 0.62, 60), ((58, 38, 70), 0.72, 45), ((30, 22, 40), 0.84, 30)):
        points = [(x, height * base + amp * math.sin(x / 90 + base * 10)) for x in range(0, width + 20, 20)]
        draw.polygon([(0, height), *points, (width, height)], fill=shade)
    return image


def noodles(side: int = 640) -> Image.Image:
    image = Image.new("RGB", (side, side), (238, 226, 206))
    draw = ImageDraw.Draw(image)
    draw.ellipse([60, 140, side - 60, side - 60], fill=(250, 250, 246), outline=(40, 90, 160), width=10)
    draw.ellipse([100, 180, side - 100, side - 110], fill=(196, 120, 60))
    rng = random.Random(7)
    for _ in range(40):
        x, y = rng.randint(140, side - 160), rng.randint(220, side - 170)
        draw.arc([x, y, x + 90, y + 40], 0, 180, fill=(246, 222, 160), width=5)
    for x, y in ((220, 260), (380, 300), (300, 380)):
        draw.ellipse([x, y, x + 46, y + 46], fill=(80, 160, 70))
    draw.line([(side - 200, 60), (side - 330, 420)], fill=(120, 72, 40), width=12)
    draw.line([(side - 160, 70), (side - 300, 430)], fill=(120, 72, 40), width=12)
    return image


def chart(width: int = 720, height: int = 420) -> Image.Image:
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.line([(60, 30), (60, height - 50), (width - 30, height - 50)], fill=(60, 60, 60), width=3)
    values = [38, 52, 47, 61, 58, 73, 80]
    step = (width - 120) // len(values)
    for i, value in enumerate(values):
        x = 80 + i * step
        top = height - 50 - value * 4
        draw.rectangle([x, top, x + step - 24, height - 52], fill=(27, 95, 168))
    return image


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as pack:
        pack.writestr("壁纸/晚霞.png", _png(sunset(480, 300)))
        pack.writestr("说明.txt", "本壁纸包为论坛会员原创，仅供个人使用。".encode())
    return out.getvalue()


def _pdf() -> bytes:
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    return body


GUIDE = ("新手上路：发帖、回帖、签到、转盘和积分，一页说清楚。\n\n"
         "1. 每天签到可以领贡献值；\n2. 回帖前请先看版规；\n3. 有问题在意见反馈版提出。\n").encode()

PLANS: tuple[dict[str, Any], ...] = (
    {"board": "摄影旅行", "text": "周末去郊外拍的晚霞，随手一张，原图在这里，喜欢的自取 :微笑:",
     "files": [("晚霞.jpg", "image/jpeg", lambda: _jpeg(sunset()), 0, False)]},
    {"board": "美食厨房", "text": "今天自己煮的牛肉面，汤是熬了三个小时的！",
     "files": [("牛肉面.png", "image/png", lambda: _png(noodles()), 0, False)]},
    {"board": "站务公告", "text": "整理了一份新手指南，还有这周签到人数的图，大家看看：",
     "files": [("签到统计.png", "image/png", lambda: _png(chart()), 0, False),
               ("新手指南.txt", "text/plain", lambda: GUIDE, 0, False)]},
    {"board": "摄影旅行", "text": "自己做的晚霞壁纸合集，售价 5 鼎币，支持一下原创吧~ 另外附一份摄影小技巧，"
                                          "中级会员以上可以下载。",
     "files": [("晚霞壁纸合集.zip", "application/zip", _zip, 5, False),
               ("摄影小技巧.pdf", "application/pdf", _pdf, 0, True)]},
)


def _thread_in(board_name: str) -> Thread | None:
    board = Board.objects.filter(name=board_name).first()
    if board is None:
        return None
    return (Thread.objects.filter(board=board, is_deleted=False, is_waiting=False, is_locked=False)
            .order_by("pk").first())


def fill_demo(*, members: list, rng: random.Random, now: datetime) -> None:
    if len(members) < 3:
        return
    levels = services.member_levels()
    higher = levels[2].group_id if len(levels) > 2 else None
    for plan in PLANS:
        thread = _thread_in(plan["board"])
        if thread is None:
            continue
        author = rng.choice(members)
        made: list[Attachment] = []
        try:
            for name, kind, draw, _price, _levelled in plan["files"]:
                upload = SimpleUploadedFile(name, draw(), content_type=kind)
                attachment = services.upload_create(member=author, upload=upload, now=now)
                made.append(attachment)
            lines = [plan["text"], *(views.described(a)["bbcode"] for a in made)]
            before = thread.last_reply_at
            floor = forum_services.post_reply(author=author, thread=thread, source="\n".join(lines), fmt="bbcode")
        except (PermissionDenied, ValidationError):
            continue  # a board this member may not post in, or a group that may not upload
        for attachment, (_name, _kind, _draw, price, levelled) in zip(made, plan["files"], strict=True):
            if price or (levelled and higher):
                attachment.floor = floor
                services.attachment_update(member=author, attachment=attachment, price=price,
                                           min_level_id=higher if levelled else None)
        # Soon after the reply before it, and never in the future.
        when = min(before + timedelta(hours=rng.randint(1, 48)), now)
        Floor.objects.filter(pk=floor.pk).update(created_at=when)
        Thread.objects.filter(pk=thread.pk, last_reply_at=floor.created_at).update(last_reply_at=when)
        Attachment.objects.filter(pk__in=[a.pk for a in made]).update(created_at=when, changed_at=when)
        for attachment in made:
            if attachment.is_image:
                continue
            Attachment.objects.filter(pk=attachment.pk).update(download_count=rng.randint(3, 40))
            if attachment.price:
                for buyer in rng.sample([m for m in members if m.pk != author.pk], k=min(3, len(members) - 1)):
                    attachment.refresh_from_db()
                    try:
                        services.attachment_buy(member=buyer, attachment=attachment)
                    except (PermissionDenied, ValidationError):
                        continue  # too few credits, or a level not reached
                Purchase.objects.filter(attachment=attachment).update(
                    created_at=when + timedelta(hours=rng.randint(2, 72)))
