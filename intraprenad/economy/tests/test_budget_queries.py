"""The budget queries other parts and pages rely on: the approved version and its amounts, years, versions, the
multi-year view, a budget as a table, and what a new draft can start from."""

from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext as _

from intraprenad.economy.lines import LINE_ORDER, Line
from intraprenad.economy.models import LedgerObject, LedgerSettings, MonthlyActual
from intraprenad.economy.queries import budget as queries
from intraprenad.economy.services import budget as services
from intraprenad.economy.tests.test_budget_services import ANNUAL, MSEK, START_UP, approved, index_for, result_unit

L = Line


def test_approved_budget_and_amounts_follow_the_current_version(muni):
    # given v1 approved, then v2 approved in its place, and a draft for another year
    first = approved(muni, 2025, items=[START_UP])
    second = services.new_version(by=muni.users.economist, budget=first)
    services.update_draft(by=muni.users.economist, budget=second, annual={L.PERSONNEL: -12_00}, items=[], comment="")
    services.approve_budget(by=muni.users.economist, budget=second)
    services.draft_budget(by=muni.users.economist, result_unit=first.result_unit, year=2026, annual=ANNUAL)
    unit_id = first.result_unit_id
    # then the approved version and its amounts are v2's
    assert queries.approved_budget(unit_id, 2025) == second
    assert queries.approved_budget(unit_id, 2026) is None
    amounts = queries.approved_amounts([unit_id], 2025)
    assert set(amounts) == {unit_id}
    assert set(amounts[unit_id]) == set(range(1, 13))
    assert amounts[unit_id][1] == {L.PERSONNEL: -1_00}
    assert queries.approved_amounts(None, 2026) == {}


def test_approved_amounts_include_one_time_items_and_every_unit(muni):
    north = approved(muni, 2025, items=[START_UP])
    south = approved(muni, 2025, unit=muni.other_unit, annual={L.REVENUE: 12_00})
    amounts = queries.approved_amounts(None, 2025)
    assert set(amounts) == {north.result_unit_id, south.result_unit_id}
    assert amounts[north.result_unit_id][1][L.REVENUE] == 100_000_000 + 150_000_000
    assert amounts[south.result_unit_id][12] == {L.REVENUE: 1_00}
    total = sum(sum(month.values()) for month in amounts[north.result_unit_id].values())
    assert total == sum(ANNUAL.values()) + START_UP["amount_ore"]


def test_approved_amounts_in_two_queries(muni):
    for unit in (muni.unit, muni.other_unit):
        approved(muni, 2025, unit=unit)
    with CaptureQueriesContext(connection) as queries_run:
        queries.approved_amounts(None, 2025)
    assert len(queries_run) == 2


def test_budget_years_and_versions(muni):
    first = approved(muni, 2024)
    approved(muni, 2026)
    services.new_version(by=muni.users.economist, budget=first)
    unit_id = first.result_unit_id
    assert queries.budget_years(unit_id) == [2024, 2026]
    assert [(b.year, b.version) for b in queries.versions(unit_id)] == [(2026, 1), (2024, 2), (2024, 1)]
    assert [b.version for b in queries.versions(unit_id, 2024)] == [2, 1]
    assert queries.next_budget_year(unit_id, date(2025, 5, 1)) == 2027
    assert queries.next_budget_year(result_unit(muni, muni.other_unit).pk, date(2025, 5, 1)) == 2026


def test_multi_year_view_columns_rows_index_and_change(muni):
    # given 2024 approved, no approved 2025 (only a draft), and 2026 approved after indexing from... 2025 missing
    approved(muni, 2024)
    unit = result_unit(muni)
    services.draft_budget(by=muni.users.economist, result_unit=unit, year=2025, annual=ANNUAL)
    index_for(2025, personnel="2.00")
    approved(muni, 2026, annual={**ANNUAL, L.PERSONNEL: -10 * MSEK})
    # when the multi-year view is built
    view = queries.multi_year(unit.pk)
    # then every year with a budget is a column; 2025 has no approved amounts but the index table's rates
    assert [c.year for c in view.columns] == [2024, 2025, 2026]
    assert view.columns[1].budget is None
    assert view.columns[1].rates.personnel == Decimal("2.00")
    assert view.columns[2].rates is None
    rows = dict(view.rows)
    personnel = rows[str(L.PERSONNEL.label)]
    assert [c.amount_ore for c in personnel] == [-9 * MSEK, None, -10 * MSEK]
    # the change is against the year before only when both have approved budgets
    assert [c.change_percent for c in personnel] == [None, None, None]
    assert view.net[0].amount_ore == sum(ANNUAL.values())
    assert len(view.rows) == len(LINE_ORDER)


