import pytest
from hypothesis import given
from hypothesis import strategies as st

from intraprenad.economy.rules.money import format_kronor, format_millions, percent_of, round_kronor


@pytest.mark.parametrize(
    ("ore", "expected"),
    [
        (0, "0\u00a0kr"),
        (4_900, "49\u00a0kr"),
        (150_000_000, "1\u00a0500\u00a0000\u00a0kr"),
        (-2_390_000_000, "\u221223\u00a0900\u00a0000\u00a0kr"),
        (150, "2\u00a0kr"),
        (-150, "\u22122\u00a0kr"),
        (-49, "0\u00a0kr"),
    ],
)
def test_format_kronor(ore, expected):
    assert format_kronor(ore) == expected


def test_format_kronor_with_ore():
    assert format_kronor(-123_456_789, decimals=True) == "\u22121\u00a0234\u00a0567,89\u00a0kr"


@pytest.mark.parametrize(
    ("ore", "expected"),
    [(-2_390_000_000, "\u221223,9\u00a0mnkr"), (3_500_000_000, "35,0\u00a0mnkr"), (-1_000, "0,0\u00a0mnkr")],
)
def test_format_millions(ore, expected):
    assert format_millions(ore) == expected


@pytest.mark.parametrize(("part", "whole", "expected"), [(1, 4, "25.0"), (-1, 3, "-33.3"), (5, 0, None)])
def test_percent_of(part, whole, expected):
    result = percent_of(part, whole)
    assert (str(result) if result is not None else None) == expected


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_round_kronor_is_within_half_a_krona(ore):
    assert abs(round_kronor(ore) * 100 - ore) <= 50
