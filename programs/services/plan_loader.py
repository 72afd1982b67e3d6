"""Loading a plan file (YAML) idempotently: the plan, regions, populations, programmes, units,
tasks and measures with their assigned units, targets and baselines. Running it twice changes
nothing; `plan_loaded` then lets other apps (indicators) add what they derive from the file."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction
from django.dispatch import Signal

from ..models import (
    Plan,
    PlanBaseline,
    PlanTarget,
    Programme,
    Region,
    ResponsibleUnit,
    TargetPopulation,
    Task,
    TaskAssignment,
)

# Sent after a plan file is loaded; other apps (indicators) add what they derive from it.
plan_loaded = Signal()  # kwargs: plan, data

# A name in a 〔责任单位〕 list → the units it stands for, each with the group phrase it came
# through ("" for a unit named directly).
Expand = Callable[[str], list[tuple[ResponsibleUnit, str]]]


class PlanFileError(ValueError):
    pass


@dataclass
class LoadStats:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def _upsert(stats: LoadStats, kind: str, model, lookup: dict, defaults: dict):
    """update_or_create that only writes (and counts) when something differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **defaults)
        stats.count(kind, True)
        return obj
    changed = [k for k, v in defaults.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, defaults[k])
        obj.save()
        stats.count(kind, False)
    return obj


def _load_regions(stats, nodes, parent=None):
    for order, node in enumerate(nodes or []):
        region = _upsert(
            stats,
            "region",
            Region,
            {"code": str(node["code"])},
            {
                "name": node["name"],
                "level": node["level"],
                "parent": parent,
                "order": order,
                "note": node.get("note") or "",
            },
        )
        _load_regions(stats, node.get("children"), region)


SPLIT_UNITS = re.compile(r"[,,、;;]")


def split_units_text(text: str) -> list[str]:
    """Split a 〔责任单位:…〕 line into names, dropping a trailing 等 ("and others")."""
    names = []
    for part in SPLIT_UNITS.split(text):
        part = part.strip()
        if part.endswith("等"):
            part = part[:-1]
        if part:
            names.append(part)
    return names


# --- one helper per section of the plan file -----------------------------------------------
def _read_plan_file(path: str | Path) -> dict:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PlanFileError(f"无法读取规划文件 {path}: {exc}") from exc
    if not isinstance(data, dict) or "plan" not in data:
        raise PlanFileError(f"规划文件 {path} 缺少 plan 段")
    return data


def _load_plan(stats: LoadStats, p: dict) -> Plan:
    return _upsert(
        stats,
        "plan",
        Plan,
        {"code": p["code"]},
        {
            "name": p["name"],
            "issuer": p.get("issuer", ""),
            "start_year": p["start_year"],
            "end_year": p["end_year"],
            "published_on": p.get("published_on"),
            "source": p.get("source", ""),
            "goals": (p.get("goals") or "").strip(),
        },
    )


def _load_populations(stats: LoadStats, items) -> dict[str, TargetPopulation]:
    populations = {}
    for item in items:
        populations[item["code"]] = _upsert(
            stats,
            "population",
            TargetPopulation,
            {"code": item["code"]},
            {"name": item["name"], "order": item.get("order", 0)},
        )
    return populations


def _load_programmes(stats: LoadStats, plan: Plan, items) -> dict[str, Programme]:
    programmes = {}
    for order, item in enumerate(items, start=1):
        programmes[str(item["code"])] = _upsert(
            stats,
            "programme",
            Programme,
            {"plan": plan, "code": str(item["code"])},
            {"name": item["name"], "order": item.get("order", order)},
        )
    return programmes


def _load_units(stats: LoadStats, items) -> dict[str, ResponsibleUnit]:
    units = {}
    for order, item in enumerate(items, start=1):
        region = Region.objects.get(code=str(item["region"])) if item.get("region") else None
        units[item["name"]] = _upsert(
            stats,
            "unit",
            ResponsibleUnit,
            {"name": item["name"]},
            {"kind": item["kind"], "is_member": bool(item.get("member", True)), "region": region, "order": order},
        )
    return units


def _unit_expander(units: dict[str, ResponsibleUnit], group_items) -> Expand:
    """The `expand` of a 〔责任单位〕 name: a unit of `units`, or a phrase of `unit_groups`."""
    groups = {g["phrase"]: g["expands_to"] for g in group_items}
    # a group's reading may leave units out (「各辖市(区)政府」: the six, not 常州经开区管委会 — see the plan file)
    left_out = {g["phrase"]: set(g.get("except") or []) for g in group_items}
    for phrase, names in left_out.items():
        unknown = names - set(units)
        if unknown:
            raise PlanFileError(f"unit_groups {phrase!r} 的 except 中有未定义的单位:{'、'.join(sorted(unknown))}")

    def expand(name: str) -> list[tuple[ResponsibleUnit, str]]:
        if name in units:
            return [(units[name], "")]
        if name in groups:
            return [(u, name) for u in _group_members(units, groups[name], name) if u.name not in left_out[name]]
        raise PlanFileError(f"责任单位 {name!r} 不在 units 或 unit_groups 中")

    return expand


def _group_members(units: dict[str, ResponsibleUnit], rule: str, phrase: str) -> list[ResponsibleUnit]:
    if rule == "district_governments":
        return [u for u in units.values() if u.kind == ResponsibleUnit.Kind.DISTRICT_GOVERNMENT]
    if rule == "members":
        return [u for u in units.values() if u.is_member]
    raise PlanFileError(f"未知的单位集合规则 {rule!r}(表述 {phrase!r})")


