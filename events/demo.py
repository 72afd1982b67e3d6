"""Demo campaigns and activity returns (idempotent, bulk-created, deterministic).

(a) 2025年全国科普日 (dates and deadlines as in seed 002) and 2026年科技活动周, with returns from all
    seven districts in every state, late filings and recommended activities;
(b) 2021-2023 history of approved activities consistent with seed 000: about 5,300 activities and 2.25 million
    participants held by 2023-07-20 and approved by the 2023-08-02 meeting, the rest of 2023 and 2024-2025 at the
    same pace, across the seven districts.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from programs.models import Region, ResponsibleUnit, TargetPopulation

from . import demo_history
from .demo_history import aware as _aware
from .models import ActivityReturn, ActivityReturnTransition, Brand, Campaign, CampaignFiling

BRANDS = [
    "龙城科普大讲堂",
    "百场科普进基层",
    "科普研学一日游",
    "科普邮路",
    "我们爱科学",
    "科普大篷车",
    "银龄科普行",
    "大手拉小手",
]
TOWNS = {
    "320481": ["溧城街道", "天目湖镇", "南渡镇", "社渚镇", "戴埠镇"],
    "320413": ["金城镇", "儒林镇", "薛埠镇", "朱林镇", "西城街道"],
    "320412": ["湖塘镇", "牛塘镇", "洛阳镇", "雪堰镇", "前黄镇", "礼嘉镇"],
    "320411": ["三井街道", "薛家镇", "罗溪镇", "孟河镇", "春江街道"],
    "320402": ["红梅街道", "茶山街道", "青龙街道", "雕庄街道", "郑陆镇"],
    "320404": ["南大街街道", "永红街道", "北港街道", "西林街道", "邹区镇"],
    "320491": ["戚墅堰街道", "潞城街道", "丁堰街道", "横山桥镇", "遥观镇"],
}
# relative size of each district's activity programme (武进、新北 largest; 经开区 newest)
WEIGHTS = {"320481": 13, "320413": 12, "320412": 21, "320411": 18, "320402": 13, "320404": 13, "320491": 10}
BASES = {
    "320481": "天目湖山水园科普教育基地",
    "320413": "华罗庚纪念馆",
    "320412": "武进区青少年科技中心",
    "320411": "常州恐龙园科普馆",
    "320402": "天宁区科普体验馆",
    "320404": "钟楼区应急科普体验馆",
    "320491": "经开区智能制造科普展厅",
}
TOPICS = [
    "人工智能",
    "碳达峰碳中和",
    "防灾减灾",
    "食品安全",
    "心理健康",
    "防范电信诈骗",
    "数字素养",
    "航天科技",
    "应急救护",
    "节水护水",
    "垃圾分类",
    "合理用药",
    "智能手机使用",
    "新能源汽车",
]
COMPANIES = ["天合光能", "中车戚墅堰所", "星宇车灯", "今创集团", "恒立液压", "东方盛虹新能源"]
CROPS = ["水稻", "茶叶", "草莓", "葡萄", "螃蟹养殖", "青虾养殖"]
RETURN_REASONS = [
    "请补充活动现场照片和新闻报道链接。",
    "实际参与人次与活动规模不符,请核实后重新提交。",
    "活动类别应为“青少年科技教育专项行动”,请修改。",
    "缺少全国科普日平台登记号。",
]


def _title(rng, category, region, town, year, campaign_label):
    topic = rng.choice(TOPICS)
    return {
        "main_event": f"{year}年{region.name}{campaign_label}主场活动",
        "town_main_event": f"{town}{campaign_label}主场活动:科技点亮美好生活",
        "department_joint": f"{topic}知识进社区({town})",
        "enterprise_joint": f"{rng.choice(COMPANIES)}企业科普开放日",
        "venue_joint": f"{BASES[region.code]}科普研学体验",
        "rural_joint": f"科技助力乡村振兴:{rng.choice(CROPS)}实用技术培训({town})",
        "youth_special": f"{town}中心小学校园科学节",
        "expert_special": f"专家讲科普:{topic}",
        "cloud_special": f"云上科普:{topic}直播课堂",
        "other": f"{topic}科普讲座({town})",
    }[category]


CATEGORY_MIX = [
    ("department_joint", 18),
    ("venue_joint", 14),
    ("rural_joint", 12),
    ("youth_special", 18),
    ("expert_special", 14),
    ("cloud_special", 6),
    ("enterprise_joint", 8),
    ("town_main_event", 5),
    ("other", 5),
]
PARTICIPANTS = {
    "main_event": (2500, 8000),
    "town_main_event": (600, 2500),
    "cloud_special": (300, 3000),
    "youth_special": (150, 900),
    "venue_joint": (80, 500),
}


def _build(
    rng, region, campaign, category, starts_on, status, populations, brands, year, label, users, report_status=None
):
    """One demo activity; `status` is its registration's, `report_status` its post-event report's (the same
    unless given: the history's activities are registered and reported, both approved)."""
    report_status = status if report_status is None else report_status
    town = rng.choice(TOWNS[region.code])
    low, high = PARTICIPANTS.get(category, (60, 450))
    actual = rng.randint(low, high)
    fmt = "online" if category == "cloud_special" else rng.choice(["offline"] * 4 + ["hybrid"])
    days = 0 if category not in ("main_event", "venue_joint") else rng.choice([0, 0, 1, 2])
    submitted_at = _aware(starts_on + dt.timedelta(days=rng.randint(1, 9)), 15) if status != "draft" else None
    decided_at = submitted_at + dt.timedelta(days=rng.randint(1, 4)) if status in ("approved", "returned") else None
    # the report follows the event by a few days; no draw from rng, so the calibrated figures stay as they are
    reported_at = _aware(starts_on + dt.timedelta(days=days + 5), 16) if report_status != "draft" else None
    report_decided_at = reported_at + dt.timedelta(days=2) if report_status in ("approved", "returned") else None
    activity = ActivityReturn(
        status=status,
        campaign=campaign,
        region=region,
        organiser=f"{town}科协" if category != "main_event" else f"{region.name}科协",
        co_organisers=rng.choice(["", f"{town}中心小学", f"{town}卫生院", "区科技局", "区教育局"]),
        title=_title(rng, category, region, town, year, label),
        category=category,
        format=fmt,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=days),
        town=town,
        venue=rng.choice([f"{town}新时代文明实践所", f"{town}党群服务中心", f"{town}文化广场", BASES[region.code]]),
        topics=rng.choice(TOPICS),
        general_public=rng.random() < 0.6,
        brand=rng.choice(brands) if rng.random() < 0.35 else None,
        planned_participants=int(actual * rng.uniform(0.8, 1.3)),
        actual_participants=actual if report_status != "draft" else 0,
        online_views=rng.randint(1000, 50000) if fmt != "offline" else 0,
        volunteers=rng.randint(2, 40),
        experts=rng.randint(0, 6),
        budget=Decimal(rng.randint(0, 300)) / 20,
        platform_ref=f"KPR{year}-{rng.randint(10000, 99999)}" if campaign and campaign.kind == "science_day" else "",
        news_links=f"https://www.cz{region.code[-2:]}kx.example.cn/news/{rng.randint(1000, 9999)}.html"
        if rng.random() < 0.4
        else "",
        summary_text=(
            "活动围绕主题开展,现场设置展板、互动体验和专家讲座,群众参与踊跃。" if report_status != "draft" else ""
        ),
        contact_name=rng.choice(["张老师", "王主任", "李科长", "陈老师", "周干事"]),
        contact_phone=f"0519-8{rng.randint(1000000, 9999999)}",
        source="demo",
        submitted_at=submitted_at,
        submitted_by=users.get(region.code) if submitted_at else None,
        decided_at=decided_at,
        decided_by=users.get("office") if decided_at else None,
        report_status=report_status,
        report_submitted_at=reported_at,
        report_submitted_by=users.get(region.code) if reported_at else None,
        report_decided_at=report_decided_at,
        report_decided_by=users.get("office") if report_decided_at else None,
        created_by=users.get(region.code),
    )
    activity._populations = rng.sample(populations, k=rng.choice([0, 1, 1, 2]))
    return activity


