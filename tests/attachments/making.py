"""Uploads for the attachments tests: pictures drawn with Pillow, files of each kind, a member's upload
through the service, and what the storage holds."""

import io
import struct
import zipfile
import zlib

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from luntan.attachments import services
from luntan.attachments.models import Attachment


def png(width: int = 40, height: int = 30, colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="PNG")
    return out.getvalue()


def jpeg(width: int = 40, height: int = 30, *, exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), (30, 120, 200))
    if exif is not None:
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels (a decompression bomb's shape)."""
    data = bytearray(png(1, 1))
    ihdr = bytearray(data[16:29])  # the IHDR chunk's data: width, height, depth, colour type...
    ihdr[0:8] = struct.pack(">II", width, height)
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + bytes(ihdr)) & 0xFFFFFFFF)
    return bytes(data)


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as pack:
        pack.writestr("说明.txt", "你好".encode())
    return out.getvalue()


def upload(member, name: str, data: bytes, content_type: str = "application/octet-stream") -> Attachment:
    return services.upload_create(member=member, upload=SimpleUploadedFile(name, data, content_type=content_type))


def stored_names() -> list[str]:
    """Every file in the storage's upload folders."""
    found: list[str] = []

    def walk(folder: str) -> None:
        if not default_storage.exists(folder):
            return
        dirs, files = default_storage.listdir(folder)
        found.extend(f"{folder}/{f}" for f in files)
        for d in dirs:
            walk(f"{folder}/{d}")

    walk("images")
    walk("attachments")
    return found
