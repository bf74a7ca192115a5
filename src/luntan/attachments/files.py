"""What an uploaded file is, told from its content: images are decoded by Pillow within limits and drawn
again (re-encoded, no metadata, a thumbnail), other files must start with the bytes their kind always starts
with. The name's extension and the browser's content type are claims; a file whose content says otherwise is
refused, as is anything a browser could run as a page (HTML, SVG, XML, scripts)."""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Final

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError, features

MAX_SIDE: Final = 10_000  # pixels, either side
MAX_PIXELS: Final = 40_000_000  # decoded: 160 MB at most (RGBA); a 24-megapixel camera photo is within
THUMB_SIDE: Final = 480  # the thumbnail shown in a floor fits in this square
SNIFF_BYTES: Final = 1024

# Image formats Pillow may open, by the extensions that name them.
IMAGE_FORMATS: Final = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF", "webp": "WEBP"}

# Each attachment extension: (content type it is served with, the magic numbers it may start with; None: text).
_PK = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
FILE_TYPES: Final[dict[str, tuple[str, tuple[bytes, ...] | None]]] = {
    "zip": ("application/zip", _PK),
    "rar": ("application/vnd.rar", (b"Rar!\x1a\x07",)),
    "7z": ("application/x-7z-compressed", (b"7z\xbc\xaf\x27\x1c",)),
    "gz": ("application/gzip", (b"\x1f\x8b",)),
    "pdf": ("application/pdf", (b"%PDF-",)),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "ppt": ("application/vnd.ms-powerpoint", _OLE),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _PK),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _PK),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _PK),
    "mp3": ("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    "mp4": ("video/mp4", ()),  # "ftyp" at offset 4, checked below
    "txt": ("text/plain; charset=utf-8", None),
    "csv": ("text/csv; charset=utf-8", None),
    "log": ("text/plain; charset=utf-8", None),
}
# Never stored, whatever a group allows: what a browser would run or render as a page, and programs.
NEVER: Final = frozenset({
    "html", "htm", "xhtml", "shtml", "svg", "svgz", "xml", "xsl", "xslt", "js", "mjs", "css", "swf", "php",
    "exe", "com", "bat", "cmd", "scr", "msi", "dll", "ps1", "vbs", "jar", "hta", "lnk", "sh",
})
# Content types a browser treats as pages, documents or scripts: a claim of one of them is refused, and none is
# ever served as such (OOXML's "application/vnd.openxmlformats-..." is a zip, not XML).
_ACTIVE_TYPE_RE: Final = re.compile(
    r"text/html|text/xml|text/xsl|application/xml|[a-z]+/[a-z0-9.+-]*\+xml|(?:text|application)/(?:x-)?(?:java|ecma)script"
    r"|text/css|application/x-shockwave-flash")


def is_active_type(content_type: str) -> bool:
    return _ACTIVE_TYPE_RE.fullmatch((content_type or "").split(";")[0].strip().lower()) is not None
# Text that a browser could take for markup if it ever sniffed it.
_MARKUP_START: Final = re.compile(rb"\s*<(\?xml|!doctype|html|svg|script|head|body|iframe)", re.IGNORECASE)


@dataclass(frozen=True)
class Checked:
    """A file that passed: what to store and how to serve it."""

    kind: str  # "image" or "file"
    name: str
    extension: str
    content_type: str
    data: bytes
    thumbnail: bytes = b""
    width: int | None = None
    height: int | None = None


