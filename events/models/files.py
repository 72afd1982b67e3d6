"""Where the files of activities and campaigns are stored: a generated name under the private storage."""

from __future__ import annotations

STORED_EXTENSIONS = {"jpg", "png", "pdf", "docx", "xlsx"}  # what common.uploads.stored_name gives


def _upload_to(folder: str):
    def path(instance, filename: str) -> str:
        """A random name; the extension only if it is one the checker gives (never x.php, .htaccess, .html)."""
        from common.uploads import generated_path

        return generated_path(f"events/{folder}", filename)

    path.__name__ = f"upload_{folder}"
    path.__qualname__ = path.__name__
    return path


upload_photos = _upload_to("photos")
upload_summaries = _upload_to("summaries")
upload_filings = _upload_to("filings")
# Photos, summaries and filings live in the private storage programs/ uses for report attachments
# (KEPU_PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT): never served by DEBUG's /media/ route, only by the
# permission-checked views in events/views.py.
