"""The leaders' dashboard, built from IndicatorValue rows only (plus the small catalogue tables).

A fixed number of queries whatever the number of raw returns, bases or reports.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.http import Http404
from django.utils import timezone

from accounts import scope
from common import clock
from programs.models import Region, TargetPopulation

from .models import Indicator, IndicatorValue, RollupRun, RollupState
from .querysets import regions_visible_to
from .status import NO_DATA, Status, status_for

BASE_LEVEL_CODES = [("bases_national", "国家级"), ("bases_provincial", "省级"), ("bases_municipal", "市级")]
ACTIVITY_CODES = ("activities", "activity_participants")
# forwarded by a district office and not yet decided by the city: shown apart on a district's board, never added
FORWARDED_CODES = ("activities_forwarded", "activity_participants_forwarded")
# sources whose facts carry the filer's region: a district without rows has none (0); the other sources (surveys,
# member units' reports) are city-wide unless a row for the district was recorded
DISTRICT_SOURCES = ("base_count", "base_new", "activity_count", "activity_sum", "overdue_returns")


def allowed_regions(user) -> list[Region]:
    """Regions whose dashboard the user may open (and whose figures the user may see)."""
    return regions_visible_to(user)


def resolve_region(user, code: str | None) -> Region:
    regions = allowed_regions(user)
    if not regions:
        raise Http404("无权查看看板")
    if not code:
        return scope.home_region(user)
    for region in regions:
        if region.code == code:
            return region
    raise Http404("区域不存在或不在您的权限范围内")


@dataclass
class Card:
    indicator: Indicator
    year: int | None
    actual: Decimal | None
    status: Status | None
    target_year: int | None = None
    series: list = field(default_factory=list)
    # on a district's board: the indicator has no district figures (only the city's), and the city's latest
    city_only: bool = False
    city_actual: Decimal | None = None
    per_year: bool = False  # the plan says 「每年」: no target year

    @property
    def target_period(self) -> str:
        """「每年」 or 「2025年」: how the target's time is written (cards, API, xlsx, the brief)."""
        if self.per_year:
            return "每年"
        return f"{self.target_year}年" if self.target_year else ""


@dataclass
class AsOf:
    at: dt.datetime | None
    stale: bool
    failed: bool
    pending: bool
    parked: bool = False
    waiting_since: dt.datetime | None = None

    @property
    def warning(self) -> str:
        if self.at is None:
            return "尚未完成过数据汇总,看板暂无数据。"
        if self.parked:
            return "任务队列暂不可用:新的审核结果尚未汇总,看板显示的是截至上述时间的数据,恢复后将自动更新。"
        if self.waiting_since and timezone.now() - self.waiting_since > dt.timedelta(minutes=10):
            return "有超过 10 分钟的审核结果尚未汇总,看板显示的是截至上述时间的数据。"
        if self.failed:
            return "最近一次数据汇总失败,看板显示的是上一次成功汇总的数据。"
        if self.stale:
            return f"数据汇总已超过 {settings.KEPU_DASHBOARD_STALE_HOURS:d} 小时未更新,看板显示的可能不是最新数据。"
        return ""


def as_of() -> AsOf:
    last_ok = RollupRun.objects.filter(status=RollupRun.Status.OK).order_by("-finished_at").first()
    last_any = RollupRun.objects.exclude(status=RollupRun.Status.RUNNING).order_by("-started_at").first()
    state = RollupState.objects.filter(pk=1).first()
    at = last_ok.finished_at if last_ok else None
    stale = at is None or timezone.now() - at > dt.timedelta(hours=settings.KEPU_DASHBOARD_STALE_HOURS)
    failed = bool(last_any and last_any.status == RollupRun.Status.FAILED)
    from common.models import PendingTask

    pending = bool(state and state.pending)
    parked = PendingTask.objects.filter(task_name="indicators.rollup_task").exists()
    return AsOf(
        at=at,
        stale=stale,
        failed=failed,
        pending=pending,
        parked=parked,
        waiting_since=state.requested_at if state is not None and state.pending else None,
    )


