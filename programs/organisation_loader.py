"""Load the organisation tree (towns and streets under the districts, and the grassroots organisations) from a
YAML file, idempotently: an upsert by code, like `services.load_plan_file` does for the plan.

The whole file is checked before anything is written, and the load runs in one transaction: a bad file changes
nothing and gets a Chinese message naming the entry (section, position, code and name).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.db import models, transaction
from django.utils.translation import gettext as _

from .models import Organisation, Region
from .services.plan_loader import LoadStats, _upsert

DEFAULT_FILE = Path(__file__).resolve().parent / "fixtures" / "changzhou_organisations.yaml"

# The note a town with a local (not statistical) code carries; the town form's "local" flag reads and writes it.
LOCAL_NOTE = "本地代码(未核实统计用区划代码)"
NOTE_SEPARATOR = ";"
STATISTICAL_TOWN_CODE = re.compile(r"^\d{9}$")
CODE_MAX = 12  # Region.code


class OrganisationFileError(ValueError):
    pass


def town_code_problem(code: str, local: bool) -> str | None:
    """Why `code` cannot be a town's code (None if it can). A statistical code is 9 digits; a local code must
    not be all digits, so it can never pass for a statistical one."""
    if not code:
        return _("缺少代码。")
    if len(code) > CODE_MAX:
        return _("代码“%(code)s”超过 %(max)s 个字符。") % {"code": code, "max": CODE_MAX}
    if local:
        if code.isdigit():
            return _("本地代码“%(code)s”不能全是数字(以免与统计用区划代码混淆),请使用如 320412L01 的形式。") % {
                "code": code
            }
        return None
    if not STATISTICAL_TOWN_CODE.match(code):
        return _("代码“%(code)s”不是 9 位统计用区划代码;未核实的代码请标记为本地代码。") % {"code": code}
    return None


def split_note(note: str) -> tuple[bool, str]:
    """(is the code local?, the rest of the note)."""
    note = note or ""
    if note == LOCAL_NOTE:
        return True, ""
    if note.startswith(LOCAL_NOTE + NOTE_SEPARATOR):
        return True, note[len(LOCAL_NOTE) + len(NOTE_SEPARATOR) :]
    return False, note


def join_note(local: bool, rest: str) -> str:
    rest = (rest or "").strip()
    if not local:
        return rest
    return LOCAL_NOTE + (NOTE_SEPARATOR + rest if rest else "")


def _max_length(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    assert isinstance(field, models.CharField) and field.max_length is not None  # a bounded text column
    return field.max_length


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _label(section: str, index: int, item) -> str:
    if isinstance(item, dict):
        code, name = _text(item.get("code")), _text(item.get("name"))
        who = " ".join(part for part in (code, name) if part)
        return f"{section} 第 {index} 条" + (f"({who})" if who else "")
    return f"{section} 第 {index} 条"


def _read(path) -> dict:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise OrganisationFileError(f"无法读取组织文件 {path}: {exc}") from exc
    if not isinstance(data, dict) or not ({"towns", "organisations"} & set(data)):
        raise OrganisationFileError(f"组织文件 {path} 须包含 towns 或 organisations 段")
    for section in ("towns", "organisations"):
        if not isinstance(data.get(section) or [], list):
            raise OrganisationFileError(f"组织文件 {path} 的 {section} 段须是列表")
    return data


def _check_towns(items) -> list[dict]:
    """Validated town rows: code, name, parent (a district Region), note."""
    districts = {r.code: r for r in Region.objects.filter(level=Region.Level.DISTRICT)}
    existing = {
        r.code: r for r in Region.objects.filter(code__in=[_text(i.get("code")) for i in items if isinstance(i, dict)])
    }
    seen: dict[str, int] = {}
    rows = []
    for index, item in enumerate(items, start=1):
        label = _label("towns", index, item)
        if not isinstance(item, dict):
            raise OrganisationFileError(f"{label}:格式错误,应为包含 code、name、parent 的条目")
        code, name, parent_code = _text(item.get("code")), _text(item.get("name")), _text(item.get("parent"))
        local = bool(item.get("local", False))
        if not name:
            raise OrganisationFileError(f"{label}:缺少名称(name)")
        problem = town_code_problem(code, local)
        if problem:
            raise OrganisationFileError(f"{label}:{problem}")
        if code in seen:
            raise OrganisationFileError(f"{label}:代码 {code} 与 towns 第 {seen[code]} 条重复")
        seen[code] = index
        if not parent_code:
            raise OrganisationFileError(f"{label}:缺少上级辖市(区)代码(parent)")
        if parent_code not in districts:
            raise OrganisationFileError(
                f"{label}:上级代码 {parent_code} 不是已载入的辖市(区);请先运行 load_plan,或改正代码"
            )
        other = existing.get(code)
        if other is not None and other.level != Region.Level.TOWN:
            raise OrganisationFileError(f"{label}:代码 {code} 已被{other.get_level_display()}“{other.name}”使用")
        note = join_note(local, _text(item.get("note")))
        if len(note) > _max_length(Region, "note"):
            raise OrganisationFileError(f"{label}:备注过长")
        rows.append({"code": code, "name": name, "parent": districts[parent_code], "note": note})
    return rows


def _check_organisations(items, town_codes: set[str]) -> list[dict]:
    kinds = dict(Organisation.Kind.choices)
    kind_list = "、".join(f"{value}({label})" for value, label in kinds.items())
    regions = {r.code: r for r in Region.objects.filter(level__in=[Region.Level.DISTRICT, Region.Level.TOWN])}
    seen: dict[str, int] = {}
    names: dict[tuple[str, str], int] = {}
    rows = []
    for index, item in enumerate(items, start=1):
        label = _label("organisations", index, item)
        if not isinstance(item, dict):
            raise OrganisationFileError(f"{label}:格式错误,应为包含 code、name、kind、region 的条目")
        code, name = _text(item.get("code")), _text(item.get("name"))
        kind, region_code = _text(item.get("kind")), _text(item.get("region"))
        if not code:
            raise OrganisationFileError(f"{label}:缺少编码(code)")
        if len(code) > _max_length(Organisation, "code"):
            raise OrganisationFileError(f"{label}:编码过长")
        if not name:
            raise OrganisationFileError(f"{label}:缺少名称(name)")
        if code in seen:
            raise OrganisationFileError(f"{label}:编码 {code} 与 organisations 第 {seen[code]} 条重复")
        seen[code] = index
        if kind not in kinds:
            raise OrganisationFileError(f"{label}:类别“{kind}”无效,可选:{kind_list}")
        if region_code not in regions and region_code not in town_codes:
            raise OrganisationFileError(f"{label}:所属区域代码 {region_code or '(空)'} 不是已知的辖市(区)或镇(街道)")
        if (region_code, name) in names:
            raise OrganisationFileError(f"{label}:同一区域下名称与 organisations 第 {names[region_code, name]} 条重复")
        names[region_code, name] = index
        order = item.get("order", 0)
        if not isinstance(order, int) or order < 0:
            raise OrganisationFileError(f"{label}:排序(order)须为非负整数")
        note = _text(item.get("note"))
        if len(note) > _max_length(Organisation, "note"):
            raise OrganisationFileError(f"{label}:备注过长")
        rows.append(
            {
                "code": code,
                "name": name,
                "kind": kind,
                "region_code": region_code,
                "order": order,
                "note": note,
                "is_active": bool(item.get("active", True)),
            }
        )
    return rows


@transaction.atomic
def load_organisations_file(path: str | Path = DEFAULT_FILE) -> LoadStats:
    """Load (or update) the towns and organisations in `path`. Running it twice changes nothing."""
    data = _read(path)
    town_rows = _check_towns(data.get("towns") or [])
    org_rows = _check_organisations(data.get("organisations") or [], {row["code"] for row in town_rows})
    stats = LoadStats()
    towns = {}
    for order, row in enumerate(town_rows):
        towns[row["code"]] = _upsert(
            stats,
            "town",
            Region,
            {"code": row["code"]},
            {
                "name": row["name"],
                "level": Region.Level.TOWN,
                "parent": row["parent"],
                "order": order,
                "note": row["note"],
            },
        )
    regions = {r.code: r for r in Region.objects.filter(code__in={row["region_code"] for row in org_rows})}
    for row in org_rows:
        _upsert(
            stats,
            "organisation",
            Organisation,
            {"code": row["code"]},
            {
                "name": row["name"],
                "kind": row["kind"],
                "region": regions[row["region_code"]],
                "order": row["order"],
                "note": row["note"],
                "is_active": row["is_active"],
            },
        )
    return stats
