"""Issue 12, point 3: importing the same 活动安排表 twice updates instead of duplicating; 编号 rules; the preview's
counts, marks and pages; csv import of events in GBK and UTF-8."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from events import services
from events.models import ActivityReturn

from .conftest import upload, xlsx_bytes
from .test_import import HEADER, row

pytestmark = pytest.mark.django_db

TITLES = ["湖塘镇科普日主场活动", "科普大篷车进乡村", "专家讲科普:碳达峰", "青少年科技创新营", "老年人防诈骗讲座"]
FULL_HEADER = HEADER + ["编号"]


def five_rows(planned=500, numbers=None):
    rows = [row(i + 1, title=t, start=f"2025-09-{16 + i}", planned=planned) for i, t in enumerate(TITLES)]
    if numbers:
        rows = [r + [n] for r, n in zip(rows, numbers, strict=False)]
    return rows


def sheet(rows, header=FULL_HEADER):
    return xlsx_bytes([header, *rows])


def run(user, data, campaign, dry_run=False, name="活动安排表.xlsx"):
    return services.import_returns(upload(name, data), user, campaign, dry_run=dry_run)


def test_the_same_five_row_sheet_imported_twice_leaves_five_activities(client_for, wujin_user, science_day):
    client = client_for(wujin_user)
    for attempt in range(2):
        preview = client.post(
            reverse("events:import"),
            {"campaign": science_day.pk, "file": upload("活动安排表.xlsx", sheet(five_rows(), HEADER))},
        )
        assert preview.status_code == 200
        body = preview.content.decode()
        if attempt == 1:
            assert "新增 0 条,更新 0 条,无变化 5 条" in body
        done = client.post(reverse("events:import-confirm"), {"token": preview.context["token"]})
        assert done.status_code == 302
    assert ActivityReturn.objects.count() == 5
    assert sorted(ActivityReturn.objects.values_list("title", flat=True)) == sorted(TITLES)


def test_a_changed_row_updates_its_activity_and_the_rest_are_unchanged(wujin_user, science_day):
    assert run(wujin_user, sheet(five_rows()), science_day).created == 5
    before = {a.title: a.pk for a in ActivityReturn.objects.all()}
    rows = five_rows()
    rows[1][14] = 800  # 预计参与人数 of the second activity
    preview = run(wujin_user, sheet(rows), science_day, dry_run=True)
    assert preview.ok and preview.counts == {"new": 0, "update": 1, "skip": 4}
    assert [r["change"] for r in preview.rows] == ["skip", "update", "skip", "skip", "skip"]
    assert ActivityReturn.objects.get(title=TITLES[1]).planned_participants == 500  # the preview wrote nothing
    report = run(wujin_user, sheet(rows), science_day)
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 1, 4)
    assert {a.title: a.pk for a in ActivityReturn.objects.all()} == before
    assert ActivityReturn.objects.get(title=TITLES[1]).planned_participants == 800


def test_a_row_with_a_number_updates_that_activity_even_when_renamed(wujin_user, science_day, make_return, wujin):
    mine = make_return(wujin, title="旧名称", campaign=science_day)
    rows = five_rows(numbers=[mine.pk, None, None, None, None])
    report = run(wujin_user, sheet(rows), science_day)
    assert report.ok and (report.created, report.updated) == (4, 1)
    mine.refresh_from_db()
    assert mine.title == TITLES[0] and ActivityReturn.objects.count() == 5


def test_the_number_of_a_submitted_activity_is_a_row_error_and_nothing_is_written(
    wujin_user, science_day, wujin, make_return
):
    submitted = make_return(wujin, status="submitted", title="已提交的活动", campaign=science_day)
    rows = five_rows(numbers=[None, submitted.pk, None, None, None])
    report = run(wujin_user, sheet(rows), science_day)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (4, "编号", f"第4行:编号{submitted.pk}的活动已提交,不能通过导入修改。")
    ]
    assert ActivityReturn.objects.count() == 1
    submitted.refresh_from_db()
    assert submitted.title == "已提交的活动"


def test_the_number_of_another_districts_activity_is_a_row_error_never_an_update(
    tianning_user, wujin_user, wujin, science_day, make_return
):
    theirs = make_return(wujin, title="武进的活动", campaign=science_day)
    rows = five_rows(numbers=[theirs.pk, None, None, None, None])
    report = run(tianning_user, sheet(rows), science_day)
    assert [(e.row, e.column) for e in report.errors] == [(3, "编号")]
    assert "不存在或不在您的管理范围内" in report.errors[0].message
    theirs.refresh_from_db()
    assert theirs.title == "武进的活动" and ActivityReturn.objects.count() == 1


def test_a_town_clerk_cannot_update_the_districts_own_activity_by_its_number(
    hutang_clerk, wujin, science_day, make_return
):
    districts = make_return(wujin, title="区级活动", campaign=science_day)
    report = run(hutang_clerk, sheet([row(1, title="改名", start="2025-09-16") + [districts.pk]]), science_day)
    assert not report.ok and report.errors[0].column == "编号"
    districts.refresh_from_db()
    assert districts.title == "区级活动"


def test_a_same_title_and_date_of_another_campaign_or_owner_is_a_new_activity(wujin_user, tianning_user, science_day):
    run(tianning_user, sheet(five_rows()), science_day)
    report = run(wujin_user, sheet(five_rows()), science_day)
    assert report.ok and report.created == 5
    assert run(wujin_user, sheet(five_rows()), None).created == 5  # 全年常态化: another campaign
    assert ActivityReturn.objects.count() == 15


def test_the_preview_counts_marks_and_pages_and_writes_nothing(client_for, wujin_user, science_day):
    run(wujin_user, sheet(five_rows()), science_day)
    rows = five_rows()
    rows[0][14] = 999
    rows += [row(10 + i, title=f"新活动{i:03d}", start="2025-09-18") for i in range(60)]
    client = client_for(wujin_user)
    preview = client.post(
        reverse("events:import"), {"campaign": science_day.pk, "file": upload("活动安排表.xlsx", sheet(rows))}
    )
    body = preview.content.decode()
    assert "共 65 行" in body and "新增 60 条,更新 1 条,无变化 4 条" in body
    assert body.count("<tr data-change=") == 50 and 'data-testid="import-pages"' in body
    assert 'data-change="update"' in body and 'data-change="skip"' in body
    token = preview.context["token"]
    page2 = client.get(reverse("events:import"), {"token": token, "page": 2})
    assert page2.status_code == 200
    text = page2.content.decode()
    assert text.count("<tr data-change=") == 15 and "新活动059" in text and "第 2 / 2 页" in text
    assert ActivityReturn.objects.count() == 5  # the preview and its pages wrote nothing
    assert ActivityReturn.objects.get(title=TITLES[0]).planned_participants == 500
    assert client_for(wujin_user).get(reverse("events:import"), {"token": token, "page": 2}).status_code == 302


def test_another_users_token_does_not_open_the_preview(client_for, wujin_user, tianning_user, science_day):
    preview = client_for(wujin_user).post(
        reverse("events:import"), {"campaign": science_day.pk, "file": upload("a.xlsx", sheet(five_rows()))}
    )
    token = preview.context["token"]
    other = client_for(tianning_user)
    assert other.get(reverse("events:import"), {"token": token, "page": 1}).status_code == 302
    assert other.post(reverse("events:import-confirm"), {"token": token}).status_code == 302
    assert ActivityReturn.objects.count() == 0


def test_the_filled_in_download_carries_the_numbers_and_imports_back_unchanged(client_for, wujin_user, science_day):
    run(wujin_user, sheet(five_rows()), science_day)
    response = client_for(wujin_user).get(reverse("events:import-export"), {"campaign": science_day.pk})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content))["活动安排表"]
    assert [c.value for c in ws[2]][-1] == "编号"
    numbers = [ws.cell(r, len(FULL_HEADER)).value for r in range(3, 8)]
    assert sorted(numbers) == sorted(ActivityReturn.objects.values_list("pk", flat=True))
    report = run(wujin_user, response.content, science_day, name="已填报活动.xlsx")
    assert report.ok and (report.created, report.updated, report.unchanged) == (0, 0, 5), report.errors


def test_the_filled_in_download_holds_nothing_of_another_district(client_for, wujin_user, tianning_user, science_day):
    run(wujin_user, sheet(five_rows()), science_day)
    response = client_for(tianning_user).get(reverse("events:import-export"), {"campaign": science_day.pk})
    ws = load_workbook(io.BytesIO(response.content))["活动安排表"]
    assert ws.max_row <= 2 and not any(t in response.content.decode("latin-1") for t in ["湖塘"])


def _csv(rows, encoding, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for r in [header, *rows]:
        writer.writerow(["" if v is None else v for v in r])
    return buffer.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_events_import_a_csv_in_gbk_and_utf8(wujin_user, science_day, encoding):
    data = _csv(five_rows(), encoding)
    report = run(wujin_user, data, science_day, name="活动安排表.csv")
    assert report.ok, report.errors
    assert report.created == 5
    assert sorted(ActivityReturn.objects.values_list("title", flat=True)) == sorted(TITLES)
    assert run(wujin_user, data, science_day, name="活动安排表.csv").unchanged == 5  # and again: no duplicates


def test_a_csv_row_error_names_the_row_and_column(wujin_user, science_day):
    rows = five_rows()
    rows[2][4] = "2025-13-45"
    report = run(wujin_user, _csv(rows, "gbk"), science_day, name="活动安排表.csv")
    assert [(e.row, e.column) for e in report.errors] == [(4, "开始日期")]
    assert ActivityReturn.objects.count() == 0


def test_a_count_written_as_about_200_people_is_understood(wujin_user, science_day):
    rows = five_rows()
    rows[0][14], rows[1][14] = "约200人", "1,200人次"
    report = run(wujin_user, sheet(rows), science_day)
    assert report.ok, report.errors
    got = dict(ActivityReturn.objects.values_list("title", "planned_participants"))
    assert (got[TITLES[0]], got[TITLES[1]]) == (200, 1200)


def test_the_stash_path_holds_the_token_not_the_file_name(settings, client_for, wujin_user, science_day):
    from pathlib import Path

    preview = client_for(wujin_user).post(
        reverse("events:import"),
        {"campaign": science_day.pk, "file": upload("../../我的活动表.xlsx", sheet(five_rows()))},
    )
    token = preview.context["token"]
    stored = [p for p in Path(settings.KEPU_PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored and all(re.fullmatch(rf"{token}\.(xlsx|json)", p.name) for p in stored)
    assert not any("我的活动表" in str(p) for p in stored)
