"""The budget import template (CSV or Excel): a pure reader and the downloadable templates.

One row per amount, the first row naming the columns (docs/workflows/budget.md):

    enhet;år;rad;månad;belopp;engångspost
    41020;2026;Intäkter;;12000000;
    41020;2026;Personalkostnader;;-9500000;
    41020;2026;Intäkter;1;1500000;Ramförstärkning vid uppstart

- `enhet`: the unit's ledger object (e.g. responsibility 41020) or its name;
- `år`: the budget year;
- `rad`: the income-statement line, by name (Intäkter, Köp och bidrag, Personalkostnader, Övriga kostnader,
  Finansiella poster), code (revenue, purchases, personnel, other, financial) or Kommun-Bas class (3–8);
- `månad` (optional): 1–12. Empty means a yearly amount, spread evenly; a line is given either as one
  yearly amount or as monthly amounts (months left out are zero);
- `belopp`: kronor in result sign (revenue positive, costs negative); decimal comma or point, spaces allowed;
- `engångspost` (optional): a description makes the row a one-time item, in its month (January if empty).

CSV may be separated by semicolons (as Swedish Excel saves it), commas or tabs, in UTF-8 or Windows-1252.
Every problem is reported with its row and column; a file with any problem gives no budgets at all.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from intraprenad.economy.lines import LINE_ORDER, Line
from intraprenad.economy.rules.budget import FIRST_YEAR, LAST_YEAR, line_label, sign_error
from intraprenad.economy.table_import import TableError, map_header, spreadsheet_rows

COLUMNS = ("enhet", "år", "rad", "månad", "belopp", "engångspost")
REQUIRED = ("enhet", "år", "rad", "belopp")
HEADER_ALIASES = {
    "enhet": "enhet",
    "enhet/objekt": "enhet",
    "objekt": "enhet",
    "år": "år",
    "ar": "år",
    "rad": "rad",
    "månad": "månad",
    "manad": "månad",
    "belopp": "belopp",
    "engångspost": "engångspost",
    "engangspost": "engångspost",
}
LINE_ALIASES = {
    Line.REVENUE: ("intäkter", "intäkt", "3"),
    Line.PURCHASES: ("köp och bidrag", "köp", "4"),
    Line.PERSONNEL: ("personalkostnader", "personal", "5"),
    Line.OTHER: ("övriga kostnader", "övriga verksamhetskostnader", "övriga", "6", "7"),
    Line.FINANCIAL: ("finansiella poster", "finansiellt", "8"),
}
AMOUNT = re.compile(r"^[+-]?\d+(\.\d{1,2})?$")
MAX_ERRORS = 50
EXAMPLE_ROWS = (
    ("41020", "2026", "Intäkter", "", "12000000", ""),
    ("41020", "2026", "Köp och bidrag", "", "-600000", ""),
    ("41020", "2026", "Personalkostnader", "", "-9500000", ""),
    ("41020", "2026", "Övriga kostnader", "", "-1800000", ""),
    ("41020", "2026", "Finansiella poster", "6", "-5000", ""),
    ("41020", "2026", "Finansiella poster", "12", "-5000", ""),
    ("41020", "2026", "Intäkter", "1", "1500000", "Ramförstärkning vid uppstart"),
)


class BudgetTableError(ValueError):
    """The file cannot be imported; `errors` says where and why, in the user's language."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ParsedBudget:
    """One unit's budget for one year, as read from the file: `annual` holds a yearly amount or twelve
    monthly amounts (öre) per line, `items` the one-time items."""

    unit: str
    year: int
    first_row: int
    annual: dict[str, int | list[int]] = field(default_factory=dict)
    items: list[dict] = field(default_factory=list)


# --- reading ------------------------------------------------------------------------------------


def read_budget_table(data: bytes, file_name: str) -> list[ParsedBudget]:
    """The budgets in an uploaded template, by file type (.xlsx, else CSV); BudgetTableError if anything is wrong."""
    try:
        rows = spreadsheet_rows(data, file_name)
    except TableError as e:
        raise BudgetTableError(e.errors) from e
    return parse_rows(rows)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _line_lookup() -> dict[str, str]:
    lookup = {}
    for line in LINE_ORDER:
        for alias in (line, line_label(line), *LINE_ALIASES[line]):
            lookup[alias.casefold()] = line
    return lookup


