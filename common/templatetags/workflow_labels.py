"""{% load workflow_labels %}: a workflow history row in words, never the codes it stores.

A transition record (common.models.TransitionRecord) keeps ``action``, ``from_status`` and ``to_status`` as codes
(``approve``, ``submitted`` …) so that the API and the roll-up can rely on them. A page shows instead::

    {{ t|transition_label }}      the rule's label: 提交, 审核通过并报市, 退回区级 … (English when switched)
    {{ t|status_change }}         已提交 → 区级已审核,待市级审核
    {{ record|status_label:"submitted" }}

The label is the one the model's rule declares: the rule whose action, source and target match the record —
among the per-level rules first (``DISTRICT_RULES``, ``CITY_RULES`` …: a district's "approve" is 审核通过并报市,
the city's "return" of a forwarded record is 退回区级), then ``TRANSITIONS``. A model whose records go through
phases (an activity's registration and post-event report, common.workflow) names an action the same in every
phase — the history shows the phase in a column of its own — so the first phase's rules give the label
(``approve_report`` at a district: 审核通过并报市). Per-level rules may be grouped by phase
(``DISTRICT_RULES = {"": {...}, "report": {...}}``). Status names come from the model's ``STATUS_CHOICES``.
Labels are plain Chinese strings on the rules (error messages quote them), translated here through the catalogue.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

register = template.Library()


def workflow_model(record):
    """The workflow model (one with TRANSITIONS) a transition record or a workflow record belongs to."""
    model = type(record)
    if hasattr(model, "TRANSITIONS"):
        return model
    for field in model._meta.concrete_fields:
        related = getattr(field, "related_model", None)
        if related is not None and hasattr(related, "TRANSITIONS"):
            return related
    return None


def _base(action: str) -> str:
    """An action without its phase or variant suffix: approve_report → approve, return_forwarded → return."""
    return action.split("_", 1)[0]


def _rule_sets(model) -> list[dict]:
    """The first phase's per-level rule dicts (most specific first), then TRANSITIONS."""
    sets = []
    for name in sorted(dir(model)):
        rules = getattr(model, name, None) if name.endswith("_RULES") else None
        if not isinstance(rules, dict):
            continue
        if rules and all(isinstance(v, dict) for v in rules.values()):  # grouped by phase
            rules = rules.get("", {})
        sets.append(rules)
    return [*sets, getattr(model, "TRANSITIONS", {})]


def _translated(label) -> str:
    return gettext(str(label)) if label else ""


def label_of(model, action: str, from_status: str = "", to_status: str = "") -> str:
    """The label of `action` taken from `from_status` to `to_status` on a `model` record, translated."""
    if model is None:
        return action
    for rules in _rule_sets(model):
        for key, rule in rules.items():
            if _base(key) != _base(action) or getattr(rule, "phase", None):
                continue
            if rule.target == to_status and from_status in rule.sources and rule.label:
                return _translated(rule.label)
    declared = getattr(model, "TRANSITIONS", {}).get(action)
    return _translated(declared.label) if declared is not None and declared.label else action


def status_name(model, status: str) -> str:
    if model is None or not status:
        return status or ""
    name = dict(getattr(model, "STATUS_CHOICES", ())).get(status)
    return str(name) if name is not None else status


@register.filter
def transition_label(record) -> str:
    return label_of(workflow_model(record), record.action, record.from_status, record.to_status)


@register.filter
def status_change(record) -> str:
    model = workflow_model(record)
    return f"{status_name(model, record.from_status)} → {status_name(model, record.to_status)}"


@register.filter
def status_label(record, status) -> str:
    return status_name(workflow_model(record), status)
