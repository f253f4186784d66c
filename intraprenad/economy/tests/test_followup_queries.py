"""The follow-up's queries: a unit's report (months, year to date, forecast with method and band, chart
series) and the board overview (only units in scope, figures equal to the sums, the same forecast as the
unit report, a fixed number of queries however many units)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from intraprenad.accounts.models import OrgUnit, User
from intraprenad.economy.models import EarlyWarning, ForecastEntry, MonthlyActual
from intraprenad.economy.queries import followup as queries
from intraprenad.economy.tests.test_followup_data import (
    ACTUAL_MONTH,
    KR,
    YEAR,
    add_actuals,
    approved_budget,
    home_care,
    result_unit,
)


def seasonal_history(unit, years=(YEAR - 2, YEAR - 1)):
    """Earlier years where personnel costs are twice as high in the first half (2/3 of the year by June)."""
    for year in years:
        for month in range(1, 13):
            personnel = -200_000 * KR if month <= 6 else -100_000 * KR
            MonthlyActual.objects.create(
                result_unit=unit, year=year, month=month, line="personnel", amount_ore=personnel
            )
            MonthlyActual.objects.create(
                result_unit=unit, year=year, month=month, line="revenue", amount_ore=150_000 * KR
            )


# --- one unit ------------------------------------------------------------------------------------------


def test_the_unit_report_after_the_latest_month(muni):
    unit = home_care(muni)
    report = queries.unit_report(unit, year=YEAR)
    assert report.month == report.latest_month == 2
    assert report.month_name == "februari"
    # year to date per line and net
    personnel = next(row for row in report.lines if row.line == "personnel")
    assert personnel.ytd.budget_ore == -1_600_000 * KR
    assert personnel.ytd.actual_ore == -1_900_000 * KR
    assert personnel.ytd.deviation_ore == -300_000 * KR
    assert str(personnel.ytd.deviation_percent) == "-18.8"
    assert personnel.budget_year_ore == -9_600_000 * KR
    assert personnel.forecast_ore == -11_400_000 * KR
    assert report.net.ytd.actual_ore == -400_000 * KR
    assert report.net.ytd.budget_ore == 0
    assert report.net.ytd.deviation_percent is None  # a balanced budget: no percentage
    # the months: actuals only where imported
    assert [row.net.actual_ore for row in report.months[:3]] == [-200_000 * KR, -200_000 * KR, None]
    assert report.months[0].cells[0].line == "revenue"
    # the forecast: run rate without earlier years
    assert report.forecast.method == "run_rate"
    assert report.forecast.fallback == "no_history"
    assert report.forecast.result_ore == -2_400_000 * KR
    assert report.forecast_deviation_ore == -2_400_000 * KR
    assert report.band[0] <= report.forecast.result_ore <= report.band[1]
    # the chart series
    assert report.budget_cum == [0] * 12
    assert report.actual_cum[:3] == [-200_000 * KR, -400_000 * KR, None]
    assert report.forecast_path[0] is None
    assert report.forecast_path[1] == -400_000 * KR
    assert report.forecast_path[11] == -2_400_000 * KR
    assert report.chart_rows[11]["forecast"] == -2_400_000 * KR


def test_the_unit_report_for_an_earlier_month_and_with_a_manual_forecast(muni):
    unit = home_care(muni)
    ForecastEntry.objects.create(
        result_unit=unit,
        year=YEAR,
        month=1,
        result_ore=-1_000_000 * KR,
        comment="Engångskostnad i januari.",
        entered_by=muni.users.unit_head,
        entered_at=timezone.now(),
    )
    report = queries.unit_report(unit, year=YEAR, month=1)
    assert report.net.ytd.actual_ore == -200_000 * KR
    assert report.forecast.method == "manual"
    assert report.forecast.result_ore == -1_000_000 * KR
    assert report.forecast.run_rate_ore == -2_400_000 * KR
    assert report.manual.comment == "Engångskostnad i januari."
    assert all(row.forecast_ore is None for row in report.lines)  # a manual forecast is the net only
    # the February report does not use January's manual forecast
    assert queries.unit_report(unit, year=YEAR, month=2).forecast.method == "run_rate"


def test_the_seasonal_profile_of_earlier_complete_years(muni):
    unit = result_unit(muni.unit)
    seasonal_history(unit)
    # an incomplete earlier year (only January) does not count
    MonthlyActual.objects.create(result_unit=unit, year=YEAR - 3, month=1, line="personnel", amount_ore=-1)
    add_actuals(unit, months=range(1, 7), per_month={"personnel": -300_000 * KR, "revenue": 150_000 * KR})
    report = queries.unit_report(unit, year=YEAR)
    assert report.month == 6
    assert report.forecast.method == "seasonal"
    assert report.forecast.history_years == (YEAR - 2, YEAR - 1)
    # personnel: 1,8 mnkr by June is 2/3 of the year → 2,7 mnkr; revenue evenly → 1,8 mnkr
    assert report.forecast.lines == {"revenue": 1_800_000 * KR, "personnel": -2_700_000 * KR}
    assert report.forecast.result_ore == -900_000 * KR
    assert report.forecast.run_rate_ore == -1_800_000 * KR
    assert report.band == (-1_800_000 * KR, -900_000 * KR)


def test_a_month_without_actuals_has_no_forecast(muni):
    unit = home_care(muni)
    report = queries.unit_report(unit, year=YEAR, month=5)
    assert report.is_incomplete
    assert report.forecast is None
    assert report.net.ytd.actual_ore == -400_000 * KR
    assert report.net.ytd.budget_ore == 0


def test_a_year_without_actuals_or_budget(muni):
    unit = result_unit(muni.unit)
    report = queries.unit_report(unit, year=YEAR)
    assert report.month == 0
    assert not report.has_budget
    assert report.forecast is None
    assert report.actual_cum == [None] * 12


# --- the board overview ----------------------------------------------------------------------------------


def many_units(muni):
    """Hemvården Norr (intraprenad, −200 000 kr/month), Hemvården Syd (comparable, on budget) and Åsa skola."""
    norr = home_care(muni)
    syd = result_unit(muni.other_unit, is_comparison=True)
    approved_budget(syd)
    add_actuals(syd, per_month={"revenue": 1_000_000 * KR, "personnel": -750_000 * KR, "other": -200_000 * KR})
    school = result_unit(muni.school)
    approved_budget(school, per_month={"revenue": 500_000 * KR, "personnel": -500_000 * KR})
    add_actuals(school, per_month={"revenue": 500_000 * KR, "personnel": -600_000 * KR})
    return norr, syd, school


def test_the_overview_groups_units_by_board_and_type_with_intraprenader_first(muni):
    norr, syd, school = many_units(muni)
    overview = queries.overview(muni.users.admin, year=YEAR)
    assert overview.month == 2
    assert [(g.board, g.service_type, [r.name for r in g.rows]) for g in overview.groups] == [
        ("Barn- och utbildningsnämnden", "Grundskola", ["Åsa skola"]),
        ("Socialnämnden", "Hemtjänst", ["Hemvården Norr", "Hemvården Syd"]),
    ]
    norr_row = overview.groups[1].rows[0]
    assert not norr_row.is_comparison and overview.groups[1].rows[1].is_comparison
    assert norr_row.actual_ytd_ore == -400_000 * KR
    assert norr_row.forecast.method == "run_rate"
    assert norr_row.forecast.result_ore == -2_400_000 * KR


def test_overview_figures_equal_the_sums_of_the_units(muni):
    many_units(muni)
    overview = queries.overview(muni.users.admin, year=YEAR)
    rows = overview.rows
    for group in overview.groups:
        assert group.totals.actual_ytd_ore == sum(r.actual_ytd_ore for r in group.rows)
        assert group.totals.budget_ytd_ore == sum(r.budget_ytd_ore for r in group.rows)
    assert overview.totals.actual_ytd_ore == sum(r.actual_ytd_ore for r in rows)
    assert overview.totals.actual_ytd_ore == sum(
        MonthlyActual.objects.filter(month__lte=2).values_list("amount_ore", flat=True)
    )
    assert overview.totals.forecast_ore == sum(r.forecast.result_ore for r in rows)
    assert overview.totals.units == 3
    assert overview.intraprenad_totals.units == 2
    assert overview.comparison_totals.actual_ytd_ore == 100_000 * KR
    assert (
        overview.intraprenad_totals.actual_ytd_ore + overview.comparison_totals.actual_ytd_ore
        == overview.totals.actual_ytd_ore
    )


def test_overview_and_unit_report_agree_for_every_unit(muni):
    units = many_units(muni)
    seasonal_history(units[2])
    overview = queries.overview(muni.users.admin, year=YEAR)
    for row in overview.rows:
        report = queries.unit_report(next(u for u in units if u.pk == row.unit_id), year=YEAR, month=overview.month)
        assert row.actual_ytd_ore == report.net.ytd.actual_ore
        assert row.budget_ytd_ore == report.net.ytd.budget_ore
        assert row.budget_year_ore == report.net.budget_year_ore
        assert (row.forecast.method, row.forecast.result_ore) == (report.forecast.method, report.forecast.result_ore)


@pytest.mark.parametrize(
    ("role", "names"),
    [
        ("unit_head", ["Hemvården Norr"]),
        ("other_unit_head", ["Hemvården Syd"]),
        ("staff", ["Hemvården Norr"]),
        ("economist", ["Hemvården Norr", "Hemvården Syd"]),
        ("board_member", ["Hemvården Norr", "Hemvården Syd"]),
        ("school_officer", ["Åsa skola"]),
        ("admin", ["Åsa skola", "Hemvården Norr", "Hemvården Syd"]),
        ("evaluator", []),
        ("no_role", []),
    ],
)
def test_the_overview_shows_only_units_in_scope(muni, role, names):
    many_units(muni)
    overview = queries.overview(getattr(muni.users, role), year=YEAR)
    assert [row.name for row in overview.rows] == names
    assert overview.totals.units == len(names)


def test_the_overview_flags_open_warnings_and_units_without_actuals_for_the_month(muni):
    norr, syd, school = many_units(muni)
    add_actuals(norr, months=[3])
    EarlyWarning.objects.create(
        result_unit=norr,
        year=YEAR,
        month=2,
        method="run_rate",
        forecast_ore=-1,
        threshold_ore=0,
        created_at=timezone.now(),
    )
    overview = queries.overview(muni.users.admin, year=YEAR)
    assert overview.month == 3
    by_name = {row.name: row for row in overview.rows}
    assert by_name["Hemvården Norr"].has_open_warning
    assert not by_name["Hemvården Syd"].has_open_warning
    assert by_name["Hemvården Syd"].is_incomplete
    assert by_name["Hemvården Syd"].forecast is None
    # a unit without a forecast counts with its budget in the forecast total
    assert overview.totals.forecast_ore == sum(r.forecast_or_budget_ore for r in overview.rows)


def test_the_overview_uses_the_same_few_queries_for_32_units_as_for_62(muni):
    many_units(muni)

    def add_units(count: int) -> None:
        for _ in range(count):
            number = OrgUnit.objects.count()
            org = OrgUnit.objects.create(name=f"Enhet {number}", kind=OrgUnit.Kind.UNIT, parent=muni.administration)
            unit = result_unit(org, is_comparison=number % 2 == 0)
            approved_budget(unit)
            add_actuals(unit, months=range(1, 4), per_month=ACTUAL_MONTH)

    def queries_for_overview() -> tuple[int, int]:
        user = User.objects.get(pk=muni.users.economist.pk)  # as in a new request: scopes are read again
        with CaptureQueriesContext(connection) as captured:
            overview = queries.overview(user, year=YEAR)
        return len(captured), overview.totals.units

    add_units(30)
    few, units = queries_for_overview()
    assert units == 32
    add_units(30)
    many, units = queries_for_overview()
    assert units == 62
    assert many == few <= 16


def test_an_overview_without_actuals(muni):
    result_unit(muni.unit)
    overview = queries.overview(muni.users.admin, year=YEAR)
    assert overview.month == 0
    assert overview.rows == []