def parse_amount(value) -> int:
    """Kronor (a number, or text with decimal comma or point and spaces) as öre; ValueError if not an amount."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        text = str(Decimal(str(value)))
    else:
        text = re.sub(r"[\s\u00a0\u202f]", "", _text(value)).replace("\u2212", "-").replace(",", ".")
    if not AMOUNT.match(text):
        try:
            number = Decimal(text)
        except InvalidOperation as e:
            raise ValueError(value) from e
        if number != number.quantize(Decimal("0.01")):
            raise ValueError(value)
        text = str(number.quantize(Decimal("0.01")))
    return int(Decimal(text) * 100)


def parse_rows(rows: Iterable[tuple[int, list]]) -> list[ParsedBudget]:
    """Budgets from (row number, cells) pairs whose first non-empty row names the columns."""
    errors: list[str] = []

    def error(number: int, column: str, problem: str) -> None:
        errors.append(
            _("Row %(row)s, column “%(column)s”: %(problem)s") % {"row": number, "column": column, "problem": problem}
        )

    rows = [(number, [_text(cell) for cell in cells]) for number, cells in rows]
    rows = [(number, cells) for number, cells in rows if any(cells)]
    if not rows:
        raise BudgetTableError([_("The file is empty.")])
    header_row, header = rows[0]
    columns, twice, missing = map_header(header, HEADER_ALIASES, REQUIRED, COLUMNS)
    for name in twice:
        error(header_row, name, _("the column appears twice."))
    if missing:
        errors.append(missing)
    if errors:
        raise BudgetTableError(errors)
    if len(rows) == 1:
        raise BudgetTableError([_("The file has no budget rows below the column names.")])

    lines = _line_lookup()
    budgets: dict[tuple[str, int], ParsedBudget] = {}
    yearly_row: dict[tuple[str, int, str], int] = {}
    month_rows: dict[tuple[str, int, str], dict[int, int]] = {}

    def cell(cells: list[str], name: str) -> str:
        position = columns.get(name)
        return cells[position] if position is not None and position < len(cells) else ""

    for number, cells in rows[1:]:
        if len(errors) >= MAX_ERRORS:
            errors.append(_("More problems may follow; correct these first."))
            break
        unit, year_text, line_text = cell(cells, "enhet"), cell(cells, "år"), cell(cells, "rad")
        month_text, amount_text, item_text = cell(cells, "månad"), cell(cells, "belopp"), cell(cells, "engångspost")
        before = len(errors)
        if not unit:
            error(number, "enhet", _("give the unit's ledger object or name."))
        year = None
        try:
            year = int(year_text)
        except ValueError:
            error(number, "år", _("“%(value)s” is not a year.") % {"value": year_text})
        else:
            if not FIRST_YEAR <= year <= LAST_YEAR:
                error(
                    number,
                    "år",
                    _("the year must be between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
                )
        line = lines.get(line_text.casefold())
        if line is None:
            error(
                number,
                "rad",
                _("“%(value)s” is not a line. Use one of: %(lines)s.")
                % {"value": line_text, "lines": ", ".join(line_label(code) for code in LINE_ORDER)},
            )
        month = None
        if month_text:
            try:
                month = int(month_text)
            except ValueError:
                month = 0
            if not 1 <= month <= 12:
                error(
                    number,
                    "månad",
                    _("“%(value)s” is not a month; give 1–12 or leave it empty.") % {"value": month_text},
                )
        amount = None
        try:
            amount = parse_amount(amount_text)
        except ValueError:
            error(number, "belopp", _("“%(value)s” is not an amount in kronor.") % {"value": amount_text})
        if len(errors) > before:
            continue
        if item_text and amount == 0:
            error(number, "belopp", _("a one-time item cannot be zero."))
            continue
        if (item_text or month is None) and (problem := sign_error(line, amount)):
            error(number, "belopp", problem)
            continue
        key = (unit, year)
        budget = budgets.setdefault(key, ParsedBudget(unit=unit, year=year, first_row=number))
        where = {"line": line_label(line), "unit": unit, "year": year}
        if item_text:
            budget.items.append(
                {"line": line, "description": item_text[:200], "amount_ore": amount, "month": month or 1}
            )
            continue
        line_key = (unit, year, line)
        if month is None:
            if line_key in yearly_row:
                where["row"] = yearly_row[line_key]
                error(number, "rad", _("%(line)s for %(unit)s in %(year)s is already given on row %(row)s.") % where)
            elif line_key in month_rows:
                error(
                    number,
                    "månad",
                    _(
                        "%(line)s for %(unit)s in %(year)s has monthly amounts above; "
                        "give either a yearly amount or monthly amounts."
                    )
                    % where,
                )
            else:
                yearly_row[line_key] = number
                budget.annual[line] = amount
            continue
        if line_key in yearly_row:
            where["row"] = yearly_row[line_key]
            error(
                number,
                "månad",
                _(
                    "%(line)s for %(unit)s in %(year)s has a yearly amount on row %(row)s; "
                    "give either a yearly amount or monthly amounts."
                )
                % where,
            )
            continue
        months = month_rows.setdefault(line_key, {})
        if month in months:
            where.update(month=month, row=months[month])
            error(
                number,
                "månad",
                _("%(line)s for %(unit)s in %(year)s, month %(month)s, is already given on row %(row)s.") % where,
            )
            continue
        months[month] = number
        amounts = budget.annual.setdefault(line, [0] * 12)
        amounts[month - 1] = amount

    for (unit, year, line), months in month_rows.items():
        if problem := sign_error(line, sum(budgets[(unit, year)].annual[line])):
            error(min(months.values()), "belopp", _("the months together: %(problem)s") % {"problem": problem})
    if errors:
        raise BudgetTableError(errors)
    return list(budgets.values())


# --- the templates ------------------------------------------------------------------------------


def template_csv() -> bytes:
    """The CSV template: semicolon-separated UTF-8 with a byte-order mark, so Excel opens it right."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The Excel template: the same columns and examples, amounts and years as numbers."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Budget"
    sheet.append(COLUMNS)
    for unit, year, line, month, amount, item in EXAMPLE_ROWS:
        sheet.append([unit, int(year), line, int(month) if month else None, int(amount), item or None])
    for column, width in zip("ABCDEF", (12, 8, 22, 8, 14, 32), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
