"""A member's own picture (头像), made safe: whatever was uploaded is decoded by Pillow within limits and
drawn again as a small square image of our own, so no byte of the upload is ever served.

- Size: at most the member's group's attachment size (groups.rules_for), never above
  LUNTAN["AVATAR_MAX_KB"], checked before anything is decoded; none for a group that may not post.
- Kind: PNG, JPEG, GIF or WebP, told by the decoder from the content; the file's name and the browser's
  content type are not believed.
- Dimensions: read from the header and refused above MAX_SIDE / MAX_PIXELS before the pixels are decoded,
  so a small file that claims a huge picture (a decompression bomb, a GIF whose screen is 65535 × 65535)
  costs nothing; Pillow's own bomb check is turned into a refusal too.
- Result: the first frame, turned as the camera meant (EXIF orientation), in sRGB, cropped to a centred
  square and resized to SIZE × SIZE, saved as WebP (PNG when Pillow has no WebP), with no metadata: no
  EXIF, no GPS position, no comments."""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError, features

from luntan.accounts import groups

SIZE = 192  # pixels, width and height: twice the card's 96 for sharp screens
FORMATS = ("PNG", "JPEG", "GIF", "WEBP")
MAX_SIDE = 8000  # pixels, either side
MAX_PIXELS = 25_000_000  # decoded, 100 MB at most (RGBA); a 12-megapixel phone photo is well within


@dataclass(frozen=True)
class Picture:
    data: bytes
    extension: str  # "webp" or "png"

    def name(self, member_id: int) -> str:
        """Where it is kept under MEDIA_ROOT: a new picture gets a new name, so no cache shows the old one."""
        digest = hashlib.sha256(self.data).hexdigest()[:20]
        return f"avatars/{member_id}-{digest}.{self.extension}"


def limit_kb(member) -> int:
    """The largest avatar this member may upload, in KB (0: none). A member who may not post (禁止发言, a
    guest) may not change the picture beside their posts either."""
    rules = groups.rules_for(member)
    if not rules.can_post:
        return 0
    return max(0, min(rules.max_attachment_kb, settings.LUNTAN["AVATAR_MAX_KB"]))


def _not_an_image() -> ValidationError:
    return ValidationError(_("This file is not an image we can use. Please upload a PNG, JPEG, GIF or WebP "
                             "picture."), code="avatar_not_image")


def _too_big_picture() -> ValidationError:
    return ValidationError(
        _("This picture is too large (at most %(side)s × %(side)s pixels, %(mp)s megapixels). Please upload a "
          "smaller one.") % {"side": MAX_SIDE, "mp": MAX_PIXELS // 1_000_000}, code="avatar_dimensions")


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
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=FORMATS)  # reads the header only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_big_picture() from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise _not_an_image() from None
    width, height = image.size
    if width < 1 or height < 1:
        raise _not_an_image()
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise _too_big_picture()
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


def make_picture(image: Image.Image) -> Picture:
    """Decodes the checked picture and draws the avatar from its pixels alone."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            if image.format == "JPEG":
                image.draft("RGB", (SIZE * 2, SIZE * 2))  # decode a JPEG at a fraction of its size: faster
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
            square = ImageOps.fit(image, (SIZE, SIZE), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_big_picture() from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError):
        raise _not_an_image() from None  # truncated or corrupt data
    # A new image from the pixels: nothing of the upload's metadata (EXIF, GPS, comments, profile) comes along.
    clean = Image.new(square.mode, square.size)
    clean.paste(square)
    out = io.BytesIO()
    if features.check("webp"):
        clean.save(out, format="WEBP", quality=85, method=4)
        return Picture(out.getvalue(), "webp")
    clean.save(out, format="PNG", optimize=True)
    return Picture(out.getvalue(), "png")
