"""Counts of bases by level and region at a date, from certification dates (expiry, revocation)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from bases.models import Base, Certification

D = dt.date


def test_base_counts_at_its_highest_valid_level_only(wujin, make_base, certify):
    base = make_base(wujin)
    certify(base, "municipal", D(2021, 6, 1))
    certify(base, "provincial", D(2022, 6, 1))
    assert Base.objects.counts_by_level(D(2022, 1, 1)) == {"national": 0, "provincial": 0, "municipal": 1, "total": 1}
    assert Base.objects.counts_by_level(D(2023, 1, 1)) == {"national": 0, "provincial": 1, "municipal": 0, "total": 1}


def test_certification_stops_counting_the_day_after_its_five_year_cycle(wujin, make_base, certify):
    cert = certify(make_base(wujin), "municipal", D(2020, 3, 1))
    assert cert.valid_until == D(2025, 2, 28)
    assert Base.objects.counts_by_level(D(2025, 2, 28))["municipal"] == 1
    assert Base.objects.counts_by_level(D(2025, 3, 1))["municipal"] == 0
    assert Base.objects.counts_by_level(D(2020, 2, 29))["total"] == 0  # not yet certified


def test_revoked_certification_counts_before_but_not_from_its_revocation_date(wujin, make_base, certify):
    cert = certify(make_base(wujin), "provincial", D(2021, 1, 10))
    cert.revoked_on, cert.status, cert.revoke_reason = D(2023, 5, 1), "revoked", "停止开放"
    cert.save()
    assert Base.objects.counts_by_level(D(2023, 4, 30))["provincial"] == 1
    assert Base.objects.counts_by_level(D(2023, 5, 1))["provincial"] == 0
    assert Certification.objects.valid_on(D(2023, 4, 30)).count() == 1
    assert Certification.objects.valid_on(D(2023, 5, 1)).count() == 0


def test_counts_at_a_past_date_ignore_the_status_column(wujin, make_base, certify):
    cert = certify(make_base(wujin), "national", D(2019, 1, 1))
    Certification.objects.filter(pk=cert.pk).update(status="expired")
    assert Base.objects.counts_by_level(D(2020, 1, 1))["national"] == 1


def test_counts_for_a_region_include_its_subtree_and_exclude_other_regions(wujin, tianning, make_base, certify):
    from programs.models import Region

    town = Region.objects.get(code="320412100", name="湖塘镇", level="town", parent=wujin)
    certify(make_base(wujin), "municipal", D(2022, 1, 1))
    certify(make_base(town), "provincial", D(2022, 1, 1))
    certify(make_base(tianning), "national", D(2022, 1, 1))
    on = D(2023, 1, 1)
    assert Base.objects.counts_by_level(on, region=wujin) == {
        "national": 0,
        "provincial": 1,
        "municipal": 1,
        "total": 2,
    }
    assert Base.objects.counts_by_level(on, region=tianning)["national"] == 1
    assert Base.objects.counts_by_level(on)["total"] == 3
    by_region = Base.objects.counts_by_region(on)
    assert by_region["320412"] == {"national": 0, "provincial": 1, "municipal": 1, "total": 2}
    assert by_region["320402"]["national"] == 1
    assert by_region["320481"]["total"] == 0


def test_counts_are_single_sql_queries(wujin, make_base, certify):
    for _i in range(5):
        certify(make_base(wujin), "municipal", D(2022, 1, 1))
    with CaptureQueriesContext(connection) as ctx:
        Base.objects.counts_by_level(D(2023, 1, 1), region=wujin)
    assert len(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:
        Base.objects.counts_by_region(D(2023, 1, 1), regions=[wujin])
        Certification.objects.counts_certified_since()
    assert len(ctx.captured_queries) == 2


def test_certified_since_2021_counts_new_certifications_by_level_not_renewals(wujin, tianning, make_base, certify):
    old = make_base(wujin)
    certify(old, "municipal", D(2018, 5, 1))
    certify(old, "municipal", D(2023, 5, 1), is_renewal=True)  # renewal of the 2018 cycle
    certify(make_base(wujin), "municipal", D(2021, 1, 1))
    certify(make_base(wujin), "provincial", D(2022, 6, 1))
    certify(make_base(tianning), "national", D(2021, 11, 20))
    counts = Certification.objects.counts_certified_since(D(2021, 1, 1))
    assert counts == {"national": 1, "provincial": 1, "municipal": 1, "total": 3, "provincial_or_higher": 2}
    assert Certification.objects.counts_certified_since(region=wujin)["provincial_or_higher"] == 1
    assert Certification.objects.counts_certified_since(until=D(2021, 12, 31))["total"] == 2


def test_a_revoked_certification_needs_its_revocation_date_in_the_model_and_the_database(wujin, make_base, certify):
    cert = certify(make_base(wujin), "provincial", D(2021, 1, 10))
    cert.status, cert.revoke_reason = "revoked", "停止开放"
    with pytest.raises(ValidationError) as exc:
        cert.full_clean()
    assert exc.value.message_dict["revoked_on"] == ["撤销的认定必须填写撤销日期。"]
    # a write that skips the model (update(), raw rows) is refused by the check constraint
    with pytest.raises(IntegrityError), transaction.atomic():
        Certification.objects.filter(pk=cert.pk).update(status="revoked", revoke_reason="停止开放")
    # so a revoked certification always stops counting from a date
    assert Base.objects.counts_by_level(D(2024, 1, 1))["provincial"] == 1
    Certification.objects.filter(pk=cert.pk).update(
        status="revoked", revoke_reason="停止开放", revoked_on=D(2023, 5, 1)
    )
    assert Base.objects.counts_by_level(D(2024, 1, 1))["provincial"] == 0
    assert Certification.objects.valid_on(D(2024, 1, 1)).count() == 0


def test_certified_since_counts_each_newly_certified_base_once_however_often_it_was_promoted(wujin, make_base, certify):
    climber = make_base(wujin)
    certify(climber, "municipal", D(2021, 3, 1))
    certify(climber, "provincial", D(2023, 3, 1))
    certify(climber, "national", D(2024, 9, 1))
    twice = make_base(wujin)  # provincial, then certified provincial again after a revocation
    certify(twice, "provincial", D(2021, 6, 1), revoked_on=D(2022, 1, 1), status="revoked", revoke_reason="整改")
    certify(twice, "provincial", D(2023, 6, 1))
    certify(make_base(wujin), "municipal", D(2022, 1, 1))
    counts = Certification.objects.counts_certified_since(D(2021, 1, 1))
    assert counts == {"national": 1, "provincial": 2, "municipal": 2, "provincial_or_higher": 2, "total": 3}
    assert Certification.objects.counts_certified_since(region=wujin)["total"] == 3
