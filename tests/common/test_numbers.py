"""Counts as clerks write them: understood and said back, or refused with a reason."""

import pytest

from common.numbers import CountNotUnderstood, read_count


@pytest.mark.parametrize(
    "text, value, exact",
    [
        ("200", 200, True),
        (200, 200, True),
        ("约200人", 200, False),
        ("1,200人次", 1200, False),
        ("１２００", 1200, False),
        ("3万", 30000, False),
        ("1.5万人次", 15000, False),
        ("200余人", 200, False),
        ("近 1 000 人", 1000, False),
        ("300人左右", 300, False),
        ("0", 0, True),
    ],
)
def test_what_a_clerk_writes_is_read_as_the_number_meant(text, value, exact):
    reading = read_count(text)
    assert (reading.value, reading.exact) == (value, exact)


@pytest.mark.parametrize(
    "text, why",
    [
        ("", "为空"),
        ("很多", "不是整数"),
        ("12.5", "须为整数"),
        ("-3", "不能为负数"),
        (-3, "不能为负数"),
        ("200-300", "不是整数"),
        ("1e400", "不是整数"),
        ("nan", "不是整数"),
        ("inf", "不是整数"),
        (True, "不是数字"),
        ("1.23456万", "须为整数"),
    ],
)
def test_anything_else_is_refused_with_a_reason(text, why):
    with pytest.raises(CountNotUnderstood, match=why):
        read_count(text)
