"""The demo municipality's economy, built through the real services as the users would.

- The economist maps the units to ledger objects (dimension 1, "Ansvar"), keeps the index table and imports one
  SIE export per year (2021–2026; 2026 through October).
- Åsa skola (seed 001) runs deficits in 2021 and 2022. The 2021 closing is decided with a deficit, which opens an
  action plan; when its deadline passes without balance, the daily review raises the case for ending the
  intraprenad, which the board then decides (see `scenario._asa_school`).
- Hemvården Östra (seed 002) has surpluses in 2024 and 2025: the board's closings put the unit's share into its
  result fund, and the board approves a use of the fund for competence development. 2026 is followed up month by
  month with the unit head's own forecast; the comparable unit Hemvården Västra is heading for a deficit and gets
  an early warning.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from intraprenad.accounts.models import OrgUnit
from intraprenad.cases import services as cases
from intraprenad.economy.models import ResultUnit
from intraprenad.economy.services import budget as budgets
from intraprenad.economy.services import closing as closings
from intraprenad.economy.services import followup, ledger

from .ledger import UnitPlan, sie_export

MSEK = 100_000_000  # öre
TKR = 100_000  # öre in a thousand kronor

# (year, personnel %, other %, revenue %): a demo index in the style of SKR's price and wage index (PKV).
INDEX = (
    (2021, "2.1", "1.6", "2.0"),
    (2022, "2.6", "3.9", "3.0"),
    (2023, "3.4", "7.2", "4.4"),
    (2024, "4.1", "3.9", "4.0"),
    (2025, "3.5", "2.3", "3.1"),
    (2026, "3.2", "2.0", "2.8"),
)

OBJECTS = {
    "Hemvården Östra": "41010",
    "Hemvården Västra": "41020",
    "Dagliga verksamheten Kompassen": "41030",
    "Åsa skola": "31010",
    "Förskolan Solrosen": "31020",
    "Vårdboendet Linden": "51010",
}
COMPARABLE = {"Hemvården Västra", "Dagliga verksamheten Kompassen", "Förskolan Solrosen", "Vårdboendet Linden"}


def _lines(revenue: str, personnel: str, purchases: str, other: str, financial: str) -> dict[str, int]:
    def ore(msek: str) -> int:
        return int(Decimal(msek) * MSEK)

    return {
        "revenue": ore(revenue),
        "personnel": -ore(personnel),
        "purchases": -ore(purchases),
        "other": -ore(other),
        "financial": -ore(financial),
    }


# Budgets (approved) per unit and year, in MSEK: revenue, personnel, purchases, other, financial.
BUDGET_2021 = {
    "Åsa skola": _lines("18.1", "14.2", "1.1", "2.6", "0.2"),
    "Förskolan Solrosen": _lines("9.4", "7.6", "0.5", "1.2", "0.1"),
}
BUDGET_2024 = {
    "Hemvården Östra": _lines("41.0", "33.2", "2.4", "4.9", "0.5"),
    "Hemvården Västra": _lines("38.6", "31.4", "2.2", "4.6", "0.4"),
    "Dagliga verksamheten Kompassen": _lines("12.8", "9.9", "1.1", "1.6", "0.2"),
}

# What the ledger shows (the demo's "actual" years), in MSEK.
ACTUALS = {
    2021: {
        "Åsa skola": _lines("18.2", "14.9", "1.3", "2.7", "0.2"),  # deficit 0.9
        "Förskolan Solrosen": _lines("9.5", "7.5", "0.5", "1.3", "0.1"),
    },
    2022: {
        "Åsa skola": _lines("18.6", "15.6", "1.2", "2.9", "0.2"),  # deficit again
        "Förskolan Solrosen": _lines("9.7", "7.8", "0.5", "1.3", "0.1"),
    },
    2023: {
        "Hemvården Östra": _lines("39.5", "31.9", "2.3", "4.7", "0.5"),
        "Hemvården Västra": _lines("37.0", "30.6", "2.1", "4.6", "0.4"),
        "Dagliga verksamheten Kompassen": _lines("12.3", "9.6", "1.1", "1.5", "0.2"),
        "Förskolan Solrosen": _lines("10.1", "8.2", "0.5", "1.4", "0.1"),
    },
    2024: {
        "Hemvården Östra": _lines("41.3", "32.6", "2.3", "4.8", "0.5"),  # surplus 1.1
        "Hemvården Västra": _lines("38.6", "31.9", "2.3", "4.7", "0.4"),
        "Dagliga verksamheten Kompassen": _lines("12.8", "9.8", "1.1", "1.6", "0.2"),
        "Vårdboendet Linden": _lines("52.0", "43.5", "3.0", "5.3", "0.6"),
    },
    2025: {
        "Hemvården Östra": _lines("42.6", "33.9", "2.4", "5.0", "0.5"),  # surplus 0.8
        "Hemvården Västra": _lines("39.8", "33.0", "2.4", "4.9", "0.4"),
        "Dagliga verksamheten Kompassen": _lines("13.2", "10.2", "1.1", "1.7", "0.2"),
        "Vårdboendet Linden": _lines("53.6", "45.0", "3.1", "5.4", "0.6"),
    },
    2026: {  # whole-year plans; the export runs through October
        "Hemvården Östra": _lines("43.9", "35.2", "2.5", "5.2", "0.5"),
        "Hemvården Västra": _lines("40.9", "35.3", "2.6", "5.1", "0.4"),  # heading for a deficit
        "Dagliga verksamheten Kompassen": _lines("13.6", "10.6", "1.2", "1.7", "0.2"),
        "Vårdboendet Linden": _lines("55.2", "46.4", "3.2", "5.5", "0.6"),
    },
}


def _plans(year: int) -> list[UnitPlan]:
    return [UnitPlan(OBJECTS[name], name, lines) for name, lines in ACTUALS[year].items()]


def _import(economist, year: int, *, through_month: int = 12, generated_on: date | None = None) -> None:
    generated_on = generated_on or date(year + 1, 1, 20)
    data = sie_export(year=year, through_month=through_month, plans=_plans(year), generated_on=generated_on, seed=7)
    ledger.import_ledger(by=economist, data=data, file_name=f"demo-kommun-{year}.se")


def _unit(name: str) -> ResultUnit:
    return OrgUnit.objects.get(name=name).result_unit


def setup_ledger(o, u) -> None:
    """Map every unit to its ledger object and keep the index table."""
    for name, obj in OBJECTS.items():
        ledger.set_result_unit(
            by=u.admin, org_unit=OrgUnit.objects.get(name=name), is_comparison=name in COMPARABLE, objects=[obj]
        )
    for year, personnel, other, revenue in INDEX:
        budgets.set_budget_index(
            by=u.economist,
            year=year,
            personnel_percent=Decimal(personnel),
            other_percent=Decimal(other),
            revenue_percent=Decimal(revenue),
            source="Demoindex i stil med SKR:s prisindex för kommunal verksamhet (PKV)",
        )


def _approved(by, unit: ResultUnit, year: int, annual: dict[str, int] | None = None, items=()):
    if annual is None:
        budget = budgets.draft_from_previous(by=by, result_unit=unit, year=year, items=items)
    else:
        budget = budgets.draft_budget(by=by, result_unit=unit, year=year, annual=annual, items=items)
    return budgets.approve_budget(by=by, budget=budget)


def asa_deficit_years(o, u, intraprenad, head, fg_economist) -> None:
    """Åsa skola's 2021 and 2022: budgets, ledger, the 2021 closing with a deficit and its action plan."""
    for name, annual in BUDGET_2021.items():
        _approved(fg_economist, _unit(name), 2021, annual)
    _import(fg_economist, 2021, generated_on=date(2022, 1, 24))
    for name in BUDGET_2021:
        _approved(fg_economist, _unit(name), 2022)
    closing = closings.prepare_closing(
        by=fg_economist,
        intraprenad=intraprenad,
        year=2021,
        today=date(2022, 1, 31),
        comment="Personalkostnaderna blev högre än budgeterat: vikarier under sjukfrånvaro och en extra klass.",
    )
    meeting = cases.create_meeting(by=u.registrar, body=o.fg, date=date(2022, 2, 17), location="Kommunhuset")
    closings.decide_closing(
        by=u.fg_chair,
        closing=closing,
        meeting=meeting,
        decision_text="Nämnden fastställer Åsa skolas årsresultat 2021 och uppdrar åt enheten att ta fram en "
        "åtgärdsplan för att återställa den ekonomiska balansen.",
    )
    cases.hold_meeting(by=u.registrar, meeting=meeting)
    cases.approve_minutes(by=u.registrar, meeting=meeting, approved_on=date(2022, 2, 21), adjusters="Per Ek")
    plan = closing.action_plan
    closings.update_action_plan(
        by=head,
        plan=plan,
        summary="Underskottet beror på vikariekostnader och en klass utöver planeringen. Bemanningen ses över "
        "inför höstterminen och vikarier tas i första hand från den egna personalpoolen.",
    )
    closings.add_measure(
        by=head,
        plan=plan,
        description="Samla vikariebehovet i en gemensam pool med Förskolan Solrosen.",
        owner="Anders Åberg, rektor",
        due_on=date(2022, 8, 15),
        effect_ore=350 * TKR,
    )
    closings.add_measure(
        by=head,
        plan=plan,
        description="Slå samman två undervisningsgrupper i årskurs 5 från höstterminen.",
        owner="Anders Åberg, rektor",
        due_on=date(2022, 8, 15),
        effect_ore=400 * TKR,
    )
    closings.record_follow_up(
        by=fg_economist,
        plan=plan,
        date=date(2022, 10, 10),
        today=date(2022, 10, 10),
        note="Vikariepoolen är i gång men personalkostnaderna ligger fortfarande över budget efter september.",
        result_to_date_ore=-620 * TKR,
    )
    _import(fg_economist, 2022, generated_on=date(2023, 1, 23))


