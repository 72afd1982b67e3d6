"""The demo's 2023 assessment of the seven districts (idempotent, deterministic).

A scheme whose computed items (on-time post-event reports, bases' annual reports, approved activities,
participants per 10,000 residents, new bases) are computed from the demo's data; self-assessed 组织领导 claims
(武进区 and 天宁区 by their own logins, the others entered by the office from their written reports); the office's
创新特色 points; then finalised and published, so that `make run` shows a finished assessment. Population figures
are marked as demo figures (演示数据), not statistics."""

from __future__ import annotations

from decimal import Decimal

from accounts.models import User
from programs.models import Region

from . import services
from .models import AssessmentItem, AssessmentRound, AssessmentScheme, RegionPopulation, Score

YEAR = 2023
NAME = "2023年度辖市(区)全民科学素质工作考核(演示)"
# demo residents (万人), rounded; 演示数据, not the statistical yearbook
POPULATION = {"320481": 78, "320413": 59, "320412": 168, "320411": 118, "320402": 72, "320404": 64, "320491": 42}
ITEMS = [
    # (not the registrations' on-time rate: the events demo stamps every registration after its event)
    ("科普教育基地年报报送率", 10, "computed", "base_annual_reports_rate", "proportional", {"target": 100}),
    (
        "活动补充信息按时报送率",
        10,
        "computed",
        "report_on_time_rate",
        "thresholds",
        {"thresholds": [[95, 10], [80, 8], [60, 5]]},
    ),
    ("已通过科普活动项数", 15, "computed", "approved_activities", "rank", {"step": 2}),
    ("每万常住人口参与人次", 15, "computed", "participants_per_10k", "proportional", {"target": 2000}),
    ("新认定科普教育基地", 10, "computed", "new_bases_certified", "thresholds", {"thresholds": [[3, 10], [1, 6]]}),
    ("组织领导与工作机制", 20, "self", "", "", {}),
    ("创新特色与加分项", 20, "office", "", "", {}),
]
CLAIMS = {
    "320412": (19, "区委常委会专题研究科普工作;科普日活动方案、工作总结和新闻报道链接已上传。"),
    "320402": (18, "区政府印发年度全民科学素质工作要点,召开专题推进会 2 次。"),
}
OFFICE_POINTS = {"320481": 14, "320413": 15, "320412": 18, "320411": 17, "320402": 13, "320404": 12, "320491": 11}


def _code(score) -> str:
    """The district code of a districts round's score (every score of such a round has its region)."""
    assert score.region is not None
    return score.region.code


def _user(username):
    return User.objects.filter(username=username).first()


def load_demo(stdout) -> dict:
    office = _user("office") or User.objects.filter(is_superuser=True).first()
    if office is None or AssessmentRound.objects.filter(scheme__year=YEAR, scheme__name=NAME).exists():
        stdout.write("考核演示:已存在(或没有办公室账号),跳过。\n")
        return {"created": False}
    for code, wan in POPULATION.items():
        region = Region.objects.filter(code=code).first()
        if region is not None:
            RegionPopulation.objects.get_or_create(
                region=region,
                year=YEAR,
                defaults={"population": wan * 10000, "source": "演示数据(非统计数)", "entered_by": office},
            )
    scheme, _ = AssessmentScheme.objects.get_or_create(
        year=YEAR,
        name=NAME,
        defaults={"assessed": "districts", "created_by": office, "notes": "演示方案:平台数据项由演示数据计算。"},
    )
    if not scheme.items.exists():
        for order, (title, points, method, measure, rule, params) in enumerate(ITEMS, 1):
            AssessmentItem.objects.create(
                scheme=scheme,
                order=order,
                title=title,
                max_points=Decimal(points),
                method=method,
                measure=measure,
                rule=rule,
                params=params,
            )
    round_ = services.open_round(scheme, office)
    services.compute_round(round_.pk)
    round_ = services.advance_round(round_, "start_self", office)
    for score in Score.objects.filter(round=round_, item__method="self").select_related("region"):
        code = _code(score)
        points, evidence = CLAIMS.get(code, (16, "(办公室依据该区报送的年度工作总结代为录入)"))
        claimer = _user({"320412": "wujin", "320402": "tianning"}.get(code, "")) or office
        services.claim(score, claimer, points, evidence)
    round_ = services.advance_round(round_, "start_review", office)
    for score in Score.objects.filter(round=round_, item__method="self").select_related("region"):
        if _code(score) == "320412":
            services.review_score(score, office, "adjust", points="17", reason="区委常委会纪要未附,按工作总结认定。")
        else:
            services.review_score(score, office, "accept")
    for score in Score.objects.filter(round=round_, item__method="office").select_related("region"):
        services.review_score(
            score, office, "score", points=OFFICE_POINTS.get(_code(score), 10), reason="依据年度特色工作材料评定。"
        )
    round_ = services.advance_round(round_, "finalise", office)
    round_ = services.advance_round(round_, "publish", office)
    top = round_.results.order_by("rank").select_related("region").first()
    stdout.write(f"考核演示:{NAME} 已公布,{round_.results.count()} 个辖市(区),第一名 {top.region if top else '—'}。\n")
    return {"created": True, "round": round_.pk}
