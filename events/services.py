"""Writes and state changes for campaigns and activity returns (each in one transaction).

Transitions go through common.workflow.apply_transition (optimistic lock, transition log, signal on
commit). Functions that depend on the date take `today=` so tests run on a fixed clock.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Field, Max, Q
from django.utils import timezone

from accounts import scope
from accounts.parties import emails_of, owner_party
from common import clock
from common.notify import office_recipients, send_digests
from common.storage import delete_on_commit
from common.uploads import UploadRejected, check_document, max_photos, stored_name
from common.uploads import check_photo as check_image
from common.uploads import content_type as kind_content_type
from common.workflow import ConflictError, InvalidTransition, TransitionNotAllowed, WorkflowError, apply_transition

from .imports import ImportRejected, ImportReport, as_row_errors, read_sheet
from .models import ActivityPhoto, ActivityReturn, Campaign, CampaignFiling

LOCKED_MESSAGE = "该活动登记已提交、正在审核或已通过,已锁定,不能修改。如需修改,请联系审核单位退回。"
REPORT_LOCKED_MESSAGE = "该活动的补充信息已提交、正在审核或已通过,已锁定,不能修改。如需修改,请联系审核单位退回。"
PHASE_FIELDS = {"": ActivityReturn.REGISTRATION_FIELDS, "report": ActivityReturn.REPORT_FIELDS}
_COLUMNS = [f for f in ActivityReturn.REGISTRATION_FIELDS + ActivityReturn.REPORT_FIELDS if f != "target_populations"]


class ReturnLocked(TransitionNotAllowed):
    """The filer tries to change a phase that is submitted or approved."""


# --- filing and editing ----------------------------------------------------------------------
def check_can_edit(activity: ActivityReturn, user, phase: str = "") -> None:
    if not activity.can_file(user):
        raise TransitionNotAllowed("您无权修改此活动填报。")
    if phase == "report" and activity.is_report_locked():
        raise ReturnLocked(REPORT_LOCKED_MESSAGE)
    if phase == "" and activity.is_locked():
        raise ReturnLocked(LOCKED_MESSAGE)


def _column(name: str) -> str:
    field = ActivityReturn._meta.get_field(name)
    assert isinstance(field, Field)  # a concrete column, not a reverse relation
    return field.attname


def _changed_phases(activity: ActivityReturn, current: dict, populations) -> set[str]:
    """The phases whose fields this save changes (against the stored row)."""
    changed = set()
    for phase, names in PHASE_FIELDS.items():
        for name in names:
            if name == "target_populations":
                if populations is not None and {p.pk if hasattr(p, "pk") else int(p) for p in populations} != set(
                    activity.target_populations.values_list("pk", flat=True)
                ):
                    changed.add(phase)
                continue
            value = getattr(activity, _column(name))
            if name == "summary_file":
                value = activity.summary_file.name or ""
            if value != current[_column(name)] and not (value in (None, "") and current[_column(name)] in (None, "")):
                changed.add(phase)
    return changed


@transaction.atomic
def save_return(
    activity: ActivityReturn,
    user,
    *,
    populations=None,
    expected_version: int | None = None,
    expected_report_version: int | None = None,
    source: str = "form",
) -> ActivityReturn:
    """Create or update an activity with an optimistic lock per phase on updates.

    Each phase's fields change only while that phase is a draft or returned (the registration's while it is,
    the report's while it is); a save that changes a locked phase is refused whole. The owner comes from
    accounts.scope: a new return belongs to the creator's party (the office names one); an update cannot move it
    to another owner (ValidationError naming the field), except by the office."""
    if activity.pk is None:
        scope.settle_owner(user, activity)
        activity.created_by = user
        activity.source = source
        activity.status = "draft"
        activity.report_status = "draft"
        activity.save()
    else:
        columns = [_column(name) for name in _COLUMNS]
        current = (
            ActivityReturn.objects.select_for_update()
            .filter(pk=activity.pk)
            .values(
                "status",
                "version",
                "report_status",
                "report_version",
                "region_id",
                "unit_id",
                "organisation_id",
                "base_id",
                *columns,
            )
            .first()
        )
        if current is None:
            raise WorkflowError("记录不存在。")
        if not ActivityReturn.objects.changeable_by(user).filter(pk=activity.pk).exists():
            raise TransitionNotAllowed("您无权修改此活动填报。")
        activity.status, activity.report_status = current["status"], current["report_status"]
        changed = _changed_phases(activity, current, populations)
        if "" in changed and activity.is_locked():
            raise ReturnLocked(LOCKED_MESSAGE)
        if "report" in changed and activity.is_report_locked():
            raise ReturnLocked(REPORT_LOCKED_MESSAGE)
        if expected_version is not None and int(expected_version) != current["version"]:
            raise ConflictError("该活动登记已被他人修改,您看到的是旧版本。请刷新页面后再修改。")
        if expected_report_version is not None and int(expected_report_version) != current["report_version"]:
            raise ConflictError("该活动的补充信息已被他人修改,您看到的是旧版本。请刷新页面后再修改。")
        scope.settle_owner(user, activity, current)
        activity.version = current["version"] + (1 if "" in changed else 0)
        activity.report_version = current["report_version"] + (1 if "report" in changed else 0)
        activity.save()
        if current["summary_file"] and current["summary_file"] != activity.summary_file.name:
            # replaced or cleared on the form: the old file goes once this commits
            delete_on_commit(
                type(activity.summary_file)(activity, activity.summary_file.field, current["summary_file"])
            )
    if populations is not None:
        activity.target_populations.set(populations)
    return activity


@transaction.atomic
def delete_draft(activity: ActivityReturn, user) -> None:
    """A filer deletes its own draft (never a submitted, approved or returned one)."""
    if not activity.can_file(user):
        raise TransitionNotAllowed("只能删除本区域(单位)的草稿。")
    if activity.status != "draft" or activity.report_status != "draft":
        raise TransitionNotAllowed(
            f"只能删除草稿,该活动登记{activity.get_status_display()}、"
            f"补充信息{activity.get_report_status_display()},不能删除。"
        )
    activity.delete()


def transition(
    activity: ActivityReturn,
    action: str,
    user,
    reason: str = "",
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> ActivityReturn:
    """An action of either phase (submit, approve, return, reopen; submit_report …). Raises WorkflowError
    subclasses with Chinese messages."""
    if action == "submit" and activity.status in ("draft", "returned"):
        problems = submit_problems(activity)
        if problems:
            raise InvalidTransition("还不能提交:" + ";".join(problems))
    if action == "submit_report" and activity.report_status in ("draft", "returned"):
        problems = report_problems(activity, today or clock.today())
        if problems:
            raise InvalidTransition("还不能提交活动补充信息:" + ";".join(problems))
    return apply_transition(activity, action, user, reason=reason, expected_version=expected_version)


def report_problems(activity: ActivityReturn, today: dt.date) -> list[str]:
    """The post-event report follows a registration that was submitted, of an activity that has begun."""
    problems = []
    if activity.status in ("draft", "returned"):
        problems.append("请先提交活动登记")
    if not activity.has_started(today):
        problems.append(f"活动尚未开始({activity.starts_on:%Y年%m月%d日}),活动开始后再填报实际情况")
    if activity.recommended and not activity.recommendation_reason.strip():
        problems.append("推荐为优秀活动须填写推荐理由")
    if activity.recommended and not activity.has_summary:
        problems.append("推荐为优秀活动须有活动简要总结(文字或附件)")
    return problems


def submit_problems(activity: ActivityReturn) -> list[str]:
    problems = []
    if not activity.title.strip():
        problems.append("请填写活动名称")
    return problems


def add_photo(activity: ActivityReturn, user, upload) -> ActivityPhoto:
    return add_photos(activity, user, [upload])[0]


def add_photos(activity: ActivityReturn, user, uploads) -> list[ActivityPhoto]:
    """Add several photos at once, all or nothing: every file is checked before any is stored.

    A bad file refuses the whole upload with a message naming each bad file; nothing is saved.
    """
    uploads = list(uploads)
    check_can_edit(activity, user, "report")
    if not uploads:
        raise UploadRejected("请选择要上传的照片。")
    have = activity.photos.count()
    if have + len(uploads) > max_photos():
        raise UploadRejected(
            f"每个活动最多上传 {max_photos()} 张照片(已有 {have} 张,本次选择了 {len(uploads)} 张)。本次照片均未保存。"
        )
    checked, problems = [], []
    for upload in uploads:
        try:
            checked.append((upload, kind_content_type(check_image(upload))))
        except UploadRejected as exc:
            problems.append(str(exc))
    if problems:
        suffix = "本次选择的照片均未保存,请去掉或更换有问题的文件后重新上传。" if len(uploads) > 1 else ""
        raise UploadRejected("".join(problems) + suffix)
    stored: list[ActivityPhoto] = []
    try:
        with transaction.atomic():
            current = (
                ActivityReturn.objects.select_for_update()
                .filter(pk=activity.pk)
                .values("report_status", "report_version")
                .first()
            )
            if current is None:
                raise WorkflowError("记录不存在。")
            activity.report_status = current["report_status"]
            check_can_edit(activity, user, "report")
            for upload, content_type in checked:
                photo = ActivityPhoto(
                    activity=activity,
                    content_type=content_type,
                    size=upload.size or 0,
                    original_name=(upload.name or "")[:200],
                    uploaded_by=user,
                )
                photo.file.save(stored_name("png" if content_type == "image/png" else "jpeg"), upload, save=False)
                stored.append(photo)
                photo.save()
            ActivityReturn.objects.filter(pk=activity.pk).update(report_version=current["report_version"] + 1)
    except Exception:
        for photo in stored:  # the rows were rolled back: remove their files too
            photo.file.delete(save=False)
        raise
    activity.report_version = current["report_version"] + 1
    return stored


@transaction.atomic
def delete_photo(photo: ActivityPhoto, user) -> None:
    check_can_edit(photo.activity, user, "report")
    photo.file.delete(save=False)
    photo.delete()


def validate_summary_file(upload) -> None:
    check_document(upload)


# --- per-activity summary due dates ----------------------------------------------------------
SUMMARY_OVERDUE_DAYS = 30  # an overdue activity summary is chased for a month after its due date


def summaries_due(queryset, today: dt.date, horizon_days: int) -> list[tuple[ActivityReturn, dt.date, int]]:
    """(return, due date, days left) for registered campaign activities still missing their summary, due within
    `horizon_days` or overdue by at most SUMMARY_OVERDUE_DAYS. Two queries whatever the data size."""
    longest = Campaign.objects.aggregate(m=Max("summary_days_after"))["m"] or 0
    candidates = queryset.summary_outstanding(
        today - dt.timedelta(days=longest + SUMMARY_OVERDUE_DAYS), today + dt.timedelta(days=horizon_days)
    )
    rows = []
    for activity in candidates:
        left = activity.summary_days_left(today)
        if -SUMMARY_OVERDUE_DAYS <= left <= horizon_days:
            rows.append((activity, activity.summary_due_on, left))
    rows.sort(key=lambda r: (r[1], r[0].pk))
    return rows


# --- campaign filings (活动安排表 / 工作总结) ----------------------------------------------------
def filer_party(user) -> dict:
    """The owner fields of the user's party (accounts.scope), for campaign filings."""
    if scope.scope_of(user).kind not in scope.FILER_KINDS:
        raise TransitionNotAllowed("只有填报单位(辖市(区)、镇(街道)、基层组织、基地、成员单位)报送活动安排表和总结。")
    return scope.owner_for(user)


