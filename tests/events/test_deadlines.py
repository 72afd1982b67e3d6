"""Completeness table values, reminders N days before each due date, the overdue digest — on a fixed clock."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from events import completeness, services
from events.models import CampaignFiling
from programs.models import Region

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def file(campaign, kind, when, region=None, unit=None):
    return CampaignFiling.objects.create(campaign=campaign, kind=kind, filed_at=when, region=region, unit=unit)


def test_the_completeness_table_counts_filings_timeliness_activities_and_participants(
    science_day, wujin, tianning, make_return, liaison_user
):
    file(science_day, "schedule", at(dt.date(2025, 9, 12), 23), region=wujin)  # on the due day: on time
    file(science_day, "summary", at(dt.date(2025, 9, 27)), region=wujin)  # two days late
    file(science_day, "schedule", at(dt.date(2025, 9, 14)), region=tianning)  # late
    town = Region.objects.get(code="320412102", name="牛塘镇", level="town", parent=wujin)
    make_return(wujin, status="approved", campaign=science_day, actual_participants=1200)
    make_return(town, status="approved", campaign=science_day, actual_participants=300)
    make_return(wujin, status="submitted", campaign=science_day, actual_participants=9999)
    make_return(wujin, status="returned", campaign=science_day, actual_participants=9999)
    make_return(wujin, status="approved", campaign=None, actual_participants=9999)  # year-round: not this campaign
    make_return(tianning, status="draft", campaign=science_day)
    make_return(unit=liaison_user.unit, status="approved", campaign=science_day, actual_participants=800)
    rows = {r.name: r for r in completeness.completeness(science_day)}
    assert len(rows) == 8  # 7 districts + 市教育局
    w, t, edu, liyang = rows["武进区"], rows["天宁区"], rows["市教育局"], rows["溧阳市"]
    assert (w.schedule_filed, w.schedule_on_time, w.summary_filed, w.summary_on_time) == (True, True, True, False)
    assert (w.returns, w.submitted, w.returned, w.approved, w.participants) == (4, 1, 1, 2, 1500)
    assert (t.schedule_filed, t.schedule_on_time, t.summary_filed, t.summary_on_time) == (True, False, False, None)
    assert (t.returns, t.approved, t.participants) == (1, 0, 0)
    assert (edu.approved, edu.participants) == (1, 800)
    assert (liyang.schedule_filed, liyang.returns, liyang.participants) == (False, 0, 0)


def test_the_completeness_table_takes_the_same_number_of_queries_for_more_returns(
    science_day, wujin, tianning, make_return
):
    make_return(wujin, status="approved", campaign=science_day)
    with CaptureQueriesContext(connection) as small:
        completeness.completeness(science_day)
    for region in (wujin, tianning):
        for _ in range(20):
            make_return(region, status="approved", campaign=science_day)
    with CaptureQueriesContext(connection) as large:
        completeness.completeness(science_day)
    assert len(small) == len(large) <= 4


def test_the_completeness_page_shows_late_and_missing(client_for, office_user, science_day, wujin):
    file(science_day, "schedule", at(dt.date(2025, 9, 14)), region=wujin)
    body = client_for(office_user).get(reverse("events:campaign-detail", args=[science_day.pk])).content.decode()
    assert "迟报" in body and "逾期未报" in body and 'data-testid="row-320412"' in body


def test_filing_the_schedule_submits_the_regions_drafts_and_keeps_the_first_filing_time(
    wujin_user, wujin, tianning, science_day, make_return
):
    mine = make_return(wujin, campaign=science_day)
    other = make_return(tianning, campaign=science_day)
    first = services.file_campaign(science_day, wujin_user, "schedule", now=at(dt.date(2025, 9, 10)))
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.status == "submitted" and other.status == "draft"
    again = services.file_campaign(science_day, wujin_user, "schedule", text="补充", now=at(dt.date(2025, 9, 20)))
    assert again.pk == first.pk and again.filed_at == at(dt.date(2025, 9, 10))


def _district_users():
    for code, name in (("320412", "wujin9"), ("320402", "tianning9")):
        User.objects.create_user(
            name, email=f"{name}@example.invalid", role="district", region=Region.objects.get(code=code)
        )


def test_reminders_go_n_days_before_each_due_date_to_those_who_have_not_filed(
    science_day, wujin_user, tianning_user, office_user, wujin, liaison_user
):
    science_day.units.clear()
    file(science_day, "schedule", at(dt.date(2025, 9, 1)), region=wujin)
    result = services.send_deadline_reminders(today=dt.date(2025, 9, 9))  # 3 days before 9月12日
    to = sorted(m.to[0] for m in mail.outbox)
    assert "tianning1@example.invalid" in to and "wujin1@example.invalid" not in to
    assert "office1@example.invalid" not in to and len(to) == len(set(to)) == result["reminders"]
    message = next(m for m in mail.outbox if m.to == ["tianning1@example.invalid"])
    assert "2025年全国科普日" in message.body and "活动安排表" in message.body and "还有 3 天" in message.body
    mail.outbox.clear()
    assert services.send_deadline_reminders(today=dt.date(2025, 9, 8)) == {"reminders": 0, "overdue": 0}
    assert mail.outbox == []


def test_one_message_per_recipient_however_many_campaigns_are_due(science_day, tianning_user, wujin_user):
    from events.models import Campaign

    second = Campaign.objects.create(
        kind="sci_tech_week",
        year=2025,
        name="2025年科普宣传周",
        starts_on=dt.date(2025, 9, 15),
        ends_on=dt.date(2025, 9, 20),
        schedule_due=dt.date(2025, 9, 12),
        summary_due=dt.date(2025, 9, 19),
    )
    second.regions.set(Region.objects.filter(code__in=["320402", "320412"]))
    services.send_deadline_reminders(today=dt.date(2025, 9, 12 - 7))  # 7 days before both schedule dues
    to = [m.to[0] for m in mail.outbox]
    assert sorted(to) == ["tianning1@example.invalid", "wujin1@example.invalid"]
    body = next(m.body for m in mail.outbox if m.to == ["wujin1@example.invalid"])
    assert "2025年全国科普日" in body and "2025年科普宣传周" in body


def test_a_liaison_is_reminded_for_its_unit(science_day, liaison_user, other_liaison_user):
    services.send_deadline_reminders(today=dt.date(2025, 9, 24))  # 1 day before the summary is due
    to = [m.to[0] for m in mail.outbox]
    assert "jyj1@example.invalid" in to and "nync1@example.invalid" not in to


def test_the_office_gets_one_overdue_digest_naming_who_is_late(
    science_day, office_user, wujin, tianning_user, settings
):
    settings.KEPU_OFFICE_EMAILS = ["kpb@cz.example.invalid"]
    for region in Region.objects.districts().exclude(code="320402"):
        file(science_day, "schedule", at(dt.date(2025, 9, 11)), region=region)
    result = services.send_deadline_reminders(today=dt.date(2025, 9, 15))
    office_mail = [m for m in mail.outbox if m.to[0] in ("office1@example.invalid", "kpb@cz.example.invalid")]
    assert len(office_mail) == 2 == result["overdue"]
    body = office_mail[0].body
    assert "天宁区" in body and "市教育局" in body and "已逾期 3 天" in body and "武进区" not in body
    assert "逾期" in office_mail[0].subject


def test_the_beat_task_runs_the_same_service(science_day, tianning_user):
    from events.tasks import send_deadline_reminders_task

    assert send_deadline_reminders_task.name == "events.send_deadline_reminders_task"
    result = send_deadline_reminders_task.apply(kwargs={"today": "2025-09-11"}).get()
    assert result["reminders"] >= 1 and any(m.to == ["tianning1@example.invalid"] for m in mail.outbox)


def test_the_district_todo_panel_lists_due_filings_and_returned_returns(
    client_for, wujin_user, wujin, make_return, science_day, monkeypatch
):
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2025, 9, 10))
    make_return(wujin, status="returned", return_reason="请补充新闻报道链接", title="被退回的活动")
    body = client_for(wujin_user).get(reverse("events:list")).content.decode()
    assert 'data-testid="todo"' in body and "2025年全国科普日" in body and "还有 2 天" in body
    assert "被退回的活动" in body and "请补充新闻报道链接" in body
