"""The SIE parser on every file in ../shared/testdata/sie/, against its row in manifest.json."""

import json
import re
import threading

import polars as pl
import pytest

from intraprenad.economy import sie
from intraprenad.economy.sie import parse
from intraprenad.economy.tests.test_ledger_fixtures import find_testdata

TESTDATA = find_testdata()
MANIFEST = TESTDATA / "manifest.json"
ROWS = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else []
pytestmark = pytest.mark.skipif(not ROWS, reason=f"SIE test files not found in {TESTDATA} (set SIE_TESTDATA)")


def ksumma_status() -> dict[str, str]:
    """The KS column of SOURCES.md: ✓ verified, ✗ mismatch, empty absent."""
    statuses = {}
    for line in (TESTDATA / "SOURCES.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 12 and cells[1].startswith("`"):
            statuses[cells[1].strip("`")] = {"✓": "verified", "✗": "mismatch", "": "absent"}[cells[11]]
    return statuses


KSUMMA = ksumma_status() if ROWS else {}


def by_class(transactions: pl.DataFrame) -> dict[str, int]:
    sums = (
        transactions.group_by(cls=pl.col("account").cast(pl.String).str.head(1))
        .agg(pl.col("amount_ore").sum())
        .sort("cls")
    )
    return dict(sums.iter_rows())


@pytest.mark.parametrize("row", ROWS, ids=[row["file"] for row in ROWS])
def test_file_is_read_as_the_manifest_says(row):
    # given a sample file and what the manifest says about it
    expect = row["expect"]
    # when parsed
    ledger = parse((TESTDATA / row["file"]).read_bytes(), file_name=row["file"])
    # then
    transactions = ledger.transactions
    assert transactions.height == expect["trans_rows"]
    assert transactions.filter(pl.col("objects") != "").height == expect["trans_rows_with_objects"]
    unbalanced = ledger.reconciliation.unbalanced_vouchers
    assert [list(voucher) for voucher in unbalanced] == expect["unbalanced_vouchers"]
    assert len(unbalanced) == expect["n_unbalanced"]
    assert by_class(transactions) == expect["trans_sum_ore_by_account_class"]
    years = [f"{y.index} {y.start:%Y%m%d} {y.end:%Y%m%d}" if y.start else str(y.index) for y in ledger.fiscal_years]
    assert sorted(years) == sorted(expect["rar"])
    assert sorted(ledger.dimensions) == sorted(expect["dims_declared"])
    checked = {key: value for key, value in ledger.reconciliation.checked.items() if key in expect["invariants_year0"]}
    assert checked == expect["invariants_year0"]
    assert ledger.reconciliation.ksumma == KSUMMA[row["file"]]
    assert ledger.sie_type[0] == row["sietyp"]
    assert ledger.vouchers.height == row["ver"]


@pytest.mark.parametrize(
    ("name", "encoding", "company"),
    [
        ("SieFile__SIE4_Exempelfil.SE", "cp437", "Övningsbolaget AB"),
        # re-encoded as UTF-8 with replacement characters by its author: the file itself has U+FFFD
        ("jsisie__SIE4_Exempelfil_med_underdim.SE", "utf-8", "\ufffdvningsbolaget AB"),
        ("Sie4j__BLBLOV_SIE4_ISO_8859_15.SE", "latin-1", "Övningsföretaget AB"),
        ("Sie4j__BLBLOV_SIE4_UTF_8_with_imbalanced_voucher.SE", "utf-8", "Övningsföretaget AB"),
        ("sie4sdk__Sie4I1ksumma.SI", "utf-8", "Målerifirman Axelsson & Johnsson AB"),
        ("jsisie__transaktioner_ovnbolag.se", "cp437", "Övningsbolaget AB (Ekonomi 60)"),
    ],
)
def test_encodings_found_in_the_wild(name, encoding, company):
    ledger = parse(TESTDATA / name)
    assert (ledger.encoding, ledger.company) == (encoding, company)


def test_the_official_example_file_reads_its_swedish_letters():
    ledger = parse(TESTDATA / "SieFile__SIE4_Exempelfil.SE")
    assert ledger.company == "Övningsbolaget AB"
    assert any("ä" in name or "ö" in name or "å" in name for name in ledger.accounts.values())


@pytest.mark.parametrize(
    "name",
    [
        "jsisie__transaktioner_ovnbolag.se",
        "jsisie__MAMUT_SIE4_EXPORT.SE",
        "SIEParser__9_sie-gruppen-e-conomic.se",
        "SIEParser__44_sie4.se",  # with #KSUMMA: read in order, the checksum runs across the chunks
    ],
)
def test_small_chunks_and_two_threads_give_the_same_ledger(name, monkeypatch):
    # given a file parsed whole, and the same file cut into several chunks read by two threads
    whole = parse(TESTDATA / name)
    monkeypatch.setattr(sie, "CHUNK_BYTES", 16384)
    pieces = parse(TESTDATA / name)
    # then everything is the same
    assert pieces.transactions.equals(whole.transactions)
    assert pieces.vouchers.equals(whole.vouchers)
    assert pieces.reconciliation == whole.reconciliation
    assert pieces.balances == whole.balances
    assert pieces.period_balances.equals(whole.period_balances)


@pytest.mark.parametrize(
    ("cut", "line", "message"),
    [
        # the bad-balance file with line 3907 (a #TRANS row) broken in three ways
        (lambda text: text.replace("-12899.00", "-128,99"), 3907, 'beloppet "-128,99" i #TRANS är inte ett tal'),
        (lambda text: re.sub(r"\n}\n#VER B 2 ", "\n#VER B 2 ", text, count=1), 3905, "verifikation B 1 som började"),
        (
            lambda text: text[: text.rindex("\n", 0, text.index("-12899.00")) + 1],
            3906,
            "filen slutar mitt i verifikation B 1 som började på rad 3905",
        ),
    ],
)
def test_broken_copies_of_a_real_file_are_refused(cut, line, message, monkeypatch):
    text = (TESTDATA / "jsisie__transaktioner_ovnbolag-bad-balance.se").read_bytes().decode("cp437")
    monkeypatch.setattr(sie, "CHUNK_BYTES", 32768)  # also across chunks
    with pytest.raises(sie.SieError) as refused:
        parse(cut(text).encode("cp437"))
    assert refused.value.line == line
    assert message in refused.value.message


def test_progress_comes_from_the_calling_thread_in_order(monkeypatch):
    # given a file read in many chunks by two threads
    monkeypatch.setattr(sie, "CHUNK_BYTES", 16384)
    seen = []
    # when parsed with a progress callback
    parse(TESTDATA / "jsisie__transaktioner_ovnbolag.se", progress=lambda f: seen.append((f, threading.get_ident())))
    # then every report comes from this thread, rising to 1.0
    assert {ident for _f, ident in seen} == {threading.get_ident()}
    fractions = [f for f, _ident in seen]
    assert fractions == sorted(fractions)
    assert len(fractions) > 5
    assert fractions[-1] == 1.0


def test_a_failure_while_the_chunks_are_read_stops_the_worker_too(monkeypatch):
    # given a file read in many chunks, and a caller whose progress callback fails after the first chunk
    monkeypatch.setattr(sie, "CHUNK_BYTES", 16384)
    original = sie._Parser.read_chunk
    read: list[int] = []

    def counting(self, chunk, first_line, **kwargs):
        read.append(first_line)
        return original(self, chunk, first_line, **kwargs)

    monkeypatch.setattr(sie._Parser, "read_chunk", counting)

    class Stop(Exception):
        pass

    def fail(fraction):
        if fraction > 0.05:
            raise Stop

    # when it is parsed, the failure comes through and the chunks not yet started are never read
    with pytest.raises(Stop):
        parse(TESTDATA / "jsisie__transaktioner_ovnbolag.se", progress=fail)
    after_failure = len(read)
    read.clear()
    parse(TESTDATA / "jsisie__transaktioner_ovnbolag.se")
    # (without cancelling, the worker would still read every chunk given to it: half of them, plus the first)
    assert 1 <= after_failure < 1 + len(read) // 2
