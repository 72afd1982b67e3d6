"""Excel/CSV columns (Chinese headers) for bases, certifications and annual reports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.fields import Field

from accounts import scope
from common import clock
from common.imports import ChoiceWidget, DateWidget, KepuResource, LookupWidget, NamesWidget, NumberWidget
from programs.models import Region

from .models import Base, BaseAnnualReport, Certification, Theme
from .services import can_manage_certifications


def _district_scope_error(user, region, column_attr="region"):
    """accounts.scope decides whether the importing user may own a base in `region`."""
    if user is not None and region is not None and not scope.can_create_in(user, Base, region):
        raise ValidationError(
            {
                column_attr: _("“%(region)s”不在您的管辖范围(%(own)s)内,不能导入该行。")
                % {"region": region.name, "own": scope.scope_of(user).party_name}
            }
        )


class BaseResource(KepuResource):
    id = Field(attribute="id", column_name="编号", widget=NumberWidget(), saves_null_values=False)
    name = Field(attribute="name", column_name="基地名称")
    region = Field(
        attribute="region",
        column_name="所属区域",
        widget=LookupWidget(Region, fields=("name", "code"), render_field="name", label="区域"),
    )
    host_organisation = Field(attribute="host_organisation", column_name="依托单位")
    address = Field(attribute="address", column_name="地址")
    category = Field(attribute="category", column_name="类别", widget=ChoiceWidget(Base.Category.choices))
    themes = Field(attribute="themes", column_name="主题", widget=NamesWidget(Theme, label="主题"))
    opening_policy = Field(
        attribute="opening_policy", column_name="开放方式", widget=ChoiceWidget(Base.Opening.choices)
    )
    contact_person = Field(attribute="contact_person", column_name="联系人")
    contact_phone = Field(attribute="contact_phone", column_name="联系电话")
    contact_email = Field(attribute="contact_email", column_name="联系邮箱")
    website = Field(attribute="website", column_name="网址")

    required_columns = ["基地名称", "所属区域"]
    unique_in_file = [("region", "name")]
    constraints_checked_in_memory = {"name"}  # base_name_unique_in_region, against `_existing`

    class Meta:
        model = Base
        fields = (
            "id",
            "name",
            "region",
            "host_organisation",
            "address",
            "category",
            "themes",
            "opening_policy",
            "contact_person",
            "contact_phone",
            "contact_email",
            "website",
        )
        import_id_fields = ("id",)
        clean_model_instances = True
        skip_diff = True
        use_bulk = True  # the confirm step writes 500 rows (and their history) per query, see KepuResource
        batch_size = 500

    def scoped_queryset(self):
        return Base.objects.visible_to(self.user)

    def export_queryset(self, queryset):
        return queryset.select_related("region").prefetch_related("themes")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # (region, name) → pk of existing bases named in the file: one query per 500 names, not one per row
        names = sorted({str(v).strip() for v in dataset["基地名称"] if v not in (None, "")}) if len(dataset) else []
        self._existing = {}
        for i in range(0, len(names), 500):
            for pk, region_id, name in (
                self.scoped_queryset().filter(name__in=names[i : i + 500]).values_list("pk", "region_id", "name")
            ):
                self._existing[(region_id, name)] = pk
        self._by_pk.update(self.load_instances(set(self._existing.values()) - set(self._by_pk)))

    def natural_key_lookup(self, row):
        name, region = row.get("基地名称"), self.fields["region"].widget.clean(row.get("所属区域"))
        if not name or region is None:
            return None
        pk = getattr(self, "_existing", {}).get((region.pk, str(name).strip()))
        return self._by_pk.get(pk) if pk else None

    def check_in_memory_constraints(self, instance):
        pk = self._existing.get((instance.region_id, (instance.name or "").strip()))
        if pk is not None and pk != instance.pk:
            raise ValidationError(_("该区域已有同名基地。"))

    def check_scope(self, instance):
        _district_scope_error(self.user, instance.region)


class _BaseChildResource(KepuResource):
    """Rows that hang off a base: the base is given by its 编号 and must be in the user's scope."""

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.fields["base"].widget = LookupWidget(
            Base,
            fields=("pk",),
            render_field="pk",
            label=_("基地编号(不存在或不在您的管辖范围内)"),
            queryset=Base.objects.visible_to(user) if user is not None else Base.objects.all(),
        )

    def scoped_queryset(self):
        model = self._meta.model
        if self.user is None:
            return model.objects.all()
        return model.objects.filter(base__in=Base.objects.visible_to(self.user).values("pk"))


