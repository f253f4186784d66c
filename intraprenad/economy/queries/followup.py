"""The monthly follow-up assembled for pages, exports and the API: one unit's report, and the board
overview of every result unit the user may see.

The overview is built with a handful of aggregate queries whatever the number of units (units,
organisation tree, actuals, budgets, earlier years, manual forecasts, open warnings); it never
queries per unit. The unit report reads one unit's months through the ledger's and the budget's
query functions. Both compute the forecast with `rules.forecast` from the same inputs, so a unit's
figures are the same in both. Amounts are int öre in result sign.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import F, Max, Q, Sum, Value
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from intraprenad.accounts.models import OrgUnit
from intraprenad.economy.lines import LINE_ORDER, Line
from intraprenad.economy.models import (
    Budget,
    BudgetAmount,
    EarlyWarning,
    ForecastEntry,
    MonthlyActual,
    ResultUnit,
)
from intraprenad.economy.queries import budget as budget_queries
from intraprenad.economy.queries import ledger as ledger_queries
from intraprenad.economy.rules import forecast as rules
from intraprenad.policy import parameters as P

LINE_LABELS = dict(Line.choices)


def month_name(month: int) -> str:
    return str(MONTHS[month]) if 1 <= month <= 12 else ""


def line_label(line: str) -> str:
    return str(LINE_LABELS.get(line, line))


# --- reading the months -------------------------------------------------------------------------------


def _actuals(unit_ids: Iterable[int], year: int) -> dict[int, dict[int, dict[str, int]]]:
    """result unit id -> month -> line -> öre (result sign), from the ledger's monthly actuals."""
    return ledger_queries.actuals(list(unit_ids), year)


def _approved_amounts(unit_ids: Iterable[int], year: int) -> dict[int, dict[int, dict[str, int]]]:
    """result unit id -> month -> line -> öre from the approved budget (absent without one)."""
    return budget_queries.approved_amounts(list(unit_ids), year)


def history_years(year: int) -> list[int]:
    """The earlier years a seasonal profile may come from: the `HISTORY_YEARS` years before `year`."""
    return list(range(year - rules.HISTORY_YEARS, year))


# --- the organisation: boards and service types -----------------------------------------------------


def org_tree() -> dict[int, tuple[int | None, str, str]]:
    """org unit id -> (parent id, kind, name), the whole tree in one query."""
    return {
        pk: (parent, kind, name)
        for pk, parent, kind, name in OrgUnit.objects.values_list("id", "parent_id", "kind", "name")
    }


def board_of(org_unit_id: int, tree: Mapping[int, tuple[int | None, str, str]]) -> int | None:
    """The nearest board at or above the unit, or None."""
    node: int | None = org_unit_id
    while node is not None:
        parent, kind, _name = tree[node]
        if kind == OrgUnit.Kind.BOARD:
            return node
        node = parent
    return None


def warning_share(board: OrgUnit | None, on: date) -> Decimal:
    """The early-warning threshold (% of the year's budgeted costs) in the guidelines in force for `board`
    on `on` (the board's own, else the municipality's); the parameter's default without any."""
    from intraprenad.policy.queries import current_revision

    default = P.BY_NAME["forecast_warning_share"].default
    if board is None:
        return default
    try:
        revision = current_revision(board=board, on=on)
    except ValidationError:
        return default
    share = P.values(revision)["forecast_warning_share"]
    return default if share is None else share


# --- several units at once (the overview and the early warnings) -----------------------------------


@dataclass(frozen=True)
class UnitFigures:
    """One unit's year to date after `month`, its year's budget and forecast; from aggregate queries."""

    unit_id: int
    month: int
    latest_month: int  # the latest month of the year with actuals (0: none)
    actual_ytd: dict[str, int]
    budget_ytd: dict[str, int]
    budget_year: dict[str, int]
    has_budget: bool
    forecast: rules.Forecast | None  # None until there are actuals through `month`
    manual_comment: str = ""
    # the net sums of the three dicts above
    actual_ytd_ore: int = 0
    budget_ytd_ore: int = 0
    budget_year_ore: int = 0

    @property
    def forecast_deviation_ore(self) -> int | None:
        return None if self.forecast is None else self.forecast.result_ore - self.budget_year_ore


