"""Database-free tests of the budget import template: reading CSV and Excel, and every refusal naming its row and
column."""

import io

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from intraprenad.economy import budget_table
from intraprenad.economy.budget_table import BudgetTableError, parse_amount, read_budget_table
from intraprenad.economy.lines import Line


@pytest.fixture(autouse=True)
def english():
    """These tests read the parser's messages in their English source form (the Swedish is in the catalogue)."""
    with translation.override("en"):
        yield


L = Line
HEADER = "enhet;år;rad;månad;belopp;engångspost"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode("utf-8")


def errors_of(data: bytes, name: str = "budget.csv") -> list[str]:
    with pytest.raises(BudgetTableError) as refused:
        read_budget_table(data, name)
    return refused.value.errors


def test_reads_yearly_amounts_monthly_amounts_and_one_time_items():
    # given a file with yearly lines, a line by month, and the start-up frame increase
    data = csv_file(
        "41020;2026;Intäkter;;12 000 000;",
        "41020;2026;personnel;;-9500000,50;",
        "41020;2026;Finansiella poster;6;-5000;",
        "41020;2026;8;12;-5000;",
        "41020;2026;Intäkter;1;1500000;Ramförstärkning vid uppstart",
        "Hemvården Syd;2026;Övriga kostnader;;−800 000;",
    )
    # when it is read
    budgets = read_budget_table(data, "budget.csv")
    # then there is one budget per unit and year, in öre and result sign
    assert [(b.unit, b.year, b.first_row) for b in budgets] == [("41020", 2026, 2), ("Hemvården Syd", 2026, 7)]
    first = budgets[0]
    assert first.annual[L.REVENUE] == 1_200_000_000
    assert first.annual[L.PERSONNEL] == -950_000_050
    assert first.annual[L.FINANCIAL] == [0] * 5 + [-500_000] + [0] * 5 + [-500_000]
    assert first.items == [
        {"line": L.REVENUE, "description": "Ramförstärkning vid uppstart", "amount_ore": 150_000_000, "month": 1}
    ]
    assert budgets[1].annual == {L.OTHER: -80_000_000}


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("enhet,år,rad,belopp", '41020,2026,Intäkter,"1000,50"'),
        ("Enhet/objekt\tÅr\tRad\tBelopp", "41020\t2026\tIntäkter\t1000.50"),
        ("objekt;ar;rad;manad;belopp", "41020;2026;revenue;;1 000,50"),
    ],
)
def test_separators_and_column_names(header, row):
    [budget] = read_budget_table(csv_file(row, header=header), "b.csv")
    assert budget.annual == {L.REVENUE: 100_050}


def test_reads_windows_1252_with_a_byte_order_mark_free_file():
    data = (HEADER + "\n41020;2026;Övriga kostnader;;-100;\n").encode("cp1252")
    [budget] = read_budget_table(data, "b.csv")
    assert budget.annual == {L.OTHER: -10_000}


def test_the_templates_read_back():
    for data, name in ((budget_table.template_csv(), "mall.csv"), (budget_table.template_xlsx(), "mall.xlsx")):
        [budget] = read_budget_table(data, name)
        assert budget.unit == "41020"
        assert budget.year == 2026
        assert budget.annual[L.PERSONNEL] == -950_000_000
        assert budget.annual[L.FINANCIAL][5] == -500_000
        assert budget.items[0]["amount_ore"] == 150_000_000


def test_the_csv_template_opens_in_excel():
    data = budget_table.template_csv()
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").splitlines()[0] == HEADER


def test_reads_an_excel_workbook_with_numbers_and_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Enhet", "År", "Rad", "Månad", "Belopp", "Engångspost"])
    sheet.append([41020, 2026, "Personalkostnader", None, -1234.5, None])
    sheet.append([41020, 2026.0, "Intäkter", None, "2 000", None])
    out = io.BytesIO()
    workbook.save(out)
    [budget] = read_budget_table(out.getvalue(), "Budget.XLSX")
    assert budget.annual == {L.PERSONNEL: -123_450, L.REVENUE: 200_000}


