"""django-import-export resource for the district's 活动安排表 (seed 002, 附件2).

Columns follow the notice: one row per activity with its name, category (主场活动, 镇街主场活动, the four
联合行动, the three 专项行动), format, dates, place, organisers, audience, brand, planned figures,
and the national platform registration. Every widget raises ValueError with a Chinese message, so a
bad cell becomes a (row, column, message) entry in the preview.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import cast

from django.core.exceptions import ValidationError
from django.db.models import Field
from import_export import fields, widgets

from accounts import scope
from common.imports import KepuResource, whole_number
from common.imports.widgets import parse_count, parse_date
from programs.models import Region, TargetPopulation

from .models import ActivityReturn, Brand

Category = ActivityReturn.Category
Format = ActivityReturn.Format

# (column header, model attribute, required?) — the order of the template.
COLUMNS = [
    ("序号", None, False),
    ("活动名称", "title", True),
    ("活动类别", "category", True),
    ("活动形式", "format", False),
    ("开始日期", "starts_on", True),
    ("结束日期", "ends_on", True),
    ("所属辖市(区)", "region", False),
    ("所在镇(街道)", "town", False),
    ("主办单位", "organiser", False),
    ("协办单位", "co_organisers", False),
    ("活动地点", "venue", False),
    ("活动主题", "topics", False),
    ("面向人群", "populations", False),
    ("活动品牌", "brand", False),
    ("预计参与人数", "planned_participants", False),
    ("志愿者人数", "volunteers", False),
    ("专家人数", "experts", False),
    ("经费(万元)", "budget", False),
    ("全国科普日平台登记号", "platform_ref", False),
    ("联系人", "contact_name", False),
    ("联系电话", "contact_phone", False),
    ("编号", "id", False),  # the portal's number of the activity: a row with it updates that activity
]
REQUIRED_HEADERS = [c for c, _a, req in COLUMNS if req]
KNOWN_HEADERS = [c for c, _a, _r in COLUMNS]
COLUMN_FOR_ATTRIBUTE = {a: c for c, a, _r in COLUMNS if a}
COLUMN_FOR_ATTRIBUTE.update(
    {
        "_populations": "面向人群",
        "target_populations": "面向人群",
        "general_public": "面向人群",
        "campaign": "活动专项",
        "unit": "组织单位",
    }
)
GENERAL_PUBLIC_LABELS = {"社会公众", "公众", "全体公众", "社会公众(全体)"}
SEPARATORS = ("、", ",", ",", ";", ";", "/", " ")


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _split(text: str) -> list[str]:
    for sep in SEPARATORS[1:]:
        text = text.replace(sep, SEPARATORS[0])
    return [part.strip() for part in text.split(SEPARATORS[0]) if part.strip()]


class ChoiceLabelWidget(widgets.Widget):
    """A choice given by its Chinese label (or its code)."""

    def __init__(self, choices, label: str, default=None):
        super().__init__()
        self.by_label = {str(lbl): code for code, lbl in choices}
        self.codes = {code for code, _lbl in choices}
        self.label, self.default = label, default

    def clean(self, value, row=None, **kwargs):
        text = _text(value).replace('"', "“", 1).replace('"', "”", 1)
        if not text:
            if self.default is not None:
                return self.default
            raise ValueError(f"{self.label}不能为空。")
        if text in self.by_label:
            return self.by_label[text]
        plain = {k.replace("“", "").replace("”", ""): v for k, v in self.by_label.items()}
        if text.replace("“", "").replace("”", "") in plain:
            return plain[text.replace("“", "").replace("”", "")]
        if text in self.codes:
            return text
        raise ValueError(f"未知的{self.label}“{text}”,可选:{'、'.join(self.by_label)}。")


class DateWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return parse_date(value)


class CountWidget(widgets.Widget):
    def __init__(self, label: str):
        super().__init__()
        self.label = label

    def clean(self, value, row=None, **kwargs):
        return parse_count(value, self.label)


class BudgetWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value).replace(",", "")
        if not text:
            return Decimal("0")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite():  # nan and inf; comparing a NaN Decimal raises InvalidOperation
            raise ValueError(f"“{text}”不是数字(单位:万元)。")
        if amount < 0:
            raise ValueError(f"经费不能为负数(填写了 {text})。")
        if amount >= Decimal("100000000"):
            raise ValueError(f"经费“{text}”超出范围(单位:万元)。")
        return amount.quantize(Decimal("0.01"))


class RegionWidget(widgets.Widget):
    """A region by name or code, limited to what the importing user may file for."""

    def __init__(self, user):
        super().__init__()
        self.user = user
        self.regions = {r.name: r for r in Region.objects.all()} | {r.code: r for r in Region.objects.all()}

    def clean(self, value, row=None, **kwargs):
        """A filer's rows belong to its own party (accounts.scope): the column may be empty, or name the party's
        own region or the district it files to; anything else is refused. The office names the region."""
        text = _text(value)
        sc = scope.scope_of(self.user)
        region = self.regions.get(text) if text else None
        if text and region is None:
            raise ValueError(f"未知的区域“{text}”。")
        if sc.writes_all:
            if region is None:
                raise ValueError("请填写所属辖市(区)。")
            return region
        own_region = sc.owner_region
        if region is None or region in (own_region, sc.district):
            return own_region
        raise ValueError(f"只能导入“{sc.party_name}”的活动,不能填写“{text}”。")


class BrandWidget(widgets.Widget):
    def __init__(self):
        super().__init__()
        self.brands = {b.name: b for b in Brand.objects.filter(is_active=True)}

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text or text in ("无", "—", "-"):
            return None
        if text not in self.brands:
            raise ValueError(f"未知的活动品牌“{text}”,可选:{'、'.join(self.brands)};没有品牌请留空。")
        return self.brands[text]


class PopulationsWidget(widgets.Widget):
    """面向人群: names of the five populations and/or 社会公众, separated by 、"""

    def __init__(self):
        super().__init__()
        self.populations = {p.name: p for p in TargetPopulation.objects.all()}

    def clean(self, value, row=None, **kwargs):
        names = _split(_text(value))
        chosen, general = [], not names
        for name in names:
            if name in GENERAL_PUBLIC_LABELS:
                general = True
            elif name in self.populations:
                chosen.append(self.populations[name])
            else:
                allowed = "、".join([*self.populations, "社会公众"])
                raise ValueError(f"未知的人群“{name}”,可选:{allowed}。")
        return {"populations": chosen, "general_public": general}


class TextWidget(widgets.Widget):
    def __init__(self, max_length: int, label: str):
        super().__init__()
        self.max_length, self.label = max_length, label

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if len(text) > self.max_length:
            raise ValueError(f"{self.label}太长:最多 {self.max_length} 字(现有 {len(text)} 字)。")
        return text


class IdWidget(widgets.Widget):
    """编号: read by KepuResource.get_or_init_instance (a bad one is named there); written back as the number."""

    def clean(self, value, row=None, **kwargs):
        return whole_number(value) if value not in (None, "") else None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value


def _owner_ids(owner: dict) -> tuple:
    return tuple(getattr(owner.get(name), "pk", None) for name in scope.OWNER_FIELDS)


class ActivityReturnResource(KepuResource):
    """Draft returns for `campaign` on behalf of `user` (only rows the user may file). A row with 编号 updates that
    activity when the user may change it (accounts.scope) and it is still editable (draft or returned); a row
    without 编号 updates the user's activity of the same campaign, title and start date; else it creates one.
    A row whose values equal the stored ones is 无变化 (skipped). The confirm writes in bulk (KepuResource)."""

    required_columns = REQUIRED_HEADERS
    EDITABLE = ("draft", "returned")
    # set from the user's scope, the chosen campaign and the widgets' caches; the model's three check constraints
    # (one owner, ends after start, budget ≥ 0) are said in words by settle_owner, import_instance and BudgetWidget
    trusted_foreign_keys = frozenset({"campaign", "region", "unit", "organisation", "base", "brand", "created_by"})
    constraints_said_in_words = True

    def __init__(self, user, campaign=None):
        self.campaign = campaign
        super().__init__(user=user)
        model_fields = {f.name: f for f in ActivityReturn._meta.get_fields() if hasattr(f, "max_length")}
        specials = {
            "id": IdWidget(),
            "category": ChoiceLabelWidget(Category.choices, "活动类别"),
            "format": ChoiceLabelWidget(Format.choices, "活动形式", default=Format.OFFLINE),
            "starts_on": DateWidget(),
            "ends_on": DateWidget(),
            "region": RegionWidget(user),
            "brand": BrandWidget(),
            "populations": PopulationsWidget(),
            "planned_participants": CountWidget("预计参与人数"),
            "volunteers": CountWidget("志愿者人数"),
            "experts": CountWidget("专家人数"),
            "budget": BudgetWidget(),
        }
        self.fields = {}
        for column, attribute, _required in COLUMNS:
            if not attribute:
                continue
            widget = specials.get(attribute)
            if widget is None:
                widget = TextWidget(model_fields[attribute].max_length, column)
            target = "_populations" if attribute == "populations" else attribute
            # 编号 is read by get_or_init_instance, never assigned from the cell (a blank one would drop the pk)
            self.fields[attribute] = fields.Field(
                attribute=target, column_name=column, widget=widget, readonly=attribute == "id"
            )
        self._snapshots: dict[int, tuple] = {}

    class Meta:
        model = ActivityReturn
        fields = ()
        skip_diff = True
        clean_model_instances = True
        use_transactions = True
        use_bulk = True  # the confirm writes 500 rows (and their history) per query, see KepuResource
        batch_size = 500
        store_instance = True

    # --- columns -------------------------------------------------------------------------------------------
    @classmethod
    def column_names(cls) -> list[str]:
        return list(KNOWN_HEADERS)

    def column_for(self, attribute: str) -> str:
        return super().column_for(attribute) or COLUMN_FOR_ATTRIBUTE.get(attribute, "")

    # --- which activity a row is ------------------------------------------------------------------------------
    def scoped_queryset(self):
        return scope.changeable(self.user, ActivityReturn.objects.all()).prefetch_related("target_populations")

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._snapshots = {}
        self._stamp_owner = None if scope.scope_of(self.user).writes_all else _owner_ids(scope.owner_for(self.user))
        mine = (
            self.get_queryset().filter(campaign=self.campaign)
            if self.campaign
            else self.get_queryset().filter(campaign__isnull=True)
        )
        self._by_key = {}
        for activity in mine.order_by("pk"):
            key = (
                *_owner_ids({n: getattr(activity, n) for n in scope.OWNER_FIELDS}),
                activity.title,
                activity.starts_on,
            )
            self._by_key.setdefault(key, self._by_pk.get(activity.pk, activity))

    def natural_key_lookup(self, row):
        """The user's activity of this campaign with the row's owner, title and start date."""
        title = TextWidget(200, "活动名称").clean(row.get("活动名称"))
        starts_on = parse_date(row.get("开始日期"))
        owner = self._stamp_owner
        if owner is None:  # the office: the owner the row names
            region = self.fields["region"].widget.clean(row.get("所属辖市(区)"))
            owner = _owner_ids(scope.owner_for(self.user, {"region": region}))
        return self._by_key.get((*owner, title, starts_on))

    def get_or_init_instance(self, instance_loader, row):
        instance, new = super().get_or_init_instance(instance_loader, row)
        if not new and instance.pk not in self._snapshots:
            self._snapshots[instance.pk] = self._values(instance, stored=True)
        return instance, new

    def _values(self, instance, stored=False) -> tuple:
        if stored:
            populations = sorted(p.pk for p in instance.target_populations.all())
            general = instance.general_public
        else:
            chosen = getattr(instance, "_populations", None) or {"populations": [], "general_public": True}
            populations, general = sorted(p.pk for p in chosen["populations"]), chosen["general_public"]
        plain = [
            getattr(instance, cast("Field", ActivityReturn._meta.get_field(a)).attname)
            for _c, a, _r in COLUMNS
            if a and a not in ("id", "populations")
        ]
        return (*plain, tuple(populations), general)

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new:
            instance._populations = {
                "populations": list(instance.target_populations.all()),
                "general_public": instance.general_public,
            }
            return
        user = self.user
        instance.campaign = self.campaign
        instance.status = "draft"
        instance.source = "import"
        instance.created_by = user
        instance.general_public = True
        instance._populations = {"populations": [], "general_public": True}
        if scope.scope_of(user).kind == "unit":
            instance.organiser = user.unit.name

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        stored = self._snapshots.get(instance.pk) if instance.pk else None
        if stored is not None and instance.status not in self.EDITABLE:
            number = self._spreadsheet_row(kwargs.get("row_number"))
            raise ValidationError(
                {"id": ValidationError(f"第{number}行:编号{instance.pk}的活动已提交,不能通过导入修改。")}
            )
        current = {f"{n}_id": getattr(instance, f"{n}_id") for n in scope.OWNER_FIELDS} if instance.pk else None
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            errors = exc.error_dict
        chosen = getattr(instance, "_populations", None) or {"populations": [], "general_public": True}
        instance.general_public = chosen["general_public"]
        if "starts_on" not in errors and "ends_on" not in errors and instance.ends_on < instance.starts_on:
            errors["ends_on"] = [ValidationError("结束日期不能早于开始日期。")]
        if "region" not in errors:
            if current is not None and not scope.scope_of(self.user).writes_all:
                for name, value in current.items():  # a filer's row never moves the activity (the widget said own)
                    setattr(instance, name, value)
            try:
                scope.settle_owner(self.user, instance, current)
            except ValidationError as exc:
                errors["region"] = [ValidationError(m) for m in exc.messages]
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """无变化: an existing activity whose row holds exactly what is stored is neither written nor counted."""
        if import_validation_errors or not instance.pk or instance.pk not in self._snapshots:
            return False
        return self._values(instance) == self._snapshots[instance.pk]

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The model's check constraints repeat what import_instance already said in plain words.
        super().validate_instance(instance, import_validation_errors, validate_unique=False)

    # --- writes ----------------------------------------------------------------------------------------------
    def save_m2m(self, instance, row, **kwargs):
        if kwargs.get("dry_run"):
            return
        chosen = getattr(instance, "_populations", None) or {"populations": [], "general_public": True}
        self._pending_m2m[id(instance)] = (instance, {"target_populations": list(chosen["populations"])})

    def bulk_update_fields(self) -> list:
        names = {a for _c, a, _r in COLUMNS if a and a not in ("id", "populations")} | {"general_public", "updated_at"}
        return [f for f in ActivityReturn._meta.concrete_fields if f.name in names]
