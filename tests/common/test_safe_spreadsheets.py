"""Every spreadsheet the portal writes shows user text as text, never as a formula (OWASP "CSV injection").

Each export is downloaded through its page as the user who would download it, and read back: in an xlsx no
cell is a formula and every cell whose text begins with = + - @ tab or CR is a text cell with Excel's quote
prefix, showing exactly what was typed; in a csv such text carries a leading single quote.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://evil.invalid","点此")', "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(A1)", "\t=1"]
RISKY = ("=", "+", "-", "@", "\t", "\r")  # written out here, not imported: the test must not trust the helper


def _cells(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    return [cell for ws in workbook.worksheets for row in ws.iter_rows() for cell in row]


def assert_xlsx_shows_text(content: bytes, expected: list[str]) -> list:
    """No cell is a formula; every risky text is a quote-prefixed text cell; each expected text is shown
    (alone in its cell or at the start of a longer one). Returns the cells."""
    cells = _cells(content)
    formulas = [(c.parent.title, c.coordinate, c.value) for c in cells if c.data_type == "f"]
    assert formulas == []
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith(RISKY)]
    assert [(c.parent.title, c.coordinate) for c in risky if c.data_type != "s" or not c.quotePrefix] == []
    shown = [c.value for c in cells if isinstance(c.value, str)]
    for text in expected:
        assert any(value == text or value.startswith(text) for value in shown), text
    return cells


def assert_csv_shows_text(content: bytes, expected: list[str]) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    cells = [value for row in rows for value in row]
    assert [value for value in cells if value.startswith(RISKY)] == []
    for text in expected:
        assert "'" + text in cells, text
    return rows


# --- the helper itself --------------------------------------------------------------------------------------
def test_the_helper_escapes_only_text_and_leaves_numbers_dates_and_plain_text_alone():
    from common.spreadsheets import append_row, dataset_csv, safe_cell, unescape_csv_cell, workbook_bytes

    day = dt.date(2025, 9, 16)
    for value in (-5, -2.5, 0, None, day, "科普进社区", "5-2", "a=b", "'已有引号"):
        assert safe_cell(value) == value
    for text in PAYLOADS + ["\r=1"]:
        assert safe_cell(text) == "'" + text and unescape_csv_cell(safe_cell(text)) == text
    wb = Workbook()
    append_row(wb.active, [*PAYLOADS, -5, 3.5, day, "科普"])
    wb.active.append(["=1+1"])  # slipped past write_row: workbook_bytes still writes it as text
    cells = assert_xlsx_shows_text(workbook_bytes(wb), PAYLOADS + ["=1+1"])
    numbers = [c for c in cells if c.row == 1 and c.column in (7, 8)]
    assert [(c.value, c.data_type) for c in numbers] == [(-5, "n"), (3.5, "n")]
    import tablib

    assert dataset_csv(tablib.Dataset(["=1", -5], headers=["名称", "数值"])).splitlines() == ["名称,数值", "'=1,-5"]


# --- the campaign 汇总表 ------------------------------------------------------------------------------------
def test_the_campaign_summary_shows_formula_like_titles_and_reasons_as_text(
    client_for, office_user, science_day, make_return, wujin
):
    for i, text in enumerate(PAYLOADS):
        make_return(
            wujin,
            status="approved",
            campaign=science_day,
            title=text,
            recommended=True,
            recommendation_reason=PAYLOADS[-1 - i],
        )
    response = client_for(office_user).get(reverse("events:campaign-export", args=[science_day.pk]))
    assert response.status_code == 200
    cells = assert_xlsx_shows_text(response.content, PAYLOADS)
    sheet = [c for c in cells if c.parent.title == "推荐优秀活动" and c.row > 1]
    titles = [c.value for c in sheet if c.column == 2]
    reasons = [c.value for c in sheet if c.column == 6]
    assert sorted(titles) == sorted(PAYLOADS) and sorted(reasons) == sorted(PAYLOADS)


def test_the_activity_template_shows_a_formula_like_campaign_name_and_brand_as_text(
    client_for, wujin_user, science_day
):
    from events.models import Brand

    science_day.name = PAYLOADS[0]
    science_day.save()
    for text in PAYLOADS[1:]:
        Brand.objects.create(name=text, is_active=True)
    response = client_for(wujin_user).get(reverse("events:import-template") + f"?campaign={science_day.pk}")
    assert response.status_code == 200
    assert_xlsx_shows_text(response.content, PAYLOADS)


# --- bases: the list's export in xlsx and csv, and one base's --------------------------------------------------
@pytest.fixture
def formula_bases(wujin):
    """One 武进 base per payload: its name, address and host organisation, a certification's batch and
    recommending unit, an annual report's note all carry the payload."""
    from bases.models import Base, BaseAnnualReport, Certification

    bases = []
    for text in PAYLOADS:
        base = Base.objects.create(region=wujin, name=text, address=text, host_organisation=text)
        Certification.objects.create(
            base=base, level="municipal", certified_on=dt.date(2023, 5, 1), batch=text, recommending_unit=text
        )
        BaseAnnualReport.objects.create(base=base, year=2024, visitors=0, note=text)
        bases.append(base)
    return bases