def _campaigns():
    science_day, _ = Campaign.objects.get_or_create(
        name="2025年全国科普日",
        defaults=dict(
            kind="science_day",
            year=2025,
            theme="科技创新,科普为先,提升全民科学素质",
            starts_on=dt.date(2025, 9, 15),
            ends_on=dt.date(2025, 9, 21),
            schedule_due=dt.date(2025, 9, 12),
            summary_due=dt.date(2025, 9, 25),
            summary_days_after=10,
            notice="9月12日前报送活动安排表;活动结束后10日内上传活动简要总结;9月25日前报送工作总结和汇总表。",
        ),
    )
    week, _ = Campaign.objects.get_or_create(
        name="2026年科技活动周",
        defaults=dict(
            kind="sci_tech_week",
            year=2026,
            theme="矢志创新发展,建设科技强国",
            starts_on=dt.date(2026, 5, 17),
            ends_on=dt.date(2026, 5, 23),
            schedule_due=dt.date(2026, 5, 10),
            summary_due=dt.date(2026, 6, 2),
            summary_days_after=10,
        ),
    )
    districts = list(Region.objects.districts())
    units = list(ResponsibleUnit.objects.filter(name__in=["市教育局", "市农业农村局", "市卫健委"]))
    for campaign in (science_day, week):
        campaign.regions.set(districts)
        campaign.units.set(units)
    return science_day, week


