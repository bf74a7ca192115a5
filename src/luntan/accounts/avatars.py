"""A member's own picture (头像), made safe: whatever was uploaded is decoded by Pillow within limits and
drawn again as three small square images of our own, so no byte of the upload is ever served.

- Size: at most the member's group's attachment size (groups.rules_for), never above
  LUNTAN["AVATAR_MAX_KB"], checked before anything is decoded; none for a group that may not post.
- Kind: PNG, JPEG, GIF or WebP, told by the decoder from the content; the file's name and the browser's
  content type are not believed (a file whose name or type claims a picture that its content is not is told
  so in words of its own).
- Dimensions: read from the header and refused above MAX_SIDE / MAX_PIXELS before the pixels are decoded,
  so a small file that claims a huge picture (a decompression bomb, a GIF whose screen is 65535 × 65535)
  costs nothing; Pillow's own bomb check is turned into a refusal too.
- Result: the first frame, turned as the camera meant (EXIF orientation), in sRGB, cropped to a centred
  square and resized to each of SIZES, saved as WebP (PNG when Pillow has no WebP), with no metadata: no
  EXIF, no GPS position, no comments.

Where they live: `avatars/<uid>/<version>-<px>.<ext>` in the default storage (local disk or an S3 bucket,
settings.STORAGES), served by views.avatar_file at MEDIA_URL + the same path. The version is a digest of
the pictures, and Member.avatar holds "<version>.<ext>": the member row read for a card is all a page needs
to name the files, a new picture is a new address (browsers keep each for a year), and the same picture
uploaded again is the same files."""

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError, features

from luntan.accounts import groups

BIG, MIDDLE, SMALL = 200, 120, 48  # pixels square: the avatar page; author cards; lists and the header
SIZES = (BIG, MIDDLE, SMALL)
SIZE = BIG  # the largest, which the others are drawn from
FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
MAX_SIDE = 8000  # pixels, either side
MAX_PIXELS = 25_000_000  # decoded, 100 MB at most (RGBA); a 12-megapixel phone photo is well within
CONTENT_TYPES = {"webp": "image/webp", "png": "image/png"}
# What a name or a browser may claim for a picture we take; anything else claimed is simply "not a picture".
CLAIMED_EXTENSIONS = (".png", ".jpg", ".jpeg", ".jpe", ".gif", ".webp")
CLAIMED_TYPES = ("image/png", "image/jpeg", "image/pjpeg", "image/gif", "image/webp")

VALUE = re.compile(r"([0-9a-f]{16})\.(webp|png)")  # Member.avatar
# One size's file, under avatars/<uid>/: "<version>-<px>.<ext>".
_PX = "|".join(str(px) for px in SIZES)
FILE_NAME = re.compile(rf"([0-9a-f]{{16}})-({_PX})\.(webp|png)")


@dataclass(frozen=True)
class AvatarSet:
    """One picture in every size, ready to store."""
    version: str
    extension: str  # "webp" or "png"
    files: dict[int, bytes]  # {px: encoded picture}

    @property
    def value(self) -> str:
        """What Member.avatar holds for it."""
        return f"{self.version}.{self.extension}"


def _parts(value: str) -> tuple[str, str] | None:
    found = VALUE.fullmatch(value or "")
    return (found.group(1), found.group(2)) if found else None


def file_name(uid: int, value: str, px: int) -> str:
    """The storage name of one size of a member's avatar (Member.avatar `value`)."""
    parts = _parts(value)
    if parts is None or px not in SIZES:
        raise ValueError(f"no avatar file for {value!r} at {px} px")
    return f"avatars/{uid}/{parts[0]}-{px}.{parts[1]}"


def file_names(uid: int, value: str) -> list[str]:
    return [file_name(uid, value, px) for px in SIZES] if _parts(value) else []


def url_prefix() -> str:
    """Where avatars are served: under MEDIA_URL (files to every middleware: not a visit, not a page), or
    /media/ when MEDIA_URL names another host."""
    media = settings.MEDIA_URL
    return media if media.startswith("/") and media.strip("/") else "/media/"


def url(uid: int, value: str, px: int) -> str:
    """The address of one size of a member's avatar; "" for a member without one."""
    parts = _parts(value)
    if parts is None:
        return ""
    if px not in SIZES:
        raise ValueError(f"avatars come in {SIZES} pixels, not {px}")
    return f"{url_prefix()}avatars/{uid}/{parts[0]}-{px}.{parts[1]}"


def limit_kb(member) -> int:
    """The largest avatar this member may upload, in KB (0: none). A member who may not post (禁止发言, a
    guest) may not change the picture beside their posts either."""
    rules = groups.rules_for(member)
    if not rules.can_post:
        return 0
    return max(0, min(rules.max_attachment_kb, settings.LUNTAN["AVATAR_MAX_KB"]))


# --- Refusals: each says what is wrong in the member's words ------------------------------------------------

def _not_an_image() -> ValidationError:
    return ValidationError(_("This file is not an image we can use. Please upload a PNG, JPEG, GIF or WebP "
                             "picture."), code="avatar_not_image")


