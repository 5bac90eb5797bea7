"""Safe images, for project photos and Wagtail's image library alike: an upload is refused before it is
decoded when it has too many pixels (LMS_MAX_IMAGE_PIXELS), then re-encoded from its pixels alone, so
that nothing of the original file (EXIF with the camera's GPS position, comments, XMP, the file name)
survives, and given a random name.
"""

import io
import secrets
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps

# The formats Pillow may even try to parse: fewer parsers, less to attack.
FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
# What each accepted format is saved as: transparency and sharp edges stay lossless, photos stay JPEG.
# A GIF keeps its first frame only, which is all Wagtail's renditions show without Wand.
SAVED_AS = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "PNG", "WEBP": "WEBP"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
QUALITY = 85


def not_an_image() -> ValidationError:
    """The refusal of a file that is not an image (or a damaged one)."""
    return ValidationError(_("This file is not an image."), code="not_an_image")


def too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    """The refusal of an image over LMS_MAX_IMAGE_PIXELS."""
    limit = settings.LMS_MAX_IMAGE_PIXELS // 1_000_000
    if width is None or height is None:
        message = _("This image has too many pixels: at most %(limit)s million are accepted.") % {"limit": limit}
    else:
        message = _(
            "This image has too many pixels (%(width)s × %(height)s): at most %(limit)s million are accepted."
        ) % {"width": width, "height": height, "limit": limit}
    return ValidationError(message, code="too_many_pixels")


def open_checked(file) -> Image.Image:
    """Open an uploaded file as an image, reading only its header: refused when it is not a JPEG, PNG, GIF
    or WebP image, or has more pixels than LMS_MAX_IMAGE_PIXELS. Nothing is decoded yet."""
    file.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own limit; ours is lower and checked just below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(file, formats=FORMATS)
    except Image.DecompressionBombError as error:
        raise too_many_pixels() from error
    except Exception as error:  # Pillow raises many kinds of error for a file that is not an image
        raise not_an_image() from error
    width, height = image.size
    if width * height > settings.LMS_MAX_IMAGE_PIXELS:
        raise too_many_pixels(width, height)
    return image


def pixels_of(image: Image.Image, *, fit: int | None = None) -> Image.Image:
    """The first frame's pixels, turned as the camera meant (EXIF orientation), in sRGB, as a new image that
    carries no metadata at all. `fit` lets a JPEG be decoded at a reduced scale when only that size is needed."""
    try:
        if fit and image.format == "JPEG":
            image.draft("RGB", (fit, fit))
        image.load()
        image = ImageOps.exif_transpose(image)
        alpha = image.has_transparency_data
        mode = "RGBA" if alpha else ("L" if image.mode in ("1", "L") else "RGB")
        image = _to_srgb(image, mode)
        # A new image from the bytes of the pixels: no info dictionary, so no EXIF, ICC, XMP or comment.
        return Image.frombytes(image.mode, image.size, image.tobytes())
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise not_an_image() from error


def _to_srgb(image: Image.Image, mode: str) -> Image.Image:
    """The image in `mode`, its colours converted to sRGB when it carries another colour profile (the profile
    itself is dropped, so the colours must be converted first)."""
    profile = image.info.get("icc_profile")
    if profile and mode != "L":
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # an unreadable profile: keep the pixel values as they are
    return image.convert(mode) if image.mode != mode else image


@dataclass(frozen=True)
class Encoded:
    """An image file made from pixels only: its bytes, format and size."""

    content: bytes
    format: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        """The file's MIME type."""
        return CONTENT_TYPES[self.format]

    def as_file(self) -> ContentFile:
        """The bytes as a file with a random name, which says nothing about the upload or its author."""
        return ContentFile(self.content, name=random_name(EXTENSIONS[self.format]))


def encode(pixels: Image.Image, *, kind: str, max_side: int | None = None) -> Encoded:
    """Save pixels (from pixels_of) as a JPEG, PNG or WebP file, scaled down to `max_side` at most, with no
    metadata: nothing but the pixels is passed to the encoder."""
    image = pixels
    if max_side and max(image.size) > max_side:
        image = image.copy()
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    if kind == "JPEG" and image.mode == "RGBA":
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    buffer = io.BytesIO()
    if kind == "JPEG":
        image.save(buffer, "JPEG", quality=QUALITY, optimize=True, progressive=True)
    elif kind == "WEBP":
        image.save(buffer, "WEBP", quality=QUALITY)
    else:
        image.save(buffer, "PNG")
    return Encoded(buffer.getvalue(), kind, *image.size)


def clean_copy(file) -> Encoded:
    """An uploaded image re-encoded without metadata, in its own kind (JPEG, PNG or WebP; a GIF becomes a PNG
    of its first frame) and at its own size: what Wagtail's image library keeps."""
    image = open_checked(file)
    return encode(pixels_of(image), kind=SAVED_AS[image.format])


def random_name(extension: str) -> str:
    """A file name of 32 random hexadecimal digits."""
    return f"{secrets.token_hex(16)}.{extension}"


def jpeg_sizes(file, sides: tuple[int, ...]) -> list[Encoded]:
    """An uploaded image as JPEG files without metadata, one per longest side in `sides` (never enlarged):
    the photo and its thumbnail made at upload."""
    image = open_checked(file)
    pixels = pixels_of(image, fit=max(sides))
    return [encode(pixels, kind="JPEG", max_side=side) for side in sides]
