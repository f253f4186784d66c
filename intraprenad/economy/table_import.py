"""The actuals template (CSV or Excel): a pure reader of ledger rows, and the downloadable templates.

One row per ledger row, the first row naming the columns (docs/workflows/ledger-import.md):

    datum;konto;objekt;belopp;text;verifikation
    2026-01-31;5011;41020;185000,00;Löner januari;L1
    2026-01-31;1931;;-185000,00;Löner januari;L1
    2026-02-15;3121;41020;-42 500;Avgifter hemtjänst;

- `datum`: the date (ÅÅÅÅ-MM-DD or ÅÅÅÅMMDD; an Excel date cell is fine); its month is the row's period;
- `konto`: the account number (digits);
- `objekt` (may be empty): the row's object in the ledger dimension that identifies result units;
- `belopp`: kronor with the ledger's sign, as in an SIE file: debit positive, credit negative, so revenue is
  negative and costs positive; decimal comma or point, spaces as thousands separators, at most two decimals;
- `text` (optional): a description;
- `verifikation` (optional): rows with the same value form one voucher (which then has the first row's date
  and text); without it every row is a voucher of its own.

CSV may be separated by semicolons (as Swedish Excel saves it), commas or tabs, in UTF-8 or Windows-1252.
Every problem is reported with its row and column; a file with any problem is refused as a whole.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import polars as pl
from django.utils.translation import gettext as _

COLUMNS = ("datum", "konto", "objekt", "belopp", "text", "verifikation")
REQUIRED = ("datum", "konto", "belopp")
HEADER_ALIASES = {
    "datum": "datum",
    "date": "datum",
    "konto": "konto",
    "account": "konto",
    "objekt": "objekt",
    "object": "objekt",
    "belopp": "belopp",
    "amount": "belopp",
    "text": "text",
    "verifikation": "verifikation",
    "ver": "verifikation",
    "voucher": "verifikation",
}
EXAMPLE_ROWS = (
    ("2026-01-31", "5011", "41020", "185000,00", "Löner januari", "L1"),
    ("2026-01-31", "5611", "41020", "58127,00", "Arbetsgivaravgifter januari", "L1"),
    ("2026-01-31", "1931", "", "-243127,00", "Löner januari", "L1"),
    ("2026-02-15", "3121", "41020", "-42 500", "Avgifter hemtjänst februari", ""),
    ("2026-02-20", "6111", "41020", "31250,50", "Lokalhyra februari", ""),
)
MAX_ERRORS = 20
MAX_ROWS = 2_000_000
_AMOUNT = re.compile(r"^[+-]?\d+([.,]\d{1,2})?$")
_ACCOUNT = re.compile(r"^\d{1,20}$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_FIELD_LIMITS = {"objekt": 40, "verifikation": 40}
_TEXT_LIMIT = 500


class TableError(ValueError):
    """The file cannot be imported; `errors` says where and why (row and column), in the user's language."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class TableRow:
    row: int  # the row number in the file (the column names are row 1)
    date: date
    account: str
    object: str
    amount_ore: int  # the ledger's sign: debit +, credit −
    text: str
    voucher: str  # the `verifikation` value ("" = a voucher of its own)


