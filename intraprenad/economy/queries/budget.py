"""Budget data for pages, reports and the other parts: the approved version per unit and year, the
multi-year view, a budget's lines × months table, versions, and what a new draft could start from."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from intraprenad.accounts import audit
from intraprenad.accounts.models import AuditEvent
from intraprenad.economy.lines import LINE_ORDER, Line
from intraprenad.economy.models import (
    Budget,
    BudgetAmount,
    BudgetIndex,
    LedgerObject,
    LedgerSettings,
    MonthlyActual,
    ResultUnit,
)
from intraprenad.economy.rules import budget as rules

S = Budget.Status


def kronor(ore: int | None) -> Decimal | None:
    """öre as kronor, for forms and the audit log (templates show öre with the `kr` filter)."""
    return None if ore is None else Decimal(ore) / 100


# --- for the other parts ------------------------------------------------------------------------


def approved_budget(result_unit_id: int, year: int) -> Budget | None:
    """The approved (current) version of the unit's budget for the year, if any."""
    return Budget.objects.filter(result_unit_id=result_unit_id, year=year, status=S.APPROVED).first()


def approved_amounts(unit_ids: Iterable[int] | None, year: int) -> dict[int, dict[int, dict[str, int]]]:
    """result unit id -> month (1..12) -> line -> öre (result sign), from each unit's approved version for the
    year, one-time items included. Every unit with an approved budget has all twelve months (a month may be an
    empty dict); a unit without one is absent. `None` means all units."""
    budgets = Budget.objects.filter(year=year, status=S.APPROVED)
    if unit_ids is not None:
        budgets = budgets.filter(result_unit_id__in=list(unit_ids))
    result: dict[int, dict[int, dict[str, int]]] = {
        unit_id: {month: {} for month in rules.MONTHS} for unit_id in budgets.values_list("result_unit_id", flat=True)
    }
    rows = (
        BudgetAmount.objects.filter(budget__in=budgets)
        .values_list("budget__result_unit_id", "month", "line", "amount_ore")
        .order_by()
    )
    for unit_id, month, line, amount in rows:
        result[unit_id][month][line] = amount
    return result


def budget_years(result_unit_id: int) -> list[int]:
    """The years for which the unit has any budget version, ascending."""
    return sorted(set(Budget.objects.filter(result_unit_id=result_unit_id).values_list("year", flat=True)))


def versions(result_unit_id: int, year: int | None = None):
    """The unit's budget versions, newest year and version first."""
    budgets = Budget.objects.filter(result_unit_id=result_unit_id).select_related("created_by", "approved_by")
    if year is not None:
        budgets = budgets.filter(year=year)
    return budgets.order_by("-year", "-version")


def open_draft(result_unit_id: int, year: int) -> Budget | None:
    return Budget.objects.filter(result_unit_id=result_unit_id, year=year, status=S.DRAFT).first()


# --- one budget ---------------------------------------------------------------------------------


def budget_months(budget: Budget) -> dict[str, list[int]]:
    """line -> twelve monthly amounts (öre), one-time items included, for every line."""
    months = {line: [0] * 12 for line in LINE_ORDER}
    for line, month, amount in budget.amounts.values_list("line", "month", "amount_ore"):
        months[line][month - 1] = amount
    return months


def budget_items(budget: Budget) -> list[dict]:
    return [
        {"line": line, "description": description, "amount_ore": amount, "month": month}
        for line, description, amount, month in budget.items.order_by("month", "id").values_list(
            "line", "description", "amount_ore", "month"
        )
    ]


@dataclass
class TableRow:
    line: str
    label: str
    months_ore: list[int]
    total_ore: int
    base_total_ore: int


@dataclass
class BudgetTable:
    """A budget as lines × months, with totals per line and per month and the net result."""

    rows: list[TableRow]
    month_totals_ore: list[int]
    total_ore: int
    items: list[dict] = field(default_factory=list)  # each with its line's label and `amount_ore`


