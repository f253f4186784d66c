"""Scenario helpers for the year-end closing tests (no tests here).

`closing_world(muni, **parameters)` gives the `muni` fixture's home-care intraprenad, active under a signed
agreement for 2022–2024 (built through the lifecycle services), mapped to the ledger as a result unit, with the
permitted fund uses of the Ljusdal guidelines. `year_of(world, year, budget=..., actual=...)` then writes an
approved budget and the actuals of a year directly, as the ledger and budget parts would.
"""

from datetime import date
from types import SimpleNamespace

from django.utils import timezone

from intraprenad.cases.models import Meeting
from intraprenad.economy.models import Budget, BudgetAmount, MonthlyActual, ResultUnit
from intraprenad.economy.services import closing as services
from intraprenad.lifecycle.tests.factories import board_meeting, intraprenad_at
from intraprenad.policy.models import RequiredItem

MSEK = 100_000_000  # one million kronor in öre
REVENUE = 10 * MSEK
FUND_USES = [
    ("kompetensutveckling", "Kompetensutveckling"),
    ("personalbeframjande", "Personalbefrämjande åtgärder"),
    ("fondering", "Fondering för kommande behov"),
]
# Meetings of the board after each year (in the past, so decisions can be recorded).
MEETING_AFTER = {2022: date(2023, 3, 14), 2023: date(2024, 3, 14), 2024: date(2025, 3, 13)}


def closing_world(muni, **parameters) -> SimpleNamespace:
    intraprenad = intraprenad_at("active", muni, **parameters)
    agreement = intraprenad.agreements.first()
    for order, (key, title) in enumerate(FUND_USES, start=1):
        RequiredItem.objects.get_or_create(
            revision=agreement.revision,
            kind=RequiredItem.Kind.FUND_USE,
            key=key,
            defaults={"title": title, "order": order},
        )
    result_unit, _ = ResultUnit.objects.get_or_create(org_unit=muni.unit)
    return SimpleNamespace(muni=muni, intraprenad=intraprenad, result_unit=result_unit, revision=agreement.revision)


def _months(annual: int) -> list[int]:
    """An annual amount spread over twelve months, the remainder in December (exact to the öre)."""
    base = int(annual / 12)
    return [base] * 11 + [annual - 11 * base]


def budget_for(result_unit: ResultUnit, year: int, annual: dict[str, int], *, status=Budget.Status.APPROVED) -> Budget:
    """A budget (approved unless `status` says otherwise) by annual line amounts; an approved budget of the same
    unit and year is superseded by it."""
    earlier = Budget.objects.filter(result_unit=result_unit, year=year)
    version = (earlier.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    if status == Budget.Status.APPROVED:
        earlier.filter(status=Budget.Status.APPROVED).update(status=Budget.Status.SUPERSEDED)
    budget = Budget.objects.create(
        result_unit=result_unit,
        year=year,
        version=version,
        status=status,
        created_at=timezone.now(),
        approved_at=timezone.now(),
    )
    BudgetAmount.objects.bulk_create(
        BudgetAmount(budget=budget, line=line, month=month, amount_ore=amount)
        for line, total in annual.items()
        for month, amount in enumerate(_months(total), start=1)
    )
    return budget


def actuals_for(result_unit: ResultUnit, year: int, annual: dict[str, int]) -> None:
    MonthlyActual.objects.filter(result_unit=result_unit, year=year).delete()
    MonthlyActual.objects.bulk_create(
        MonthlyActual(result_unit=result_unit, year=year, month=month, line=line, amount_ore=amount)
        for line, total in annual.items()
        for month, amount in enumerate(_months(total), start=1)
    )


def year_of(world, year: int, *, result: int, budget_result: int = 0, revenue: int = REVENUE) -> None:
    """A balanced (or `budget_result`) approved budget and actuals whose net result is `result`, with `revenue`
    as turnover: revenue, personnel and other costs, as a home-care unit's income statement."""
    budget_for(
        world.result_unit,
        year,
        {"revenue": revenue, "personnel": -(revenue * 8 // 10), "other": -(revenue * 2 // 10) + budget_result},
    )
    actuals_for(
        world.result_unit,
        year,
        {"revenue": revenue, "personnel": -(revenue * 8 // 10), "other": -(revenue * 2 // 10) + result},
    )


def meeting_after(world, year: int, *, day: date | None = None) -> Meeting:
    return board_meeting(world.muni, day or MEETING_AFTER[year])


def prepared(world, year: int, **figures):
    if figures:
        year_of(world, year, **figures)
    return services.prepare_closing(
        by=world.muni.users.economist, intraprenad=world.intraprenad, year=year, today=date(year + 1, 2, 15)
    )


def decided(world, year: int, **figures):
    closing = prepared(world, year, **figures)
    services.decide_closing(
        by=world.muni.users.board_member,
        closing=closing,
        meeting=meeting_after(world, year),
        decision_text=f"Nämnden fastställer årsbokslutet för {year}.",
    )
    closing.refresh_from_db()
    return closing
