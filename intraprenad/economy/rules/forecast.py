"""The monthly follow-up as plain calculations: deviations, the full-year forecast and when to warn.

No queries; amounts are int öre in result sign (revenue +, costs −; the net result is the sum, a
surplus is positive). The arithmetic is exact (integers, cross-multiplied; no floats); results are
rounded half away from zero to whole öre.

The forecast after month m (1–12) is made PER LINE and the net result is the sum of the lines, so
the line table and the net figure always agree and each line can follow its own seasonal pattern
(holiday pay in summer, state grants in lumps). Three methods:

- run rate (`run_rate`): the year so far at the same pace, ytd × 12 / m.
- seasonal profile (`seasonal`): ytd / s, where s is the share of the full year the line had
  normally reached by month m in the unit's earlier years: Σ reached_by_m / Σ full_year over the
  latest `HISTORY_YEARS` complete earlier years (pooled, so a big year weighs more than a small
  one). Only years with actuals in all twelve months count. A share is degenerate when the earlier
  years sum to zero or s lies outside a third to three times the straight-line share m/12 (the
  profile would then make the line more than three times, or less than a third of, its run rate:
  lumpy one-off items, not a pattern). A degenerate line is forecast by run rate; a line with no
  amounts at all, this year or earlier, is zero. The unit falls back to the run rate, with the
  reason, when it has no complete earlier year or every line with amounts is degenerate.
- manual: a full-year net result entered by the unit head (or economist) with a comment.

Which is shown: manual if one was entered for that month, else seasonal if available, else run
rate; the method is always shown beside the figure.

The band (low–high) for the chart is the spread of the reasonable forecasts: the shown figure, the
run rate, the pooled seasonal forecast and the seasonal forecast with each earlier year's profile on
its own. Without an earlier year it is the spread between the run rate and the rest of the year
continuing like the worst and the best month so far.

Deviation = actual − budget (positive: better than budget); deviation % is relative to |budget|.
The early warning fires when the forecast net result falls short of the budgeted net result by
more than `forecast_warning_share` % of the year's budgeted costs (the guidelines' parameter).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

from intraprenad.economy.lines import COST_LINES, LINE_ORDER

RUN_RATE = "run_rate"
SEASONAL = "seasonal"
MANUAL = "manual"
METHODS = (RUN_RATE, SEASONAL, MANUAL)
METHOD_LABELS = {
    RUN_RATE: _("run rate of the year so far"),
    SEASONAL: _("seasonal profile of earlier years"),
    MANUAL: _("entered by the unit"),
}

METHOD_SHORT_LABELS = {
    RUN_RATE: _("run rate"),
    SEASONAL: _("seasonal profile"),
    MANUAL: _("the unit's own"),
}

NO_HISTORY = "no_history"
DEGENERATE = "degenerate"
FALLBACK_LABELS = {
    NO_HISTORY: _("no complete earlier year of actuals to take a seasonal profile from"),
    DEGENERATE: _("the earlier years' profiles are too uneven to use"),
}

HISTORY_YEARS = 3  # the seasonal profile uses at most this many of the latest complete earlier years
SHARE_FACTOR = 3  # a usable share lies within m/12 ÷ 3 and m/12 × 3

Profile = tuple[int, int]  # (reached by month m, full year) of one line in one earlier year


def divide(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves away from zero (integers only)."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    magnitude = (2 * abs(numerator) + denominator) // (2 * denominator)
    return magnitude if numerator >= 0 else -magnitude


def round_half_away(value: Fraction) -> int:
    """`value` rounded to the nearest integer, halves away from zero."""
    return divide(value.numerator, value.denominator)


def check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, not {month}")


# --- month by month ------------------------------------------------------------------------------


def cumulative(amounts: Iterable[int]) -> list[int]:
    """Running totals: [a, a+b, a+b+c, …]."""
    total, out = 0, []
    for amount in amounts:
        total += amount
        out.append(total)
    return out


def deviation_percent(actual_ore: int, budget_ore: int) -> Decimal | None:
    """(actual − budget) as a percentage of |budget|, one decimal; None when the budget is zero."""
    if budget_ore == 0:
        return None
    value = Decimal(actual_ore - budget_ore) * 100 / abs(Decimal(budget_ore))
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# A net result budgeted closer to zero than this (100 000 kr) gives no meaningful percentage: a balanced budget
# spread month by month leaves nets of a few kronor, and "30 064 201 %" helps nobody.
MATERIAL_NET_ORE = 10_000_000


def net_deviation_percent(actual_ore: int, budget_ore: int) -> Decimal | None:
    """The deviation of a net result as a percentage, or None when its budget is near zero (see MATERIAL_NET_ORE)."""
    if abs(budget_ore) < MATERIAL_NET_ORE:
        return None
    return deviation_percent(actual_ore, budget_ore)


def is_complete_year(months: Iterable[int]) -> bool:
    """A year counts for the seasonal profile only with actuals in all twelve months."""
    return set(range(1, 13)) <= set(months)


def is_finished_year(latest_month: int) -> bool:
    """A year whose December is in the ledger is over: its outcome is final, so it is neither forecast nor warned
    of (its result goes to the year-end closing). `latest_month`: the latest month of the year with actuals."""
    return latest_month >= 12


def profile(amounts_by_month: Mapping[int, int], month: int) -> Profile:
    """(reached by `month`, full year) of one line's monthly amounts."""
    check_month(month)
    reached = sum(amount for m, amount in amounts_by_month.items() if m <= month)
    return reached, sum(amounts_by_month.values())


