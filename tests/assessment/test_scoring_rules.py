"""Each scoring rule on hand-made values, against numbers worked out by hand."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from assessment.rules import points_for, validate_params


def test_proportional_gives_the_share_of_the_target_and_caps_at_the_maximum():
    values = {"a": D(500), "b": D(1000), "c": D(2500), "d": D(333), "e": None}
    got = points_for("proportional", {"target": 1000}, D(40), values)
    # 500/1000×40 = 20; 1000/1000×40 = 40; 2500 capped at 40; 333/1000×40 = 13.32; no value 0
    assert got == {"a": D("20.00"), "b": D("40.00"), "c": D("40.00"), "d": D("13.32"), "e": D("0.00")}


def test_proportional_cap_below_one_limits_the_points():
    got = points_for("proportional", {"target": 200, "cap": "0.8"}, D(10), {"a": D(300), "b": D(100)})
    assert got == {"a": D("8.00"), "b": D("5.00")}  # 300/200 → capped 0.8 × 10; 100/200 × 10


def test_thresholds_give_the_points_of_the_highest_threshold_reached():
    rule = {"thresholds": [[60, 6], [90, 10], [75, 8]]}  # any order
    got = points_for(
        "thresholds", rule, D(10), {"a": D(95), "b": D(90), "c": D("89.99"), "d": D(60), "e": D("59.9"), "f": None}
    )
    assert got == {"a": D(10), "b": D(10), "c": D(8), "d": D(6), "e": D(0), "f": D(0)}


def test_rank_gives_the_maximum_to_the_first_and_step_less_to_each_next_rank_ties_sharing():
    values = {"a": D(300), "b": D(500), "c": D(300), "d": D(100), "e": None}
    got = points_for("rank", {"step": 2}, D(10), values)
    # b first: 10; a and c tie second: 8; d is fourth (rank 4): 10 - 3×2 = 4; no value: 0
    assert got == {"b": D(10), "a": D(8), "c": D(8), "d": D(4), "e": D(0)}


def test_rank_lower_is_better_and_never_below_zero():
    got = points_for("rank", {"step": 6, "higher_is_better": False}, D(10), {"a": D(1), "b": D(2), "c": D(3)})
    assert got == {"a": D(10), "b": D(4), "c": D(0)}


@pytest.mark.parametrize(
    "rule,params,message",
    [
        ("proportional", {}, "target"),
        ("proportional", {"target": 0}, "大于 0"),
        ("proportional", {"target": "abc"}, "必须是数字"),
        ("proportional", {"target": 10, "cap": 2}, "cap"),
        ("thresholds", {"thresholds": []}, "thresholds"),
        ("thresholds", {"thresholds": [[90, 50]]}, "满分"),
        ("thresholds", {"thresholds": [[90]]}, "[下限, 分值]"),
        ("thresholds", {"thresholds": [[90, 5], [90, 3]]}, "不能重复"),
        ("rank", {"step": -1}, "step"),
        ("rank", {"higher_is_better": "yes"}, "true 或 false"),
        ("nonsense", {}, "未知"),
    ],
)
def test_bad_rule_parameters_are_named_in_chinese(rule, params, message):
    with pytest.raises(ValidationError) as exc:
        validate_params(rule, params, D(10))
    assert message in " ".join(exc.value.messages)


@pytest.mark.django_db
def test_item_clean_refuses_bad_params_and_a_measure_for_the_wrong_parties(scheme):
    from assessment.models import AssessmentItem

    item = AssessmentItem(
        scheme=scheme,
        order=9,
        title="x",
        max_points=D(10),
        method="computed",
        measure="participants",
        rule="proportional",
        params={"target": -5},
    )
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    assert "params" in exc.value.message_dict
    item.measure, item.params = "unit_reports_accepted_rate", {"target": 100}
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    assert "不适用" in exc.value.message_dict["measure"][0]
    item = AssessmentItem(scheme=scheme, order=9, title="x", max_points=D(10), method="self", measure="participants")
    with pytest.raises(ValidationError):
        item.full_clean()
