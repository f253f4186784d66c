"""The SIE parser on small inline files: every feature and every refusal, as tables of cases."""

import json
import zlib
from datetime import date

import polars as pl
import pytest

from intraprenad.economy import sie
from intraprenad.economy.sie import SieError, parse

HEADER = """#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#PROGRAM "Testprogram" 1.0
#GEN 20250115
#FNAMN "Testkommunen"
#ORGNR 212000-0000
#RAR 0 20250101 20251231
#DIM 1 "Ansvar"
#KONTO 1930 "Bank"
#KONTO 5010 "Löner"
"""


def sie_bytes(body: str, *, header: str = HEADER, encoding: str = "cp437") -> bytes:
    return (header + body).encode(encoding)


def voucher(*rows: str, head: str = '#VER A 1 20250110 "Text"') -> str:
    return head + "\n{\n" + "".join(f"   {row}\n" for row in rows) + "}\n"


def one_row(row: str) -> dict:
    """The single #TRANS row of a file with `row` and its counter-entry, as a dict."""
    ledger = parse(sie_bytes(voucher(row)))
    return ledger.transactions.row(0, named=True)


# --- amounts ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "ore"),
    [
        ("-128.00", -12800),
        ("12", 1200),
        ("1.5", 150),
        ("-0.5", -50),
        ("0", 0),
        ("12.340", 1234),
        ("+5", 500),
        (".5", 50),
        ("9999999999999.99", 999999999999999),
        ("123456789012345678.00", 12345678901234567800),
    ],
)
def test_amounts_become_exact_ore(amount, ore):
    if ore > 2**63 - 1:
        with pytest.raises(SieError, match="är för stort"):
            parse(sie_bytes(voucher(f"#TRANS 5010 {{}} {amount}")))
        return
    # given a row with the amount; when parsed; then the amount is integer öre
    assert one_row(f"#TRANS 5010 {{}} {amount}")["amount_ore"] == ore


# --- fields, quoting and object lists ----------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("#TRANS 5010 {} 100.00", {"account": "5010", "object": "", "objects": "", "date": None, "text": ""}),
        ('#TRANS 5010 {1 "41020"} 100.00', {"object": "41020", "objects": "1=41020"}),
        ("#TRANS 5010 {1 Nord} 100.00", {"object": "Nord", "objects": "1=Nord"}),
        ('#TRANS 5010 {"1" "Nord" "6" "P1"} 100.00', {"object": "Nord", "objects": "1=Nord;6=P1"}),
        ('#TRANS 5010 {6 "P1" 1 "Nord"} 100.00', {"object": "Nord", "objects": "1=Nord;6=P1"}),
        ("#TRANS 5010 { } 100.00", {"object": "", "objects": ""}),
        ('#TRANS 5010 {1 "Nord Syd"} 100.00', {"object": "Nord Syd", "objects": "1=Nord Syd"}),
        ("#TRANS 5010 {01 Nord} 100.00", {"object": "Nord", "objects": "1=Nord"}),
        ('#TRANS 5010 {6 "P1"} 100.00', {"object": "", "objects": "6=P1"}),
        ('#TRANS 5010 {1 "N" 6 "P" 7 "X"} 1', {"object": "N", "objects": "1=N;6=P;7=X"}),
        ('#TRANS\t5010\t{}\t100.00\t20250111\t"Med tabbar"', {"date": date(2025, 1, 11), "text": "Med tabbar"}),
        ('#TRANS   5010    {}      100.00   20250111  "Utfyllt"   ', {"date": date(2025, 1, 11), "text": "Utfyllt"}),
        ('#TRANS 5010 {} 100.00 "" "Utan datum"', {"date": None, "text": "Utan datum"}),
        ('#TRANS 5010 {} 100.00 "20250112" Bar', {"date": date(2025, 1, 12), "text": "Bar"}),
        ('#TRANS 5010 {} 100.00 20250112 "Citat \\"inne\\" här"', {"text": 'Citat "inne" här'}),
        ('#TRANS 5010 {} 100.00 20250112 "1820\\A022 Cykel"', {"text": "1820\\A022 Cykel"}),
        ('#TRANS 5010 {} 100.00 20250112 "Ök" 3.5 "sign"', {"text": "Ök"}),
        ('#TRANS 5010 {} 100.00 20250112 "Ök" 3.5 "sign" "framtida fält"', {"text": "Ök"}),
        ('#TRANS 5010 {} 100.00 20250112 "260    aaaa', {"text": "260    aaaa"}),
        ('#TRANS 5010 {} 100.00 20250112 "leverant"r"', {"text": 'leverant"r'}),
        ("#trans 5010 {} 100.00", {"account": "5010"}),
        ('#TRANS "5010" {} 100.00', {"account": "5010"}),
    ],
)
def test_row_fields(row, expected):
    # given a voucher with one row written this way; when parsed; then the fields are read as expected
    got = one_row(row)
    assert {key: got[key] for key in expected} == expected