@transaction.atomic
def file_campaign(
    campaign: Campaign, user, kind: str, *, text: str = "", upload=None, now: dt.datetime | None = None
) -> CampaignFiling:
    """Record the region's (unit's) schedule or summary. Filing the schedule submits its drafts."""
    party = filer_party(user)
    if campaign.published_at is None:
        raise WorkflowError("该活动专项尚未发布,不能报送。")
    if kind not in CampaignFiling.Kind.values:
        raise WorkflowError("未知的报送类型。")
    now = now or timezone.now()
    filing = CampaignFiling.objects.filter(campaign=campaign, kind=kind, **party).first()
    if filing is None:  # the first filing time is what "on time" is judged by
        filing = CampaignFiling(campaign=campaign, kind=kind, filed_at=now, **party)
    filing.filed_by = user
    filing.text = text or filing.text
    if upload is not None:
        file_kind = check_document(upload)
        if filing.file:
            delete_on_commit(filing.file)  # a second filing replaces the file: the old one goes once this commits
        filing.file.save(stored_name(file_kind), upload, save=False)
    filing.save()
    if kind == CampaignFiling.Kind.SCHEDULE:
        drafts = ActivityReturn.objects.changeable_by(user).filter(campaign=campaign, status="draft")
        for activity in drafts:
            transition(activity, "submit", user)
    return filing