class Dashboard:
    """Everything the overview page, the print view, the exports and the API summary need."""

    def __init__(
        self, user, region: Region, today: dt.date | None = None, year: int | None = None, on: dt.date | None = None
    ):
        """The board of `region` as `user` may see it. A district user's city board shows the city totals
        and its own district's row in every per-district table, never another district's figures.
        `year` (the year selector): a past year is read as at its 31 December; the figures of later years
        are left out, the activity charts show that year.
        `on`: the board as it read at the end of that day (a meeting day; the brief): the same figures
        computed from the records as they stood then (indicators.asof.values_on), not the stored rows."""
        self.visible = regions_visible_to(user)
        if region.id not in {r.id for r in self.visible}:
            raise Http404("区域不存在或不在您的权限范围内")
        self.region = region
        self.on = on
        self.today = on or today or clock.today()
        self.year = year
        if year is not None and year < self.today.year:
            self.today = dt.date(year, 12, 31)
        self.indicators = {i.code: i for i in Indicator.objects.on_dashboard().with_targets()}
        self.forwarded_indicators = list(Indicator.objects.filter(code__in=FORWARDED_CODES))
        self.city = next(r for r in self.visible if r.level == Region.Level.CITY)
        # the districts this user may compare (all for office/leaders; its own for a district office)
        self.districts = [r for r in self.visible if r.level == Region.Level.DISTRICT]
        region_ids = {self.region.id, self.city.id} | ({d.id for d in self.districts} if region == self.city else set())
        # One query for every value the page shows.
        # (code, region_id, dimension) → {(period, key): (value, label)}
        self._values: defaultdict[tuple, dict] = defaultdict(dict)
        if on is not None:
            from .asof import values_on

            rows = values_on(on, [*self.indicators.values(), *self.forwarded_indicators], region_ids)
        else:
            rows = (
                IndicatorValue.objects.within(region_ids)
                .filter(indicator__in=[*self.indicators.values(), *self.forwarded_indicators])
                .values_list("indicator__code", "region_id", "dimension", "period", "key", "label", "value")
            )
        for code, region_id, dimension, period, key, label, value in rows:
            self._values[(code, region_id, dimension)][(period, key)] = (value, label)
        self.as_of = as_of()

    # --- primitives ---
    def yearly(self, code: str, region: Region | None = None) -> dict[int, Decimal]:
        data = self._values.get((code, (region or self.region).id, ""), {})
        return {int(p): v for (p, _k), (v, _l) in data.items() if p.isdigit()}

    def breakdown(self, code: str, dimension: str, year: int | None = None, region: Region | None = None):
        data = self._values.get((code, (region or self.region).id, dimension), {})
        out: dict[str, list] = {}
        for (period, key), (value, label) in data.items():
            if year is None or period == str(year):
                slot = out.setdefault(key, [label or key, Decimal(0)])
                slot[1] += value
        return sorted(((k, lbl, v) for k, (lbl, v) in out.items()), key=lambda x: x[0])

    def latest(self, code: str, region: Region | None = None) -> tuple[int | None, Decimal | None]:
        series = {y: v for y, v in self.yearly(code, region).items() if y <= self.today.year}
        if not series:
            return None, None
        year = max(series)
        return year, series[year]

    def awaiting_city(self) -> dict | None:
        """On a district's board: what the district office forwarded and the city office has not decided yet,
        all years together (activities, participants). None on the city board."""
        if self.region.level != Region.Level.DISTRICT:
            return None
        activities = sum(self.yearly("activities_forwarded").values(), Decimal(0))
        participants = sum(self.yearly("activity_participants_forwarded").values(), Decimal(0))
        return {"activities": int(activities), "participants": int(participants)}

    # --- cards ---
    def cards(self) -> list[Card]:
        cards = []
        for indicator in self.indicators.values():
            targets = sorted(indicator.targets.all(), key=lambda t: t.year)
            if not targets:
                continue
            year, actual = self.latest(indicator.code)
            status: Status | None
            baselines = sorted(indicator.baselines.all(), key=lambda b: b.year)
            if indicator.kind == Indicator.Kind.FLOW:
                target = targets[-1]
                # A completed year is judged against the full-year target; the current one pro rata.
                when = self.today if year in (None, self.today.year) else dt.date(year, 12, 31)
                status = status_for(
                    "flow", indicator.direction, target.value, target.year, actual, when, margin=indicator.margin
                )
            else:
                target = next((t for t in targets if t.year >= self.today.year), targets[-1])
                base = next(((b.year, b.value) for b in reversed(baselines) if b.year < target.year), None)
                if indicator.kind == Indicator.Kind.LEVEL and year is not None:
                    observed = self.yearly(indicator.code)
                    base = max(((y, v) for y, v in observed.items() if y < self.today.year), default=base)
                status = status_for(
                    indicator.kind,
                    indicator.direction,
                    target.value,
                    target.year,
                    actual,
                    self.today,
                    baseline=base,
                    margin=indicator.margin,
                )
            if self.region != self.city and indicator.kind != Indicator.Kind.LEVEL:
                status = None  # plan targets are city-wide; a region shows its contribution only
            card = Card(
                indicator=indicator,
                year=year,
                actual=actual,
                status=status,
                target_year=None if target.per_year else target.year,
                per_year=target.per_year,
                series=sorted(self.yearly(indicator.code).items()),
            )
            if self.region != self.city and actual is None:
                city_year, card.city_actual = self.latest(indicator.code, self.city)
                if card.city_actual is None:
                    pass  # no figure anywhere yet: 「—」
                elif indicator.source in DISTRICT_SOURCES:
                    card.actual, card.year = Decimal(0), city_year  # counted per region: none here
                else:
                    card.city_only = True
            cards.append(card)
        return cards

    # --- charts (each returns rows for its table; the chart draws the same rows) ---
    def literacy(self) -> dict:
        indicator = self.indicators.get("literacy_rate")
        series = sorted(self.yearly("literacy_rate", self.city).items())
        region_series = sorted(self.yearly("literacy_rate").items()) if self.region != self.city else []
        target = indicator.targets.all()[0] if indicator and indicator.targets.all() else None
        return {
            "rows": [[y, float(v)] for y, v in series],
            "region_rows": [[y, float(v)] for y, v in region_series],
            "target": [target.year, float(target.value)] if target else None,
        }

    def bases_by_region(self) -> list[list]:
        """Per district (or the region alone): bases by level at the latest year."""
        regions = self.districts if self.region == self.city else [self.region]
        rows = []
        for region in regions:
            row: list = [region.name]
            for code, _label in BASE_LEVEL_CODES:
                _, value = self.latest(code, region)
                row.append(int(value or 0))
            row.append(sum(row[1:]))
            rows.append(row)
        return rows

    def dated(self, code: str, region: Region | None = None) -> dict[str, Decimal]:
        """Dated snapshots ("2023-08-02": counts on a meeting day), beside the year-end periods."""
        data = self._values.get((code, (region or self.region).id, ""), {})
        return {p: v for (p, _k), (v, _l) in data.items() if len(p) == 10 and p[4] == "-" and p[7] == "-"}

    def bases_by_year(self) -> list[list]:
        """The region's bases by level at each year end (2023) and on each dated snapshot ("2023-08-02",
        the leading-group meeting): [period, national, provincial, municipal, total], in date order."""
        codes = [code for code, _l in BASE_LEVEL_CODES] + ["bases_total"]
        by_period: dict[str, dict[str, Decimal]] = defaultdict(dict)
        for code in codes:
            for year, value in self.yearly(code).items():
                by_period[str(year)][code] = value
            for period, value in self.dated(code).items():
                by_period[period][code] = value
        order = sorted(by_period, key=lambda p: p if "-" in p else f"{p}-12-31")
        return [[int(p) if p.isdigit() else p] + [int(by_period[p].get(c, 0)) for c in codes] for p in order]

    def activities_by_region(self, year: int) -> list[list]:
        regions = self.districts if self.region == self.city else [self.region]
        rows = []
        for region in regions:
            rows.append(
                [
                    region.name,
                    int(self.yearly("activities", region).get(year, 0)),
                    int(self.yearly("activity_participants", region).get(year, 0)),
                ]
            )
        return rows

    def activities_by(self, dimension: str, year: int) -> list[list]:
        counts = {k: (lbl, v) for k, lbl, v in self.breakdown("activities", dimension, year)}
        people = {k: v for k, _lbl, v in self.breakdown("activity_participants", dimension, year)}
        return [[lbl, int(v), int(people.get(k, 0))] for k, (lbl, v) in sorted(counts.items())]

    def activities_by_year(self) -> list[list]:
        """[year, activities, participants, activities since 2021, participants since 2021] (seed 000 counts
        2021-2023 together: 5,200+ activities, 2.2M+ participants)."""
        counts = self.yearly("activities")
        people = self.yearly("activity_participants")
        cum_counts = self.yearly("activities_since_2021")
        cum_people = self.yearly("activity_participants_since_2021")
        return [
            [
                y,
                int(counts.get(y, 0)),
                int(people.get(y, 0)),
                int(cum_counts[y]) if y in cum_counts else None,
                int(cum_people[y]) if y in cum_people else None,
            ]
            for y in sorted(set(counts) | set(people))
        ]

    def population_panels(self, year: int) -> list[dict]:
        by_pop = {k: (lbl, v) for k, lbl, v in self.breakdown("activities", "population", year)}
        people = {k: v for k, _l, v in self.breakdown("activity_participants", "population", year)}
        panels = []
        for population in TargetPopulation.objects.all():
            indicators = [i for i in self.indicators.values() if i.population_id == population.id]
            figures = []
            for indicator in indicators:
                y, v = self.latest(indicator.code)
                figures.append({"indicator": indicator, "year": y, "value": v})
            _lbl, n = by_pop.get(population.code, (population.name, 0))
            panels.append(
                {
                    "population": population,
                    "activities": int(n),
                    "participants": int(people.get(population.code, 0)),
                    "figures": figures,
                }
            )
        return panels

    def region_comparison(self, year: int) -> list[list]:
        if self.region != self.city:
            return []
        rows = []
        for region in self.districts:
            _, total = self.latest("bases_total", region)
            _, new_municipal = self.latest("new_municipal_bases", region)
            _, literacy = self.latest("literacy_rate", region)
            rows.append(
                [
                    region.name,
                    region.code,
                    float(literacy) if literacy is not None else None,
                    int(total or 0),
                    int(new_municipal or 0),
                    int(self.yearly("activities", region).get(year, 0)),
                    int(self.yearly("activity_participants", region).get(year, 0)),
                ]
            )
        return rows

    def overdue(self) -> dict:
        """Filings past due and not made (snapshot of the last roll-up): returns and unit reports."""
        return {
            "returns": int(self.latest("overdue_returns")[1] or 0),
            "reports": int(self.latest("overdue_reports")[1] or 0),
        }

    def headline(self, year: int) -> list[dict]:
        """The few big numbers a meeting opens with (print view)."""

        def figure(label, code, unit, year_=None):
            y, v = (year_, self.yearly(code).get(year_)) if year_ else self.latest(code)
            return {"label": label, "code": code, "value": v, "unit": unit, "year": y}

        overdue = self.overdue()
        return [
            figure("公民具备科学素质的比例", "literacy_rate", "%"),
            figure("科普教育基地总数", "bases_total", "家"),
            figure("新评定市级科普教育基地", "new_municipal_bases", "家"),
            figure(f"{year}年科普活动", "activities", "项", year),
            figure(f"{year}年活动参与", "activity_participants", "人次", year),
            {
                "label": "逾期未报",
                "code": "overdue",
                "value": overdue["returns"] + overdue["reports"],
                "unit": "份",
                "year": None,
            },
        ]

    def population_rows(self, year: int) -> list[list]:
        """The population panels as table rows (for the xlsx export): one row per figure."""
        rows = []
        for panel in self.population_panels(year):
            name = panel["population"].name
            rows.append([name, f"{year}年科普活动项数", panel["activities"], "项", year])
            rows.append([name, f"{year}年科普活动参与人次", panel["participants"], "人次", year])
            for f in panel["figures"]:
                rows.append(
                    [
                        name,
                        f["indicator"].name,
                        float(f["value"]) if f["value"] is not None else None,
                        f["indicator"].unit,
                        f["year"],
                    ]
                )
        return rows

    def overdue_rows(self) -> list[list]:
        """Overdue filings of the region shown, then (on the city board) of each district the user may see."""
        regions = [self.region] + (self.districts if self.region == self.city else [])
        return [
            [r.name, int(self.latest("overdue_returns", r)[1] or 0), int(self.latest("overdue_reports", r)[1] or 0)]
            for r in regions
        ]

    def activity_year(self) -> int:
        if self.year is not None:
            return self.year
        years = self.yearly("activities")
        return self.today.year if self.today.year in years or not years else max(years)


def summary(dashboard: Dashboard) -> dict:
    """The API's /dashboard/summary/ body."""
    cards = []
    for card in dashboard.cards():
        status = card.status
        cards.append(
            {
                "code": card.indicator.code,
                "name": card.indicator.name,
                "unit": card.indicator.unit,
                "kind": card.indicator.kind,
                "year": card.year,
                "actual": float(card.actual) if card.actual is not None else None,
                "target": float(status.target) if status else None,
                "target_year": card.target_year,
                "target_period": card.target_period,
                "expected": float(status.expected) if status and status.expected is not None else None,
                "status": status.state if status else NO_DATA,
            }
        )
    as_of_info = dashboard.as_of
    return {
        "region": {"code": dashboard.region.code, "name": dashboard.region.name},
        "as_of": as_of_info.at.isoformat() if as_of_info.at else None,
        "stale": as_of_info.stale,
        "warning": as_of_info.warning,
        "cards": cards,
        "awaiting_city": dashboard.awaiting_city(),
    }
