"""Photos (jpeg/png, whole, ≤ 5 MB, at most 5) and summary files (pdf/docx) are checked by content."""

import pytest
from django.urls import reverse

from common.uploads import UploadRejected
from events import services
from events.models import ActivityPhoto

from .conftest import JPEG_BYTES, docx_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


def _upload_page(client, activity, *files):
    return client.post(reverse("events:photo-upload", args=[activity.pk]), {"photo": list(files)}, follow=True)


def test_a_jpeg_and_a_png_are_stored_and_served_with_their_type(client_for, wujin_user, wujin, make_return):
    activity = make_return(wujin)
    client = client_for(wujin_user)
    body = _upload_page(
        client, activity, upload("现场1.jpg", JPEG_BYTES), upload("现场2.png", png_bytes(3, 2))
    ).content.decode()
    assert "照片已上传" in body
    photos = list(activity.photos.all())
    assert [p.content_type for p in photos] == ["image/jpeg", "image/png"]
    served = client.get(reverse("events:photo", args=[activity.pk, photos[0].pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content) == JPEG_BYTES
    assert "events/photos/" in photos[0].file.name and "现场" not in photos[0].file.name


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("setup.jpg", b"MZ\x90\x00" + b"\x00" * 200, "可执行程序"),
        ("notes.png", "这不是图片".encode() * 20, "的文件类型不被接受"),
        ("report.jpg", b"%PDF-1.7\n" + b"0" * 100, "的文件类型不被接受"),
        ("broken.jpg", JPEG_BYTES[:300], "已损坏"),
        ("broken.png", png_bytes(4, 4)[:-20], "已损坏"),
        ("empty.jpg", b"", "空文件"),
    ],
)
def test_a_bad_photo_gets_a_clear_message_and_nothing_is_saved(
    name, data, message, client_for, wujin_user, wujin, make_return
):
    activity = make_return(wujin)
    body = _upload_page(client_for(wujin_user), activity, upload(name, data, "image/jpeg")).content.decode()
    assert message in body
    assert ActivityPhoto.objects.count() == 0


def test_an_oversize_photo_is_refused(settings, wujin_user, wujin, make_return):
    settings.KEPU_MAX_PHOTO_BYTES = 400
    activity = make_return(wujin)
    with pytest.raises(UploadRejected, match="太大"):
        services.add_photo(activity, wujin_user, upload("big.jpg", JPEG_BYTES))
    assert ActivityPhoto.objects.count() == 0


def test_a_sixth_photo_is_refused(wujin_user, wujin, make_return):
    activity = make_return(wujin)
    for i in range(5):
        services.add_photo(activity, wujin_user, upload(f"{i}.png", png_bytes()))
        activity.refresh_from_db()
    with pytest.raises(UploadRejected, match="最多上传 5 张"):
        services.add_photo(activity, wujin_user, upload("6.png", png_bytes()))
    assert activity.photos.count() == 5


def _form(region, **extra):
    data = {
        "title": "科普大篷车进乡村",
        "category": "rural_joint",
        "format": "offline",
        "starts_on": "2025-09-18",
        "ends_on": "2025-09-18",
        "region": region.pk,
        "planned_participants": 200,
        "actual_participants": 0,
        "online_views": 0,
        "volunteers": 0,
        "experts": 0,
        "budget": "0.5",
        "general_public": "on",
    }
    data.update(extra)
    return data


def _report(activity, **extra):
    return {
        "actual_participants": 200,
        "online_views": 0,
        "volunteers": 0,
        "experts": 0,
        "budget": "0.5",
        "report_version": activity.report_version,
        **extra,
    }


@pytest.mark.parametrize(
    "name,data,ok",
    [
        ("总结.pdf", b"%PDF-1.4\n%...\n", True),
        ("总结.docx", None, True),
        ("总结.pdf", b"MZ\x90\x00" + b"\x00" * 50, False),
        ("总结.docx", b"PK\x03\x04" + b"\x00" * 50, False),
    ],
)
def test_the_summary_file_must_really_be_pdf_or_docx(name, data, ok, client_for, wujin_user, wujin, make_return):
    activity = make_return(wujin, status="submitted", report_status="draft")
    data = docx_bytes() if data is None else data
    response = client_for(wujin_user).post(
        reverse("events:report", args=[activity.pk]), _report(activity, summary_file=upload(name, data))
    )
    activity.refresh_from_db()
    if ok:
        assert response.status_code == 302
        served = client_for(wujin_user).get(reverse("events:summary-file", args=[activity.pk]))
        assert served.status_code == 200 and "attachment" in served["Content-Disposition"]
    else:
        assert response.status_code == 200 and "的文件类型不被接受" in response.content.decode()
        assert not activity.summary_file and activity.actual_participants == 280
        assert 'data-testid="lost-files"' in response.content.decode()  # the page says the file must be chosen again


