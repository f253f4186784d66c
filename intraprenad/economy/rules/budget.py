"""Budget rules as plain functions: indexation, spreading a year over months, one-time items, validation.

No queries. Money is integer öre in result sign (revenue +, costs −); index rates are Decimal per cent.

Rounding (docs/workflows/budget.md): indexation adds the *increase* rounded to whole kronor, half away from
zero, so a rate of 0 % changes nothing and an amount and its negation index to negations of each other.
Spreading hands out whole kronor by the largest remainder and puts any öre below a krona in the last month
that gets a share, so the months always sum exactly to the year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from intraprenad.economy.lines import COST_LINES, LINE_ORDER, Line
from intraprenad.economy.models.budget import Budget

MONTHS = tuple(range(1, 13))
KRONA = 100  # öre
FIRST_YEAR, LAST_YEAR = 2000, 2100
RATE_LIMIT = Decimal("50")  # an index rate beyond ±50 % is a typing error, not a price change

S = Budget.Status
BUDGET_TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.APPROVED},
    S.APPROVED: {S.SUPERSEDED},
    S.SUPERSEDED: set(),
}


@dataclass(frozen=True)
class Rates:
    """An index year's rates in per cent: personnel costs, other operating costs, revenue and frame."""

    personnel: Decimal
    other: Decimal
    revenue: Decimal = Decimal("0")

    @classmethod
    def of(cls, index) -> Rates:
        """The rates of anything with a BudgetIndex's `*_percent` attributes."""
        return cls(Decimal(index.personnel_percent), Decimal(index.other_percent), Decimal(index.revenue_percent))

    def for_line(self, line: str) -> Decimal | None:
        """The rate that applies to `line`; None for financial items, which are not indexed."""
        if line not in Line.values:
            raise ValueError(f"Unknown line {line!r}")
        return {
            Line.PERSONNEL: self.personnel,
            Line.PURCHASES: self.other,
            Line.OTHER: self.other,
            Line.REVENUE: self.revenue,
        }.get(line)


@dataclass(frozen=True)
class Item:
    """A one-time item: an amount on one line in one month, not carried into next year's base."""

    line: str
    description: str
    amount_ore: int
    month: int = 1

    @classmethod
    def of(cls, item: Mapping | Item) -> Item:
        if isinstance(item, Item):
            return item
        return cls(
            line=item["line"],
            description=str(item.get("description", "")).strip(),
            amount_ore=int(item["amount_ore"]),
            month=int(item.get("month") or 1),
        )


# --- indexation ---------------------------------------------------------------------------------


