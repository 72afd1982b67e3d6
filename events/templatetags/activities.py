"""The review buttons of each phase of an activity (registration, post-event report)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.inclusion_tag("events/_phase_actions.html", takes_context=True)
def phase_actions(context, activity, actions, phase: str = "", next_url: str = ""):
    """Buttons for the actions of `phase` the user may take now (`actions`: common.workflow.available_actions)."""
    suffix = "_report" if phase == "report" else ""
    status = activity.report_status if phase == "report" else activity.status
    version = activity.report_version if phase == "report" else activity.version
    level = activity.review_level(phase)
    dash = "-report" if phase == "report" else ""
    buttons = []
    for base, css in (
        ("approve", "btn-success"),
        ("return", "btn-warning"),
        ("reopen", "btn-outline-danger"),
        ("submit", "btn-primary"),
    ):
        action = base + suffix
        if action not in actions:
            continue
        if base == "approve":
            label = _("审核通过并报市") if level == "district" else _("通过")
        elif base == "return":
            label = _("退回区级") if status == "forwarded" else _("退回")
        elif base == "reopen":
            label = _("重新打开")
        else:
            label = _("提交补充信息") if phase == "report" else _("提交登记")
        buttons.append(
            {
                "action": action,
                "label": label,
                "css": css,
                "testid": base + dash,
                "reason": base in ("return", "reopen"),
                "placeholder": _("重新打开理由(必填)") if base == "reopen" else _("退回理由(必填)"),
            }
        )
    return {
        "activity": activity,
        "buttons": buttons,
        "version": version,
        "next": next_url,
        "csrf_token": context.get("csrf_token"),
        "phase": phase,
    }