def test_multi_year_change_and_the_index_the_budget_was_built_with(muni):
    first = approved(muni, 2025)
    index_for(2026)
    draft = services.draft_from_previous(by=muni.users.economist, result_unit=first.result_unit, year=2026)
    services.approve_budget(by=muni.users.economist, budget=draft)
    # the index table is revised afterwards; the view shows what the budget was built with
    services.set_budget_index(
        by=muni.users.economist, year=2026, personnel_percent=Decimal("5"), other_percent=1, source="SKR februari"
    )
    view = queries.multi_year(first.result_unit_id)
    assert view.columns[1].source == "SKR PKV oktober"
    assert view.columns[1].rates.personnel == Decimal("3.10")
    rows = dict(view.rows)
    assert rows[str(L.PERSONNEL.label)][1].change_percent == Decimal("3.1")
    assert rows[str(L.FINANCIAL.label)][1].change_percent == Decimal("0.0")
    assert view.net[1].change_ore == sum(_annual(draft).values()) - sum(ANNUAL.values())


def _annual(budget):
    return {line: sum(months) for line, months in queries.budget_months(budget).items()}


def test_multi_year_view_in_a_fixed_number_of_queries(muni):
    for year in (2022, 2023, 2024, 2025):
        approved(muni, year)
    unit_id = result_unit(muni).pk
    with CaptureQueriesContext(connection) as queries_run:
        queries.multi_year(unit_id)
    assert len(queries_run) == 4


def test_budget_table_rows_totals_and_items(muni):
    budget = services.draft_budget(
        by=muni.users.economist, result_unit=result_unit(muni), year=2025, annual=ANNUAL, items=[START_UP]
    )
    table = queries.budget_table(budget)
    assert [row.line for row in table.rows] == list(LINE_ORDER)
    revenue = table.rows[0]
    assert revenue.months_ore[0] == 250_000_000
    assert revenue.total_ore == 12 * MSEK + 150_000_000
    assert revenue.base_total_ore == 12 * MSEK
    assert table.total_ore == sum(ANNUAL.values()) + 150_000_000
    assert sum(table.month_totals_ore) == table.total_ore
    assert table.items[0]["amount_ore"] == 150_000_000


def test_actual_profiles_from_monthly_actuals(muni):
    unit = result_unit(muni)
    MonthlyActual.objects.create(result_unit=unit, year=2024, month=7, line=L.PERSONNEL, amount_ore=-5_00)
    MonthlyActual.objects.create(result_unit=unit, year=2025, month=7, line=L.PERSONNEL, amount_ore=-9_00)
    profiles = queries.actual_profiles(unit.pk, 2024)
    assert profiles[L.PERSONNEL] == [0] * 6 + [-5_00] + [0] * 5
    assert profiles[L.REVENUE] == [0] * 12


def test_the_start_up_frame_increase_is_suggested_in_the_first_year(muni):
    from intraprenad.lifecycle.models import Intraprenad

    unit = result_unit(muni)
    assert queries.start_up_offer(unit) is None
    assert queries.suggested_items(unit, 2022) == []
    Intraprenad.objects.create(
        name="Hemvården Norr",
        unit=muni.unit,
        board=muni.board,
        service_type="Hemtjänst",
        one_time_frame_increase=Decimal("1500000.00"),
        created_at=datetime(2021, 6, 1, 10, tzinfo=UTC),
    )
    assert queries.start_up_offer(unit)["year"] == 2022
    assert queries.suggested_items(unit, 2022) == [
        {"line": L.REVENUE, "description": _("Start-up frame increase"), "amount_ore": 150_000_000, "month": 1}
    ]
    assert queries.suggested_items(unit, 2023) == []


def test_unit_resolver_by_ledger_object_name_or_short_name(muni):
    north = result_unit(muni)
    south = result_unit(muni, muni.other_unit)
    LedgerObject.objects.create(result_unit=north, dimension=LedgerSettings.current().unit_dimension, object_id="41020")
    LedgerObject.objects.create(result_unit=south, dimension="9", object_id="41030")
    resolve = queries.unit_resolver()
    assert resolve("41020") == north
    assert resolve(" HEMVÅRDEN SYD ") == south
    assert resolve("41030") is None  # an object of another dimension does not name a unit
    assert resolve("") is None
