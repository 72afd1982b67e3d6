"""accounts.parties: the one answer to "who are the users of a party", which the e-mail digests of events and
programs and the notifications all ask."""

import pytest

from accounts import parties
from accounts.models import User
from programs.models import Region, ResponsibleUnit

pytestmark = pytest.mark.django_db


def test_each_kind_of_party_has_its_own_users(
    wujin,
    hutang,
    wujin_user,
    hutang_clerk,
    tianning_user,
    liaison_user,
    other_liaison_user,
    wujin_society,
    society_contact,
    wujin_base,
    base_contact,
    office_user,
):
    assert parties.users_of(wujin) == [wujin_user]
    assert parties.users_of(hutang) == [hutang_clerk]
    assert parties.users_of(liaison_user.unit) == [liaison_user]
    assert parties.users_of(wujin_society) == [society_contact]
    assert parties.users_of(wujin_base) == [base_contact]
    assert parties.users_of(Region.objects.city().get()) == [office_user]
    found = parties.users_of_parties([wujin, hutang, liaison_user.unit, wujin_society, wujin_base])
    assert sum(len(v) for v in found.values()) == 5


def test_inactive_users_are_nobodys(wujin, wujin_user):
    wujin_user.is_active = False
    wujin_user.save()
    assert parties.users_of(wujin) == []


def test_a_town_without_an_account_falls_back_to_its_district_only_when_asked(wujin, wujin_user):
    niutang = Region.objects.get(name="牛塘镇", parent=wujin)
    assert parties.users_of(niutang) == []
    assert parties.users_of(niutang, fallback_to_district=True) == [wujin_user]
    assert parties.emails_of(niutang, fallback_to_district=True) == ["wujin1@example.invalid"]
    assert parties.users_of(wujin, fallback_to_district=True) == [wujin_user]


def test_a_units_addresses_include_its_contact_address(liaison_user):
    unit = ResponsibleUnit.objects.get(name="市教育局")
    unit.contact_email = "jyj-office@example.invalid"
    unit.save()
    User.objects.create_user("jyj-noemail", role="liaison", unit=unit, email="")
    assert parties.emails_of(unit) == ["jyj-office@example.invalid", "jyj1@example.invalid"]


def test_the_owner_party_of_a_record_follows_its_owned_by(wujin, hutang, wujin_society, wujin_base, liaison_user):
    from events.models import ActivityReturn

    def ret(**owner):
        return ActivityReturn(title="x", starts_on="2026-09-01", ends_on="2026-09-01", **owner)

    assert parties.owner_party(ret(region=hutang)) == hutang
    assert parties.owner_party(ret(region=wujin, organisation=wujin_society)) == wujin_society
    assert parties.owner_party(ret(region=wujin, base=wujin_base)) == wujin_base
    assert parties.owner_party(ret(unit=liaison_user.unit)) == liaison_user.unit
    assert parties.owner_party(wujin_base) == wujin_base  # a Base owns itself (owned_by base="pk")
    assert parties.district_of(hutang) == wujin and parties.district_of(wujin_base) == wujin
    assert parties.district_of(liaison_user.unit) is None


def test_the_users_filing_to_a_district_are_its_office_towns_organisations_and_bases(
    wujin, wujin_user, hutang_clerk, society_contact, base_contact, tianning_user, hongmei_clerk, liaison_user
):
    assert set(parties.users_filing_to(wujin)) == {wujin_user, hutang_clerk, society_contact, base_contact}