@transaction.atomic
def _current_returns(rng, campaigns, districts: dict, populations, brands, users: dict):
    """The returns of the two current campaigns: in every district, one return in every state."""
    science_day, week = campaigns
    rows: list[ActivityReturn] = []
    for campaign, label, base_day in (
        (science_day, "全国科普日", dt.date(2025, 9, 15)),
        (week, "科技活动周", dt.date(2026, 5, 17)),
    ):
        for region in districts.values():
            # (registration, post-event report): three counted, one waiting for both decisions, a registration
            # waiting whose report is still to write, one returned, two drafts
            plan = [
                ("approved", "approved"),
                ("approved", "approved"),
                ("approved", "approved"),
                ("submitted", "submitted"),
                ("submitted", "draft"),
                ("returned", "draft"),
                ("draft", "draft"),
                ("draft", "draft"),
            ]
            for i, (status, report_status) in enumerate(plan):
                category = "main_event" if i == 0 else rng.choice([c for c, _w in CATEGORY_MIX])
                day = base_day + dt.timedelta(days=rng.randint(0, 6))
                activity = _build(
                    rng,
                    region,
                    campaign,
                    category,
                    day,
                    status,
                    populations,
                    brands,
                    campaign.year,
                    label,
                    users,
                    report_status=report_status,
                )
                if i == 0:
                    activity.recommended = True
                    activity.recommendation_reason = "多方联动、线上线下融合,参与面广、社会反响好,建议推荐为优秀活动。"
                if status == "returned":
                    activity.return_reason = rng.choice(RETURN_REASONS)
                rows.append(activity)
    return rows


