"""The follow-up's rules without a database: tables of cases for each method, the band, the deviations and
the early-warning threshold, and properties (hypothesis) that hold for any amounts."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intraprenad.economy.rules import forecast as rules
from intraprenad.economy.rules.forecast import MANUAL, RUN_RATE, SEASONAL

MSEK = 100_000_000  # öre


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(5, 2), 3),
        (Fraction(-5, 2), -3),
        (Fraction(7, 3), 2),
        (Fraction(-7, 3), -2),
        (Fraction(0), 0),
        (Fraction(1, 2), 1),
        (Fraction(-1, 2), -1),
    ],
)
def test_rounding_is_half_away_from_zero(value, expected):
    assert rules.round_half_away(value) == expected


@pytest.mark.parametrize(
    ("ytd", "month", "expected"),
    [
        (-2 * MSEK, 2, -12 * MSEK),  # after February: six times the year so far
        (-2390 * 10**6, 2, -14340 * 10**6),  # seed 003: −23,9 mnkr after February at the same pace
        (300, 12, 300),  # December: the year is the year so far
        (100, 7, 171),  # 1200 / 7 = 171,43
        (-100, 7, -171),
        (1, 8, 2),  # 12 / 8 = 1,5 rounds away from zero
        (-1, 8, -2),
        (0, 5, 0),
    ],
)
def test_run_rate_is_the_year_so_far_at_the_same_pace(ytd, month, expected):
    assert rules.run_rate(ytd, month) == expected


@pytest.mark.parametrize("month", [0, 13, -1])
def test_a_month_outside_the_year_is_refused(month):
    with pytest.raises(ValueError):
        rules.run_rate(100, month)


@pytest.mark.parametrize(
    ("ytd", "month", "profiles", "expected"),
    [
        # half the year reached by June in the earlier year: the year so far is half the forecast
        (-600, 6, [(-500, -1000)], -1200),
        # a front-loaded line: 75 % reached by June, so the rest of the year is smaller
        (-750, 6, [(-750, -1000)], -1000),
        # pooled over two years: (300 + 500) / (1000 + 1000) = 40 % by April
        (-400, 4, [(-300, -1000), (-500, -1000)], -1000),
        # a bigger year weighs more: (100 + 900) / (1000 + 3000) = 25 % by March
        (-250, 3, [(-100, -1000), (-900, -3000)], -1000),
        # December: share 1, the forecast is the actual
        (-1234, 12, [(-999, -999)], -1234),
        # degenerate: the earlier years sum to zero
        (-100, 6, [(50, 0)], None),
        # degenerate: a share below a third of the straight line (6/12 ÷ 3 = 1/6)
        (-100, 6, [(-100, -1000)], None),
        # degenerate: a share above three times the straight line (1/12 × 3 = 1/4)
        (-100, 1, [(-300, -1000)], None),
        # degenerate: the earlier years had the opposite sign by now
        (-100, 6, [(200, -1000)], None),
        # no earlier years at all
        (-100, 6, [], None),
    ],
)
def test_seasonal_divides_the_year_so_far_by_the_share_normally_reached(ytd, month, profiles, expected):
    assert rules.seasonal(ytd, month, profiles) == expected


@pytest.mark.parametrize(
    ("share", "month", "usable"),
    [
        (Fraction(1, 2), 6, True),
        (Fraction(1, 6), 6, True),  # exactly a third of the straight line
        (Fraction(3, 2), 6, True),  # exactly three times
        (Fraction(1, 7), 6, False),
        (Fraction(8, 5), 6, False),
        (Fraction(0), 6, False),
        (Fraction(-1, 2), 6, False),
        (None, 6, False),
        (Fraction(1), 12, True),
    ],
)
def test_which_shares_are_usable(share, month, usable):
    assert rules.is_usable_share(share, month) is usable


def test_forecast_without_earlier_years_is_the_run_rate_with_the_reason():
    # given two lines after March and no complete earlier year
    ytd = {"revenue": 3_000, "personnel": -3_600}
    # when
    result = rules.forecast(month=3, ytd_by_line=ytd, history={})
    # then
    assert result.method == RUN_RATE
    assert result.fallback == rules.NO_HISTORY
    assert result.lines == {"revenue": 12_000, "personnel": -14_400}
    assert result.result_ore == result.run_rate_ore == -2_400
    assert result.seasonal_ore is None
    assert result.fallback_label


def test_forecast_with_an_earlier_year_uses_each_lines_own_profile():
    # given revenue that arrives early in the year and even personnel costs
    ytd = {"revenue": 6_000, "personnel": -3_000}
    history = {2024: {"revenue": (6_000, 8_000), "personnel": (-3_000, -12_000)}}
    # when
    result = rules.forecast(month=3, ytd_by_line=ytd, history=history)
    # then revenue reached 75 % by March, personnel 25 %
    assert result.method == SEASONAL
    assert result.lines == {"revenue": 8_000, "personnel": -12_000}
    assert result.result_ore == result.seasonal_ore == -4_000
    assert result.run_rate_ore == 24_000 - 12_000
    assert result.history_years == (2024,)
    assert result.fallback == ""


def test_a_degenerate_line_falls_back_to_run_rate_inside_a_seasonal_forecast():
    ytd = {"personnel": -3_000, "financial": -10}
    history = {2024: {"personnel": (-3_000, -12_000), "financial": (0, 0)}}
    result = rules.forecast(month=3, ytd_by_line=ytd, history=history)
    assert result.method == SEASONAL
    assert result.run_rate_lines == ("financial",)
    assert result.lines == {"personnel": -12_000, "financial": -40}
    assert result.result_ore == -12_040


def test_every_line_degenerate_falls_back_to_run_rate_with_the_reason():
    ytd = {"personnel": -3_000}
    history = {2024: {"personnel": (0, 0)}}
    result = rules.forecast(month=3, ytd_by_line=ytd, history=history)
    assert result.method == RUN_RATE
    assert result.fallback == rules.DEGENERATE
    assert result.result_ore == -12_000


def test_a_line_without_any_amounts_is_zero_and_not_a_fallback():
    ytd = {"personnel": -3_000}
    history = {2024: {"personnel": (-3_000, -12_000), "purchases": (0, 0)}}
    result = rules.forecast(month=3, ytd_by_line=ytd, history=history)
    assert result.lines == {"purchases": 0, "personnel": -12_000}
    assert result.run_rate_lines == ()


def test_only_the_latest_three_earlier_years_count():
    ytd = {"personnel": -1_000}
    old = {"personnel": (-100, -1_000)}  # would give −10 000
    recent = {"personnel": (-500, -1_000)}  # gives −2 000
    history = {2019: old, 2021: recent, 2022: recent, 2023: recent}
    result = rules.forecast(month=6, ytd_by_line=ytd, history=history)
    assert result.history_years == (2021, 2022, 2023)
    assert result.result_ore == -2_000


@pytest.mark.parametrize(
    ("history", "method"),
    [({}, MANUAL), ({2024: {"personnel": (-3_000, -12_000)}}, MANUAL)],
)
def test_a_manual_forecast_is_shown_when_entered_and_the_others_are_kept(history, method):
    result = rules.forecast(month=3, ytd_by_line={"personnel": -3_000}, history=history, manual_ore=-20_000)
    assert result.method == method
    assert result.result_ore == -20_000
    assert result.run_rate_ore == -12_000
    assert str(result.method_label)


def test_the_band_spans_the_methods_and_each_earlier_years_profile():
    ytd = {"personnel": -6_000}
    history = {2023: {"personnel": (-4_000, -12_000)}, 2024: {"personnel": (-6_000, -12_000)}}
    shown = rules.forecast(month=6, ytd_by_line=ytd, history=history)
    low, high = rules.band(shown, ytd_by_line=ytd, history=history, monthly_net=[-1_000] * 6)
    # 2023 alone: −6000 / (1/3) = −18 000; 2024 alone: −12 000; pooled 10/24: −14 400; run rate −12 000
    assert shown.result_ore == -14_400
    assert (low, high) == (-18_000, -12_000)


def test_without_history_the_band_is_the_worst_and_best_month_continued():
    ytd = {"revenue": 3_000, "personnel": -6_000}
    shown = rules.forecast(month=3, ytd_by_line=ytd, history={})
    low, high = rules.band(shown, ytd_by_line=ytd, history={}, monthly_net=[-500, -2_000, -500])
    # so far −3000; nine more months like −2000 or like −500
    assert (low, high) == (-3_000 - 18_000, -3_000 - 4_500)
    assert low <= shown.result_ore <= high


def test_the_band_includes_a_manual_figure_outside_the_methods():
    ytd = {"personnel": -3_000}
    shown = rules.forecast(month=3, ytd_by_line=ytd, history={}, manual_ore=-50_000)
    low, high = rules.band(shown, ytd_by_line=ytd, history={}, monthly_net=[-1_000, -1_000, -1_000])
    assert low == -50_000
    assert high == -12_000


@pytest.mark.parametrize(
    ("ytd", "month", "full", "expected"),
    [
        (-200, 2, -1200, [-200, -300, -400, -500, -600, -700, -800, -900, -1000, -1100, -1200]),
        (0, 11, 10, [0, 10]),
        (5, 12, 7, [7]),
        (0, 9, 10, [0, 3, 7, 10]),  # 3,33 and 6,67 rounded
    ],
)
def test_the_forecast_path_runs_straight_to_the_year_end(ytd, month, full, expected):
    assert rules.path(ytd, month, full) == expected


@pytest.mark.parametrize(
    ("actual", "budget", "expected"),
    [
        (-110, -100, Decimal("-10.0")),  # costs 10 % over budget
        (-90, -100, Decimal("10.0")),  # costs 10 % under budget
        (120, 100, Decimal("20.0")),  # revenue 20 % over budget
        (1, 3, Decimal("-66.7")),
        (5, 0, None),  # no budget: no percentage
        (-100, -100, Decimal("0.0")),
    ],
)
def test_deviation_percent_is_relative_to_the_size_of_the_budget(actual, budget, expected):
    assert rules.deviation_percent(actual, budget) == expected


def test_cumulative_and_profile():
    assert rules.cumulative([1, -2, 3]) == [1, -1, 2]
    assert rules.profile({1: -10, 2: -20, 12: -70}, 2) == (-30, -100)
    assert rules.is_complete_year(range(1, 13))
    assert not rules.is_complete_year([1, 2, 3])


@pytest.mark.parametrize(
    ("costs", "share", "expected"),
    [
        (-12 * MSEK, Decimal("1"), 12_000_000),  # 1 % of 12 MSEK = 120 000 kr
        (12 * MSEK, Decimal("1"), 12_000_000),  # the sign of the cost budget does not matter
        (-1_000_000, Decimal("2.5"), 25_000),
        (-333, Decimal("1"), 3),  # 3,33 öre
        (-350, Decimal("1"), 4),  # 3,5 öre rounds away from zero
        (-12 * MSEK, Decimal("0"), 0),
        (0, Decimal("5"), 0),
    ],
)
def test_warning_threshold_is_a_share_of_the_years_costs(costs, share, expected):
    assert rules.warning_threshold(costs, share) == expected


def test_annual_costs_are_the_cost_lines_only():
    budget = {"revenue": 1_000, "purchases": -100, "personnel": -700, "other": -150, "financial": -50}
    assert rules.annual_costs(budget) == 950


@pytest.mark.parametrize(
    ("deviation", "threshold", "warn"),
    [
        (-1_000, 999, True),
        (-1_000, 1_000, False),  # exactly at the threshold: not beyond it
        (-1, 0, True),  # a zero threshold warns on any deficit
        (0, 0, False),
        (5_000, 0, False),  # a surplus never warns
        (-500, 1_000, False),
    ],
)
def test_needs_warning_only_for_a_deficit_beyond_the_threshold(deviation, threshold, warn):
    assert rules.needs_warning(deviation, threshold) is warn


# --- properties ---------------------------------------------------------------------------------------

amounts = st.integers(min_value=-(10**12), max_value=10**12)
months = st.integers(min_value=1, max_value=12)
lines = st.sampled_from(["revenue", "purchases", "personnel", "other", "financial"])


@given(amounts)
def test_in_december_every_method_gives_the_actual(ytd):
    assert rules.run_rate(ytd, 12) == ytd
    assert rules.seasonal(ytd, 12, [(ytd or 1, ytd or 1)]) == ytd


@given(amounts, months)
def test_run_rate_of_a_negated_year_is_negated(ytd, month):
    assert rules.run_rate(-ytd, month) == -rules.run_rate(ytd, month)


@given(st.integers(min_value=-(10**9), max_value=10**9), months)
def test_an_even_profile_gives_the_run_rate(per_month, month):
    # an earlier year with the same amount every month has the straight-line share m/12
    profiles = [(per_month * month, per_month * 12)] if per_month else [(month, 12)]
    assert rules.seasonal(per_month * month, month, profiles) == rules.run_rate(per_month * month, month)


@given(st.lists(st.integers(min_value=-(10**9), max_value=-1), min_size=12, max_size=12), months, st.integers(1, 5))
def test_a_year_shaped_like_the_earlier_one_is_forecast_exactly(earlier, month, factor):
    # this year follows the earlier year's months exactly, `factor` times larger
    this_year = [amount * factor for amount in earlier]
    history = {2024: {"personnel": rules.profile(dict(enumerate(earlier, start=1)), month)}}
    result = rules.forecast(month=month, ytd_by_line={"personnel": sum(this_year[:month])}, history=history)
    if result.method == SEASONAL:
        assert result.result_ore == sum(this_year)
    else:
        assert result.fallback == rules.DEGENERATE


@given(
    st.dictionaries(lines, amounts, min_size=1),
    st.dictionaries(
        st.integers(2015, 2024), st.dictionaries(lines, st.tuples(amounts, amounts), min_size=1), max_size=4
    ),
    months,
    st.one_of(st.none(), amounts),
)
def test_net_is_the_sum_of_lines_and_the_band_holds_the_shown_figure(ytd, history, month, manual):
    result = rules.forecast(month=month, ytd_by_line=ytd, history=history, manual_ore=manual)
    if result.method != MANUAL:
        assert result.result_ore == sum(result.lines.values())
    assert result.run_rate_ore == sum(rules.run_rate(v, month) for v in ytd.values())
    low, high = rules.band(result, ytd_by_line=ytd, history=history, monthly_net=[sum(ytd.values())] * month)
    assert low <= result.result_ore <= high
    assert low <= result.run_rate_ore <= high


@given(amounts, months, amounts)
def test_the_path_starts_at_the_year_so_far_and_ends_at_the_forecast(ytd, month, full):
    values = rules.path(ytd, month, full)
    assert len(values) == 13 - month
    assert values[-1] == full
    assert values[0] == (ytd if month < 12 else full)


@given(st.integers(min_value=0, max_value=10**12), st.decimals(min_value=0, max_value=100, places=2))
def test_threshold_is_never_negative_nor_above_the_costs(costs, share):
    threshold = rules.warning_threshold(-costs, share)
    assert 0 <= threshold <= costs


@given(amounts, st.integers(min_value=0, max_value=10**12))
def test_a_larger_deficit_never_stops_a_warning(deviation, threshold):
    if rules.needs_warning(deviation, threshold):
        assert rules.needs_warning(deviation - 1, threshold)


@pytest.mark.parametrize(
    ("actual", "budget", "expected"),
    [(-1_035_600, -100, None), (5_000_000, 9_999_999, None), (12_000_000, 10_000_000, Decimal("20.0"))],
)
def test_net_deviation_percent_only_for_a_material_budget(actual, budget, expected):
    assert rules.net_deviation_percent(actual, budget) == expected


@pytest.mark.parametrize(
    ("latest_month", "finished"),
    [(0, False), (1, False), (11, False), (12, True)],
)
def test_a_year_is_finished_once_december_is_in_the_ledger(latest_month, finished):
    assert rules.is_finished_year(latest_month) is finished
