"""Completeness of filing: each unit × period cell (on time, late, returned, missing, not yet due)
with the report's status, and the totals per period."""

from __future__ import annotations

import datetime as _dt

from common import clock

from ..models import ReportingPeriod, ResponsibleUnit, UnitReport

FILING_LABELS = {
    "on_time": "按时报送",
    "late": "逾期报送",
    "returned": "已退回待重报",
    "missing": "逾期未报",
    "pending": "未到期",
}


def filing_state(code: int, period: ReportingPeriod, today: _dt.date) -> str:
    """A matrix cell. A report returned and not resubmitted is "returned" — not filed, whatever
    its first submission was (the overdue digest lists it as 被退回后未重新提交)."""
    from ..querysets import FILING_LATE, FILING_ON_TIME, FILING_RETURNED

    if code == FILING_RETURNED:
        return "returned"
    if code == FILING_ON_TIME:
        return "on_time"
    if code == FILING_LATE:
        return "late"
    return "missing" if today > period.due_on else "pending"


def completeness_matrix(plan, periods, *, programme=None, population=None, today: _dt.date | None = None) -> dict:
    """Units × periods: filed on time / late, returned (to be refiled) / missing / not yet due,
    with the report status."""
    from ..querysets import completeness_rows

    today = today or clock.today()
    periods = list(periods)
    units = ResponsibleUnit.objects.expected_to_report(plan, programme=programme, population=population)
    rows = []
    totals = {p.pk: {**{state: 0 for state in FILING_LABELS}, "accepted": 0} for p in periods}
    status_labels = dict(UnitReport.STATUS_CHOICES)
    for unit in completeness_rows(units, periods):
        cells = []
        for period in periods:
            state = filing_state(getattr(unit, f"filing_{period.pk}"), period, today)
            status = getattr(unit, f"status_{period.pk}")
            totals[period.pk][state] += 1
            if status == "accepted":
                totals[period.pk]["accepted"] += 1
            cells.append(
                {
                    "period": period,
                    "state": state,
                    "state_label": FILING_LABELS[state],
                    "status": status,
                    "status_label": status_labels.get(status, "") if status else "",
                    "report_id": getattr(unit, f"report_{period.pk}"),
                }
            )
        rows.append({"unit": unit, "cells": cells})
    return {"periods": periods, "rows": rows, "totals": [totals[p.pk] for p in periods], "today": today}
