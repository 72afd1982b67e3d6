"""The annual assessment (考核): schemes and their items, rounds, scores and claims, results, revisions.

A scheme (year, who is assessed) holds items, each scored one of three ways: computed from the portal's data (a
`measure` from assessment/measures.py and a `rule` from assessment/rules.py), self-assessed (the party claims
points with evidence, the office reviews) or office-scored (points with a written reason). A round runs one
scheme through common.workflow: draft → open → self_assessment → review → finalised → published. Published
results are locked; a correction after publication is a recorded Revision (assessment/services.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts import scope
from common.models import TransitionRecord, WorkflowModel
from common.storage import private_storage
from common.workflow import Transition

from . import rules
from .measures import MEASURES

POINTS: dict[str, Any] = {"max_digits": 7, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class RegionPopulation(models.Model):
    """A region's resident population for a year (office-entered, with its source), for per-10,000 measures."""

    region = models.ForeignKey(
        "programs.Region", verbose_name=_("区域"), on_delete=models.CASCADE, related_name="populations"
    )
    year = models.PositiveSmallIntegerField(_("年份"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    population = models.PositiveIntegerField(_("常住人口"), validators=[MinValueValidator(1)])
    source = models.CharField(_("数据来源"), max_length=200, help_text=_("如:2023年常州市统计年鉴"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("区域人口")
        verbose_name_plural = _("区域人口")
        ordering = ["-year", "region__path"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="region_population_year_unique")]

    def __str__(self) -> str:
        return f"{self.region} {self.year}: {self.population}"


class AssessmentScheme(models.Model):
    class Assessed(models.TextChoices):
        DISTRICTS = "districts", _("辖市(区)")
        UNITS = "units", _("成员单位")
        TOWNS = "towns", _("辖市(区)所属镇(街道)")

    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2016), MaxValueValidator(2040)])
    name = models.CharField(_("名称"), max_length=200)
    assessed = models.CharField(_("考核对象"), max_length=16, choices=Assessed.choices, default=Assessed.DISTRICTS)
    owner_region = models.ForeignKey(
        "programs.Region",
        verbose_name=_("组织考核的辖市(区)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_schemes",
        help_text=_("考核镇(街道)时填写:该辖市(区)的镇(街道)参加考核"),
    )
    copied_from = models.ForeignKey(
        "self", verbose_name=_("复制自"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    excellent_min = models.DecimalField(_("优秀最低分"), default=Decimal("90"), **POINTS)
    good_min = models.DecimalField(_("良好最低分"), default=Decimal("80"), **POINTS)
    pass_min = models.DecimalField(_("合格最低分"), default=Decimal("60"), **POINTS)
    unit_quota = models.PositiveSmallIntegerField(_("每个辖市(区)可推荐优秀组织单位数"), default=3)
    activity_quota = models.PositiveSmallIntegerField(_("每个辖市(区)可推荐优秀活动数"), default=5)
    notes = models.TextField(_("说明"), blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "assessed", "name"]
        constraints = [models.UniqueConstraint(fields=["year", "name"], name="assessment_scheme_year_name_unique")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.assessed == self.Assessed.TOWNS:
            if self.owner_region is None or self.owner_region.level != "district":
                raise ValidationError({"owner_region": _("考核镇(街道)的方案须指定组织考核的辖市(区)。")})
        elif self.owner_region_id:
            raise ValidationError({"owner_region": _("只有考核镇(街道)的方案才指定辖市(区)。")})
        if not (self.pass_min <= self.good_min <= self.excellent_min):
            raise ValidationError({"good_min": _("等次分数线须满足:合格 ≤ 良好 ≤ 优秀。")})

    @property
    def max_total(self) -> Decimal:
        return sum((i.max_points for i in self.items.all()), Decimal(0))

    def grade_for(self, total: Decimal) -> str:
        if total >= self.excellent_min:
            return Result.Grade.EXCELLENT
        if total >= self.good_min:
            return Result.Grade.GOOD
        if total >= self.pass_min:
            return Result.Grade.PASS
        return Result.Grade.FAIL


class AssessmentItem(models.Model):
    class Method(models.TextChoices):
        COMPUTED = "computed", _("平台数据计算")
        SELF = "self", _("自评 + 审核")
        OFFICE = "office", _("办公室评分")

    class Rule(models.TextChoices):
        PROPORTIONAL = rules.PROPORTIONAL, _("按目标比例(封顶)")
        THRESHOLDS = rules.THRESHOLDS, _("分档")
        RANK = rules.RANK, _("排名")

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    title = models.CharField(_("考核内容"), max_length=200)
    description = models.TextField(_("评分标准"), blank=True, max_length=2000)
    max_points = models.DecimalField(
        _("分值"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    method = models.CharField(_("评分方式"), max_length=16, choices=Method.choices, default=Method.SELF)
    measure = models.CharField(
        _("数据项"), max_length=48, blank=True, choices=[(code, m.label) for code, m in MEASURES.items()]
    )
    rule = models.CharField(_("计分规则"), max_length=16, blank=True, choices=Rule.choices)
    params = models.JSONField(_("规则参数"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")
        ordering = ["scheme", "order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def clean(self):
        super().clean()
        if self.method != self.Method.COMPUTED:
            if self.measure or self.rule:
                raise ValidationError({"measure": _("只有“平台数据计算”的项目才选择数据项和计分规则。")})
            return
        if not self.measure:
            raise ValidationError({"measure": _("“平台数据计算”的项目须选择数据项。")})
        if self.measure not in MEASURES:
            raise ValidationError({"measure": _("未知的数据项。")})
        if self.scheme_id and self.scheme.assessed not in MEASURES[self.measure].parties:
            raise ValidationError({"measure": _("该数据项不适用于本方案的考核对象。")})
        if not self.rule:
            raise ValidationError({"rule": _("“平台数据计算”的项目须选择计分规则。")})
        if self.max_points is None:
            return
        try:
            self.params = rules.validate_params(self.rule, self.params, self.max_points)
        except ValidationError as exc:
            raise ValidationError({"params": exc.messages}) from None


class AssessmentRound(WorkflowModel):
    """One year's run of a scheme, moved through its steps by the office (common.workflow)."""

    STATUS_CHOICES = [
        ("draft", _("草稿")),
        ("open", _("已开启")),
        ("self_assessment", _("自评中")),
        ("review", _("审核中")),
        ("finalised", _("已定分")),
        ("published", _("已公布")),
    ]
    TRANSITIONS = {
        "open": Transition(sources=frozenset({"draft"}), target="open", who="reviewer", label="开启考核"),
        "start_self": Transition(
            sources=frozenset({"open"}), target="self_assessment", who="reviewer", label="开始自评"
        ),
        "start_review": Transition(
            sources=frozenset({"self_assessment"}), target="review", who="reviewer", label="结束自评,开始审核"
        ),
        "finalise": Transition(
            sources=frozenset({"review"}), target="finalised", who="reviewer", label="定分", stamps=("decided",)
        ),
        "reopen_review": Transition(
            sources=frozenset({"finalised"}), target="review", who="reviewer", needs_reason=True, label="退回审核"
        ),
        "publish": Transition(sources=frozenset({"finalised"}), target="published", who="reviewer", label="公布"),
    }
    LOCKED_STATUSES = ("finalised", "published")

    scheme = models.OneToOneField(
        AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.PROTECT, related_name="round"
    )
    status = models.CharField(_("状态"), max_length=16, choices=STATUS_CHOICES, default="draft", db_index=True)
    self_opens_on = models.DateField(_("自评开始"), null=True, blank=True)
    self_closes_on = models.DateField(_("自评截止"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核轮次")
        verbose_name_plural = _("考核轮次")
        ordering = ["-scheme__year", "scheme__name"]

    def __str__(self) -> str:
        return str(self.scheme)

    def clean(self):
        super().clean()
        if self.self_opens_on and self.self_closes_on and self.self_closes_on < self.self_opens_on:
            raise ValidationError({"self_closes_on": _("自评截止日期不能早于开始日期。")})

    # --- workflow hooks (common.workflow): every step is the office's ---
    def can_file(self, user) -> bool:
        return scope.can_manage_assessment(user)

    def can_review(self, user) -> bool:
        return scope.can_manage_assessment(user)

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    def in_window(self, today) -> bool:
        if self.status != "self_assessment":
            return False
        if self.self_opens_on and today < self.self_opens_on:
            return False
        return not (self.self_closes_on and today > self.self_closes_on)


class AssessmentRoundTransition(TransitionRecord):
    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("考核轮次"), on_delete=models.CASCADE, related_name="transitions"
    )

    class Meta(TransitionRecord.Meta):
        verbose_name = _("考核流转记录")
        verbose_name_plural = _("考核流转记录")


class PartyFields(models.Model):
    """The assessed party: a region (a district or a town) or a member unit — exactly one."""

    region = models.ForeignKey(
        "programs.Region", verbose_name=_("区域"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "programs.ResponsibleUnit",
        verbose_name=_("成员单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def party(self):
        return self.region if self.region_id else self.unit

    @property
    def party_key(self) -> str:
        return f"region:{self.region_id}" if self.region_id else f"unit:{self.unit_id}"


class Score(PartyFields):
    class Status(models.TextChoices):
        COMPUTED = "computed", _("已计算")
        PENDING = "pending", _("待自评")
        CLAIMED = "claimed", _("已自评,待审核")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已认可")
        ADJUSTED = "adjusted", _("已调整")
        SCORED = "scored", _("已评分")

    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("考核轮次"), on_delete=models.CASCADE, related_name="scores"
    )
    item = models.ForeignKey(
        AssessmentItem, verbose_name=_("考核项目"), on_delete=models.PROTECT, related_name="scores"
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    computed_value = models.DecimalField(_("计算值"), max_digits=18, decimal_places=4, null=True, blank=True)
    points = models.DecimalField(_("计算得分"), max_digits=7, decimal_places=2, null=True, blank=True)
    claimed_points = models.DecimalField(_("自评分"), max_digits=7, decimal_places=2, null=True, blank=True)
    evidence = models.TextField(_("自评说明及佐证"), blank=True, max_length=5000)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("自评人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField(_("自评时间"), null=True, blank=True)
    reviewed_points = models.DecimalField(_("审核得分"), max_digits=7, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("审核理由"), blank=True, max_length=2000)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        ordering = ["round", "region__path", "unit__order", "item__order", "item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "item", "region"], condition=models.Q(unit__isnull=True), name="score_region_unique"
            ),
            models.UniqueConstraint(
                fields=["round", "item", "unit"], condition=models.Q(region__isnull=True), name="score_unit_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(region__isnull=True) ^ models.Q(unit__isnull=True), name="score_one_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} · {self.item}"

    @property
    def final_points(self) -> Decimal | None:
        """What counts in the total: the office's reviewed points, else the computed points."""
        if self.reviewed_points is not None:
            return self.reviewed_points
        return self.points if self.item.method == AssessmentItem.Method.COMPUTED else None


def evidence_path(instance, filename):
    """A random name under assessment/, the extension only if the upload checker gives it (common.uploads)."""
    from common.uploads import generated_path

    return generated_path("assessment", filename)


class ScoreEvidence(models.Model):
    """A file backing a self-assessment claim (checked by common.uploads, stored privately)."""

    score = models.ForeignKey(Score, verbose_name=_("考核得分"), on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("文件"), upload_to=evidence_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("自评佐证材料")
        verbose_name_plural = _("自评佐证材料")
        ordering = ["score", "id"]

    def __str__(self) -> str:
        return self.original_name


class Result(PartyFields):
    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        GOOD = "good", _("良好")
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("考核轮次"), on_delete=models.CASCADE, related_name="results"
    )
    total = models.DecimalField(_("总分"), max_digits=8, decimal_places=2)
    rank = models.PositiveSmallIntegerField(_("名次"))
    grade = models.CharField(_("等次"), max_length=16, choices=Grade.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["round", "rank", "region__path", "unit__order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(region__isnull=True) ^ models.Q(unit__isnull=True), name="result_one_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party}: {self.total} ({self.get_grade_display()})"


class Revision(models.Model):
    """A correction to a published result: which score, from what to what, why, by whom, when."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("考核轮次"), on_delete=models.CASCADE, related_name="revisions"
    )
    score = models.ForeignKey(Score, verbose_name=_("考核得分"), on_delete=models.CASCADE, related_name="revisions")
    old_points = models.DecimalField(_("原得分"), max_digits=7, decimal_places=2, null=True, blank=True)
    new_points = models.DecimalField(_("更正后得分"), max_digits=7, decimal_places=2)
    old_total = models.DecimalField(_("原总分"), max_digits=8, decimal_places=2, null=True, blank=True)
    new_total = models.DecimalField(_("更正后总分"), max_digits=8, decimal_places=2, null=True, blank=True)
    reason = models.TextField(_("更正理由"), max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更正人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("更正时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核结果更正")
        verbose_name_plural = _("考核结果更正")
        ordering = ["round", "at", "id"]

    def __str__(self) -> str:
        return f"{self.score}: {self.old_points} → {self.new_points}"


from .nomination_models import Award, Nomination  # noqa: E402,F401  (推优: its own module, one app)
