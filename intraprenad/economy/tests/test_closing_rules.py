"""The year-end rules without a database: tables of cases, and properties (hypothesis) that no öre is ever created
or lost in a split, in the fund ledger, or by reopening a closing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st

from intraprenad.economy.rules import closing as rules

D = Decimal
MSEK = 100_000_000  # one million kronor in öre


# --- result against budget and shares ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "budget", "expected"),
    [
        (0, 0, 0),
        (500_000_00, 0, 500_000_00),  # a surplus against a balanced budget
        (-300_000_00, 0, -300_000_00),  # a deficit
        (200_000_00, 150_000_00, 50_000_00),  # better than a budgeted surplus
        (-100_000_00, -250_000_00, 150_000_00),  # a smaller deficit than budgeted is a surplus against budget
        (100_000_00, 150_000_00, -50_000_00),  # a smaller surplus than budgeted is a deficit against budget
    ],
)
def test_result_against_budget_is_actual_minus_budget(actual, budget, expected):
    assert rules.result_against_budget(actual_result_ore=actual, budget_result_ore=budget) == expected


@pytest.mark.parametrize(
    ("amount", "percent", "expected"),
    [
        (100, D("50"), 50),
        (101, D("50"), 51),  # 50.5 öre rounds away from zero
        (-101, D("50"), -51),  # and so does −50.5
        (99, D("33.33"), 33),
        (1, D("49.99"), 0),
        (1_000_000_00, D("100"), 1_000_000_00),
        (1_000_000_00, D("0"), 0),
        (3, D("12.5"), 0),  # 0.375 → 0
        (4, D("12.5"), 1),  # 0.5 → 1
    ],
)
def test_share_of_rounds_to_the_ore_half_away_from_zero(amount, percent, expected):
    assert rules.share_of(amount, percent) == expected


@pytest.mark.parametrize(
    ("sek", "ore"), [(None, None), (D("0"), 0), (D("2000000"), 200_000_000), (D("1234.565"), 123_457)]
)
def test_a_cap_in_kronor_becomes_ore(sek, ore):
    assert rules.sek_to_ore(sek) == ore


@pytest.mark.parametrize(
    ("amount", "share", "turnover", "expected"),
    [
        (None, None, 10 * MSEK, None),  # no cap at all
        (2 * MSEK, None, 10 * MSEK, 2 * MSEK),
        (None, D("5"), 10 * MSEK, MSEK // 2),
        (2 * MSEK, D("5"), 10 * MSEK, MSEK // 2),  # the lower of the two
        (MSEK // 4, D("5"), 10 * MSEK, MSEK // 4),
        (None, D("5"), -10 * MSEK, 0),  # a negative turnover gives no room
    ],
)
def test_fund_cap_is_the_lower_of_the_caps_set(amount, share, turnover, expected):
    assert rules.fund_cap(cap_amount_ore=amount, cap_share_of_turnover=share, turnover_ore=turnover) == expected


# --- the split ---------------------------------------------------------------------------------------------

SPLITS = [
    # (result, turnover, fund before, surplus %, deficit %, cap %, cap öre) -> (unit, board, capped, cap)
    ((1 * MSEK, 10 * MSEK, 0, D("100"), D("100"), None, None), (1 * MSEK, 0, 0, None)),
    ((1 * MSEK, 10 * MSEK, 0, D("50"), D("100"), None, None), (MSEK // 2, MSEK // 2, 0, None)),
    ((101, 10 * MSEK, 0, D("50"), D("100"), None, None), (51, 50, 0, None)),  # the öre goes to the unit by rounding
    # a cap of 5 % of a 10 MSEK turnover = 0.5 MSEK; the fund holds 0.3 MSEK: room for 0.2 MSEK
    (
        (1 * MSEK, 10 * MSEK, 30_000_000, D("100"), D("100"), D("5"), None),
        (20_000_000, 80_000_000, 80_000_000, MSEK // 2),
    ),
    # an amount cap lower than the share cap
    ((1 * MSEK, 10 * MSEK, 0, D("60"), D("100"), D("5"), 40_000_000), (40_000_000, 60_000_000, 20_000_000, 40_000_000)),
    # the fund is already above its cap: nothing to the unit
    ((1 * MSEK, 10 * MSEK, 90_000_000, D("100"), D("100"), D("5"), None), (0, 1 * MSEK, 1 * MSEK, MSEK // 2)),
    # a fund in debt has more room below the cap
    (
        (1 * MSEK, 10 * MSEK, -40_000_000, D("100"), D("100"), D("5"), None),
        (90_000_000, 10_000_000, 10_000_000, MSEK // 2),
    ),
    # deficits: the unit's share is charged to the fund, no cap applies
    ((-1 * MSEK, 10 * MSEK, 0, D("50"), D("100"), D("5"), None), (-1 * MSEK, 0, 0, MSEK // 2)),
    ((-1 * MSEK, 10 * MSEK, 0, D("50"), D("40"), None, None), (-40_000_000, -60_000_000, 0, None)),
    ((-101, 10 * MSEK, 0, D("50"), D("50"), None, None), (-51, -50, 0, None)),
    ((-1 * MSEK, 10 * MSEK, 0, D("50"), D("0"), None, None), (0, -1 * MSEK, 0, None)),
    # nothing to split
    ((0, 10 * MSEK, 50_000_000, D("50"), D("50"), D("5"), None), (0, 0, 0, MSEK // 2)),
]


@pytest.mark.parametrize(("given", "expected"), SPLITS)
def test_split_of_a_surplus_or_deficit(given, expected):
    result, turnover, fund, surplus_pct, deficit_pct, cap_pct, cap_ore = given
    split = rules.split_result(
        result_ore=result,
        turnover_ore=turnover,
        fund_before_ore=fund,
        surplus_share_unit=surplus_pct,
        deficit_share_unit=deficit_pct,
        fund_cap_share_of_turnover=cap_pct,
        fund_cap_amount_ore=cap_ore,
    )
    assert (split.unit_share_ore, split.board_share_ore, split.capped_ore, split.cap_ore) == expected
    assert split.fund_movement_ore == split.unit_share_ore
    assert split.fund_after_ore == fund + split.unit_share_ore
    assert split.is_deficit == (result < 0)


def test_a_share_outside_0_to_100_is_refused():
    with pytest.raises(ValueError):
        rules.split_result(
            result_ore=100, turnover_ore=0, fund_before_ore=0, surplus_share_unit=D("101"), deficit_share_unit=D("0")
        )


ore = st.integers(min_value=-(10**13), max_value=10**13)
percent = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
optional_percent = st.none() | percent
optional_cap = st.none() | st.integers(min_value=0, max_value=10**12)


@given(
    result=ore,
    turnover=ore,
    fund=ore,
    surplus_pct=percent,
    deficit_pct=percent,
    cap_pct=optional_percent,
    cap_ore=optional_cap,
)
def test_no_ore_is_created_or_lost_in_a_split(result, turnover, fund, surplus_pct, deficit_pct, cap_pct, cap_ore):
    split = rules.split_result(
        result_ore=result,
        turnover_ore=turnover,
        fund_before_ore=fund,
        surplus_share_unit=surplus_pct,
        deficit_share_unit=deficit_pct,
        fund_cap_share_of_turnover=cap_pct,
        fund_cap_amount_ore=cap_ore,
    )
    assert split.unit_share_ore + split.board_share_ore == result
    assert split.fund_after_ore - split.fund_before_ore == split.unit_share_ore
    assert split.capped_ore >= 0
    if result >= 0:
        # the unit never gets more than its share, nor takes from the board
        assert 0 <= split.unit_share_ore <= rules.share_of(result, surplus_pct)
        assert split.unit_share_ore + split.capped_ore == rules.share_of(result, surplus_pct)
        if split.cap_ore is not None and split.unit_share_ore > 0:
            assert split.fund_after_ore <= split.cap_ore  # an allocation never takes the fund above its cap
    else:
        assert split.capped_ore == 0
        assert result <= split.unit_share_ore <= 0 and result <= split.board_share_ore <= 0


# --- the fund ledger ---------------------------------------------------------------------------------------


def test_fund_years_carry_the_closing_balance_into_the_next_year():
    movements = [
        (2022, "allocation", 400_000_00),
        (2023, "use", -150_000_00),
        (2023, "deficit", -300_000_00),
        (2025, "allocation", 100_000_00),
    ]
    years = rules.fund_years(movements)
    assert [(y.year, y.opening_ore, y.closing_ore) for y in years] == [
        (2022, 0, 400_000_00),
        (2023, 400_000_00, -50_000_00),
        (2024, -50_000_00, -50_000_00),  # a year without movements still shows
        (2025, -50_000_00, 50_000_00),
    ]
    assert (years[1].uses_ore, years[1].deficit_ore, years[1].allocation_ore) == (-150_000_00, -300_000_00, 0)


def test_fund_years_run_until_the_year_asked_for():
    assert [y.year for y in rules.fund_years([(2022, "allocation", 1)], until=2024)] == [2022, 2023, 2024]
    assert rules.fund_years([]) == []


def test_an_unknown_movement_kind_is_an_error():
    with pytest.raises(ValueError):
        rules.fund_years([(2022, "gift", 1)])


def test_balance_before_a_year_counts_only_earlier_years():
    movements = [(2022, "allocation", 100), (2023, "use", -30), (2024, "allocation", 5)]
    assert rules.balance_before(movements, 2022) == 0
    assert rules.balance_before(movements, 2024) == 70
    assert rules.balance_before(movements, 2030) == 75


movement = st.tuples(
    st.integers(min_value=2015, max_value=2035), st.sampled_from(rules.MOVEMENT_KINDS), st.integers(-(10**12), 10**12)
)


@given(st.lists(movement, max_size=40))
def test_fund_opening_plus_movements_is_the_closing_every_year(movements):
    years = rules.fund_years(movements)
    total = sum(amount for _y, _k, amount in movements)
    for previous, current in zip(years, years[1:], strict=False):
        assert current.opening_ore == previous.closing_ore
    for entry in years:
        assert entry.opening_ore + entry.movements_ore == entry.closing_ore
        assert entry.opening_ore == rules.balance_before(movements, entry.year)
    assert (years[-1].closing_ore if years else 0) == total


@given(st.lists(movement, max_size=20), st.integers(-(10**12), 10**12), st.integers(2015, 2035))
def test_reopening_and_reversal_return_the_fund_to_its_prior_balance(movements, amount, year):
    before = rules.fund_years(movements, until=2035)
    kind = "allocation" if amount >= 0 else "deficit"
    after = rules.fund_years(
        [*movements, (year, kind, amount), (year, "reversal", rules.reversal_of(amount))], until=2035
    )
    closing_by_year = {y.year: y.closing_ore for y in before}
    for entry in after:
        assert entry.closing_ore == closing_by_year.get(entry.year, 0)


# --- fund uses ---------------------------------------------------------------------------------------------


PERMITTED = ["kompetensutveckling", "personalbeframjande"]


def test_a_permitted_use_within_the_balance_passes():
    rules.check_fund_use(
        purpose="kompetensutveckling", permitted=PERMITTED, amount_ore=100, balance_ore=100, description="Kurs"
    )


def said(msgid: str, **values) -> str:
    """The refusal as the user reads it (Swedish once translated): the test survives the translation."""
    return gettext(msgid) % values if values else gettext(msgid)


NOT_PERMITTED = "The guidelines do not permit using the result fund for “%(purpose)s”."
ABOVE_BALANCE = "The result fund has %(balance)s available; %(amount)s cannot be used."


@pytest.mark.parametrize(
    ("purpose", "amount", "balance", "description", "expected"),
    [
        ("resor", 100, 1000, "Resa", [said(NOT_PERMITTED, purpose="resor")]),
        ("", 100, 1000, "Resa", [said("Choose what the fund is used for.")]),
        ("kompetensutveckling", 0, 1000, "Kurs", [said("The amount must be more than zero.")]),
        (
            "kompetensutveckling",
            1001,
            1000,
            "Kurs",
            [said(ABOVE_BALANCE, balance="10,00\u00a0kr", amount="10,01\u00a0kr")],
        ),
        (
            "kompetensutveckling",
            100,
            -500,
            "Kurs",
            [said(ABOVE_BALANCE, balance="\u22125,00\u00a0kr", amount="1,00\u00a0kr")],
        ),
        ("kompetensutveckling", 100, 1000, " ", [said("Describe what the money is used for.")]),
        (
            "resor",
            -1,
            1000,
            "",
            [
                said(NOT_PERMITTED, purpose="resor"),
                said("The amount must be more than zero."),
                said("Describe what the money is used for."),
            ],
        ),
    ],
)
def test_a_use_for_another_purpose_or_above_the_balance_is_refused(purpose, amount, balance, description, expected):
    with pytest.raises(ValidationError) as refused:
        rules.check_fund_use(
            purpose=purpose, permitted=PERMITTED, amount_ore=amount, balance_ore=balance, description=description
        )
    assert refused.value.messages == expected


# --- action plans ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decided_on", "months", "deadline"),
    [
        (date(2024, 8, 31), 6, date(2025, 2, 28)),  # across the year boundary, clamped to February's end
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # a leap year
        (date(2023, 12, 31), 12, date(2024, 12, 31)),
        (date(2024, 3, 15), 12, date(2025, 3, 15)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 5, 31), 18, date(2025, 11, 30)),
        (date(2024, 2, 29), 24, date(2026, 2, 28)),
        (date(2024, 4, 10), 60, date(2029, 4, 10)),
    ],
)
def test_action_plan_deadline_counts_months_from_the_decision(decided_on, months, deadline):
    assert rules.action_plan_deadline(decided_on=decided_on, months=months) == deadline


def test_an_action_plan_deadline_is_at_least_a_month():
    with pytest.raises(ValueError):
        rules.action_plan_deadline(decided_on=date(2024, 1, 1), months=0)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 60))
def test_a_deadline_is_always_later_and_in_the_right_month(decided_on, months):
    deadline = rules.action_plan_deadline(decided_on=decided_on, months=months)
    assert deadline > decided_on
    assert (deadline.year * 12 + deadline.month) - (decided_on.year * 12 + decided_on.month) == months
    assert deadline.day == decided_on.day or deadline.day < decided_on.day  # clamped only at a month's end


@pytest.mark.parametrize(
    ("deficit", "later", "fund", "restored"),
    [
        (500, [], 1000, False),  # nothing decided since the deficit
        (500, [500], -10, True),  # a later surplus covers the deficit
        (500, [200, 300], -10, True),  # two later surpluses together
        (500, [200], 0, True),  # the fund is back at zero after a surplus year
        (500, [200], -1, False),  # still in debt
        (500, [-100], 50, False),  # the fund is positive but the later year was another deficit
        (500, [600, -50], -10, True),  # together they cover it
    ],
)
def test_whether_balance_is_restored(deficit, later, fund, restored):
    assert rules.is_balance_restored(deficit_ore=deficit, later_results_ore=later, fund_balance_ore=fund) is restored


@pytest.mark.parametrize(
    ("deadline", "today", "past"),
    [
        (date(2025, 3, 15), date(2025, 3, 15), False),  # the deadline day still counts
        (date(2025, 3, 15), date(2025, 3, 16), True),
        (date(2025, 12, 31), date(2026, 1, 1), True),
    ],
)
def test_past_deadline(deadline, today, past):
    assert rules.is_past_deadline(deadline=deadline, today=today) is past


@pytest.mark.parametrize(
    ("today", "effective"),
    [
        (date(2026, 3, 16), date(2026, 6, 1)),
        (date(2025, 11, 30), date(2026, 2, 1)),
        (date(2026, 1, 1), date(2026, 4, 1)),
    ],
)
def test_a_raised_termination_takes_effect_three_months_ahead_on_a_first(today, effective):
    assert rules.termination_effective_on(today) == effective


def test_a_year_is_closed_only_after_it_has_ended():
    rules.check_year_ended(year=2024, today=date(2025, 1, 1))
    with pytest.raises(ValidationError) as refused:
        rules.check_year_ended(year=2024, today=date(2024, 12, 31))
    assert refused.value.messages == [
        said("The year %(year)s has not ended yet; it can be closed from %(day)s.", year=2024, day="2025-01-01")
    ]


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("draft", "decided", True),
        ("decided", "reopened", True),
        ("decided", "draft", False),
        ("reopened", "decided", False),
    ],
)
def test_closing_transitions(current, target, allowed):
    assert (target in rules.CLOSING_TRANSITIONS[current]) is allowed