def test_an_oversize_summary_file_is_refused(settings, client_for, wujin_user, wujin, make_return):
    activity = make_return(wujin, status="submitted", report_status="draft")
    settings.KEPU_MAX_DOCUMENT_BYTES = 100
    response = client_for(wujin_user).post(
        reverse("events:report", args=[activity.pk]),
        _report(activity, summary_file=upload("总结.pdf", b"%PDF-1.4\n" + b"x" * 200)),
    )
    assert response.status_code == 200 and "太大" in response.content.decode()
    activity.refresh_from_db()
    assert not activity.summary_file


def test_a_good_and_a_bad_photo_together_save_nothing_and_name_the_bad_file(
    client_for, wujin_user, wujin, make_return, settings
):
    activity = make_return(wujin)
    body = _upload_page(
        client_for(wujin_user),
        activity,
        upload("现场好图.jpg", JPEG_BYTES),
        upload("病毒.png", b"MZ\x90\x00" + b"\x00" * 200),
    ).content.decode()
    assert "照片“病毒.png”的文件类型不被接受" in body and "均未保存" in body
    assert "照片已上传" not in body
    assert ActivityPhoto.objects.count() == 0
    private = settings.KEPU_PRIVATE_MEDIA_ROOT / "events" / "photos"
    assert not private.exists() or not any(private.iterdir())
    activity.refresh_from_db()
    assert activity.version == 1


def test_more_photos_than_the_cap_in_one_upload_save_nothing(client_for, wujin_user, wujin, make_return):
    activity = make_return(wujin)
    services.add_photo(activity, wujin_user, upload("0.png", png_bytes()))
    body = _upload_page(
        client_for(wujin_user), activity, *[upload(f"{i}.png", png_bytes()) for i in range(1, 6)]
    ).content.decode()
    assert "最多上传 5 张" in body and "已有 1 张" in body
    assert activity.photos.count() == 1


def test_an_oversize_photo_through_the_page_is_refused_with_its_name_and_the_cap(
    settings, client_for, wujin_user, wujin, make_return
):
    settings.KEPU_MAX_PHOTO_BYTES = 400
    activity = make_return(wujin)
    body = _upload_page(client_for(wujin_user), activity, upload("大图.jpg", JPEG_BYTES)).content.decode()
    assert "照片“大图.jpg”太大(543 字节),不能超过 400 字节。" in body
    assert ActivityPhoto.objects.count() == 0


def test_an_empty_file_is_named_on_every_events_upload_and_nothing_saved_is_lost(
    client_for, wujin_user, wujin, make_return, science_day
):
    """Django's FileField refused a 0-byte file before the upload checker saw it: the summary and filing pages
    then said only 请求不完整,请刷新页面后重试, the activity and import forms 提交的是空文件."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from events.models import CampaignFiling

    client = client_for(wujin_user)
    empty = "“{}”是空文件,请选择有内容的文件。"
    # the post-event report's summary file: the one it has stays, and so does its text
    activity = make_return(
        wujin, status="approved", report_status="draft", campaign=science_day, summary_text="原有总结"
    )
    activity.summary_file.save("原总结.pdf", SimpleUploadedFile("原总结.pdf", b"%PDF-1.4\n%%EOF\n"))
    kept = activity.summary_file.name
    response = client.post(
        reverse("events:report", args=[activity.pk]),
        _report(activity, summary_text="", summary_file=upload("补充.docx", b"")),
    )
    body = response.content.decode()
    assert response.status_code == 200 and "文件" + empty.format("补充.docx") in body and "请求不完整" not in body
    activity.refresh_from_db()
    assert activity.summary_file.name == kept and activity.summary_text == "原有总结"
    # the campaign's filing
    body = client.post(
        reverse("events:campaign-file", args=[science_day.pk]),
        {"kind": "summary", "text": "全区总结", "file": upload("工作总结.docx", b"")},
        follow=True,
    ).content.decode()
    assert "文件" + empty.format("工作总结.docx") in body and "请求不完整" not in body
    assert not CampaignFiling.objects.exists()
    # photos
    draft = make_return(wujin)
    assert "照片" + empty.format("现场.jpg") in _upload_page(client, draft, upload("现场.jpg", b"")).content.decode()
    assert ActivityPhoto.objects.count() == 0
    # the 活动安排表 import
    body = client.post(
        reverse("events:import"), {"campaign": science_day.pk, "file": upload("活动安排表.xlsx", b"")}
    ).content.decode()
    assert "文件" + empty.format("活动安排表.xlsx") in body
