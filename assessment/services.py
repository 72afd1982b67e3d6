"""Writes and state changes of the annual assessment, each in a transaction; refusals are WorkflowErrors with a
Chinese message (common.workflow: 400 bad input, 403 not yours, 409 stale version).

The round's steps go through common.workflow (draft → open → self_assessment → review → finalised → published,
who/when/why kept in AssessmentRoundTransition). Scores are written here only: computed items by `compute_round`
(the Celery task `compute_round_task` wraps it; recomputable), claims by `claim`, the office's decisions by
`review_score`; `finalise` writes totals, ranks and grades, `publish` locks them, and a correction after
publication is `correct_published_score`, which keeps a Revision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import scope
from common import clock
from common.uploads import stored_name, validate_upload
from common.workflow import ConflictError, InvalidTransition, TransitionNotAllowed, apply_transition

from . import rules
from .measures import compute, party_key
from .models import AssessmentItem, AssessmentRound, AssessmentScheme, Result, Revision, Score, ScoreEvidence

Method = AssessmentItem.Method
S = Score.Status
MAX_EVIDENCE_FILES = 10


# --- who is assessed ------------------------------------------------------------------------------------------------
def parties_for(scheme: AssessmentScheme) -> list:
    from programs.models import Region, ResponsibleUnit

    if scheme.assessed == AssessmentScheme.Assessed.DISTRICTS:
        return list(Region.objects.districts().order_by("order", "code"))
    if scheme.assessed == AssessmentScheme.Assessed.TOWNS:
        return list(Region.objects.filter(parent=scheme.owner_region, level="town").order_by("order", "code"))
    return list(
        ResponsibleUnit.objects.filter(is_member=True)
        .exclude(kind=ResponsibleUnit.Kind.DISTRICT_GOVERNMENT)
        .order_by("order", "name")
    )


def _party_fields(party) -> dict:
    return (
        {"region": party, "unit": None} if party_key(party).startswith("region:") else {"region": None, "unit": party}
    )


def _require_office(user):
    if not scope.can_manage_assessment(user):
        raise TransitionNotAllowed("只有领导小组办公室可以进行此操作。")


# --- schemes --------------------------------------------------------------------------------------------------
@transaction.atomic
def copy_scheme(source: AssessmentScheme, year: int, user, name: str | None = None) -> AssessmentScheme:
    """A new scheme for `year` with the source's parties, grade lines and items (last year's, typically)."""
    _require_office(user)
    name = (name or source.name.replace(str(source.year), str(year))).strip()
    if name == source.name or AssessmentScheme.objects.filter(year=year, name=name).exists():
        raise InvalidTransition(f"{year}年已有名为“{name}”的考核方案,请换一个名称。")
    copy = AssessmentScheme(
        year=year,
        name=name,
        assessed=source.assessed,
        owner_region=source.owner_region,
        copied_from=source,
        excellent_min=source.excellent_min,
        good_min=source.good_min,
        pass_min=source.pass_min,
        notes=source.notes,
        created_by=user,
    )
    copy.full_clean()
    copy.save()
    AssessmentItem.objects.bulk_create(
        [
            AssessmentItem(
                scheme=copy,
                order=i.order,
                title=i.title,
                description=i.description,
                max_points=i.max_points,
                method=i.method,
                measure=i.measure,
                rule=i.rule,
                params=i.params,
            )
            for i in source.items.all()
        ]
    )
    return copy


# --- the round's steps -----------------------------------------------------------------------------------------
@transaction.atomic
def open_round(
    scheme: AssessmentScheme, user, self_opens_on: dt.date | None = None, self_closes_on: dt.date | None = None
) -> AssessmentRound:
    """Open the scheme's round: a score row per party × item, then the computed items computed (after commit, by
    the Celery task)."""
    _require_office(user)
    items = list(scheme.items.all())
    if not items:
        raise InvalidTransition(f"考核方案“{scheme}”还没有考核项目,不能开启。")
    for item in items:
        try:
            item.full_clean()
        except ValidationError as exc:
            raise InvalidTransition(f"考核项目“{item.title}”设置有误:{';'.join(exc.messages)}") from None
    round_, _created = AssessmentRound.objects.get_or_create(scheme=scheme)
    round_.self_opens_on, round_.self_closes_on = self_opens_on, self_closes_on
    try:
        round_.full_clean(exclude=["scheme"])
    except ValidationError as exc:
        raise InvalidTransition(";".join(exc.messages)) from None
    round_.save(update_fields=["self_opens_on", "self_closes_on"])
    apply_transition(round_, "open", user)
    Score.objects.bulk_create(
        [
            Score(
                round=round_,
                item=item,
                status=S.COMPUTED if item.method == Method.COMPUTED else S.PENDING,
                **_party_fields(party),
            )
            for party in parties_for(scheme)
            for item in items
        ],
        ignore_conflicts=True,
    )
    from common.tasks import enqueue_on_commit

    from .tasks import compute_round_task

    enqueue_on_commit(compute_round_task, round_.pk)
    return round_


def advance_round(
    round_: AssessmentRound, action: str, user, reason: str = "", expected_version: int | None = None
) -> AssessmentRound:
    """Take a step of the round: start_self, start_review, finalise, reopen_review, publish (open: open_round)."""
    if action == "open":
        raise InvalidTransition("请通过“开启考核”开启轮次。")
    if action not in AssessmentRound.TRANSITIONS:
        raise InvalidTransition(f"未知操作:{action}")
    with transaction.atomic():
        if action == "finalise":
            _require_office(user)
            _check_decided(round_)
            write_results(round_)
        apply_transition(round_, action, user, reason=reason, expected_version=expected_version)
        if action == "publish":
            AssessmentRound.objects.filter(pk=round_.pk).update(published_at=timezone.now())
        if action == "reopen_review":
            Result.objects.filter(round=round_).delete()
        round_.refresh_from_db()
    return round_


def _check_decided(round_: AssessmentRound) -> None:
    waiting = Score.objects.filter(round=round_, status=S.CLAIMED) | Score.objects.filter(
        round=round_, item__method=Method.OFFICE, reviewed_points__isnull=True
    )
    first = list(waiting.select_related("item", "region", "unit")[:5])
    if first:
        names = "、".join(f"{s.party}“{s.item.title}”" for s in first)
        raise InvalidTransition(f"还有未审核或未评分的项目,不能定分:{names}。")


# --- computed items -------------------------------------------------------------------------------------------
def fresh_computation(round_: AssessmentRound) -> dict:
    """(item id, party key) → (value, points) computed now from the portal's data."""
    scheme = round_.scheme
    parties = parties_for(scheme)
    out = {}
    for item in scheme.items.filter(method=Method.COMPUTED):
        values = compute(item.measure, scheme.year, parties)
        points = rules.points_for(item.rule, item.params, item.max_points, values)
        for key, value in values.items():
            out[(item.pk, key)] = (None if value is None else Decimal(value).quantize(Decimal("0.0001")), points[key])
    return out


