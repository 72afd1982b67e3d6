"""Figures the plan asks for: who reports which, and clear messages for bad values."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs.models import PlanTarget, ResponsibleUnit
from programs.services import plan_loader
from programs.services import reports as report_services

pytestmark = pytest.mark.django_db


def test_plan_file_says_which_unit_reports_which_figure():
    def reporters(code):
        return set(PlanTarget.objects.get(code=code).reporting_units.values_list("name", flat=True))

    for code in (
        "high_quality_farmers",
        "agri_business_leaders",
        "rural_tech_talent",
        "agri_technicians_to_villages",
        "agri_tech_demo_entities",
    ):
        assert reporters(code) == {"市农业农村局"}
    for code in ("tech_tutors_trained", "sci_edu_demo_schools_provincial", "stem_bases_municipal"):
        assert reporters(code) == {"市教育局"}
    for code in (
        "skilled_workers_trained",
        "high_skilled_talent_trained",
        "enterprise_chief_technicians",
        "master_skill_studios",
    ):
        assert reporters(code) == {"市人社局"}
    assert reporters("worker_education_subsidy") == {"市总工会"}
    assert reporters("elderly_tech_university_coverage") == {"市科协"}
    assert len(reporters("district_gov_annual_briefing")) == 6  # the six 辖市(区) governments (issue 14)
    for code in (
        "literacy_rate",
        "new_municipal_popsci_bases",
        "provincial_plus_popsci_bases",
        "national_popsci_demo_districts",
    ):
        assert reporters(code) == set()


def test_reporting_units_are_reloaded_idempotently(tmp_path, plan):
    from pathlib import Path

    from django.conf import settings

    source = Path(settings.KEPU_PLAN_FILE).read_text(encoding="utf-8")
    changed = source.replace("  reported_by: [市总工会]", "  reported_by: [市总工会, 市人社局]")
    assert changed != source
    path = tmp_path / "plan.yaml"
    path.write_text(changed, encoding="utf-8")
    _, stats = plan_loader.load_plan_file(path)
    assert stats.updated.get("target_reporting_units") == 1
    target = PlanTarget.objects.get(code="worker_education_subsidy")
    assert set(target.reporting_units.values_list("name", flat=True)) == {"市总工会", "市人社局"}
    _, again = plan_loader.load_plan_file(path)
    assert "target_reporting_units" not in again.updated


@pytest.mark.parametrize(
    "raw, message",
    [
        ("-5", "“培训科技辅导员”不能为负数。"),
        ("12.5", "“培训科技辅导员”是人数/个数,必须是整数"),
        ("三百", "“培训科技辅导员”必须填写数字"),
        ("1e12", "“培训科技辅导员”数值过大"),
        ("NaN", "“培训科技辅导员”必须填写数字"),
    ],
)
def test_bad_count_gets_a_clear_message_naming_the_figure(target, raw, message):
    with pytest.raises(ValidationError) as exc:
        report_services.parse_figure(target("tech_tutors_trained"), raw)
    assert message in exc.value.messages[0]


def test_percentage_must_lie_between_0_and_100(db):
    pct = PlanTarget(name="农村学校科学教室配备率", unit="%", value=Decimal("90"), kind="level")
    assert report_services.parse_figure(pct, "87.5") == Decimal("87.50")
    assert report_services.parse_figure(pct, "100") == Decimal("100.00")
    with pytest.raises(ValidationError, match="“农村学校科学教室配备率”是百分比,应在 0 到 100 之间"):
        report_services.parse_figure(pct, "100.5")
    with pytest.raises(ValidationError, match="不能为负数"):
        report_services.parse_figure(pct, "-1")


def test_good_counts_are_accepted_with_thousands_separators(target):
    t = target("high_quality_farmers")
    assert report_services.parse_figure(t, "4,650") == 4650
    assert report_services.parse_figure(t, " 0 ") == 0
    assert report_services.parse_figure(t, "") is None


def test_form_shows_the_message_and_saves_nothing(client_for, liaison_user, edu_report, target):
    tutors, schools = target("tech_tutors_trained"), target("sci_edu_demo_schools_municipal")
    task = edu_report.entries.get(task__code="一.1").task
    response = client_for(liaison_user).post(
        reverse("programs:report-edit", args=[edu_report.pk]),
        {
            "version": edu_report.version,
            f"figure_{tutors.pk}": "-3",
            f"figure_{schools.pk}": "41",
            f"progress_{task.pk}": "done",
            f"narrative_{task.pk}": "不应保存",
            **{f"progress_{e.task_id}": "not_started" for e in edu_report.entries.exclude(task=task)},
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "“培训科技辅导员”不能为负数。" in body and "本次未保存任何内容" in body
    assert not edu_report.figures.exists()
    assert edu_report.entries.get(task=task).narrative == ""


def test_api_reports_bad_figures_by_code_with_chinese_messages(api_for, liaison_user, edu_report):
    response = api_for(liaison_user).patch(
        f"/api/v1/unit-reports/{edu_report.pk}/",
        {"figures": {"tech_tutors_trained": "3.5", "stem_bases_municipal": "9"}},
        format="json",
    )
    assert response.status_code == 400
    assert "必须是整数" in response.json()["figure_tech_tutors_trained"][0]
    assert not edu_report.figures.exists()


def test_unit_cannot_report_another_units_figure(api_for, liaison_user, edu_report):
    response = api_for(liaison_user).patch(
        f"/api/v1/unit-reports/{edu_report.pk}/", {"figures": {"high_quality_farmers": "4650"}}, format="json"
    )
    assert response.status_code == 400
    assert "不由本单位报送" in str(response.json())


def test_blank_figure_clears_a_previous_value(edu_report, liaison_user, target):
    tutors = target("tech_tutors_trained")
    report_services.save_report(edu_report, liaison_user, figures={tutors.pk: "342"})
    assert edu_report.figures.get(target=tutors).value == 342
    report_services.save_report(edu_report, liaison_user, figures={tutors.pk: ""})
    assert not edu_report.figures.filter(target=tutors).exists()


def test_district_government_reports_its_briefings(period, office_user, target):
    wujin = ResponsibleUnit.objects.get(name="武进区人民政府")
    report, _ = report_services.start_report(wujin, period, office_user)
    assert list(report_services.report_targets(wujin, period.plan).values_list("code", flat=True)) == [
        "district_gov_annual_briefing"
    ]
    report_services.save_report(report, office_user, figures={target("district_gov_annual_briefing").pk: "2"})
    assert report.figures.get().value == 2
