"""Year-end closing rules: the result against budget, how a surplus or deficit is split, the result fund and
the action-plan deadline. Pure: integer öre and Decimal percentages in and out, no queries, `today` passed in.

Sign convention (result sign): a surplus is positive, a deficit negative. Every split satisfies
`unit_share_ore + board_share_ore == result_ore` exactly: the unit's share is rounded to the öre (half away
from zero) and the board takes the remainder, so no öre is created or lost.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from intraprenad.economy.rules.money import format_kronor

HUNDRED = Decimal(100)

# The transitions of a closing: a draft is decided once; a decided closing can only be reopened by a new decision.
CLOSING_TRANSITIONS: dict[str, set[str]] = {
    "draft": {"decided"},
    "decided": {"reopened"},
    "reopened": set(),
}

# Fund movement kinds (FundMovement.Kind values).
ALLOCATION = "allocation"
DEFICIT = "deficit"
USE = "use"
REVERSAL = "reversal"
MOVEMENT_KINDS = (ALLOCATION, DEFICIT, USE, REVERSAL)


def share_of(amount_ore: int, percent: Decimal) -> int:
    """`percent` % of `amount_ore`, rounded to the öre, half away from zero (ROUND_HALF_UP on Decimal)."""
    return int((Decimal(amount_ore) * Decimal(percent) / HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def sek_to_ore(amount: Decimal | None) -> int | None:
    """An amount in SEK (a guideline parameter) as öre, half away from zero; None stays None."""
    if amount is None:
        return None
    return int((Decimal(amount) * HUNDRED).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def result_against_budget(*, actual_result_ore: int, budget_result_ore: int) -> int:
    """Actual net result minus budgeted net result: a surplus against budget is positive."""
    return actual_result_ore - budget_result_ore


def fund_cap(*, cap_amount_ore: int | None, cap_share_of_turnover: Decimal | None, turnover_ore: int) -> int | None:
    """The largest result fund the guidelines allow: the lower of the caps that are set; None if none is."""
    caps = []
    if cap_amount_ore is not None:
        caps.append(cap_amount_ore)
    if cap_share_of_turnover is not None:
        caps.append(share_of(max(turnover_ore, 0), cap_share_of_turnover))
    return max(min(caps), 0) if caps else None


@dataclass(frozen=True)
class Split:
    """How a year's result against budget is divided between the unit (its result fund) and the board.

    `unit_share_ore` is what moves into (+) or out of (−) the result fund; `board_share_ore` the rest, which
    includes `capped_ore`, the part of the unit's surplus share that would have taken the fund above its cap.
    """

    result_ore: int
    unit_share_ore: int
    board_share_ore: int
    capped_ore: int
    cap_ore: int | None
    fund_before_ore: int

    @property
    def fund_movement_ore(self) -> int:
        return self.unit_share_ore

    @property
    def fund_after_ore(self) -> int:
        return self.fund_before_ore + self.unit_share_ore

    @property
    def is_deficit(self) -> bool:
        return self.result_ore < 0


def split_result(
    *,
    result_ore: int,
    turnover_ore: int,
    fund_before_ore: int,
    surplus_share_unit: Decimal,
    deficit_share_unit: Decimal,
    fund_cap_share_of_turnover: Decimal | None = None,
    fund_cap_amount_ore: int | None = None,
) -> Split:
    """Split a result against budget.

    Surplus: the unit keeps `surplus_share_unit` % (to the öre), but only as much as keeps the fund at or below
    its cap (nothing if the fund is already above it); the rest, and the excess over the cap, goes to the board.
    Deficit: the unit bears `deficit_share_unit` %, charged to the result fund (which may go negative: a debt
    the unit must restore); the board bears the rest.
    """
    for percent in (surplus_share_unit, deficit_share_unit):
        if not Decimal(0) <= Decimal(percent) <= HUNDRED:
            raise ValueError("A share must lie between 0 and 100 %.")
    cap = fund_cap(
        cap_amount_ore=fund_cap_amount_ore, cap_share_of_turnover=fund_cap_share_of_turnover, turnover_ore=turnover_ore
    )
    capped = 0
    if result_ore > 0:
        share = share_of(result_ore, surplus_share_unit)
        unit = share
        if cap is not None:
            unit = min(share, max(0, cap - fund_before_ore))
        capped = share - unit
    elif result_ore < 0:
        unit = share_of(result_ore, deficit_share_unit)
    else:
        unit = 0
    return Split(
        result_ore=result_ore,
        unit_share_ore=unit,
        board_share_ore=result_ore - unit,
        capped_ore=capped,
        cap_ore=cap,
        fund_before_ore=fund_before_ore,
    )


# The result fund -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundYear:
    """One year of a result fund: opening balance, the year's movements by kind, closing balance."""

    year: int
    opening_ore: int
    allocation_ore: int
    deficit_ore: int
    uses_ore: int
    reversals_ore: int

    @property
    def movements_ore(self) -> int:
        return self.allocation_ore + self.deficit_ore + self.uses_ore + self.reversals_ore

    @property
    def closing_ore(self) -> int:
        return self.opening_ore + self.movements_ore


