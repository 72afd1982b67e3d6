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

import contextlib
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

__all__ = [
    "FILER_KINDS",
    "KIND_LABELS",
    "OWNER_FIELDS",
    "OwnedBy",
    "Scope",
    "below_district_q",
    "can_change",
    "can_read",
    "can_review",
    "changeable",
    "is_below_district",
    "owner_for",
    "owner_spec",
    "readable",
    "review_level",
    "reviewable",
    "scope_of",
]


OWNER_FIELDS = ("region", "unit", "organisation", "base")
FILER_KINDS = frozenset({"district", "town", "organisation", "base", "unit"})

KIND_LABELS = {
    "office": "领导小组办公室",
    "leader": "领导",
    "district": "辖市(区)科协",
    "town": "镇(街道)科协",
    "organisation": "基层组织",
    "base": "科普教育基地",
    "unit": "成员单位",
    "none": "",
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
        return {
            "district": self.region,
            "town": self.region,
            "organisation": self.organisation,
            "base": self.base,
            "unit": self.unit,
        }.get(self.kind)

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
        # AnonymousUser is a plain object too; keep it uncached if it refuses
        with contextlib.suppress(AttributeError):
            user._kepu_scope = cached
    return cached


def owner_spec(model) -> OwnedBy:
    """How the model's records belong to an owner (its ``owned_by``); a TypeError for a model without one."""
    spec = getattr(model, "owned_by", None)
    if spec is None:
        raise TypeError(f"{model.__name__} does not declare owned_by = OwnedBy(…)")
    return spec


_spec = owner_spec


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
    """ "district" when the record (in the phase whose state is `status_field`) waits for its district office,
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
