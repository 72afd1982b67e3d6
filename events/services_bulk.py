"""Bulk work on activity returns (issue 12 point 4): many items in one request, each decided on its own.

A clerk submits the registration or the post-event report of many activities, or deletes many drafts; a district
or city reviewer approves or returns many (one reason, applied to each). Every item goes through the very service
the single-item page uses (`services.transition`, `services.delete_draft`): the scope rule (accounts.scope, via
``visible_to`` and the model's can_file/can_review) and the state machine (common.workflow) decide, nothing here
re-derives them. Each item carries the version the user saw, so a stale one is refused as a conflict while the
others pass. The whole request is one transaction with a savepoint per item: a refused item leaves nothing behind
and does not undo the others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.workflow import ConflictError, WorkflowError

from . import services
from .models import ActivityReturn

MAX_BULK = 200  # items per request
MAX_LISTED_REFUSALS = 10  # the summary names at most this many refused items


class BulkRejected(WorkflowError):
    """The request as a whole is refused (nothing selected, too many items, no reason): nothing changes."""


@dataclass(frozen=True)
class BulkItem:
    """One selected item: the activity, the action on it, and the version of that action's phase the user saw."""

    pk: int
    action: str
    version: int | None


@dataclass
class Outcome:
    pk: int
    action: str
    ok: bool
    title: str = ""
    message: str = ""
    status_code: int = 200


@dataclass
class BulkResult:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def done(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def refused(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.ok]

    @property
    def none_found(self) -> bool:
        """Every item was missing or outside the user's scope (the page answers as for a missing object)."""
        return bool(self.outcomes) and all(o.status_code == 404 for o in self.outcomes)

    def summary(self, verb: str) -> str:
        """「已提交 4 项;1 项未处理:“…”:(原因)」."""
        parts = []
        if self.done:
            parts.append(_("%(verb)s %(n)d 项") % {"verb": verb, "n": len(self.done)})
        refused = self.refused
        if refused:
            reasons = "".join(
                _("“%(title)s”:%(reason)s") % {"title": o.title, "reason": o.message.rstrip("。")} + "。"
                for o in refused[:MAX_LISTED_REFUSALS]
            )
            if len(refused) > MAX_LISTED_REFUSALS:
                reasons += _("另有 %(n)d 项未列出。") % {"n": len(refused) - MAX_LISTED_REFUSALS}
            parts.append(ngettext("%(n)d 项未处理:", "%(n)d 项未处理:", len(refused)) % {"n": len(refused)} + reasons)
        return ";".join(parts)


def _check_size(items: list) -> None:
    if not items:
        raise BulkRejected(_("请先勾选要处理的活动。"))
    if len(items) > MAX_BULK:
        raise BulkRejected(
            _("一次最多处理 %(max)d 项,您选择了 %(n)d 项。请分批操作。") % {"max": MAX_BULK, "n": len(items)}
        )


def _unique(items):
    seen, out = set(), []
    for item in items:
        key = (item.pk, item.action)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _not_found(item: BulkItem) -> Outcome:
    return Outcome(
        item.pk,
        item.action,
        False,
        title=_("编号 %(pk)d") % {"pk": item.pk},
        message=_("活动不存在,或不在您的范围内"),
        status_code=404,
    )


def _run(user, items: list[BulkItem], act) -> BulkResult:
    """One transaction, a savepoint per item; `act(activity, item)` raises a WorkflowError to refuse the item."""
    items = _unique(items)
    _check_size(items)
    visible = ActivityReturn.objects.visible_to(user)
    result = BulkResult()
    with transaction.atomic():
        found = visible.in_bulk([item.pk for item in items])
        for item in items:
            activity = found.get(item.pk)
            if activity is None:
                result.outcomes.append(_not_found(item))
                continue
            title = activity.title
            if item.version is None:
                result.outcomes.append(
                    Outcome(
                        item.pk,
                        item.action,
                        False,
                        title=title,
                        status_code=400,
                        message=_("缺少版本号,请刷新页面后重试"),
                    )
                )
                continue
            try:
                with transaction.atomic():
                    act(activity, item)
            except WorkflowError as exc:
                result.outcomes.append(
                    Outcome(item.pk, item.action, False, title=title, message=str(exc), status_code=exc.status_code)
                )
            else:
                result.outcomes.append(Outcome(item.pk, item.action, True, title=title))
    return result


def bulk_transition(user, items: list[BulkItem], reason: str = "", today: dt.date | None = None) -> BulkResult:
    """Apply each item's action (submit, submit_report, approve, return, … of either phase) through
    services.transition with the item's expected version; a return's one reason is applied to each item."""
    reason = (reason or "").strip()
    if any(item.action.startswith(("return", "reopen")) for item in items) and items and not reason:
        raise BulkRejected(_("批量退回必须填写退回理由(将分别记录到每一项)。"))

    def act(activity, item):
        services.transition(activity, item.action, user, reason=reason, expected_version=item.version, today=today)

    return _run(user, items, act)


def bulk_delete_drafts(user, items: list[BulkItem]) -> BulkResult:
    """Delete the selected drafts through services.delete_draft; a submitted (or changed) one is refused and kept."""

    def act(activity, item):
        current = ActivityReturn.objects.select_for_update().filter(pk=activity.pk).first()
        if current is None:
            raise WorkflowError(_("活动不存在,或已被删除"))
        if current.version != item.version:
            raise ConflictError(
                _("该活动已被他人修改(当前状态:%(status)s),您看到的是旧版本。请刷新页面后再操作。")
                % {"status": current.get_status_display()}
            )
        services.delete_draft(current, user)

    return _run(user, [BulkItem(i.pk, "delete", i.version) for i in items], act)
