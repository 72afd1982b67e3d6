"""Times in the spreadsheets the portal writes are Changzhou's wall-clock time (settings.TIME_ZONE, Asia/Shanghai),
never UTC: naive local datetimes in xlsx, local text in csv, and the dashboard tables' "数据截至" line."""

import csv
import datetime as dt
import io

import pytest
import tablib
from django.urls import reverse
from openpyxl import Workbook, load_workbook

UTC = dt.UTC
AT = dt.datetime(2026, 1, 10, 8, 0, tzinfo=UTC)  # 16:00 in Changzhou
LOCAL = dt.datetime(2026, 1, 10, 16, 0)


def _reload(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_the_portal_runs_on_changzhou_time(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai" and settings.USE_TZ


def test_an_xlsx_holds_times_as_naive_local_datetimes():
    from common.spreadsheets import append_row, dataset_xlsx, set_cell, workbook_bytes

    wb = Workbook()
    append_row(wb.active, ["提交时间", AT])
    set_cell(wb.active, 2, 2, AT.astimezone(dt.timezone(dt.timedelta(hours=-5))))  # whatever zone it comes in
    wb.active.append([AT])  # slipped past write_row: workbook_bytes still writes it in local time
    ws = _reload(workbook_bytes(wb))
    assert ws["B1"].value == LOCAL and ws["B2"].value == LOCAL and ws["A3"].value == LOCAL
    assert ws["B1"].value.tzinfo is None
    sheet = _reload(dataset_xlsx(tablib.Dataset([AT], headers=["时间"])))
    assert sheet["A2"].value == LOCAL


def test_a_csv_writes_times_as_local_text():
    from common.spreadsheets import csv_writer, dataset_csv

    assert dataset_csv(tablib.Dataset([AT, "x"], headers=["时间", "名称"])).splitlines()[1] == "2026-01-10 16:00:00,x"
    stream = io.StringIO()
    csv_writer(stream).writerow([AT.replace(microsecond=123456), dt.date(2026, 1, 10)])
    assert next(csv.reader(io.StringIO(stream.getvalue()))) == ["2026-01-10 16:00:00", "2026-01-10"]


@pytest.mark.django_db
def test_the_dashboard_tables_say_when_their_data_is_from_in_local_time(client_for, leader_user):
    from indicators.models import RollupRun

    RollupRun.objects.all().delete()  # the last good roll-up is ours
    RollupRun.objects.create(
        trigger="test", status=RollupRun.Status.OK, started_at=AT - dt.timedelta(seconds=5), finished_at=AT, rows=0
    )
    response = client_for(leader_user).get(reverse("indicators:export", args=["regions"]))
    assert response.status_code == 200
    assert _reload(response.content)["A2"].value == "数据截至:2026-01-10 16:00"
