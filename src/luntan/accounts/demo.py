"""头像 for `luntan demo`: a handful of members upload a picture of their own (drawn here with Pillow, each to
suit its owner's name), the others keep the letter tile, as on a real forum where most never bother. The
pictures go through the same service as a member's upload: checked, drawn again in three sizes, stored in the
site's storage, and the "set an avatar" rule pays."""

import io
import random
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from luntan.accounts import services

S = 400  # drawn at twice the biggest size, then made smaller: smooth edges


def _canvas(background: tuple[int, int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (S, S), background)
    return image, ImageDraw.Draw(image)


def lemon() -> Image.Image:
    image, draw = _canvas((214, 240, 200))
    draw.ellipse((70, 110, 330, 300), fill=(250, 214, 40), outline=(214, 170, 20), width=8)
    draw.ellipse((305, 185, 350, 225), fill=(250, 214, 40))  # the tip
    draw.polygon([(190, 112), (250, 40), (300, 60), (230, 120)], fill=(70, 150, 60))  # a leaf
    draw.arc((130, 150, 270, 260), 200, 340, fill=(255, 240, 150), width=10)  # the shine
    return image


def salted_fish() -> Image.Image:
    image, draw = _canvas((150, 200, 235))
    draw.ellipse((60, 140, 300, 260), fill=(170, 175, 185), outline=(110, 115, 125), width=6)
    draw.polygon([(290, 200), (370, 130), (370, 270)], fill=(150, 155, 165))  # the tail
    draw.ellipse((100, 180, 130, 210), fill=(255, 255, 255))
    draw.ellipse((110, 190, 124, 204), fill=(30, 30, 30))
    for x in (170, 205, 240):  # the salt
        draw.line((x, 160, x - 15, 245), fill=(120, 125, 135), width=5)
    draw.ellipse((40, 60, 80, 100), outline=(255, 255, 255), width=5)  # bubbles
    draw.ellipse((70, 20, 95, 45), outline=(255, 255, 255), width=4)
    return image


def chili() -> Image.Image:
    image, draw = _canvas((255, 240, 220))
    draw.polygon([(120, 90), (200, 80), (280, 150), (300, 260), (250, 340), (240, 250), (190, 170), (120, 130)],
                 fill=(214, 40, 40))
    draw.line((230, 130, 280, 240), fill=(240, 110, 110), width=10)  # the shine
    draw.rectangle((95, 85, 135, 130), fill=(60, 140, 50))  # the stem
    draw.line((100, 100, 60, 60), fill=(60, 140, 50), width=14)
    return image


def code() -> Image.Image:
    image, draw = _canvas((36, 41, 56))
    green = (120, 220, 140)
    draw.line([(150, 130), (90, 200), (150, 270)], fill=green, width=22, joint="curve")  # <
    draw.line([(250, 130), (310, 200), (250, 270)], fill=green, width=22, joint="curve")  # >
    draw.line((225, 110, 175, 290), fill=(240, 200, 90), width=18)  # /
    draw.rectangle((60, 320, 180, 336), fill=(90, 100, 130))  # a line of text below
    return image


def city_at_night() -> Image.Image:
    image, draw = _canvas((25, 35, 80))
    draw.ellipse((250, 40, 340, 130), fill=(250, 230, 150))
    draw.ellipse((275, 30, 365, 120), fill=(25, 35, 80))  # a crescent
    buildings = [(20, 220, 90), (90, 160, 150), (150, 250, 200), (200, 190, 270), (270, 230, 330), (330, 180, 390)]
    for left, top, right in buildings:
        draw.rectangle((left, top, right, S), fill=(55, 65, 110))
        for y in range(top + 15, S - 20, 30):
            for x in range(left + 10, right - 10, 22):
                if (x * 7 + y * 3) % 5 < 2:
                    draw.rectangle((x, y, x + 10, y + 14), fill=(255, 215, 110))
    return image


def stew_pot() -> Image.Image:
    image, draw = _canvas((250, 200, 150))
    draw.pieslice((70, 120, 330, 360), 0, 180, fill=(120, 70, 40))  # the pot
    draw.rectangle((60, 225, 340, 245), fill=(90, 50, 30))  # its rim
    draw.rectangle((30, 228, 70, 242), fill=(90, 50, 30))  # handles
    draw.rectangle((330, 228, 370, 242), fill=(90, 50, 30))
    for x in (140, 200, 260):  # steam
        draw.arc((x - 20, 90, x + 20, 150), 90, 270, fill=(255, 255, 255), width=8)
        draw.arc((x - 20, 40, x + 20, 100), 270, 90, fill=(255, 255, 255), width=8)
    return image


def sunrise() -> Image.Image:
    image, draw = _canvas((255, 180, 120))
    draw.ellipse((120, 150, 280, 310), fill=(255, 90, 60))
    draw.rectangle((0, 240, S, S), fill=(40, 110, 170))
    for y in range(260, S, 30):
        draw.line((60, y, 340, y), fill=(120, 180, 220), width=4)
    return image


def flower() -> Image.Image:
    image, draw = _canvas((230, 245, 255))
    for dx, dy in ((0, -70), (70, 0), (0, 70), (-70, 0), (50, -50), (50, 50), (-50, 50), (-50, -50)):
        draw.ellipse((200 + dx - 45, 200 + dy - 45, 200 + dx + 45, 200 + dy + 45), fill=(240, 120, 170))
    draw.ellipse((155, 155, 245, 245), fill=(250, 210, 60))
    return image


Drawing = Callable[[], Image.Image]
# A member whose name says what they would choose gets that; a few others get a picture of their own.
FITTING: dict[str, Drawing] = {"柠檬精": lemon, "咸鱼翻身": salted_fish, "爱吃辣的川妹子": chili,
                               "一只程序猿": code, "北漂的阿强": city_at_night, "土豆炖牛腩": stew_pot}
OTHERS: list[Drawing] = [sunrise, flower]


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def fill_demo(*, members: list, rng: random.Random, now) -> None:
    chosen: list[tuple[Any, Drawing]] = [(m, FITTING[m.username]) for m in members if m.username in FITTING]
    others = [m for m in members if m.username not in FITTING]
    for m, drawing in zip(rng.sample(others, min(len(others), len(OTHERS))), OTHERS, strict=False):
        chosen.append((m, drawing))
    for member, drawing in chosen:
        upload = SimpleUploadedFile("头像.png", _png(drawing()), content_type="image/png")
        try:
            services.member_avatar_set(member=member, upload=upload)
        except (ValidationError, PermissionDenied):
            continue  # a member whose group may not upload one keeps the tile
