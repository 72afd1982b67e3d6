"""Writes for the plan (loading a plan file idempotently) and for the member units' work reports
(periods, reports, figures, attachments, workflow, reminders, consolidated output)."""
from __future__ import annotations

import datetime as _dt
import os
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import Signal
from django.utils import timezone

from common.notify import office_recipients, send_digests
from common.workflow import ConflictError, WorkflowError, apply_transition

from . import clock
from .models import (
    OverdueDigest,
    Plan,
    PlanBaseline,
    PlanTarget,
    Programme,
    Region,
    ReportingPeriod,
    ResponsibleUnit,
    TargetPopulation,
    Task,
    TaskAssignment,
    UnitReport,
    UnitReportAttachment,
    UnitReportEntry,
    UnitReportFigure,
)
from .querysets import plain_number

# Sent after a plan file is loaded; other apps (indicators) add what they derive from it.
plan_loaded = Signal()  # kwargs: plan, data


class PlanFileError(ValueError):
    pass


@dataclass
class LoadStats:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


def _upsert(stats: LoadStats, kind: str, model, lookup: dict, defaults: dict):
    """update_or_create that only writes (and counts) when something differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **defaults)
        stats.count(kind, True)
        return obj
    changed = [k for k, v in defaults.items() if getattr(obj, k) != v]
    if changed:
        for k in changed:
            setattr(obj, k, defaults[k])
        obj.save()
        stats.count(kind, False)
    return obj


def _load_regions(stats, nodes, parent=None):
    for order, node in enumerate(nodes or []):
        region = _upsert(
            stats,
            "region",
            Region,
            {"code": str(node["code"])},
            {
                "name": node["name"],
                "level": node["level"],
                "parent": parent,
                "order": order,
                "note": node.get("note") or "",
            },
        )
        _load_regions(stats, node.get("children"), region)


SPLIT_UNITS = re.compile(r"[,,、;;]")


def split_units_text(text: str) -> list[str]:
    """Split a 〔责任单位:…〕 line into names, dropping a trailing 等 ("and others")."""
    names = []
    for part in SPLIT_UNITS.split(text):
        part = part.strip()
        if part.endswith("等"):
            part = part[:-1]
        if part:
            names.append(part)
    return names


@transaction.atomic
def load_plan_file(path: str | Path) -> tuple[Plan, LoadStats]:
    """Load (or update) a plan from a YAML file. Running it twice changes nothing."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PlanFileError(f"无法读取规划文件 {path}: {exc}") from exc
    if not isinstance(data, dict) or "plan" not in data:
        raise PlanFileError(f"规划文件 {path} 缺少 plan 段")
    stats = LoadStats()
    p = data["plan"]
    plan = _upsert(
        stats,
        "plan",
        Plan,
        {"code": p["code"]},
        {
            "name": p["name"],
            "issuer": p.get("issuer", ""),
            "start_year": p["start_year"],
            "end_year": p["end_year"],
            "published_on": p.get("published_on"),
            "source": p.get("source", ""),
            "goals": (p.get("goals") or "").strip(),
        },
    )
    _load_regions(stats, data.get("regions"))

    populations = {}
    for item in data.get("populations", []):
        populations[item["code"]] = _upsert(
            stats, "population", TargetPopulation, {"code": item["code"]},
            {"name": item["name"], "order": item.get("order", 0)},
        )
    programmes = {}
    for order, item in enumerate(data.get("programmes", []), start=1):
        programmes[str(item["code"])] = _upsert(
            stats, "programme", Programme, {"plan": plan, "code": str(item["code"])},
            {"name": item["name"], "order": item.get("order", order)},
        )
    units = {}
    for order, item in enumerate(data.get("units", []), start=1):
        region = Region.objects.get(code=str(item["region"])) if item.get("region") else None
        units[item["name"]] = _upsert(
            stats, "unit", ResponsibleUnit, {"name": item["name"]},
            {"kind": item["kind"], "is_member": bool(item.get("member", True)), "region": region, "order": order},
        )
    groups = {g["phrase"]: g["expands_to"] for g in data.get("unit_groups", [])}

    def expand(name: str) -> list[tuple[ResponsibleUnit, str]]:
        if name in units:
            return [(units[name], "")]
        if name in groups:
            rule = groups[name]
            if rule == "district_governments":
                members = [u for u in units.values() if u.kind == ResponsibleUnit.Kind.DISTRICT_GOVERNMENT]
            elif rule == "members":
                members = [u for u in units.values() if u.is_member]
            else:
                raise PlanFileError(f"未知的单位集合规则 {rule!r}(表述 {name!r})")
            return [(u, name) for u in members]
        raise PlanFileError(f"责任单位 {name!r} 不在 units 或 unit_groups 中")

    order_counter = 0
    tasks_by_code: dict[str, Task] = {}

    def load_task(item, parent=None, programme=None):
        nonlocal order_counter
        order_counter += 1
        level = Task.Level.MEASURE if parent is not None else Task.Level.TASK
        task = _upsert(
            stats, "task", Task, {"plan": plan, "code": str(item["code"])},
            {
                "programme": programme,
                "parent": parent,
                "number": str(item.get("number", "")),
                "level": level,
                "title": item["title"],
                "text": (item.get("text") or "").strip(),
                "units_text": (item.get("units_text") or "").strip(),
                "order": order_counter,
            },
        )
        wanted_pops = {populations[c].pk for c in item.get("populations") or []}
        if set(task.populations.values_list("pk", flat=True)) != wanted_pops:
            task.populations.set(wanted_pops)
            stats.count("task_population", False)
        if item.get("units") is not None:
            wanted = []
            for name in item["units"]:
                for unit, via in expand(name):
                    if unit.pk not in {u.pk for u, _ in wanted}:
                        wanted.append((unit, via))
            existing = {a.unit_id: a for a in task.assignments.all()}
            for order, (unit, via) in enumerate(wanted, start=1):
                _upsert(stats, "assignment", TaskAssignment, {"task": task, "unit": unit},
                        {"order": order, "via_group": via})
            stale = set(existing) - {u.pk for u, _ in wanted}
            if stale:
                TaskAssignment.objects.filter(task=task, unit_id__in=stale).delete()
                stats.count("assignment_removed", False)
        tasks_by_code[task.code] = task
        for child in item.get("measures") or []:
            load_task(child, parent=task, programme=programme)
        return task

    for item in data.get("tasks", []):
        programme = programmes[str(item["programme"])] if item.get("programme") else None
        load_task(item, programme=programme)

    for item in data.get("targets", []):
        target = _upsert(
            stats, "target", PlanTarget, {"plan": plan, "code": item["code"]},
            {
                "task": tasks_by_code[str(item["task"])] if item.get("task") else None,
                "population": populations[item["population"]] if item.get("population") else None,
                "name": item["name"],
                "clause": item.get("clause") or "",
                "value": Decimal(str(item["value"])),
                "unit": item["unit"],
                "year": item.get("year"),
                "kind": item["kind"],
                "comparator": item.get("comparator", ">="),
                "quote": item.get("quote") or "",
                "note": item.get("note") or "",
            },
        )
        if "reported_by" in item:
            wanted = {unit.pk for name in item.get("reported_by") or [] for unit, _via in expand(name)}
            if set(target.reporting_units.values_list("pk", flat=True)) != wanted:
                target.reporting_units.set(wanted)
                stats.count("target_reporting_units", False)
    for item in data.get("baselines", []):
        target = PlanTarget.objects.get(plan=plan, code=item["target"])
        _upsert(
            stats, "baseline", PlanBaseline, {"target": target, "year": item["year"]},
            {"value": Decimal(str(item["value"])), "quote": item.get("quote") or ""},
        )
    plan_loaded.send(sender=Plan, plan=plan, data=data, stats=stats)
    return plan, stats


