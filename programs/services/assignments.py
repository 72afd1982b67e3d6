"""Assignments the office adds beyond the plan's 〔责任单位〕 lines (kept when the plan file is loaded again)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from ..models import ResponsibleUnit, Task, TaskAssignment


@transaction.atomic
def add_by_office(task: Task, unit: ResponsibleUnit) -> TaskAssignment:
    """Assign `unit` to `task` as the office decided (e.g. 常州经开区管委会 where the plan says 各辖市(区)政府, which
    reads as the six 辖市(区) governments). Idempotent; an assignment the plan already makes stays the plan's."""
    existing = TaskAssignment.objects.filter(task=task, unit=unit).first()
    if existing is not None:
        return existing
    last = TaskAssignment.objects.filter(task=task).aggregate(n=Max("order"))["n"] or 0
    return TaskAssignment.objects.create(task=task, unit=unit, order=last + 1, added_by_office=True)