def test_voucher_fields_escapes_and_empty_series():
    # given vouchers with an escaped quote in the text, an empty series and number 0, and no text
    body = (
        voucher("#TRANS 1930 {} 1", "#TRANS 5010 {} -1", head='#VER "" 0 20250102 "Div \\"om- och till\\""')
        + voucher("#TRANS 1930 {} 1", "#TRANS 5010 {} -1", head="#VER B 7 20250103")
        + voucher("#TRANS 1930 {} 1", "#TRANS 5010 {} -1", head='#VER\tC\t8\t20250104\t"Tabb"\t20250105')
    )
    # when parsed
    vouchers = parse(sie_bytes(body)).vouchers
    # then
    assert vouchers.select("voucher", "series", "number", "date", "text").rows() == [
        (0, "", "0", date(2025, 1, 2), 'Div "om- och till"'),
        (1, "B", "7", date(2025, 1, 3), ""),
        (2, "C", "8", date(2025, 1, 4), "Tabb"),
    ]
    assert vouchers.get_column("line").to_list() == [12, 17, 22]


def test_transactions_have_voucher_index_and_line_numbers():
    body = (
        voucher("#TRANS 1930 {} -5", "#TRANS 5010 {1 Nord} 5")
        + "\n"
        + voucher("#TRANS 1930 {} -7", "#TRANS 5010 {} 7", head='#VER A 2 20250201 "Två"')
    )
    ledger = parse(sie_bytes(body))
    assert ledger.transactions.select("voucher", "account", "amount_ore", "line").rows() == [
        (0, "1930", -500, 14),
        (0, "5010", 500, 15),
        (1, "1930", -700, 20),
        (1, "5010", 700, 21),
    ]
    assert ledger.transactions.schema == pl.Schema(
        {
            "voucher": pl.Int64,
            "account": pl.Categorical(),
            "object": pl.Categorical(),
            "objects": pl.Categorical(),
            "amount_ore": pl.Int64,
            "date": pl.Date,
            "text": pl.Categorical(),
            "line": pl.Int64,
        }
    )


def test_only_trans_rows_count_not_rtrans_or_btrans():
    # given a voucher where a row was removed (#BTRANS) and one added (#RTRANS followed by its #TRANS)
    body = voucher(
        '#BTRANS 1930 {} -1000 20250110 "" "" "Christer"',
        '#RTRANS 1930 {} -800 20250110 "" "" "Christer"',
        "#TRANS 1930 {} -800 20250110",
        "#TRANS 5010 {} 800",
    )
    ledger = parse(sie_bytes(body))
    assert ledger.transactions.get_column("amount_ore").to_list() == [-80000, 80000]


def test_unknown_labels_are_ignored_also_inside_a_voucher():
    body = "#MOMSKOD 2610 25 {konstigt\n" + voucher("#TRANS 1930 {} 1", "#NYHET 1 2 3", "#TRANS 5010 {} -1")
    ledger = parse(sie_bytes(body))
    assert ledger.transactions.height == 2


def test_ver_without_opening_brace_takes_the_rows_that_follow():
    # given the e-conomic shape: #VER, an empty line instead of {, rows and }
    body = '#VER "" 19 20250806 ""\n\n#TRANS 8910 {} 3000 20250806 ""\n#TRANS 1630 {} -3000 20250806 ""\n}\n'
    ledger = parse(sie_bytes(body))
    assert ledger.vouchers.select("series", "number").rows() == [("", "19")]
    assert ledger.transactions.get_column("amount_ore").to_list() == [300000, -300000]