class CertificationResource(_BaseChildResource):
    id = Field(attribute="id", column_name="编号", widget=NumberWidget(), saves_null_values=False)
    base = Field(attribute="base", column_name="基地编号", widget=LookupWidget(Base, fields=("pk",), render_field="pk"))
    base_name = Field(attribute="base__name", column_name="基地名称", readonly=True)
    region = Field(attribute="base__region__name", column_name="所属区域", readonly=True)
    level = Field(attribute="level", column_name="级别", widget=ChoiceWidget(Certification.Level.choices))
    batch = Field(attribute="batch", column_name="批次")
    certified_on = Field(attribute="certified_on", column_name="认定日期", widget=DateWidget())
    valid_until = Field(attribute="valid_until", column_name="有效期至", widget=DateWidget())
    certificate_no = Field(attribute="certificate_no", column_name="证书编号")
    recommending_unit = Field(attribute="recommending_unit", column_name="推荐单位")
    is_renewal = Field(
        attribute="is_renewal",
        column_name="复核延续",
        widget=ChoiceWidget([(True, "是"), (False, "否")]),
        default=False,
    )
    status = Field(
        attribute="status", column_name="状态", readonly=True, widget=ChoiceWidget(Certification.Status.choices)
    )
    revoked_on = Field(attribute="revoked_on", column_name="撤销日期", widget=DateWidget())
    revoke_reason = Field(attribute="revoke_reason", column_name="撤销原因")

    required_columns = ["基地编号", "级别", "认定日期"]
    unique_in_file = ["certificate_no"]

    class Meta:
        model = Certification
        fields = (
            "id",
            "base",
            "base_name",
            "region",
            "level",
            "batch",
            "certified_on",
            "valid_until",
            "certificate_no",
            "recommending_unit",
            "is_renewal",
            "status",
            "revoked_on",
            "revoke_reason",
        )
        import_id_fields = ("id",)
        clean_model_instances = True
        skip_diff = True
        # row by row (no use_bulk): saving a certification sends post_save, which the indicators app listens to
        # (a roll-up of the base counts); imports of certifications are small (a batch of a few hundred)

    def export_queryset(self, queryset):
        return queryset.select_related("base__region")

    def refusal(self):
        # certifications (and their revocation) are the office's, as on the pages and in the API
        if self.user is not None and not can_manage_certifications(self.user):
            return _("只有领导小组办公室可以导入认定记录。")
        return None

    def natural_key_lookup(self, row):
        number = row.get("证书编号")
        base = self.fields["base"].widget.clean(row.get("基地编号"))
        if number not in (None, "") and base is not None:
            return self.scoped_queryset().filter(base=base, certificate_no=str(number).strip()).first()
        level = self.fields["level"].widget.clean(row.get("级别"))
        certified_on = self.fields["certified_on"].widget.clean(row.get("认定日期"))
        if base is None or not level or certified_on is None:
            return None
        return self.scoped_queryset().filter(base=base, level=level, certified_on=certified_on).first()

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.certified_on and not instance.valid_until:
            instance.valid_until = Certification.default_valid_until(instance.certified_on)
        if instance.revoked_on and not instance.revoke_reason and "revoke_reason" not in errors:
            errors["revoke_reason"] = [_("填写了撤销日期时必须填写撤销原因。")]
        if (instance.revoke_reason or "").strip() and not instance.revoked_on and "revoked_on" not in errors:
            # a revocation counts from its date: without one the certification would still count as valid
            errors["revoked_on"] = [_("填写了撤销原因时必须填写撤销日期。")]
        instance.status = _status_for(instance)
        super().validate_instance(instance, errors or None, validate_unique)


def _status_for(cert: Certification) -> str:
    today = clock.today()
    if cert.revoked_on and cert.revoked_on <= today:
        return Certification.Status.REVOKED
    if cert.valid_until and cert.valid_until < today:
        return Certification.Status.EXPIRED
    return Certification.Status.VALID


class AnnualReportResource(_BaseChildResource):
    id = Field(attribute="id", column_name="编号", widget=NumberWidget(), saves_null_values=False)
    base = Field(attribute="base", column_name="基地编号", widget=LookupWidget(Base, fields=("pk",), render_field="pk"))
    base_name = Field(attribute="base__name", column_name="基地名称", readonly=True)
    region = Field(attribute="base__region__name", column_name="所属区域", readonly=True)
    year = Field(attribute="year", column_name="年度", widget=NumberWidget())
    open_days = Field(attribute="open_days", column_name="开放天数", widget=NumberWidget(), default=0)
    free_open_days = Field(attribute="free_open_days", column_name="免费开放天数", widget=NumberWidget(), default=0)
    visitors = Field(attribute="visitors", column_name="参观人次", widget=NumberWidget(), default=0)
    activities = Field(attribute="activities", column_name="举办活动次数", widget=NumberWidget(), default=0)
    staff_full_time = Field(attribute="staff_full_time", column_name="专职人员", widget=NumberWidget(), default=0)
    staff_part_time = Field(attribute="staff_part_time", column_name="兼职人员", widget=NumberWidget(), default=0)
    volunteers = Field(attribute="volunteers", column_name="志愿者", widget=NumberWidget(), default=0)
    exhibition_area = Field(
        attribute="exhibition_area", column_name="展厅面积(平方米)", widget=NumberWidget(decimal=True), default=0
    )
    funding = Field(attribute="funding", column_name="科普经费(万元)", widget=NumberWidget(decimal=True), default=0)
    note = Field(attribute="note", column_name="备注")

    required_columns = ["基地编号", "年度"]
    unique_in_file = [("base", "year")]

    class Meta:
        model = BaseAnnualReport
        fields = (
            "id",
            "base",
            "base_name",
            "region",
            "year",
            "open_days",
            "free_open_days",
            "visitors",
            "activities",
            "staff_full_time",
            "staff_part_time",
            "volunteers",
            "exhibition_area",
            "funding",
            "note",
        )
        import_id_fields = ("id",)
        clean_model_instances = True
        skip_diff = True
        use_bulk = True
        batch_size = 500

    def export_queryset(self, queryset):
        return queryset.select_related("base__region")

    def natural_key_lookup(self, row):
        base = self.fields["base"].widget.clean(row.get("基地编号"))
        year = self.fields["year"].widget.clean(row.get("年度"))
        if base is None or year is None:
            return None
        return self.scoped_queryset().filter(base=base, year=year).first()