def escalate_asa(today: date):
    """The daily review after the deadline: the plan is escalated and the case for ending Åsa is raised."""
    (plan,) = closings.review_action_plans(today=today)
    return plan.termination


def home_care_years(o, u, intraprenad) -> None:
    """Hemvården Östra 2023–2026: budgets, ledger, two surplus years into the result fund, a use, a forecast."""
    economist, chair, head = u.economist, u.chair, u.head
    _import(economist, 2023, generated_on=date(2024, 1, 22))
    for name, annual in BUDGET_2024.items():
        _approved(economist, _unit(name), 2024, annual)
    _import(economist, 2024, generated_on=date(2025, 1, 21))
    for name in BUDGET_2024:
        _approved(economist, _unit(name), 2025)
    _close_surplus(o, u, intraprenad, 2024, meeting_on=date(2025, 2, 20), minutes_on=date(2025, 2, 24))
    meeting = cases.create_meeting(by=u.registrar, body=o.sn, date=date(2025, 5, 22), location="Kommunhuset")
    closings.record_fund_use(
        by=chair,
        intraprenad=intraprenad,
        meeting=meeting,
        purpose="kompetensutveckling",
        amount_ore=300 * TKR,
        description="Utbildning i demensvård för all personal hösten 2025",
        date=date(2025, 5, 22),
    )
    cases.hold_meeting(by=u.registrar, meeting=meeting)
    cases.approve_minutes(by=u.registrar, meeting=meeting, approved_on=date(2025, 5, 26), adjusters="Per Ek")
    _import(economist, 2025, generated_on=date(2026, 1, 20))
    for name in BUDGET_2024:
        _approved(economist, _unit(name), 2026)
    _close_surplus(o, u, intraprenad, 2025, meeting_on=date(2026, 2, 19), minutes_on=date(2026, 2, 23))
    _import(economist, 2026, through_month=10, generated_on=date(2026, 11, 10))
    followup.enter_forecast(
        by=head,
        result_unit=_unit("Hemvården Östra"),
        year=2026,
        month=10,
        result_ore=450 * TKR,
        comment="Två tjänster har stått vakanta under hösten och rekryteras till januari; "
        "december väntas som ett vanligt månadsutfall.",
    )
    followup.check_early_warnings(year=2026, today=date(2026, 11, 12))


def _close_surplus(o, u, intraprenad, year: int, *, meeting_on: date, minutes_on: date) -> None:
    closing = closings.prepare_closing(
        by=u.economist,
        intraprenad=intraprenad,
        year=year,
        today=date(year + 1, 1, 28),
        comment="Lägre personalkostnader än budgeterat tack vare bättre schemaläggning och färre vikarietimmar.",
    )
    meeting = cases.create_meeting(by=u.registrar, body=o.sn, date=meeting_on, location="Kommunhuset")
    closings.decide_closing(
        by=u.chair,
        closing=closing,
        meeting=meeting,
        decision_text=f"Nämnden fastställer Hemvården Östras årsresultat {year} och överskottets fördelning "
        "enligt överenskommelsen.",
    )
    cases.hold_meeting(by=u.registrar, meeting=meeting)
    cases.approve_minutes(by=u.registrar, meeting=meeting, approved_on=minutes_on, adjusters="Per Ek")
