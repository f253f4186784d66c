"""The stored layout of an import's rows (ADR 20): consecutive ids ordered by object, month and file order, one
block of ids per object and month, the drill-down and deletions by those ranges, and the migration that brings
rows stored before the layout into it."""

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from intraprenad.economy.models import LedgerImport, Transaction, TransactionBlock, Voucher
from intraprenad.economy.queries import ledger as queries
from intraprenad.economy.rules.ledger import merge_ranges
from intraprenad.economy.services import ledger as services

from . import test_ledger_fixtures as fixtures
from .test_ledger_fixtures import NORR, SYD, on, sie_file, standard_file, voucher

media = fixtures.media
mapped = fixtures.mapped

S = LedgerImport.Status

# --- the rule: joining id ranges -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ranges", "merged"),
    [
        ([], []),
        ([(5, 9)], [(5, 9)]),
        ([(1, 3), (4, 6)], [(1, 6)]),  # touching
        ([(4, 6), (1, 3)], [(1, 6)]),  # in any order
        ([(1, 3), (5, 6)], [(1, 3), (5, 6)]),  # a gap of one id
        ([(1, 10), (2, 3)], [(1, 10)]),  # inside
        ([(1, 4), (3, 8), (20, 20)], [(1, 8), (20, 20)]),  # overlapping
    ],
)
def test_merge_ranges(ranges, merged):
    assert merge_ranges(ranges) == merged


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 8)).map(lambda t: (t[0], t[0] + t[1])), max_size=12))
def test_merged_ranges_cover_the_same_ids_apart_and_in_order(ranges):
    merged = merge_ranges(ranges)

    def ids(parts):
        return {i for first, last in parts for i in range(first, last + 1)}

    assert ids(merged) == ids(ranges)
    assert all(merged[k][1] + 1 < merged[k + 1][0] for k in range(len(merged) - 1))


# --- the stored layout ------------------------------------------------------------------------------


def imported(muni, data=None):
    return services.import_ledger(by=muni.users.economist, data=data or standard_file(), file_name="hb.se")


def assert_layout(ledger_import: LedgerImport) -> None:
    """Every row of the import lies in exactly one block, of its own object and month, and the blocks' ranges
    are the import's ids without gaps."""
    rows = list(
        Transaction.objects.filter(ledger_import=ledger_import)
        .order_by("id")
        .values_list("id", "object_id", "period", "position")
    )
    blocks = list(ledger_import.blocks.order_by("first_id").values_list("object_id", "period", "first_id", "last_id"))
    assert rows and blocks
    assert [r[0] for r in rows] == list(range(rows[0][0], rows[0][0] + len(rows)))  # consecutive
    assert blocks[0][2] == rows[0][0] and blocks[-1][3] == rows[-1][0]
    for (_, _, _, last), (_, _, first, _) in zip(blocks, blocks[1:], strict=False):
        assert first == last + 1
    by_id = {r[0]: r for r in rows}
    for obj, period, first, last in blocks:
        assert {(by_id[i][1], by_id[i][2]) for i in range(first, last + 1)} == {(obj, period)}
    assert sorted(r[3] for r in rows) == list(range(len(rows)))  # every place in the file once


def test_rows_are_stored_by_object_and_month_in_blocks(mapped):
    ledger_import = imported(mapped)
    assert_layout(ledger_import)
    blocks = set(ledger_import.blocks.values_list("object_id", "period"))
    assert blocks == {("", 202501), ("", 202502), (NORR, 202501), (NORR, 202502), (SYD, 202501)}


def test_a_voucher_shows_its_rows_in_the_order_of_the_file(mapped):
    imported(mapped)
    salary = Voucher.objects.get(series="L", number="1")
    rows = [(row.account, row.object_id, row.amount_ore) for row in queries.voucher_rows(salary)]
    assert rows == [("5010", NORR, 300000), ("5010", SYD, 100000), ("1930", "", -400000)]


def test_the_drilldown_reads_the_figure_by_its_blocks(mapped):
    imported(mapped)
    year = queries.drilldown(mapped.norr, 2025)
    assert sorted(year.transactions.values_list("account", "amount_ore")) == [
        ("3010", -500000),
        ("5010", 200000),
        ("5010", 300000),
    ]
    assert year.total_ore == year.figure_ore == 0
    february = queries.drilldown(mapped.norr, 2025, 2)
    assert list(february.transactions.values_list("account", "amount_ore")) == [("5010", 200000)]
    assert queries.drilldown(mapped.syd, 2025, 2).transactions.count() == 0


def test_a_replaced_import_leaves_no_rows_or_blocks_and_ids_are_not_reused(mapped):
    first = imported(mapped)
    first_ids = set(Transaction.objects.filter(ledger_import=first).values_list("id", flat=True))
    newer = sie_file(
        voucher("A", "1", "20250115", [("3010", on(NORR), "-7000.00"), ("1930", "{}", "7000.00")]), gen="20260301"
    )
    second = imported(mapped, newer)
    first.refresh_from_db()
    assert first.status == S.REPLACED
    assert not Transaction.objects.filter(ledger_import=first).exists()
    assert not TransactionBlock.objects.filter(ledger_import=first).exists()
    assert_layout(second)
    assert min(Transaction.objects.values_list("id", flat=True)) > max(first_ids)
    third = imported(mapped, standard_file(company="Annan kommun", orgnr="212000-1111"))
    assert_layout(third)
    assert Transaction.objects.count() == 2 + 7
    revenue = queries.drilldown(mapped.norr, 2025, 1, "revenue").transactions  # both current imports
    assert [(row.ledger_import_id, row.amount_ore) for row in revenue] == [(second.pk, -700000), (third.pk, -500000)]


def test_rows_can_still_be_added_by_the_database_after_an_import(mapped):
    # the importer reserves its ids; the table's own counter must be past them afterwards
    ledger_import = imported(mapped)
    highest = Transaction.objects.order_by("-id").values_list("id", flat=True)[0]
    extra = Transaction.objects.create(
        ledger_import=ledger_import,
        voucher=Voucher.objects.first(),
        account="1930",
        period=202501,
        amount_ore=0,
    )
    assert extra.pk > highest


# --- the migration ----------------------------------------------------------------------------------


def test_the_migration_stores_older_rows_in_blocks(mapped):
    ledger_import = imported(mapped)
    # the layout before ADR 20: file order, no blocks, no positions
    rows = list(Transaction.objects.filter(ledger_import=ledger_import).order_by("position").values())
    Transaction.objects.all().delete()
    TransactionBlock.objects.all().delete()
    for row in rows:
        row.pop("id")
        row["position"] = 0
    Transaction.objects.bulk_create(Transaction(**row) for row in rows)
    migration = __import__("intraprenad.economy.migrations.0003_transaction_blocks", fromlist=["x"])
    migration.blocks_for_stored_rows(apps, SimpleNamespace(connection=connection))
    assert_layout(ledger_import)
    salary = Voucher.objects.get(series="L", number="1")
    assert [row.object_id for row in queries.voucher_rows(salary)] == [NORR, SYD, ""]
    assert queries.drilldown(mapped.norr, 2025).transactions.count() == 3
