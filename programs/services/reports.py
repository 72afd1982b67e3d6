"""Member units' work reports: what a unit reports, checking figures, who may file and
when, starting and saving a report, and its workflow transitions. Reads live in querysets.py."""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from accounts import scope
from common import clock
from common.workflow import ConflictError, WorkflowError, apply_transition

from ..models import PlanTarget, ReportingPeriod, Task, UnitReport, UnitReportEntry, UnitReportFigure
from . import attachments as attachment_services

FIGURE_MAX = Decimal("99999999")  # a figure above this is a typing error, not a result


class ReportLocked(WorkflowError):
    """The report may not be edited in its current state (message shown to the user)."""

    status_code = 403


# --- what a unit reports -------------------------------------------------------------------
def report_tasks(unit, plan):
    """The tasks a unit reports on: every task whose 〔责任单位〕 line names it (measures inherit)."""
    return (
        Task.objects.filter(plan=plan, level=Task.Level.TASK, assignments__unit=unit)
        .select_related("programme")
        .order_by("order")
        .distinct()
    )


def reportable_task_ids(unit, plan) -> set[int]:
    """Tasks (and their measures) on which the unit may write an entry."""
    tasks = set(report_tasks(unit, plan).values_list("pk", flat=True))
    return tasks | set(Task.objects.filter(parent_id__in=tasks).values_list("pk", flat=True))


def report_targets(unit, plan):
    """The figures the unit answers for (PlanTarget.reporting_units)."""
    return PlanTarget.objects.filter(plan=plan, reporting_units=unit).select_related("task").order_by("id")


def is_percentage(target) -> bool:
    return target.unit.strip() in ("%", "%", "百分比")


def parse_figure(target, raw) -> Decimal | None:
    """A reported figure, or None when left blank. Raises ValidationError with a Chinese message
    naming the figure: counts are whole numbers ≥ 0, percentages lie between 0 and 100."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    label = f"“{target.name}”"
    text = str(raw).strip().replace(",", "").replace(",", "")
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(f"{label}必须填写数字(您填写的是“{str(raw)[:20]}”)。", code="not_a_number") from exc
    if not value.is_finite():
        raise ValidationError(f"{label}必须填写数字(您填写的是“{str(raw)[:20]}”)。", code="not_a_number")
    if value < 0:
        raise ValidationError(f"{label}不能为负数。", code="negative")
    if is_percentage(target):
        if value > 100:
            raise ValidationError(f"{label}是百分比,应在 0 到 100 之间(您填写的是 {value})。", code="percentage")
        if value != value.quantize(Decimal("0.01")):
            raise ValidationError(f"{label}最多保留两位小数。", code="precision")
        return value.quantize(Decimal("0.01"))
    if value != value.to_integral_value():
        raise ValidationError(
            f"{label}是人数/个数,必须是整数(单位:{target.unit}),您填写的是 {value}。", code="fraction"
        )
    if value > FIGURE_MAX:
        raise ValidationError(
            f"{label}数值过大({value:,.0f}{target.unit}),超过 {FIGURE_MAX:,.0f},请核对后重新填写。", code="too_large"
        )
    return value.quantize(Decimal("1"))


# --- starting and editing a report ---------------------------------------------------------
def ensure_can_file(report_or_unit, user, period=None) -> None:
    """The unit's liaison, or the office on its behalf (accounts.scope)."""
    unit = report_or_unit.unit if hasattr(report_or_unit, "unit_id") else report_or_unit
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("请先登录。")
    if not scope.can_file_for_unit(user, unit):
        raise PermissionDenied("您无权填报该单位的工作报告。")


