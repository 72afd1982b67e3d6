"""The one scope rule: for a user, which party they act for, and which records they may read, change and review.

Every queryset, form choice, import resource, serializer, export, navigation entry, dashboard and completeness
page asks this module; nothing else decides it (compare NetBox's ``RestrictedQuerySet.restrict(user, action)``
and Healthchecks' ``_get_check_for_user``).

A model declares how its records belong to an owner with ``OwnedBy`` (``owned_by = OwnedBy(region="region", …)``:
lookups from the model to the owner's Region, member unit, Organisation and Base). A record has exactly one filing
owner — a region (city, district or town), a member unit, an organisation or a base — fixed at creation from the
creator's scope (the office may choose any); no write may move it out of the writer's scope.

Who is who:

==============  ==============================================================================================
office          reads, changes and reviews everything (also on behalf of any filer)
leader          reads everything, changes nothing
district        reads its region's subtree: its own records, its towns', organisations' and bases'; changes its
                own (and, for registries it keeps such as bases, its subtree's); reviews what is filed below it
town            reads and changes only the records its town owns
organisation    reads and changes only its organisation's records
base            reads and changes only its base's records (its annual reports and activities)
unit            a member-unit liaison: reads and changes only its unit's records
none            an anonymous or inactive user, or a role without its party: nothing
==============  ==============================================================================================

The review chain (DHIS2's approval levels): a record owned below a district (a town, an organisation or a base)
is reviewed first by that district's office, then by the city office; a record a district, a member unit or the
city owns goes straight to the city office. The chain is derived from the owner's place in the region tree, so
a deeper tree adds levels without another rule here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

OWNER_FIELDS = ("region", "unit", "organisation", "base")
FILER_KINDS = frozenset({"district", "town", "organisation", "base", "unit"})

KIND_LABELS = {
    "office": "领导小组办公室", "leader": "领导", "district": "辖市(区)科协", "town": "镇(街道)科协",
    "organisation": "基层组织", "base": "科普教育基地", "unit": "成员单位", "none": "",
}


@dataclass(frozen=True)
class OwnedBy:
    """How a model's records belong to an owner: lookups from the model to each kind of owner.

    ``changed_by``: the filing kinds that may change their own records (the office always may). ``district_keeps``:
    a district office changes every record of its subtree (registries it keeps, such as bases), not only its own.
    ``review_chain``: records are reviewed along the town → district → city chain (activity returns); otherwise
    by the city office alone.
    """

    region: str | None = None
    unit: str | None = None
    organisation: str | None = None
    base: str | None = None
    changed_by: frozenset = field(default=FILER_KINDS)
    district_keeps: bool = False
    review_chain: bool = False
    statuses: tuple[str, ...] = ("status",)  # the fields holding the state of each review phase

    def q(self, kind: str, value) -> Q:
        lookup = getattr(self, kind)
        if lookup is None:
            return Q(pk__in=[])
        if lookup == "pk":  # the record is the owner itself (a Base, an Organisation): compare keys, not instances
            value = getattr(value, "pk", value)
        return Q(**{lookup: value})


class Scope:
    """What one user acts for. Build it with ``scope_of(user)`` (cached on the user object)."""

    def __init__(self, user):
        self.user = user
        active = bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)
        self.region = self.unit = self.organisation = self.base = None
        if not active:
            self.kind = "none"
        elif user.is_office:
            self.kind = "office"
        elif user.is_leader:
            self.kind = "leader"
        elif user.is_district:
            self.kind, self.region = "district", user.region
        elif user.is_town:
            self.kind, self.region = "town", user.region
        elif user.is_organisation:
            self.kind, self.organisation = "organisation", user.organisation
        elif user.is_base_contact:
            self.kind, self.base = "base", user.base
        elif user.is_liaison:
            self.kind, self.unit = "unit", user.unit
        else:
            self.kind = "none"

    # --- who ---------------------------------------------------------------------------------
    @property
    def reads_all(self) -> bool:
        return self.kind in ("office", "leader")

    @property
    def writes_all(self) -> bool:
        return self.kind == "office"

    @property
    def files(self) -> bool:
        """Files records of its own (activities, filings): every party, and the office on behalf of any."""
        return self.kind in FILER_KINDS or self.kind == "office"

    @property
    def reviews(self) -> bool:
        return self.kind in ("office", "district")

    @property
    def owner_region(self):
        """The region the party's records are counted in (None for a member unit)."""
        if self.kind in ("district", "town"):
            return self.region
        if self.kind == "organisation":
            return self.organisation.region
        if self.kind == "base":
            return self.base.region
        return None

    @property
    def district(self):
        """The district whose office the party files to (its own region for a district office)."""
        region = self.owner_region
        while region is not None and region.level not in ("district", "city"):
            region = region.parent
        return region if region is not None and region.level == "district" else None

    @property
    def party(self):
        """The object the user acts for (a Region, ResponsibleUnit, Organisation or Base), or None."""
        return {"district": self.region, "town": self.region, "organisation": self.organisation,
                "base": self.base, "unit": self.unit}.get(self.kind)

    @property
    def party_name(self) -> str:
        party = self.party
        return str(party) if party is not None else KIND_LABELS.get(self.kind, "")

    # --- what: querysets -------------------------------------------------------------------------
    def _own_q(self, spec: OwnedBy) -> Q:
        """Records the user's own party owns (a district's own, not its towns')."""
        if self.kind in ("district", "town"):
            if spec.base == "pk":  # a Base is owned by itself, never by its region
                return Q(pk__in=[])
            q = spec.q("region", self.region)
            if spec.organisation:
                q &= Q(**{f"{spec.organisation}__isnull": True})
            if spec.base:
                q &= Q(**{f"{spec.base}__isnull": True})
            return q
        if self.kind == "organisation":
            return spec.q("organisation", self.organisation)
        if self.kind == "base":
            return spec.q("base", self.base)
        if self.kind == "unit":
            return spec.q("unit", self.unit)
        return Q(pk__in=[])

    def _subtree_q(self, spec: OwnedBy) -> Q:
        if spec.region is None:
            return Q(pk__in=[])
        return Q(**{f"{spec.region}__path__startswith": self.region.path})

    def read_q(self, spec: OwnedBy) -> Q | None:
        """None means every record."""
        if self.reads_all:
            return None
        if self.kind == "district":
            return self._subtree_q(spec)
        return self._own_q(spec)

    def change_q(self, spec: OwnedBy) -> Q | None:
        if self.writes_all:
            return None
        if self.kind not in spec.changed_by:
            return Q(pk__in=[])
        if self.kind == "district" and spec.district_keeps:
            return self._subtree_q(spec)
        return self._own_q(spec)

    def review_q(self, spec: OwnedBy) -> Q:
        """Records waiting for this user's decision at their level (in any of their review phases)."""
        first, *others = [self._review_q(spec, status_field) for status_field in spec.statuses]
        for q in others:
            first |= q
        return first

    def _review_q(self, spec: OwnedBy, status_field: str) -> Q:
        submitted, forwarded = Q(**{status_field: "submitted"}), Q(**{status_field: "forwarded"})
        if self.kind == "office":
            if not spec.review_chain:
                return submitted
            return forwarded | (submitted & ~below_district_q(spec))
        if self.kind == "district" and spec.review_chain:
            return submitted & below_district_q(spec) & self._subtree_q(spec)
        return Q(pk__in=[])

    def decided_q(self, spec: OwnedBy) -> Q | None:
        """Records this user may decide on at their level, whatever their status (for object checks)."""
        if self.kind == "office":
            return None
        if self.kind == "district" and spec.review_chain:
            return below_district_q(spec) & self._subtree_q(spec)
        return Q(pk__in=[])


