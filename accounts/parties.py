"""Who are the users of a party: the one answer reminders, digests and notifications ask.

A party is what accounts.scope calls the filing owner of a record: a Region (the city, a district or a town), a
member unit (ResponsibleUnit), an Organisation or a Base. Its users are the active accounts that act for it (the
same pairing accounts.scope.Scope makes from a user's role): a district's office, a town's clerk, a unit's
liaisons, an organisation's or a base's contacts; the city's are the office staff. The campaign and report
reminders (e-mail digests) and the portal's notifications all ask here, so a party never has two answers.
"""

from __future__ import annotations

from django.db.models import Q

from . import scope

PartyKey = tuple[str, int]  # (kind, pk): kind is one of scope.OWNER_FIELDS


def party_kind(party) -> str:
    """ "region", "unit", "organisation" or "base" (the owner field the party fills on a record)."""
    label = party._meta.label
    kinds = {
        "programs.Region": "region",
        "programs.ResponsibleUnit": "unit",
        "programs.Organisation": "organisation",
        "bases.Base": "base",
    }
    if label not in kinds:
        raise TypeError(f"{label} is not a filing party")
    return kinds[label]


def key_of(party) -> PartyKey:
    return party_kind(party), party.pk


def _users_q(parties) -> Q:
    """Users acting for any of `parties`, grouped by kind so that many parties make one short query."""
    from .models import Role

    ids: dict[str, set] = {"district": set(), "town": set(), "unit": set(), "organisation": set(), "base": set()}
    city = False
    for party in parties:
        kind = party_kind(party)
        if kind == "region" and party.level == "city":
            city = True
        elif kind == "region":
            ids["town" if party.level == "town" else "district"].add(party.pk)
        else:
            ids[kind].add(party.pk)
    q = Q(role=Role.OFFICE) if city else Q(pk__in=[])
    if ids["district"]:
        q |= Q(role=Role.DISTRICT, region_id__in=ids["district"])
    if ids["town"]:
        q |= Q(role=Role.TOWN, region_id__in=ids["town"])
    if ids["unit"]:
        q |= Q(role=Role.LIAISON, unit_id__in=ids["unit"])
    if ids["organisation"]:
        q |= Q(role=Role.ORGANISATION, organisation_id__in=ids["organisation"])
    if ids["base"]:
        q |= Q(role=Role.BASE, base_id__in=ids["base"])
    return q


def _belongs(user, party) -> bool:
    """The Python twin of _users_q for a loaded user (to share one query among many parties)."""
    from .models import Role

    kind = party_kind(party)
    if kind == "region":
        if party.level == "city":
            return user.role == Role.OFFICE
        role = Role.TOWN if party.level == "town" else Role.DISTRICT
        return user.role == role and user.region_id == party.pk
    field = {
        "unit": ("liaison", "unit_id"),
        "organisation": ("organisation", "organisation_id"),
        "base": ("base", "base_id"),
    }[kind]
    return user.role == field[0] and getattr(user, field[1]) == party.pk


def district_of(party):
    """The district a party files to: its own region for a district, the district above a town, an organisation
    or a base; None for the city and a member unit."""
    kind = party_kind(party)
    if kind == "unit":
        return None
    region = party if kind == "region" else party.region
    while region is not None and region.level not in ("district", "city"):
        region = region.parent
    return region if region is not None and region.level == "district" else None


def users_of_parties(parties, *, fallback_to_district: bool = False) -> dict[PartyKey, list]:
    """{(kind, pk): [active users]} for each party, in one query.

    With ``fallback_to_district``, a party below a district that has no user of its own is answered by its
    district office (the party files to it, so the district passes the message on)."""
    from .models import User

    parties = list({key_of(p): p for p in parties}.values())
    if not parties:
        return {}
    fallbacks = {}
    if fallback_to_district:
        fallbacks = {
            key_of(p): district_of(p)
            for p in parties
            if not (party_kind(p) == "region" and p.level in ("district", "city"))
        }
    everyone = parties + [d for d in fallbacks.values() if d is not None]
    users = list(User.objects.filter(is_active=True).filter(_users_q(everyone)).order_by("username"))
    found = {key_of(p): [u for u in users if _belongs(u, p)] for p in everyone}
    answer = {}
    for party in parties:
        key = key_of(party)
        own = found[key]
        district = fallbacks.get(key)
        answer[key] = own if own or district is None else found[key_of(district)]
    return answer


def users_of(party, *, fallback_to_district: bool = False) -> list:
    """The active users who act for one party (see users_of_parties)."""
    return users_of_parties([party], fallback_to_district=fallback_to_district)[key_of(party)]


def emails_of_parties(parties, *, fallback_to_district: bool = False) -> dict[PartyKey, list[str]]:
    """{(kind, pk): sorted e-mail addresses}: the users' addresses, and a member unit's own contact address.
    With ``fallback_to_district``, a party below a district with no address of its own gets its district's."""
    parties = list(parties)
    users = users_of_parties(parties)
    answer = {}
    for party in parties:
        key = key_of(party)
        emails = {u.email for u in users[key] if u.email}
        if key[0] == "unit" and party.contact_email:
            emails.add(party.contact_email)
        answer[key] = sorted(emails)
    if fallback_to_district:
        missing = {
            key_of(p): district_of(p)
            for p in parties
            if not answer[key_of(p)] and not (party_kind(p) == "region" and p.level in ("district", "city"))
        }
        districts = [d for d in missing.values() if d is not None]
        district_emails = emails_of_parties(districts) if districts else {}
        for key, district in missing.items():
            if district is not None:
                answer[key] = district_emails[key_of(district)]
    return answer


def emails_of(party, *, fallback_to_district: bool = False) -> list[str]:
    return emails_of_parties([party], fallback_to_district=fallback_to_district)[key_of(party)]


def owner_party(record):
    """The filing owner of a record, read through its model's ``owned_by`` (accounts.scope): the base, else the
    organisation, else the member unit, else the region — the most specific party that fills the record."""
    spec = scope.owner_spec(type(record))
    for kind in ("base", "organisation", "unit", "region"):
        lookup = getattr(spec, kind)
        if lookup is None:
            continue
        if lookup == "pk":
            return record
        value = record
        for part in lookup.split("__"):
            value = getattr(value, part, None)
            if value is None:
                break
        if value is not None:
            return value
    return None


def users_filing_to(district):
    """Every active user whose party files to `district`: its office, its towns' clerks and the contacts of the
    organisations and bases in its region (who file for the district's campaigns: scope.campaign_filter_q)."""
    from .models import Role, User

    path = district.path
    return User.objects.filter(is_active=True).filter(
        Q(role__in=(Role.DISTRICT, Role.TOWN), region__path__startswith=path)
        | Q(role=Role.ORGANISATION, organisation__region__path__startswith=path)
        | Q(role=Role.BASE, base__region__path__startswith=path)
    )
