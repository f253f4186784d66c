"""Closing the year through the services: preparing, deciding (then immutable), reopening with a reversal, the
result fund and its uses, and the action plan a deficit requires up to its escalation to the board."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from intraprenad.accounts.models import AuditEvent
from intraprenad.cases import services as case_services
from intraprenad.cases.models import Case, Document
from intraprenad.economy.models import ActionPlan, FundMovement, MonthlyActual, ResultUnit, YearEndClosing
from intraprenad.economy.queries import closing as queries
from intraprenad.economy.services import closing as services
from intraprenad.economy.tests.test_closing_factories import (
    MSEK,
    actuals_for,
    budget_for,
    closing_world,
    decided,
    meeting_after,
    prepared,
    year_of,
)
from intraprenad.lifecycle.models import Termination
from intraprenad.lifecycle.tests.factories import board_meeting, intraprenad_at

S = YearEndClosing.Status
AP = ActionPlan.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(muni):
    return closing_world(muni)


def said(msgid: str, **values) -> str:
    """The refusal as the user reads it (Swedish once translated)."""
    return gettext(msgid) % values if values else gettext(msgid)


def audit_rows(verb: str):
    return AuditEvent.objects.filter(verb=verb).order_by("id")


def approve_minutes(world, meeting) -> None:
    registrar = world.muni.users.registrar
    case_services.hold_meeting(by=registrar, meeting=meeting)
    case_services.approve_minutes(by=registrar, meeting=meeting, approved_on=meeting.date, adjusters="Anna Andersson")


# --- prepare ------------------------------------------------------------------------------------------------


def test_the_economist_prepares_a_surplus_into_a_draft_with_a_case(world):
    # given an approved balanced budget and a year that ended 0.5 MSEK better
    year_of(world, 2024, result=MSEK // 2)
    # when
    closing = services.prepare_closing(
        by=world.muni.users.economist,
        intraprenad=world.intraprenad,
        year=2024,
        today=date(2025, 2, 1),
        comment="Bra år",
    )
    # then
    assert closing.status == S.DRAFT
    assert (closing.budget_result_ore, closing.actual_result_ore, closing.deviation_ore) == (0, MSEK // 2, MSEK // 2)
    assert closing.turnover_ore == 10 * MSEK
    assert (closing.unit_share_ore, closing.board_share_ore, closing.capped_ore, closing.cap_ore) == (
        MSEK // 2,
        0,
        0,
        None,
    )
    assert (closing.fund_opening_ore, closing.fund_movement_ore, closing.fund_closing_ore) == (0, MSEK // 2, MSEK // 2)
    assert closing.revision == world.revision
    assert closing.lines["revenue"] == {"budget": 10 * MSEK, "actual": 10 * MSEK}
    assert closing.lines["other"]["actual"] - closing.lines["other"]["budget"] == MSEK // 2
    assert closing.case.title == "Årsbokslut 2024 – Hemvården Norr"
    assert closing.case.org_unit == world.muni.board and closing.case.kind == Case.Kind.ECONOMY
    assert not FundMovement.objects.exists()  # nothing moves before the board decides
    event = audit_rows("year_end_closing.prepared").get()
    assert event.actor == world.muni.users.economist
    assert event.changes["recomputed"] is False and event.changes["deviation_ore"] == MSEK // 2


def test_preparing_a_draft_again_recomputes_it(world):
    # given a draft
    first = prepared(world, 2024, result=MSEK // 2)
    # when a corrected ledger shows a smaller surplus and the economist prepares again
    actuals_for(world.result_unit, 2024, {"revenue": 10 * MSEK, "personnel": -8 * MSEK, "other": -2 * MSEK + MSEK // 4})
    again = prepared(world, 2024)
    # then it is the same closing, recomputed
    assert again.pk == first.pk and again.case_id == first.case_id
    assert again.deviation_ore == MSEK // 4
    assert YearEndClosing.objects.count() == 1
    event = audit_rows("year_end_closing.prepared").last()
    assert event.changes["recomputed"] is True
    assert event.changes["changed"]["deviation_ore"] == [MSEK // 2, MSEK // 4]


def test_the_closing_is_prepared_on_the_day_given(world):
    # given a year prepared as of a day in the past, then prepared again as of a later day
    year_of(world, 2024, result=MSEK // 2)
    economist = world.muni.users.economist
    first = services.prepare_closing(by=economist, intraprenad=world.intraprenad, year=2024, today=date(2025, 2, 1))
    # then the closing is dated that day, not the day the test runs
    assert timezone.localdate(first.prepared_at) == date(2025, 2, 1)
    # and preparing it again dates it anew
    again = services.prepare_closing(by=economist, intraprenad=world.intraprenad, year=2024, today=date(2025, 2, 3))
    again.refresh_from_db()
    assert timezone.localdate(again.prepared_at) == date(2025, 2, 3)


def test_a_closing_prepared_today_has_the_current_time(world):
    year_of(world, 2024, result=MSEK // 2)
    before = timezone.now()
    closing = services.prepare_closing(
        by=world.muni.users.economist, intraprenad=world.intraprenad, year=2024, today=timezone.localdate()
    )
    assert before <= closing.prepared_at <= timezone.now()


def test_a_surplus_share_and_the_fund_cap_go_by_the_guidelines(muni):
    # given guidelines: the unit keeps 60 %, the fund at most 5 % of turnover (0.5 MSEK), and 0.3 MSEK already in it
    world = closing_world(muni, surplus_share_unit="60", fund_cap_share_of_turnover="5")
    decided(world, 2023, result=MSEK // 2)  # 60 % of 0.5 MSEK = 0.3 MSEK into the fund
    # when a 1 MSEK surplus is prepared
    closing = prepared(world, 2024, result=MSEK)
    # then the unit's 0.6 MSEK is cut to the 0.2 MSEK of room below the cap; the rest goes to the board
    assert closing.cap_ore == MSEK // 2
    assert closing.fund_opening_ore == 30_000_000
    assert (closing.unit_share_ore, closing.capped_ore, closing.board_share_ore) == (20_000_000, 40_000_000, 80_000_000)
    assert closing.unit_share_ore + closing.board_share_ore == closing.deviation_ore
    assert closing.fund_closing_ore == MSEK // 2


def test_a_deficit_is_borne_by_the_unit_by_the_guidelines_share(muni):
    world = closing_world(muni, deficit_share_unit="40")
    closing = prepared(world, 2024, result=-MSEK)
    assert (closing.unit_share_ore, closing.board_share_ore) == (-40_000_000, -60_000_000)
    assert (closing.fund_movement_ore, closing.fund_closing_ore) == (-40_000_000, -40_000_000)


@pytest.mark.parametrize("role", ["unit_head", "board_member", "officer", "staff", "other_unit_head"])
def test_only_the_economist_prepares_a_closing(world, role):
    year_of(world, 2024, result=0)
    with pytest.raises(PermissionDenied):
        services.prepare_closing(
            by=getattr(world.muni.users, role), intraprenad=world.intraprenad, year=2024, today=date(2025, 2, 1)
        )
    assert not YearEndClosing.objects.exists()


def test_a_year_that_has_not_ended_cannot_be_closed(world):
    year_of(world, 2024, result=0)
    with pytest.raises(ValidationError) as refused:
        services.prepare_closing(
            by=world.muni.users.economist, intraprenad=world.intraprenad, year=2024, today=date(2024, 12, 31)
        )
    assert refused.value.messages == [
        said("The year %(year)s has not ended yet; it can be closed from %(day)s.", year=2024, day="2025-01-01")
    ]


def test_a_closing_needs_an_approved_budget(world):
    budget_for(world.result_unit, 2024, {"revenue": MSEK}, status="draft")
    actuals_for(world.result_unit, 2024, {"revenue": MSEK})
    with pytest.raises(ValidationError) as refused:
        prepared(world, 2024)
    assert refused.value.messages == [
        said(
            "%(unit)s has no approved budget for %(year)s; the year cannot be closed without one.",
            unit="Hemvården Norr",
            year=2024,
        )
    ]


def test_a_closing_needs_the_actuals_of_the_year(world):
    budget_for(world.result_unit, 2024, {"revenue": MSEK})
    with pytest.raises(ValidationError) as refused:
        prepared(world, 2024)
    assert refused.value.messages == [
        said(
            "No actual outcome has been imported for %(unit)s in %(year)s; import the ledger first.",
            unit="Hemvården Norr",
            year=2024,
        )
    ]


def test_a_closing_needs_the_unit_mapped_to_the_ledger(world):
    MonthlyActual.objects.all().delete()
    ResultUnit.objects.all().delete()
    with pytest.raises(ValidationError) as refused:
        prepared(world, 2024)
    assert "Hemvården Norr" in refused.value.messages[0]
    assert not YearEndClosing.objects.exists()


def test_years_are_closed_in_order(world):
    decided(world, 2024, result=0)
    with pytest.raises(ValidationError) as refused:
        prepared(world, 2023, result=0)
    assert refused.value.messages == [
        said(
            "The closing of %(later)s is already decided; %(year)s cannot be closed after a later year.",
            later=2024,
            year=2023,
        )
    ]


def test_an_intraprenad_not_yet_running_has_no_closing(muni):
    intraprenad = intraprenad_at("agreement", muni)
    ResultUnit.objects.create(org_unit=muni.unit)
    with pytest.raises(ValidationError) as refused:
        services.prepare_closing(by=muni.users.economist, intraprenad=intraprenad, year=2024, today=date(2025, 2, 1))
    assert intraprenad.get_status_display() in refused.value.messages[0]


# --- decide -------------------------------------------------------------------------------------------------


def test_the_board_decides_a_surplus_into_the_fund(world):
    # given a prepared surplus
    closing = prepared(world, 2024, result=MSEK // 2)
    meeting = meeting_after(world, 2024)
    # when
    paragraph = services.decide_closing(
        by=world.muni.users.board_member, closing=closing, meeting=meeting, decision_text="Nämnden fastställer."
    )
    # then the decision is a paragraph of the meeting in the closing's case
    closing.refresh_from_db()
    assert closing.status == S.DECIDED and closing.decision == paragraph
    assert paragraph.meeting == meeting and paragraph.case == closing.case
    # and the unit's share has moved into the fund by that decision
    movement = FundMovement.objects.get()
    assert (movement.kind, movement.amount_ore, movement.year, movement.date) == (
        "allocation",
        MSEK // 2,
        2024,
        meeting.date,
    )
    assert movement.decision == paragraph and movement.closing == closing
    assert queries.fund_balance(world.result_unit.pk) == MSEK // 2
    # and the decided closing is registered in the case as a PDF
    document = Document.objects.get(case=closing.case)
    assert document.file.name.endswith("-arsbokslut-2024.pdf") and document.file_sha256
    assert not ActionPlan.objects.exists()
    event = audit_rows("year_end_closing.decided").get()
    assert event.actor == world.muni.users.board_member
    assert event.changes["decision"] == paragraph.reference
    assert event.changes["fund_movement"] == {"kind": "allocation", "amount_ore": MSEK // 2}


def test_a_decided_closing_never_changes(world):
    closing = decided(world, 2024, result=MSEK // 2)
    expected = said(
        "The closing of %(year)s was decided by the board (%(decision)s) and can no longer change. "
        "Changing it needs a new decision to reopen it.",
        year=2024,
        decision=closing.decision.reference,
    )
    with pytest.raises(ValidationError) as again:
        prepared(world, 2024)
    assert again.value.messages == [expected]
    with pytest.raises(ValidationError) as twice:
        services.decide_closing(
            by=world.muni.users.board_member,
            closing=closing,
            meeting=meeting_after(world, 2024, day=date(2025, 4, 1)),
            decision_text="Igen.",
        )
    assert twice.value.messages == [expected]
    assert FundMovement.objects.count() == 1


def test_a_deficit_opens_an_action_plan_with_the_guidelines_deadline(muni):
    # given guidelines giving 6 months to restore balance
    world = closing_world(muni, action_plan_deadline_months=6)
    closing = prepared(world, 2024, result=-30_000_000)
    # when the board decides on 2024-08-31's equivalent: a meeting on 2025-08-31 (end of month)
    meeting = meeting_after(world, 2024, day=date(2025, 8, 31))
    services.decide_closing(by=muni.users.board_member, closing=closing, meeting=meeting, decision_text="Fastställs.")
    # then the unit's deficit is charged to the fund and a plan is due six months later, clamped to February's end
    movement = FundMovement.objects.get()
    assert (movement.kind, movement.amount_ore) == ("deficit", -30_000_000)
    plan = ActionPlan.objects.get()
    assert (plan.status, plan.deficit_ore, plan.deadline) == (AP.OPEN, 30_000_000, date(2026, 2, 28))
    assert plan.closing_id == closing.pk and plan.result_unit == world.result_unit
    assert audit_rows("year_end_closing.decided").get().changes["action_plan"]["deadline"] == "2026-02-28"


@pytest.mark.parametrize("role", ["economist", "unit_head", "officer", "registrar"])
def test_only_a_board_member_decides(world, role):
    closing = prepared(world, 2024, result=0)
    with pytest.raises(PermissionDenied):
        services.decide_closing(
            by=getattr(world.muni.users, role), closing=closing, meeting=meeting_after(world, 2024), decision_text="x"
        )
    closing.refresh_from_db()
    assert closing.status == S.DRAFT


def test_the_decision_is_taken_by_the_intraprenad_s_own_board_after_the_year(world):
    closing = prepared(world, 2024, result=0)
    by = world.muni.users.board_member
    other_board = board_meeting(world.muni, date(2025, 3, 1), body=world.muni.school_board)
    with pytest.raises(ValidationError) as wrong_board:
        services.decide_closing(by=by, closing=closing, meeting=other_board, decision_text="x")
    assert wrong_board.value.messages == [said("The decision must be taken at a meeting of the intraprenad's board.")]
    with pytest.raises(ValidationError) as too_early:
        services.decide_closing(
            by=by, closing=closing, meeting=meeting_after(world, 2024, day=date(2024, 12, 10)), decision_text="x"
        )
    assert too_early.value.messages == [
        said("The closing of %(year)s can only be decided at a meeting after the year has ended.", year=2024)
    ]
    approved = meeting_after(world, 2024)
    approve_minutes(world, approved)
    with pytest.raises(ValidationError) as closed_minutes:
        services.decide_closing(by=by, closing=closing, meeting=approved, decision_text="x")
    assert closed_minutes.value.messages == [
        said("The minutes of that meeting are already approved; choose another meeting.")
    ]
    with pytest.raises(ValidationError) as no_text:
        services.decide_closing(
            by=by, closing=closing, meeting=meeting_after(world, 2024, day=date(2025, 3, 20)), decision_text=" "
        )
    assert no_text.value.messages == [said("Write the text of the decision.")]
    closing.refresh_from_db()
    assert closing.status == S.DRAFT and not FundMovement.objects.exists()


def test_the_board_decides_again_prepared_figures_only_if_the_fund_has_not_moved(world):
    # given 2023 in the fund and a draft for 2024 prepared with that balance
    decided(world, 2023, result=MSEK)
    closing = prepared(world, 2024, result=MSEK // 2)
    # when the fund is used before the board decides the 2024 closing
    services.record_fund_use(
        by=world.muni.users.board_member,
        intraprenad=world.intraprenad,
        meeting=meeting_after(world, 2024, day=date(2024, 6, 10)),
        purpose="kompetensutveckling",
        amount_ore=10_000_000,
        description="Utbildning i lågaffektivt bemötande",
        date=date(2024, 6, 10),
    )
    # then the draft must be prepared again
    with pytest.raises(ValidationError) as refused:
        services.decide_closing(
            by=world.muni.users.board_member, closing=closing, meeting=meeting_after(world, 2024), decision_text="x"
        )
    assert refused.value.messages == [
        said(
            "The result fund has changed since the closing was prepared (then %(then)s, now %(now)s). "
            "Prepare the closing again before the board decides.",
            then="1\u00a0000\u00a0000,00\u00a0kr",
            now="900\u00a0000,00\u00a0kr",
        )
    ]
    closing = prepared(world, 2024)
    assert closing.fund_opening_ore == MSEK and closing.fund_closing_ore == MSEK - 10_000_000 + MSEK // 2
    services.decide_closing(
        by=world.muni.users.board_member, closing=closing, meeting=meeting_after(world, 2024), decision_text="x"
    )
    ledger = queries.fund_ledger(world.result_unit.pk)
    assert [(y.year, y.opening_ore, y.uses_ore, y.allocation_ore, y.closing_ore) for y in ledger] == [
        (2023, 0, 0, MSEK, MSEK),
        (2024, MSEK, -10_000_000, MSEK // 2, 140_000_000),
    ]


# --- reopen -------------------------------------------------------------------------------------------------


def test_reopening_reverses_the_fund_movement_and_cancels_the_plan(world):
    # given a decided deficit with its action plan
    closing = decided(world, 2024, result=-MSEK // 4)
    plan = ActionPlan.objects.get()
    meeting = meeting_after(world, 2024, day=date(2025, 5, 20))
    # when the board reopens it
    paragraph = services.reopen_closing(
        by=world.muni.users.board_member,
        closing=closing,
        meeting=meeting,
        decision_text="Nämnden omprövar årsbokslutet.",
        reasons="En felaktig kostnadsföring har upptäckts.",
    )
    # then the closing is kept as reopened history with its new decision
    closing.refresh_from_db()
    assert closing.status == S.REOPENED and closing.reopen_decision == paragraph
    assert paragraph.case == closing.case and paragraph.reasons
    # and the fund returns to its prior balance by a reversal tied to the reopening decision
    reversal = FundMovement.objects.get(kind="reversal")
    assert (reversal.amount_ore, reversal.year, reversal.decision) == (MSEK // 4, 2024, paragraph)
    assert queries.fund_balance(world.result_unit.pk) == 0
    plan.refresh_from_db()
    assert (plan.status, plan.closed_on) == (AP.CANCELLED, meeting.date)
    event = audit_rows("year_end_closing.reopened").get()
    assert event.changes["reversal_ore"] == MSEK // 4 and event.changes["action_plan_cancelled"] == plan.pk
    # and a new draft can be prepared, in the same case
    again = prepared(world, 2024, result=MSEK // 10)
    assert again.pk != closing.pk and again.case_id == closing.case_id and again.status == S.DRAFT
    assert again.fund_opening_ore == 0 and again.fund_closing_ore == MSEK // 10


def test_reopening_needs_reasons_a_decided_closing_and_no_later_decided_year(world):
    by = world.muni.users.board_member
    draft = prepared(world, 2023, result=MSEK)
    with pytest.raises(ValidationError) as not_decided:
        services.reopen_closing(
            by=by, closing=draft, meeting=meeting_after(world, 2023), decision_text="x", reasons="y"
        )
    assert not_decided.value.messages == [
        said("Only a decided closing can be reopened; the closing of %(year)s is still a draft.", year=2023)
    ]
    first = decided(world, 2023)
    with pytest.raises(ValidationError) as no_reasons:
        services.reopen_closing(by=by, closing=first, meeting=meeting_after(world, 2023), decision_text="", reasons="")
    assert no_reasons.value.messages == [
        said("Write the text of the decision."),
        said("Give the reasons for reopening the closing."),
    ]
    decided(world, 2024, result=MSEK)
    with pytest.raises(ValidationError) as later:
        services.reopen_closing(
            by=by,
            closing=first,
            meeting=meeting_after(world, 2024, day=date(2025, 6, 1)),
            decision_text="x",
            reasons="y",
        )
    assert later.value.messages == [
        said(
            "The closing of %(later)s, built on this one's result fund, is already decided; reopen it first.",
            later=2024,
        )
    ]
    with pytest.raises(PermissionDenied):
        services.reopen_closing(
            by=world.muni.users.economist,
            closing=first,
            meeting=meeting_after(world, 2023),
            decision_text="x",
            reasons="y",
        )
    assert FundMovement.objects.filter(kind="reversal").count() == 0


def test_a_reopened_closing_cannot_be_decided_again(world):
    closing = decided(world, 2024, result=MSEK)
    services.reopen_closing(
        by=world.muni.users.board_member,
        closing=closing,
        meeting=meeting_after(world, 2024, day=date(2025, 5, 20)),
        decision_text="Omprövas.",
        reasons="Fel i underlaget.",
    )
    closing.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.decide_closing(
            by=world.muni.users.board_member, closing=closing, meeting=meeting_after(world, 2024), decision_text="x"
        )
    assert refused.value.messages == [
        said("This closing of %(year)s has been reopened and is kept as history; prepare a new one.", year=2024)
    ]


# --- the fund ----------------------------------------------------------------------------------------------


def test_the_board_approves_a_permitted_use_within_the_balance(world):
    decided(world, 2023, result=MSEK)
    meeting = meeting_after(world, 2024, day=date(2024, 5, 5))
    movement = services.record_fund_use(
        by=world.muni.users.board_member,
        intraprenad=world.intraprenad,
        meeting=meeting,
        purpose="kompetensutveckling",
        amount_ore=25_000_000,
        description="Utbildning i demensvård för alla medarbetare",
        date=date(2024, 5, 5),
    )
    assert (movement.kind, movement.amount_ore, movement.purpose, movement.year) == (
        "use",
        -25_000_000,
        "kompetensutveckling",
        2024,
    )
    assert movement.decision.meeting == meeting
    assert movement.decision.case.title == "Användning av resultatfonden – Hemvården Norr"
    assert "250\u00a0000,00\u00a0kr" in movement.decision.decision_text
    assert queries.fund_balance(world.result_unit.pk) == 75_000_000
    event = audit_rows("fund_movement.recorded").get()
    assert event.changes == {
        "kind": "use",
        "purpose": "kompetensutveckling",
        "amount_ore": -25_000_000,
        "decision": movement.decision.reference,
    }


def test_a_use_must_be_permitted_within_the_balance_in_an_open_year_and_by_the_board(world):
    decided(world, 2023, result=MSEK)
    by = world.muni.users.board_member

    def use(**overrides):
        values = {
            "by": by,
            "intraprenad": world.intraprenad,
            "meeting": meeting_after(world, 2024, day=date(2024, 5, 5)),
            "purpose": "kompetensutveckling",
            "amount_ore": 100,
            "description": "Kurs",
            "date": date(2024, 5, 5),
        }
        return services.record_fund_use(**{**values, **overrides})

    with pytest.raises(ValidationError) as not_permitted:
        use(purpose="resor")
    assert not_permitted.value.messages == [
        said("The guidelines do not permit using the result fund for “%(purpose)s”.", purpose="resor")
    ]
    with pytest.raises(ValidationError) as too_much:
        use(amount_ore=MSEK + 1)
    assert "1\u00a0000\u00a0000,00\u00a0kr" in too_much.value.messages[0]
    with pytest.raises(ValidationError) as closed_year:
        use(date=date(2023, 12, 1))
    assert closed_year.value.messages == [
        said("The year %(year)s is already closed; date the use in a year that is not.", year=2023)
    ]
    later = timezone.localdate() + timedelta(days=30)
    with pytest.raises(ValidationError) as not_yet:
        use(meeting=meeting_after(world, 2024, day=later))
    assert not_yet.value.messages == [
        said(
            "The meeting on %(date)s has not taken place yet; its decisions can be recorded from that day.",
            date=later.isoformat(),
        )
    ]
    with pytest.raises(PermissionDenied):
        use(by=world.muni.users.economist)
    assert not FundMovement.objects.filter(kind="use").exists()
    assert not Case.objects.filter(title__startswith="Användning").exists()


# --- action plans ------------------------------------------------------------------------------------------


@pytest.fixture
def plan(world) -> ActionPlan:
    decided(world, 2023, result=-MSEK // 2)
    return ActionPlan.objects.get()


def test_the_unit_works_on_its_action_plan(world, plan):
    unit_head = world.muni.users.unit_head
    services.update_action_plan(by=unit_head, plan=plan, summary="Underskottet beror på övertid under sommaren.")
    measure = services.add_measure(
        by=unit_head,
        plan=plan,
        description="Schemalägg med fasta team",
        owner="Karin Enhetschef",
        due_on=date(2024, 9, 1),
        effect_ore=20_000_000,
    )
    services.update_measure(by=world.muni.users.officer, measure=measure, status="started")
    follow_up = services.record_follow_up(
        by=world.muni.users.economist,
        plan=plan,
        date=date(2024, 6, 30),
        note="Övertiden har halverats.",
        result_to_date_ore=5_000_000,
        today=date(2024, 7, 1),
    )
    plan.refresh_from_db()
    measure.refresh_from_db()
    assert plan.summary.startswith("Underskottet")
    assert (measure.status, measure.owner, measure.due_on) == ("started", "Karin Enhetschef", date(2024, 9, 1))
    assert (follow_up.recorded_by, follow_up.result_to_date_ore) == (world.muni.users.economist, 5_000_000)
    assert [e.verb for e in AuditEvent.objects.filter(verb__startswith="action_").order_by("id")] == [
        "action_plan.updated",
        "action_measure.added",
        "action_measure.updated",
        "action_follow_up.recorded",
    ]


def test_action_plan_refusals(world, plan):
    unit_head = world.muni.users.unit_head
    with pytest.raises(ValidationError) as empty:
        services.add_measure(by=unit_head, plan=plan, description="", owner="", due_on=date(2030, 1, 1), effect_ore=-1)
    assert empty.value.messages == [
        said("Describe the measure."),
        said("Name who owns the measure."),
        said("The measure must be due by the plan's deadline, %(deadline)s.", deadline=plan.deadline.isoformat()),
        said("The expected effect cannot be negative."),
    ]
    with pytest.raises(ValidationError) as future:
        services.record_follow_up(by=unit_head, plan=plan, date=date(2024, 8, 1), note="x", today=date(2024, 7, 1))
    assert future.value.messages == [said("A follow-up cannot be dated in the future.")]
    for role in ("board_member", "staff", "other_unit_head"):
        with pytest.raises(PermissionDenied):
            services.update_action_plan(by=getattr(world.muni.users, role), plan=plan, summary="x")
    with pytest.raises(ValidationError) as not_restored:
        services.close_action_plan_restored(by=world.muni.users.economist, plan=plan, today=date(2024, 7, 1))
    assert "500\u00a0000,00\u00a0kr" in not_restored.value.messages[0]
    plan.refresh_from_db()
    assert plan.status == AP.OPEN and plan.summary == ""


def test_a_later_closing_that_restores_balance_closes_the_plan(world, plan):
    # given the 2023 deficit's plan; when 2024 is decided with a surplus that covers it
    closing = decided(world, 2024, result=MSEK // 2)
    # then the plan is closed as restored on the decision's date
    plan.refresh_from_db()
    assert (plan.status, plan.closed_on) == (AP.RESTORED, closing.decision.meeting.date)
    event = audit_rows("action_plan.restored").get()
    assert event.actor == world.muni.users.board_member
    assert closing.decision.reference in event.changes["reason"]
    # and a closed plan no longer changes
    with pytest.raises(ValidationError) as closed:
        services.update_action_plan(by=world.muni.users.unit_head, plan=plan, summary="x")
    assert closed.value.messages == [
        said("The action plan is closed (%(status)s) and can no longer change.", status=plan.get_status_display())
    ]


def test_an_economist_closes_a_plan_whose_balance_is_restored(world, plan):
    # given a plan left open although a later decided closing restored the balance (a plan from before the
    # automatic closing, simulated by opening it again)
    decided(world, 2024, result=MSEK // 2)
    ActionPlan.objects.filter(pk=plan.pk).update(status=AP.OPEN, closed_on=None)
    # when the economist closes it
    closed = services.close_action_plan_restored(by=world.muni.users.economist, plan=plan, today=date(2025, 4, 1))
    # then
    assert (closed.status, closed.closed_on) == (AP.RESTORED, date(2025, 4, 1))
    assert audit_rows("action_plan.restored").last().actor == world.muni.users.economist


def test_reopening_the_closing_that_restored_a_plan_opens_the_plan_again(world, plan):
    closing = decided(world, 2024, result=MSEK // 2)
    services.reopen_closing(
        by=world.muni.users.board_member,
        closing=closing,
        meeting=meeting_after(world, 2024, day=date(2025, 5, 20)),
        decision_text="Omprövas.",
        reasons="Intäkter bokades på fel år.",
    )
    plan.refresh_from_db()
    assert (plan.status, plan.closed_on) == (AP.OPEN, None)
    assert audit_rows("year_end_closing.reopened").get().changes["action_plans_reopened"] == [plan.pk]


def test_review_escalates_a_plan_past_its_deadline_once_and_raises_the_ending(world, plan):
    # given the 2023 deficit's plan, due 2025-03-14, with nothing decided since
    assert plan.deadline == date(2025, 3, 14)
    # when the daily review runs on the deadline day, nothing happens
    assert services.review_action_plans(today=date(2025, 3, 14)) == []
    # and the day after, the plan is escalated and the case for ending the intraprenad is raised for the board
    escalated = services.review_action_plans(today=date(2025, 3, 15))
    assert [p.pk for p in escalated] == [plan.pk]
    plan.refresh_from_db()
    termination = Termination.objects.get()
    assert (plan.status, plan.termination, plan.closed_on) == (AP.ESCALATED, termination, date(2025, 3, 15))
    assert termination.ground == Termination.Ground.ECONOMY and termination.status == Termination.Status.PROPOSED
    assert termination.effective_on == date(2025, 6, 1)
    assert "årsbokslut 2023" in termination.motivation and "2025-03-14" in termination.motivation
    assert "500\u00a0000,00\u00a0kr" in termination.motivation
    assert termination.case.org_unit == world.muni.board and termination.case.kind == Case.Kind.TERMINATION
    proposed = audit_rows("termination.proposed").get()
    escalation = audit_rows("action_plan.escalated").get()
    assert proposed.actor is None and escalation.actor is None
    assert escalation.changes["termination"] == termination.case.case_number
    # and running again changes nothing
    assert services.review_action_plans(today=date(2025, 3, 16)) == []
    assert Termination.objects.count() == 1 and audit_rows("action_plan.escalated").count() == 1


def test_review_links_a_termination_already_proposed(world, plan):
    from intraprenad.lifecycle import services as lifecycle_services

    existing = lifecycle_services.propose_termination(
        by=world.muni.users.officer,
        intraprenad=world.intraprenad,
        ground="breach",
        motivation="Överenskommelsen följs inte.",
        effective_on=date(2025, 9, 1),
        today=date(2025, 3, 1),
    )
    [escalated] = services.review_action_plans(today=date(2025, 3, 20))
    assert escalated.termination == existing
    assert Termination.objects.count() == 1


def test_review_closes_a_restored_plan_instead_of_escalating(world, plan):
    decided(world, 2024, result=MSEK)
    ActionPlan.objects.filter(pk=plan.pk).update(status=AP.OPEN)  # as if still open when the review runs
    assert services.review_action_plans(today=date(2025, 4, 1)) == []
    plan.refresh_from_db()
    assert plan.status == AP.RESTORED
    assert not Termination.objects.exists()


def test_propose_termination_by_the_system_needs_no_user(world):
    from intraprenad.lifecycle import services as lifecycle_services

    with pytest.raises(PermissionDenied):
        lifecycle_services.propose_termination(
            by=None,
            intraprenad=world.intraprenad,
            ground="economy",
            motivation="x",
            effective_on=date(2025, 9, 1),
            today=date(2025, 3, 1),
        )
    termination = lifecycle_services.propose_termination(
        by=None,
        check_perm=False,
        intraprenad=world.intraprenad,
        ground="economy",
        motivation="Balansen är inte återställd.",
        effective_on=date(2025, 9, 1),
        today=date(2025, 3, 1),
    )
    assert termination.case.registered_by is None
    assert audit_rows("termination.proposed").get().actor is None


# --- queries ------------------------------------------------------------------------------------------------


def test_the_fund_ledger_and_the_closings_list_take_a_fixed_number_of_queries(world, django_assert_num_queries):
    decided(world, 2022, result=MSEK)
    decided(world, 2023, result=-MSEK // 2)
    decided(world, 2024, result=MSEK // 4)
    with django_assert_num_queries(1):
        ledger = queries.fund_ledger(world.result_unit.pk)
    assert [y.closing_ore for y in ledger] == [MSEK, MSEK // 2, MSEK // 2 + MSEK // 4]
    assert all(row.reference for y in ledger for row in y.movements)  # without a user every reference is shown
    economist = world.muni.users.economist
    queries.closings_for_year(economist, 2024)  # the user's roles are cached on the user
    with django_assert_num_queries(4):  # the organisation tree, the intraprenader, their result units, the closings
        rows = queries.closings_for_year(economist, 2024)
    assert [(r.intraprenad, r.closing.year) for r in rows] == [(world.intraprenad, 2024)]


def test_the_daily_review_is_scheduled_on_the_workers_and_runs_the_review(muni):
    from importlib import import_module

    from django.apps import apps
    from django_q.models import Schedule

    from intraprenad.economy import tasks

    # the migration's step itself (a test that flushes the database also removes what migrations wrote)
    migration = import_module("intraprenad.economy.migrations.0002_schedule_action_plan_review")
    Schedule.objects.filter(func=migration.FUNC).delete()
    migration.schedule(apps, None)
    migration.schedule(apps, None)  # running it again adds nothing
    schedule = Schedule.objects.get(func="intraprenad.economy.tasks.review_action_plans")
    assert schedule.schedule_type == Schedule.DAILY
    assert tasks.review_action_plans() == 0  # nothing open in an empty municipality