def below_district_q(spec: OwnedBy) -> Q:
    """Records owned below a district: by a town, an organisation or a base (reviewed by the district first)."""
    q = Q(**{f"{spec.region}__level": "town"})
    if spec.organisation:
        q |= Q(**{f"{spec.organisation}__isnull": False})
    if spec.base:
        q |= Q(**{f"{spec.base}__isnull": False})
    return q


def scope_of(user) -> Scope:
    if user is None:
        return Scope(None)
    cached = getattr(user, "_kepu_scope", None)
    if cached is None or cached.user is not user:
        cached = Scope(user)
        try:
            user._kepu_scope = cached
        except AttributeError:  # AnonymousUser is a plain object too; keep it uncached if it refuses
            pass
    return cached


def _spec(model) -> OwnedBy:
    spec = getattr(model, "owned_by", None)
    if spec is None:
        raise TypeError(f"{model.__name__} does not declare owned_by = OwnedBy(…)")
    return spec


def _filtered(queryset, q):
    if q is None:
        return queryset
    return queryset.filter(q)


def readable(user, queryset):
    """The records of `queryset` the user may read (another party's are absent)."""
    scope = scope_of(user)
    if scope.kind == "none":
        return queryset.none()
    return _filtered(queryset, scope.read_q(_spec(queryset.model)))


def changeable(user, queryset):
    """The records the user may change (leaders: none)."""
    scope = scope_of(user)
    if scope.kind in ("none", "leader"):
        return queryset.none()
    return _filtered(queryset, scope.change_q(_spec(queryset.model)))