def _claims_to_be(upload) -> str:
    """What the file's name or the browser says it is, when that is a kind of picture we take; else ""."""
    name = (getattr(upload, "name", "") or "").lower()
    for extension in CLAIMED_EXTENSIONS:
        if name.endswith(extension):
            return extension
    content_type = (getattr(upload, "content_type", "") or "").lower().split(";")[0].strip()
    return content_type if content_type in CLAIMED_TYPES else ""


def _lies_about_its_type(claimed: str) -> ValidationError:
    return ValidationError(
        _("This file says it is a picture (%(claimed)s), but what it holds is not a picture. Please upload a real "
          "PNG, JPEG, GIF or WebP picture.") % {"claimed": claimed}, code="avatar_type_mismatch")


def _too_big_picture(width: int | None = None, height: int | None = None) -> ValidationError:
    limits = {"side": MAX_SIDE, "mp": MAX_PIXELS // 1_000_000}
    if width and height:
        return ValidationError(
            _("This picture is too large: it claims %(width)s × %(height)s pixels, and an avatar may have at most "
              "%(side)s pixels a side and %(mp)s megapixels. Please upload a smaller one.")
            % {**limits, "width": width, "height": height}, code="avatar_dimensions")
    return ValidationError(
        _("This picture is too large (at most %(side)s × %(side)s pixels, %(mp)s megapixels). Please upload a "
          "smaller one.") % limits, code="avatar_dimensions")


def _corrupt() -> ValidationError:
    return ValidationError(_("This picture is damaged or incomplete and cannot be read. Please save it again or "
                             "choose another one."), code="avatar_corrupt")


def check_upload(*, member, upload) -> Image.Image:
    """The uploaded file as an opened (not yet decoded) picture, or a ValidationError the member reads;
    PermissionDenied when the member's group may upload no picture at all."""
    if upload is None or not getattr(upload, "size", 0):
        raise ValidationError(_("Please choose a picture to upload."), code="avatar_missing")
    limit = limit_kb(member)
    if limit <= 0:
        raise PermissionDenied(_("Your user group may not upload pictures."))
    if upload.size > limit * 1024:
        raise ValidationError(
            _("This file is %(size)s KB; an avatar may be at most %(limit)s KB.") % {
                "size": (upload.size + 1023) // 1024, "limit": limit}, code="avatar_too_large")
    claimed = _claims_to_be(upload)
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=FORMATS)  # reads the header only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_big_picture() from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise (_lies_about_its_type(claimed) if claimed else _not_an_image()) from None
    width, height = image.size
    if width < 1 or height < 1:
        raise _corrupt()
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise _too_big_picture(width, height)
    return image


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """The picture's colours in sRGB, when it came with an RGB colour profile (many phone photos do)."""
    if not icc or image.mode not in ("RGB", "RGBA") or not features.check("littlecms2"):
        return image
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode)
    except (OSError, ValueError, TypeError, ImageCms.PyCMSError):
        return image  # a broken profile: the colours as they are
    return converted if converted is not None else image


def _square(image: Image.Image) -> Image.Image:
    """Decodes the checked picture: its first frame, turned upright, in sRGB, the centred square of BIG px."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if image.format == "JPEG":
                image.draft("RGB", (BIG * 2, BIG * 2))  # decode a JPEG at a fraction of its size: faster
            image.seek(0)  # an animation's first frame
            image.load()
            icc = image.info.get("icc_profile") if image.mode in ("RGB", "RGBA") else None
            try:
                image = ImageOps.exif_transpose(image)
            except (OSError, ValueError, TypeError, KeyError, SyntaxError):
                pass  # broken orientation data: as it is
            alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            image = image.convert("RGBA" if alpha else "RGB")
            image = _to_srgb(image, icc)
            return ImageOps.fit(image, (BIG, BIG), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_big_picture() from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError):
        raise _corrupt() from None  # truncated or corrupt data


def _encode(square: Image.Image, px: int, extension: str) -> bytes:
    picture = square if px == square.width else square.resize((px, px), Image.Resampling.LANCZOS)
    # A new image from the pixels: nothing of the upload's metadata (EXIF, GPS, comments, profile) comes along.
    clean = Image.new(picture.mode, picture.size)
    clean.paste(picture)
    out = io.BytesIO()
    if extension == "webp":
        clean.save(out, format="WEBP", quality=85, method=4)
    else:
        clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def draw_set(square: Image.Image) -> AvatarSet:
    """Every size of one square picture (at least BIG pixels a side), encoded."""
    extension = "webp" if features.check("webp") else "png"
    files = {px: _encode(square, px, extension) for px in SIZES}
    digest = hashlib.sha256()
    for px in SIZES:
        digest.update(files[px])
    return AvatarSet(version=digest.hexdigest()[:16], extension=extension, files=files)


def make_set(image: Image.Image) -> AvatarSet:
    """Decodes the checked picture and draws the avatar in every size from its pixels alone."""
    return draw_set(_square(image))


# --- Storage ------------------------------------------------------------------------------------------------

def store(uid: int, made: AvatarSet) -> list[str]:
    """Puts the set's files in the default storage, skipping those already there (a file's name follows its
    content, so a file of that name holds these very bytes); returns the names it wrote."""
    written = []
    for px, data in made.files.items():
        name = file_name(uid, made.value, px)
        if default_storage.exists(name):
            continue
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # written meanwhile by a request with the same picture: the copy is not needed
            default_storage.delete(saved)
            continue
        written.append(name)
    return written


def delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