def test_rar_zero_without_dates_and_fiscal_years_sorted():
    header = HEADER.replace("#RAR 0 20250101 20251231\n", "#RAR 0\n#RAR -1 20240101 20241231\n")
    ledger = parse(sie_bytes("", header=header))
    assert ledger.fiscal_years == [
        sie.FiscalYear(0, None, None),
        sie.FiscalYear(-1, date(2024, 1, 1), date(2024, 12, 31)),
    ]


def test_header_fields():
    header = HEADER + '#VALUTA EUR\n#DIM 6 "Projekt"\n#UNDERDIM 61 "Delprojekt" 6\n#OBJEKT 1 "41020" "Hemtjänst Norr"\n'
    ledger = parse(sie_bytes(voucher("#TRANS 1930 {} 1", "#TRANS 5010 {} -1"), header=header), file_name="k.se")
    assert (ledger.file_name, ledger.company, ledger.orgnr, ledger.program, ledger.currency) == (
        "k.se",
        "Testkommunen",
        "212000-0000",
        "Testprogram 1.0",
        "EUR",
    )
    assert ledger.generated_on == date(2025, 1, 15)
    assert ledger.dimensions == {"1": "Ansvar", "6": "Projekt", "61": "Delprojekt"}
    assert ledger.objects == {("1", "41020"): "Hemtjänst Norr"}
    assert ledger.accounts == {"1930": "Bank", "5010": "Löner"}


# --- types ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sietyp", "extra", "expected"),
    [
        ("#SIETYP 4\n", "", "4I"),
        ("#SIETYP 4\n", "#IB 0 1930 100.00\n", "4E"),
        ("#SIETYP 4\n", "#PSALDO 0 202501 5010 {} 1.00\n", "4E"),
        ("#SIETYP 3\n", "", "3"),
        ("#SIETYP 2\n", "", "2"),
        ("", "", "1"),
    ],
)
def test_sie_type(sietyp, extra, expected):
    header = HEADER.replace("#SIETYP 4\n", sietyp) + extra
    body = voucher("#TRANS 1930 {} 1", "#TRANS 5010 {} -1") if expected.startswith("4") else ""
    assert parse(sie_bytes(body, header=header)).sie_type == expected


# --- encodings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "encoding", "name"),
    [
        (sie_bytes('#OBJEKT 1 "Å" "Åsa skola på ön"\n', encoding="cp437"), "cp437", "Åsa skola på ön"),
        (sie_bytes('#OBJEKT 1 "Å" "Åsa skola på ön"\n', encoding="utf-8"), "utf-8", "Åsa skola på ön"),
        (sie_bytes('#OBJEKT 1 "Å" "Åsa skola på ön"\n', encoding="latin-1"), "latin-1", "Åsa skola på ön"),
        (
            sie_bytes('#OBJEKT 1 "Å" "Åsa skola på ön, 5 €"\n', encoding="iso-8859-15"),
            "iso-8859-15",
            "Åsa skola på ön, 5 €",
        ),
        (
            b"\xef\xbb\xbf" + sie_bytes('#OBJEKT 1 "Å" "Åsa skola på ön"\n', encoding="utf-8"),
            "utf-8",
            "Åsa skola på ön",
        ),
        (sie_bytes('#OBJEKT 1 "Å" "Åsa skola på ön"\n').replace(b"\n", b"\r\n") + b"\x1a", "cp437", "Åsa skola på ön"),
        # a CP437 file with one stray Latin-1 byte stays CP437
        (
            sie_bytes('#OBJEKT 1 "Å" "Åsa skola på ön"\n#KONTO 3000 "F\xf6rs"\n'.replace("\xf6", "ö")),
            "cp437",
            "Åsa skola på ön",
        ),
    ],
)
def test_encodings_are_detected(data, encoding, name):
    ledger = parse(data)
    assert ledger.encoding == encoding
    assert ledger.objects[("1", "Å")] == name
    assert ledger.company == "Testkommunen"
    assert ledger.accounts["5010"] == "Löner"