def reviewable(user, queryset):
    """The records waiting for this user's decision at their level (the review queue)."""
    scope = scope_of(user)
    return queryset.filter(scope.review_q(_spec(queryset.model)))


def _has(queryset, obj) -> bool:
    return obj.pk is not None and queryset.filter(pk=obj.pk).exists()


def can_read(user, obj) -> bool:
    return _has(readable(user, type(obj)._default_manager.all()), obj)


def can_change(user, obj) -> bool:
    """May the user change this record (ignoring locks: a workflow model adds its own)."""
    return _has(changeable(user, type(obj)._default_manager.all()), obj)


def can_review(user, obj) -> bool:
    """Is this record decided at the user's level (the office, or the district above its owner)?"""
    scope = scope_of(user)
    q = scope.decided_q(_spec(type(obj)))
    if q is None:
        return True
    return _has(type(obj)._default_manager.filter(q), obj)


def review_level(obj, status_field: str = "status") -> str:
    """"district" when the record (in the phase whose state is `status_field`) waits for its district office,
    "city" when for the city office."""
    spec = _spec(type(obj))
    if spec.review_chain and getattr(obj, status_field) == "submitted" and is_below_district(obj):
        return "district"
    return "city"


def is_below_district(obj) -> bool:
    """Owned by a town, an organisation or a base (Python twin of below_district_q for a loaded record)."""
    spec = _spec(type(obj))
    if spec.organisation and getattr(obj, f"{spec.organisation}_id", None):
        return True
    if spec.base and spec.base != "pk" and getattr(obj, f"{spec.base}_id", None):
        return True
    region = getattr(obj, spec.region, None) if spec.region and "__" not in spec.region else None
    return region is not None and region.level == "town"


# --- owners of new records -------------------------------------------------------------------------
def owner_for(user, requested: dict | None = None) -> dict:
    """The owner fields a new record gets: the user's own party, or for the office the one it names.

    `requested` holds what the form, import row or API body asked for (region, unit, organisation, base: objects
    or None). A filer naming another party is refused with a ValidationError naming the field; so is an office
    request naming no owner or two.
    """
    scope = scope_of(user)
    requested = {k: v for k, v in (requested or {}).items() if k in OWNER_FIELDS and v not in (None, "")}
    if scope.kind == "office":
        return _office_owner(requested)
    if scope.kind not in FILER_KINDS:
        raise PermissionDenied("您的角色只能查看,不能填报或修改。")
    own = _owner_of_party(scope)
    for name, value in requested.items():
        if own.get(name) != value and not (name == "region" and own.get("region") == value):
            raise ValidationError({name: f"您只能以“{scope.party_name}”的名义填报,不能指定“{value}”。"})
    return own


def _owner_of_party(scope: Scope) -> dict:
    owner = dict.fromkeys(OWNER_FIELDS)
    if scope.kind in ("district", "town"):
        owner["region"] = scope.region
    elif scope.kind == "organisation":
        owner.update(organisation=scope.organisation, region=scope.organisation.region)
    elif scope.kind == "base":
        owner.update(base=scope.base, region=scope.base.region)
    elif scope.kind == "unit":
        owner["unit"] = scope.unit
    return owner


def _office_owner(requested: dict) -> dict:
    owner = dict.fromkeys(OWNER_FIELDS)
    named = [k for k in ("unit", "organisation", "base") if requested.get(k) is not None]
    if len(named) > 1:
        raise ValidationError({named[1]: "一条记录只能有一个填报主体:组织单位、基层组织、科普教育基地只能选一个。"})
    if named == ["unit"]:
        if requested.get("region") is not None:
            raise ValidationError({"region": "成员单位填报的记录不属于任何辖市(区),请不要同时指定区域。"})
        owner["unit"] = requested["unit"]
    elif named:
        party = requested[named[0]]
        if requested.get("region") is not None and requested["region"] != party.region:
            raise ValidationError({"region": f"“{party}”属于{party.region},区域须与之一致。"})
        owner.update({named[0]: party, "region": party.region})
    elif requested.get("region") is not None:
        owner["region"] = requested["region"]
    else:
        raise ValidationError({"region": "请指定填报主体:区域、成员单位、基层组织或科普教育基地。"})
    return owner


# --- choices for pages -----------------------------------------------------------------------------
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


def campaign_filter_q(user) -> Q | None:
    """Campaigns a party must file for: its district's (towns, organisations and bases file to their district),
    or its unit's. None: all (office, leaders)."""
    scope = scope_of(user)
    if scope.reads_all:
        return None
    if scope.kind == "unit":
        return Q(units=scope.unit)
    district = scope.district
    if district is not None:
        return Q(regions=district)
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
            raise ValidationError({changed[0]: "填报主体不能修改:本记录属于“%s”。" % _stored_owner_label(instance, current)})
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


