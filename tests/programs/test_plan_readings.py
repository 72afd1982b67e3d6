"""The plan's figures as the seeds say them (issue 14 point 5), each reading against the seed text:
「各辖市(区)政府」 is the six 辖市(区) governments (seed 000 names 常州经开区管委会 apart), 经开区 stays a region of its
own, the 老年科技大学 coverage target counts the six, per-year targets read 「每年」, the 17% keeps its source and
report date, and the demo reaches seed 000's activity totals on the meeting day."""

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.urls import reverse

from common import clock
from programs.models import PlanTarget, Region, ResponsibleUnit, Task, TaskAssignment

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2] / "programs/fixtures/source"
SEED_000 = (SOURCE / "000_leading_group_meeting_2023-08-02.txt").read_text(encoding="utf-8")
SEED_001 = (SOURCE / "001_changzhou_plan_2021_2035.txt").read_text(encoding="utf-8")
PLAN_FILE = Path(__file__).resolve().parents[2] / "programs/fixtures/changzhou_plan_2021_2035.yaml"
SIX = {"溧阳市人民政府", "金坛区人民政府", "武进区人民政府", "新北区人民政府", "天宁区人民政府", "钟楼区人民政府"}
ZONE = "常州经开区管委会"
PHRASE = "各辖市(区)政府"
MEETING = dt.date(2023, 8, 2)


def test_seed_000_names_the_zone_apart_from_the_district_governments():
    assert f"{PHRASE}、{ZONE}分管负责人" in SEED_000
    assert ZONE not in SEED_001 and "经开区" not in SEED_001  # no 〔责任单位〕 line of the plan names the zone


def test_every_line_with_the_phrase_expands_to_the_six_governments_and_not_the_zone():
    tasks = [t for t in Task.objects.all() if PHRASE in t.units_text]
    assert len(tasks) >= 10
    for task in tasks:
        via = set(TaskAssignment.objects.filter(task=task, via_group=PHRASE).values_list("unit__name", flat=True))
        assert via == SIX, task.code
    assert not TaskAssignment.objects.filter(unit__name=ZONE).exists()
    zone = ResponsibleUnit.objects.get(name=ZONE)
    assert zone.kind == "district_government" and zone.region.code == "320491"


def test_the_zone_stays_a_region_and_an_assignment_the_office_adds_survives_a_reload():
    assert Region.objects.get(code="320491").name == "常州经开区"
    assert Region.objects.districts().count() == 7  # 经开区 files and is compared as a region of its own
    task = Task.objects.get(code="三.2")
    TaskAssignment.objects.create(
        task=task, unit=ResponsibleUnit.objects.get(name=ZONE), added_by_office=True, order=99
    )
    call_command("load_plan", verbosity=0, stdout=io.StringIO())
    names = set(task.responsible_units().values_list("name", flat=True))
    assert ZONE in names and names >= SIX


def test_the_plan_file_writes_down_the_reading_with_the_seed_quote():
    data = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))
    group = next(g for g in data["unit_groups"] if g["phrase"] == PHRASE)
    assert group["except"] == [ZONE]
    assert f"「{PHRASE}、{ZONE}分管负责人」" in PLAN_FILE.read_text(encoding="utf-8")
    coverage = next(t for t in data["targets"] if t["code"] == "elderly_tech_university_coverage")
    assert coverage["quote"] in SEED_001 and "辖市(区)全覆盖" in coverage["quote"]
    assert coverage["value"] == 6 and "种子000" in coverage["note"] and "常州经开区管委会" in coverage["note"]