def test_stray_latin1_byte_in_a_cp437_file_still_parses():
    data = sie_bytes('#OBJEKT 1 "Å" "Åsa skola på ön"\n') + b'#KONTO 3000 "F\xf6rs\xe4ljning"\n'
    ledger = parse(data)
    assert ledger.encoding == "cp437"
    assert ledger.objects[("1", "Å")] == "Åsa skola på ön"
    assert ledger.accounts["3000"] == "F÷rsΣljning"  # the stray bytes read as CP437


def test_texts_of_rows_and_vouchers_are_decoded():
    body = voucher(
        '#TRANS 5010 {1 "Ösby"} 1 20250110 "Lön åt Åsa"', "#TRANS 1930 {} -1", head='#VER Ä 1 20250110 "Förskola"'
    )
    for encoding in ("cp437", "utf-8", "latin-1"):
        ledger = parse(sie_bytes(body, encoding=encoding))
        assert ledger.vouchers.select("series", "text").row(0) == ("Ä", "Förskola")
        assert ledger.transactions.select("object", "objects", "text").row(0) == ("Ösby", "1=Ösby", "Lön åt Åsa")


# --- reconciliation ------------------------------------------------------------------------------


def test_unbalanced_vouchers_are_reported_not_refused():
    body = voucher("#TRANS 1930 {} -100", "#TRANS 5010 {} 99.50") + voucher(
        "#TRANS 1930 {} -1", "#TRANS 5010 {} 1", head='#VER A 2 20250111 "Ok"'
    )
    reconciliation = parse(sie_bytes(body)).reconciliation
    assert reconciliation.unbalanced_vouchers == [("A", "1", -50)]
    assert not reconciliation.ok
    assert reconciliation.as_dict()["unbalanced_vouchers"] == [["A", "1", -50]]


def test_reconciliation_against_the_files_own_balances():
    # given IB/UB/RES/PSALDO where one UB and one PSALDO disagree with the rows
    extra = (
        "#IB 0 1930 1000.00\n#UB 0 1930 900.00\n#UB 0 2440 5.00\n#RES 0 5010 100.00\n"
        "#PSALDO 0 202501 5010 {} 60.00\n#PSALDO 0 202502 5010 {} 40.00\n#PSALDO 0 202502 5010 {1 Nord} 45.00\n"
    )
    body = voucher("#TRANS 1930 {} -60", "#TRANS 5010 {1 Nord} 60") + voucher(
        "#TRANS 1930 {} -40", "#TRANS 5010 {1 Nord} 40", head='#VER A 2 20250201 "Feb"'
    )
    reconciliation = parse(sie_bytes(body, header=HEADER + extra)).reconciliation
    assert reconciliation.checked == {
        "res_eq_sum_trans": "1/1",
        "ub_eq_ib_plus_sum_trans": "1/2",
        "psaldo_eq_sum_trans_by_month": "2/2",
        "psaldo_objects_eq_sum_trans_by_month": "0/1",
    }
    assert reconciliation.differences == [
        {
            "kind": "UB",
            "year": 0,
            "account": "2440",
            "month": None,
            "objects": "",
            "file_ore": 500,
            "trans_ore": 0,
        },
        {
            "kind": "PSALDO",
            "year": 0,
            "account": "5010",
            "month": "2025-02",
            "objects": "1=Nord",
            "file_ore": 4500,
            "trans_ore": 4000,
        },
    ]
    assert reconciliation.ksumma == "absent"
    assert not reconciliation.ok


def test_vouchers_of_the_previous_year_are_checked_against_its_balances():
    header = HEADER + "#RAR -1 20240101 20241231\n#RES -1 5010 7.00\n#RES 0 5010 1.00\n"
    body = voucher("#TRANS 1930 {} -7", "#TRANS 5010 {} 7", head='#VER A 1 20241230 "I fjol"') + voucher(
        "#TRANS 1930 {} -1", "#TRANS 5010 {} 1", head='#VER A 2 20250102 "I år"'
    )
    reconciliation = parse(sie_bytes(body, header=header)).reconciliation
    assert reconciliation.checked == {"res_eq_sum_trans": "1/1", "res_eq_sum_trans@-1": "1/1"}
    assert reconciliation.ok