@dataclass
class Table:
    """The rows of one template file, as vouchers and transactions shaped like `sie.Ledger`'s frames."""

    rows: list[TableRow]

    def frames(self, dimension: str) -> tuple[pl.DataFrame, pl.DataFrame]:
        """(vouchers, transactions): vouchers `voucher, series, number, date, text, line`; transactions
        `voucher, account, object, objects, amount_ore, date, text, line` (object lists as "dim=object")."""
        keys: dict[str, int] = {}
        vouchers: dict[str, list] = {"series": [], "number": [], "date": [], "text": [], "line": []}
        transactions: dict[str, list] = {name: [] for name in ("voucher", "account", "object", "objects")}
        transactions.update(amount_ore=[], date=[], text=[], line=[])
        for row in self.rows:
            key = row.voucher or f"\x00{row.row}"
            index = keys.get(key)
            if index is None:
                index = keys[key] = len(keys)
                vouchers["series"].append("T")
                vouchers["number"].append(row.voucher or str(row.row))
                vouchers["date"].append(row.date)
                vouchers["text"].append(row.text)
                vouchers["line"].append(row.row)
            transactions["voucher"].append(index)
            transactions["account"].append(row.account)
            transactions["object"].append(row.object)
            transactions["objects"].append(f"{dimension}={row.object}" if row.object else "")
            transactions["amount_ore"].append(row.amount_ore)
            transactions["date"].append(row.date)
            transactions["text"].append(row.text)
            transactions["line"].append(row.row)
        voucher_frame = pl.DataFrame(
            {"voucher": list(range(len(keys))), **vouchers},
            schema={
                "voucher": pl.Int64,
                "series": pl.String,
                "number": pl.String,
                "date": pl.Date,
                "text": pl.String,
                "line": pl.Int64,
            },
        )
        transaction_frame = pl.DataFrame(
            transactions,
            schema={
                "voucher": pl.Int64,
                "account": pl.String,
                "object": pl.String,
                "objects": pl.String,
                "amount_ore": pl.Int64,
                "date": pl.Date,
                "text": pl.String,
                "line": pl.Int64,
            },
        )
        return voucher_frame, transaction_frame


# --- reading ------------------------------------------------------------------------------------


def is_table(data: bytes, file_name: str) -> bool:
    """Whether an upload is a template file (Excel, or CSV by its name) rather than an SIE file."""
    name = file_name.lower()
    return data[:4] == b"PK\x03\x04" or name.endswith((".csv", ".xlsx"))


def read_table(data: bytes, file_name: str) -> Table:
    """The rows of an uploaded template (.xlsx, else CSV); TableError if anything is wrong."""
    return parse_rows(spreadsheet_rows(data, file_name))


