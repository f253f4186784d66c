"""The budget services: the happy paths, every refusal with its message, immutability after approval,
versions and superseding, the audit rows, and who may (a unit head of another unit is refused).

The small builders at the top are shared with the view and API tests of the budget."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from intraprenad.accounts.models import AuditEvent
from intraprenad.economy.budget_table import ParsedBudget
from intraprenad.economy.lines import LINE_ORDER, Line
from intraprenad.economy.models import Budget, BudgetIndex, LedgerObject, ResultUnit
from intraprenad.economy.queries import budget as queries
from intraprenad.economy.services import budget as services
from intraprenad.policy.tests.factories import adoption_paragraph

L = Line
S = Budget.Status
MSEK = 100_000_000

ANNUAL = {
    L.REVENUE: 12 * MSEK,
    L.PURCHASES: -1 * MSEK,
    L.PERSONNEL: -9 * MSEK,
    L.OTHER: -1_800_000_00,
    L.FINANCIAL: -12_000_00,
}
START_UP = {"line": L.REVENUE, "description": "Ramförstärkning vid uppstart", "amount_ore": 150_000_000, "month": 1}


# --- builders -----------------------------------------------------------------------------------


def result_unit(muni, unit=None) -> ResultUnit:
    return ResultUnit.objects.get_or_create(org_unit=unit or muni.unit)[0]


def index_for(year: int, personnel="3.10", other="2.40", revenue="2.90") -> BudgetIndex:
    return BudgetIndex.objects.create(
        year=year,
        personnel_percent=Decimal(personnel),
        other_percent=Decimal(other),
        revenue_percent=Decimal(revenue),
        source="SKR PKV oktober",
    )


def approved(muni, year: int = 2025, *, unit=None, annual=None, items=()) -> Budget:
    """An approved budget for the unit (Hemvården Norr by default), drafted and approved by the economist."""
    economist = muni.users.economist
    budget = services.draft_budget(
        by=economist, result_unit=result_unit(muni, unit), year=year, annual=annual or ANNUAL, items=items
    )
    return services.approve_budget(by=economist, budget=budget)


def last_event(verb: str) -> AuditEvent:
    return AuditEvent.objects.filter(verb=verb).latest("id")


def assert_audited(verb: str, budget: Budget, actor) -> AuditEvent:
    event = last_event(verb)
    assert event.actor == actor
    assert event.target_id == str(budget.pk)
    assert event.subject_type.model == "resultunit"
    assert event.subject_id == str(budget.result_unit_id)
    return event


def annual_of(budget: Budget) -> dict[str, int]:
    return {line: sum(months) for line, months in queries.budget_months(budget).items()}


# --- drafting -----------------------------------------------------------------------------------


def test_economist_drafts_a_budget_spread_evenly_with_a_one_time_item(muni):
    # given Hemvården Norr as a result unit
    unit = result_unit(muni)
    # when the economist drafts its 2025 budget with the start-up frame increase
    budget = services.draft_budget(
        by=muni.users.economist, result_unit=unit, year=2025, annual=ANNUAL, items=[START_UP], comment="Första året"
    )
    # then a draft version 1 holds the months, the item in January on top of the yearly revenue
    assert (budget.status, budget.version, budget.year, budget.comment) == (S.DRAFT, 1, 2025, "Första året")
    months = queries.budget_months(budget)
    assert months[L.PERSONNEL] == [-75_000_000] * 12
    assert months[L.REVENUE][0] == 100_000_000 + 150_000_000
    assert months[L.REVENUE][1:] == [100_000_000] * 11
    assert annual_of(budget)[L.REVENUE] == 12 * MSEK + 150_000_000
    assert list(budget.items.values_list("description", "amount_ore", "month")) == [
        ("Ramförstärkning vid uppstart", 150_000_000, 1)
    ]
    assert budget.created_by == muni.users.economist
    event = assert_audited("budget.drafted", budget, muni.users.economist)
    assert event.changes["annual"]["personnel"] == "-9000000"  # kronor, for people reading the log


def test_twelve_monthly_amounts_are_kept_as_given(muni):
    months = [-1_000_00] * 6 + [-2_000_00] * 6
    budget = services.draft_budget(
        by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual={L.OTHER: months}
    )
    assert queries.budget_months(budget)[L.OTHER] == months
    # zero months are not stored
    assert budget.amounts.count() == 12


def test_unit_head_drafts_for_their_own_unit_but_not_for_another(muni):
    services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    other = result_unit(muni, muni.other_unit)
    with pytest.raises(PermissionDenied):
        services.draft_budget(by=muni.users.unit_head, result_unit=other, year=2025, annual=ANNUAL)
    assert not Budget.objects.filter(result_unit=other).exists()


@pytest.mark.parametrize("role", ["staff", "board_member", "officer", "evaluator", "school_officer", "no_role"])
def test_roles_without_edit_budget_may_not_draft(muni, role):
    with pytest.raises(PermissionDenied):
        services.draft_budget(by=getattr(muni.users, role), result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    assert not AuditEvent.objects.filter(verb="budget.drafted").exists()


def test_a_cost_entered_as_positive_is_refused_naming_the_line(muni):
    with pytest.raises(ValidationError) as refused:
        services.draft_budget(
            by=muni.users.economist, result_unit=result_unit(muni), year=2025, annual={L.PERSONNEL: 100}
        )
    assert refused.value.messages == [
        _("%(line)s: a cost is entered as a negative amount.") % {"line": L.PERSONNEL.label}
    ]
    assert not Budget.objects.exists()


def test_a_year_out_of_range_is_refused(muni):
    with pytest.raises(ValidationError):
        services.draft_budget(by=muni.users.economist, result_unit=result_unit(muni), year=1999, annual=ANNUAL)


def test_a_second_draft_for_the_same_year_is_refused(muni):
    unit = result_unit(muni)
    services.draft_budget(by=muni.users.economist, result_unit=unit, year=2025, annual=ANNUAL)
    with pytest.raises(ValidationError) as refused:
        services.draft_budget(by=muni.users.economist, result_unit=unit, year=2025, annual=ANNUAL)
    assert "1" in refused.value.messages[0]
    assert Budget.objects.filter(result_unit=unit, year=2025).count() == 1


# --- from the previous year, indexed ------------------------------------------------------------


def test_draft_from_previous_indexes_last_years_base_without_its_one_time_items(muni):
    # given an approved 2025 budget with a start-up item and personnel heavier in the summer, and the 2026 index
    personnel = [-700_000_00] * 5 + [-900_000_00] * 3 + [-700_000_00] * 4
    previous = approved(muni, 2025, annual={**ANNUAL, L.PERSONNEL: personnel}, items=[START_UP])
    index = index_for(2026)
    # when the unit head drafts 2026 from it, with a new one-time cost
    extra = {"line": L.OTHER, "description": "Nya inventarier", "amount_ore": -50_000_00, "month": 3}
    budget = services.draft_from_previous(
        by=muni.users.unit_head, result_unit=previous.result_unit, year=2026, items=[extra]
    )
    # then each line is indexed by its rate, the one-time item of 2025 is gone, the new one is in March
    totals = annual_of(budget)
    assert totals[L.REVENUE] == 12 * MSEK + 34_800_000  # +2.90 %
    assert totals[L.PURCHASES] == -1 * MSEK - 2_400_000  # +2.40 %
    assert totals[L.PERSONNEL] == sum(personnel) - 27_900_000  # 9 MSEK + 3.10 %
    assert totals[L.OTHER] == -1_800_000_00 - 4_320_000 - 50_000_00
    assert totals[L.FINANCIAL] == -12_000_00  # not indexed
    # and the months keep last year's shape
    months = queries.budget_months(budget)
    assert months[L.PERSONNEL][5] < months[L.PERSONNEL][0] < 0
    assert months[L.OTHER][2] == months[L.OTHER][0] - 50_000_00
    assert budget.based_on == previous
    assert budget.index == index
    assert (budget.index_personnel_percent, budget.index_other_percent) == (Decimal("3.10"), Decimal("2.40"))
    assert budget.index_source == "SKR PKV oktober"
    assert list(budget.items.values_list("description", flat=True)) == ["Nya inventarier"]
    event = assert_audited("budget.drafted_from_previous", budget, muni.users.unit_head)
    assert "SKR PKV oktober" in event.changes["index"]


def test_draft_from_previous_needs_an_approved_budget_and_the_index(muni):
    unit = result_unit(muni)
    # given only a draft for 2025 and no index for 2026
    services.draft_budget(by=muni.users.economist, result_unit=unit, year=2025, annual=ANNUAL)
    with pytest.raises(ValidationError) as refused:
        services.draft_from_previous(by=muni.users.economist, result_unit=unit, year=2026)
    assert refused.value.messages == [
        _("There is no approved budget for %(year)s to build on.") % {"year": 2025},
        _("The index table has no rates for %(year)s; enter them first.") % {"year": 2026},
    ]


def test_draft_from_previous_without_the_index_is_refused(muni):
    previous = approved(muni, 2025)
    with pytest.raises(ValidationError) as refused:
        services.draft_from_previous(by=muni.users.economist, result_unit=previous.result_unit, year=2026)
    assert refused.value.messages == [
        _("The index table has no rates for %(year)s; enter them first.") % {"year": 2026}
    ]
    assert not Budget.objects.filter(year=2026).exists()


def test_draft_from_previous_is_refused_for_another_units_head(muni):
    other = approved(muni, 2025, unit=muni.other_unit)
    index_for(2026)
    with pytest.raises(PermissionDenied):
        services.draft_from_previous(by=muni.users.unit_head, result_unit=other.result_unit, year=2026)


def test_the_index_used_is_kept_when_the_index_table_is_revised(muni):
    previous = approved(muni, 2025)
    index_for(2026)
    budget = services.draft_from_previous(by=muni.users.economist, result_unit=previous.result_unit, year=2026)
    services.set_budget_index(
        by=muni.users.economist,
        year=2026,
        personnel_percent=Decimal("4"),
        other_percent=Decimal("3"),
        source="SKR PKV februari",
    )
    budget.refresh_from_db()
    assert budget.index_personnel_percent == Decimal("3.10")
    assert budget.index_source == "SKR PKV oktober"
    assert budget.index.personnel_percent == Decimal("4.00")


# --- changing a draft ---------------------------------------------------------------------------


def test_update_draft_replaces_amounts_items_and_comment(muni):
    budget = services.draft_budget(
        by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual=ANNUAL, items=[START_UP]
    )
    services.update_draft(
        by=muni.users.unit_head, budget=budget, annual={L.PERSONNEL: -12_00}, items=[], comment="Ny kalkyl"
    )
    budget.refresh_from_db()
    assert annual_of(budget) == {line: (-12_00 if line == L.PERSONNEL else 0) for line in LINE_ORDER}
    assert not budget.items.exists()
    assert budget.comment == "Ny kalkyl"
    event = assert_audited("budget.updated", budget, muni.users.unit_head)
    assert event.changes["annual"]["personnel"] == ["-9000000", "-12"]
    assert event.changes["annual"]["revenue"] == ["13500000", "0"]  # one-time item included
    assert set(event.changes["annual"]) == set(LINE_ORDER)


def test_update_draft_by_profile(muni):
    budget = services.draft_budget(by=muni.users.economist, result_unit=result_unit(muni), year=2025, annual={})
    services.update_draft(
        by=muni.users.economist,
        budget=budget,
        annual={L.REVENUE: 4_00},
        items=[],
        comment="",
        profiles={L.REVENUE: [1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0]},
    )
    assert queries.budget_months(budget)[L.REVENUE] == [1_00, 0, 0] * 4


def test_an_approved_budget_never_changes(muni):
    budget = approved(muni)
    before = annual_of(budget)
    with pytest.raises(ValidationError) as refused:
        services.update_draft(by=muni.users.economist, budget=budget, annual={L.PERSONNEL: -1}, items=[], comment="")
    assert refused.value.messages == [_("An approved budget cannot be changed; create a new version.")]
    with pytest.raises(ValidationError):
        services.delete_draft(by=muni.users.economist, budget=budget)
    budget.refresh_from_db()
    assert budget.status == S.APPROVED
    assert annual_of(budget) == before


def test_update_draft_refused_for_another_unit_head_and_for_bad_signs(muni):
    budget = services.draft_budget(by=muni.users.economist, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    with pytest.raises(PermissionDenied):
        services.update_draft(by=muni.users.other_unit_head, budget=budget, annual={}, items=[], comment="")
    with pytest.raises(ValidationError) as refused:
        services.update_draft(
            by=muni.users.unit_head,
            budget=budget,
            annual={L.REVENUE: -5},
            items=[{**START_UP, "amount_ore": -1}],
            comment="",
        )
    assert len(refused.value.messages) == 2
    assert annual_of(budget)[L.REVENUE] == 12 * MSEK


def test_delete_draft(muni):
    budget = services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    pk = budget.pk
    services.delete_draft(by=muni.users.unit_head, budget=budget)
    assert not Budget.objects.filter(pk=pk).exists()
    event = last_event("budget.draft_deleted")
    assert event.target_id == str(pk)
    assert event.actor == muni.users.unit_head


def test_delete_draft_is_refused_for_staff(muni):
    budget = services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    with pytest.raises(PermissionDenied):
        services.delete_draft(by=muni.users.staff, budget=budget)
    assert Budget.objects.filter(pk=budget.pk).exists()


# --- approval and versions ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["economist", "board_member", "admin"])
def test_economist_or_board_member_approves(muni, role):
    user = getattr(muni.users, role)
    budget = services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    services.approve_budget(by=user, budget=budget)
    budget.refresh_from_db()
    assert budget.status == S.APPROVED
    assert budget.approved_by == user
    assert budget.approved_at is not None
    assert queries.approved_budget(budget.result_unit_id, 2025) == budget
    event = assert_audited("budget.approved", budget, user)
    assert event.changes["superseded_version"] is None


@pytest.mark.parametrize("role", ["unit_head", "staff", "officer", "other_unit_head"])
def test_others_may_not_approve(muni, role):
    budget = services.draft_budget(by=muni.users.economist, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    with pytest.raises(PermissionDenied):
        services.approve_budget(by=getattr(muni.users, role), budget=budget)
    budget.refresh_from_db()
    assert budget.status == S.DRAFT


def test_approval_with_the_boards_decision(muni):
    decision = adoption_paragraph(muni.board, date(2024, 12, 10), title="Budget 2025")
    budget = services.draft_budget(by=muni.users.economist, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    services.approve_budget(by=muni.users.board_member, budget=budget, decision=decision)
    budget.refresh_from_db()
    assert budget.decision == decision
    assert last_event("budget.approved").changes["decision"] == decision.short_reference


def test_a_decision_of_another_board_is_refused(muni):
    decision = adoption_paragraph(muni.school_board, date(2024, 12, 10), title="Budget 2025")
    budget = services.draft_budget(by=muni.users.economist, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    with pytest.raises(ValidationError) as refused:
        services.approve_budget(by=muni.users.admin, budget=budget, decision=decision)
    assert "decision" in refused.value.message_dict
    budget.refresh_from_db()
    assert budget.status == S.DRAFT


def test_an_empty_budget_cannot_be_approved(muni):
    budget = services.draft_budget(by=muni.users.economist, result_unit=result_unit(muni), year=2025, annual={})
    with pytest.raises(ValidationError) as refused:
        services.approve_budget(by=muni.users.economist, budget=budget)
    assert refused.value.messages == [_("An empty budget cannot be approved; enter its amounts first.")]


def test_approving_twice_is_refused(muni):
    budget = approved(muni)
    with pytest.raises(ValidationError) as refused:
        services.approve_budget(by=muni.users.economist, budget=budget)
    assert refused.value.messages == [_("An approved budget cannot be changed; create a new version.")]


def test_a_new_version_copies_the_approved_budget_and_supersedes_it_when_approved(muni):
    # given an approved 2025 budget with a one-time item
    first = approved(muni, 2025, items=[START_UP])
    # when the unit head makes a new version, changes it and the board member approves it
    second = services.new_version(by=muni.users.unit_head, budget=first)
    assert (second.status, second.version, second.based_on) == (S.DRAFT, 2, first)
    assert annual_of(second) == annual_of(first)
    assert list(second.items.values_list("description", flat=True)) == ["Ramförstärkning vid uppstart"]
    assert_audited("budget.version_created", second, muni.users.unit_head)
    services.update_draft(
        by=muni.users.unit_head,
        budget=second,
        annual={**ANNUAL, L.PERSONNEL: -10 * MSEK},
        items=[START_UP],
        comment="Utökad bemanning",
    )
    services.approve_budget(by=muni.users.board_member, budget=second)
    # then the first is superseded and unchanged, the second is the approved one
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == S.SUPERSEDED
    assert annual_of(first)[L.PERSONNEL] == -9 * MSEK
    assert second.status == S.APPROVED
    assert queries.approved_budget(first.result_unit_id, 2025) == second
    assert last_event("budget.approved").changes["superseded_version"] == 1
    # and a superseded version stays history
    with pytest.raises(ValidationError) as refused:
        services.update_draft(by=muni.users.economist, budget=first, annual={}, items=[], comment="")
    assert refused.value.messages == [_("A superseded budget cannot be changed; it is kept as history.")]


def test_a_new_version_is_made_from_the_approved_budget_only_and_once(muni):
    draft = services.draft_budget(by=muni.users.economist, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    with pytest.raises(ValidationError) as refused:
        services.new_version(by=muni.users.economist, budget=draft)
    assert refused.value.messages == [_("A new version is made from the approved budget.")]
    budget = services.approve_budget(by=muni.users.economist, budget=draft)
    services.new_version(by=muni.users.economist, budget=budget)
    with pytest.raises(ValidationError):
        services.new_version(by=muni.users.economist, budget=budget)
    assert Budget.objects.filter(year=2025).count() == 2


def test_a_new_version_is_refused_for_another_units_head(muni):
    budget = approved(muni)
    with pytest.raises(PermissionDenied):
        services.new_version(by=muni.users.other_unit_head, budget=budget)


# --- the index table ----------------------------------------------------------------------------


def test_economist_enters_and_revises_the_index(muni):
    index = services.set_budget_index(
        by=muni.users.economist,
        year=2026,
        personnel_percent=Decimal("3.1"),
        other_percent=Decimal("2.4"),
        revenue_percent=Decimal("2.9"),
        source=" SKR PKV oktober 2025 ",
    )
    assert (index.year, index.personnel_percent, index.source) == (2026, Decimal("3.1"), "SKR PKV oktober 2025")
    event = last_event("budget_index.created")
    assert event.actor == muni.users.economist
    assert event.changes["source"] == "SKR PKV oktober 2025"
    services.set_budget_index(
        by=muni.users.economist,
        year=2026,
        personnel_percent=Decimal("3.3"),
        other_percent=Decimal("2.4"),
        revenue_percent=Decimal("2.9"),
        source="SKR PKV februari 2026",
    )
    assert BudgetIndex.objects.get(year=2026).personnel_percent == Decimal("3.30")
    changes = last_event("budget_index.updated").changes
    assert set(changes) == {"personnel_percent", "source"}
    assert changes["personnel_percent"] == ["3.10", "3.3"]


@pytest.mark.parametrize("role", ["staff", "board_member", "officer", "no_role"])
def test_the_index_needs_edit_budget(muni, role):
    with pytest.raises(PermissionDenied):
        services.set_budget_index(
            by=getattr(muni.users, role), year=2026, personnel_percent=1, other_percent=1, source="SKR"
        )
    assert not BudgetIndex.objects.exists()


def test_the_index_refuses_absurd_rates_and_a_missing_source(muni):
    with pytest.raises(ValidationError) as refused:
        services.set_budget_index(
            by=muni.users.economist, year=2026, personnel_percent=Decimal("310"), other_percent=1, source=" "
        )
    assert len(refused.value.messages) == 2


# --- the import template ------------------------------------------------------------------------


def parsed(unit: str, year: int = 2026, row: int = 2, **annual) -> ParsedBudget:
    return ParsedBudget(unit=unit, year=year, first_row=row, annual=annual or {L.PERSONNEL: -100_00})


def test_import_creates_drafts_for_every_unit_by_ledger_object_or_name(muni):
    north = result_unit(muni)
    south = result_unit(muni, muni.other_unit)
    LedgerObject.objects.create(result_unit=north, dimension="1", object_id="41020")
    file = [
        ParsedBudget(unit="41020", year=2026, first_row=2, annual={L.REVENUE: 500_00}, items=[START_UP]),
        parsed("hemvården syd", row=5),
    ]
    budgets = services.import_budgets(by=muni.users.economist, budgets=file, file_name="budget.csv")
    assert [(b.result_unit, b.status, b.year) for b in budgets] == [(north, S.DRAFT, 2026), (south, S.DRAFT, 2026)]
    assert annual_of(budgets[0])[L.REVENUE] == 500_00 + 150_000_000
    event = assert_audited("budget.imported", budgets[1], muni.users.economist)
    assert event.changes["file"] == "budget.csv"


def test_import_is_all_or_nothing(muni):
    result_unit(muni)
    file = [parsed("Hemvården Norr"), parsed("Okänd enhet", row=9), parsed("Hemvården Norr", 2027, row=12, revenue=-1)]
    with pytest.raises(ValidationError) as refused:
        services.import_budgets(by=muni.users.economist, budgets=file)
    assert len(refused.value.messages) == 2
    assert "9" in refused.value.messages[0] and "Okänd enhet" in refused.value.messages[0]
    assert "12" in refused.value.messages[1]
    assert not Budget.objects.exists()


def test_import_refuses_units_the_user_may_not_budget(muni):
    result_unit(muni)
    result_unit(muni, muni.other_unit)
    with pytest.raises(ValidationError) as refused:
        services.import_budgets(
            by=muni.users.unit_head, budgets=[parsed("Hemvården Norr"), parsed("Hemvården Syd", row=4)]
        )
    [message] = refused.value.messages
    assert "Hemvården Syd" in message
    assert not Budget.objects.exists()


def test_import_refuses_the_same_unit_twice(muni):
    LedgerObject.objects.create(result_unit=result_unit(muni), dimension="1", object_id="41020")
    with pytest.raises(ValidationError) as refused:
        services.import_budgets(by=muni.users.economist, budgets=[parsed("41020"), parsed("Hemvården Norr", row=7)])
    assert "41020" in refused.value.messages[0]


def test_import_refuses_or_replaces_an_existing_draft(muni):
    unit = result_unit(muni)
    draft = services.draft_budget(by=muni.users.unit_head, result_unit=unit, year=2026, annual=ANNUAL)
    with pytest.raises(ValidationError):
        services.import_budgets(by=muni.users.unit_head, budgets=[parsed("Hemvården Norr")])
    [budget] = services.import_budgets(by=muni.users.unit_head, budgets=[parsed("Hemvården Norr")], replace_drafts=True)
    assert budget == draft
    assert annual_of(budget)[L.PERSONNEL] == -100_00
    assert annual_of(budget)[L.REVENUE] == 0
    assert last_event("budget.imported").changes["replaced_draft"] is True


def test_import_next_to_an_approved_budget_makes_a_new_version(muni):
    budget = approved(muni, 2026)
    [imported] = services.import_budgets(by=muni.users.economist, budgets=[parsed("Hemvården Norr")])
    assert (imported.version, imported.status) == (2, S.DRAFT)
    budget.refresh_from_db()
    assert budget.status == S.APPROVED


def test_the_database_holds_one_draft_and_one_approved_version_per_unit_and_year(muni):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    unit = result_unit(muni)
    for status in (S.DRAFT, S.APPROVED):
        Budget.objects.create(
            result_unit=unit, year=2025, version=1 if status == S.DRAFT else 2, status=status, created_at=timezone.now()
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            Budget.objects.create(result_unit=unit, year=2025, version=3, status=status, created_at=timezone.now())
