"""A district files its 活动安排表 / 活动总结 for a campaign through the page; files are type-checked and
region-private."""

import pytest
from django.urls import reverse

from events.models import CampaignFiling

from .conftest import docx_bytes, upload

pytestmark = pytest.mark.django_db


def _file(client, campaign, kind, text="", attachment=None):
    data = {"kind": kind, "text": text}
    if attachment is not None:
        data["file"] = attachment
    return client.post(reverse("events:campaign-file", args=[campaign.pk]), data, follow=True)


def test_a_district_files_its_summary_with_a_word_file_and_downloads_it_again(
    client_for, wujin_user, wujin, science_day
):
    client = client_for(wujin_user)
    word = docx_bytes()
    body = _file(
        client, science_day, "summary", "全区开展活动 120 场", upload("武进区科普日总结.docx", word)
    ).content.decode()
    assert "已报送" in body and 'data-testid="summary-filed"' in body
    filing = CampaignFiling.objects.get()
    assert (filing.region, filing.unit, filing.kind, filing.filed_by) == (wujin, None, "summary", wujin_user)
    assert filing.text == "全区开展活动 120 场" and filing.file.name.endswith(".docx")
    served = client.get(reverse("events:filing-file", args=[science_day.pk, filing.pk]))
    assert served.status_code == 200 and "attachment" in served["Content-Disposition"]
    assert b"".join(served.streaming_content) == word


def test_a_district_files_its_schedule_and_the_completeness_row_shows_it(client_for, wujin_user, wujin, science_day):
    client = client_for(wujin_user)
    body = _file(client, science_day, "schedule", "活动安排表已按镇街汇总").content.decode()
    assert 'data-testid="schedule-filed"' in body
    assert CampaignFiling.objects.filter(campaign=science_day, region=wujin, kind="schedule").exists()


@pytest.mark.parametrize(
    "name,data",
    [
        ("总结.pdf", b"MZ\x90\x00" + b"\x00" * 100),  # a renamed executable
        ("总结.docx", b"PK\x03\x04" + b"\x00" * 60),  # a zip that is not a Word document
        ("总结.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 60),
    ],
)
def test_a_filing_of_the_wrong_type_is_refused_with_a_message_and_nothing_is_filed(
    name, data, client_for, wujin_user, science_day
):
    body = _file(client_for(wujin_user), science_day, "summary", "总结", upload(name, data)).content.decode()
    assert f"文件“{name}”的文件类型不被接受" in body
    assert not CampaignFiling.objects.exists()


def test_an_oversize_filing_is_refused(settings, client_for, wujin_user, science_day):
    settings.KEPU_MAX_DOCUMENT_BYTES = 100
    body = _file(
        client_for(wujin_user), science_day, "summary", "", upload("总结.pdf", b"%PDF-1.4\n" + b"x" * 300)
    ).content.decode()
    assert "太大" in body and not CampaignFiling.objects.exists()


def test_tianning_gets_404_downloading_wujins_filing(
    client_for, wujin_user, tianning_user, office_user, leader_user, science_day
):
    _file(client_for(wujin_user), science_day, "summary", "", upload("总结.docx", docx_bytes()))
    filing = CampaignFiling.objects.get()
    url = reverse("events:filing-file", args=[science_day.pk, filing.pk])
    assert client_for(tianning_user).get(url).status_code == 404
    assert client_for(office_user).get(url).status_code == 200
    assert client_for(leader_user).get(url).status_code == 200
    # the filing id under another campaign does not help
    other = science_day.__class__.objects.create(
        name="2026年科技活动周",
        year=2026,
        starts_on=science_day.starts_on,
        ends_on=science_day.ends_on,
        schedule_due=science_day.schedule_due,
        summary_due=science_day.summary_due,
    )
    assert client_for(office_user).get(reverse("events:filing-file", args=[other.pk, filing.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_login_for_filing_and_downloading(client, client_for, wujin_user, science_day):
    response = client.post(reverse("events:campaign-file", args=[science_day.pk]), {"kind": "summary", "text": "x"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not CampaignFiling.objects.exists()
    _file(client_for(wujin_user), science_day, "summary", "", upload("总结.docx", docx_bytes()))
    filing = CampaignFiling.objects.get()
    response = client.get(reverse("events:filing-file", args=[science_day.pk, filing.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("persona", ["office_user", "leader_user"])
def test_office_and_leaders_do_not_file_for_a_region(persona, request, client_for, science_day):
    body = _file(client_for(request.getfixturevalue(persona)), science_day, "schedule", "x").content.decode()
    assert "只有填报单位" in body
    assert not CampaignFiling.objects.exists()