def latest_months(unit_ids: Iterable[int] | None, year: int) -> dict[int, int]:
    """result unit id -> the latest month of `year` with actuals (units without any are absent)."""
    rows = MonthlyActual.objects.filter(year=year)
    if unit_ids is not None:
        rows = rows.filter(result_unit_id__in=list(unit_ids))
    return dict(rows.values("result_unit_id").annotate(last=Max("month")).values_list("result_unit_id", "last"))


def manual_forecasts(unit_ids: Iterable[int], year: int, month: int) -> dict[int, ForecastEntry]:
    """result unit id -> the latest forecast entered for (year, month)."""
    wanted = set(unit_ids)
    latest: dict[int, ForecastEntry] = {}
    entries = _in_scope(ForecastEntry.objects.filter(year=year, month=month), "result_unit_id", _sql_ids(wanted))
    entries = entries.order_by("result_unit_id", "-entered_at", "-id")
    for entry in entries.only("id", "result_unit_id", "result_ore", "comment", "entered_at"):
        if entry.result_unit_id in wanted:
            latest.setdefault(entry.result_unit_id, entry)
    return latest


ALL_MONTHS = sum(1 << m for m in range(1, 13))  # the bitmask of a year with actuals in every month
SQL_IN_UNITS = 20  # up to this many units are always limited in SQL


def _sql_ids(wanted: set[int]) -> list[int] | None:
    """The units to limit the queries to in SQL, or None to read every unit and skip the others in Python.

    A few units are limited in SQL. For most of the units the whole year is read instead: a long `IN (…)`
    list makes SQLite look each unit up in an index, which is slower than reading the year's rows.
    """
    if len(wanted) <= SQL_IN_UNITS:
        return list(wanted)
    return list(wanted) if len(wanted) * 2 <= ResultUnit.objects.count() else None


def default_month(year: int) -> int:
    """The month the overview opens on: the latest month of `year` in the ledger (0: no actuals yet)."""
    return MonthlyActual.objects.filter(year=year).aggregate(last=Max("month"))["last"] or 0


