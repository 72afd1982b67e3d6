"""Demo reporting data: two periods (2025年度, 2026年上半年) with reports from most units — most
accepted with realistic figures, some late, some returned, some still drafts or missing.
Idempotent: a unit's report for a period is created once; a second run adds nothing.
Each unit files on a simulated day inside the period's window (`today=` to the services), so the
demo loads whatever the real date; on 2026-12-01 2025年度 (closed 2026-03-31) shows as closed and
2026年上半年 (closing 2026-12-31) as open with its late and missing units."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import Plan, ReportingPeriod, ResponsibleUnit, Task, UnitReport, UnitReportTransition
from .services import periods as period_services
from .services import reports as report_services

PERIODS = [
    # year, kind, half, opens_on, due_on, closes_on
    (2025, "year", None, dt.date(2025, 12, 1), dt.date(2026, 1, 15), dt.date(2026, 3, 31)),
    (2026, "half", 1, dt.date(2026, 6, 20), dt.date(2026, 7, 15), dt.date(2026, 12, 31)),
]

# Figures for the 2025 annual report (accepted); the half-year uses roughly half of the flows.
FIGURES_2025 = {
    "市农业农村局": {
        "high_quality_farmers": 4650,
        "agri_business_leaders": 112,
        "rural_tech_talent": 215,
        "agri_technicians_to_villages": 126,
        "agri_tech_demo_entities": 1030,
    },
    "市教育局": {
        "tech_tutors_trained": 342,
        "sci_edu_demo_schools_provincial": 8,
        "sci_edu_demo_schools_municipal": 41,
        "stem_bases_provincial": 4,
        "stem_bases_municipal": 9,
    },
    "市人社局": {
        "skilled_workers_trained": 103500,
        "high_skilled_talent_trained": 10870,
        "enterprise_chief_technicians": 12,
        "master_skill_studios": 11,
    },
    "市总工会": {"worker_education_subsidy": 2150},
    "市科协": {"elderly_tech_university_coverage": 6},
}
HALF_SHARE = {"per_year": 0.48}  # stocks (cumulative) are reported as they stand

NARRATIVES = {
    "一.1": (
        "组织“我们爱科学”系列活动,开展学校科技节、科普研学和少年科学院小院士评选;"
        "举办科技辅导员专题培训班,覆盖全市中小学校。"
    ),
    "一.2": "开展高素质农民培育和农村实用人才培训,组织农技人员包村联户、送科技下乡,培育农业科技示范主体。",
    "一.3": "围绕产业工人技能提升,开展技能状元大赛、岗位练兵和“求学圆梦行动”,推进企业新型学徒制培训。",
    "一.4": "推进老年科技大学建设,开展智能手机运用培训、反诈骗和健康科普讲座,组织银龄科普志愿服务。",
    "一.5": "在党校主体班次安排科学素质相关课程,依托“常州在线学习”平台推送科普课程。",
    "二.1": "推动重点实验室、科技企业孵化器向公众开放,开展“产业+科普”行动。",
    "二.2": "利用“科普中国”资源推进三屏融合,建设科普信息大屏,精准推送科普内容。",
    "二.3": "参与长三角科技论坛等交流活动,推进科普资源共享与人才培训合作。",
    "三.1": "配合编制全市科普基础设施建设规划,推进四级科普设施建设。",
    "三.2": "推进常州科技馆建设前期工作,支持辖市(区)建设特色科普场馆和流动科技馆。",
    "三.3": "组织科普教育基地申报与复核,推动行业部门建立专业科普教育(研学)基地。",
    "三.4": "推动科普场馆与学校开展“馆校结合”,组织“龙城科普大讲堂”“百场科普进基层”。",
    "四.1": "利用科普日、科技活动周等时机开展主题科普活动,发展科技志愿者队伍。",
    "四.2": "在报刊、广播电视和新媒体平台开设科普栏目,针对社会热点开展科学辟谣。",
    "四.3": "开展防灾减灾、应急避险主题宣教,推进应急科普进企业、进社区、进学校。",
    "四.4": "围绕“科普常州”品牌,实施“全域科普”“科普面对面”等精品项目。",
    "组织实施(一)": "将全民科学素质工作纳入年度工作计划,明确分管领导和联络员。",
    "组织实施(二)": "落实科普经费预算,完善科普工作制度。",
    "组织实施(三)": "配合开展公民科学素质监测评估,总结推广典型经验。",
}

# Units left out entirely (missing) and special fates per period.
MISSING = {2025: {"市社科联", "市财政局"}, 2026: {"市社科联", "市财政局", "市文联", "市体育局", "常州经开区管委会"}}
LATE = {2025: {"市住建局", "市水利局", "钟楼区人民政府"}, 2026: {"市民政局", "金坛区人民政府"}}
RETURNED = {
    2025: {"市气象局": "“四.3 深化应急科普力度”只写了计划,没有写本年度完成情况,请补充。"},
    2026: {
        "市卫健委": "附件中的活动场次与正文不一致,请核对后重新提交。",
        "新北区人民政府": "请补充辖区老年科技大学分校建设进展。",
    },
}
SUBMITTED_ONLY = {2025: set(), 2026: {"市教育局", "市人社局", "市科技局", "武进区人民政府"}}
DRAFT_ONLY = {2025: set(), 2026: {"市工信局", "溧阳市人民政府"}}


def _at(day: dt.date, hour: int = 10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _figures_for(unit, period, targets):
    base = FIGURES_2025.get(unit.name, {})
    out = {}
    for target in targets:
        if target.code == "district_gov_annual_briefing":
            value = 2 if period.kind == "year" else 1
        elif target.code in base:
            value = base[target.code]
            if period.kind == "half" and target.kind == "per_year":
                value = round(value * HALF_SHARE["per_year"])
        else:
            continue
        out[target.pk] = str(value)
    return out


def _zone_alongside_the_districts(plan) -> None:
    """The office has 常州经开区管委会 work alongside the six 辖市(区) governments: 「各辖市(区)政府」 reads as the six
    (seed 000 names the zone apart), so the zone is assigned where the office adds it."""
    from .services.assignments import add_by_office

    zone = ResponsibleUnit.objects.filter(name="常州经开区管委会").first()
    if zone is None:
        return
    tasks = Task.objects.filter(plan=plan, assignments__via_group="各辖市(区)政府").distinct()
    for task in tasks:
        add_by_office(task, zone)


def load_demo(stdout) -> None:
    User = get_user_model()
    plan = Plan.objects.current()
    if plan is None:
        return
    office = User.objects.filter(role="office", is_active=True).order_by("pk").first()
    if office is None:
        stdout.write("工作报告演示数据:缺少办公室账号,跳过。")
        return
    _zone_alongside_the_districts(plan)
    created_reports = 0
    for year, kind, half, opens_on, due_on, closes_on in PERIODS:
        period = ReportingPeriod.objects.filter(plan=plan, year=year, kind=kind, half=half).first()
        if period is None:
            period = period_services.open_period(
                plan,
                year=year,
                kind=kind,
                half=half,
                opens_on=opens_on,
                due_on=due_on,
                closes_on=closes_on,
                user=office,
            )
        units = ResponsibleUnit.objects.expected_to_report(plan).order_by("order")
        for index, unit in enumerate(units):
            if unit.name in MISSING[year] or UnitReport.objects.filter(unit=unit, period=period).exists():
                continue
            filer = User.objects.filter(role="liaison", unit=unit, is_active=True).order_by("pk").first() or office
            late = unit.name in LATE[year]
            day = due_on + dt.timedelta(days=4 + index % 5) if late else due_on - dt.timedelta(days=1 + index % 10)
            report, _ = report_services.start_report(
                unit,
                period,
                filer,
                source_note="" if filer != office else f"{unit.name}邮件报送的 Word 材料",
                today=day,
            )
            created_reports += 1
            entries = {}
            for entry in report.entries.select_related("task"):
                text = NARRATIVES.get(entry.task.code, "按照规划分工推进相关工作。")
                entries[entry.task_id] = {
                    "progress": "done" if kind == "year" else "under_way",
                    "narrative": f"{unit.name}{text}",
                }
            figures = _figures_for(unit, period, report_services.report_targets(unit, plan))
            report = report_services.save_report(
                report,
                filer,
                entries=entries,
                figures=figures,
                summary=f"{unit.name}{period.name}全民科学素质工作总体进展顺利。",
                today=day,
            )
            if unit.name in DRAFT_ONLY[year]:
                continue
            report = report_services.transition_report(report, "submit", filer, today=day)
            submitted = _at(day)
            if unit.name in RETURNED[year]:
                report = report_services.transition_report(report, "return", office, reason=RETURNED[year][unit.name])
            elif unit.name not in SUBMITTED_ONLY[year]:
                report = report_services.transition_report(report, "accept", office)
            decided = submitted + dt.timedelta(days=3)
            UnitReport.objects.filter(pk=report.pk).update(
                first_submitted_at=submitted,
                submitted_at=submitted,
                decided_at=decided if report.decided_at else None,
            )
            for t in UnitReportTransition.objects.filter(report=report):
                UnitReportTransition.objects.filter(pk=t.pk).update(at=submitted if t.action == "submit" else decided)
    counts = {
        s: UnitReport.objects.filter(period__plan=plan, status=s).count()
        for s in ("draft", "submitted", "accepted", "returned")
    }
    stdout.write(
        f"工作报告演示数据:{ReportingPeriod.objects.filter(plan=plan).count()} 个报送周期,新建报告 {created_reports} 份"
        f"(草稿 {counts['draft']},已提交 {counts['submitted']},"
        f"已通过 {counts['accepted']},已退回 {counts['returned']})。"
    )
