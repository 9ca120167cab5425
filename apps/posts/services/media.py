"""Images in a post's text: an upload checked to be a real image of an allowed kind and size, kept
through the configured storage (the default storage: local files or S3) as one of the post's media."""

from __future__ import annotations

import uuid
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from apps.accounts.models import User
from apps.core.errors import InvalidInput
from apps.core.services import audit_log

from ..access import require_edit
from ..document import clean_text
from ..models import MediaAsset, MediaKind, Post

# What Pillow calls the formats browsers show everywhere, and how each is stored.
IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "GIF": ("image/gif", "gif"),
                 "WEBP": ("image/webp", "webp")}  # fmt: skip


def _image_facts(upload: IO[bytes]) -> tuple[str, int, int]:
    """(Pillow format, width, height) of an upload that really is an image, else InvalidInput."""
    not_an_image = InvalidInput({"file": [_("This file is not an image we can show (JPEG, PNG, GIF or WebP).")]})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind, (width, height) = image.format or "", image.size
            image.verify()  # reads the whole file: a truncated or forged one fails here
    except Image.DecompressionBombError as exc:
        raise InvalidInput({"file": [_("The image has too many pixels.")]}) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise not_an_image from exc
    finally:
        upload.seek(0)
    if kind not in IMAGE_FORMATS:
        raise not_an_image
    if width * height > settings.POSTS_IMAGE_MAX_PIXELS:
        raise InvalidInput({"file": [_("The image has too many pixels.")]})
    return kind, width, height


def post_image_upload(*, post: Post, user: User, upload: File, alt_text: str) -> MediaAsset:
    """Add an uploaded image to the post's media, for its text. Only someone who may edit the post
    may; the description (alt text) is required, as the editor will not insert an image without it."""
    require_edit(user=user, post=post)
    alt = " ".join(clean_text(alt_text).split())[:500]
    if not alt:
        raise InvalidInput({"alt_text": [_("Describe the image for people who cannot see it (alt text).")]})
    limit = settings.POSTS_IMAGE_MAX_BYTES
    if (upload.size or 0) > limit:
        raise InvalidInput(
            {"file": [_("The image is larger than %(size)s MB.") % {"size": round(limit / (1024 * 1024), 1)}]}
        )
    kind, width, height = _image_facts(upload)
    mime_type, extension = IMAGE_FORMATS[kind]
    asset = MediaAsset(
        workspace_id=post.workspace_id,
        post=post,
        kind=MediaKind.IMAGE,
        mime_type=mime_type,
        size=upload.size or 0,
        alt_text=alt,
        data={"width": width, "height": height, "original_name": clean_text(upload.name or "")[:200]},
        created_by=user,
    )
    with transaction.atomic():
        # A name of our own: the uploader's file name is kept in data, never in the storage path.
        asset.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
        asset.save()
        audit_log(actor=user, action="post.image_upload", target=post, data={"media": asset.pk})
    return asset