def _transitions(created: list[ActivityReturn]) -> list[ActivityReturnTransition]:
    """The transition log each demo return would have had on its way to its state (both phases)."""
    transitions = []
    for a in created:
        if a.submitted_at:
            transitions.append(
                ActivityReturnTransition(
                    activity=a,
                    action="submit",
                    from_status="draft",
                    to_status="submitted",
                    actor=a.submitted_by,
                    version=2,
                )
            )
        if a.status in ("approved", "returned"):
            action = "approve" if a.status == "approved" else "return"
            transitions.append(
                ActivityReturnTransition(
                    activity=a,
                    action=action,
                    from_status="submitted",
                    to_status=a.status,
                    actor=a.decided_by,
                    version=3,
                    reason=a.return_reason,
                )
            )
        if a.report_submitted_at:
            transitions.append(
                ActivityReturnTransition(
                    activity=a,
                    action="submit_report",
                    from_status="draft",
                    to_status="submitted",
                    actor=a.report_submitted_by,
                    version=2,
                    phase="report",
                )
            )
        if a.report_status in ("approved", "returned"):
            action = "approve_report" if a.report_status == "approved" else "return_report"
            transitions.append(
                ActivityReturnTransition(
                    activity=a,
                    action=action,
                    from_status="submitted",
                    to_status=a.report_status,
                    actor=a.report_decided_by,
                    version=3,
                    phase="report",
                )
            )
    return transitions


def _filings(science_day: Campaign, week: Campaign, districts: dict, users: dict) -> list[CampaignFiling]:
    """The campaigns' filings: most on time, some late, some missing (经开区 has not filed its summary; 金坛 was
    late)."""
    filings = []
    for code, region in districts.items():
        late = code in ("320413", "320491")
        filings.append(
            CampaignFiling(
                campaign=science_day,
                region=region,
                kind="schedule",
                filed_by=users.get(code),
                filed_at=_aware(dt.date(2025, 9, 14 if late else 10)),
            )
        )
        if code != "320491":
            filings.append(
                CampaignFiling(
                    campaign=science_day,
                    region=region,
                    kind="summary",
                    filed_by=users.get(code),
                    filed_at=_aware(dt.date(2025, 9, 27 if late else 24)),
                    text=f"{region.name}全国科普日活动总结:组织动员有力,联合行动覆盖各镇街。",
                )
            )
        if code in ("320412", "320402", "320411"):
            filings.append(
                CampaignFiling(
                    campaign=week,
                    region=region,
                    kind="schedule",
                    filed_by=users.get(code),
                    filed_at=_aware(dt.date(2026, 5, 8)),
                )
            )
    return filings


def load_demo(stdout) -> dict:
    from accounts.models import User

    rng = random.Random(20250915)
    for order, name in enumerate(BRANDS):
        Brand.objects.get_or_create(name=name, defaults={"order": order})
    science_day, week = _campaigns()
    existing = ActivityReturn.objects.filter(source="demo")
    if existing.exists():
        _chain_demo(stdout, science_day)
        _summary(stdout, existing)
        return {"created": 0}
    districts = {r.code: r for r in Region.objects.districts()}
    populations = list(TargetPopulation.objects.all())
    brands = list(Brand.objects.all())
    users: dict[str, User | None] = {
        u.region.code: u for u in User.objects.filter(role="district").select_related("region") if u.region
    }
    users["office"] = User.objects.filter(role="office").first()

    # (a) the two current campaigns: every state in every district
    rows = _current_returns(rng, (science_day, week), districts, populations, brands, users)
    # (b) 2021-2023 history: approved campaign and year-round activities
    history_campaigns = demo_history.history_campaigns(districts)
    codes = list(WEIGHTS)
    weights = [WEIGHTS[c] for c in codes]
    categories = [c for c, _w in CATEGORY_MIX]
    category_weights = [w for _c, w in CATEGORY_MIX]

    def pick_region():
        return districts[rng.choices(codes, weights)[0]]

    def approved(region, campaign, label, day):
        category = rng.choices(categories, category_weights)[0]
        return _build(rng, region, campaign, category, day, "approved", populations, brands, day.year, label, users)

    history, per_activity = demo_history.history_returns(rng, pick_region, approved, history_campaigns)
    rows.extend(history)
    # (c) 2024 and January-August 2025: the work goes on at the same pace (year-round and 2024 campaigns)
    rows.extend(demo_history.recent_returns(rng, pick_region, approved, districts, per_activity))

    created = ActivityReturn.objects.bulk_create(rows, batch_size=1000)
    through = ActivityReturn.target_populations.through
    through.objects.bulk_create(
        # _populations: the sample _build kept on each unsaved return for this bulk insert of the m2m rows
        [through(activityreturn_id=a.pk, targetpopulation_id=p.pk) for a in created for p in a._populations],  # type: ignore[attr-defined]
        batch_size=2000,
    )
    transitions = _transitions(created)
    ActivityReturnTransition.objects.bulk_create(transitions, batch_size=2000)
    demo = ActivityReturn.objects.filter(source="demo")
    demo.exclude(status="draft").update(version=3)
    demo.filter(status="submitted").update(version=2)
    demo.exclude(report_status="draft").update(report_version=3)
    demo.filter(report_status="submitted").update(report_version=2)

    CampaignFiling.objects.bulk_create(
        _filings(science_day, week, districts, users)
        + demo_history.history_filings(history_campaigns, districts, users)
    )
    _chain_demo(stdout, science_day)
    _summary(stdout, ActivityReturn.objects.filter(source="demo"))
    return {"created": len(created)}


