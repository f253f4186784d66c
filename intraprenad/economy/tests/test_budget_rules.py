"""Database-free tests of the budget rules: indexation, spreading over months, one-time items, validation."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from hypothesis import given
from hypothesis import strategies as st

from intraprenad.economy.lines import LINE_ORDER, Line
from intraprenad.economy.rules import budget as rules
from intraprenad.economy.rules.budget import Item, Rates

L = Line
MSEK = 100_000_000  # one million kronor in öre
RATES = Rates(personnel=Decimal("3.10"), other=Decimal("2.40"), revenue=Decimal("2.90"))

amounts = st.integers(min_value=-(10**13), max_value=10**13)
percents = st.decimals(min_value=Decimal("-50"), max_value=Decimal("50"), places=2)
profiles = st.lists(st.integers(min_value=-(10**9), max_value=10**9), min_size=12, max_size=12)


# --- rounding and indexation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "step", "expected"),
    [
        (Decimal("2.5"), 1, 3),
        (Decimal("-2.5"), 1, -3),
        (Decimal("2.4999"), 1, 2),
        (Decimal("-2.4999"), 1, -2),
        (Decimal("150"), 100, 200),
        (Decimal("-150"), 100, -200),
        (Decimal("149.99"), 100, 100),
        (Decimal("0"), 100, 0),
    ],
)
def test_round_half_away_from_zero(value, step, expected):
    assert rules.round_half_away(value, step) == expected


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        # the increase is rounded to whole kronor; the amount itself keeps its öre
        (10 * MSEK, Decimal("3.10"), 10 * MSEK + 31_000_000),
        (-10 * MSEK, Decimal("3.10"), -10 * MSEK - 31_000_000),
        (12_345_67, Decimal("0"), 12_345_67),
        (0, Decimal("5"), 0),
        (10_000, Decimal("2.5"), 10_300),  # 100 kr + 2.50 kr → the increase rounds up to 3 kr
        (-10_000, Decimal("2.5"), -10_300),  # and away from zero for a cost
        (10_000, Decimal("2.49"), 10_200),
        (10_000, Decimal("-1.5"), 9_800),  # a decrease of 1.50 kr rounds away from zero to 2 kr
    ],
)
def test_index_amount_rounds_the_increase_to_whole_kronor(amount, percent, expected):
    assert rules.index_amount(amount, percent) == expected


def test_index_annual_uses_the_rate_of_each_line_and_leaves_financial_items():
    # given last year's base per line
    previous = {
        L.REVENUE: 20 * MSEK,
        L.PURCHASES: -2 * MSEK,
        L.PERSONNEL: -15 * MSEK,
        L.OTHER: -3 * MSEK,
        L.FINANCIAL: -10_000_00,
    }
    # when it is indexed with separate rates for staff, other costs and revenue
    indexed = rules.index_annual(previous, RATES)
    # then personnel follows the personnel rate, purchases and other costs the other rate, revenue its own
    assert indexed == {
        L.REVENUE: 20 * MSEK + 58_000_000,
        L.PURCHASES: -2 * MSEK - 4_800_000,
        L.PERSONNEL: -15 * MSEK - 46_500_000,
        L.OTHER: -3 * MSEK - 7_200_000,
        L.FINANCIAL: -10_000_00,
    }


def test_index_annual_refuses_an_unknown_line():
    with pytest.raises(ValueError, match="bogus"):
        rules.index_annual({"bogus": 100}, RATES)


def test_rates_of_an_index_row():
    class Row:
        personnel_percent = Decimal("3.1")
        other_percent = Decimal("2.4")
        revenue_percent = Decimal("0")

    assert Rates.of(Row()) == Rates(Decimal("3.1"), Decimal("2.4"), Decimal("0"))
    assert Rates.of(Row()).for_line(L.FINANCIAL) is None


@given(st.dictionaries(st.sampled_from(LINE_ORDER), st.just(0)), percents, percents, percents)
def test_indexation_of_zero_is_zero(previous, personnel, other, revenue):
    indexed = rules.index_annual(previous, Rates(personnel, other, revenue))
    assert all(amount == 0 for amount in indexed.values())
    assert set(indexed) == set(previous)


@given(amounts, st.sampled_from(LINE_ORDER))
def test_indexation_at_zero_per_cent_changes_nothing(amount, line):
    zero = Rates(Decimal(0), Decimal(0), Decimal(0))
    assert rules.index_annual({line: amount}, zero) == {line: amount}


@given(amounts, percents)
def test_indexation_is_symmetric_in_sign_and_keeps_the_sign(amount, percent):
    up = rules.index_amount(amount, percent)
    assert rules.index_amount(-amount, percent) == -up
    # a rate within ±50 % never turns a cost into revenue or the reverse
    assert up * amount >= 0
    # and the result is within half a krona of the exact value
    assert abs(Decimal(up) - Decimal(amount) * (1 + percent / 100)) <= 50


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (100, 103, Decimal("3.0")),
        (-100, -103, Decimal("3.0")),  # a cost grew by 3 %, like an index rate of 3 %
        (-100, -97, Decimal("-3.0")),
        (-100, 50, None),  # the sign changed: no meaningful growth
        (100, 0, Decimal("-100.0")),
        (300, 301, Decimal("0.3")),
        (0, 100, None),
        (100, 100, Decimal("0.0")),
    ],
)
def test_change_percent(previous, current, expected):
    assert rules.change_percent(previous, current) == expected


# --- spreading over months ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("annual", "profile", "expected"),
    [
        (1_200_00, None, [100_00] * 12),
        (-1_200_00, None, [-100_00] * 12),
        # 1 000 kr over twelve months: 83.33 kr each, the four kronor left over go to the first months
        (1_000_00, None, [84_00] * 4 + [83_00] * 8),
        # öre below a krona go to December
        (1_200_07, None, [100_00] * 11 + [100_07]),
        (5, None, [0] * 11 + [5]),
        (0, None, [0] * 12),
        # by a seasonal profile: twice as much in the summer months
        (15_00, [1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1], [1_00] * 5 + [2_00] * 3 + [1_00] * 4),
        # costs follow a profile of costs
        (-15_00, [-1, -1, -1, -1, -1, -2, -2, -2, -1, -1, -1, -1], [-1_00] * 5 + [-2_00] * 3 + [-1_00] * 4),
        # a month of the opposite sign (a correction) gets nothing; the öre go to the last month with a share
        (3_01, [1, -5, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [1_00, 0, 1_00, 1_01] + [0] * 8),
        # a profile with nothing usable falls back to even
        (12_00, [0] * 12, [1_00] * 12),
        (12_00, [-1] * 12, [1_00] * 12),
    ],
)
def test_spread_over_months(annual, profile, expected):
    assert rules.spread_over_months(annual, profile) == expected


def test_a_profile_has_twelve_months():
    with pytest.raises(ValueError, match="twelve"):
        rules.spread_over_months(100, [1, 2, 3])


@given(amounts, st.one_of(st.none(), profiles))
def test_spreading_never_creates_or_loses_money(annual, profile):
    months = rules.spread_over_months(annual, profile)
    assert len(months) == 12
    assert sum(months) == annual
    # no month has the opposite sign of the year
    assert all(m * annual >= 0 for m in months)


@given(amounts)
def test_even_spreading_differs_by_at_most_a_krona_and_the_odd_öre(annual):
    months = rules.spread_over_months(annual)
    assert max(months) - min(months) <= 100 + abs(annual) % 100


@given(amounts, st.integers(min_value=1, max_value=1000))
def test_spreading_any_step_sums_exactly(annual, step):
    assert sum(rules.spread_over_months(annual, step=step)) == annual


# --- annual lines and one-time items into months ------------------------------------------------


def test_monthly_amounts_adds_one_time_items_in_their_month():
    # given a yearly revenue, personnel given per month, and the start-up frame increase in January
    personnel = [-1_000_00] * 6 + [-1_500_00] * 6
    items = [Item(L.REVENUE, "Ramförstärkning vid uppstart", 1_500_000_00, 1), Item(L.OTHER, "Inventarier", -60_00, 3)]
    # when they are combined
    months = rules.monthly_amounts({L.REVENUE: 12_000_00, L.PERSONNEL: personnel}, items)
    # then every line has twelve months, the items sit in their months, and nothing else changed
    assert set(months) == set(LINE_ORDER)
    assert months[L.REVENUE] == [1_501_000_00] + [1_000_00] * 11
    assert months[L.PERSONNEL] == personnel
    assert months[L.OTHER] == [0, 0, -60_00] + [0] * 9
    assert months[L.FINANCIAL] == [0] * 12
    # and taking the items away again gives the base
    base = rules.base_months(months, items)
    assert base[L.REVENUE] == [1_000_00] * 12
    assert rules.annual_of(base)[L.OTHER] == 0


def test_monthly_amounts_spreads_by_the_line_profile():
    months = rules.monthly_amounts({L.PERSONNEL: -24_00}, profiles={L.PERSONNEL: [0] * 11 + [-1]})
    assert months[L.PERSONNEL] == [0] * 11 + [-24_00]


@given(
    st.dictionaries(st.sampled_from(LINE_ORDER), amounts),
    st.lists(
        st.builds(
            Item,
            line=st.sampled_from(LINE_ORDER),
            description=st.just("x"),
            amount_ore=amounts,
            month=st.integers(1, 12),
        ),
        max_size=5,
    ),
)
def test_combining_never_creates_or_loses_money(annual, items):
    months = rules.monthly_amounts(annual, items)
    assert sum(map(sum, months.values())) == sum(annual.values()) + sum(item.amount_ore for item in items)
    assert rules.annual_of(rules.base_months(months, items)) == {line: annual.get(line, 0) for line in LINE_ORDER}


# --- validation ---------------------------------------------------------------------------------


def line_message(msgid: str, line: str) -> str:
    return _(msgid) % {"line": Line(line).label}


@pytest.mark.parametrize(
    ("annual", "items", "expected"),
    [
        ({L.REVENUE: 100, L.PERSONNEL: -100, L.FINANCIAL: 5}, [], []),
        ({L.FINANCIAL: -5}, [], []),
        ({}, [], []),
        (
            {L.PERSONNEL: 100},
            [],
            [line_message("%(line)s: a cost is entered as a negative amount.", L.PERSONNEL)],
        ),
        (
            {L.REVENUE: -100},
            [],
            [line_message("%(line)s: revenue is entered as a positive amount.", L.REVENUE)],
        ),
        # twelve months are judged by their sum: one month of correction is fine
        ({L.OTHER: [-100] * 11 + [50]}, [], []),
        (
            {L.OTHER: [-100] * 11},
            [],
            [line_message("%(line)s: give twelve monthly amounts.", L.OTHER)],
        ),
    ],
)
def test_budget_errors_on_lines(annual, items, expected):
    assert rules.budget_errors(annual, items) == expected


def test_the_cost_message_names_the_line_in_swedish():
    # the message the user sees, in Swedish (the test runs with Swedish active)
    [message] = rules.budget_errors({L.PERSONNEL: 1})
    assert message.startswith(str(Line.PERSONNEL.label) + ":")


def test_budget_errors_name_an_unknown_line():
    [message] = rules.budget_errors({"salaries": -1})
    assert "salaries" in message
    assert "personnel" in message


@pytest.mark.parametrize(
    ("item", "count"),
    [
        ({"line": L.REVENUE, "description": "Ramförstärkning", "amount_ore": 1, "month": 1}, 0),
        ({"line": L.REVENUE, "description": "Ramförstärkning", "amount_ore": -1, "month": 1}, 1),
        ({"line": L.PERSONNEL, "description": "Extra bemanning", "amount_ore": 1, "month": 1}, 1),
        ({"line": L.PERSONNEL, "description": "Extra bemanning", "amount_ore": -1, "month": 13}, 1),
        ({"line": L.PERSONNEL, "description": "Extra bemanning", "amount_ore": 0, "month": 2}, 1),
        ({"line": L.PERSONNEL, "description": "", "amount_ore": -1, "month": 2}, 1),
        ({"line": "bogus", "description": "Något", "amount_ore": -1, "month": 2}, 1),
        ({"line": L.FINANCIAL, "description": "Ränta", "amount_ore": 1}, 0),
    ],
)
def test_budget_errors_on_one_time_items(item, count):
    errors = rules.budget_errors({}, [item])
    assert len(errors) == count
    if count and item["description"]:
        assert item["description"] in errors[0]


def test_check_budget_raises_every_problem_at_once():
    with pytest.raises(ValidationError) as refused:
        rules.check_budget({L.PERSONNEL: 1, L.REVENUE: -1})
    assert len(refused.value.messages) == 2


@pytest.mark.parametrize(("year", "ok"), [(1999, False), (2000, True), (2026, True), (2100, True), (2101, False)])
def test_check_year(year, ok):
    if ok:
        rules.check_year(year)
    else:
        with pytest.raises(ValidationError):
            rules.check_year(year)


@pytest.mark.parametrize(
    ("rates", "count"),
    [
        (RATES, 0),
        (Rates(Decimal("50"), Decimal("-50"), Decimal("0")), 0),
        (Rates(Decimal("50.01"), Decimal("2"), Decimal("0")), 1),
        (Rates(Decimal("310"), Decimal("240"), Decimal("-60")), 3),
    ],
)
def test_rate_errors(rates, count):
    assert len(rules.rate_errors(rates)) == count


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("draft", None),
        ("approved", "An approved budget cannot be changed; create a new version."),
        ("superseded", "A superseded budget cannot be changed; it is kept as history."),
    ],
)
def test_only_a_draft_is_editable(status, message):
    if message is None:
        rules.check_editable(status)
        return
    with pytest.raises(ValidationError) as refused:
        rules.check_editable(status)
    assert refused.value.messages == [_(message)]


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("draft", "approved", True),
        ("approved", "superseded", True),
        ("draft", "superseded", False),
        ("approved", "draft", False),
        ("superseded", "approved", False),
    ],
)
def test_budget_transitions(current, target, allowed):
    if allowed:
        rules.check_transition(current, target)
    else:
        with pytest.raises(ValidationError):
            rules.check_transition(current, target)


@pytest.mark.parametrize(
    ("starts", "started_on", "expected"),
    [
        ([date(2022, 1, 1)], date(2021, 6, 1), 2022),
        ([date(2024, 1, 1), date(2022, 1, 1)], date(2021, 6, 1), 2022),
        # before there is an agreement: the turn of the year after the start (seed 002)
        ([], date(2021, 6, 1), 2022),
    ],
)
def test_first_budget_year(starts, started_on, expected):
    assert rules.first_budget_year(starts, started_on) == expected
