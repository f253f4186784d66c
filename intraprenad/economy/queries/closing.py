"""Year-end closings, result funds and action plans assembled for pages, the API and the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intraprenad.accounts.access import EVERYWHERE, has_perm, unit_ids_for
from intraprenad.cases.models import Paragraph
from intraprenad.economy import lines as L
from intraprenad.economy.models import (
    ActionPlan,
    Budget,
    FundMovement,
    ResultUnit,
    YearEndClosing,
)
from intraprenad.economy.queries import budget as budget_queries
from intraprenad.economy.queries import ledger as ledger_queries
from intraprenad.economy.rules import closing as rules
from intraprenad.lifecycle.models import Agreement, Intraprenad
from intraprenad.policy import parameters as P
from intraprenad.policy.models import GuidelineRevision, RequiredItem
from intraprenad.policy.queries import current_revision

G = Agreement.Status
# An agreement that has been in force (whatever happened to it since).
HAS_BEEN_IN_FORCE = (G.SIGNED, G.REPLACED, G.EXPIRED, G.TERMINATED)
YEAR_END_PARAMETERS = (
    "surplus_share_unit",
    "fund_cap_share_of_turnover",
    "fund_cap_amount",
    "deficit_share_unit",
    "action_plan_deadline_months",
)


# --- what the services read -----------------------------------------------------------------------------


def agreement_for_year(intraprenad: Intraprenad, year: int) -> Agreement | None:
    """The agreement in force during `year` (the one in force at the year's end if a renewal took over)."""
    return (
        intraprenad.agreements.filter(
            status__in=HAS_BEEN_IN_FORCE, period_start__lte=date(year, 12, 31), period_end__gte=date(year, 1, 1)
        )
        .select_related("revision")
        .order_by("-period_start", "-id")
        .first()
    )


def revision_for_year(intraprenad: Intraprenad, year: int) -> GuidelineRevision:
    """The guidelines a year is closed under: those of the agreement in force that year, else the board's
    guidelines in force at the year's end."""
    agreement = agreement_for_year(intraprenad, year)
    if agreement is not None:
        return agreement.revision
    return current_revision(board=intraprenad.board, on=date(year, 12, 31))


def permitted_fund_uses(revision: GuidelineRevision) -> list[tuple[str, str]]:
    """(key, title) of the purposes the guidelines permit the result fund to be used for."""
    return list(revision.items_of(RequiredItem.Kind.FUND_USE).values_list("key", "title"))


def result_unit_of(intraprenad: Intraprenad) -> ResultUnit | None:
    return ResultUnit.objects.filter(org_unit_id=intraprenad.unit_id).first()


def year_totals(by_month: dict[int, dict[str, int]]) -> dict[str, int]:
    """Month -> line -> öre summed over the year: line -> öre."""
    totals: dict[str, int] = {}
    for lines in by_month.values():
        for line, amount in lines.items():
            totals[line] = totals.get(line, 0) + amount
    return totals


def approved_budget(result_unit_id: int, year: int) -> Budget | None:
    return budget_queries.approved_budget(result_unit_id, year)


def budget_lines(result_unit_id: int, year: int) -> dict[str, int]:
    """The approved budget's annual amount per line (result sign), one-time items included."""
    return year_totals(budget_queries.approved_amounts([result_unit_id], year).get(result_unit_id, {}))


def actual_lines(result_unit_id: int, year: int) -> dict[str, int]:
    """The year's actual outcome per line (result sign); empty if nothing has been imported for the year."""
    return year_totals(ledger_queries.actuals([result_unit_id], year).get(result_unit_id, {}))


def fund_movement_rows(result_unit_id: int) -> list[tuple[int, str, int]]:
    """(year, kind, amount öre) of every movement of the unit's result fund."""
    return list(
        FundMovement.objects.filter(result_unit_id=result_unit_id)
        .order_by("year", "date", "id")
        .values_list("year", "kind", "amount_ore")
    )


def fund_balance(result_unit_id: int) -> int:
    """The result fund's balance now: the sum of every movement."""
    return FundMovement.objects.filter(result_unit_id=result_unit_id).aggregate(total=Sum("amount_ore"))["total"] or 0


# --- decision references --------------------------------------------------------------------------------


def decision_visible(paragraph: Paragraph | None, user) -> bool:
    """A decision is public once its minutes are approved. Before that only those with rights in the case
    register (its case, or the board's meetings and decisions) know it."""
    if paragraph is None:
        return False
    if paragraph.meeting.is_public:
        return True
    if paragraph.case_id is not None and has_perm(user, "cases.view_case", paragraph.case):
        return True
    return any(has_perm(user, perm, paragraph.meeting) for perm in ("cases.manage_meeting", "cases.record_decision"))


def decision_reference(paragraph: Paragraph | None, user) -> str | None:
    return paragraph.reference if decision_visible(paragraph, user) else None


# --- the closings list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosingRow:
    """One intraprenad in the closings list of a year: its closing (current or None) and what may be done."""

    intraprenad: Intraprenad
    result_unit: ResultUnit | None
    closing: YearEndClosing | None


def closing_years(user) -> list[int]:
    """Years with a closing or an agreement in force, newest first (for the year chooser)."""
    years = set(YearEndClosing.objects.for_user(user).values_list("year", flat=True))
    for start, end in Agreement.objects.filter(status__in=HAS_BEEN_IN_FORCE).values_list("period_start", "period_end"):
        years.update(range(start.year, end.year + 1))
    return sorted(years, reverse=True)


def closings_for_year(user, year: int) -> list[ClosingRow]:
    """Every intraprenad in the user's scope that had an agreement in force during `year`, with its closing."""
    units = unit_ids_for(user, "economy.view_economy")
    intraprenader = Intraprenad.objects.filter(
        agreements__status__in=HAS_BEEN_IN_FORCE,
        agreements__period_start__lte=date(year, 12, 31),
        agreements__period_end__gte=date(year, 1, 1),
    ).distinct()
    if units is not EVERYWHERE:
        intraprenader = intraprenader.filter(unit_id__in=units)
    intraprenader = list(intraprenader.select_related("unit", "board").order_by("name"))
    result_units = {
        ru.org_unit_id: ru for ru in ResultUnit.objects.filter(org_unit_id__in=[i.unit_id for i in intraprenader])
    }
    closings = {
        c.intraprenad_id: c
        for c in YearEndClosing.objects.filter(intraprenad__in=intraprenader, year=year)
        .exclude(status=YearEndClosing.Status.REOPENED)
        .select_related("decision__meeting", "decision__body", "decision__case")
    }
    return [ClosingRow(i, result_units.get(i.unit_id), closings.get(i.pk)) for i in intraprenader]


# --- one closing ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    label: str
    ore: int | None
    note: str = ""


@dataclass(frozen=True)
class LineRow:
    line: str
    label: str
    budget_ore: int
    actual_ore: int

    @property
    def deviation_ore(self) -> int:
        return self.actual_ore - self.budget_ore


@dataclass(frozen=True)
class ParameterRow:
    name: str
    label: str
    display: str


@dataclass
class ClosingDetail:
    closing: YearEndClosing
    lines: list[LineRow]
    figures: list[Figure]
    split: list[Figure]
    fund: list[Figure]
    parameters: list[ParameterRow]
    decision_reference: str | None
    reopen_reference: str | None
    movements: list[FundMovementRow] = field(default_factory=list)
    history: list[YearEndClosing] = field(default_factory=list)


def line_rows(stored: dict[str, Any]) -> list[LineRow]:
    labels = dict(L.Line.choices)
    return [
        LineRow(line, str(labels[line]), int(stored[line].get("budget", 0)), int(stored[line].get("actual", 0)))
        for line in L.LINE_ORDER
        if line in stored
    ]


def _display_parameter(name: str, value) -> str:
    if value is None:
        return _("none")
    if name == "fund_cap_amount":
        from intraprenad.economy.rules.money import format_kronor

        return format_kronor(rules.sek_to_ore(value))
    if name == "action_plan_deadline_months":
        return ngettext("%(n)s month", "%(n)s months", value) % {"n": value}
    return f"{str(value).replace('.', ',')} %"


def parameter_rows(revision: GuidelineRevision) -> list[ParameterRow]:
    values = P.values(revision)
    return [
        ParameterRow(name, str(P.BY_NAME[name].label), _display_parameter(name, values[name]))
        for name in (YEAR_END_PARAMETERS)
    ]


def closing_detail(closing: YearEndClosing, user) -> ClosingDetail:
    """Every figure of a closing with its label, the guideline parameters it was computed with, and its decisions
    (references shown only to those who may know them yet)."""
    c = closing
    uses_ore = c.fund_closing_ore - c.fund_opening_ore - c.fund_movement_ore
    figures = [
        Figure(_("Turnover (revenue)"), c.turnover_ore),
        Figure(_("Budgeted net result"), c.budget_result_ore),
        Figure(_("Actual net result"), c.actual_result_ore),
        Figure(
            _("Result against budget"),
            c.deviation_ore,
            _("surplus") if c.deviation_ore > 0 else (_("deficit") if c.deviation_ore < 0 else ""),
        ),
    ]
    if c.deviation_ore >= 0:
        split = [
            Figure(_("To the unit's result fund"), c.unit_share_ore),
            Figure(_("To the board"), c.board_share_ore),
            Figure(_("of which above the fund cap"), c.capped_ore),
            Figure(_("Fund cap"), c.cap_ore, "" if c.cap_ore is not None else _("no cap")),
        ]
    else:
        split = [
            Figure(_("Borne by the unit (charged to the result fund)"), c.unit_share_ore),
            Figure(_("Borne by the board"), c.board_share_ore),
        ]
    fund = [
        Figure(_("Fund balance when the year opened"), c.fund_opening_ore),
        Figure(_("Approved uses during the year"), uses_ore),
        Figure(_("To (+) or from (−) the fund by this closing"), c.fund_movement_ore),
        Figure(_("Fund balance after the closing"), c.fund_closing_ore),
    ]
    history = list(
        YearEndClosing.objects.filter(intraprenad_id=c.intraprenad_id, year=c.year)
        .exclude(pk=c.pk)
        .order_by("-prepared_at")
    )
    movements = [
        _movement_row(m, user)
        for m in FundMovement.objects.filter(closing=c).select_related(
            "decision__meeting", "decision__body", "decision__case"
        )
    ]
    return ClosingDetail(
        closing=c,
        lines=line_rows(c.lines or {}),
        figures=figures,
        split=split,
        fund=fund,
        parameters=parameter_rows(c.revision),
        decision_reference=decision_reference(c.decision, user),
        reopen_reference=decision_reference(c.reopen_decision, user),
        movements=movements,
        history=history,
    )


# --- the result fund ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundMovementRow:
    movement: FundMovement
    reference: str | None

    @property
    def amount_ore(self) -> int:
        return self.movement.amount_ore


@dataclass(frozen=True)
class FundLedgerYear:
    """One year of the fund ledger with its movements (each with its decision reference, if known to the user)."""

    year: int
    opening_ore: int
    allocation_ore: int
    deficit_ore: int
    uses_ore: int
    reversals_ore: int
    closing_ore: int
    movements: list[FundMovementRow]


def _movement_row(movement: FundMovement, user) -> FundMovementRow:
    reference = movement.decision.reference if user is None else decision_reference(movement.decision, user)
    return FundMovementRow(movement, reference)


def fund_ledger(result_unit_id: int, user=None) -> list[FundLedgerYear]:
    """The result fund per year, oldest first: opening, allocation or deficit, uses, reversals, closing; every
    movement with its decision. With `user`, references of decisions not yet public are hidden from those who
    may not know them."""
    movements = list(
        FundMovement.objects.filter(result_unit_id=result_unit_id)
        .select_related("decision__meeting", "decision__body", "decision__case", "closing")
        .order_by("year", "date", "id")
    )
    years = rules.fund_years((m.year, m.kind, m.amount_ore) for m in movements)
    return [
        FundLedgerYear(
            year=y.year,
            opening_ore=y.opening_ore,
            allocation_ore=y.allocation_ore,
            deficit_ore=y.deficit_ore,
            uses_ore=y.uses_ore,
            reversals_ore=y.reversals_ore,
            closing_ore=y.closing_ore,
            movements=[_movement_row(m, user) for m in movements if m.year == y.year],
        )
        for y in years
    ]


def active_intraprenad_of(result_unit: ResultUnit) -> Intraprenad | None:
    """The intraprenad now running the unit, whose board decides on its fund."""
    return (
        Intraprenad.objects.filter(unit_id=result_unit.org_unit_id, status=Intraprenad.Status.ACTIVE)
        .select_related("board", "unit")
        .first()
    )


def result_units_with_fund(user):
    """Result units in scope that run as intraprenader (have or had one), for links to their funds."""
    units = ResultUnit.objects.for_user(user).filter(is_comparison=False)
    return units.filter(Q(org_unit__intraprenader__status__in=[Intraprenad.Status.ACTIVE, Intraprenad.Status.ENDED]))


# --- action plans ---------------------------------------------------------------------------------------


def later_closings(plan: ActionPlan) -> list[YearEndClosing]:
    """The decided closings of the plan's unit after the year whose deficit the plan is for, oldest first."""
    return list(
        YearEndClosing.objects.filter(
            result_unit_id=plan.result_unit_id, status=YearEndClosing.Status.DECIDED, year__gt=plan.closing.year
        ).order_by("year")
    )


def plan_restored(plan: ActionPlan) -> bool:
    """Whether the plan's balance is restored (see rules.is_balance_restored)."""
    later = later_closings(plan)
    return rules.is_balance_restored(
        deficit_ore=plan.deficit_ore,
        later_results_ore=[c.deviation_ore for c in later],
        fund_balance_ore=later[-1].fund_closing_ore if later else 0,
    )


@dataclass
class ActionPlanDetail:
    plan: ActionPlan
    measures: list
    follow_ups: list
    later: list[YearEndClosing]
    restored: bool
    decision_reference: str | None
    overdue: bool


def action_plan_detail(plan: ActionPlan, user, *, today: date) -> ActionPlanDetail:
    later = later_closings(plan)
    return ActionPlanDetail(
        plan=plan,
        measures=list(plan.measures.all()),
        follow_ups=list(plan.follow_ups.select_related("recorded_by")),
        later=later,
        restored=plan_restored(plan),
        decision_reference=decision_reference(plan.closing.decision, user),
        overdue=plan.status == ActionPlan.Status.OPEN and rules.is_past_deadline(deadline=plan.deadline, today=today),
    )


def action_plans_for(user):
    """Action plans in the user's scope, open ones first."""
    return (
        ActionPlan.objects.for_user(user)
        .select_related("intraprenad", "closing", "result_unit__org_unit")
        .order_by("status", "deadline")
    )
