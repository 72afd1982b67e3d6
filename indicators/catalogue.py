"""The indicator catalogue from the plan file: indicators, their targets and baselines, upserted when
`load_plan` runs (programs' plan_loaded signal)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from programs.models import PlanTarget, Programme, Region, TargetPopulation, Task

from .models import (
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    Observation,
)


# --- catalogue -------------------------------------------------------------------------------
@transaction.atomic
def load_catalogue(plan, entries: list[dict]) -> dict[str, int]:
    """Create/update indicators, their targets and baselines from the plan file's `indicators:`."""
    counts = {"indicator": 0, "target": 0, "baseline": 0, "observation": 0}
    city = Region.objects.filter(level="city").first()
    for order, item in enumerate(entries, start=1):
        plan_target = PlanTarget.objects.filter(plan=plan, code=item["target"]).first() if item.get("target") else None
        defaults = {
            "name": item["name"],
            "unit": item["unit"],
            "description": item.get("description", ""),
            "plan_target": plan_target,
            "population": TargetPopulation.objects.filter(code=item.get("population")).first()
            if item.get("population")
            else (plan_target.population if plan_target else None),
            "programme": Programme.objects.filter(plan=plan, code=item.get("programme")).first()
            if item.get("programme")
            else None,
            "task": Task.objects.filter(plan=plan, code=item.get("task")).first()
            if item.get("task")
            else (plan_target.task if plan_target else None),
            "kind": item["kind"],
            "direction": item.get("direction", "up"),
            "source": item["source"],
            "params": item.get("params") or {},
            "is_ratio": bool(item.get("ratio", False)),
            "order": order,
            "on_dashboard": item.get("dashboard", True),
        }
        indicator = Indicator.objects.filter(code=item["code"]).first()
        if indicator is None:
            indicator = Indicator.objects.create(code=item["code"], **defaults)
            counts["indicator"] += 1
        elif any(getattr(indicator, k) != v for k, v in defaults.items()):
            for k, v in defaults.items():
                setattr(indicator, k, v)
            indicator.save()
            counts["indicator"] += 1
        targets = list(item.get("targets") or [])
        if plan_target and plan_target.kind == PlanTarget.Kind.PER_YEAR and not targets:
            # 「每年」: one target every year of the plan, kept under the plan's first year
            targets.append(
                {"year": plan.start_year, "value": plan_target.value, "note": plan_target.quote[:200], "per_year": True}
            )
        elif plan_target and plan_target.year and not any(t["year"] == plan_target.year for t in targets):
            targets.append({"year": plan_target.year, "value": plan_target.value, "note": plan_target.quote[:200]})
        for t in targets:
            _, created = _upsert(
                IndicatorTarget,
                {"indicator": indicator, "year": t["year"]},
                {
                    "value": Decimal(str(t["value"])),
                    "note": t.get("note", "")[:200],
                    "per_year": bool(t.get("per_year", False)),
                },
            )
            counts["target"] += created
        # the file is the source of truth: a target or baseline taken out of it goes
        counts["target"] += indicator.targets.exclude(year__in=[t["year"] for t in targets]).delete()[0]
        baselines = list(item.get("baselines") or [])
        if plan_target:
            baselines += [
                {"year": b.year, "value": b.value, "source": "规划 " + (plan_target.clause or "")}
                for b in plan_target.baselines.all()
                if not any(x["year"] == b.year for x in baselines)
            ]
        for b in baselines:
            _, created = _upsert(
                IndicatorBaseline,
                {"indicator": indicator, "year": b["year"]},
                {"value": Decimal(str(b["value"])), "source": b.get("source", "")[:200]},
            )
            counts["baseline"] += created
        counts["baseline"] += indicator.baselines.exclude(year__in=[b["year"] for b in baselines]).delete()[0]
        for o in item.get("observations") or []:
            region = Region.objects.get(code=str(o["region"])) if o.get("region") else city
            _, created = _upsert(
                Observation,
                {"indicator": indicator, "year": o["year"], "region": region},
                {
                    "value": Decimal(str(o["value"])),
                    "source": o.get("source", ""),
                    "note": o.get("note", ""),
                    "reported_on": _date(o.get("reported_on")),
                },
            )
            counts["observation"] += created
    return counts


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def _upsert(model, lookup, defaults) -> tuple[object, int]:
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **defaults), 1
    if any(getattr(obj, k) != v for k, v in defaults.items()):
        for k, v in defaults.items():
            setattr(obj, k, v)
        obj.save()
        return obj, 1
    return obj, 0


def on_plan_loaded(sender, plan, data, stats, **kwargs):
    counts = load_catalogue(plan, data.get("indicators") or [])
    for kind, n in counts.items():
        if n:
            stats.created[f"indicator_{kind}"] = stats.created.get(f"indicator_{kind}", 0) + n
