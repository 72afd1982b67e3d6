"""The scope rule's answers for pages: which regions a user may pick, create in or see on a dashboard; which
campaigns and bases a user files for; who chases whom (催报). Every answer is derived from accounts.scope.core."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q

from .core import OWNER_FIELDS, _office_owner, _spec, owner_for, scope_of

# --- choices for pages -----------------------------------------------------------------------------
__all__ = [
    "PUBLISHED_CAMPAIGN_Q",
    "campaign_filter_q",
    "campaign_list_q",
    "campaign_read_q",
    "can_create_in",
    "can_file_for_base",
    "can_file_for_unit",
    "can_manage_campaigns",
    "chase_level",
    "creatable_regions",
    "dashboard_regions",
    "filable_bases",
    "home_region",
    "reads_meeting_brief",
    "region_choices",
    "settle_owner",
]


def region_choices(user):
    """Regions a user may pick in filters and forms: all for the office and leaders; a district its subtree;
    a town itself; others none."""
    from programs.models import Region

    scope = scope_of(user)
    if scope.reads_all:
        return Region.objects.all()
    if scope.kind == "district":
        return Region.objects.subtree(scope.region)
    if scope.kind == "town":
        return Region.objects.filter(pk=scope.region.pk)
    return Region.objects.none()


def dashboard_regions(user) -> list:
    """Regions whose figures the user may see (pages, exports, API): the city and every district for office and
    leaders; the city totals and its own district for a district office, never another district's; nothing for
    other parties (towns, organisations, bases and units have no dashboard yet). The first is the default."""
    from programs.models import Region

    scope = scope_of(user)
    city = Region.objects.city().first()
    if scope.reads_all:
        return [city] + list(Region.objects.districts().order_by("order"))
    if scope.kind == "district":
        return [city, scope.region]
    return []


def home_region(user):
    """The dashboard a user opens first: its own district for a district office, else the city."""
    regions = dashboard_regions(user)
    if scope_of(user).kind == "district":
        return scope_of(user).region
    return regions[0] if regions else None


PUBLISHED_CAMPAIGN_Q = Q(published_at__isnull=False)


def can_manage_campaigns(user) -> bool:
    """Create, edit, copy and publish campaigns in the portal: the office alone (Django admin is for superusers)."""
    return scope_of(user).kind == "office"


def campaign_read_q(user) -> Q | None:
    """Campaigns a user may open: the office every one, drafts too; every other role only published ones (a draft
    is the office's until it is published). None: all."""
    scope = scope_of(user)
    if can_manage_campaigns(user):
        return None
    if scope.kind == "none":
        return Q(pk__in=[])
    return PUBLISHED_CAMPAIGN_Q


def campaign_list_q(user) -> Q | None:
    """The campaign list: the office sees every campaign (drafts too); a party the published ones it files for."""
    return None if can_manage_campaigns(user) else campaign_filter_q(user)


def campaign_filter_q(user) -> Q | None:
    """Published campaigns a party must file for: its district's (towns, organisations and bases file to their
    district), or its unit's; the office and leaders every published one. A draft is offered to nobody (no form,
    import or API write may file into it)."""
    scope = scope_of(user)
    if scope.reads_all:
        return PUBLISHED_CAMPAIGN_Q
    if scope.kind == "unit":
        return PUBLISHED_CAMPAIGN_Q & Q(units=scope.unit)
    district = scope.district
    if district is not None:
        return PUBLISHED_CAMPAIGN_Q & Q(regions=district)
    return Q(pk__in=[])


def settle_owner(user, instance, current: dict | None = None) -> None:
    """Give a record being saved its owner, or refuse the move: the one place writes ask.

    `current` is None for a new record; for an update it holds the stored ``region_id``, ``unit_id``,
    ``organisation_id`` and ``base_id``. A new record gets the creator's own party (the office the one it names);
    on an update a filer cannot change the owner at all, and the office's change names the new owner."""
    fields = [name for name in OWNER_FIELDS if hasattr(type(instance), name)]
    requested = {name: getattr(instance, name) for name in fields}
    if current is None:
        owner = owner_for(user, requested)
    else:
        changed = [name for name in fields if getattr(instance, f"{name}_id") != current.get(f"{name}_id")]
        if not changed:
            return
        if not scope_of(user).writes_all:
            raise ValidationError(
                {changed[0]: f"填报主体不能修改:本记录属于“{_stored_owner_label(instance, current)}”。"}
            )
        named = {name: requested[name] for name in changed if requested[name] is not None}
        owner = _office_owner(named or {name: requested[name] for name in fields})
    for name in fields:
        setattr(instance, name, owner.get(name))


def _stored_owner_label(instance, current: dict) -> str:
    model = type(instance)
    for name in ("base", "organisation", "unit", "region"):
        pk = current.get(f"{name}_id")
        if pk and hasattr(model, name):
            related = model._meta.get_field(name).related_model
            return str(related._default_manager.filter(pk=pk).first() or "")
    return ""


def can_create_in(user, model, region) -> bool:
    """May the user create a `model` record owned by `region`? The office anywhere; a district office in its
    subtree for registries it keeps (bases), else only its own region; others never through a region."""
    scope = scope_of(user)
    spec = _spec(model)
    if scope.writes_all:
        return True
    if scope.kind not in spec.changed_by or scope.kind not in ("district", "town") or region is None:
        return False
    if scope.kind == "district" and spec.district_keeps:
        return region.path.startswith(scope.region.path)
    return region == scope.region


def creatable_regions(user, model):
    """The regions a new `model` record may be given (form choices), by the rule of can_create_in."""
    from programs.models import Region

    scope = scope_of(user)
    spec = _spec(model)
    regions = Region.objects.exclude(level="city")
    if scope.writes_all:
        return regions
    if scope.kind == "district" and "district" in spec.changed_by and spec.district_keeps:
        return regions.filter(path__startswith=scope.region.path)
    if scope.kind in ("district", "town") and scope.kind in spec.changed_by:
        return regions.filter(pk=scope.region.pk)
    return regions.none()


def filable_bases(user, model):
    """The bases for which the user may create a `model` record (an annual report): all for the office; its own
    for a base's contact; its subtree's for a district office when the model is one it keeps."""
    from bases.models import Base

    scope = scope_of(user)
    spec = _spec(model)
    if scope.writes_all:
        return Base.objects.all()
    if scope.kind == "base" and "base" in spec.changed_by:
        return Base.objects.filter(pk=scope.base.pk)
    if scope.kind == "district" and "district" in spec.changed_by and spec.district_keeps:
        return Base.objects.filter(region__path__startswith=scope.region.path)
    return Base.objects.none()


def can_file_for_base(user, model, base) -> bool:
    return filable_bases(user, model).filter(pk=base.pk).exists()


def can_file_for_unit(user, unit) -> bool:
    """May the user file a record of this member unit (a unit report)? Its liaison, or the office on its behalf."""
    scope = scope_of(user)
    return scope.writes_all or (scope.kind == "unit" and unit is not None and scope.unit.pk == unit.pk)


# --- chasing late filers (催报) ----------------------------------------------------------------------
def chase_level(user):
    """The completeness level at which the user may send reminders (催报) to the parties that have not filed,
    or None. The office chases at the city level: the districts and member units of a campaign, and the member
    units' work reports. A district office chases at its own district level: its towns, organisations and bases
    (they file to it). Returns ``("city", None)`` or ``("district", region)``."""
    sc = scope_of(user)
    if sc.kind == "office":
        return ("city", None)
    if sc.kind == "district":
        return ("district", sc.region)
    return None


def reads_meeting_brief(user) -> bool:
    """The leading-group meeting brief (/indicators/brief.docx): office staff and leaders, who read everything;
    not a district (the brief compares every district), a town, an organisation, a base or a unit."""
    return bool(user and user.is_authenticated and scope_of(user).reads_all)
