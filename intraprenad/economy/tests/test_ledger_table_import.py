"""The actuals template reader (pure, no database): good rows, bad rows named by row and column, CSV dialects,
Excel files and the downloadable templates."""

import io
from datetime import date, datetime

import pytest
from django.utils import translation
from openpyxl import Workbook

from intraprenad.economy import table_import as t


@pytest.fixture(autouse=True)
def english():
    """These tests read the parser's messages in their English source form (the Swedish is in the catalogue)."""
    with translation.override("en"):
        yield


HEADER = ["datum", "konto", "objekt", "belopp", "text", "verifikation"]


def rows(*body: list) -> list[tuple[int, list]]:
    return list(enumerate([HEADER, *body], 1))


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["2026-01-31", "5011", "41020", "185000,00", "Löner", "L1"], (date(2026, 1, 31), "5011", "41020", 18500000)),
        (["20260131", "5011", "", "-1 234,5", "", ""], (date(2026, 1, 31), "5011", "", -123450)),
        (["2026-02-01", "3121", "41020", "−42\u00a0500", "Avgift", ""], (date(2026, 2, 1), "3121", "41020", -4250000)),
        (["2026-02-01", "3121", "41020", "12.5", "", ""], (date(2026, 2, 1), "3121", "41020", 1250)),
        (["2026-02-01", "3121", "41020", "+7", "", ""], (date(2026, 2, 1), "3121", "41020", 700)),
        ([datetime(2026, 3, 5), 5011, 41020, 99.99, "", ""], (date(2026, 3, 5), "5011", "41020", 9999)),  # noqa: DTZ001
        ([date(2026, 3, 5), "5011", "41020", 10, None, None], (date(2026, 3, 5), "5011", "41020", 1000)),
    ],
)
def test_good_rows_are_read(cells, expected):
    (row,) = t.parse_rows(rows(cells)).rows
    assert (row.date, row.account, row.object, row.amount_ore) == expected
    assert row.row == 2


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (["2026-01-31", "5011", "41020", "12,3,4"], 'row 2, column belopp: "12,3,4" is not an amount'),
        (["2026-01-31", "5011", "41020", "12,345"], 'row 2, column belopp: "12,345" is not an amount'),
        (["2026-01-31", "5011", "41020", ""], 'row 2, column belopp: "" is not an amount'),
        (["2026-02-30", "5011", "41020", "1"], 'row 2, column datum: "2026-02-30" is not a date'),
        (["31/1 2026", "5011", "41020", "1"], 'row 2, column datum: "31/1 2026" is not a date'),
        (["2026-01-31", "50-11", "41020", "1"], 'row 2, column konto: "50-11" is not an account number'),
        (["2026-01-31", "", "41020", "1"], 'row 2, column konto: "" is not an account number'),
        (["2026-01-31", "5011", "4" * 41, "1"], "row 2, column objekt: at most 40 characters"),
    ],
)
def test_bad_rows_are_named_by_row_and_column(cells, message):
    with pytest.raises(t.TableError) as refused:
        t.parse_rows(rows(cells))
    assert refused.value.errors[0].startswith(message)


def test_every_bad_row_is_reported_and_none_is_kept():
    with pytest.raises(t.TableError) as refused:
        t.parse_rows(rows(["2026-01-31", "5011", "", "1"], ["x", "5011", "", "1"], ["2026-01-31", "y", "", "z"]))
    assert [e.split(":")[0] for e in refused.value.errors] == [
        "row 3, column datum",
        "row 4, column konto",
        "row 4, column belopp",
    ]


def test_many_bad_rows_stop_after_twenty():
    with pytest.raises(t.TableError) as refused:
        t.parse_rows(rows(*[["x", "5011", "", "1"]] * 30))
    assert len(refused.value.errors) == t.MAX_ERRORS + 1


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ([], "The file is empty."),
        ([["datum", "konto", "objekt"]], "missing: belopp"),
        ([["datum", "konto", "belopp", "Belopp"]], "the column appears twice"),
        ([HEADER], "no rows below the column names"),
    ],
)
def test_the_header_must_name_the_required_columns(table, message):
    with pytest.raises(t.TableError) as refused:
        t.parse_rows(list(enumerate(table, 1)))
    assert message in " ".join(refused.value.errors)


