"""Demo registry consistent with the seeds: on 2023-08-02 (the leading-group meeting, seed 000) the city
has 274 valid bases — 16 national, 65 provincial, 193 municipal — with 武进区 at 7/16/38 (seed 004).
New certifications since 2021 move towards the plan's targets (≥100 municipal, ≥20 provincial-or-higher by
2025); earlier cycles are renewed (复核, not counted as new); a few lapse or are revoked; some expire within
six months of today. Idempotent: nothing is created when bases already exist.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from common import clock
from programs.models import Region

from .models import Base, BaseAnnualReport, Certification, Designation, Theme

MEETING_DAY = dt.date(2023, 8, 2)

# region code → (national, provincial, municipal) valid on MEETING_DAY
DISTRIBUTION = {
    "320412": (7, 16, 38),  # 武进区 (seed 004)
    "320411": (3, 13, 39),  # 新北区
    "320402": (2, 9, 27),  # 天宁区
    "320404": (1, 9, 26),  # 钟楼区
    "320481": (1, 7, 26),  # 溧阳市
    "320413": (1, 7, 24),  # 金坛区
    "320491": (1, 4, 13),  # 常州经开区
}

PLACES = {
    "320412": [
        "湖塘",
        "牛塘",
        "雪堰",
        "前黄",
        "礼嘉",
        "洛阳",
        "嘉泽",
        "湟里",
        "南夏墅",
        "西太湖",
        "滆湖",
        "武进高新区",
    ],
    "320411": ["薛家", "罗溪", "孟河", "西夏墅", "奔牛", "春江", "魏村", "龙虎塘", "三井", "河海", "新桥"],
    "320402": ["郑陆", "青龙", "雕庄", "红梅", "天宁", "茶山", "兰陵"],
    "320404": ["邹区", "北港", "西林", "永红", "南大街", "荷花池", "五星"],
    "320481": ["天目湖", "南渡", "社渚", "上兴", "别桥", "竹箦", "戴埠", "埭头", "溧城", "昆仑"],
    "320413": ["儒林", "薛埠", "直溪", "朱林", "指前", "金城", "东城", "尧塘"],
    "320491": ["横林", "遥观", "横山桥", "潞城", "戚墅堰", "丁堰"],
}

# (category, name suffix, host suffix, themes)
KINDS = [
    ("venue_general", "科技馆", "街道(镇)人民政府", ["information"]),
    ("venue_general", "青少年科技教育中心", "教育局", ["information", "manufacturing"]),
    ("venue_special", "气象科普馆", "气象局", ["meteorology", "emergency"]),
    ("venue_special", "防灾减灾体验馆", "应急管理局", ["emergency"]),
    ("venue_special", "消防科普教育馆", "消防救援大队", ["emergency"]),
    ("venue_special", "水情教育馆", "水利局", ["water", "ecology"]),
    ("venue_special", "健康教育馆", "卫生健康局", ["health"]),
    ("venue_special", "中医药文化馆", "中医医院", ["health", "history"]),
    ("venue_special", "交通安全体验馆", "交警大队", ["transport", "emergency"]),
    ("education_research", "实验学校科技馆", "实验学校", ["information"]),
    ("education_research", "中学创新实验室", "中学", ["information", "manufacturing"]),
    ("education_research", "农业科学研究所科普基地", "农业科学研究所", ["agriculture"]),
    ("production", "智能制造科普基地", "科技有限公司", ["manufacturing"]),
    ("production", "新能源科普展示中心", "新能源有限公司", ["transport", "ecology"]),
    ("production", "现代农业科技示范园", "农业发展有限公司", ["agriculture"]),
    ("production", "水厂科普基地", "水务有限公司", ["water"]),
    ("production", "污水处理科普教育基地", "排水管理处", ["water", "ecology"]),
    ("nature", "湿地公园", "湿地公园管理处", ["ecology"]),
    ("nature", "森林公园科普园", "林场", ["ecology"]),
    ("public_place", "社区科普馆", "街道办事处", ["health"]),
    ("public_place", "图书馆科普分馆", "图书馆", ["information"]),
    ("public_place", "科普公园", "城市管理局", ["ecology", "earth"]),
]

# Real names from the seeds and well-known Changzhou venues: (region, name, host, category, themes, level)
REAL = [
    (
        "320413",
        "华罗庚纪念馆",
        "金坛区华罗庚纪念馆管理处",
        "venue_special",
        ["scientist-spirit", "history"],
        "national",
    ),
    ("320481", "江苏天目湖山水园科普教育基地", "江苏天目湖旅游有限公司", "nature", ["ecology", "water"], "provincial"),
    ("320411", "常州博物馆", "常州博物馆", "venue_general", ["history", "earth"], "national"),
    ("320411", "中华恐龙园", "常州中华恐龙园有限公司", "venue_special", ["earth"], "national"),
    ("320404", "常州市气象科普馆", "常州市气象局", "venue_special", ["meteorology", "emergency"], "provincial"),
    ("320412", "武进区地质矿物科普馆", "武进区科学技术协会", "venue_special", ["earth"], "national"),
    (
        "320412",
        "武进区青少年科技教育中心",
        "武进区教育局",
        "venue_general",
        ["information", "manufacturing"],
        "provincial",
    ),
    ("320402", "常州市青少年活动中心科技馆", "常州市青少年活动中心", "venue_general", ["information"], "provincial"),
]

BATCHES = {
    "national": ("中国科协", "全国科普教育基地"),
    "provincial": ("江苏省科协", "江苏省科普教育基地"),
    "municipal": ("常州市科协", "常州市科普教育基地"),
}

CODE_PREFIX = {"national": "KPJD", "provincial": "SKP", "municipal": "CZKP"}


def _cycle_end(start: dt.date) -> dt.date:
    return Certification.default_valid_until(start)


def _batch_label(level: str, on: dt.date) -> str:
    _unit, name = BATCHES[level]
    return f"{on.year}年度{name}(第{1 if on.month <= 6 else 2}批)"


def load_demo(stdout=None, today: dt.date | None = None) -> dict:
    today = today or clock.today()
    if Base.objects.exists():
        if stdout:
            stdout.write("科普教育基地:已有数据,跳过(未新增)。")
        return {"created": 0}
    regions = {r.code: r for r in Region.objects.filter(code__in=DISTRIBUTION)}
    if len(regions) != len(DISTRIBUTION):
        if stdout:
            stdout.write("科普教育基地:区域未载入(先运行 load_plan),跳过。")
        return {"created": 0}
    rng = random.Random(2023)
    themes = {t.code: t for t in Theme.objects.all()}
    specs = _plan_bases(rng, regions)
    with transaction.atomic():
        bases = [
            Base(
                region=s["region"],
                name=s["name"],
                host_organisation=s["host"],
                category=s["category"],
                address=f"{s['region'].name}{s['place']}{rng.randint(1, 299)}号",
                opening_policy=rng.choices(["free", "discounted", "paid"], weights=[80, 12, 8])[0],
                contact_person=rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(["老师", "主任", "科长", "经理"]),
                contact_phone=f"0519-8{rng.randint(1000000, 9999999)}",
            )
            for s in specs
        ]
        bases = bulk_create_with_history(bases, Base, batch_size=500)
        if not bases[0].pk:  # backends that don't return pks from bulk_create
            by_key = {(b.region_id, b.name): b.pk for b in Base.objects.all()}
            for b in bases:
                b.pk = by_key[(b.region_id, b.name)]
        through = Base.themes.through
        through.objects.bulk_create(
            [
                through(base_id=b.pk, theme_id=themes[code].pk)
                for b, s in zip(bases, specs, strict=False)
                for code in s["themes"]
                if code in themes
            ],
            batch_size=1000,
        )
        certs = []
        serial = {"national": 0, "provincial": 0, "municipal": 0}
        for base, spec in zip(bases, specs, strict=False):
            for level, start, extra in spec["certs"]:
                serial[level] += 1
                certs.extend(_cycle(base, level, start, today, serial[level], extra))
        bulk_create_with_history(certs, Certification, batch_size=500)
        Designation.objects.bulk_create(_designations(rng, bases, specs))
        reports = [
            _report(rng, base, spec, year)
            for base, spec in zip(bases, specs, strict=False)
            for year in range(2021, min(today.year, 2025))
            if spec["reports"] and year >= spec["since"].year
        ]
        BaseAnnualReport.objects.bulk_create(reports, batch_size=1000)
    counts = Base.objects.counts_by_level(MEETING_DAY)
    now = Base.objects.counts_by_level(today)
    since = Certification.objects.counts_certified_since(until=dt.date(2025, 12, 31))
    summary = {"created": len(bases), "certifications": len(certs), "reports": len(reports)}
    if stdout:
        stdout.write(
            f"科普教育基地:新建基地 {len(bases)} 家、认定 {len(certs)} 条、年报 {len(reports)} 份;"
            f"{MEETING_DAY} 有效 {counts['total']} 家(国家级 {counts['national']}、省级 {counts['provincial']}、"
            f"市级 {counts['municipal']});今日有效 {now['total']} 家;2021 年以来新认定市级 {since['municipal']} 家、"
            f"省级以上 {since['provincial_or_higher']} 家。"
        )
    return summary


class _PlannedBases:
    """The bases being planned: `add` one by name, or `generated` a plausible new one of a district."""

    def __init__(self, rng: random.Random, regions):
        self.rng, self.regions = rng, regions
        self.specs: list[dict] = []
        self.used: set[tuple[str, str]] = set()

    def add(self, code, name, host, category, theme_codes, place) -> dict:
        self.used.add((code, name))
        spec = {
            "region": self.regions[code],
            "name": name,
            "host": host,
            "category": category,
            "themes": theme_codes,
            "place": place,
            "certs": [],
            "reports": self.rng.random() < 0.88,
        }
        self.specs.append(spec)
        return spec

    def generated(self, code) -> dict:
        rng, region_name = self.rng, self.regions[code].name
        for _ in range(200):
            place = rng.choice(PLACES[code])
            category, suffix, host, theme_codes = rng.choice(KINDS)
            name = f"{region_name}{place}{suffix}" if rng.random() < 0.3 else f"{place}{suffix}"
            if (code, name) not in self.used:
                host_name = f"{region_name}{host}" if "局" in host or "大队" in host else f"{place}{host}"
                return self.add(code, name, host_name, category, list(theme_codes), place)
        raise RuntimeError("ran out of demo names")  # pragma: no cover


def _first_certifications(
    rng: random.Random, by_level: dict[str, list[dict]], new_provincial: int, new_municipal: int
) -> None:
    """Each planned base's first certification, valid on the meeting day (certified within the 5 years before
    it); the first `new_provincial` / `new_municipal` of each level (and 4 national, 3 of them 武进's) are new
    since 2021."""
    wujin_national = [s for s in by_level["national"] if s["region"].code == "320412"]
    others_national = [s for s in by_level["national"] if s["region"].code != "320412"]
    new_national = wujin_national[:3] + others_national[:1]
    for spec in by_level["national"]:
        start = dt.date(2021, 11, 20) if spec in new_national else dt.date(rng.choice([2019, 2020]), 1, 10)
        spec["certs"].append(("national", start, {}))
    rng.shuffle(by_level["provincial"])
    for i, spec in enumerate(by_level["provincial"]):
        if i < new_provincial:
            start = rng.choice([dt.date(2021, 12, 15), dt.date(2022, 12, 10)])
        else:
            start = rng.choice([dt.date(2018, 12, 5), dt.date(2019, 12, 12), dt.date(2020, 12, 8)])
        spec["certs"].append(("provincial", start, {}))
    rng.shuffle(by_level["municipal"])
    for i, spec in enumerate(by_level["municipal"]):
        if i < new_municipal:
            start = rng.choice(
                [dt.date(2021, 11, 30), dt.date(2022, 5, 20), dt.date(2022, 11, 28), dt.date(2023, 5, 26)]
            )
        else:
            start = rng.choice(
                [
                    dt.date(2018, 11, 26),
                    dt.date(2019, 5, 28),
                    dt.date(2019, 11, 25),
                    dt.date(2020, 6, 1),
                    dt.date(2020, 11, 30),
                ]
            )
        spec["certs"].append(("municipal", start, {}))


def _plan_bases(rng: random.Random, regions) -> list[dict]:
    """Bases with their certification plan: [(level, first certified_on, extra)]."""
    planned = _PlannedBases(rng, regions)
    specs, add, generated = planned.specs, planned.add, planned.generated

    # new-since-2021 quotas among the bases valid on the meeting day
    new_municipal_before_meeting = 70
    new_higher_before_meeting = {"national": 4, "provincial": 8}  # 2021-2025 第一批全国 4 (武进 3)
    for code, (n_nat, n_prov, n_mun) in DISTRIBUTION.items():
        wanted = {"national": n_nat, "provincial": n_prov, "municipal": n_mun}
        for region_code, name, host, category, theme_codes, level in REAL:
            if region_code == code:
                spec = add(code, name, host, category, theme_codes, "")
                spec["level"] = level
                wanted[level] -= 1
        region_specs = [s for s in specs if s["region"].code == code and "level" in s]
        for level in ("national", "provincial", "municipal"):
            for _ in range(wanted[level]):
                spec = generated(code)
                spec["level"] = level
                region_specs.append(spec)
    # first certification dates: valid on the meeting day (certified within the 5 years before it)
    by_level = {lv: [s for s in specs if s.get("level") == lv] for lv in ("national", "provincial", "municipal")}
    _first_certifications(rng, by_level, new_higher_before_meeting["provincial"], new_municipal_before_meeting)
    # a few lapsed before 2025 without renewal, two revoked
    old_municipal = [s for s in by_level["municipal"] if s["certs"][0][1].year < 2021]
    for spec in old_municipal[:4]:
        spec["certs"][0] = ("municipal", spec["certs"][0][1], {"no_renewal": True})
    for spec, reason in zip(
        old_municipal[4:6], ["依托单位搬迁,展馆停止对外开放", "年度复核不合格,整改未通过"], strict=False
    ):
        spec["certs"][0] = ("municipal", spec["certs"][0][1], {"revoked_on": dt.date(2024, 3, 15), "reason": reason})
    # bases that had lapsed before the meeting day (not part of the 274)
    for code in ("320412", "320411", "320404"):
        spec = generated(code)
        spec["certs"].append(("municipal", dt.date(2017, 11, 27), {"no_renewal": True}))
    # after the meeting: municipal batches towards ≥100, provincial promotions towards ≥20
    for on, n in (
        (dt.date(2023, 11, 27), 14),
        (dt.date(2024, 5, 27), 8),
        (dt.date(2024, 11, 25), 10),
        (dt.date(2025, 5, 26), 8),
        (dt.date(2025, 11, 24), 6),
    ):
        for _ in range(n):
            code = rng.choices(list(DISTRIBUTION), weights=[22, 20, 13, 12, 12, 11, 6])[0]
            spec = generated(code)
            spec["certs"].append(("municipal", on, {}))
    promotable = [s for s in by_level["municipal"] if s["certs"][0][1].year >= 2021]
    for spec, on in zip(
        promotable[:10],
        [dt.date(2023, 12, 20)] * 4 + [dt.date(2024, 12, 18)] * 3 + [dt.date(2025, 12, 16)] * 3,
        strict=False,
    ):
        spec["certs"].append(("provincial", on, {}))
    for spec in specs:
        spec["since"] = min(start for _lv, start, _e in spec["certs"])
    return specs


def _cycle(base, level, start, today, serial, extra) -> list[Certification]:
    """The first certification and its renewals up to today."""
    _unit, _name = BATCHES[level]
    out = []
    on, renewal = start, False
    while on <= today:
        until = _cycle_end(on)
        cert = Certification(
            base=base,
            level=level,
            certified_on=on,
            valid_until=until,
            batch=_batch_label(level, on),
            certificate_no=f"{CODE_PREFIX[level]}-{on.year}-{serial:04d}{'-R' if renewal else ''}",
            recommending_unit=f"{base.region.name}科学技术协会" if level != "national" else "江苏省科学技术协会",
            is_renewal=renewal,
            status=Certification.Status.VALID,
        )
        if extra.get("revoked_on") and on <= extra["revoked_on"] <= until:
            cert.status, cert.revoked_on, cert.revoke_reason = (
                Certification.Status.REVOKED,
                extra["revoked_on"],
                extra["reason"],
            )
            out.append(cert)
            break
        if until < today:
            cert.status = Certification.Status.EXPIRED
        out.append(cert)
        if extra.get("no_renewal"):
            break
        on, renewal = until + dt.timedelta(days=1), True
    return out


def _designations(rng, bases, specs) -> list[Designation]:
    out = []
    for base, spec in zip(bases, specs, strict=False):
        if base.name == "华罗庚纪念馆":
            out.append(
                Designation(
                    base=base,
                    name="全国科学家精神教育基地",
                    awarded_by="中国科协等七部门",
                    awarded_on=dt.date(2022, 9, 1),
                )
            )
        elif spec.get("level") in ("national", "provincial") and rng.random() < 0.25:
            out.append(
                Designation(
                    base=base,
                    name="江苏省青少年科普研学实训基地",
                    awarded_by="江苏省科协",
                    awarded_on=dt.date(rng.choice([2021, 2022, 2023]), 10, 1),
                )
            )
    return out


def _report(rng, base, spec, year) -> BaseAnnualReport:
    scale = {"national": 8.0, "provincial": 3.0}.get(spec.get("level"), 1.0)
    if spec["category"] in ("venue_general", "nature"):
        scale *= 2
    covid = 0.6 if year == 2021 else (0.7 if year == 2022 else 1.0)
    open_days = rng.randint(180, 320)
    visitors = int(rng.randint(3000, 20000) * scale * covid)
    return BaseAnnualReport(
        base=base,
        year=year,
        open_days=open_days,
        free_open_days=open_days if base.opening_policy == "free" else rng.randint(10, 60),
        visitors=visitors,
        activities=max(4, int(visitors / rng.randint(600, 1500))),
        staff_full_time=rng.randint(1, 6) * (2 if scale >= 3 else 1),
        staff_part_time=rng.randint(2, 15),
        volunteers=rng.randint(5, 80),
        exhibition_area=rng.choice([300, 500, 800, 1200, 2000, 3500]) * scale,
        funding=round(rng.uniform(3, 40) * scale, 2),
    )
