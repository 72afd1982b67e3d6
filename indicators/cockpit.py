"""The leaders' cockpit (驾驶舱): one screen read from the same Dashboard (IndicatorValue rows only).

Headline (literacy against 21.5% by 2025 and the pace needed), the key indicators the office chose
(Indicator.on_cockpit), a district ranking with the last places marked, a schematic tile map, a campaign
compared with the same kind of campaign in earlier years. Whose figures: Dashboard (accounts.scope).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from common import clock

from .dashboard import DISTRICT_SOURCES, Dashboard
from .models import Indicator

PLAN_START_YEAR = settings.KEPU_PLAN_START_YEAR
# until the office chooses (Indicator.on_cockpit), these are the cockpit's key indicators, in this order
DEFAULT_KEY_CODES = (
    "bases_total",
    "new_municipal_bases",
    "new_provincial_plus_bases",
    "national_demo_districts",
    "activities",
    "activity_participants",
    "activities_since_2021",
    "elderly_tech_university_coverage",
)
MAX_KEY_INDICATORS = 8
# metrics a ranking or the tile map may use: code → flow (a year's figure) or stock (at the year end)
METRICS = ("activities", "activity_participants", "bases_total", "new_municipal_bases", "literacy_rate")
LAST_PLACES = 2  # marked 「末位」 in the ranking (when at least four districts are compared)
# a schematic map of Changzhou's regions: (row, column), north at the top; one tile per 辖市(区)
TILE_GRID = {
    "320411": (1, 2),  # 新北区, north of the old city
    "320413": (2, 1),  # 金坛区, west
    "320404": (2, 2),  # 钟楼区, old city west
    "320402": (2, 3),  # 天宁区, old city east
    "320400-jk": (2, 4),  # 常州经开区, east
    "320412": (3, 3),  # 武进区, south
    "320481": (4, 1),  # 溧阳市, south-west
}
TILE_BUCKETS = 5


class YearError(ValueError):
    pass


def year_choices(today: dt.date | None = None) -> list[int]:
    today = today or clock.today()
    return list(range(PLAN_START_YEAR, today.year + 1))


def parse_year(raw: str | None, today: dt.date | None = None) -> int | None:
    """?year=YYYY → the year (2021 … this year), None when not given; YearError with a Chinese message else."""
    if raw in (None, ""):
        return None
    choices = year_choices(today)
    try:
        year = int(str(raw).strip())
    except ValueError:
        raise YearError(
            _("年份“%(raw)s”无效:请选择 %(first)d 至 %(last)d 年之间的年份。")
            % {"raw": raw, "first": choices[0], "last": choices[-1]}
        ) from None
    if year not in choices:
        raise YearError(
            _("年份 %(year)d 不在规划期内:请选择 %(first)d 至 %(last)d 年之间的年份。")
            % {"year": year, "first": choices[0], "last": choices[-1]}
        )
    return year


def key_indicators() -> list[Indicator]:
    """The office's choice (on_cockpit, by cockpit_order), else the default set; at most eight."""
    chosen = list(Indicator.objects.filter(on_cockpit=True).order_by("cockpit_order", "order", "code"))
    if not chosen:
        by_code = {i.code: i for i in Indicator.objects.filter(code__in=DEFAULT_KEY_CODES)}
        chosen = [by_code[c] for c in DEFAULT_KEY_CODES if c in by_code]
    return chosen[:MAX_KEY_INDICATORS]


@dataclass
class KeyFigure:
    indicator: Indicator
    value: Decimal | None
    year: int | None
    target: Decimal | None = None
    target_year: int | None = None
    status_state: str = ""
    status_label: str = ""
    city_only: bool = False


