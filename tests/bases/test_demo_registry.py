import datetime as dt
import io

from bases.demo import load_demo
from bases.models import Base, BaseAnnualReport, Certification


def test_demo_registry_matches_the_2023_figures_and_a_second_run_creates_nothing(db):
    out = io.StringIO()
    load_demo(out, today=dt.date(2026, 11, 23))
    counts = Base.objects.counts_by_level(dt.date(2023, 8, 2))
    assert counts == {"national": 16, "provincial": 65, "municipal": 193, "total": 274}
    wujin = Base.objects.counts_by_region(dt.date(2023, 8, 2))["320412"]
    assert (wujin["national"], wujin["provincial"], wujin["municipal"]) == (7, 16, 38)
    since = Certification.objects.counts_certified_since(until=dt.date(2025, 12, 31))
    assert since["municipal"] >= 100 and since["provincial_or_higher"] >= 20
    assert Certification.objects.expiring_within(6, dt.date(2026, 11, 23)).exists()
    assert Certification.objects.filter(status="revoked").exists()
    assert Base.objects.filter(name="华罗庚纪念馆", designations__name="全国科学家精神教育基地").exists()
    assert BaseAnnualReport.objects.filter(year=2024).count() > 200
    assert "274" in out.getvalue()
    before = (Base.objects.count(), Certification.objects.count(), BaseAnnualReport.objects.count())
    load_demo(io.StringIO())
    assert (Base.objects.count(), Certification.objects.count(), BaseAnnualReport.objects.count()) == before
