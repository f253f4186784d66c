"""Builders shared by the ledger tests (no tests here): small SIE files and a municipality whose two home-care units
are mapped to ledger objects 41020 and 41030 (dimension 1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from intraprenad.economy.services import ledger as services


def find_testdata() -> Path:
    """The public SIE test files (`shared/testdata/sie` beside the checkout, or $SIE_TESTDATA)."""
    if os.environ.get("SIE_TESTDATA"):
        return Path(os.environ["SIE_TESTDATA"])
    here = Path(__file__).resolve()
    for folder in [*here.parents, Path("/work")]:
        candidate = folder / "shared" / "testdata" / "sie"
        if (candidate / "manifest.json").exists():
            return candidate
    return here.parents[4] / "shared" / "testdata" / "sie"


TESTDATA = find_testdata()
needs_testdata = pytest.mark.skipif(
    not (TESTDATA / "manifest.json").exists(), reason=f"SIE test files not found in {TESTDATA} (set SIE_TESTDATA)"
)
NORR, SYD, SCHOOL = "41020", "41030", "52010"

Row = tuple[str, str, str]  # account, object list as written in the file ("{}" or {1 "41020"}), amount "1000.00"


def voucher(series: str, number: str, day: str, rows: list[Row], text: str = "Verifikation") -> str:
    lines = [f'#VER {series} {number} {day} "{text}"', "{"]
    lines += [f"   #TRANS {account} {objects} {amount}" for account, objects, amount in rows]
    lines.append("}")
    return "\n".join(lines)


def sie_file(
    *vouchers: str,
    gen: str = "20260115",
    orgnr: str = "212000-0000",
    company: str = "Testkommun",
    year: int = 2025,
    sietyp: int = 4,
    records: str = "",
    export: bool = True,
) -> bytes:
    """An SIE file; `export` adds an opening balance, which makes a type 4 file a 4E export of the whole year
    (without it, a 4I file of vouchers to add)."""
    head = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        f"#SIETYP {sietyp}",
        '#PROGRAM "Test" 1.0',
        f"#GEN {gen}",
        f'#FNAMN "{company}"',
        f"#ORGNR {orgnr}" if orgnr else "",
        f"#RAR 0 {year}0101 {year}1231",
        '#DIM 1 "Ansvar"',
        '#DIM 6 "Projekt"',
        f'#OBJEKT 1 "{NORR}" "Hemvården Norr"',
        f'#OBJEKT 1 "{SYD}" "Hemvården Syd"',
        '#KONTO 3010 "Avgifter"',
        '#KONTO 5010 "Löner"',
        '#KONTO 1930 "Bank"',
    ]
    if export:
        records = "#IB 0 1930 0.00\n" + records
    text = "\n".join(line for line in head if line) + "\n" + records + "\n".join(vouchers) + "\n"
    return text.encode("cp437")


def on(obj: str, project: str | None = None) -> str:
    return f'{{1 "{obj}" 6 "{project}"}}' if project else f'{{1 "{obj}"}}'


def standard_file(**kwargs) -> bytes:
    """January: Norr earns 5 000 and pays 3 000 in salaries, Syd pays 1 000; February: Norr pays 2 000."""
    return sie_file(
        voucher("A", "1", "20250115", [("3010", on(NORR), "-5000.00"), ("1930", "{}", "5000.00")], "Avgifter"),
        voucher(
            "L",
            "1",
            "20250125",
            [("5010", on(NORR, "P1"), "3000.00"), ("5010", on(SYD), "1000.00"), ("1930", "{}", "-4000.00")],
            "Lön januari",
        ),
        voucher("L", "2", "20250225", [("5010", on(NORR), "2000.00"), ("1930", "{}", "-2000.00")], "Lön februari"),
        **kwargs,
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def mapped(muni, media):
    """The municipality with Hemvården Norr (41020) and Hemvården Syd (41030, comparable) followed."""
    economist = muni.users.economist
    muni.norr = services.set_result_unit(by=economist, org_unit=muni.unit, is_comparison=False, objects=[NORR])
    muni.syd = services.set_result_unit(by=economist, org_unit=muni.other_unit, is_comparison=True, objects=[SYD])
    return muni


def actual_figures(result_unit, year: int = 2025) -> dict[tuple[int, str], int]:
    return {(a.month, a.line): a.amount_ore for a in result_unit.actuals.filter(year=year)}
