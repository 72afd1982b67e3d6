"""Form widgets shared by the apps."""

from __future__ import annotations

import os

from django import forms


class _StoredFile:
    """What the clearable file input shows for a stored private file: its name and the permission-checked link."""

    def __init__(self, name: str, url: str):
        self.name, self.url = name, url

    def __str__(self) -> str:
        return self.name


class PrivateFileInput(forms.ClearableFileInput):
    """ClearableFileInput for files in the private storage, which has no public URL (Django's widget asks the
    file for `.url` and fails): shows the stored file's name, linked to the view that checks permissions."""

    def __init__(self, attrs=None, download_url: str = ""):
        super().__init__(attrs)
        self.download_url = download_url

    def is_initial(self, value) -> bool:
        return bool(value and getattr(value, "name", None) and not hasattr(value, "content_type"))

    def format_value(self, value):
        if self.is_initial(value):
            return _StoredFile(os.path.basename(value.name), self.download_url)
        return None