def _in_scope(queryset, field: str, ids: list[int] | None):
    """`queryset` limited to the units `ids` (None: no limit in SQL, see `unit_figures`)."""
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def _rows(queryset) -> list[tuple]:
    """An aggregate `values_list()` query's rows as the database returns them, without the ORM's per-row
    conversion (which costs more than the query for thousands of rows). Sums may come back as Decimal
    (PostgreSQL's sum of bigint is numeric): callers `int()` them."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def unit_figures(unit_ids: Iterable[int], year: int, month: int) -> dict[int, UnitFigures]:
    """Every unit's figures after `month` (1–12), from five aggregate queries whatever the number of units."""
    rules.check_month(month)
    wanted = set(unit_ids)
    ids = _sql_ids(wanted)

    actual_ytd: dict[int, dict[str, int]] = defaultdict(dict)
    latest: dict[int, int] = {}
    actual_rows = (
        _in_scope(MonthlyActual.objects.filter(year=year), "result_unit_id", ids)
        .values("result_unit_id", "line")
        .annotate(ytd=Sum("amount_ore", filter=Q(month__lte=month)), last=Max("month"))
        .values_list("result_unit_id", "line", "ytd", "last")
        .order_by()
    )
    for unit_id, line, ytd, last in _rows(actual_rows):
        if unit_id in wanted:
            if ytd is not None:
                actual_ytd[unit_id][line] = int(ytd)
            latest[unit_id] = max(latest.get(unit_id, 0), last)

    # the approved budgets, then their amounts grouped by budget (the order of the amounts' unique index)
    approved = _in_scope(Budget.objects.filter(year=year, status=Budget.Status.APPROVED), "result_unit_id", ids)
    unit_of_budget = dict(_rows(approved.values_list("id", "result_unit_id").order_by()))
    budget_ytd: dict[int, dict[str, int]] = defaultdict(dict)
    budget_year: dict[int, dict[str, int]] = defaultdict(dict)
    budget_rows = (
        BudgetAmount.objects.filter(budget_id__in=approved.values("id"))
        .values("budget_id", "line")
        .annotate(ytd=Sum("amount_ore", filter=Q(month__lte=month)), full=Sum("amount_ore"))
        .values_list("budget_id", "line", "ytd", "full")
        .order_by()
    )
    for budget_id, line, ytd, full in _rows(budget_rows):
        unit_id = unit_of_budget.get(budget_id)
        if unit_id in wanted:
            budget_ytd[unit_id][line] = int(ytd or 0)
            budget_year[unit_id][line] = int(full or 0)
    budgeted = set(unit_of_budget.values()) & wanted

    # earlier years: per unit, year and line what was reached by `month`, the full year, and which months
    # had actuals (a bitmask: the (unit, year, month, line) rows are unique, so the sum of 1 << month is one)
    months: dict[tuple[int, int], int] = defaultdict(int)
    profiles: list[tuple[int, int, str, int, int]] = []
    history_rows = (
        _in_scope(MonthlyActual.objects.filter(year__in=history_years(year)), "result_unit_id", ids)
        .values("result_unit_id", "year", "line")
        .annotate(
            reached=Sum("amount_ore", filter=Q(month__lte=month)),
            full=Sum("amount_ore"),
            months=Sum(Value(1).bitleftshift(F("month"))),
        )
        .values_list("result_unit_id", "year", "line", "reached", "full", "months")
        .order_by()
    )
    for unit_id, y, line, reached, full, mask in _rows(history_rows):
        if unit_id in wanted:
            months[unit_id, y] |= int(mask)
            profiles.append((unit_id, y, line, int(reached or 0), int(full or 0)))
    history: dict[int, dict[int, dict[str, rules.Profile]]] = defaultdict(lambda: defaultdict(dict))
    for unit_id, y, line, reached, full in profiles:
        if months[unit_id, y] == ALL_MONTHS:
            history[unit_id][y][line] = (reached, full)

    manual = manual_forecasts(wanted, year, month)
    result = {}
    for unit_id in wanted:
        last = latest.get(unit_id, 0)
        entry = manual.get(unit_id)
        ytd_lines = actual_ytd.get(unit_id, {})
        forecast = None
        if last >= month:
            forecast = rules.forecast(
                month=month,
                ytd_by_line=ytd_lines,
                history=history.get(unit_id, {}),
                manual_ore=entry.result_ore if entry else None,
            )
        budget_lines, year_lines = budget_ytd.get(unit_id, {}), budget_year.get(unit_id, {})
        result[unit_id] = UnitFigures(
            unit_id=unit_id,
            month=month,
            latest_month=last,
            actual_ytd=ytd_lines,
            budget_ytd=budget_lines,
            budget_year=year_lines,
            has_budget=unit_id in budgeted,
            forecast=forecast,
            manual_comment=entry.comment if entry and forecast else "",
            actual_ytd_ore=sum(ytd_lines.values()),
            budget_ytd_ore=sum(budget_lines.values()),
            budget_year_ore=sum(year_lines.values()),
        )
    return result


# --- the board overview -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    budget_ytd_ore: int = 0
    actual_ytd_ore: int = 0
    budget_year_ore: int = 0
    forecast_ore: int = 0  # the sum of the units' forecasts (units without one count their budget)
    units: int = 0

    @property
    def deviation_ore(self) -> int:
        return self.actual_ytd_ore - self.budget_ytd_ore

    @property
    def deviation_percent(self) -> Decimal | None:
        return rules.net_deviation_percent(self.actual_ytd_ore, self.budget_ytd_ore)

    @property
    def forecast_deviation_ore(self) -> int:
        return self.forecast_ore - self.budget_year_ore