def compute_round(round_id: int) -> int:
    """(Re)compute every computed item of the round; returns how many scores changed. A finalised or published
    round is not recomputed (its scores are the decided ones): returns 0."""
    with transaction.atomic():
        # of=("self",) and no ordering: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join
        round_ = (
            AssessmentRound.objects.select_for_update(of=("self",)).select_related("scheme").order_by().get(pk=round_id)
        )
        if round_.status in ("draft", *AssessmentRound.LOCKED_STATUSES):
            return 0
        fresh = fresh_computation(round_)
        changed = []
        for score in (
            Score.objects.filter(round=round_, item__method=Method.COMPUTED)
            .select_for_update(of=("self",))
            .order_by("pk")
        ):
            value, points = fresh.get((score.item_id, score.party_key), (None, Decimal("0.00")))
            if (score.computed_value, score.points) != (value, points):
                score.computed_value, score.points, score.version = value, points, score.version + 1
                changed.append(score)
        Score.objects.bulk_update(changed, ["computed_value", "points", "version"])
        AssessmentRound.objects.filter(pk=round_.pk).update(computed_at=timezone.now())
    return len(changed)


@dataclass(frozen=True)
class Difference:
    score: Score
    stored_value: Decimal | None
    fresh_value: Decimal | None
    stored_points: Decimal | None
    fresh_points: Decimal | None

    def __str__(self) -> str:
        return (
            f"{self.score.party}“{self.score.item.title}”:存储值 {self.stored_value} / {self.stored_points} 分,"
            f"重新计算 {self.fresh_value} / {self.fresh_points} 分"
        )


def check_round(round_: AssessmentRound) -> list[Difference]:
    """The stored computed scores that differ from a fresh computation (a read: nothing is written)."""
    fresh = fresh_computation(round_)
    out = []
    for score in Score.objects.filter(round=round_, item__method=Method.COMPUTED).select_related(
        "item", "region", "unit"
    ):
        value, points = fresh.get((score.item_id, score.party_key), (None, Decimal("0.00")))
        if (score.computed_value, score.points) != (value, points):
            out.append(Difference(score, score.computed_value, value, score.points, points))
    return out


