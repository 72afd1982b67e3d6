"""Demo grassroots organisations (idempotent: an upsert by code).

武进区 gets exactly the counts seed 004 reports: 镇(街道)科协10家 (the file's ten real 镇(街道) of 武进, loaded
by `load_organisations`), 园区科协2家, 区级学会16家, 企业科协55家, 农技协1家. 天宁区 gets two organisations.
Seed 004 names none of these organisations, so every name here is an example: it ends in "(示例)" or
"(示例 NN)", its code starts with DEMO-, and its note says 演示数据.
"""

from __future__ import annotations

from .models import Organisation, Region
from .organisation_loader import load_organisations_file
from .services.plan_loader import LoadStats, _upsert

DEMO_NOTE = "演示数据(示例名称,非真实名录)"
WUJIN, TIANNING = "320412", "320402"

# seed 004: 园区科协2家, 区级学会16家, 企业科协55家, 农技协1家 (and 镇(街道)科协10家: the towns)
SEED_004_COUNTS = {"town": 10, "park": 2, "society": 16, "enterprise": 55, "rural_tech": 1}

# district-level learned societies: generic discipline names, marked as examples
SOCIETIES = [
    "机械工程学会",
    "电子学会",
    "农学会",
    "医学会",
    "护理学会",
    "药学会",
    "中医药学会",
    "教育学会",
    "计算机学会",
    "土木建筑学会",
    "水利学会",
    "环境科学学会",
    "气象学会",
    "园艺学会",
    "汽车工程学会",
    "心理学会",
]
PREFIX = {"park": "P", "society": "S", "enterprise": "E", "rural_tech": "R"}


def _code(district: str, kind: str, number: int) -> str:
    return f"DEMO-{district}-{PREFIX[kind]}{number:02d}"


def demo_rows() -> list[dict]:
    """(code, name, kind, region code, order) of every demo organisation."""
    wujin_towns = list(
        Region.objects.filter(parent__code=WUJIN, level=Region.Level.TOWN)
        .order_by("order", "code")
        .values_list("code", flat=True)
    )
    rows = []
    for n in range(1, SEED_004_COUNTS["park"] + 1):
        rows.append(
            {
                "code": _code(WUJIN, "park", n),
                "name": f"武进区园区科协(示例 {n:02d})",
                "kind": "park",
                "region": WUJIN,
                "order": n,
            }
        )
    for n, discipline in enumerate(SOCIETIES, start=1):
        rows.append(
            {
                "code": _code(WUJIN, "society", n),
                "name": f"武进区{discipline}(示例)",
                "kind": "society",
                "region": WUJIN,
                "order": n,
            }
        )
    for n in range(1, SEED_004_COUNTS["enterprise"] + 1):
        # enterprise associations sit in the towns where the firms are, spread over 武进's ten
        region = wujin_towns[(n - 1) % len(wujin_towns)] if wujin_towns else WUJIN
        rows.append(
            {
                "code": _code(WUJIN, "enterprise", n),
                "name": f"武进区企业科协(示例 {n:02d})",
                "kind": "enterprise",
                "region": region,
                "order": n,
            }
        )
    rows.append(
        {
            "code": _code(WUJIN, "rural_tech", 1),
            "name": "武进区农村专业技术协会(示例)",
            "kind": "rural_tech",
            "region": WUJIN,
            "order": 1,
        }
    )
    rows.append(
        {
            "code": _code(TIANNING, "park", 1),
            "name": "天宁区园区科协(示例 01)",
            "kind": "park",
            "region": TIANNING,
            "order": 1,
        }
    )
    rows.append(
        {
            "code": _code(TIANNING, "society", 1),
            "name": "天宁区科普作家协会(示例)",
            "kind": "society",
            "region": TIANNING,
            "order": 1,
        }
    )
    assert len(SOCIETIES) == SEED_004_COUNTS["society"]
    return rows


def load_demo(stdout) -> LoadStats:
    if not Region.objects.filter(parent__code=WUJIN, level=Region.Level.TOWN).exists():
        load_organisations_file()  # the towns come from the fixture; seed_demo has normally loaded it already
    stats = LoadStats()
    regions = {r.code: r for r in Region.objects.filter(level__in=[Region.Level.DISTRICT, Region.Level.TOWN])}
    for row in demo_rows():
        _upsert(
            stats,
            "organisation",
            Organisation,
            {"code": row["code"]},
            {
                "name": row["name"],
                "kind": row["kind"],
                "region": regions[row["region"]],
                "order": row["order"],
                "note": DEMO_NOTE,
                "is_active": True,
            },
        )
    wujin = regions[WUJIN]
    counts = {
        kind: Organisation.objects.filter(region__path__startswith=wujin.path, kind=kind).count() for kind in PREFIX
    }
    towns = Region.objects.filter(parent=wujin, level=Region.Level.TOWN).count()
    stdout.write(
        f"演示基层组织:新建 {stats.created.get('organisation', 0)} 家,更新 {stats.updated.get('organisation', 0)} 家;"
        f"武进区 镇(街道) {towns} 个,园区科协 {counts['park']} 家,学会 {counts['society']} 家,"
        f"企业科协 {counts['enterprise']} 家,农技协 {counts['rural_tech']} 家"
    )
    return stats
