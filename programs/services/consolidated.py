"""The consolidated output of a period's unit reports: programme → task → units with narratives
and figures, figure totals, and the same as an xlsx workbook."""

from __future__ import annotations

from django.utils import timezone

from common.spreadsheets import append_row, workbook_bytes

from ..models import PlanTarget, ReportingPeriod, Task, UnitReportEntry, UnitReportFigure
from ..querysets import plain_number


def consolidated_report(period: ReportingPeriod, reports, statuses: tuple | None = ("accepted",)) -> dict:
    """For a period: programme → task → units with narratives and figures (accepted reports in
    `reports`, already limited to what the user may see), and figure totals by SQL aggregate.
    statuses=None takes the given reports whatever their status (a single report's export)."""
    from django.db.models import Sum

    reports = reports.filter(period=period)
    if statuses is not None:
        reports = reports.filter(status__in=statuses)
    reports = list(
        reports.select_related("unit", "entered_by", "last_edited_by")
        .prefetch_related("entries__task__parent", "figures__target__task__parent")
        .order_by("unit__order", "unit__name")
    )
    by_task: dict[int, list] = {}
    for report in reports:
        figures_by_task: dict[int | None, list] = {}
        for fig in report.figures.all():
            top = fig.target.task.assignment_task.pk if fig.target.task else None
            figures_by_task.setdefault(top, []).append(fig)
        seen = set()
        for entry in report.entries.all():
            top = entry.task.assignment_task.pk
            figs = figures_by_task.get(top, []) if top not in seen else []
            seen.add(top)
            if entry.progress == UnitReportEntry.Progress.NOT_STARTED and not entry.narrative and not figs:
                continue
            by_task.setdefault(top, []).append({"unit": report.unit, "entry": entry, "figures": figs})
        for top, figs in figures_by_task.items():
            if top not in seen and top is not None:
                by_task.setdefault(top, []).append({"unit": report.unit, "entry": None, "figures": figs})
    groups = []
    current = None
    for task in (
        Task.objects.filter(plan=period.plan, level=Task.Level.TASK)
        .select_related("programme")
        .order_by("programme__order", "order")
    ):
        key = task.programme_id
        if current is None or current["key"] != key:
            current = {"key": key, "programme": task.programme, "tasks": []}
            groups.append(current)
        current["tasks"].append({"task": task, "rows": by_task.get(task.pk, [])})
    # programme-less safeguards (组织实施) sort first with order_by(programme__order) on some
    # databases (NULLs first) and last on others; put them last everywhere.
    groups.sort(key=lambda g: (g["programme"] is None, g["programme"].order if g["programme"] else 0))
    report_ids = [r.pk for r in reports]
    sums = {
        row["target"]: row["total"]
        for row in UnitReportFigure.objects.filter(report_id__in=report_ids)
        .values("target")
        .annotate(total=Sum("value"))
    }
    targets = PlanTarget.objects.filter(plan=period.plan, reporting_units__isnull=False).distinct().order_by("id")
    figure_rows = []
    for target in targets:
        per_unit = [
            (fig.report.unit, fig.value)
            for fig in UnitReportFigure.objects.filter(report_id__in=report_ids, target=target)
            .select_related("report__unit")
            .order_by("report__unit__order")
        ]
        figure_rows.append({"target": target, "total": sums.get(target.pk), "per_unit": per_unit})
    return {"period": period, "reports": reports, "groups": groups, "figures": figure_rows}


def consolidated_xlsx(data: dict) -> bytes:
    """The consolidated report as an xlsx workbook: figure totals, task progress, filing list."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    period = data["period"]
    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = "数据汇总"
    append_row(ws, [f"{period.name}成员单位工作报告 · 数据汇总(仅统计已通过的报告)"])
    ws["A1"].font = bold
    append_row(ws, ["代码", "数据项", "计量单位", "规划目标", "合计", "报送单位明细"])
    for cell in ws[2]:
        cell.font = bold
    for row in data["figures"]:
        t = row["target"]
        detail = ";".join(f"{u.name} {plain_number(v)}" for u, v in row["per_unit"])
        total = float(row["total"]) if row["total"] is not None else None
        append_row(ws, [t.code, t.name, t.unit, float(t.value), total, detail])
    for col, width in zip("ABCDEF", (30, 36, 10, 12, 12, 60), strict=False):
        ws.column_dimensions[col].width = width

    ws2 = wb.create_sheet("任务进展")
    append_row(ws2, ["工程", "任务", "责任单位", "进展", "工作情况", "数据"])
    for cell in ws2[1]:
        cell.font = bold
    for group in data["groups"]:
        programme = str(group["programme"]) if group["programme"] else "组织实施"
        for item in group["tasks"]:
            for row in item["rows"]:
                entry = row["entry"]
                figs = ";".join(f"{f.target.name} {plain_number(f.value)}{f.target.unit}" for f in row["figures"])
                append_row(
                    ws2,
                    [
                        programme,
                        str(item["task"]),
                        row["unit"].name,
                        entry.get_progress_display() if entry else "",
                        entry.narrative if entry else "",
                        figs,
                    ],
                )
    for col, width in zip("ABCDEF", (20, 36, 18, 10, 80, 40), strict=False):
        ws2.column_dimensions[col].width = width
    for row in ws2.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")

    ws3 = wb.create_sheet("报送情况")
    append_row(ws3, ["单位", "状态", "首次提交", "是否按时", "录入人", "代录", "最后修改人"])
    for cell in ws3[1]:
        cell.font = bold
    for report in data["reports"]:
        append_row(
            ws3,
            [
                report.unit.name,
                report.get_status_display(),
                (
                    timezone.localtime(report.first_submitted_at).strftime("%Y-%m-%d %H:%M")
                    if report.first_submitted_at
                    else ""
                ),
                "逾期" if report.is_late else "按时",
                report.entered_by.display_name if report.entered_by else "",
                "是" if report.entered_on_behalf else "",
                report.last_edited_by.display_name if report.last_edited_by else "",
            ],
        )
    return workbook_bytes(wb)  # user text is never a formula (common.spreadsheets)