@pytest.mark.parametrize("kind", ["bases", "certifications", "reports"])
def test_the_bases_exports_show_formula_like_text_as_text_in_xlsx_and_csv(kind, client_for, wujin_user, formula_bases):
    client = client_for(wujin_user)
    xlsx = client.get(f"/bases/export/{kind}/?format=xlsx")
    assert xlsx.status_code == 200
    assert_xlsx_shows_text(xlsx.content, PAYLOADS)
    text = client.get(f"/bases/export/{kind}/?format=csv")
    assert text.status_code == 200 and text["Content-Type"].startswith("text/csv")
    assert_csv_shows_text(text.content, PAYLOADS)
    one = client.get(f"/bases/{formula_bases[0].pk}/export/{kind}/?format=xlsx")
    assert_xlsx_shows_text(one.content, PAYLOADS[:1])


def test_a_bases_csv_export_imported_again_keeps_the_text_as_it_was(client_for, wujin_user, formula_bases):
    from bases.models import Base

    client = client_for(wujin_user)
    exported = client.get("/bases/export/bases/?format=csv").content
    assert "'=HYPERLINK(" in exported.decode("utf-8-sig")
    first = client.post("/bases/import/bases/", {"file": SimpleUploadedFile("bases.csv", exported)})
    assert first.status_code == 200, [str(p) for p in first.context.get("problems") or []]
    second = client.post("/bases/import/bases/", {"token": first.context["token"]})
    assert second.status_code == 302
    expected = sorted(text.strip() for text in PAYLOADS)  # the import trims cells, as it always has
    assert sorted(Base.objects.values_list("name", flat=True)) == expected
    assert sorted(Base.objects.values_list("address", flat=True)) == expected
    assert Base.objects.count() == len(PAYLOADS)


# --- indicators: the dashboard tables -----------------------------------------------------------------------
def test_the_dashboard_exports_show_a_formula_like_campaign_name_as_text(client_for, leader_user, wujin):
    from events.models import ActivityReturn, Campaign
    from indicators.services import run_rollup

    for i, text in enumerate(PAYLOADS):
        campaign = Campaign.objects.create(
            name=text,
            year=2025,
            kind="science_day",
            starts_on=dt.date(2025, 9, 15),
            ends_on=dt.date(2025, 9, 21),
            schedule_due=dt.date(2025, 9, 12),
            summary_due=dt.date(2025, 9, 25),
        )
        ActivityReturn.objects.create(
            region=wujin,
            campaign=campaign,
            status="approved",
            report_status="approved",
            title=f"活动{i}",
            starts_on=dt.date(2025, 9, 16),
            ends_on=dt.date(2025, 9, 16),
            actual_participants=10 + i,
        )
    run_rollup()
    response = client_for(leader_user).get(reverse("indicators:export", args=["activities-campaign"]))
    assert response.status_code == 200
    assert_xlsx_shows_text(response.content, PAYLOADS)


# --- programs: the consolidated unit reports and one report -----------------------------------------------------
def test_the_unit_report_workbooks_show_formula_like_narratives_as_text(
    client_for, office_user, liaison_user, monkeypatch
):
    from programs.models import Plan
    from programs.services import periods as period_services
    from programs.services import reports as report_services

    monkeypatch.setattr("common.clock.today", lambda: dt.date(2026, 1, 10))
    plan = Plan.objects.get(code="changzhou-2021-2035")
    period = period_services.open_period(
        plan,
        year=2025,
        kind="year",
        opens_on=dt.date(2025, 12, 1),
        due_on=dt.date(2026, 1, 15),
        closes_on=dt.date(2026, 3, 31),
    )
    report, _ = report_services.start_report(liaison_user.unit, period, liaison_user)
    tasks = list(report.entries.order_by("task__order").values_list("task_id", flat=True))
    assert len(tasks) >= 2
    narratives = [PAYLOADS[i % len(PAYLOADS)] for i in range(max(len(tasks), len(PAYLOADS)))][: len(tasks)]
    report_services.save_report(
        report,
        liaison_user,
        entries={task: {"progress": "done", "narrative": text} for task, text in zip(tasks, narratives, strict=False)},
    )
    report.refresh_from_db()
    stored = [n for n in report.entries.values_list("narrative", flat=True) if n]
    assert any(n.startswith("=") for n in stored)
    one = client_for(liaison_user).get(reverse("programs:report-xlsx", args=[report.pk]))
    assert one.status_code == 200
    assert_xlsx_shows_text(one.content, stored)
    report = report_services.transition_report(report, "submit", liaison_user)
    report_services.transition_report(report, "accept", office_user)
    consolidated = client_for(office_user).get(reverse("programs:period-consolidated-xlsx", args=[period.pk]))
    assert consolidated.status_code == 200
    assert_xlsx_shows_text(consolidated.content, stored)


# --- one helper: nothing else writes a spreadsheet -------------------------------------------------------------
def test_no_module_writes_a_spreadsheet_except_through_common_spreadsheets():
    import os
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    skip = {"tests", "bench", "var", "staticfiles", "migrations", "node_modules", "static", "locale"}
    direct = re.compile(r"csv\.(writer|DictWriter)\(|\.export\(\s*[\"'](csv|xlsx|xls|tsv|ods)[\"']|export_set\(")
    sources = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in skip and not d.startswith(".")]
        sources += [Path(folder) / name for name in files if name.endswith(".py")]
    assert len(sources) > 50
    offenders = []
    for path in sources:
        relative = path.relative_to(root)
        if relative.as_posix() == "common/spreadsheets.py":
            continue
        source = path.read_text(encoding="utf-8")
        if direct.search(source):
            offenders.append(f"{relative}: writes csv/xlsx itself")
        if "Workbook()" in source and "workbook_bytes" not in source:
            offenders.append(f"{relative}: builds a Workbook but does not save it with workbook_bytes")
    assert offenders == []
