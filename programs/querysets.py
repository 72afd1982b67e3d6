"""Reads for the plan: QuerySet methods exposed through managers."""

from __future__ import annotations

from django.db import models


class PlanQuerySet(models.QuerySet):
    def current(self):
        """The plan the portal runs now: the one that starts last (None before `load_plan`)."""
        return self.order_by("-start_year").first()


class RegionQuerySet(models.QuerySet):
    def subtree(self, region):
        """The region and everything below it (towns, villages)."""
        return self.filter(path__startswith=region.path)

    def districts(self):
        return self.filter(level="district")

    def city(self):
        return self.filter(level="city")


class ResponsibleUnitQuerySet(models.QuerySet):
    def with_task_counts(self):
        return self.annotate(task_count=models.Count("assignments", distinct=True))

    def expected_to_report(self, plan, programme=None, population=None):
        """Units with assigned tasks in the plan (optionally in a programme / aimed at a population):
        the units every reporting period expects a report from."""
        tasks = models.Q(assignments__task__plan=plan)
        if programme is not None:
            tasks &= models.Q(assignments__task__programme=programme)
        if population is not None:
            tasks &= models.Q(assignments__task__populations=population)
        ids = self.filter(tasks).values("pk")
        return self.filter(pk__in=ids)


class TaskQuerySet(models.QuerySet):
    def tasks(self):
        return self.filter(level="task")

    def measures(self):
        return self.filter(level="measure")

    def assigned_to(self, unit):
        """Tasks whose 〔责任单位〕 line names the unit (directly or through a group phrase)."""
        return self.filter(assignments__unit=unit)

    def for_population(self, population):
        """Tasks aimed at a population, with their measures."""
        return self.filter(models.Q(populations=population) | models.Q(parent__populations=population)).distinct()

    def with_tree(self):
        return self.select_related("programme", "parent").prefetch_related(
            "populations", "targets", "assignments__unit"
        )


# --- member-unit work reports ---------------------------------------------------------------
class ReportingPeriodQuerySet(models.QuerySet):
    def open(self):
        return self.filter(is_open=True)

    def for_plan(self, plan):
        return self.filter(plan=plan)

    def with_window(self, today):
        """Annotate `window_state`: "not_yet" / "open" / "closed" for filers on `today`
        (the same rule as ReportingPeriod.window)."""
        return self.annotate(
            window_state=models.Case(
                models.When(is_open=False, then=models.Value("closed")),
                models.When(opens_on__gt=today, then=models.Value("not_yet")),
                models.When(closes_on__lt=today, then=models.Value("closed")),
                default=models.Value("open"),
                output_field=models.CharField(),
            )
        )


class UnitReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """accounts.scope: office and leaders read all; a liaison its unit's; a district office the reports of
        the units of its region (its district government's); anyone else nothing."""
        from accounts import scope

        return scope.readable(user, self)

    def changeable_by(self, user):
        from accounts import scope

        return scope.changeable(user, self)

    def accepted(self):
        return self.filter(status="accepted")

    def filed(self):
        """Reports that have been submitted at least once and are not waiting for a re-filing."""
        return self.filter(status__in=("submitted", "accepted"))

    def for_period(self, period):
        return self.filter(period=period)

    def with_detail(self):
        return self.select_related(
            "unit", "period", "entered_by", "last_edited_by", "submitted_by", "decided_by"
        ).prefetch_related("entries__task", "entries__attachments", "figures__target", "transitions__actor")


def plain_number(value) -> str:
    """4650.00 → "4650", 12.50 → "12.5" (no exponent, no trailing zeros)."""
    if value is None:
        return ""
    text = format(value.normalize() if hasattr(value, "normalize") else value, "f")
    return text


def end_of_day(day):
    """The first instant after `day` in the portal's time zone (deadline comparisons in SQL)."""
    import datetime as dt

    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


FILING_RETURNED, FILING_ON_TIME, FILING_LATE, FILING_NONE = 3, 2, 1, 0


def completeness_rows(units, periods):
    """Units × periods in ONE query: for each period the unit's report status, its id and whether
    its first submission came by the due date — conditional aggregates over the reports join.
    A report returned and not yet resubmitted is FILING_RETURNED, not filed (as in the digest)."""
    annotations = {}
    for period in periods:
        here = models.Q(reports__period_id=period.pk)
        cutoff = end_of_day(period.due_on)
        annotations[f"status_{period.pk}"] = models.Max("reports__status", filter=here)
        annotations[f"report_{period.pk}"] = models.Max("reports__id", filter=here)
        annotations[f"filing_{period.pk}"] = models.Max(
            models.Case(
                models.When(here & models.Q(reports__status="returned"), then=models.Value(FILING_RETURNED)),
                models.When(here & models.Q(reports__first_submitted_at__lt=cutoff), then=models.Value(FILING_ON_TIME)),
                models.When(here & models.Q(reports__first_submitted_at__isnull=False), then=models.Value(FILING_LATE)),
                default=models.Value(FILING_NONE),
                output_field=models.IntegerField(),
            )
        )
    return units.annotate(**annotations).order_by("order", "name")


def report_change_log(report):
    """Every saved change to a report, its entries, figures and attachments (django-simple-history),
    newest first: (when, who, what)."""
    from .models import UnitReportAttachment, UnitReportEntry, UnitReportFigure

    rows = []
    for h in report.history.select_related("history_user"):
        what = {"+": "创建报告", "~": "修改报告", "-": "删除报告"}[h.history_type]
        prev = h.prev_record
        if prev is not None:
            changed = [
                c.field
                for c in h.diff_against(prev).changes
                if c.field not in ("updated_at", "version", "last_edited_by")
            ]
            labels = {"summary": "总体情况", "source_note": "材料来源", "entered_by": "录入人", "status": "状态"}
            if changed:
                what += ":" + "、".join(labels.get(f, f) for f in changed)
        rows.append((h.history_date, h.history_user, what))
    progress = dict(UnitReportEntry.Progress.choices)
    for h in UnitReportEntry.history.filter(report_id=report.pk).select_related("history_user", "task"):
        if h.history_type == "+":
            continue  # entries are created with the report
        state = progress.get(h.progress, h.progress)
        rows.append(
            (
                h.history_date,
                h.history_user,
                f"{h.task.code} {h.task.title}:进展“{state}”,工作情况 {len(h.narrative)} 字",
            )
        )
    for h in UnitReportFigure.history.filter(report_id=report.pk).select_related("history_user", "target"):
        if h.history_type == "-":
            rows.append((h.history_date, h.history_user, f"清除数据“{h.target.name}”"))
        else:
            rows.append(
                (h.history_date, h.history_user, f"数据“{h.target.name}” = {plain_number(h.value)}{h.target.unit}")
            )
    entry_ids = list(report.entries.values_list("pk", flat=True))
    for h in UnitReportAttachment.history.filter(entry_id__in=entry_ids).select_related("history_user"):
        verb = {"+": "上传附件", "~": "修改附件", "-": "删除附件"}[h.history_type]
        rows.append((h.history_date, h.history_user, f"{verb}“{h.original_name}”"))
    rows.sort(key=lambda r: r[0], reverse=True)
    return rows