def test_the_coverage_target_counts_the_six_and_six_covered_is_on_track(office_user, leader_user):
    from indicators.dashboard import Dashboard
    from indicators.models import IndicatorTarget

    target = PlanTarget.objects.get(code="elderly_tech_university_coverage")
    assert target.value == len(SIX) == 6
    assert IndicatorTarget.objects.get(indicator__code="elderly_tech_university_coverage").value == 6
    # all six 辖市(区) covered: the card is on track, not 6/7 "behind"
    from django.utils import timezone

    from indicators.models import Indicator, IndicatorValue, RollupRun

    run = RollupRun.objects.create(trigger="test", status="ok", started_at=timezone.now(), finished_at=timezone.now())
    city = Region.objects.city().get()
    year = clock.today().year
    IndicatorValue.objects.create(
        indicator=Indicator.objects.get(code="elderly_tech_university_coverage"),
        period=str(year),
        year=year,
        region=city,
        value=6,
        run=run,
        computed_at=timezone.now(),
    )
    card = next(
        c for c in Dashboard(leader_user, city).cards() if c.indicator.code == "elderly_tech_university_coverage"
    )
    assert card.status.state == "on_track" and card.status.target == 6


def test_per_year_targets_read_every_year_not_2021(client_for, office_user, api_for):
    per_year = PlanTarget.objects.filter(kind="per_year")
    assert per_year.count() == 12 and not per_year.filter(year__isnull=False).exists()
    tutors = PlanTarget.objects.get(code="tech_tutors_trained")
    assert tutors.quote.startswith("每年") and tutors.quote in SEED_001 and tutors.period_label == "每年"
    # the task page
    page = client_for(office_user).get(reverse("programs:task-detail", args=[tutors.task.code])).content.decode()
    row = next(r for r in page.split("<tr>") if tutors.name in r)
    assert "每年" in row and "2021" not in row
    # the plan API
    api = api_for(office_user)
    tasks = api.get("/api/v1/tasks/", {"page_size": 200}).json()["results"]
    targets = {t["code"]: t for task in tasks for t in task["targets"]}
    assert targets["tech_tutors_trained"]["year"] is None and targets["tech_tutors_trained"]["period"] == "每年"
    assert targets["sci_edu_demo_schools_provincial"]["period"] == "2025年"


def test_per_year_targets_on_the_dashboard_api_and_xlsx(client_for, office_user, api_for):
    import openpyxl

    from indicators.models import IndicatorTarget

    assert IndicatorTarget.objects.get(indicator__code="tech_tutors_trained").per_year
    summary = api_for(office_user).get("/api/v1/dashboard/summary/").json()
    cards = {c["code"]: c for c in summary["cards"]}
    assert cards["tech_tutors_trained"]["target_year"] is None
    assert cards["tech_tutors_trained"]["target_period"] == "每年"
    response = client_for(office_user).get(reverse("indicators:export", args=["cards"]))
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    ).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if r and r[0] == "指标")
    tutors = next(r for r in rows if r and r[0] == "培训科技辅导员")
    assert tutors[header.index("目标年份")] == "每年"


def test_the_17_percent_keeps_its_source_and_an_honest_date():
    from indicators.models import Observation

    assert "我市具备科学素质的公民比例达17%" in SEED_000 and "8月2日" in SEED_000
    obs = Observation.objects.get(indicator__code="literacy_rate", value=17)
    assert obs.reported_on == MEETING and obs.year == 2023  # observed no later than the meeting; no survey year
    assert "会议" in obs.source and obs.source.startswith("000")
    assert "未注明调查年份" in obs.note
    assert not Observation.objects.filter(indicator__code="literacy_rate", year=2022).exists()


def test_the_17_percent_is_not_on_a_board_read_before_it_was_reported(leader_user):
    from indicators.dashboard import Dashboard

    city = Region.objects.city().get()
    assert Dashboard(leader_user, city, on=MEETING).latest("literacy_rate")[1] == 17
    assert Dashboard(leader_user, city, on=dt.date(2023, 8, 1)).latest("literacy_rate")[1] == Decimal("15.2")


def test_the_demo_shows_seed_000s_activity_totals_on_the_meeting_day(leader_user):
    from indicators.dashboard import Dashboard

    call_command("seed_demo", stdout=io.StringIO())
    board = Dashboard(leader_user, Region.objects.city().get(), on=MEETING)
    activities = board.latest("activities_since_2021")[1]
    participants = board.latest("activity_participants_since_2021")[1]
    assert 5200 <= activities <= 5400 and 2_200_000 <= participants <= 2_300_000  # 「5200多项」「220多万人次」
    assert "5200多项" in SEED_000 and "220多万人次" in SEED_000