# --- the methods ---------------------------------------------------------------------------------


def run_rate(ytd_ore: int, month: int) -> int:
    """The full year at the pace of the year so far: ytd × 12 / month."""
    check_month(month)
    return divide(ytd_ore * 12, month)


def _pooled(profiles: Iterable[Profile]) -> tuple[int, int]:
    reached = total = 0
    for line_reached, line_total in profiles:
        reached += line_reached
        total += line_total
    return reached, total


def _usable(reached: int, total: int, month: int) -> bool:
    """reached / total within (m/12) ÷ 3 and (m/12) × 3, i.e. m/36 ≤ reached/total ≤ m/4, cross-multiplied."""
    if total == 0:
        return False
    if total < 0:
        reached, total = -reached, -total
    factor = 12 * SHARE_FACTOR
    return factor * reached >= month * total and 12 * reached <= SHARE_FACTOR * month * total


def reached_share(profiles: Iterable[Profile]) -> Fraction | None:
    """The pooled share of the year reached by month m (Σ reached / Σ full year), None if the years sum to 0."""
    reached, total = _pooled(profiles)
    return None if total == 0 else Fraction(reached, total)


def is_usable_share(share: Fraction | None, month: int) -> bool:
    """Whether a seasonal share can be trusted: within a third to three times the straight-line m/12."""
    return share is not None and _usable(share.numerator, share.denominator, month)


def seasonal(ytd_ore: int, month: int, profiles: Iterable[Profile]) -> int | None:
    """The full year by the earlier years' seasonal profile (ytd / share), None when the share is degenerate."""
    check_month(month)
    reached, total = _pooled(profiles)
    if not _usable(reached, total, month):
        return None
    return divide(ytd_ore * total, reached)


# --- a unit's forecast ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    """A unit's full-year forecast after `month`: the figure shown, by which method, and the others."""

    month: int
    method: str
    result_ore: int
    run_rate_ore: int
    seasonal_ore: int | None
    lines: dict[str, int] = field(default_factory=dict)  # by line: seasonal where usable, else run rate
    fallback: str = ""  # why the seasonal profile is not used (NO_HISTORY | DEGENERATE), else ""
    run_rate_lines: tuple[str, ...] = ()  # lines forecast by run rate inside a seasonal forecast
    history_years: tuple[int, ...] = ()  # the earlier years whose profile was used

    @property
    def method_label(self) -> str:
        return str(METHOD_LABELS[self.method])

    @property
    def method_short_label(self) -> str:
        return str(METHOD_SHORT_LABELS[self.method])

    @property
    def fallback_label(self) -> str:
        return str(FALLBACK_LABELS[self.fallback]) if self.fallback else ""


_POSITION = {line: i for i, line in enumerate(LINE_ORDER)}


def _ordered(lines: Iterable[str]) -> list[str]:
    return sorted(set(lines), key=lambda line: (_POSITION.get(line, len(_POSITION)), line))


def used_years(history: Mapping[int, Mapping[str, Profile]]) -> list[int]:
    """The earlier years the seasonal profile uses: the latest `HISTORY_YEARS` of those given."""
    return sorted(history)[-HISTORY_YEARS:]