def budget_table(budget: Budget) -> BudgetTable:
    months = budget_months(budget)
    items = budget_items(budget)
    base = rules.base_months(months, items)
    rows = [
        TableRow(
            line=line,
            label=rules.line_label(line),
            months_ore=list(months[line]),
            total_ore=sum(months[line]),
            base_total_ore=sum(base[line]),
        )
        for line in LINE_ORDER
    ]
    month_totals = [sum(months[line][m] for line in LINE_ORDER) for m in range(12)]
    return BudgetTable(
        rows=rows,
        month_totals_ore=month_totals,
        total_ore=sum(month_totals),
        items=[{**item, "label": rules.line_label(item["line"])} for item in items],
    )


# --- a budget's change log ---------------------------------------------------------------------


@dataclass(frozen=True)
class AmountChange:
    """A line's yearly amount as a budget event recorded it (in kronor), in öre: `before_ore` → `after_ore` for a
    change, only `after_ore` for an amount as set."""

    label: str
    before_ore: int | None
    after_ore: int


@dataclass(frozen=True)
class ChangeRow:
    label: str
    value: str  # the recorded value in words
    amounts: list[AmountChange] | None  # the yearly amounts per line, shown with the `kr` filter instead of `value`


@dataclass(frozen=True)
class LogEntry:
    event: AuditEvent
    rows: list[ChangeRow]


def _recorded_ore(kronor) -> int:
    return int((Decimal(str(kronor)) * 100).to_integral_value(rounding=ROUND_HALF_UP))


def _amount_changes(annual: dict) -> list[AmountChange]:
    changes = []
    for line, value in annual.items():
        before, after = value if isinstance(value, list) else (None, value)
        changes.append(
            AmountChange(
                rules.line_label(line), None if before is None else _recorded_ore(before), _recorded_ore(after)
            )
        )
    return changes


def change_log(budget: Budget) -> list[LogEntry]:
    """The budget's audit rows, oldest first, their changes in words; the yearly amounts ("annual", recorded in
    kronor per line code) as öre per line label, for the page to show like its other amounts."""
    entries = []
    for event in audit.history(budget):
        rows = [ChangeRow(label, value, None) for label, value in event.change_rows]
        annual = event.changes.get("annual") if isinstance(event.changes, dict) else None
        if isinstance(annual, dict):
            at = list(event.changes).index("annual")  # change_rows has one row per key, in the order recorded
            rows[at] = replace(rows[at], amounts=_amount_changes(annual))
        entries.append(LogEntry(event, rows))
    return entries


# --- the multi-year view ------------------------------------------------------------------------


@dataclass
class YearCell:
    amount_ore: int | None  # None: no approved budget for the year
    change_percent: Decimal | None  # growth against the year before (see rules.change_percent)
    change_ore: int | None  # the change against the year before


@dataclass
class YearColumn:
    """A year of the multi-year view: its approved version (if any) and the index rates of the year, as that
    version was indexed with or, failing that, as the index table has them now."""

    year: int
    budget: Budget | None
    rates: rules.Rates | None
    source: str


@dataclass
class MultiYear:
    """Rows are lines (and the net result), columns are years: each year's approved version, the index of the
    year, and the change against the year before."""

    columns: list[YearColumn]
    rows: list[tuple[str, list[YearCell]]]
    net: list[YearCell]


def _column(year: int, budget: Budget | None, index: BudgetIndex | None) -> YearColumn:
    if budget is not None and budget.index_personnel_percent is not None:
        rates = rules.Rates(
            budget.index_personnel_percent, budget.index_other_percent, budget.index_revenue_percent or Decimal(0)
        )
        return YearColumn(year, budget, rates, budget.index_source)
    if index is not None:
        return YearColumn(year, budget, rules.Rates.of(index), index.source)
    return YearColumn(year, budget, None, "")