def ensure_filing_window(period: ReportingPeriod, user, today: _dt.date | None = None, doing: str = "填报") -> None:
    """A liaison starts, edits and submits only inside the period's window: the office's switch is
    on and opens_on ≤ today ≤ closes_on. Office staff are not bound by the window: they log
    material e-mailed late on the unit's behalf (and submit it) after closing, and review at any
    time; the due date itself never blocks anyone (late filings are allowed and shown as late)."""
    if scope.scope_of(user).writes_all:
        return
    today = today or clock.today()
    state = period.window(today)
    if state == ReportingPeriod.NOT_YET:
        raise ReportLocked(f"报送周期“{period.name}”将于 {period.opens_on:%Y-%m-%d} 开始填报,目前还不能{doing}。")
    if state == ReportingPeriod.CLOSED:
        when = f"已于 {period.closes_on:%Y-%m-%d} 关闭" if period.is_open else "已关闭"
        raise ReportLocked(f"报送周期“{period.name}”{when},不能再{doing};如需补报请联系领导小组办公室。")


def ensure_editable(report: UnitReport, user, today: _dt.date | None = None) -> None:
    ensure_can_file(report, user)
    if report.status == "accepted":
        raise ReportLocked("该报告已审核通过并锁定,不能再修改。如确需更正,请联系领导小组办公室。")
    if report.status == "submitted":
        raise ReportLocked("该报告已提交、正在审核,不能修改。如需修改,请联系领导小组办公室退回。")
    ensure_filing_window(report.period, user, today)


@transaction.atomic
def start_report(unit, period, user, source_note: str = "", today: _dt.date | None = None) -> tuple[UnitReport, bool]:
    """Get or create the unit's draft for the period (one per unit per period: an existing report
    is returned, whatever the window). Office staff may start one on the unit's behalf, also
    outside the filing window; `entered_by` keeps who started it for good."""
    ensure_can_file(unit, user)
    existing = UnitReport.objects.filter(unit=unit, period=period).first()
    if existing:
        return existing, False
    ensure_filing_window(period, user, today)
    if not report_tasks(unit, period.plan).exists():
        raise ValidationError(f"{unit.name}在本规划中没有承担任务,无需报送。")
    report = UnitReport(unit=unit, period=period, entered_by=user, last_edited_by=user, source_note=source_note[:200])
    report._history_user = user
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:  # a concurrent start won
        return UnitReport.objects.get(unit=unit, period=period), False
    for task in report_tasks(unit, period.plan):
        entry = UnitReportEntry(report=report, task=task)
        entry._history_user = user
        entry.save()
    return report, True


@transaction.atomic
def save_report(
    report: UnitReport,
    user,
    *,
    entries: dict | None = None,
    figures: dict | None = None,
    summary: str | None = None,
    source_note: str | None = None,
    expected_version: int | None = None,
    uploads: list | None = None,
    today: _dt.date | None = None,
) -> UnitReport:
    """Write the report's content. `entries` maps task id → {"progress", "narrative"}; `figures`
    maps target id → raw value (blank removes the figure). All-or-nothing: any bad value raises
    ValidationError (a dict of field → Chinese message) and nothing is saved. Records the user as
    `last_edited_by`; `entered_by` (who started it, e.g. the office on the unit's behalf) stays."""
    report = UnitReport.objects.select_for_update().select_related("period__plan", "unit").get(pk=report.pk)
    ensure_editable(report, user, today)
    if expected_version is not None and int(expected_version) != report.version:
        raise ConflictError("该报告已被他人修改(例如联络员与办公室同时填写),您看到的是旧版本。请刷新页面后再修改。")
    errors: dict[str, list[str]] = {}
    allowed_tasks = reportable_task_ids(report.unit, report.period.plan)
    clean_entries = _clean_entries(entries, allowed_tasks, errors)
    targets = {t.pk: t for t in report_targets(report.unit, report.period.plan)}
    clean_figures = _clean_figures(figures, targets, errors)
    _check_uploads(uploads, allowed_tasks, errors)
    if errors:
        raise ValidationError(errors)

    _write_entries(report, clean_entries, user)
    _write_figures(report, clean_figures, user)
    if summary is not None:
        report.summary = summary.strip()[:5000]
    if source_note is not None:
        report.source_note = source_note.strip()[:200]
    for task_id, upload in uploads or []:
        attachment_services.add_attachment(report, int(task_id), upload, user)
    report.last_edited_by = user
    report.version += 1  # the row is locked (select_for_update) above
    report._history_user = user
    report.save()
    report.refresh_from_db()
    return report