class Cockpit:
    def __init__(self, board: Dashboard, year: int):
        self.board = board
        self.year = year
        self._cards = {c.indicator.code: c for c in board.cards()}
        self.kinds = dict(Indicator.objects.values_list("code", "kind"))
        self.sources = dict(Indicator.objects.values_list("code", "source"))

    # --- figures -------------------------------------------------------------------------------------------
    def value(self, code: str, region=None) -> tuple[int | None, Decimal | None]:
        """A flow indicator's figure of the year; a stock's or a level's latest figure at that year's end —
        the dashboard's card figure for the same year."""
        year: int | None
        if self.kinds.get(code) == Indicator.Kind.FLOW:
            year, value = self.year, self.board.yearly(code, region).get(self.year)
        else:
            year, value = self.board.latest(code, region)
        if value is None and self.sources.get(code) in DISTRICT_SOURCES and self.board.as_of.at is not None:
            value = Decimal(0)  # counted from the filers' records: none in this region (or year)
        return year, value

    def headline(self) -> dict:
        """Literacy now against the 2025 target, and the pace (percentage points a year) still needed."""
        card = self._cards.get("literacy_rate")
        year, value = self.board.latest("literacy_rate", self.board.city)
        target = card.status.target if card and card.status else None
        target_year = card.target_year if card else None
        pace = gap = None
        if value is not None and target is not None and year is not None:
            gap = (target - value).quantize(Decimal("0.1"))
            # the survey years still to come, this one included (none once the target year has passed)
            years_left = max((target_year or year) - max(year, self.year - 1), 0)
            pace = (gap / years_left).quantize(Decimal("0.01")) if years_left and gap > 0 else None
        return {
            "value": value,
            "year": year,
            "target": target,
            "target_year": target_year,
            "gap": gap,
            "pace": pace,
            "reached": gap is not None and gap <= 0,
            "status_state": card.status.state if card and card.status else "",
            "status_label": card.status.label if card and card.status else "",
            "expected": card.status.expected if card and card.status else None,
        }

    def key_figures(self) -> list[KeyFigure]:
        figures = []
        for indicator in key_indicators():
            card = self._cards.get(indicator.code)
            if card is not None:
                figure = KeyFigure(
                    indicator=indicator,
                    value=card.actual,
                    year=card.year,
                    city_only=card.city_only,
                    target_year=card.target_year,
                )
                if card.status:
                    figure.target = card.status.target
                    figure.status_state, figure.status_label = card.status.state, card.status.label
            else:
                year, value = self.value(indicator.code)
                figure = KeyFigure(indicator=indicator, value=value, year=year if value is not None else None)
            if indicator.kind == Indicator.Kind.FLOW and card is None:
                figure.year = self.year
            figures.append(figure)
        return figures

    # --- the districts --------------------------------------------------------------------------------------
    def ranking(self, metric: str) -> list[dict]:
        """The districts the user may compare, best first; the last places marked (text, not only colour)."""
        rows = []
        for region in self.board.districts:
            _y, value = self.value(metric, region)
            rows.append({"region": region, "value": value})
        rows.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0), r["region"].order))
        known = [r for r in rows if r["value"] is not None]  # a district without a figure is not ranked
        compared = len(known) >= 2 * LAST_PLACES
        for i, row in enumerate(rows, start=1):
            ranked = compared and row["value"] is not None
            row["rank"] = i if ranked else None
            row["laggard"] = ranked and (i > len(known) - LAST_PLACES or row["value"] == 0)
        top = max((r["value"] or 0 for r in rows), default=0)
        for row in rows:
            row["share"] = int((row["value"] or 0) * 100 / top) if top else 0
            row["bar"] = int(round(row["share"] / 10) * 10)
        return rows

    def tiles(self, metric: str) -> list[dict]:
        """One tile per district, at its place on the schematic grid; those the user may not see are blank."""
        from programs.models import Region

        visible = {r.id for r in self.board.districts}
        values = {}
        for region in self.board.districts:
            values[region.id] = self.value(metric, region)[1]
        known = [v for v in values.values() if v is not None]
        low, high = (min(known), max(known)) if known else (0, 0)
        tiles, spare_row = [], max(r for r, _c in TILE_GRID.values()) + 1
        for n, region in enumerate(Region.objects.districts().order_by("order")):
            row, col = TILE_GRID.get(region.code, (spare_row, n % 4 + 1))
            value = values.get(region.id)
            bucket = None
            if value is not None:
                bucket = 0 if high == low else int((value - low) * (TILE_BUCKETS - 1) / (high - low) + Decimal("0.5"))
            tiles.append(
                {
                    "region": region,
                    "row": row,
                    "col": col,
                    "visible": region.id in visible,
                    "value": value,
                    "bucket": bucket,
                }
            )
        return tiles

    def metric_choices(self) -> list[Indicator]:
        by_code = {i.code: i for i in Indicator.objects.filter(code__in=METRICS)}
        return [by_code[c] for c in METRICS if c in by_code]

    # --- a campaign against the same campaign of earlier years ----------------------------------------------
    def campaign_kinds(self) -> list[tuple[str, Any]]:
        from events.models import Campaign

        used = set(Campaign.objects.values_list("kind", flat=True))
        return [(k, label) for k, label in Campaign.Kind.choices if k in used] or Campaign.Kind.choices[:1]

    def campaign_history(self, kind: str) -> list[list]:
        """[year, activities, participants] of the region's approved activities in campaigns of `kind`,
        each year from the plan start to the selected year."""
        from events.models import Campaign

        campaign_ids = {str(pk) for pk in Campaign.objects.filter(kind=kind).values_list("pk", flat=True)}
        totals = {y: [0, 0] for y in range(PLAN_START_YEAR, self.year + 1)}
        for i, code in enumerate(("activities", "activity_participants")):
            data = self.board._values.get((code, self.board.region.id, "campaign"), {})
            for (period, key), (value, _label) in data.items():
                if key in campaign_ids and period.isdigit() and int(period) in totals:
                    totals[int(period)][i] += int(value)
        return [[y, n, p] for y, (n, p) in sorted(totals.items())]
