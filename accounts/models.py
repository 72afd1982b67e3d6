"""A custom user with one role. A district office or a town clerk is tied to a Region, a liaison to a member
unit, an organisation contact to an Organisation, a base contact to a Base. What a role may read, change and
review is decided in accounts/scope/, never here."""

from __future__ import annotations

import simple_history
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICE = "office", _("领导小组办公室")
    DISTRICT = "district", _("辖市(区)科协")
    TOWN = "town", _("镇(街道)科协")
    ORGANISATION = "organisation", _("基层组织联系人")
    BASE = "base", _("科普教育基地联系人")
    LIAISON = "liaison", _("成员单位联络员")
    LEADER = "leader", _("领导")
    ADMIN = "admin", _("系统管理员")


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.LEADER)
    region = models.ForeignKey(
        "programs.Region",
        verbose_name=_("所属区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    unit = models.ForeignKey(
        "programs.ResponsibleUnit",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    organisation = models.ForeignKey(
        "programs.Organisation",
        verbose_name=_("所属基层组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    base = models.ForeignKey(
        "bases.Base",
        verbose_name=_("所属科普教育基地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    phone = models.CharField(_("电话"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def clean(self):
        super().clean()
        if self.role == Role.DISTRICT and not self.region_id:
            raise ValidationError({"region": _("辖市(区)科协用户必须指定所属区域。")})
        if self.role == Role.LIAISON and not self.unit_id:
            raise ValidationError({"unit": _("成员单位联络员必须指定所属单位。")})
        if self.role == Role.TOWN and (not self.region_id or self.region.level != "town"):
            raise ValidationError({"region": _("镇(街道)科协用户必须指定所属镇(街道)。")})
        if self.role == Role.DISTRICT and self.region_id and self.region.level != "district":
            raise ValidationError({"region": _("辖市(区)科协用户的所属区域必须是辖市(区)。")})
        if self.role == Role.ORGANISATION and not self.organisation_id:
            raise ValidationError({"organisation": _("基层组织联系人必须指定所属组织。")})
        if self.role == Role.BASE and not self.base_id:
            raise ValidationError({"base": _("基地联系人必须指定所属科普教育基地。")})

    # --- role predicates used by querysets, services and templates ---
    @property
    def display_name(self) -> str:
        """The name pages show for this user: the office or person name, else the login."""
        return self.last_name or self.username

    @property
    def is_office(self) -> bool:
        return self.is_active and (self.role in (Role.OFFICE, Role.ADMIN) or self.is_superuser)

    @property
    def is_district(self) -> bool:
        return self.role == Role.DISTRICT and self.region_id is not None

    @property
    def is_town(self) -> bool:
        return self.role == Role.TOWN and self.region_id is not None

    @property
    def is_organisation(self) -> bool:
        return self.role == Role.ORGANISATION and self.organisation_id is not None

    @property
    def is_base_contact(self) -> bool:
        return self.role == Role.BASE and self.base_id is not None

    @property
    def is_liaison(self) -> bool:
        return self.role == Role.LIAISON and self.unit_id is not None

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def reads_everything(self) -> bool:
        return self.is_office or self.is_leader


# The audit trail of users (who gave whom which role, region, unit, staff rights; shown on /audit/ with every other
# model's history). Its table belongs to the `common` app (common/migrations 0002 and 0003 created it and hold the
# trail already written), hence app="common"; password and last_login are never copied into it.
simple_history.register(User, app="common", excluded_fields=["password", "last_login"], verbose_name=_("用户变更记录"))
