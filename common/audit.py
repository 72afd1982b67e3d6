"""The audit trail: every change recorded by django-simple-history, across all tracked models.

Reads the history tables generically (`simple_history.models.registered_models`), so a model
that an app registers with `HistoricalRecords()` appears here without any change to this module.
One UNION query over the history tables gives the page; only the ≤50 rows shown are then loaded
in full to describe what changed.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db.models import CharField, F, Model, Value
from django.db.models.functions import Cast
from django.utils import timezone
from simple_history.models import registered_models


@dataclass
class TrackedModel:
    label: str  # "app_label.modelname"
    model: type[Model]
    history_model: Any  # the historical model class simple_history made (an untyped package: its managers unknown)

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)


def tracked_models() -> dict[str, TrackedModel]:
    found: dict[str, TrackedModel] = {}
    for model in registered_models.values():
        manager_name = getattr(model._meta, "simple_history_manager_attribute", "history")
        manager = getattr(model, manager_name, None)
        if manager is None:
            continue
        label = model._meta.label_lower
        found[label] = TrackedModel(label=label, model=model, history_model=manager.model)
    return dict(sorted(found.items()))


def _day_bounds(day, end=False):
    moment = datetime.combine(day, time.max if end else time.min)
    return timezone.make_aware(moment)


def entries(model_label: str | None = None, user_id: int | None = None, date_from=None, date_to=None):
    """A queryset of dicts (newest first): label, history_id, at, type, user_id, object_pk, reason."""
    models = tracked_models()
    if model_label:
        models = {k: v for k, v in models.items() if k == model_label}
    parts = []
    for label, tracked in models.items():
        hist = tracked.history_model
        pk_name = tracked.model._meta.pk.attname
        qs = hist.objects.all()
        if user_id:
            qs = qs.filter(history_user_id=user_id)
        if date_from:
            qs = qs.filter(history_date__gte=_day_bounds(date_from))
        if date_to:
            qs = qs.filter(history_date__lte=_day_bounds(date_to, end=True))
        qs = (
            qs.order_by()
            .annotate(
                a_label=Value(label, output_field=CharField()),
                a_id=F("history_id"),
                a_at=F("history_date"),
                a_type=F("history_type"),
                a_user=F("history_user_id"),
                a_pk=Cast(pk_name, output_field=CharField()),
                a_reason=F("history_change_reason"),
            )
            .values("a_label", "a_id", "a_at", "a_type", "a_user", "a_pk", "a_reason")
        )
        parts.append(qs)
    if not parts:
        return None
    combined = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True)
    return combined.order_by("-a_at", "-a_id")


TYPE_LABELS = {"+": "新增", "~": "修改", "-": "删除"}


def describe(rows: list[dict]) -> list[dict]:
    """Load the shown history records and say what changed in each (field: old → new)."""
    from django.contrib.auth import get_user_model

    models = tracked_models()
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in={r["a_user"] for r in rows if r["a_user"]})}
    by_label: dict[str, list[int]] = {}
    for row in rows:
        by_label.setdefault(row["a_label"], []).append(row["a_id"])
    records = {}
    for label, ids in by_label.items():
        for record in models[label].history_model.objects.filter(history_id__in=ids):
            records[(label, record.history_id)] = record
    described = []
    for row in rows:
        tracked = models[row["a_label"]]
        record = records.get((row["a_label"], row["a_id"]))
        changes = []
        obj_repr = f"#{row['a_pk']}"
        if record is not None:
            with contextlib.suppress(Exception):  # a __str__ that follows a deleted relation
                obj_repr = str(record.instance)
            if row["a_type"] == "~":
                previous = record.prev_record
                if previous is not None:
                    try:
                        delta = record.diff_against(previous)
                    except Exception:
                        delta = None
                    for change in delta.changes if delta else []:
                        field = tracked.model._meta.get_field(change.field) if change.field else None
                        changes.append(
                            {
                                "field": str(getattr(field, "verbose_name", change.field)),
                                "old": display_value(field, change.old),
                                "new": display_value(field, change.new),
                            }
                        )
        described.append(
            {
                "at": row["a_at"],
                "type": TYPE_LABELS.get(row["a_type"], row["a_type"]),
                "model": tracked.verbose_name,
                "label": row["a_label"],
                "object": obj_repr,
                "object_pk": row["a_pk"],
                "user": users.get(row["a_user"]),
                "reason": row["a_reason"] or "",
                "changes": changes,
            }
        )
    return described


def display_value(field, value) -> str:
    """A stored value as a person reads it: a choice's label, a related record's name, the names of a
    many-to-many set (simple-history keeps it as through-table rows), 是/否 — not codes and ids."""
    if value in (None, "", []):
        return "—"
    if field is None:
        return _short(value)
    if field.many_to_many and isinstance(value, list):
        key = field.m2m_reverse_field_name()  # the through table's column pointing at the related model
        ids = [row.get(key) for row in value if isinstance(row, dict)]
        names = sorted(str(obj) for obj in field.related_model._default_manager.filter(pk__in=ids))
        return _short("、".join(names) or "—")
    if field.many_to_one or field.one_to_one:
        obj = field.related_model._default_manager.filter(pk=value).first()
        return _short(obj if obj is not None else f"#{value}")
    if getattr(field, "choices", None):
        return _short(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return _short(value)


def _short(value, limit: int = 80) -> str:
    text = "—" if value in (None, "") else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