# --- claims and reviews ----------------------------------------------------------------------------------------
def _points(value, item: AssessmentItem, what: str) -> Decimal:
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidTransition(f"{what}“{value}”不是数字。") from None
    if not points.is_finite() or points < 0 or points > item.max_points:
        raise InvalidTransition(f"{what}须在 0 到该项满分 {item.max_points} 之间,收到 {value}。")
    if points != points.quantize(Decimal("0.01")):
        raise InvalidTransition(f"{what}最多保留两位小数。")
    return points


def _lock(score: Score, expected_version: int | None) -> Score:
    current = Score.objects.select_for_update(of=("self",)).select_related("round", "item").order_by().get(pk=score.pk)
    if expected_version is not None and int(expected_version) != current.version:
        raise ConflictError("该得分已被他人修改,您看到的是旧版本。请刷新页面后再操作。")
    if current.round.status in AssessmentRound.LOCKED_STATUSES:
        raise TransitionNotAllowed("考核结果已定分或公布,不能再修改;公布后的更正请由办公室登记更正记录。")
    return current


@transaction.atomic
def claim(
    score: Score,
    user,
    points,
    evidence: str,
    files=(),
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> Score:
    """The assessed party claims points on a self-assessed item, with evidence (text, files)."""
    if (
        not scope.can_claim_assessment(user, score)
        or not scope.assessment_scores_visible(user, Score.objects.filter(pk=score.pk)).exists()
    ):
        raise TransitionNotAllowed("您只能为本单位(本地区)的考核项目自评。")
    score = _lock(score, expected_version)
    if score.item.method != Method.SELF:
        raise InvalidTransition(f"“{score.item.title}”不是自评项目。")
    round_, today = score.round, today or clock.today()
    returned_in_review = round_.status == "review" and score.status == S.RETURNED
    if not (round_.in_window(today) or returned_in_review):
        if round_.status == "self_assessment":
            raise InvalidTransition(
                f"不在自评时间内(自评时间:{round_.self_opens_on or '—'} 至 {round_.self_closes_on or '—'})。"
            )
        raise InvalidTransition(f"考核轮次当前为“{round_.get_status_display()}”,不能自评。")
    if score.status not in (S.PENDING, S.CLAIMED, S.RETURNED):
        raise InvalidTransition(f"该项已审核({score.get_status_display()}),不能再自评。")
    evidence = (evidence or "").strip()
    if not evidence:
        raise InvalidTransition("请填写自评说明及佐证。")
    if len(evidence) > 5000:
        raise InvalidTransition("自评说明不能超过 5000 字。")
    points = _points(points, score.item, "自评分")
    files = list(files or ())
    if score.files.count() + len(files) > MAX_EVIDENCE_FILES:
        raise InvalidTransition(f"每项最多上传 {MAX_EVIDENCE_FILES} 个佐证文件。")
    checked = []
    for upload in files:
        try:
            kind = validate_upload(upload, kinds=("jpeg", "png", "pdf", "docx", "xlsx"), label="佐证材料")
        except ValidationError as exc:
            raise InvalidTransition(";".join(exc.messages)) from None
        checked.append((upload, kind))
    for upload, kind in checked:
        item = ScoreEvidence(
            score=score, original_name=str(getattr(upload, "name", ""))[:200], kind=kind, uploaded_by=user
        )
        item.file.save(stored_name(kind), upload, save=False)
        item.save()
    Score.objects.filter(pk=score.pk).update(
        claimed_points=points,
        evidence=evidence,
        claimed_by=user,
        claimed_at=timezone.now(),
        status=S.CLAIMED,
        version=F("version") + 1,
    )
    score.refresh_from_db()
    return score


REVIEW_ACTIONS = ("accept", "adjust", "return", "score")


@transaction.atomic
def review_score(
    score: Score, user, action: str, points=None, reason: str = "", expected_version: int | None = None
) -> Score:
    """The office's decision on a score: accept a claim, adjust it (points and a reason), return it (a reason), or
    score an office item (points and a reason)."""
    _require_office(user)
    score = _lock(score, expected_version)
    if score.round.status not in ("self_assessment", "review"):
        raise InvalidTransition(f"考核轮次当前为“{score.round.get_status_display()}”,不能审核。")
    if action not in REVIEW_ACTIONS:
        raise InvalidTransition(f"未知操作:{action}")
    method, reason = score.item.method, (reason or "").strip()
    if len(reason) > 2000:
        raise InvalidTransition("理由不能超过 2000 字。")
    if action in ("adjust", "return", "score") and not reason:
        raise InvalidTransition("调整、退回或评分须填写理由。")
    changes: dict = {"reviewed_by": user, "reviewed_at": timezone.now(), "reason": reason}
    if action == "accept":
        if method != Method.SELF or score.status != S.CLAIMED:
            raise InvalidTransition("只有已自评、待审核的项目可以认可。")
        changes.update(reviewed_points=score.claimed_points, status=S.ACCEPTED)
    elif action == "return":
        if method != Method.SELF or score.status != S.CLAIMED:
            raise InvalidTransition("只有已自评、待审核的项目可以退回。")
        changes.update(reviewed_points=None, status=S.RETURNED)
    elif action == "adjust":
        if method == Method.OFFICE or (
            method == Method.SELF and score.status not in (S.CLAIMED, S.ACCEPTED, S.ADJUSTED)
        ):
            raise InvalidTransition("该项目不能调整:自评项目须先自评,办公室评分项目请直接评分。")
        changes.update(reviewed_points=_points(points, score.item, "审核得分"), status=S.ADJUSTED)
    else:
        if method != Method.OFFICE:
            raise InvalidTransition(f"“{score.item.title}”不是办公室评分项目。")
        changes.update(reviewed_points=_points(points, score.item, "评分"), status=S.SCORED)
    Score.objects.filter(pk=score.pk).update(version=F("version") + 1, **changes)
    score.refresh_from_db()
    return score


# --- totals, ranks, grades ------------------------------------------------------------------------------------
def totals(round_: AssessmentRound) -> dict:
    """party key → (party fields, total of final points)."""
    out: dict = {}
    for score in Score.objects.filter(round=round_).select_related("item", "region", "unit"):
        fields, total = out.get(score.party_key, ({"region": score.region, "unit": score.unit}, Decimal(0)))
        out[score.party_key] = (fields, total + (score.final_points or Decimal(0)))
    return out


def write_results(round_: AssessmentRound) -> list[Result]:
    """Replace the round's results: total, rank (equal totals share the better rank) and grade per party."""
    scheme = round_.scheme
    rows = sorted(totals(round_).items(), key=lambda kv: -kv[1][1])
    ordered = [total for _key, (_fields, total) in rows]
    Result.objects.filter(round=round_).delete()
    results = [
        Result(round=round_, total=total, rank=ordered.index(total) + 1, grade=scheme.grade_for(total), **fields)
        for _key, (fields, total) in rows
    ]
    return Result.objects.bulk_create(results)


@transaction.atomic
def correct_published_score(score: Score, user, points, reason: str) -> Revision:
    """A correction after publication: the score's points change, the totals, ranks and grades are written again,
    and a Revision keeps what changed, why, by whom and when."""
    _require_office(user)
    score = (
        Score.objects.select_for_update(of=("self",))
        .select_related("round__scheme", "item")
        .order_by()
        .get(pk=score.pk)
    )
    if score.round.status != "published":
        raise InvalidTransition("只有已公布的考核结果才登记更正;公布前请直接审核。")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidTransition("更正须填写理由。")
    if len(reason) > 2000:
        raise InvalidTransition("理由不能超过 2000 字。")
    new = _points(points, score.item, "更正后得分")
    old = score.final_points
    result = Result.objects.filter(round=score.round, region=score.region, unit=score.unit).first()
    old_total = result.total if result else None
    Score.objects.filter(pk=score.pk).update(
        reviewed_points=new, reviewed_by=user, reviewed_at=timezone.now(), version=F("version") + 1
    )
    write_results(score.round)
    result = Result.objects.filter(round=score.round, region=score.region, unit=score.unit).first()
    return Revision.objects.create(
        round=score.round,
        score=score,
        old_points=old,
        new_points=new,
        old_total=old_total,
        new_total=result.total if result else None,
        reason=reason,
        by=user,
    )


def scheme_editable(scheme: AssessmentScheme) -> bool:
    """A scheme's items may change until its round is opened (the scores hang off them)."""
    return not AssessmentRound.objects.filter(scheme=scheme).exclude(status="draft").exists()


@transaction.atomic
def save_scheme(form, items_formset, user) -> AssessmentScheme:
    """Save a scheme (and its items) from valid forms; refused once the scheme's round is open."""
    _require_office(user)
    scheme = form.instance
    if scheme.pk and not scheme_editable(scheme):
        raise InvalidTransition(f"考核方案“{scheme}”的考核已开启,方案和项目不能再修改。")
    if not scheme.pk:
        scheme.created_by = user
    scheme = form.save()
    if items_formset is not None:
        items_formset.instance = scheme
        items_formset.save()
    return scheme
