"""Scoring rules of computed assessment items: a measured value → points (pure functions, no database).

* ``proportional``: ``points = max_points × min(value / target, cap)``; params ``{"target": >0, "cap": 1}``
  (cap, the share of the maximum that over-achievement may reach, ≤ 1; default 1).
* ``thresholds``: the points of the highest threshold the value reaches; params
  ``{"thresholds": [[min_value, points], …]}`` (any order; points ≤ the item's maximum); below all: 0.
* ``rank``: parties ranked on the value (``"higher_is_better": true`` by default); rank 1 gets the maximum and each
  rank below loses ``step`` points (never below 0); equal values share the better rank; no value: 0.
Every result is rounded to two decimals (half up).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

PROPORTIONAL, THRESHOLDS, RANK = "proportional", "thresholds", "rank"
RULES = (PROPORTIONAL, THRESHOLDS, RANK)
CENT = Decimal("0.01")


def _dec(value, what: str) -> Decimal:
    if isinstance(value, bool):
        raise ValidationError(f"规则参数“{what}”必须是数字。")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(f"规则参数“{what}”必须是数字,收到“{value}”。") from None
    if not number.is_finite():
        raise ValidationError(f"规则参数“{what}”必须是有限的数字。")
    return number


def validate_params(rule: str, params, max_points: Decimal) -> dict:
    """Check a computed item's rule parameters; return them normalised or raise a Chinese ValidationError."""
    if not isinstance(params, dict):
        raise ValidationError('规则参数必须是 JSON 对象,例如 {"target": 100}。')
    max_points = Decimal(max_points)
    if rule == PROPORTIONAL:
        if "target" not in params:
            raise ValidationError("“按目标比例”规则须填写 target(目标值)。")
        target = _dec(params["target"], "target")
        if target <= 0:
            raise ValidationError("“按目标比例”规则的 target(目标值)必须大于 0。")
        cap = _dec(params.get("cap", 1), "cap")
        if not (0 < cap <= 1):
            raise ValidationError("“按目标比例”规则的 cap(封顶比例)须大于 0 且不超过 1。")
        return {"target": str(target), "cap": str(cap)}
    if rule == THRESHOLDS:
        rows = params.get("thresholds")
        if not isinstance(rows, list) or not rows:
            raise ValidationError("“分档”规则须填写 thresholds,例如 [[90, 10], [60, 6]]。")
        out = []
        for i, row in enumerate(rows, 1):
            if not isinstance(row, (list, tuple)) or len(row) != 2:
                raise ValidationError(f"“分档”规则第 {i} 档须写成 [下限, 分值]。")
            low, points = _dec(row[0], f"第 {i} 档下限"), _dec(row[1], f"第 {i} 档分值")
            if points < 0 or points > max_points:
                raise ValidationError(f"“分档”规则第 {i} 档的分值 {points} 须在 0 到满分 {max_points} 之间。")
            out.append([str(low), str(points)])
        if len({r[0] for r in out}) != len(out):
            raise ValidationError("“分档”规则的下限不能重复。")
        return {"thresholds": sorted(out, key=lambda r: Decimal(r[0]), reverse=True)}
    if rule == RANK:
        step = _dec(params.get("step", 1), "step")
        if step < 0 or step > max_points:
            raise ValidationError(f"“排名”规则的 step(每名次递减分值)须在 0 到满分 {max_points} 之间。")
        higher = params.get("higher_is_better", True)
        if not isinstance(higher, bool):
            raise ValidationError("“排名”规则的 higher_is_better 须为 true 或 false。")
        return {"step": str(step), "higher_is_better": higher}
    raise ValidationError(f"未知的计分规则“{rule}”。")


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def points_for(rule: str, params: dict, max_points, values: dict) -> dict:
    """Points for each party: `values` maps a party key to its measured Decimal (or None)."""
    max_points = Decimal(max_points)
    params = validate_params(rule, params, max_points)
    if rule == PROPORTIONAL:
        target, cap = Decimal(params["target"]), Decimal(params["cap"])
        return {
            k: Decimal("0.00") if v is None else _round(max_points * max(min(Decimal(v) / target, cap), 0))
            for k, v in values.items()
        }
    if rule == THRESHOLDS:
        rows = [(Decimal(low), Decimal(pts)) for low, pts in params["thresholds"]]
        out = {}
        for k, v in values.items():
            reached = [pts for low, pts in rows if v is not None and Decimal(v) >= low]
            out[k] = _round(reached[0] if reached else Decimal(0))
        return out
    step, higher = Decimal(params["step"]), params["higher_is_better"]
    measured = sorted((Decimal(v) for v in values.values() if v is not None), reverse=higher)
    out = {}
    for k, v in values.items():
        if v is None:
            out[k] = Decimal("0.00")
            continue
        rank = measured.index(Decimal(v)) + 1  # ties share the better rank
        out[k] = _round(max(max_points - (rank - 1) * step, Decimal(0)))
    return out
