"""The scope rule for the annual assessment (考核) and 推优: who reads which rounds, scores, results and
nominations before and after publication, and who may claim or nominate. Derived from accounts.scope.core."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q

from .core import Scope, scope_of

# === the annual assessment (考核) ==========================================================================
# Who may see and do what in an assessment round. Only the office keeps schemes, opens and steps rounds and
# reviews claims; leaders read everything. An assessed party (a district office, a town clerk under a district's
# towns scheme, a member unit's liaison) sees a round once it is open; before publication only its own scores and
# claims (a district office also its towns' in the scheme it organises), and after publication the published
# ranking of every party of the round; nobody changes a published result (a correction is the office's Revision).
__all__ = [
    "assessment_results_visible",
    "assessment_rounds_visible",
    "assessment_scores_visible",
    "can_claim_assessment",
    "can_manage_assessment",
    "nominating_district",
    "nominations_visible",
    "nominee_in_district",
]


def can_manage_assessment(user) -> bool:
    """May the user keep schemes, step rounds and review claims? The office only."""
    return scope_of(user).writes_all


def _assessed_q(sc: Scope, prefix: str = "") -> Q:
    """Schemes (through `prefix`) whose assessed parties include the user's party or a party it organises."""
    if sc.kind == "district":
        return Q(**{f"{prefix}assessed": "districts"}) | Q(
            **{f"{prefix}assessed": "towns", f"{prefix}owner_region": sc.region}
        )
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
        return Q(**{f"{prefix}region": sc.region}) | Q(
            **{f"{prefix}region__parent": sc.region, f"{prefix}round__scheme__owner_region": sc.region}
        )
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


def nominee_in_district(nominee, district) -> bool:
    """Whether a 推优 nominee belongs to `district`: an activity filed in its region tree (not a member unit's), one
    of its towns, or an organisation of its region tree."""
    from programs.models import Region

    if isinstance(nominee, Region):
        return nominee.parent_id == district.pk
    region = getattr(nominee, "region", None)
    if region is None or getattr(nominee, "unit_id", None):
        return False
    return region.path.startswith(district.path)


# === end of 推优 =================================================================================================
