"""`manage.py import_sie`: the JSON summary, dry runs that store nothing, refusals on stderr with a non-zero exit,
and every file of the shared SIE test data handled as its manifest says."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from intraprenad.accounts.models import AuditEvent
from intraprenad.economy.models import LedgerImport, MonthlyActual, Transaction, Voucher

from . import test_ledger_fixtures as fixtures
from .test_ledger_fixtures import TESTDATA, needs_testdata, standard_file

media = fixtures.media
mapped = fixtures.mapped
MANIFEST = json.loads((TESTDATA / "manifest.json").read_text(encoding="utf-8")) if TESTDATA.exists() else []
OVNBOLAG = TESTDATA / "jsisie__transaktioner_ovnbolag.se"


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_sie", *[str(a) for a in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


def by_class(units: dict) -> dict[str, int]:
    totals: dict[str, int] = {}
    for months in units.values():
        for classes in months.values():
            for cls, ore in classes.items():
                totals[cls] = totals.get(cls, 0) + ore
    return {cls: ore for cls, ore in totals.items() if ore}


@needs_testdata
@pytest.mark.parametrize("dimension", ["1", "6", "7"])
def test_json_prints_one_object_with_the_units_of_the_chosen_dimension(mapped, dimension):
    expect = next(e for e in MANIFEST if e["file"] == OVNBOLAG.name)["expect"]
    # when
    body = json.loads(run(OVNBOLAG, "--json", "--dry-run", "--dimension", dimension, "--user", "ekonom"))
    # then
    assert {"sie_type", "fiscal_years", "vouchers", "transactions", "units", "reconciliation"} <= set(body)
    assert "import" not in body
    assert (body["sie_type"], body["vouchers"], body["transactions"]) == ("4E", 163, expect["trans_rows"])
    assert by_class(body["units"]) == expect["trans_sum_ore_by_account_class"]
    assert all(len(month) == 7 and month[4] == "-" for months in body["units"].values() for month in months)
    assert body["reconciliation"]["ok"] is True
    assert [y["index"] for y in body["fiscal_years"]] == [0, -1]


@needs_testdata
def test_a_dry_run_stores_nothing(mapped):
    before = AuditEvent.objects.count()
    run(OVNBOLAG, "--dry-run", "--user", "ekonom")
    assert (LedgerImport.objects.count(), Voucher.objects.count(), Transaction.objects.count()) == (0, 0, 0)
    assert MonthlyActual.objects.count() == 0 and AuditEvent.objects.count() == before


@needs_testdata
def test_an_import_with_json_adds_the_import(mapped):
    body = json.loads(run(OVNBOLAG, "--json", "--user", "ekonom"))
    ledger_import = LedgerImport.objects.get()
    assert body["import"] == {"id": ledger_import.pk, "status": "done", "message": ledger_import.message}
    assert body["transactions"] == Transaction.objects.count() == 671
    assert ledger_import.imported_by == mapped.users.economist
    # the same file again changes nothing
    again = json.loads(run(OVNBOLAG, "--json", "--user", "ekonom"))
    assert again["import"]["id"] == ledger_import.pk and LedgerImport.objects.count() == 1


@needs_testdata
def test_the_human_summary_names_the_file_the_counts_and_the_import(mapped):
    text = run(OVNBOLAG, "--user", "ekonom")
    ledger_import = LedgerImport.objects.get()
    assert OVNBOLAG.name in text and "163" in text and "671" in text
    assert f" {ledger_import.pk}:" in text


@needs_testdata
def test_an_unbalanced_file_is_refused_on_stderr_and_can_be_imported_anyway(mapped):
    bad = TESTDATA / "jsisie__transaktioner_ovnbolag-bad-balance.se"
    with pytest.raises(CommandError) as refused:
        run(bad, "--user", "ekonom")
    assert "B 1" in str(refused.value) and "−12\xa0771,00" in str(refused.value)
    assert LedgerImport.objects.count() == 0
    body = json.loads(run(bad, "--json", "--allow-differences", "--user", "ekonom"))
    assert body["import"]["status"] == "done"
    assert body["reconciliation"]["unbalanced_vouchers"] == [["B", "1", -1277100]]


@needs_testdata
def test_a_dry_run_of_a_file_that_would_be_refused_prints_the_json_and_exits_non_zero(mapped):
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_sie",
            str(TESTDATA / "sie__sie_file_with_unknown_entries.se"),
            "--json",
            "--dry-run",
            "--user",
            "ekonom",
            stdout=out,
        )
    assert json.loads(out.getvalue())["reconciliation"]["unbalanced_vouchers"] == [["A", "1", -4000]]


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"#FLAGGA 0\n#SIETYP 4\n#VER A 1 20250101\n", "rad"),
        (standard_file().replace(b"5000.00", b"5000,00", 1), "rad"),
        pytest.param(TESTDATA / "sie4sdk__Sie4E1ksumma.SI", "#KSUMMA", marks=needs_testdata),
    ],
)
def test_a_file_that_cannot_be_imported_gives_the_reason(mapped, tmp_path, data, needle):
    path = tmp_path / "fil.se"
    path.write_bytes(data if isinstance(data, bytes) else data.read_bytes())
    with pytest.raises(CommandError) as refused:
        run(path, "--allow-differences", "--user", "ekonom")
    assert needle in str(refused.value)
    assert LedgerImport.objects.count() == 0


def test_the_user_must_exist_and_may_import(mapped, tmp_path):
    with pytest.raises(CommandError) as no_superuser:
        run(OVNBOLAG)
    assert "--user" in str(no_superuser.value)
    with pytest.raises(CommandError):
        run(OVNBOLAG, "--user", "nobody")
    with pytest.raises(CommandError):
        run(OVNBOLAG, "--user", "enhetschef")
    with pytest.raises(CommandError):
        run(tmp_path / "missing.se", "--user", "ekonom")
    assert LedgerImport.objects.count() == 0


def test_without_user_the_first_superuser_imports(mapped):
    from intraprenad.accounts.models import User

    admin = User.objects.create_superuser("root", password="root-root-root")
    json.loads(run(OVNBOLAG, "--json"))
    assert LedgerImport.objects.get().imported_by == admin


@needs_testdata
@pytest.mark.parametrize("entry", MANIFEST, ids=[e["file"] for e in MANIFEST])
def test_every_test_file_is_handled_as_its_manifest_says(mapped, entry):
    path = TESTDATA / entry["file"]
    expect = entry["expect"]
    out = io.StringIO()
    refused = None
    try:
        call_command("import_sie", str(path), "--json", "--dry-run", "--user", "ekonom", stdout=out)
    except CommandError as error:
        refused = str(error)
    body = json.loads(out.getvalue())
    assert body["transactions"] == expect["trans_rows"]
    assert by_class(body["units"]) == {k: v for k, v in expect["trans_sum_ore_by_account_class"].items() if v}
    assert [list(v) for v in body["reconciliation"]["unbalanced_vouchers"]] == expect["unbalanced_vouchers"]
    # a file whose vouchers do not balance, or that disagrees with itself, is flagged and refused by default
    assert (refused is not None) == (not body["reconciliation"]["ok"])
    if expect["n_unbalanced"]:
        series, number, _ore = expect["unbalanced_vouchers"][0]
        assert f"{series} {number}".strip() in refused
    # and every file that is not damaged can be stored, with its differences recorded
    if body["reconciliation"]["ksumma"] == "mismatch":
        with pytest.raises(CommandError):
            run(path, "--allow-differences", "--user", "ekonom")
        return
    result = json.loads(run(path, "--json", "--allow-differences", "--user", "ekonom"))
    ledger_import = LedgerImport.objects.get(pk=result["import"]["id"])
    assert ledger_import.status == "done"
    assert ledger_import.transaction_count == Transaction.objects.count() == expect["trans_rows"]
    assert sum(Transaction.objects.values_list("amount_ore", flat=True)) == sum(
        expect["trans_sum_ore_by_account_class"].values()
    )