def _seasonal_lines(
    month: int, ytd_by_line: Mapping[str, int], history: Mapping[int, Mapping[str, Profile]], years: Sequence[int]
) -> tuple[dict[str, int], list[str], bool]:
    """Per line: the seasonal forecast over `years` (run rate where degenerate); the run-rate lines; any seasonal.

    The same as `seasonal` and `run_rate` line by line, written out because the overview runs it for every unit.
    """
    profiles = [history[y] for y in years]
    lines = _ordered([*ytd_by_line, *(line for by_line in profiles for line in by_line)])
    out: dict[str, int] = {}
    fallbacks: list[str] = []
    any_seasonal = False
    for line in lines:
        ytd = ytd_by_line.get(line, 0)
        reached = total = 0
        empty = ytd == 0
        for by_line in profiles:
            line_reached, line_total = by_line.get(line, (0, 0))
            reached += line_reached
            total += line_total
            empty = empty and line_reached == 0 and line_total == 0
        if empty:
            out[line] = 0
        elif _usable(reached, total, month):
            out[line] = divide(ytd * total, reached)
            any_seasonal = True
        else:
            out[line] = divide(ytd * 12, month)
            fallbacks.append(line)
    return out, fallbacks, any_seasonal


def forecast(
    *,
    month: int,
    ytd_by_line: Mapping[str, int],
    history: Mapping[int, Mapping[str, Profile]],
    manual_ore: int | None = None,
) -> Forecast:
    """The full-year forecast after `month`.

    `ytd_by_line`: this year's actuals through `month` per line. `history`: for each complete earlier
    year, per line, (reached by `month`, full year). `manual_ore`: a forecast entered for this month.
    """
    check_month(month)
    run_lines = {line: divide(ytd_by_line[line] * 12, month) for line in _ordered(ytd_by_line)}
    run_total = sum(run_lines.values())
    years = used_years(history)
    seasonal_total: int | None = None
    lines, fallback, run_rate_lines = run_lines, "", ()
    if not years:
        fallback = NO_HISTORY
    else:
        by_line, fallbacks, any_seasonal = _seasonal_lines(month, ytd_by_line, history, years)
        if any_seasonal:
            lines, run_rate_lines = by_line, tuple(fallbacks)
            seasonal_total = sum(by_line.values())
        else:
            fallback = DEGENERATE
    if manual_ore is not None:
        method, shown = MANUAL, manual_ore
    elif seasonal_total is not None:
        method, shown = SEASONAL, seasonal_total
    else:
        method, shown = RUN_RATE, run_total
    return Forecast(
        month=month,
        method=method,
        result_ore=shown,
        run_rate_ore=run_total,
        seasonal_ore=seasonal_total,
        lines=lines,
        fallback=fallback,
        run_rate_lines=run_rate_lines,
        history_years=tuple(years) if seasonal_total is not None else (),
    )


def band(
    shown: Forecast,
    *,
    ytd_by_line: Mapping[str, int],
    history: Mapping[int, Mapping[str, Profile]],
    monthly_net: Sequence[int],
) -> tuple[int, int]:
    """(low, high) full-year net result for the chart's band (see the module docstring).

    `monthly_net`: this year's net result month by month, January through `shown.month`.
    """
    month = shown.month
    candidates = [shown.result_ore, shown.run_rate_ore]
    if shown.seasonal_ore is not None:
        candidates.append(shown.seasonal_ore)
    years = used_years(history)
    for year in years:
        by_line, _fallbacks, any_seasonal = _seasonal_lines(month, ytd_by_line, history, [year])
        if any_seasonal:
            candidates.append(sum(by_line.values()))
    if not years and month < 12 and monthly_net:
        so_far = sum(monthly_net[:month])
        months = monthly_net[:month]
        candidates += [so_far + (12 - month) * min(months), so_far + (12 - month) * max(months)]
    return min(candidates), max(candidates)


def path(ytd_ore: int, month: int, full_year_ore: int) -> list[int]:
    """Cumulative values for months `month`..12, straight from the year so far to the full-year figure."""
    check_month(month)
    if month == 12:
        return [full_year_ore]
    return [ytd_ore + divide((full_year_ore - ytd_ore) * k, 12 - month) for k in range(0, 13 - month)]


# --- early warning -------------------------------------------------------------------------------


def annual_costs(budget_by_line: Mapping[str, int]) -> int:
    """The year's budgeted costs (purchases, personnel, other operating costs) as a positive amount."""
    return abs(sum(amount for line, amount in budget_by_line.items() if line in COST_LINES))


def warning_threshold(annual_cost_budget_ore: int, share_percent: Decimal | int | str) -> int:
    """How large a forecast deficit against the budget may be before a warning: share % of the year's costs."""
    share = Fraction(str(share_percent))
    if share < 0:
        raise ValueError("the share must not be negative")
    return round_half_away(Fraction(abs(annual_cost_budget_ore)) * share / 100)


def needs_warning(forecast_deviation_ore: int, threshold: int) -> bool:
    """Whether the forecast net result minus the budgeted net result is a deficit larger than `threshold`."""
    return forecast_deviation_ore < 0 and -forecast_deviation_ore > threshold
