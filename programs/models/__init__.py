"""The plan as data (plan.py), the filing organisations below the districts (organisations.py) and the
member units' periodic work reports on the plan (reports.py)."""

from common.storage import private_storage

from .organisations import Organisation
from .plan import (
    Plan,
    PlanBaseline,
    PlanTarget,
    Programme,
    Region,
    ResponsibleUnit,
    TargetPopulation,
    Task,
    TaskAssignment,
)
from .reports import (
    OverdueDigest,
    ReportingPeriod,
    UnitReport,
    UnitReportAttachment,
    UnitReportEntry,
    UnitReportFigure,
    UnitReportTransition,
    attachment_path,
)

__all__ = [
    "Organisation",
    "OverdueDigest",
    "Plan",
    "PlanBaseline",
    "PlanTarget",
    "Programme",
    "Region",
    "ReportingPeriod",
    "ResponsibleUnit",
    "TargetPopulation",
    "Task",
    "TaskAssignment",
    "UnitReport",
    "UnitReportAttachment",
    "UnitReportEntry",
    "UnitReportFigure",
    "UnitReportTransition",
    "attachment_path",
    "private_storage",
]