class _TaskLoader:
    """Tasks and their measures, depth first in file order (`order` counts across the tree)."""

    def __init__(self, stats: LoadStats, plan: Plan, populations: dict[str, TargetPopulation], expand: Expand):
        self.stats = stats
        self.plan = plan
        self.populations = populations
        self.expand = expand
        self.order_counter = 0
        self.tasks_by_code: dict[str, Task] = {}

    def load(self, item, parent=None, programme=None) -> Task:
        self.order_counter += 1
        level = Task.Level.MEASURE if parent is not None else Task.Level.TASK
        task = _upsert(
            self.stats,
            "task",
            Task,
            {"plan": self.plan, "code": str(item["code"])},
            {
                "programme": programme,
                "parent": parent,
                "number": str(item.get("number", "")),
                "level": level,
                "title": item["title"],
                "text": (item.get("text") or "").strip(),
                "units_text": (item.get("units_text") or "").strip(),
                "order": self.order_counter,
            },
        )
        self._sync_populations(task, item.get("populations") or [])
        if item.get("units") is not None:
            self._sync_assignments(task, item["units"])
        self.tasks_by_code[task.code] = task
        for child in item.get("measures") or []:
            self.load(child, parent=task, programme=programme)
        return task

    def _sync_populations(self, task: Task, codes) -> None:
        wanted_pops = {self.populations[c].pk for c in codes}
        if set(task.populations.values_list("pk", flat=True)) != wanted_pops:
            task.populations.set(wanted_pops)
            self.stats.count("task_population", False)

    def _sync_assignments(self, task: Task, names) -> None:
        wanted: list[tuple[ResponsibleUnit, str]] = []
        for name in names:
            for unit, via in self.expand(name):
                if unit.pk not in {u.pk for u, _ in wanted}:
                    wanted.append((unit, via))
        # what the office added beyond the plan's line stays (it is not the file's to remove)
        existing = {a.unit_id: a for a in task.assignments.all() if not a.added_by_office}
        for order, (unit, via) in enumerate(wanted, start=1):
            _upsert(
                self.stats,
                "assignment",
                TaskAssignment,
                {"task": task, "unit": unit},
                {"order": order, "via_group": via},
            )
        stale = set(existing) - {u.pk for u, _ in wanted}
        if stale:
            TaskAssignment.objects.filter(task=task, unit_id__in=stale).delete()
            self.stats.count("assignment_removed", False)


def _load_tasks(
    stats: LoadStats,
    plan: Plan,
    items,
    programmes: dict[str, Programme],
    populations: dict[str, TargetPopulation],
    expand: Expand,
) -> dict[str, Task]:
    loader = _TaskLoader(stats, plan, populations, expand)
    for item in items:
        programme = programmes[str(item["programme"])] if item.get("programme") else None
        loader.load(item, programme=programme)
    return loader.tasks_by_code


def _load_targets(
    stats: LoadStats,
    plan: Plan,
    items,
    tasks_by_code: dict[str, Task],
    populations: dict[str, TargetPopulation],
    expand: Expand,
) -> None:
    for item in items:
        target = _upsert(
            stats,
            "target",
            PlanTarget,
            {"plan": plan, "code": item["code"]},
            {
                "task": tasks_by_code[str(item["task"])] if item.get("task") else None,
                "population": populations[item["population"]] if item.get("population") else None,
                "name": item["name"],
                "clause": item.get("clause") or "",
                "value": Decimal(str(item["value"])),
                "unit": item["unit"],
                "year": None if item["kind"] == PlanTarget.Kind.PER_YEAR else item.get("year"),
                "kind": item["kind"],
                "comparator": item.get("comparator", ">="),
                "quote": item.get("quote") or "",
                "note": item.get("note") or "",
            },
        )
        if "reported_by" in item:
            wanted = {unit.pk for name in item.get("reported_by") or [] for unit, _via in expand(name)}
            if set(target.reporting_units.values_list("pk", flat=True)) != wanted:
                target.reporting_units.set(wanted)
                stats.count("target_reporting_units", False)


def _load_baselines(stats: LoadStats, plan: Plan, items) -> None:
    for item in items:
        target = PlanTarget.objects.get(plan=plan, code=item["target"])
        _upsert(
            stats,
            "baseline",
            PlanBaseline,
            {"target": target, "year": item["year"]},
            {"value": Decimal(str(item["value"])), "quote": item.get("quote") or ""},
        )


@transaction.atomic
def load_plan_file(path: str | Path) -> tuple[Plan, LoadStats]:
    """Load (or update) a plan from a YAML file. Running it twice changes nothing."""
    data = _read_plan_file(path)
    stats = LoadStats()
    plan = _load_plan(stats, data["plan"])
    _load_regions(stats, data.get("regions"))
    populations = _load_populations(stats, data.get("populations", []))
    programmes = _load_programmes(stats, plan, data.get("programmes", []))
    units = _load_units(stats, data.get("units", []))
    expand = _unit_expander(units, data.get("unit_groups", []))
    tasks_by_code = _load_tasks(stats, plan, data.get("tasks", []), programmes, populations, expand)
    _load_targets(stats, plan, data.get("targets", []), tasks_by_code, populations, expand)
    _load_baselines(stats, plan, data.get("baselines", []))
    plan_loaded.send(sender=Plan, plan=plan, data=data, stats=stats)
    return plan, stats