# === the annual assessment (考核) ==========================================================================
# Who may see and do what in an assessment round. Only the office keeps schemes, opens and steps rounds and
# reviews claims; leaders read everything. An assessed party (a district office, a town clerk under a district's
# towns scheme, a member unit's liaison) sees a round once it is open; before publication only its own scores and
# claims (a district office also its towns' in the scheme it organises), and after publication the published
# ranking of every party of the round; nobody changes a published result (a correction is the office's Revision).
def can_manage_assessment(user) -> bool:
    """May the user keep schemes, step rounds and review claims? The office only."""
    return scope_of(user).writes_all


def _assessed_q(sc: Scope, prefix: str = "") -> Q:
    """Schemes (through `prefix`) whose assessed parties include the user's party or a party it organises."""
    if sc.kind == "district":
        return (Q(**{f"{prefix}assessed": "districts"}) | Q(**{f"{prefix}assessed": "towns",
                                                               f"{prefix}owner_region": sc.region}))
    if sc.kind == "town":
        return Q(**{f"{prefix}assessed": "towns", f"{prefix}owner_region": sc.region.parent_id})
    if sc.kind == "unit":
        return Q(**{f"{prefix}assessed": "units"})
    return Q(pk__in=[])


def assessment_rounds_visible(user, queryset):
    """Rounds the user may open: all for office and leaders; an assessed party those of its schemes once opened."""
    sc = scope_of(user)
    if sc.reads_all:
        return queryset
    if sc.kind not in ("district", "town", "unit"):
        return queryset.none()
    return queryset.filter(_assessed_q(sc, "scheme__")).exclude(status="draft")


def _own_party_q(sc: Scope, prefix: str = "") -> Q:
    if sc.kind == "district":  # its own scores, and its towns' in a towns scheme it organises
        return Q(**{f"{prefix}region": sc.region}) | Q(**{f"{prefix}region__parent": sc.region,
                                                         f"{prefix}round__scheme__owner_region": sc.region})
    if sc.kind == "town":
        return Q(**{f"{prefix}region": sc.region})
    if sc.kind == "unit":
        return Q(**{f"{prefix}unit": sc.unit})
    return Q(pk__in=[])


def assessment_scores_visible(user, queryset):
    """Item scores and claims: all for office and leaders; a party only its own (before and after publication —
    the published ranking is the results, not the others' sheets and evidence)."""
    sc = scope_of(user)
    if sc.reads_all:
        return queryset
    rounds = assessment_rounds_visible(user, queryset.model._meta.get_field("round").related_model.objects.all())
    return queryset.filter(_own_party_q(sc), round__in=rounds)


def assessment_results_visible(user, queryset):
    """Totals, ranks and grades: all for office and leaders; a party its own once finalised, and every party's
    of the round once published."""
    sc = scope_of(user)
    if sc.reads_all:
        return queryset
    rounds = assessment_rounds_visible(user, queryset.model._meta.get_field("round").related_model.objects.all())
    return queryset.filter(round__in=rounds).filter(Q(round__status="published") | _own_party_q(sc))


def can_claim_assessment(user, score) -> bool:
    """May the user claim points on this score? The assessed party itself (a district for its own region, a town
    clerk for its town, a liaison for its unit) or the office on its behalf; never another party."""
    sc = scope_of(user)
    if sc.writes_all:
        return True
    if sc.kind in ("district", "town"):
        return score.region_id is not None and score.region_id == sc.region.pk
    if sc.kind == "unit":
        return score.unit_id is not None and score.unit_id == sc.unit.pk
    return False
# === end of the annual assessment ============================================================================


# === 推优 (nominations of excellent units and activities) =====================================================
def nominations_visible(user, queryset):
    """The office and leaders read every nomination; a district office its own district's; nobody else any."""
    sc = scope_of(user)
    if sc.reads_all:
        return queryset
    if sc.kind == "district":
        return queryset.filter(district=sc.region)
    return queryset.none()


def nominating_district(user, requested=None):
    """The district a user nominates for: a district office its own (naming another is refused), the office the
    one it names; anyone else none (PermissionDenied)."""
    sc = scope_of(user)
    if sc.kind == "office":
        if requested is None:
            raise ValidationError({"district": "请指定推荐的辖市(区)。"})
        return requested
    if sc.kind != "district":
        raise PermissionDenied("只有辖市(区)科协可以推荐优秀组织单位和优秀活动。")
    if requested is not None and requested != sc.region:
        raise PermissionDenied(f"您只能以“{sc.region}”的名义推荐。")
    return sc.region
# === end of 推优 =================================================================================================