# Returns filed below the districts, at each step of the town → district → city chain, through the services (so the
# history holds every step with its level). None is city-approved: the demo's approved totals stay seed 000's.
CHAIN = [
    # filer, title, participants, steps after submit: (reviewer, action, reason)
    ("hutang", "湖塘镇应急救援救护培训站科普日开放活动", 260, []),
    ("hutang", "湖塘镇“科技点亮美好生活”主场活动", 1800, [("wujin", "approve", "")]),
    ("xuehui", "机械工程学会专家进企业科普讲座", 120, [("wujin", "return", "请补充活动照片和新闻报道链接。")]),
    ("hongmei", "红梅街道社区防范电信诈骗科普宣传", 300, []),
]


def _chain_demo(stdout, campaign) -> None:
    from accounts.models import User

    from . import services

    if ActivityReturn.objects.filter(source="demo-chain").exists():
        return
    users = {u.username: u for u in User.objects.filter(username__in=["hutang", "xuehui", "hongmei", "wujin"])}
    if len(users) < 4:
        return
    for filer, title, participants, steps in CHAIN:
        activity = ActivityReturn(
            campaign=campaign,
            title=title,
            category="town_main_event",
            starts_on=dt.date(2025, 9, 16),
            ends_on=dt.date(2025, 9, 16),
            planned_participants=participants,
            actual_participants=participants,
            venue="新时代文明实践所",
            contact_name="演示联系人",
        )
        services.save_return(activity, users[filer], source="demo-chain")
        activity = services.transition(activity, "submit", users[filer])
        for reviewer, action, reason in steps:
            activity = services.transition(
                activity, action, users[reviewer], reason=reason, expected_version=activity.version
            )
    stdout.write("逐级报送演示:镇(街道)、学会的活动各处于待区审核、区已审待市审、被区退回状态。")


def _summary(stdout, queryset) -> None:
    from django.db.models import Count, Sum

    history = queryset.filter(report_status="approved", starts_on__year__lte=2023).aggregate(
        n=Count("id"), p=Sum("actual_participants")
    )
    current = queryset.filter(campaign__name__in=["2025年全国科普日", "2026年科技活动周"])
    states = dict(current.values_list("status").annotate(n=Count("id")).order_by())
    reports = dict(current.values_list("report_status").annotate(n=Count("id")).order_by())
    stdout.write(
        f"活动演示数据:2021-2023年已通过活动 {history['n']} 项、参与 {history['p'] or 0:,} 人次;"
        f"当前专项活动登记 草稿{states.get('draft', 0)}/已提交{states.get('submitted', 0)}/"
        f"已退回{states.get('returned', 0)}/已通过{states.get('approved', 0)};"
        f"补充信息 已提交{reports.get('submitted', 0)}/已通过{reports.get('approved', 0)}。"
    )
