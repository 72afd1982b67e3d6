"""A small state machine shared by activity returns and unit reports.

Each concrete model defines::

    TRANSITIONS = {
        "submit": Transition(sources={"draft", "returned"}, target="submitted", who="filer"),
        "approve": Transition(sources={"submitted"}, target="approved", who="reviewer"),
        "return": Transition(sources={"submitted"}, target="returned", who="reviewer", needs_reason=True),
        ...
    }

and `can_file(user)` / `can_review(user)` methods. `apply_transition` checks the rule, writes the
new state with an optimistic-lock UPDATE (… WHERE version = expected), records who/when/why, and
sends `workflow_transitioned` so other apps (indicators) can react without being imported by the
source apps. The signal is sent inside the transaction that makes the change: a receiver defers its
side effects with `transaction.on_commit` (a rolled-back change then triggers nothing), and can see
whether the same transaction already asked for them — so a burst of transitions in one transaction
(a demo load, a bulk approval) gives one roll-up, not one per transition.

A record may go through its review in more than one phase (an activity is registered before the event and
reported on after it): each phase is a `Phase` naming the record's fields that hold its state (status,
version, submitted/decided stamps, reason), and each `Transition` names its phase. Phases are decided on
their own — their own status and their own optimistic-lock version — through the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.functional import Promise

# kwargs: instance, action, from_status, to_status, actor, phase
workflow_transitioned = Signal()


class WorkflowError(Exception):
    """Base for errors whose message is shown to the user (in Chinese)."""

    status_code = 400


class TransitionNotAllowed(WorkflowError):
    status_code = 403


class InvalidTransition(WorkflowError):
    status_code = 400


class ConflictError(WorkflowError):
    status_code = 409


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str] | set[str]
    target: str
    who: str  # "filer" or "reviewer"
    needs_reason: bool = False
    label: str = ""
    stamps: tuple[str, ...] = field(default_factory=tuple)  # "submitted" and/or "decided"
    phase: str = ""  # a key of the model's PHASES; "" is the record's first (or only) phase


@dataclass(frozen=True)
class Phase:
    """Where one phase of a record keeps its state: `prefix` + status, version, submitted_at, submitted_by,
    decided_at, decided_by, return_reason (the plain names for the first phase)."""

    name: str = ""
    prefix: str = ""
    label: str | Promise = ""  # a lazy translation

    def field(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def status_of(self, obj) -> str:
        return getattr(obj, self.field("status"))

    def version_of(self, obj) -> int:
        return getattr(obj, self.field("version"))


SINGLE_PHASE = {"": Phase()}


def phases_of(model) -> dict[str, Phase]:
    return getattr(model, "PHASES", SINGLE_PHASE)


def phase_of(obj, rule: Transition) -> Phase:
    return phases_of(type(obj))[rule.phase]


def status_label(model, status: str) -> str:
    return dict(model.STATUS_CHOICES).get(status, status)


def available_actions(obj, user) -> list[str]:
    """Actions the user may take on obj now (for buttons and API hints)."""
    actions = []
    for name in obj.TRANSITIONS:
        rule = rule_for(obj, name, user)
        if rule is not None and phase_of(obj, rule).status_of(obj) in rule.sources and _allowed(obj, user, rule):
            actions.append(name)
    return actions


def rule_for(obj, action: str, user) -> Transition | None:
    """The rule `action` follows for this user: a model with review levels (``rule_for``) decides per level."""
    if hasattr(obj, "rule_for"):
        return obj.rule_for(action, user)
    return obj.TRANSITIONS.get(action)


def review_level_of(user) -> str:
    """The level a transition is taken at, kept in the history: filer, district or city."""
    from accounts.scope import scope_of

    kind = scope_of(user).kind
    return {"office": "city", "district": "district"}.get(kind, "filer")


def _allowed(obj, user, rule: Transition) -> bool:
    if rule.who == "filer":
        return obj.can_file(user)
    return obj.can_review(user)


def apply_transition(obj, action: str, user, reason: str = "", expected_version: int | None = None):
    """Move obj through `action` (in the action's phase). Raises a WorkflowError with a Chinese message on refusal."""
    declared = obj.TRANSITIONS.get(action)
    if declared is None:
        raise InvalidTransition(f"未知操作:{action}")
    model = type(obj)
    phase = phase_of(obj, declared)
    what = f"{phase.label}" if phase.label else "该记录"
    if (
        expected_version is not None
        and int(expected_version) != phase.version_of(obj)
        and _allowed(obj, user, declared)
    ):
        # decided on a version the user no longer has: a conflict, whatever the record's level is now
        raise ConflictError(
            f"{what}已被他人修改(当前状态:{status_label(model, phase.status_of(obj))}),"
            "您看到的是旧版本。请刷新页面后再操作。"
        )
    rule = rule_for(obj, action, user)
    if rule is None or not _allowed(obj, user, rule):
        if rule is None and declared.who == "reviewer" and obj.can_review(user):
            raise InvalidTransition(
                f"{what}当前不在您的审核环节(当前状态:{status_label(model, phase.status_of(obj))}),"
                f"不能执行“{declared.label or action}”。"
            )
        raise TransitionNotAllowed(f"您无权执行“{declared.label or action}”操作。")
    reason = (reason or "").strip()
    if rule.needs_reason and not reason:
        raise InvalidTransition(f"“{rule.label or action}”必须填写理由。")
    if len(reason) > 2000:
        raise InvalidTransition("理由不能超过 2000 字。")
    status_field, version_field = phase.field("status"), phase.field("version")
    version = phase.version_of(obj) if expected_version is None else int(expected_version)
    with transaction.atomic():
        current = model.objects.select_for_update().filter(pk=obj.pk).values(status_field, version_field).first()
        if current is None:
            raise InvalidTransition("记录不存在。")
        if current[version_field] != version:
            raise ConflictError(
                f"{what}已被他人修改(当前状态:{status_label(model, current[status_field])}),"
                "您看到的是旧版本。请刷新页面后再操作。"
            )
        from_status = current[status_field]
        if from_status not in rule.sources:
            raise InvalidTransition(f"当前状态“{status_label(model, from_status)}”不能执行“{rule.label or action}”。")
        now = timezone.now()
        changes: dict = {status_field: rule.target, version_field: models.F(version_field) + 1}
        if "submitted" in rule.stamps:
            changes.update({phase.field("submitted_at"): now, phase.field("submitted_by"): user})
        if "decided" in rule.stamps:
            changes.update({phase.field("decided_at"): now, phase.field("decided_by"): user})
        if rule.needs_reason:
            changes[phase.field("return_reason")] = reason
        updated = model.objects.filter(pk=obj.pk, **{version_field: version}).update(**changes)
        if updated != 1:  # pragma: no cover - guarded by select_for_update above
            raise ConflictError("该记录已被他人修改,请刷新页面后再操作。")
        obj.transitions.create(
            action=action,
            from_status=from_status,
            to_status=rule.target,
            actor=user,
            reason=reason,
            version=version + 1,
            level="filer" if rule.who == "filer" else review_level_of(user),
            phase=phase.name,
        )
        obj.refresh_from_db()
        workflow_transitioned.send(
            sender=model,
            instance=obj,
            action=action,
            from_status=from_status,
            to_status=rule.target,
            actor=user,
            phase=phase.name,
        )
    return obj
