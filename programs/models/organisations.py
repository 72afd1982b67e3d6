"""Filing organisations attached to a district (or a town): 园区科协, 学会, 企业科协, 农技协 (seed 004).

Towns and streets are `Region` rows of level town; bases are `bases.Base`. An organisation files its
activities to the district association of its region, like a town does.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.scope import OwnedBy

from .plan import Region


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PARK = "park", _("园区科协")
        SOCIETY = "society", _("学会")
        ENTERPRISE = "enterprise", _("企业科协")
        RURAL_TECH = "rural_tech", _("农技协")
        OTHER = "other", _("其他基层组织")

    code = models.CharField(
        _("编码"), max_length=24, unique=True, help_text=_("本地编码(非统计用区划代码),如 320412-Q01")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所属辖市(区)或镇(街道)"), on_delete=models.PROTECT, related_name="organisations"
    )
    is_active = models.BooleanField(_("在册"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    history = HistoricalRecords()
    # read by the office, leaders and the district of its region; kept by the office
    owned_by = OwnedBy(region="region", organisation="pk", changed_by=frozenset())

    class Meta:
        verbose_name = _("基层组织")
        verbose_name_plural = _("基层组织")
        ordering = ["region__path", "kind", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="organisation_name_unique_in_region")]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.region_id and self.region.level not in (Region.Level.DISTRICT, Region.Level.TOWN):
            raise ValidationError({"region": _("基层组织须隶属于辖市(区)或镇(街道)。")})