def multi_year(result_unit_id: int) -> MultiYear:
    years = budget_years(result_unit_id)
    approved = {
        b.year: b
        for b in Budget.objects.filter(result_unit_id=result_unit_id, status=S.APPROVED).select_related("approved_by")
    }
    indexes = {i.year: i for i in BudgetIndex.objects.filter(year__in=years)}
    sums: dict[int, dict[str, int]] = {year: {} for year in approved}
    rows = (
        BudgetAmount.objects.filter(budget__in=approved.values())
        .values_list("budget__year", "line", "amount_ore")
        .order_by()
    )
    for year, line, amount in rows:
        sums[year][line] = sums[year].get(line, 0) + amount

    def cells(value_of) -> list[YearCell]:
        result, previous = [], None
        for year in years:
            value = value_of(year) if year in approved else None
            both = previous is not None and value is not None
            result.append(
                YearCell(
                    value,
                    rules.change_percent(previous, value) if both else None,
                    value - previous if both else None,
                )
            )
            previous = value
        return result

    return MultiYear(
        columns=[_column(year, approved.get(year), indexes.get(year)) for year in years],
        rows=[(rules.line_label(line), cells(lambda y, line=line: sums[y].get(line, 0))) for line in LINE_ORDER],
        net=cells(lambda y: sum(sums[y].values())),
    )


# --- what a draft can start from ----------------------------------------------------------------


def actual_profiles(result_unit_id: int, year: int) -> dict[str, list[int]]:
    """line -> the twelve actual months of `year` (öre, result sign), from the monthly actuals."""
    profiles = {line: [0] * 12 for line in LINE_ORDER}
    rows = MonthlyActual.objects.filter(result_unit_id=result_unit_id, year=year).values_list(
        "line", "month", "amount_ore"
    )
    for line, month, amount in rows:
        profiles[line][month - 1] += amount
    return profiles


def _start_ups(result_unit: ResultUnit) -> list[tuple[object, int]]:
    """(intraprenad, its first year) for each intraprenad on the unit that brings a start-up frame increase."""
    from intraprenad.lifecycle.models import Agreement, Intraprenad

    I = Intraprenad.Status  # noqa: E741
    intraprenader = (
        Intraprenad.objects.filter(unit_id=result_unit.org_unit_id, one_time_frame_increase__gt=0)
        .exclude(status__in=[I.REJECTED, I.WITHDRAWN])
        .prefetch_related("agreements")
    )
    return [
        (
            intraprenad,
            rules.first_budget_year(
                [a.period_start for a in intraprenad.agreements.all() if a.status != Agreement.Status.CANCELLED],
                intraprenad.created_at.date(),
            ),
        )
        for intraprenad in intraprenader
    ]


def start_up_offer(result_unit: ResultUnit) -> dict | None:
    """The start-up frame increase to offer on the unit's budget page: the intraprenad, its first budget year under
    its agreement, and the amount in öre."""
    for intraprenad, year in _start_ups(result_unit):
        return {"intraprenad": intraprenad, "year": year, "amount_ore": int(intraprenad.one_time_frame_increase * 100)}
    return None


def suggested_items(result_unit: ResultUnit, year: int) -> list[dict]:
    """One-time items to offer for a new budget of `year`: the start-up frame increase of an intraprenad on the
    unit (seed 002), as revenue in January of the intraprenad's first year."""
    return [
        {
            "line": Line.REVENUE,
            "description": _("Start-up frame increase"),
            "amount_ore": int(intraprenad.one_time_frame_increase * 100),
            "month": 1,
        }
        for intraprenad, first_year in _start_ups(result_unit)
        if first_year == year
    ]


def next_budget_year(result_unit_id: int, today: date) -> int:
    """The year a new budget is most likely for: after the unit's latest budget, else next year."""
    return max(budget_years(result_unit_id), default=today.year) + 1


def unit_resolver() -> Callable[[str], ResultUnit | None]:
    """A lookup from what a template row names to its result unit: a ledger object of the unit dimension, else
    the unit's name or short name (case-insensitive). Reads the objects and units once."""
    dimension = LedgerSettings.current().unit_dimension
    by_object = {
        obj.object_id: obj.result_unit
        for obj in LedgerObject.objects.filter(dimension=dimension).select_related("result_unit__org_unit")
    }
    by_name: dict[str, ResultUnit] = {}
    for unit in ResultUnit.objects.select_related("org_unit"):
        for name in (unit.org_unit.name, unit.org_unit.short_name):
            if name:
                by_name.setdefault(name.casefold(), unit)

    def resolve(key: str) -> ResultUnit | None:
        key = key.strip()
        return by_object.get(key) or by_name.get(key.casefold()) if key else None

    return resolve


def indexes():
    return BudgetIndex.objects.order_by("-year")