def clean_name(raw: str) -> str:
    """The file name as shown: no folders, no control or bidi characters, at most 100 characters (keeping the
    extension)."""
    name = unicodedata.normalize("NFC", str(raw or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if len(name) > 100:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[:100 - len(ext) - 1]}.{ext}" if dot and len(ext) <= 10 else name[:100]
    return name or "file"


def extension_of(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def refused_type(extension: str) -> ValidationError:
    return ValidationError(
        _("Files of this type (%(ext)s) cannot be uploaded here.") % {"ext": f".{extension}" if extension else "?"},
        code="type_refused")


def lying_type() -> ValidationError:
    return ValidationError(_("The file's content does not match its name or type. Nothing was uploaded."),
                           code="type_mismatch")


def bomb() -> ValidationError:
    return ValidationError(
        _("This picture is too large (at most %(side)s × %(side)s pixels, %(mp)s megapixels). Please upload a "
          "smaller one.") % {"side": MAX_SIDE, "mp": MAX_PIXELS // 1_000_000}, code="image_dimensions")


def corrupt() -> ValidationError:
    return ValidationError(_("This picture is damaged or not a picture we can read. Nothing was uploaded."),
                           code="image_corrupt")


def check_file(*, name: str, claimed_type: str, data: bytes, allowed: frozenset[str],
               images_allowed: bool) -> Checked:
    """The upload as it will be stored, or a ValidationError saying why not. `allowed`: the attachment
    extensions the member's group may upload."""
    name = clean_name(name)
    ext = extension_of(name)
    claimed = (claimed_type or "").split(";")[0].strip().lower()
    if ext in NEVER or is_active_type(claimed):
        raise refused_type(ext)
    if ext in IMAGE_FORMATS:
        if not images_allowed:
            raise ValidationError(_("Your user group may not upload pictures."), code="images_refused")
        if claimed and not claimed.startswith("image/") and claimed != "application/octet-stream":
            raise lying_type()
        return _check_image(name, ext, data)
    if claimed.startswith("image/"):
        raise lying_type()  # a picture's type with another kind of name
    if ext not in FILE_TYPES or ext not in allowed:
        raise refused_type(ext)
    content_type, magic = FILE_TYPES[ext]
    head = data[:SNIFF_BYTES]
    if magic is None:
        if b"\x00" in head or _MARKUP_START.match(head) or not _is_text(data):
            raise lying_type()
    elif ext == "mp4":
        if head[4:8] != b"ftyp":
            raise lying_type()
    elif not head.startswith(magic):
        raise lying_type()
    return Checked(kind="file", name=name, extension=ext, content_type=content_type, data=data)


def _is_text(data: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _open(data: bytes, formats: tuple[str, ...]) -> Image.Image:
    """Opens (reads the header of) the picture; the size it claims is checked before any pixel is decoded."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data), formats=formats)
    width, height = image.size
    if width < 1 or height < 1:
        raise corrupt()
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise bomb()
    return image


def _check_image(name: str, ext: str, data: bytes) -> Checked:
    expected = IMAGE_FORMATS[ext]
    try:
        image = _open(data, tuple(set(IMAGE_FORMATS.values())))
        if image.format != expected:
            raise lying_type()
        image.verify()  # the whole file's structure; the object cannot be used after this
        image = _open(data, (expected,))
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.seek(0)  # an animation's first frame: animations are not kept
            image.load()
            try:
                image = ImageOps.exif_transpose(image)
            except (OSError, ValueError, TypeError, KeyError, SyntaxError):
                pass  # broken orientation data: as it is
            alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            image = image.convert("RGBA" if alpha else "RGB")
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise bomb() from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError, MemoryError):
        raise corrupt() from None
    # A new picture from the pixels alone: no EXIF, GPS position, comment or profile of the upload comes along.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out_format, out_ext, content_type = _output(expected, alpha)
    thumb = clean.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    stem = name.rpartition(".")[0] or "image"
    return Checked(kind="image", name=f"{stem}.{out_ext}", extension=out_ext, content_type=content_type,
                   data=_encode(clean, out_format), thumbnail=_encode(thumb, out_format),
                   width=clean.width, height=clean.height)


def _output(source_format: str, alpha: bool) -> tuple[str, str, str]:
    """JPEG stays JPEG (photos), WebP stays WebP; PNG and a GIF's first frame become PNG."""
    if source_format == "JPEG" and not alpha:
        return "JPEG", "jpg", "image/jpeg"
    if source_format == "WEBP" and features.check("webp"):
        return "WEBP", "webp", "image/webp"
    return "PNG", "png", "image/png"


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, format="JPEG", quality=85, optimize=True)
    elif fmt == "WEBP":
        image.save(out, format="WEBP", quality=85, method=4)
    else:
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()