# save_report's steps: each check adds its messages to `errors` (field → messages) so that every
# bad value is reported at once; the writes run only when there is none.
def _clean_entries(entries: dict | None, allowed_tasks: set[int], errors: dict) -> dict[int, tuple[str, str]]:
    """task id → (progress, narrative) for the valid entries."""
    progress_values = set(UnitReportEntry.Progress.values)
    clean_entries = {}
    for task_id, data in (entries or {}).items():
        task_id = int(task_id)
        if task_id not in allowed_tasks:
            errors.setdefault(f"entry_{task_id}", []).append("该任务不属于本单位承担的任务,不能填报。")
            continue
        progress = data.get("progress") or UnitReportEntry.Progress.NOT_STARTED
        if progress not in progress_values:
            errors.setdefault(f"progress_{task_id}", []).append("进展只能是“未开始”“推进中”或“已完成”。")
            continue
        narrative = (data.get("narrative") or "").strip()
        if len(narrative) > 5000:
            errors.setdefault(f"narrative_{task_id}", []).append("工作情况不能超过 5000 字。")
            continue
        clean_entries[task_id] = (progress, narrative)
    return clean_entries


def _clean_figures(figures: dict | None, targets: dict[int, PlanTarget], errors: dict) -> dict[int, Decimal | None]:
    """target id → parsed value (None: remove the figure) for the valid figures."""
    clean_figures = {}
    for target_id, raw in (figures or {}).items():
        target = targets.get(int(target_id))
        if target is None:
            errors.setdefault(f"figure_{target_id}", []).append("该数据项不由本单位报送。")
            continue
        try:
            clean_figures[target.pk] = parse_figure(target, raw)
        except ValidationError as exc:
            errors.setdefault(f"figure_{target.pk}", []).extend(exc.messages)
    return clean_figures


def _check_uploads(uploads: list | None, allowed_tasks: set[int], errors: dict) -> None:
    for task_id, upload in uploads or []:
        if int(task_id) not in allowed_tasks:
            errors.setdefault(f"file_{task_id}", []).append("该任务不属于本单位承担的任务,不能上传附件。")
            continue
        try:
            attachment_services.sniff_attachment(upload)
        except ValidationError as exc:
            errors.setdefault(f"file_{task_id}", []).extend(exc.messages)


def _write_entries(report: UnitReport, clean_entries: dict[int, tuple[str, str]], user) -> None:
    for task_id, (progress, narrative) in clean_entries.items():
        entry = UnitReportEntry.objects.filter(report=report, task_id=task_id).first()
        if entry is None:
            entry = UnitReportEntry(report=report, task_id=task_id)
        elif (entry.progress, entry.narrative) == (progress, narrative):
            continue
        entry.progress, entry.narrative = progress, narrative
        entry._history_user = user
        entry.save()


def _write_figures(report: UnitReport, clean_figures: dict[int, Decimal | None], user) -> None:
    for target_id, value in clean_figures.items():
        figure = UnitReportFigure.objects.filter(report=report, target_id=target_id).first()
        if value is None:
            if figure is not None:
                figure._history_user = user
                figure.delete()
            continue
        if figure is None:
            figure = UnitReportFigure(report=report, target_id=target_id, value=value)
        elif figure.value == value:
            continue
        figure.value = value
        figure._history_user = user
        figure.save()


# --- workflow ------------------------------------------------------------------------------
def transition_report(
    report: UnitReport,
    action: str,
    user,
    reason: str = "",
    expected_version: int | None = None,
    today: _dt.date | None = None,
) -> UnitReport:
    """submit / accept / return through common.workflow (optimistic lock, log, signal). A liaison
    submits only inside the filing window (ensure_filing_window); the office reviews at any time."""
    with transaction.atomic():
        if action == "submit" and report.can_file(user):
            ensure_filing_window(report.period, user, today, doing="提交")
        report = apply_transition(report, action, user, reason=reason, expected_version=expected_version)
        if action == "submit":
            UnitReport.objects.filter(pk=report.pk, first_submitted_at__isnull=True).update(
                first_submitted_at=F("submitted_at")
            )
            report.refresh_from_db()
    return report
