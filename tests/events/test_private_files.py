"""Photos, summaries, filings and pending imports live outside MEDIA_ROOT: only the permission-checked views
serve them."""

from pathlib import Path

import pytest
from django.http import Http404
from django.urls import reverse
from django.views.static import serve

from events import services
from events.models import ActivityReturn, Brand, CampaignFiling

from .conftest import JPEG_BYTES, docx_bytes, upload
from .test_import import good_file

pytestmark = pytest.mark.django_db


def _under(path, root) -> bool:
    return Path(path).resolve().is_relative_to(Path(root).resolve())


def _media_route_serves(request_factory, name, settings) -> bool:
    """What DEBUG's /media/ route (django.views.static.serve on MEDIA_ROOT) would do with the stored name."""
    try:
        serve(request_factory.get(f"/media/{name}"), name, document_root=settings.MEDIA_ROOT)
    except Http404:
        return False
    return True


def test_a_photo_is_stored_in_the_private_root_and_the_media_route_cannot_serve_it(
    settings, rf, client_for, wujin_user, wujin, make_return
):
    activity = make_return(wujin)
    photo = services.add_photo(activity, wujin_user, upload("现场.jpg", JPEG_BYTES))
    assert _under(photo.file.path, settings.KEPU_PRIVATE_MEDIA_ROOT)
    assert not _under(photo.file.path, settings.MEDIA_ROOT)
    assert photo.file.storage.base_url is None  # no public URL to leak
    assert not _media_route_serves(rf, photo.file.name, settings)
    served = client_for(wujin_user).get(reverse("events:photo", args=[activity.pk, photo.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == JPEG_BYTES


def test_a_summary_file_and_a_filing_are_stored_privately(settings, rf, wujin_user, wujin, science_day):
    filing = services.file_campaign(science_day, wujin_user, "summary", upload=upload("总结.docx", docx_bytes()))
    assert _under(filing.file.path, settings.KEPU_PRIVATE_MEDIA_ROOT)
    assert not _media_route_serves(rf, filing.file.name, settings)
    activity = ActivityReturn.objects.create(
        region=wujin, title="x", starts_on=science_day.starts_on, ends_on=science_day.starts_on
    )
    activity.summary_file.save("总结.pdf", upload("总结.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert _under(activity.summary_file.path, settings.KEPU_PRIVATE_MEDIA_ROOT)
    assert not _media_route_serves(rf, activity.summary_file.name, settings)
    assert CampaignFiling.objects.count() == 1


def test_a_pending_import_waits_in_the_private_root(settings, client_for, wujin_user, wujin, science_day):
    Brand.objects.create(name="龙城科普大讲堂")  # the file names this brand
    preview = client_for(wujin_user).post(
        reverse("events:import"), {"campaign": science_day.pk, "file": upload("活动安排表.xlsx", good_file())}
    )
    token = preview.context["token"]
    pending = list(Path(settings.KEPU_PRIVATE_MEDIA_ROOT).rglob(f"{token}.xlsx"))
    assert len(pending) == 1
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.xlsx"))