# === member-unit work reports (issue 5) =====================================================
# Writes and transitions for reporting periods and unit reports. Reads live in querysets.py.

FIGURE_MAX = Decimal("99999999")  # a figure above this is a typing error, not a result


class ReportLocked(WorkflowError):
    """The report may not be edited in its current state (message shown to the user)."""

    status_code = 403


# --- periods ------------------------------------------------------------------------------
@transaction.atomic
def open_period(plan, *, year: int, kind: str, half: int | None = None, opens_on, due_on, closes_on,
                user=None, name: str = "") -> ReportingPeriod:
    """The office opens a period; every unit with assigned tasks is then expected to report."""
    if user is not None and not user.is_office:
        raise PermissionDenied("只有领导小组办公室可以开启报送周期。")
    if kind == ReportingPeriod.Kind.YEAR:
        half = None
    elif half not in (1, 2):
        raise ValidationError({"half": "半年报送周期必须指明上半年或下半年。"})
    if not (opens_on <= due_on <= closes_on):
        raise ValidationError({"due_on": "日期须满足:开始填报 ≤ 截止报送 ≤ 关闭日期。"})
    name = name or ReportingPeriod.default_name(year, kind, half)
    if ReportingPeriod.objects.filter(plan=plan, year=year, kind=kind, half=half).exists():
        raise ValidationError({"year": f"报送周期“{name}”已存在。"})
    return ReportingPeriod.objects.create(
        plan=plan, year=year, kind=kind, half=half, name=name, opens_on=opens_on, due_on=due_on,
        closes_on=closes_on, is_open=True, opened_by=user,
    )