def spreadsheet_rows(data: bytes, file_name: str) -> list[tuple[int, list]]:
    """The numbered rows of an uploaded .xlsx workbook (first sheet) or CSV file (`;`, tab or `,` separated, UTF-8
    or Windows-1252); TableError if it cannot be read. Shared by the actuals and the budget templates."""
    excel = data[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx")
    return _xlsx_rows(data) if excel else _csv_rows(data)


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    if b"\x00" in data:
        raise TableError([_("The file is not a text file (it contains NUL bytes).")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    try:
        return [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)]
    except csv.Error as e:
        raise TableError([_("The file could not be read as CSV: %(error)s") % {"error": e}]) from e


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds (zip, XML, key errors) for a file that is not a workbook
        raise TableError([_("The file could not be read as an Excel workbook (.xlsx).")]) from e
    try:
        sheet = workbook.worksheets[0]
        return [(number, list(row)) for number, row in enumerate(sheet.iter_rows(values_only=True), 1)]
    finally:
        workbook.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_amount(value) -> int:
    """Kronor (a number, or text with a decimal comma or point and spaces) as öre; ValueError if not an amount."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
        if number != number.quantize(Decimal("0.01")):
            raise ValueError(value)
        return int(number * 100)
    text = _SPACES.sub("", _text(value)).replace("\u2212", "-")
    if not _AMOUNT.match(text):
        raise ValueError(value)
    return int(Decimal(text.replace(",", ".")) * 100)


def parse_date(value) -> date:
    """A date cell, or text as ÅÅÅÅ-MM-DD or ÅÅÅÅMMDD; ValueError if it is not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(value)
    return date.fromisoformat(text)


def map_header(
    header: Sequence[str], aliases: Mapping[str, str], required: Iterable[str], names: Sequence[str]
) -> tuple[dict[str, int], list[str], str | None]:
    """Where each known column stands in a template's header row (names matched case-insensitively through
    `aliases`): the positions, the names given twice, and the message about the required columns that are missing
    (None if none is). Shared by the ledger and the budget templates."""
    columns: dict[str, int] = {}
    twice: list[str] = []
    for position, name in enumerate(header):
        key = aliases.get(name.casefold())
        if key is None:
            continue
        if key in columns:
            twice.append(name)
        columns[key] = position
    missing = [name for name in required if name not in columns]
    if not missing:
        return columns, twice, None
    message = _("The first row must name the columns %(columns)s; missing: %(missing)s.") % {
        "columns": ";".join(names),
        "missing": ", ".join(missing),
    }
    return columns, twice, message


def parse_rows(rows: Iterable[tuple[int, list]]) -> Table:
    """The ledger rows of (row number, cells) pairs whose first non-empty row names the columns."""
    errors: list[str] = []

    def error(number: int, column: str, problem: str) -> None:
        errors.append(
            _("row %(row)s, column %(column)s: %(problem)s") % {"row": number, "column": column, "problem": problem}
        )

    raw = [(number, cells) for number, cells in rows if any(_text(cell) for cell in cells)]
    if not raw:
        raise TableError([_("The file is empty.")])
    header_row, header = raw[0]
    columns, twice, missing = map_header([_text(cell) for cell in header], HEADER_ALIASES, REQUIRED, COLUMNS)
    for name in twice:
        error(header_row, name, _("the column appears twice."))
    if missing:
        errors.append(missing)
    if errors:
        raise TableError(errors)
    if len(raw) == 1:
        raise TableError([_("The file has no rows below the column names.")])
    if len(raw) > MAX_ROWS + 1:
        raise TableError([_("The file has more than %(count)s rows; use an SIE file.") % {"count": MAX_ROWS}])

    def cell(cells: list, name: str):
        position = columns.get(name)
        return cells[position] if position is not None and position < len(cells) else None

    parsed: list[TableRow] = []
    for number, cells in raw[1:]:
        if len(errors) >= MAX_ERRORS:
            errors.append(_("More problems may follow; correct these first."))
            break
        before = len(errors)
        day = None
        try:
            day = parse_date(cell(cells, "datum"))
        except ValueError:
            error(number, "datum", _('"%(value)s" is not a date (ÅÅÅÅ-MM-DD)') % {"value": _text(cell(cells, "datum"))})
        account = _text(cell(cells, "konto"))
        if not _ACCOUNT.match(account):
            error(number, "konto", _('"%(value)s" is not an account number') % {"value": account})
        amount = None
        try:
            amount = parse_amount(cell(cells, "belopp"))
        except ValueError:
            error(number, "belopp", _('"%(value)s" is not an amount') % {"value": _text(cell(cells, "belopp"))})
        values = {name: _text(cell(cells, name)) for name in ("objekt", "verifikation")}
        for name, limit in _FIELD_LIMITS.items():
            if len(values[name]) > limit:
                error(number, name, _("at most %(count)s characters") % {"count": limit})
        if len(errors) > before:
            continue
        parsed.append(
            TableRow(
                row=number,
                date=day,
                account=account,
                object=values["objekt"],
                amount_ore=amount,
                text=_text(cell(cells, "text"))[:_TEXT_LIMIT],
                voucher=values["verifikation"],
            )
        )
    if errors:
        raise TableError(errors)
    return Table(rows=parsed)


# --- the templates --------------------------------------------------------------------------------


def template_csv() -> bytes:
    """The CSV template: the column names and example rows, semicolon-separated, UTF-8 with BOM for Excel."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The Excel template: the column names and example rows on the first sheet, amounts as numbers."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Utfall"
    sheet.append(list(COLUMNS))
    for day, account, obj, amount, text, voucher in EXAMPLE_ROWS:
        sheet.append(
            [
                date.fromisoformat(day),
                account,
                obj,
                float(Decimal(_SPACES.sub("", amount).replace(",", "."))),
                text,
                voucher,
            ]
        )
    for row in sheet.iter_rows(min_row=2, min_col=1, max_col=1):
        row[0].number_format = "yyyy-mm-dd"
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=4):
        row[0].number_format = "# ##0.00"
    for column, width in zip("ABCDEF", (12, 10, 10, 14, 36, 14), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


__all__ = [
    "COLUMNS",
    "Table",
    "TableError",
    "TableRow",
    "is_table",
    "parse_amount",
    "parse_date",
    "parse_rows",
    "read_table",
    "template_csv",
    "template_xlsx",
]