def fund_years(movements: Iterable[tuple[int, str, int]], *, until: int | None = None) -> list[FundYear]:
    """The fund year by year from (year, kind, amount öre) movements, from the first year with a movement to the
    last (or `until`); each year opens with the previous year's closing balance and the first opens at zero."""
    by_year: dict[int, dict[str, int]] = {}
    for year, kind, amount in movements:
        if kind not in MOVEMENT_KINDS:
            raise ValueError(f"Unknown fund movement kind {kind!r}")
        totals = by_year.setdefault(year, dict.fromkeys(MOVEMENT_KINDS, 0))
        totals[kind] += amount
    if not by_year:
        return []
    last = max([*by_year, until or 0])
    years: list[FundYear] = []
    opening = 0
    for year in range(min(by_year), last + 1):
        totals = by_year.get(year, dict.fromkeys(MOVEMENT_KINDS, 0))
        entry = FundYear(
            year=year,
            opening_ore=opening,
            allocation_ore=totals[ALLOCATION],
            deficit_ore=totals[DEFICIT],
            uses_ore=totals[USE],
            reversals_ore=totals[REVERSAL],
        )
        years.append(entry)
        opening = entry.closing_ore
    return years


def balance_before(movements: Iterable[tuple[int, str, int]], year: int) -> int:
    """The fund's balance when year `year` opens: every movement of earlier years."""
    return sum(amount for y, _kind, amount in movements if y < year)


def reversal_of(amount_ore: int) -> int:
    """The reversing movement of a reopened closing: the fund returns to where it was without it."""
    return -amount_ore


def check_fund_use(
    *, purpose: str, permitted: Sequence[str], amount_ore: int, balance_ore: int, description: str
) -> None:
    """A use of the fund must be for a purpose the guidelines permit and within the available balance."""
    problems = []
    if purpose not in permitted:
        problems.append(
            _("The guidelines do not permit using the result fund for “%(purpose)s”.") % {"purpose": purpose}
            if purpose
            else _("Choose what the fund is used for.")
        )
    if amount_ore <= 0:
        problems.append(_("The amount must be more than zero."))
    elif amount_ore > balance_ore:
        problems.append(
            _("The result fund has %(balance)s available; %(amount)s cannot be used.")
            % {"balance": format_kronor(balance_ore, decimals=True), "amount": format_kronor(amount_ore, decimals=True)}
        )
    if not description.strip():
        problems.append(_("Describe what the money is used for."))
    if problems:
        raise ValidationError(problems)


# Action plans ---------------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the last day of a shorter month (2024-08-31 + 6 = 2025-02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def action_plan_deadline(*, decided_on: date, months: int) -> date:
    """The day by which balance must be restored: `months` (the guidelines' action_plan_deadline_months) after
    the board decided the closing that showed the deficit. Counted from the decision, not the year end, because
    the plan only exists from the decision and the unit should always get the full time the guidelines give."""
    if months < 1:
        raise ValueError("An action plan deadline is at least one month.")
    return add_months(decided_on, months)


def is_balance_restored(*, deficit_ore: int, later_results_ore: Sequence[int], fund_balance_ore: int) -> bool:
    """Whether a deficit's balance is restored, judged on the closings decided after it (oldest first).

    Restored when later surpluses against budget together cover the deficit (`deficit_ore`, positive), or when
    after the later closings the result fund is back at zero or above and the latest year was not a deficit.
    Nothing is restored before a later closing has been decided.
    """
    if not later_results_ore:
        return False
    if sum(later_results_ore) >= deficit_ore:
        return True
    return fund_balance_ore >= 0 and later_results_ore[-1] >= 0


def is_past_deadline(*, deadline: date, today: date) -> bool:
    """The deadline day itself still counts: a plan is overdue from the day after."""
    return today > deadline


def termination_effective_on(today: date) -> date:
    """When an ending raised after a failed action plan would take effect if the board decides it: the first day
    of the month three months after this month (time for the memo, the board's decision and the handover)."""
    return add_months(today.replace(day=1), 3)


def check_year_ended(*, year: int, today: date) -> None:
    if date(year, 12, 31) >= today:
        raise ValidationError(
            _("The year %(year)s has not ended yet; it can be closed from %(day)s.")
            % {
                "year": year,
                "day": date(year + 1, 1, 1).isoformat(),
            }
        )