@pytest.mark.parametrize(
    ("row", "row_number", "column"),
    [
        (";2026;Intäkter;;100;", 2, "enhet"),
        ("41020;tjugo;Intäkter;;100;", 2, "år"),
        ("41020;1999;Intäkter;;100;", 2, "år"),
        ("41020;2026;Löner;;100;", 2, "rad"),
        ("41020;2026;Intäkter;13;100;", 2, "månad"),
        ("41020;2026;Intäkter;jan;100;", 2, "månad"),
        ("41020;2026;Intäkter;;12,345;", 2, "belopp"),
        ("41020;2026;Intäkter;;;", 2, "belopp"),
        ("41020;2026;Intäkter;;-100;", 2, "belopp"),
        ("41020;2026;Personalkostnader;;100;", 2, "belopp"),
        ("41020;2026;Intäkter;1;0;Ramförstärkning", 2, "belopp"),
        ("41020;2026;Personalkostnader;3;100;Något", 2, "belopp"),
    ],
)
def test_a_bad_row_is_refused_naming_row_and_column(row, row_number, column):
    [message] = errors_of(csv_file(row))
    assert f"{row_number}" in message
    assert f"“{column}”" in message


def test_a_line_is_yearly_or_monthly_not_both():
    errors = errors_of(
        csv_file(
            "41020;2026;Intäkter;;100;",
            "41020;2026;Intäkter;3;100;",
            "41020;2026;Personalkostnader;3;-100;",
            "41020;2026;Personalkostnader;;-100;",
            "41020;2026;Övriga kostnader;;-100;",
            "41020;2026;Övriga kostnader;;-200;",
            "41020;2026;Köp;4;-100;",
            "41020;2026;Köp;4;-100;",
        )
    )
    assert len(errors) == 4
    assert all(str(number) in message for number, message in zip((3, 5, 7, 9), errors, strict=True))
    assert "row 2" in errors[0] or "rad 2" in errors[0]


def test_monthly_amounts_are_judged_by_their_sum():
    errors = errors_of(csv_file("41020;2026;Intäkter;1;-100;", "41020;2026;Intäkter;2;50;"))
    assert len(errors) == 1
    assert "2" in errors[0]
    # a correction month within a positive year is fine
    [budget] = read_budget_table(csv_file("41020;2026;Intäkter;1;-100;", "41020;2026;Intäkter;2;150;"), "b.csv")
    assert sum(budget.annual[L.REVENUE]) == 5_000


def test_all_problems_are_reported_together():
    errors = errors_of(csv_file("41020;x;Intäkter;;100;", "41020;2026;x;;100;", "41020;2026;Intäkter;;x;"))
    assert len(errors) == 3


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "b.csv"),
        (b"\n\n", "b.csv"),
        (HEADER.encode(), "b.csv"),
        (b"enhet;rad;belopp\n41020;Intakter;100\n", "b.csv"),
        (b"not a workbook", "b.xlsx"),
        (b"enhet;enhet;ar;rad;belopp\n", "b.csv"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(data, name):
    assert errors_of(data, name)


@pytest.mark.parametrize(
    ("value", "ore"),
    [
        ("1 234,50", 123_450),
        ("-1\u00a0234.5", -123_450),
        ("\u22125", -500),
        ("+7", 700),
        (12.25, 1_225),
        (3, 300),
        ("0", 0),
    ],
)
def test_parse_amount(value, ore):
    assert parse_amount(value) == ore


@pytest.mark.parametrize("value", ["", "abc", "1.234", "1,2,3", True, "1e3x"])
def test_parse_amount_refuses(value):
    with pytest.raises(ValueError):
        parse_amount(value)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_give_budgets_or_a_clear_error(data):
    try:
        budgets = read_budget_table(data, "x.csv")
    except BudgetTableError as refused:
        assert refused.errors and all(isinstance(e, str) and e for e in refused.errors)
    else:
        assert all(b.unit and 2000 <= b.year <= 2100 for b in budgets)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=len(budget_table.template_csv())))
def test_a_truncated_template_gives_budgets_or_a_clear_error(length):
    data = budget_table.template_csv()[:length]
    try:
        read_budget_table(data, "x.csv")
    except BudgetTableError as refused:
        assert refused.errors


def test_the_xlsx_template_has_the_columns_in_order():
    sheet = load_workbook(io.BytesIO(budget_table.template_xlsx())).active
    assert [c.value for c in sheet[1]] == list(budget_table.COLUMNS)