def set_period_open(period: ReportingPeriod, is_open: bool, user) -> ReportingPeriod:
    if not user.is_office:
        raise PermissionDenied("只有领导小组办公室可以开启或关闭报送周期。")
    ReportingPeriod.objects.filter(pk=period.pk).update(is_open=is_open)
    period.refresh_from_db()
    return period


# --- what a unit reports -------------------------------------------------------------------
def report_tasks(unit, plan):
    """The tasks a unit reports on: every task whose 〔责任单位〕 line names it (measures inherit)."""
    return Task.objects.filter(plan=plan, level=Task.Level.TASK, assignments__unit=unit).select_related(
        "programme").order_by("order").distinct()


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
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{label}必须填写数字(您填写的是“{str(raw)[:20]}”)。", code="not_a_number")
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
    unit_id = getattr(report_or_unit, "unit_id", None) or report_or_unit.pk
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("请先登录。")
    if user.is_office:
        return
    if user.is_liaison and user.unit_id == unit_id:
        return
    raise PermissionDenied("您无权填报该单位的工作报告。")


def ensure_filing_window(period: ReportingPeriod, user, today: _dt.date | None = None, doing: str = "填报") -> None:
    """A liaison starts, edits and submits only inside the period's window: the office's switch is
    on and opens_on ≤ today ≤ closes_on. Office staff are not bound by the window: they log
    material e-mailed late on the unit's behalf (and submit it) after closing, and review at any
    time; the due date itself never blocks anyone (late filings are allowed and shown as late)."""
    if user.is_office:
        return
    today = today or clock.today()
    state = period.window(today)
    if state == ReportingPeriod.NOT_YET:
        raise ReportLocked(
            f"报送周期“{period.name}”将于 {period.opens_on:%Y-%m-%d} 开始填报,目前还不能{doing}。"
        )
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
    report = UnitReport(unit=unit, period=period, entered_by=user, last_edited_by=user,
                        source_note=source_note[:200])
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
def save_report(report: UnitReport, user, *, entries: dict | None = None, figures: dict | None = None,
                summary: str | None = None, source_note: str | None = None,
                expected_version: int | None = None, uploads: list | None = None,
                today: _dt.date | None = None) -> UnitReport:
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
    progress_values = set(UnitReportEntry.Progress.values)
    clean_entries = {}
    for task_id, data in (entries or {}).items():
        task_id = int(task_id)
        if task_id not in allowed_tasks:
            errors.setdefault(f"entry_{task_id}", []).append("该任务不属于本单位承担的任务,不能填报。")
            continue
        progress = (data.get("progress") or UnitReportEntry.Progress.NOT_STARTED)
        if progress not in progress_values:
            errors.setdefault(f"progress_{task_id}", []).append("进展只能是“未开始”“推进中”或“已完成”。")
            continue
        narrative = (data.get("narrative") or "").strip()
        if len(narrative) > 5000:
            errors.setdefault(f"narrative_{task_id}", []).append("工作情况不能超过 5000 字。")
            continue
        clean_entries[task_id] = (progress, narrative)
    targets = {t.pk: t for t in report_targets(report.unit, report.period.plan)}
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
    for task_id, upload in uploads or []:
        if int(task_id) not in allowed_tasks:
            errors.setdefault(f"file_{task_id}", []).append("该任务不属于本单位承担的任务,不能上传附件。")
            continue
        try:
            sniff_attachment(upload)
        except ValidationError as exc:
            errors.setdefault(f"file_{task_id}", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    for task_id, (progress, narrative) in clean_entries.items():
        entry = UnitReportEntry.objects.filter(report=report, task_id=task_id).first()
        if entry is None:
            entry = UnitReportEntry(report=report, task_id=task_id)
        elif (entry.progress, entry.narrative) == (progress, narrative):
            continue
        entry.progress, entry.narrative = progress, narrative
        entry._history_user = user
        entry.save()
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
    if summary is not None:
        report.summary = summary.strip()[:5000]
    if source_note is not None:
        report.source_note = source_note.strip()[:200]
    for task_id, upload in uploads or []:
        entry, _created = UnitReportEntry.objects.get_or_create(report=report, task_id=int(task_id))
        attachment = UnitReportAttachment(
            entry=entry, original_name=(upload.name or "附件")[-200:], content_type=sniff_attachment(upload),
            size=upload.size, uploaded_by=user,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment._history_user = user
        attachment.save()
    report.last_edited_by = user
    report.version += 1  # the row is locked (select_for_update) above
    report._history_user = user
    report.save()
    report.refresh_from_db()
    return report


# --- attachments ---------------------------------------------------------------------------
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def max_attachment_bytes() -> int:
    return int(getattr(settings, "KEPU_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024))


def sniff_attachment(upload) -> str:
    """The content type of an upload judged by its bytes; ValidationError when it is not an
    allowed type or its content does not match its extension."""
    name = upload.name or ""
    ext = os.path.splitext(name)[1].lower()
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError(f"附件“{name}”的类型不允许,只接受 PDF、Word(docx)、Excel(xlsx)、JPEG、PNG 文件。")
    if upload.size > max_attachment_bytes():
        raise ValidationError(
            f"附件“{name}”过大({upload.size / 1048576:.1f} MB),单个附件不能超过 {max_attachment_bytes() // 1048576} MB。"
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    ok = False
    if ext == ".pdf":
        ok = head.startswith(b"%PDF-")
    elif ext == ".png":
        ok = head.startswith(b"\x89PNG\r\n\x1a\n")
    elif ext in (".jpg", ".jpeg"):
        ok = head.startswith(b"\xff\xd8\xff")
    elif ext in (".docx", ".xlsx"):
        if head.startswith(b"PK\x03\x04"):
            try:
                with zipfile.ZipFile(upload) as zf:
                    names = zf.namelist()
                ok = "[Content_Types].xml" in names and any(
                    n.startswith("word/" if ext == ".docx" else "xl/") for n in names
                )
            except zipfile.BadZipFile:
                ok = False
            upload.seek(0)
    if not ok:
        raise ValidationError(f"附件“{name}”的内容与扩展名不符或文件已损坏,请上传真实的 {ext[1:].upper()} 文件。")
    return ATTACHMENT_TYPES[ext]


@transaction.atomic
def remove_attachment(attachment: UnitReportAttachment, user) -> None:
    ensure_editable(attachment.entry.report, user)
    attachment._history_user = user
    stored = attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))


# --- workflow ------------------------------------------------------------------------------
def transition_report(report: UnitReport, action: str, user, reason: str = "",
                      expected_version: int | None = None, today: _dt.date | None = None) -> UnitReport:
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


# --- completeness ----------------------------------------------------------------------------
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
    from .querysets import FILING_LATE, FILING_ON_TIME, FILING_RETURNED

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
    from .querysets import completeness_rows

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
            cells.append({
                "period": period, "state": state, "state_label": FILING_LABELS[state], "status": status,
                "status_label": status_labels.get(status, "") if status else "",
                "report_id": getattr(unit, f"report_{period.pk}"),
            })
        rows.append({"unit": unit, "cells": cells})
    return {"periods": periods, "rows": rows, "totals": [totals[p.pk] for p in periods], "today": today}


# --- reminders -----------------------------------------------------------------------------
def send_report_reminders(today: _dt.date | None = None) -> dict:
    """Before the due date (settings.KEPU_REMINDER_DAYS_BEFORE days) remind the liaisons of units
    that have not filed; after it send the office one digest of who is overdue. One e-mail per
    recipient per run (common.notify.send_digests).

    The overdue digest is not repeated daily: it goes out only when the overdue set — (period,
    unit, 未提交 / 被退回) — differs from the one in the latest OverdueDigest row, and each change
    is recorded (an empty set too, with recipients=0, so a unit falling overdue again is sent)."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    today = today or clock.today()
    days_before = {int(d) for d in settings.KEPU_REMINDER_DAYS_BEFORE}
    reminders: dict[str, list[str]] = {}
    overdue: list[str] = []
    overdue_items: list[tuple[int, int, str]] = []
    for period in ReportingPeriod.objects.open().select_related("plan").order_by("due_on", "pk"):
        if today < period.opens_on or today > period.closes_on:
            continue
        days_left = (period.due_on - today).days
        if days_left not in days_before and days_left >= 0:
            continue
        filed = UnitReport.objects.filter(period=period, status__in=("submitted", "accepted")).values("unit_id")
        unfiled = ResponsibleUnit.objects.expected_to_report(period.plan).exclude(pk__in=filed).order_by("order")
        returned = set(
            UnitReport.objects.filter(period=period, status="returned").values_list("unit_id", flat=True)
        )
        if days_left >= 0:
            liaisons = User.objects.filter(role="liaison", is_active=True, unit__in=unfiled).exclude(email="")
            by_unit: dict[int, set[str]] = {}
            for user in liaisons:
                by_unit.setdefault(user.unit_id, set()).add(user.email)
            for unit in unfiled:
                emails = by_unit.get(unit.pk, set()) | ({unit.contact_email} if unit.contact_email else set())
                what = "已被退回,请修改后重新提交" if unit.pk in returned else "尚未提交"
                for email in emails:
                    reminders.setdefault(email, []).append(
                        f"{period.name}:{unit.name}的工作报告{what},截止日期 {period.due_on:%Y-%m-%d}(还有 {days_left} 天)。"
                    )
        else:
            for unit in unfiled:
                what = "被退回后未重新提交" if unit.pk in returned else "未提交"
                overdue_items.append((period.pk, unit.pk, "returned" if unit.pk in returned else "missing"))
                overdue.append(
                    f"{period.name}:{unit.name} {what}(截止 {period.due_on:%Y-%m-%d},已逾期 {-days_left} 天)"
                )
    link = f"{settings.SITE_URL.rstrip('/')}/plan/reports/"
    sent_reminders = send_digests(
        "【科普工作管理平台】工作报告报送提醒", reminders, footer=f"请登录平台填报:{link}"
    )
    sent_overdue = 0
    items = sorted(overdue_items)
    last = OverdueDigest.objects.order_by("-id").first()
    changed = items != ([tuple(i) for i in last.items] if last else [])
    if changed:
        if overdue:
            sent_overdue = send_digests(
                "【科普工作管理平台】工作报告逾期汇总", {email: overdue for email in office_recipients()},
                footer=f"报送情况一览:{link}completeness/",
            )
        OverdueDigest.objects.create(sent_on=today, items=[list(i) for i in items], body="\n".join(overdue),
                                     recipients=sent_overdue)
    return {"reminders": sent_reminders, "overdue": sent_overdue, "overdue_units": len(overdue),
            "overdue_changed": changed}


# --- consolidated output -------------------------------------------------------------------
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
    for task in Task.objects.filter(plan=period.plan, level=Task.Level.TASK).select_related("programme").order_by(
        "programme__order", "order"
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
        for row in UnitReportFigure.objects.filter(report_id__in=report_ids).values("target").annotate(
            total=Sum("value")
        )
    }
    targets = PlanTarget.objects.filter(plan=period.plan, reporting_units__isnull=False).distinct().order_by("id")
    figure_rows = []
    for target in targets:
        per_unit = [
            (fig.report.unit, fig.value)
            for fig in UnitReportFigure.objects.filter(report_id__in=report_ids, target=target)
            .select_related("report__unit").order_by("report__unit__order")
        ]
        figure_rows.append({"target": target, "total": sums.get(target.pk), "per_unit": per_unit})
    return {"period": period, "reports": reports, "groups": groups, "figures": figure_rows}


def _xlsx_text(value):
    """Plain text for a cell: never let a narrative be read as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def consolidated_xlsx(data: dict) -> bytes:
    """The consolidated report as an xlsx workbook: figure totals, task progress, filing list."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    period = data["period"]
    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = "数据汇总"
    ws.append([f"{period.name}成员单位工作报告 · 数据汇总(仅统计已通过的报告)"])
    ws["A1"].font = bold
    ws.append(["代码", "数据项", "计量单位", "规划目标", "合计", "报送单位明细"])
    for cell in ws[2]:
        cell.font = bold
    for row in data["figures"]:
        t = row["target"]
        detail = ";".join(f"{u.name} {plain_number(v)}" for u, v in row["per_unit"])
        ws.append([t.code, t.name, t.unit, float(t.value), float(row["total"]) if row["total"] is not None else None,
                   detail])
    for col, width in zip("ABCDEF", (30, 36, 10, 12, 12, 60)):
        ws.column_dimensions[col].width = width

    ws2 = wb.create_sheet("任务进展")
    ws2.append(["工程", "任务", "责任单位", "进展", "工作情况", "数据"])
    for cell in ws2[1]:
        cell.font = bold
    for group in data["groups"]:
        programme = str(group["programme"]) if group["programme"] else "组织实施"
        for item in group["tasks"]:
            for row in item["rows"]:
                entry = row["entry"]
                figs = ";".join(f"{f.target.name} {plain_number(f.value)}{f.target.unit}" for f in row["figures"])
                ws2.append([
                    programme, str(item["task"]), row["unit"].name,
                    entry.get_progress_display() if entry else "", _xlsx_text(entry.narrative if entry else ""),
                    figs,
                ])
    for col, width in zip("ABCDEF", (20, 36, 18, 10, 80, 40)):
        ws2.column_dimensions[col].width = width
    for row in ws2.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")

    ws3 = wb.create_sheet("报送情况")
    ws3.append(["单位", "状态", "首次提交", "是否按时", "录入人", "代录", "最后修改人"])
    for cell in ws3[1]:
        cell.font = bold
    for report in data["reports"]:
        ws3.append([
            report.unit.name, report.get_status_display(),
            timezone.localtime(report.first_submitted_at).strftime("%Y-%m-%d %H:%M") if report.first_submitted_at else "",
            "逾期" if report.is_late else "按时",
            report.entered_by.display_name if report.entered_by else "",
            "是" if report.entered_on_behalf else "",
            report.last_edited_by.display_name if report.last_edited_by else "",
        ])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
