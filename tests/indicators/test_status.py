"""Status arithmetic: expected-by-today pro-rated between baseline and target, margin by direction."""

import datetime as dt
from decimal import Decimal as D

from indicators.status import AT_RISK, BEHIND, NO_DATA, ON_TRACK, classify, expected_value, status_for


def test_stock_target_expectation_is_linear_from_the_plan_start_to_the_target_year_end():
    # 100 new bases by end 2025, 0 at end 2020: half way through the 5 years → 50.
    mid = dt.date(2020, 12, 31) + (dt.date(2025, 12, 31) - dt.date(2020, 12, 31)) / 2
    assert expected_value("stock", D(100), 2025, mid, None) == D("50.00")
    assert expected_value("stock", D(100), 2025, dt.date(2020, 6, 1), None) == D("0.00")
    assert expected_value("stock", D(100), 2025, dt.date(2027, 1, 1), None) == D("100.00")


def test_level_target_expectation_starts_from_the_latest_baseline():
    # 17% at end 2022 → 21.5% at end 2025; at end 2024 two thirds of the way: 17 + 4.5 * 731/1096.
    value = expected_value("level", D("21.5"), 2025, dt.date(2024, 12, 31), (2022, D(17)))
    assert value == D("20.00")


def test_flow_target_expectation_is_the_yearly_target_pro_rated_over_the_year():
    assert expected_value("flow", D(4500), 2021, dt.date(2025, 12, 31), None) == D("4500.00")
    july = expected_value("flow", D(4500), 2021, dt.date(2025, 7, 2), None)
    assert D(2250) < july < D(2280)


def test_classification_respects_direction_and_margin():
    assert classify(D(50), D(50)) == ON_TRACK
    assert classify(D(46), D(50)) == AT_RISK  # within 10%
    assert classify(D(44), D(50)) == BEHIND
    assert classify(D(50), D(50), "down") == ON_TRACK
    assert classify(D(54), D(50), "down") == AT_RISK  # a "lower is better" figure 8% above expectation
    assert classify(D(56), D(50), "down") == BEHIND
    assert classify(D(40), D(50), "down") == ON_TRACK
    assert classify(None, D(50)) == NO_DATA
    assert classify(D(44), D(50), margin=D("0.2")) == AT_RISK


def test_status_for_a_completed_flow_year_compares_with_the_full_target():
    status = status_for("flow", "up", D(4500), 2021, D(4650), dt.date(2024, 12, 31))
    assert status.state == ON_TRACK and status.expected == D("4500.00")
    assert status_for("flow", "up", D(4500), 2021, D(3000), dt.date(2024, 12, 31)).state == BEHIND
    assert status.percent_of_target == D("103.3")