def ksumma_file(checksum: int | None) -> bytes:
    records = ['#PROGRAM "Test" 1.0', "#SIETYP 4", '#FNAMN "Bolag \\"AB\\""', '#VER A 1 20250101 "Två ord"']
    rows = ['#TRANS 1930 {1 "Nord"} -1.00', "#TRANS 5010 {} 1.00"]
    content = (
        '#PROGRAMTest1.0#SIETYP4#FNAMNBolag "AB"#VERA120250101Två ord'
        + "#TRANS19301Nord-1.00#TRANS5010{}1.00".replace("{}", "")
    )
    value = zlib.crc32(content.encode("cp437")) if checksum is None else checksum
    text = "#FLAGGA 0\n#KSUMMA\n" + "\n".join(records) + "\n{\n" + "\n".join(rows) + "\n}\n" + f"#KSUMMA {value}\n"
    return text.encode("cp437")


@pytest.mark.parametrize(("checksum", "status"), [(None, "verified"), (123456789, "mismatch")])
def test_ksumma_is_verified(checksum, status):
    assert parse(ksumma_file(checksum)).reconciliation.ksumma == status


def test_ksumma_of_a_utf8_file_computed_over_cp437():
    data = ksumma_file(None).decode("cp437").encode("utf-8")
    ledger = parse(data)
    assert (ledger.encoding, ledger.reconciliation.ksumma) == ("utf-8", "verified")


# --- the result as a whole ----------------------------------------------------------------------


def test_units_and_summary():
    # given rows on two units, two months and a balance-sheet row without object
    body = voucher('#TRANS 5010 {1 "41020"} 100', '#TRANS 3010 {1 "41020"} -30', "#TRANS 1930 {} -70") + voucher(
        '#TRANS 5010 {1 "41030" 6 "P1"} 5', "#TRANS 1930 {} -5", head='#VER L 1 20250205 "Lön"'
    )
    ledger = parse(sie_bytes(body), file_name="kommun.se")
    assert ledger.unit_totals() == {
        "": {"2025-01": {"1": -7000}, "2025-02": {"1": -500}},
        "41020": {"2025-01": {"3": -3000, "5": 10000}},
        "41030": {"2025-02": {"5": 500}},
    }
    summary = ledger.summary()
    assert json.loads(json.dumps(summary)) == summary
    assert summary == {
        "sie_type": "4I",
        "fiscal_years": [{"index": 0, "start": "2025-01-01", "end": "2025-12-31"}],
        "vouchers": 2,
        "transactions": 5,
        "units": ledger.unit_totals(),
        "reconciliation": {
            "ok": True,
            "unbalanced_vouchers": [],
            "differences": [],
            "checked": {},
            "ksumma": "absent",
        },
        "company": "Testkommunen",
        "orgnr": "212000-0000",
        "encoding": "cp437",
        "dimension": "1",
    }


def test_another_dimension_identifies_the_units():
    body = voucher('#TRANS 5010 {1 "41030" 6 "P1"} 5', "#TRANS 1930 {} -5")
    ledger = parse(sie_bytes(body), dimension="6")
    assert ledger.transactions.get_column("object").to_list() == ["P1", ""]
    assert set(ledger.unit_totals()) == {"P1", ""}


def test_period_balances_budgets_and_object_balances():
    extra = (
        "#PSALDO 0 202501 5010 {1 Nord 7 1} 60.00 3\n#PBUDGET 0 202501 5010 {} 50.00\n"
        "#PBUDGET 0 1119 202502 -1666.00\n#OIB 0 1930 {1 Nord} 1.00\n#OUB 0 1930 {1 Nord} 2.00\n"
    )
    ledger = parse(sie_bytes("", header=HEADER.replace("#SIETYP 4", "#SIETYP 3") + extra))
    assert ledger.period_balances.rows() == [(0, "2025-01", "5010", "Nord", "1=Nord;7=1", 6000)]
    assert ledger.period_budgets.rows() == [
        (0, "2025-01", "5010", "", "", 5000),
        (0, "2025-02", "1119", "", "", -166600),
    ]
    assert ledger.object_balances.rows() == [
        ("OIB", 0, "1930", "Nord", "1=Nord", 100),
        ("OUB", 0, "1930", "Nord", "1=Nord", 200),
    ]


def test_balances():
    extra = "#IB 0 1930 100.00 5\n#UB 0 1930 90.00\n#RES 0 5010 10.00\n#IB -1 1930 7\n"
    ledger = parse(sie_bytes("", header=HEADER + extra))
    assert ledger.balances == {
        "IB": {(0, "1930"): 10000, (-1, "1930"): 700},
        "UB": {(0, "1930"): 9000},
        "RES": {(0, "5010"): 1000},
    }


