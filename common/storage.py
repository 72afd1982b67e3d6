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


def delete_on_commit(field_file) -> None:
    """The rule for replaced or removed private files: the old file is deleted once the change that replaced it
    has committed (a rolled-back change keeps it), so no file is left on disk that no record names."""
    from django.db import transaction

    name, storage = getattr(field_file, "name", ""), getattr(field_file, "storage", None)
    if name and storage is not None:
        transaction.on_commit(lambda: storage.delete(name))