@dataclass(frozen=True)
class OverviewRow:
    unit_id: int
    name: str
    board: str
    service_type: str
    is_comparison: bool
    figures: UnitFigures
    has_open_warning: bool

    budget_ytd_ore = property(lambda self: self.figures.budget_ytd_ore)
    actual_ytd_ore = property(lambda self: self.figures.actual_ytd_ore)
    budget_year_ore = property(lambda self: self.figures.budget_year_ore)
    forecast = property(lambda self: self.figures.forecast)
    forecast_deviation_ore = property(lambda self: self.figures.forecast_deviation_ore)

    @property
    def deviation_ore(self) -> int:
        return self.actual_ytd_ore - self.budget_ytd_ore

    @property
    def deviation_percent(self) -> Decimal | None:
        return rules.net_deviation_percent(self.actual_ytd_ore, self.budget_ytd_ore)

    @property
    def forecast_or_budget_ore(self) -> int:
        return self.forecast.result_ore if self.forecast else self.budget_year_ore

    @property
    def is_incomplete(self) -> bool:
        """Actuals stop before the overview's month (the forecast is then left out)."""
        return self.figures.latest_month < self.figures.month


@dataclass(frozen=True)
class OverviewGroup:
    board: str
    service_type: str
    rows: list[OverviewRow]
    totals: Totals


@dataclass(frozen=True)
class Overview:
    year: int
    month: int  # 0: no actuals for the year yet
    groups: list[OverviewGroup] = field(default_factory=list)
    intraprenad_totals: Totals = Totals()
    comparison_totals: Totals = Totals()
    totals: Totals = Totals()

    @property
    def month_name(self) -> str:
        return month_name(self.month)

    @property
    def rows(self) -> list[OverviewRow]:
        return [row for group in self.groups for row in group.rows]


def _sum(rows: Iterable[OverviewRow]) -> Totals:
    rows = list(rows)
    return Totals(
        budget_ytd_ore=sum(row.budget_ytd_ore for row in rows),
        actual_ytd_ore=sum(row.actual_ytd_ore for row in rows),
        budget_year_ore=sum(row.budget_year_ore for row in rows),
        forecast_ore=sum(row.forecast_or_budget_ore for row in rows),
        units=len(rows),
    )


def visible_units(user):
    return ResultUnit.objects.for_user(user)


def overview(user, *, year: int, month: int | None = None) -> Overview:
    """All result units `user` may see, grouped by board and type of service (intraprenader first, then
    comparable units), after `month` (default: the latest month of the year in the ledger), with totals."""
    units = list(
        visible_units(user).values_list(
            "id", "org_unit_id", "org_unit__name", "org_unit__service_type", "is_comparison"
        )
    )
    ids = [unit[0] for unit in units]
    if month is None:
        month = default_month(year) if ids else 0
    if not month:
        return Overview(year=year, month=0)
    figures = unit_figures(ids, year, month)
    warned = EarlyWarning.objects.filter(year=year, acknowledged_at__isnull=True)
    open_warnings = set(
        _in_scope(warned, "result_unit_id", _sql_ids(set(ids))).values_list("result_unit_id", flat=True)
    )
    tree = org_tree()
    grouped: dict[tuple[str, str], list[OverviewRow]] = defaultdict(list)
    for unit_id, org_unit_id, name, service_type, is_comparison in units:
        if not figures[unit_id].has_budget and not figures[unit_id].latest_month:
            continue  # not followed this year (e.g. a unit wound up earlier): no row of zeros
        board_id = board_of(org_unit_id, tree)
        board = tree[board_id][2] if board_id else ""
        grouped[(board, service_type)].append(
            OverviewRow(
                unit_id=unit_id,
                name=name,
                board=board,
                service_type=service_type,
                is_comparison=is_comparison,
                figures=figures[unit_id],
                has_open_warning=unit_id in open_warnings,
            )
        )
    groups = []
    for (board, service_type), rows in sorted(grouped.items()):
        rows.sort(key=lambda r: (r.is_comparison, r.name))
        groups.append(OverviewGroup(board=board, service_type=service_type, rows=rows, totals=_sum(rows)))
    every = [row for group in groups for row in group.rows]
    return Overview(
        year=year,
        month=month,
        groups=groups,
        intraprenad_totals=_sum(r for r in every if not r.is_comparison),
        comparison_totals=_sum(r for r in every if r.is_comparison),
        totals=_sum(every),
    )