def test_progress_is_reported_up_to_one():
    seen = []
    parse(sie_bytes(voucher("#TRANS 1930 {} 1", "#TRANS 5010 {} -1")), progress=seen.append)
    assert seen[0] == 0.0
    assert seen[-1] == 1.0
    assert seen == sorted(seen)


def test_a_path_reads_like_the_bytes(tmp_path):
    data = sie_bytes(voucher('#TRANS 5010 {1 "Åsa"} 1', "#TRANS 1930 {} -1"))
    path = tmp_path / "bokföring.se"
    path.write_bytes(data)
    from_path, from_bytes = parse(path), parse(data)
    assert from_path.file_name == "bokföring.se"
    assert from_path.transactions.equals(from_bytes.transactions)
    assert from_path.vouchers.equals(from_bytes.vouchers)


# --- refusals ------------------------------------------------------------------------------------

ROWS_OK = ("#TRANS 1930 {} -1", "#TRANS 5010 {} 1")


@pytest.mark.parametrize(
    ("body", "header", "line", "message"),
    [
        ("", "", None, "filen är tom"),
        ("", " \n\r\n", None, "filen är tom"),
        ("#PROGRAM x 1\n#FLAGGA 0\n", "", 1, "filen börjar inte med en SIE-post (#FLAGGA)"),
        ("\n\n#SIETYP 4\n", "", 3, "filen börjar inte med en SIE-post (#FLAGGA)"),
        (voucher("#TRANS 5010 {} 12,5x", "#TRANS 1930 {} 1"), HEADER, 14, 'beloppet "12,5x" i #TRANS är inte ett tal'),
        (
            voucher("#TRANS 5010 {} 1.005", "#TRANS 1930 {} 1"),
            HEADER,
            14,
            'beloppet "1.005" i #TRANS har fler än två decimaler',
        ),
        (voucher("#TRANS 5010 {}", "#TRANS 1930 {} 1"), HEADER, 14, "#TRANS saknar fält 3 (beloppet)"),
        (
            voucher("#TRANS 5010 1.00", "#TRANS 1930 {} 1"),
            HEADER,
            14,
            'fält 2 i #TRANS ska vara en objektlista {...}, inte "1.00"',
        ),
        (
            voucher("#TRANS 5010 {} 1 20250230"),
            HEADER,
            14,
            'datumet "20250230" i #TRANS är inte ett giltigt datum (ÅÅÅÅMMDD)',
        ),
        (voucher("#TRANS 5010 {1} 1"), HEADER, 14, "objektlistan i #TRANS har ett udda antal element"),
        (voucher("#TRANS 5010 {1 A 1 B} 1"), HEADER, 14, "dimension 1 förekommer två gånger i objektlistan i #TRANS"),
        (voucher('#TRANS 5010 {1 ""} 1'), HEADER, 14, "objektet för dimension 1 i objektlistan i #TRANS är tomt"),
        (voucher("#TRANS 5010 {X A} 1"), HEADER, 14, 'dimensionen "X" i objektlistan i #TRANS är inte ett nummer'),
        (voucher("#TRANS 5010 {1 Nord 1"), HEADER, 14, "objektlistan saknar avslutande }"),
        (voucher("#TRANS 5010 {1 {Nord}} 1"), HEADER, 14, "objektlistor kan inte nästlas"),
        (
            voucher(*ROWS_OK, head="#VER A 1 20251301"),
            HEADER,
            12,
            'datumet "20251301" i #VER är inte ett giltigt datum',
        ),
        (voucher(*ROWS_OK, head='#VER A 1 20250101 "x" 2025'), HEADER, 12, 'registreringsdatumet "2025" i #VER'),
        (voucher(*ROWS_OK, head="#VER A"), HEADER, 12, "#VER saknar fält 2"),
        (
            '#VER A 12 20250101 "x"\n{\n#TRANS 1930 {} 1\n' + voucher(*ROWS_OK),
            HEADER,
            12,
            "verifikation A 12 som började på rad 12 saknar avslutande } före nästa #VER",
        ),
        (
            '#VER A 12 20250101 "x"\n{\n#TRANS 1930 {} 1\n',
            HEADER,
            14,
            "filen slutar mitt i verifikation A 12 som började på rad 12",
        ),
        ('#VER A 12 20250101 "x"\n#KONTO 1 "x"\n', HEADER, 12, "efter #VER A 12 ska en rad med { följa"),
        ('#VER A 12 20250101 "x"\n', HEADER, 12, "efter #VER A 12 ska en rad med { följa"),
        ("{\n#TRANS 1930 {} 1\n}\n", HEADER, 12, "{ utan föregående #VER"),
        (voucher(*ROWS_OK) + "}\n", HEADER, 17, "} utan öppnande {"),
        ("#TRANS 1930 {} 1\n", HEADER, 12, "#TRANS står utanför en verifikation"),
        (voucher("#TRANS 1930 {} 1", '#KONTO 1 "x"'), HEADER, 15, "#KONTO får inte stå inuti en verifikation"),
        ("hej hopp\n", HEADER, 12, 'raden börjar inte med en etikett (#...) utan med "hej hopp"'),
        ("#SIETYP 4\n", HEADER, 12, "#SIETYP förekommer redan på rad 3"),
        ("", HEADER.replace("#SIETYP 4", "#SIETYP 5"), 3, "SIE-typ 5 finns inte"),
        (
            voucher(*ROWS_OK),
            HEADER.replace("#SIETYP 4", "#SIETYP 3"),
            12,
            "#VER får bara förekomma i SIE typ 4, filen är typ 3",
        ),
        ("#IB 0 1930 1\n#IB 0 1930 2\n", HEADER, 13, "#IB för år 0 och konto 1930 förekommer redan på rad 12"),
        ("#RAR 0 20250101 20251231\n", HEADER, 12, "#RAR för år 0 förekommer redan på rad 8"),
        ("#RAR -1 20250101\n", HEADER, 12, "#RAR -1 har bara ett av start- och slutdatum"),
        ("#RAR -1 20250101 20240101\n", HEADER, 12, "startdatumet 20250101 är efter slutdatumet 20240101"),
        ("#PSALDO 0 202513 5010 {} 1\n", HEADER, 12, 'perioden "202513" i #PSALDO är inte en giltig period (ÅÅÅÅMM)'),
        ("#IB x 1930 1\n", HEADER, 12, 'årsnumret "x" i #IB är inte ett heltal'),
        ("#GEN 2025\n", HEADER.replace("#GEN 20250115\n", ""), 11, 'datumet "2025" i #GEN är inte ett giltigt datum'),
        ("#KSUMMA\n", HEADER, 12, "#KSUMMA ska finnas två gånger"),
        ("#KSUMMA 1\n#KSUMMA 2\n", HEADER, 12, "den första #KSUMMA ska inte ha någon kontrollsumma"),
        ("#KSUMMA\n#KSUMMA x\n", HEADER, 13, 'kontrollsumman "x" i #KSUMMA är inte ett tal'),
        ("#KSUMMA\n#KSUMMA 5\n#KONTO 1 x\n", HEADER, 13, "#KSUMMA med kontrollsumma ska vara filens sista post"),
        ("#FNAMN x\x00y\n", HEADER, 12, "NUL-tecken"),
    ],
)
def test_malformed_files_are_refused_with_line_and_reason(body, header, line, message):
    # given a file with one problem; when parsed; then SieError says where and what
    with pytest.raises(SieError) as refused:
        parse((header + body).encode("cp437"), file_name="fil.se")
    assert refused.value.line == line
    assert message in refused.value.message
    assert str(refused.value) == (f"fil.se, rad {line}: " if line else "fil.se: ") + refused.value.message


def test_the_first_problem_in_the_file_is_the_one_reported():
    body = voucher("#TRANS 5010 {} x", "#TRANS 1930 {} 1") + "#TRANS 1 {} 1\n" + "#IB y 1 1\n"
    with pytest.raises(SieError) as refused:
        parse(sie_bytes(body))
    assert refused.value.line == 14


def test_error_message_without_file_name():
    error = SieError("", 12, "något är fel")
    assert str(error) == "rad 12: något är fel"
    assert isinstance(error, ValueError)
