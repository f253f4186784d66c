"""Builders for the follow-up tests (result units, approved budgets, monthly actuals), and a check that they
build what the other follow-up tests rely on.

The home-care scenario: Hemvården Norr's budget is balanced (a frame of 1 000 000 kr a month as revenue,
personnel 800 000 kr and other costs 200 000 kr a month), and in January and February it spends
950 000 kr on personnel and 250 000 kr on other costs: a deficit of 200 000 kr a month, −2,4 mnkr for the
year at that pace, against a warning threshold of 1 % of 12 mnkr of costs = 120 000 kr.
"""

from collections.abc import Iterable, Mapping

from django.utils import timezone

from intraprenad.economy.models import Budget, BudgetAmount, MonthlyActual, ResultUnit

KR = 100  # öre
YEAR = 2025
BUDGET_MONTH = {"revenue": 1_000_000 * KR, "personnel": -800_000 * KR, "other": -200_000 * KR}
ACTUAL_MONTH = {"revenue": 1_000_000 * KR, "personnel": -950_000 * KR, "other": -250_000 * KR}


def result_unit(org_unit, *, is_comparison: bool = False) -> ResultUnit:
    return ResultUnit.objects.create(org_unit=org_unit, is_comparison=is_comparison)


def approved_budget(unit: ResultUnit, year: int = YEAR, per_month: Mapping[str, int] = BUDGET_MONTH) -> Budget:
    """An approved budget with the same amount every month for each line."""
    budget = Budget.objects.create(
        result_unit=unit,
        year=year,
        status=Budget.Status.APPROVED,
        created_at=timezone.now(),
        approved_at=timezone.now(),
    )
    BudgetAmount.objects.bulk_create(
        BudgetAmount(budget=budget, line=line, month=month, amount_ore=amount)
        for month in range(1, 13)
        for line, amount in per_month.items()
    )
    return budget


def add_actuals(
    unit: ResultUnit, year: int = YEAR, months: Iterable[int] = (1, 2), per_month: Mapping[str, int] = ACTUAL_MONTH
) -> None:
    MonthlyActual.objects.bulk_create(
        MonthlyActual(result_unit=unit, year=year, month=month, line=line, amount_ore=amount)
        for month in months
        for line, amount in per_month.items()
    )


def with_emails(muni) -> None:
    for name, user in vars(muni.users).items():
        user.email = f"{name}@testkommun.se"
        user.save(update_fields=["email"])


def home_care(muni) -> ResultUnit:
    """Hemvården Norr with its approved budget and actuals for January and February."""
    unit = result_unit(muni.unit)
    approved_budget(unit)
    add_actuals(unit)
    return unit


def test_the_home_care_scenario_has_a_deficit_of_200_000_kr_a_month(muni):
    unit = home_care(muni)
    net = sum(MonthlyActual.objects.filter(result_unit=unit, month=1).values_list("amount_ore", flat=True))
    budget = sum(BudgetAmount.objects.filter(budget__result_unit=unit, month=1).values_list("amount_ore", flat=True))
    assert net == -200_000 * KR
    assert budget == 0
