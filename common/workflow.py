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
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone

# kwargs: instance, action, from_status, to_status, actor
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


def available_actions(obj, user) -> list[str]:
    """Actions the user may take on obj now (for buttons and API hints)."""
    actions = []
    for name in obj.TRANSITIONS:
        rule = rule_for(obj, name, user)
        if rule is not None and obj.status in rule.sources and _allowed(obj, user, rule):
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
    """Move obj through `action`. Raises a WorkflowError with a Chinese message on refusal."""
    declared = obj.TRANSITIONS.get(action)
    if declared is None:
        raise InvalidTransition(f"未知操作:{action}")
    if expected_version is not None and int(expected_version) != obj.version and _allowed(obj, user, declared):
        # decided on a version the user no longer has: a conflict, whatever the record's level is now
        raise ConflictError(
            "该记录已被他人修改(当前状态:%s),您看到的是旧版本。请刷新页面后再操作。" % obj.get_status_display())
    rule = rule_for(obj, action, user)
    if rule is None or not _allowed(obj, user, rule):
        if rule is None and declared.who == "reviewer" and obj.can_review(user):
            raise InvalidTransition(f"该记录当前不在您的审核环节(当前状态:{obj.get_status_display()}),"
                                    f"不能执行“{declared.label or action}”。")
        raise TransitionNotAllowed(f"您无权执行“{declared.label or action}”操作。")
    reason = (reason or "").strip()
    if rule.needs_reason and not reason:
        raise InvalidTransition(f"“{rule.label or action}”必须填写理由。")
    if len(reason) > 2000:
        raise InvalidTransition("理由不能超过 2000 字。")
    version = obj.version if expected_version is None else int(expected_version)
    model = type(obj)
    with transaction.atomic():
        current = model.objects.select_for_update().filter(pk=obj.pk).values("status", "version").first()
        if current is None:
            raise InvalidTransition("记录不存在。")
        if current["version"] != version:
            raise ConflictError(
                "该记录已被他人修改(当前状态:%s),您看到的是旧版本。请刷新页面后再操作。"
                % dict(model.STATUS_CHOICES).get(current["status"], current["status"])
            )
        if current["status"] not in rule.sources:
            raise InvalidTransition(
                "当前状态“%s”不能执行“%s”。"
                % (dict(model.STATUS_CHOICES).get(current["status"], current["status"]), rule.label or action)
            )
        now = timezone.now()
        changes: dict = {"status": rule.target, "version": models.F("version") + 1}
        if "submitted" in rule.stamps:
            changes.update(submitted_at=now, submitted_by=user)
        if "decided" in rule.stamps:
            changes.update(decided_at=now, decided_by=user)
        if rule.needs_reason:
            changes["return_reason"] = reason
        updated = model.objects.filter(pk=obj.pk, version=version).update(**changes)
        if updated != 1:  # pragma: no cover - guarded by select_for_update above
            raise ConflictError("该记录已被他人修改,请刷新页面后再操作。")
        from_status = current["status"]
        obj.transitions.create(
            action=action, from_status=from_status, to_status=rule.target, actor=user, reason=reason,
            version=version + 1, level="filer" if rule.who == "filer" else review_level_of(user),
        )
        obj.refresh_from_db()
        workflow_transitioned.send(
            sender=model, instance=obj, action=action, from_status=from_status, to_status=rule.target, actor=user,
        )
    return obj