def round_half_away(value: Decimal, step: int = 1) -> int:
    """`value` rounded to a multiple of `step`, halves away from zero (2.5 → 3, −2.5 → −3)."""
    return int((Decimal(value) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * step


def index_amount(amount: int, percent: Decimal) -> int:
    """`amount` raised by `percent`; the increase is rounded to whole kronor, half away from zero."""
    return amount + round_half_away(Decimal(amount) * Decimal(percent) / 100, KRONA)


def index_annual(previous: Mapping[str, int], rates: Rates) -> dict[str, int]:
    """Next year's annual amount per line: personnel by the personnel rate, purchases and other costs by the
    rate for other operating costs, revenue by the revenue rate; financial items unchanged."""
    result = {}
    for line, amount in previous.items():
        rate = rates.for_line(line)
        result[line] = amount if rate is None else index_amount(amount, rate)
    return result


def change_percent(previous: int, current: int) -> Decimal | None:
    """How much a line grew from `previous` to `current`, in per cent with one decimal, comparable to the index
    rate: a cost going from −100 to −103 grew by 3.0 %. None when `previous` is zero or the sign changed."""
    if previous == 0 or (current != 0 and (current > 0) != (previous > 0)):
        return None
    return (Decimal(current - previous) * 100 / previous).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- months -------------------------------------------------------------------------------------


def spread_over_months(annual: int, profile: Sequence[int] | None = None, *, step: int = KRONA) -> list[int]:
    """`annual` split over the twelve months, summing exactly to `annual`.

    Evenly by default; with a `profile` (twelve amounts, e.g. last year's actual months of the line) in
    proportion to it. Months whose profile has the opposite sign of `annual` get nothing; a profile with
    nothing usable (all zero, or all of the opposite sign) falls back to even. Whole multiples of `step`
    (a krona) are handed out by the largest remainder, earlier months first on ties; the öre below a
    krona go to the last month that gets a share.
    """
    if profile is not None and len(profile) != 12:
        raise ValueError("A seasonal profile has twelve months.")
    sign = -1 if annual < 0 else 1
    weights = [max(0, int(amount) * sign) for amount in profile] if profile is not None else [1] * 12
    if sum(weights) == 0:
        weights = [1] * 12
    total = sum(weights)
    units, rest = divmod(abs(annual), step)
    shares = [units * weight for weight in weights]
    counts = [share // total for share in shares]
    by_remainder = sorted(range(12), key=lambda m: (-(shares[m] % total), m))
    for m in by_remainder[: units - sum(counts)]:
        counts[m] += 1
    months = [count * step for count in counts]
    months[max(m for m in range(12) if weights[m])] += rest
    return [sign * amount for amount in months]


def monthly_amounts(
    annual: Mapping[str, int | Sequence[int]],
    items: Iterable[Mapping | Item] = (),
    profiles: Mapping[str, Sequence[int]] | None = None,
) -> dict[str, list[int]]:
    """Twelve monthly amounts for every line: each annual amount spread (by its line's profile, if any)
    or taken as given when it is already twelve months, plus the one-time items, each in its month."""
    profiles = profiles or {}
    result: dict[str, list[int]] = {}
    for line in LINE_ORDER:
        amount = annual.get(line, 0)
        if isinstance(amount, int):
            result[line] = spread_over_months(amount, profiles.get(line))
        else:
            result[line] = [int(a) for a in amount]
    for item in map(Item.of, items):
        result[item.line][item.month - 1] += item.amount_ore
    return result


def base_months(months: Mapping[str, Sequence[int]], items: Iterable[Mapping | Item]) -> dict[str, list[int]]:
    """The monthly amounts without the one-time items (what the next year is built on)."""
    base = {line: [int(a) for a in months.get(line, [0] * 12)] for line in LINE_ORDER}
    for item in map(Item.of, items):
        base[item.line][item.month - 1] -= item.amount_ore
    return base


def annual_of(months: Mapping[str, Sequence[int]]) -> dict[str, int]:
    return {line: sum(amounts) for line, amounts in months.items()}


# --- validation ---------------------------------------------------------------------------------


def line_label(line: str) -> str:
    return str(Line(line).label)


def sign_error(line: str, amount: int) -> str | None:
    """Revenue is entered as a positive amount and costs as negative ones (result sign); financial either."""
    if line == Line.REVENUE and amount < 0:
        return _("%(line)s: revenue is entered as a positive amount.") % {"line": line_label(line)}
    if line in COST_LINES and amount > 0:
        return _("%(line)s: a cost is entered as a negative amount.") % {"line": line_label(line)}
    return None


def budget_errors(annual: Mapping[str, int | Sequence[int]], items: Iterable[Mapping | Item] = ()) -> list[str]:
    """Everything wrong with a budget's annual amounts (or twelve monthly amounts) per line and its
    one-time items, as messages naming the line or item; empty when the budget is sound."""
    errors = []
    known = ", ".join(LINE_ORDER)
    for line, amount in annual.items():
        if line not in Line.values:
            errors.append(_("Unknown line “%(line)s”. Use one of: %(lines)s.") % {"line": line, "lines": known})
            continue
        if not isinstance(amount, int):
            if len(amount) != 12:
                errors.append(_("%(line)s: give twelve monthly amounts.") % {"line": line_label(line)})
                continue
            amount = sum(amount)
        if problem := sign_error(line, amount):
            errors.append(problem)
    for raw in items:
        item = Item.of(raw)
        name = item.description or _("(without a description)")
        if not item.description:
            errors.append(_("A one-time item needs a description."))
        if item.line not in Line.values:
            errors.append(
                _("One-time item “%(item)s”: unknown line “%(line)s”. Use one of: %(lines)s.")
                % {"item": name, "line": item.line, "lines": known}
            )
            continue
        if item.month not in MONTHS:
            errors.append(_("One-time item “%(item)s”: the month must be 1–12.") % {"item": name})
        if item.amount_ore == 0:
            errors.append(_("One-time item “%(item)s”: the amount cannot be zero.") % {"item": name})
        elif problem := sign_error(item.line, item.amount_ore):
            errors.append(_("One-time item “%(item)s”: %(problem)s") % {"item": name, "problem": problem})
    return errors


def check_budget(annual: Mapping[str, int | Sequence[int]], items: Iterable[Mapping | Item] = ()) -> None:
    if errors := budget_errors(annual, list(items)):
        raise ValidationError(errors)


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("The budget year must be between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )


def rate_errors(rates: Rates) -> list[str]:
    labels = {
        "personnel": _("Personnel costs"),
        "other": _("Other operating costs"),
        "revenue": _("Revenue and frame"),
    }
    return [
        _("%(rate)s: an index rate must be between −%(limit)s and %(limit)s per cent.")
        % {"rate": label, "limit": RATE_LIMIT}
        for name, label in labels.items()
        if abs(getattr(rates, name)) > RATE_LIMIT
    ]


def check_editable(status: str) -> None:
    """Only a draft changes. An approved budget never does: a change is a new version."""
    if status == S.APPROVED:
        raise ValidationError(_("An approved budget cannot be changed; create a new version."))
    if status == S.SUPERSEDED:
        raise ValidationError(_("A superseded budget cannot be changed; it is kept as history."))


def check_transition(current: str, target: str) -> None:
    if target not in BUDGET_TRANSITIONS.get(current, set()):
        labels = dict(S.choices)
        raise ValidationError(
            _("This step is not possible now: it cannot go from “%(current)s” to “%(target)s”.")
            % {"current": labels.get(current, current), "target": labels.get(target, target)}
        )


# --- the start-up frame increase ----------------------------------------------------------------


def first_budget_year(agreement_starts: Iterable[date], started_on: date) -> int:
    """The intraprenad's first year of operation: when its first agreement starts, or, before there is one,
    the year after it was started (a unit is made ready to start at the turn of the year, seed 002)."""
    starts = list(agreement_starts)
    return min(starts).year if starts else started_on.year + 1
