"""Private file storage: uploads that only a permission-checked view may stream (never /media/)."""
from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateFileStorage(FileSystemStorage):
    """Attachments live outside MEDIA_ROOT (never served statically); only a permission-checked
    view streams them. The location is read from settings on every use so tests can move it."""

    @property
    def base_location(self):
        return str(getattr(settings, "KEPU_PRIVATE_MEDIA_ROOT", None) or (settings.VAR_DIR / "private"))

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


_private_storage = PrivateFileStorage()


def private_storage():
    return _private_storage