def test_columns_may_come_in_any_order_and_empty_rows_are_skipped():
    table = [["Belopp", "Konto", "Datum"], [], ["-5", "3010", "2026-04-01"], ["", "", ""]]
    (row,) = t.parse_rows(list(enumerate(table, 1))).rows
    assert (row.row, row.account, row.amount_ore, row.object, row.voucher) == (3, "3010", -500, "", "")


@pytest.mark.parametrize(
    "text",
    [
        "datum;konto;objekt;belopp\n2026-01-31;5011;41020;1 500,50\n",
        'datum,konto,objekt,belopp\n2026-01-31,5011,41020,"1 500,50"\n',
        "datum\tkonto\tobjekt\tbelopp\n2026-01-31\t5011\t41020\t1500.50\n",
    ],
)
def test_csv_with_semicolons_commas_or_tabs(text):
    for encoding in ("utf-8-sig", "cp1252"):
        (row,) = t.read_table(text.encode(encoding), "utfall.csv").rows
        assert (row.account, row.object, row.amount_ore) == ("5011", "41020", 150050)


def test_windows_1252_text_is_read():
    data = "datum;konto;belopp;text\n2026-01-31;5011;1;Lön för Åsa\n".encode("cp1252")
    assert t.read_table(data, "utfall.csv").rows[0].text == "Lön för Åsa"


def test_an_excel_workbook_is_read_from_its_first_sheet():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append([datetime(2026, 5, 31), 5011, "41020", -1234.5, "Maj", "V1"])  # noqa: DTZ001 - Excel is naive
    buffer = io.BytesIO()
    workbook.save(buffer)
    (row,) = t.read_table(buffer.getvalue(), "utfall.xlsx").rows
    assert (row.date, row.account, row.object, row.amount_ore, row.voucher) == (
        date(2026, 5, 31),
        "5011",
        "41020",
        -123450,
        "V1",
    )


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(t.TableError):
        t.read_table(b"PK\x03\x04 not really a zip", "utfall.xlsx")


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"PK\x03\x04rest", "x.bin", True),
        (b"datum;konto", "utfall.CSV", True),
        (b"#FLAGGA 0", "huvudbok.se", False),
        (b"#FLAGGA 0", "huvudbok.si", False),
    ],
)
def test_template_files_are_told_from_sie_files(data, name, expected):
    assert t.is_table(data, name) is expected


def test_rows_with_the_same_voucher_value_form_one_voucher():
    table = t.parse_rows(
        rows(
            ["2026-01-31", "5011", "41020", "100", "Lön", "L1"],
            ["2026-01-31", "1931", "", "-100", "Lön", "L1"],
            ["2026-02-01", "3010", "41020", "-5", "Avgift", ""],
        )
    )
    vouchers, transactions = table.frames("1")
    assert vouchers.select("number", "line").rows() == [("L1", 2), ("4", 4)]
    assert transactions.select("voucher", "objects", "amount_ore").rows() == [
        (0, "1=41020", 10000),
        (0, "", -10000),
        (1, "1=41020", -500),
    ]


def test_the_templates_read_back_as_their_example_rows():
    from_csv = t.read_table(t.template_csv(), "utfallsmall.csv").rows
    from_xlsx = t.read_table(t.template_xlsx(), "utfallsmall.xlsx").rows
    assert len(from_csv) == len(t.EXAMPLE_ROWS)
    assert [(r.date, r.account, r.object, r.amount_ore, r.text, r.voucher) for r in from_csv] == [
        (r.date, r.account, r.object, r.amount_ore, r.text, r.voucher) for r in from_xlsx
    ]
    assert sum(r.amount_ore for r in from_csv if r.voucher == "L1") == 0


def test_map_header_finds_columns_by_alias_in_any_case_and_names_the_twice_given_and_the_missing():
    aliases = {"konto": "account", "account": "account", "belopp": "amount"}
    assert t.map_header(["Konto", "x", "BELOPP"], aliases, ["account", "amount"], ["konto", "belopp"]) == (
        {"account": 0, "amount": 2},
        [],
        None,
    )
    columns, twice, missing = t.map_header(["konto", "Account"], aliases, ["account", "amount"], ["k", "b"])
    assert columns == {"account": 1} and twice == ["Account"]
    assert missing is not None and "amount" in missing and "k;b" in missing