# --- one unit's report --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """Budget against actual for one line (or the net result, `line` "") over a month or the year to date."""

    line: str
    budget_ore: int
    actual_ore: int | None  # None: no actuals for that month yet

    @property
    def deviation_ore(self) -> int | None:
        return None if self.actual_ore is None else self.actual_ore - self.budget_ore

    @property
    def deviation_percent(self) -> Decimal | None:
        return None if self.actual_ore is None else rules.net_deviation_percent(self.actual_ore, self.budget_ore)


@dataclass(frozen=True)
class MonthRow:
    month: int
    name: str
    cells: list[Cell]  # one per line, in LINE_ORDER
    net: Cell
    budget_cum_ore: int
    actual_cum_ore: int | None


@dataclass(frozen=True)
class LineRow:
    """One line (or the net result, `line` "") for the year to date, the year's budget and the forecast."""

    line: str
    label: str
    ytd: Cell
    budget_year_ore: int
    forecast_ore: int | None


@dataclass(frozen=True)
class UnitReport:
    unit: ResultUnit
    year: int
    month: int  # the report is "after month": 0 when the year has no actuals yet
    latest_month: int
    has_budget: bool
    months: list[MonthRow]
    lines: list[LineRow]
    net: LineRow
    forecast: rules.Forecast | None
    band: tuple[int, int] | None
    manual: ForecastEntry | None
    warnings: list[EarlyWarning]
    entries: list[ForecastEntry]
    # the charts' series, aligned with months 1..12 (None where a series has no value)
    budget_cum: list[int]
    actual_cum: list[int | None]
    forecast_path: list[int | None]
    low_path: list[int | None]
    high_path: list[int | None]

    @property
    def month_name(self) -> str:
        return month_name(self.month)

    @property
    def latest_month_name(self) -> str:
        return month_name(self.latest_month)

    @property
    def forecast_deviation_ore(self) -> int | None:
        return None if self.forecast is None else self.forecast.result_ore - self.net.budget_year_ore

    @property
    def is_incomplete(self) -> bool:
        return 0 < self.latest_month < self.month

    @property
    def is_finished(self) -> bool:
        """December is in the ledger: the year's outcome is final (no forecast band, no forecast to enter)."""
        return rules.is_finished_year(self.latest_month)

    @property
    def chart_rows(self) -> list[dict]:
        """The forecast chart's figures month by month, for the table beside it."""
        return [
            {"month": m, "name": month_name(m), "actual": actual, "forecast": forecast, "low": low, "high": high}
            for m, actual, forecast, low, high in zip(
                range(1, 13), self.actual_cum, self.forecast_path, self.low_path, self.high_path, strict=True
            )
        ]


def _profiles(months: Mapping[int, Mapping[str, int]], month: int) -> dict[str, rules.Profile]:
    by_line: dict[str, dict[int, int]] = defaultdict(dict)
    for m, lines in months.items():
        for line, amount in lines.items():
            by_line[line][m] = amount
    return {line: rules.profile(amounts, month) for line, amounts in by_line.items()}


def unit_history(unit_id: int, year: int, month: int) -> dict[int, dict[str, rules.Profile]]:
    """For each complete earlier year (among `history_years`): line -> (reached by `month`, full year)."""
    by_year: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    rows = MonthlyActual.objects.filter(result_unit_id=unit_id, year__in=history_years(year)).values_list(
        "year", "month", "line", "amount_ore"
    )
    for y, m, line, amount in rows:
        by_year[y][m][line] = by_year[y][m].get(line, 0) + amount
    return {y: _profiles(months, month) for y, months in by_year.items() if rules.is_complete_year(months)}