# --- reminders and the overdue digest ---------------------------------------------------------
def _recipients_for(region=None, unit=None) -> list[str]:
    """The e-mail addresses of the users who act for a region (its district office or town clerk) or a unit
    (its liaisons and the unit's contact address): accounts.parties answers."""
    return emails_of(region if region is not None else unit)


def _filer_emails_for(activity: ActivityReturn, cache: dict) -> list[str]:
    """The users who act for the return's owner; for a return owned below a district with no such user, the
    district office's. `cache` lives for one run: one lookup per owner, not per return."""
    key = (activity.region_id, activity.unit_id, activity.organisation_id, activity.base_id)
    if key not in cache:
        cache[key] = emails_of(owner_party(activity), fallback_to_district=True)
    return cache[key]


def send_deadline_reminders(today: dt.date | None = None) -> dict:
    """Remind those who have not filed N days before each due date; one overdue digest to the office.

    One e-mail per recipient per run (common.notify.send_digests), whatever the number of items.
    """
    today = today or clock.today()
    days_before = sorted(set(settings.KEPU_REMINDER_DAYS_BEFORE))
    reminder_lines: dict[str, list[str]] = {}
    overdue_lines: list[str] = []
    due_fields = (("schedule", "schedule_due", "活动安排表"), ("summary", "summary_due", "活动总结"))
    horizon = today + dt.timedelta(days=max(days_before or [0]))
    campaigns = (
        Campaign.objects.published()
        .filter(
            Q(schedule_due__gte=today - dt.timedelta(days=60), schedule_due__lte=horizon)
            | Q(summary_due__gte=today - dt.timedelta(days=60), summary_due__lte=horizon)
        )
        .prefetch_related("regions", "units")
    )
    for campaign in campaigns:
        filed = set(
            CampaignFiling.objects.filter(campaign=campaign, organisation__isnull=True, base__isnull=True).values_list(
                "region_id", "unit_id", "kind"
            )
        )
        parties = [(r, None) for r in campaign.regions.all()] + [(None, u) for u in campaign.units.all()]
        for kind, due_field, label in due_fields:
            due = getattr(campaign, due_field)
            days_left = (due - today).days
            missing = [(r, u) for r, u in parties if (r.pk if r else None, u.pk if u else None, kind) not in filed]
            if days_left in days_before:
                for region, unit in missing:
                    line = f"{campaign.name}:{label}须于 {due:%Y年%m月%d日} 前报送,还有 {days_left} 天。"
                    for email in _recipients_for(region, unit):
                        reminder_lines.setdefault(email, []).append(line)
            elif days_left < 0 and missing:
                names = "、".join(str(r or u) for r, u in missing)
                overdue_lines.append(
                    f"{campaign.name} {label}(截止 {due:%Y年%m月%d日},已逾期 {-days_left} 天)未报送:{names}"
                )
    filers: dict = {}
    for activity, due, left in summaries_due(ActivityReturn.objects.all(), today, max(days_before or [0])):
        assert activity.campaign is not None  # only a campaign's activities have a summary due
        where = (
            f"{activity.campaign.name}:活动“{activity.title}”({activity.filer_name},{activity.ends_on:%m月%d日}结束)"
        )
        if left in days_before:
            line = f"{where}的活动总结须于 {due:%Y年%m月%d日} 前上传,还有 {left} 天。"
        elif left < 0:
            line = f"{where}的活动总结已逾期 {-left} 天(截止 {due:%Y年%m月%d日}),请尽快上传。"
        else:
            continue
        for email in _filer_emails_for(activity, filers):
            reminder_lines.setdefault(email, []).append(line)
    sent = send_digests(
        "【科普工作管理平台】活动报送提醒", reminder_lines, footer=f"请登录 {settings.SITE_URL}/events/ 报送。"
    )
    overdue_sent = 0
    if overdue_lines:
        overdue_sent = send_digests(
            "【科普工作管理平台】逾期未报送汇总",
            {email: overdue_lines for email in office_recipients()},
            footer=f"完整情况见 {settings.SITE_URL}/events/campaigns/",
        )
    return {"reminders": sent, "overdue": overdue_sent}