def unit_report(unit: ResultUnit, *, year: int, month: int | None = None) -> UnitReport:
    """The unit's follow-up for `year` after `month` (default: the latest month with actuals)."""
    actual = _actuals([unit.pk], year).get(unit.pk, {})
    actual = {m: lines for m, lines in actual.items() if lines}
    budget_months = _approved_amounts([unit.pk], year).get(unit.pk)
    has_budget = budget_months is not None
    budget_months = budget_months or {}
    latest = max(actual, default=0)
    month = latest if month is None else month
    if month:
        rules.check_month(month)

    def budget(m: int, line: str) -> int:
        return budget_months.get(m, {}).get(line, 0)

    months: list[MonthRow] = []
    budget_cum, actual_cum, budget_total, actual_total = [], [], 0, 0
    for m in range(1, 13):
        shown = m <= month and m <= latest
        cells = [Cell(line, budget(m, line), actual.get(m, {}).get(line, 0) if shown else None) for line in LINE_ORDER]
        net_budget = sum(budget_months.get(m, {}).values())
        net_actual = sum(actual.get(m, {}).values()) if shown else None
        budget_total += net_budget
        budget_cum.append(budget_total)
        if net_actual is not None:
            actual_total += net_actual
        actual_cum.append(actual_total if shown else None)
        months.append(MonthRow(m, month_name(m), cells, Cell("", net_budget, net_actual), budget_total, actual_cum[-1]))

    ytd_actual = {line: sum(actual.get(m, {}).get(line, 0) for m in range(1, month + 1)) for line in LINE_ORDER}
    ytd_budget = {line: sum(budget(m, line) for m in range(1, month + 1)) for line in LINE_ORDER}
    year_budget = {line: sum(budget(m, line) for m in range(1, 13)) for line in LINE_ORDER}

    forecast = band = manual = None
    forecast_path: list[int | None] = [None] * 12
    low_path: list[int | None] = [None] * 12
    high_path: list[int | None] = [None] * 12
    if month and latest >= month:
        manual = manual_forecasts([unit.pk], year, month).get(unit.pk)
        history = unit_history(unit.pk, year, month)
        so_far = {m: lines for m, lines in actual.items() if m <= month}
        ytd_by_line = {line: ytd_actual[line] for line in actual_lines(so_far)}
        forecast = rules.forecast(
            month=month,
            ytd_by_line=ytd_by_line,
            history=history,
            manual_ore=manual.result_ore if manual else None,
        )
        monthly_net = [sum(actual.get(m, {}).values()) for m in range(1, month + 1)]
        band = rules.band(forecast, ytd_by_line=ytd_by_line, history=history, monthly_net=monthly_net)
        ytd_net = sum(monthly_net)
        for values, full in ((forecast_path, forecast.result_ore), (low_path, band[0]), (high_path, band[1])):
            values[month - 1 :] = rules.path(ytd_net, month, full)

    def forecast_of(line: str) -> int | None:
        if forecast is None or forecast.method == rules.MANUAL:
            return None
        return forecast.lines.get(line, 0)

    lines = [
        LineRow(
            line,
            line_label(line),
            Cell(line, ytd_budget[line], ytd_actual[line] if month else None),
            year_budget[line],
            forecast_of(line),
        )
        for line in LINE_ORDER
    ]
    net = LineRow(
        "",
        _("Net result"),
        Cell("", sum(ytd_budget.values()), sum(ytd_actual.values()) if month else None),
        sum(year_budget.values()),
        forecast.result_ore if forecast else None,
    )
    return UnitReport(
        unit=unit,
        year=year,
        month=month,
        latest_month=latest,
        has_budget=has_budget,
        months=months,
        lines=lines,
        net=net,
        forecast=forecast,
        band=band,
        manual=manual,
        warnings=list(EarlyWarning.objects.filter(result_unit=unit, year=year).select_related("acknowledged_by")),
        entries=list(ForecastEntry.objects.filter(result_unit=unit, year=year).select_related("entered_by")),
        budget_cum=budget_cum,
        actual_cum=actual_cum,
        forecast_path=forecast_path,
        low_path=low_path,
        high_path=high_path,
    )


def actual_lines(actual: Mapping[int, Mapping[str, int]]) -> set[str]:
    """The lines that have any actual row in the months given."""
    return {line for lines in actual.values() for line in lines}


def open_warnings(user):
    """Warnings not yet acknowledged for the units `user` may see, newest first."""
    return (
        EarlyWarning.objects.for_user(user)
        .filter(acknowledged_at__isnull=True)
        .select_related("result_unit__org_unit")
        .order_by("-year", "-month", "result_unit__org_unit__name")
    )