# --- Excel import ----------------------------------------------------------------------------
def import_returns(upload, user, campaign: Campaign | None, *, dry_run: bool) -> ImportReport:
    """Preview (dry_run) or write a 活动安排表 (xlsx or csv) on the one engine; all-or-nothing. Each row is marked
    新增 / 更新 / 无变化 (issue 12: a sheet imported twice updates what it created instead of duplicating it)."""
    from common.imports import run_import

    from .resources import KNOWN_HEADERS, REQUIRED_HEADERS, ActivityReturnResource

    if not scope.scope_of(user).files:
        raise TransitionNotAllowed("您的角色不能导入活动。")
    report = ImportReport()
    try:
        sheet = read_sheet(upload, required=REQUIRED_HEADERS, known=KNOWN_HEADERS)
    except ImportRejected as exc:
        report.errors.extend(exc.errors)
        return report
    resource = ActivityReturnResource(user=user, campaign=campaign)

    def preview(result):
        for number, row_result in zip(sheet.row_numbers, result.rows, strict=False):
            instance = getattr(row_result, "instance", None)
            valid = row_result.import_type not in ("invalid", "error")
            report.rows.append(
                {
                    "row": number,
                    "number": instance.pk if instance is not None and row_result.import_type != "new" else None,
                    "title": instance.title if instance else "",
                    "category": instance.get_category_display() if instance and instance.category else "",
                    "starts_on": getattr(instance, "starts_on", None),
                    "region": instance.filer_name if instance and valid else "",
                    "planned": getattr(instance, "planned_participants", ""),
                    "valid": valid,
                    "change": row_result.import_type if valid else "",
                }
            )

    outcome = run_import(resource, sheet, dry_run=dry_run, on_result=preview)
    report.errors = as_row_errors(outcome.problems)
    if outcome.ok and not dry_run:
        report.created, report.updated, report.unchanged = outcome.new, outcome.updated, outcome.unchanged
    return report
