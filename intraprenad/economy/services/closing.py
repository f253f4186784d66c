"""Closing the year: preparing and deciding an intraprenad's year-end closing, reopening it, using the result
fund, and the action plan a deficit requires. Each function is one audited change.

Every function takes keyword arguments and the acting user `by`, runs in one transaction, locks the rows it
changes, checks the permission (`accounts.access.PERMISSIONS`), checks `economy.rules.closing`, saves and writes
one audit row whose subject is the intraprenad. These are the only functions that assign a closing's or an action
plan's `status`. Case titles, fund movement descriptions and the motivation of a raised termination are register
data and always Swedish.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intraprenad.accounts import audit
from intraprenad.accounts.access import require_perm
from intraprenad.cases import rules as case_rules
from intraprenad.cases import services as case_services
from intraprenad.cases.models import Case, Document, Meeting, Paragraph
from intraprenad.economy.models import (
    ActionFollowUp,
    ActionMeasure,
    ActionPlan,
    FundMovement,
    ResultUnit,
    YearEndClosing,
)
from intraprenad.economy.queries import closing as queries
from intraprenad.economy.rules import closing as rules
from intraprenad.economy.rules.money import format_kronor
from intraprenad.lifecycle import rules as lifecycle_rules
from intraprenad.lifecycle.models import Intraprenad, Termination
from intraprenad.policy import parameters as P

S = YearEndClosing.Status
K = FundMovement.Kind
AP = ActionPlan.Status

CLOSING_CASE_KIND = Case.Kind.ECONOMY


# --- locking and shared checks ---------------------------------------------------------------------------


def _lock_intraprenad(intraprenad: Intraprenad) -> Intraprenad:
    return Intraprenad.objects.select_for_update(of=("self",)).select_related("unit", "board").get(pk=intraprenad.pk)


def _lock_result_unit(result_unit_id: int) -> ResultUnit:
    """The fund of a unit changes one decision at a time."""
    return ResultUnit.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=result_unit_id)


def _lock_closing(closing: YearEndClosing) -> YearEndClosing:
    return (
        YearEndClosing.objects.select_for_update(of=("self",))
        .select_related("intraprenad__board", "intraprenad__unit", "result_unit", "case", "revision", "decision")
        .get(pk=closing.pk)
    )


def _lock_plan(plan: ActionPlan) -> ActionPlan:
    return (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("intraprenad", "closing", "result_unit")
        .get(pk=plan.pk)
    )


def _lock_meeting(meeting: Meeting, intraprenad: Intraprenad) -> Meeting:
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    lifecycle_rules.check_meeting_for_decision(
        meeting_body_id=meeting.body_id, board_id=intraprenad.board_id, meeting_status=meeting.status
    )
    return meeting


def _result_unit(intraprenad: Intraprenad) -> ResultUnit:
    result_unit = queries.result_unit_of(intraprenad)
    if result_unit is None:
        raise ValidationError(
            _("%(unit)s is not mapped to the ledger as a result unit; the economist must map it first.")
            % {"unit": intraprenad.unit}
        )
    return result_unit


def _check_transition(closing: YearEndClosing, target: str) -> None:
    if target in rules.CLOSING_TRANSITIONS[closing.status]:
        return
    if closing.status == S.DECIDED:
        raise ValidationError(
            _(
                "The closing of %(year)s was decided by the board (%(decision)s) and can no longer change. "
                "Changing it needs a new decision to reopen it."
            )
            % {"year": closing.year, "decision": closing.decision.reference}
        )
    if closing.status == S.REOPENED:
        raise ValidationError(
            _("This closing of %(year)s has been reopened and is kept as history; prepare a new one.")
            % {"year": closing.year}
        )
    raise ValidationError(
        _("Only a decided closing can be reopened; the closing of %(year)s is still a draft.") % {"year": closing.year}
    )


def _check_decision_text(decision_text: str) -> None:
    if not decision_text.strip():
        raise ValidationError(_("Write the text of the decision."))


def _check_meeting_after_year(meeting: Meeting, year: int) -> None:
    if meeting.date <= date(year, 12, 31):
        raise ValidationError(
            _("The closing of %(year)s can only be decided at a meeting after the year has ended.") % {"year": year}
        )


def _later_decided(result_unit_id: int, year: int) -> YearEndClosing | None:
    """A decided closing of a later year, which was computed on this year's fund balance."""
    return (
        YearEndClosing.objects.filter(result_unit_id=result_unit_id, status=S.DECIDED, year__gt=year)
        .order_by("year")
        .first()
    )


def _kr(ore: int) -> str:
    return format_kronor(ore, decimals=True)


# --- preparing ---------------------------------------------------------------------------------------------


def _figures(*, intraprenad: Intraprenad, result_unit: ResultUnit, year: int) -> dict:
    """Everything a closing records, computed from the approved budget, the actuals and the fund."""
    revision = queries.revision_for_year(intraprenad, year)
    budget = queries.approved_budget(result_unit.pk, year)
    if budget is None:
        raise ValidationError(
            _("%(unit)s has no approved budget for %(year)s; the year cannot be closed without one.")
            % {"unit": result_unit, "year": year}
        )
    actual = queries.actual_lines(result_unit.pk, year)
    if not actual:
        raise ValidationError(
            _("No actual outcome has been imported for %(unit)s in %(year)s; import the ledger first.")
            % {"unit": result_unit, "year": year}
        )
    budgeted = queries.budget_lines(result_unit.pk, year)
    budget_result = sum(budgeted.values())
    actual_result = sum(actual.values())
    turnover = max(actual.get("revenue", 0), 0)
    deviation = rules.result_against_budget(actual_result_ore=actual_result, budget_result_ore=budget_result)
    params = P.values(revision)
    movements = queries.fund_movement_rows(result_unit.pk)
    opening = rules.balance_before(movements, year)
    during_year = sum(amount for y, _kind, amount in movements if y == year)
    split = rules.split_result(
        result_ore=deviation,
        turnover_ore=turnover,
        fund_before_ore=opening + during_year,
        surplus_share_unit=params["surplus_share_unit"],
        deficit_share_unit=params["deficit_share_unit"],
        fund_cap_share_of_turnover=params["fund_cap_share_of_turnover"],
        fund_cap_amount_ore=rules.sek_to_ore(params["fund_cap_amount"]),
    )
    lines = {
        line: {"budget": budgeted.get(line, 0), "actual": actual.get(line, 0)}
        for line in sorted(set(budgeted) | set(actual))
    }
    return {
        "revision": revision,
        "budget": budget,
        "turnover_ore": turnover,
        "budget_result_ore": budget_result,
        "actual_result_ore": actual_result,
        "deviation_ore": deviation,
        "lines": lines,
        "unit_share_ore": split.unit_share_ore,
        "board_share_ore": split.board_share_ore,
        "capped_ore": split.capped_ore,
        "cap_ore": split.cap_ore,
        "fund_opening_ore": opening,
        "fund_movement_ore": split.fund_movement_ore,
        "fund_closing_ore": split.fund_after_ore,
    }


def _moment(today: date) -> datetime:
    """`today` as a time: the current time of day on that day (so the current time when it is today)."""
    return timezone.make_aware(datetime.combine(today, timezone.localtime().time()))


def _closing_case(*, by, intraprenad: Intraprenad, year: int, today: date) -> Case:
    """The case of the year's closing: the one a reopened closing of the year already has, else a new one."""
    earlier = (
        YearEndClosing.objects.filter(intraprenad=intraprenad, year=year, case__isnull=False)
        .select_related("case")
        .order_by("-prepared_at")
        .first()
    )
    if earlier is not None:
        return earlier.case
    return case_services.register_case(
        by=by,
        org_unit=intraprenad.board,
        title=f"Årsbokslut {year} – {intraprenad.name}",
        kind=CLOSING_CASE_KIND,
        subject_unit=intraprenad.unit,
        registered_on=today,
        check_perm=False,
    )


@transaction.atomic
def prepare_closing(*, by, intraprenad: Intraprenad, year: int, today: date, comment: str = "") -> YearEndClosing:
    """Compute the year's result against the approved budget, its split and the fund into a draft closing.

    Preparing again while the closing is a draft recomputes it (e.g. after a corrected ledger import).
    """
    intraprenad = _lock_intraprenad(intraprenad)
    require_perm(by, "economy.prepare_closing", intraprenad)
    rules.check_year_ended(year=year, today=today)
    if intraprenad.status not in (Intraprenad.Status.ACTIVE, Intraprenad.Status.ENDED):
        raise ValidationError(
            _(
                "Only an intraprenad that runs or has run under an agreement has year-end closings; “%(name)s” is "
                "at the stage “%(status)s”."
            )
            % {"name": intraprenad.name, "status": intraprenad.get_status_display()}
        )
    result_unit = _lock_result_unit(_result_unit(intraprenad).pk)
    closing = (
        YearEndClosing.objects.select_for_update(of=("self",))
        .filter(intraprenad=intraprenad, year=year)
        .exclude(status=S.REOPENED)
        .select_related("decision")
        .first()
    )
    if closing is not None:
        _check_transition(closing, S.DECIDED)  # a decided closing cannot be prepared again
    later = _later_decided(result_unit.pk, year)
    if later is not None:
        raise ValidationError(
            _("The closing of %(later)s is already decided; %(year)s cannot be closed after a later year.")
            % {"later": later.year, "year": year}
        )
    figures = _figures(intraprenad=intraprenad, result_unit=result_unit, year=year)
    now = _moment(today)
    if closing is None:
        closing = YearEndClosing.objects.create(
            intraprenad=intraprenad,
            result_unit=result_unit,
            year=year,
            status=S.DRAFT,
            case=_closing_case(by=by, intraprenad=intraprenad, year=year, today=today),
            comment=comment,
            prepared_by=by,
            prepared_at=now,
            **figures,
        )
        changes = {"recomputed": False}
    else:
        previous = {name: getattr(closing, name) for name in figures if name.endswith("_ore")}
        for name, value in figures.items():
            setattr(closing, name, value)
        closing.comment = comment
        closing.prepared_by = by
        closing.prepared_at = now
        closing.save()
        changes = {
            "recomputed": True,
            "changed": {name: [old, figures[name]] for name, old in previous.items() if old != figures[name]},
        }
    changes.update(
        {
            "year": year,
            "case": closing.case.case_number,
            "revision": figures["revision"],
            "budget": figures["budget"],
            "deviation_ore": closing.deviation_ore,
            "unit_share_ore": closing.unit_share_ore,
            "board_share_ore": closing.board_share_ore,
        }
    )
    audit.record(actor=by, verb="year_end_closing.prepared", target=closing, subject=intraprenad, changes=changes)
    return closing


# --- deciding ----------------------------------------------------------------------------------------------


def _check_fund_unchanged(closing: YearEndClosing) -> None:
    """The board decides on the figures it was shown: if the fund moved since, the closing must be prepared again."""
    movements = queries.fund_movement_rows(closing.result_unit_id)
    opening = rules.balance_before(movements, closing.year)
    before = opening + sum(amount for y, _kind, amount in movements if y == closing.year)
    prepared_before = closing.fund_closing_ore - closing.fund_movement_ore
    if opening != closing.fund_opening_ore or before != prepared_before:
        raise ValidationError(
            _(
                "The result fund has changed since the closing was prepared (then %(then)s, now %(now)s). "
                "Prepare the closing again before the board decides."
            )
            % {"then": _kr(prepared_before), "now": _kr(before)}
        )


def _movement_description(closing: YearEndClosing) -> str:
    if closing.fund_movement_ore > 0:
        return f"Årsbokslut {closing.year}: enhetens del av överskottet till resultatfonden"
    return f"Årsbokslut {closing.year}: enhetens del av underskottet belastar resultatfonden"


def _restore_plan(plan: ActionPlan, *, by, today: date, reason: str) -> ActionPlan:
    plan.status = AP.RESTORED
    plan.closed_on = today
    plan.save(update_fields=["status", "closed_on"])
    audit.record(
        actor=by,
        verb="action_plan.restored",
        target=plan,
        subject=plan.intraprenad,
        changes={"status": [AP.OPEN, AP.RESTORED], "closed_on": today, "reason": reason},
    )
    return plan


def _register_decided_document(*, by, closing: YearEndClosing, meeting: Meeting) -> Document:
    from intraprenad.documents.render import render_pdf
    from intraprenad.economy.closing_document import closing_content

    return case_services.register_document(
        by=by,
        case=closing.case,
        kind=Document.Kind.OTHER,
        direction=Document.Direction.INTERNAL,
        description=f"Årsbokslut {closing.year} – {closing.intraprenad.name}, beslutat",
        document_date=meeting.date,
        counterpart=closing.intraprenad.unit.name,
        file_name=f"{closing.case.compact_number}-arsbokslut-{closing.year}.pdf",
        content=render_pdf(closing_content(closing)),
        check_perm=False,
    )


@transaction.atomic
def decide_closing(*, by, closing: YearEndClosing, meeting: Meeting, decision_text: str) -> Paragraph:
    """The board decides the closing: recorded as a paragraph, then immutable. The unit's share moves into (or out
    of) the result fund by that decision; a deficit opens an action plan with the guidelines' deadline; earlier
    action plans whose balance is now restored are closed."""
    closing = _lock_closing(closing)
    require_perm(by, "economy.decide", closing)
    _check_transition(closing, S.DECIDED)
    _check_decision_text(decision_text)
    intraprenad = _lock_intraprenad(closing.intraprenad)
    _lock_result_unit(closing.result_unit_id)
    meeting = _lock_meeting(meeting, intraprenad)
    _check_meeting_after_year(meeting, closing.year)
    if closing.case_id and meeting.date < timezone.localdate(closing.case.registered_at):
        raise ValidationError(
            _("The decision cannot be dated before its case was registered (%(day)s).")
            % {"day": timezone.localdate(closing.case.registered_at).isoformat()}
        )
    _check_fund_unchanged(closing)
    paragraph = case_services.record_paragraph(
        by=by,
        meeting=meeting,
        title=closing.case.title,
        outcome=Paragraph.Outcome.APPROVE,
        decision_text=decision_text,
        case=closing.case,
        check_perm=False,
    )
    closing.status = S.DECIDED
    closing.decision = paragraph
    closing.save(update_fields=["status", "decision"])
    changes: dict = {"status": [S.DRAFT, S.DECIDED], "decision": paragraph.reference}
    if closing.fund_movement_ore:
        movement = FundMovement.objects.create(
            intraprenad=intraprenad,
            result_unit_id=closing.result_unit_id,
            year=closing.year,
            date=meeting.date,
            kind=K.ALLOCATION if closing.fund_movement_ore > 0 else K.DEFICIT,
            amount_ore=closing.fund_movement_ore,
            description=_movement_description(closing),
            decision=paragraph,
            closing=closing,
            created_by=by,
            created_at=timezone.now(),
        )
        changes["fund_movement"] = {"kind": movement.kind, "amount_ore": movement.amount_ore}
    if closing.deviation_ore < 0:
        months = P.values(closing.revision)["action_plan_deadline_months"]
        plan = ActionPlan.objects.create(
            intraprenad=intraprenad,
            result_unit_id=closing.result_unit_id,
            closing=closing,
            deficit_ore=-closing.deviation_ore,
            deadline=rules.action_plan_deadline(decided_on=meeting.date, months=months),
            status=AP.OPEN,
            created_at=timezone.now(),
        )
        changes["action_plan"] = {"id": plan.pk, "deficit_ore": plan.deficit_ore, "deadline": plan.deadline}
    changes["document"] = _register_decided_document(by=by, closing=closing, meeting=meeting).serial
    audit.record(actor=by, verb="year_end_closing.decided", target=closing, subject=intraprenad, changes=changes)
    earlier_plans = ActionPlan.objects.select_for_update(of=("self",)).filter(
        result_unit_id=closing.result_unit_id, status=AP.OPEN, closing__year__lt=closing.year
    )
    for plan in earlier_plans.select_related("intraprenad", "closing"):
        if queries.plan_restored(plan):
            _restore_plan(
                plan, by=by, today=meeting.date, reason=f"Årsbokslut {closing.year} beslutat ({paragraph.reference})"
            )
    return paragraph


@transaction.atomic
def reopen_closing(*, by, closing: YearEndClosing, meeting: Meeting, decision_text: str, reasons: str) -> Paragraph:
    """The board reopens a decided closing by a new decision: its fund movement is reversed, an open action plan
    from it is cancelled, and a new draft can be prepared. The reopened closing stays as history."""
    closing = _lock_closing(closing)
    require_perm(by, "economy.decide", closing)
    _check_transition(closing, S.REOPENED)
    problems = []
    if not decision_text.strip():
        problems.append(_("Write the text of the decision."))
    if not reasons.strip():
        problems.append(_("Give the reasons for reopening the closing."))
    if problems:
        raise ValidationError(problems)
    intraprenad = _lock_intraprenad(closing.intraprenad)
    _lock_result_unit(closing.result_unit_id)
    later = _later_decided(closing.result_unit_id, closing.year)
    if later is not None:
        raise ValidationError(
            _("The closing of %(later)s, built on this one's result fund, is already decided; reopen it first.")
            % {"later": later.year}
        )
    meeting = _lock_meeting(meeting, intraprenad)
    paragraph = case_services.record_paragraph(
        by=by,
        meeting=meeting,
        title=f"Omprövning av årsbokslut {closing.year} – {intraprenad.name}",
        outcome=Paragraph.Outcome.APPROVE,
        decision_text=decision_text,
        case=closing.case,
        reasons=reasons,
        check_perm=False,
    )
    changes: dict = {"status": [S.DECIDED, S.REOPENED], "decision": paragraph.reference, "reasons": reasons}
    moved = sum(closing.fund_movements.exclude(kind=K.REVERSAL).values_list("amount_ore", flat=True))
    if moved:
        reversal = FundMovement.objects.create(
            intraprenad=intraprenad,
            result_unit_id=closing.result_unit_id,
            year=closing.year,
            date=meeting.date,
            kind=K.REVERSAL,
            amount_ore=rules.reversal_of(moved),
            description=f"Omprövning av årsbokslut {closing.year}: fondrörelsen återförs",
            decision=paragraph,
            closing=closing,
            created_by=by,
            created_at=timezone.now(),
        )
        changes["reversal_ore"] = reversal.amount_ore
    plan = ActionPlan.objects.select_for_update(of=("self",)).filter(closing=closing).first()
    if plan is not None and plan.status == AP.OPEN:
        plan.status = AP.CANCELLED
        plan.closed_on = meeting.date
        plan.save(update_fields=["status", "closed_on"])
        changes["action_plan_cancelled"] = plan.pk
    closing.status = S.REOPENED
    closing.reopen_decision = paragraph
    closing.save(update_fields=["status", "reopen_decision"])
    reopened_plans = []
    restored = ActionPlan.objects.select_for_update(of=("self",)).filter(
        result_unit_id=closing.result_unit_id, status=AP.RESTORED, closing__year__lt=closing.year
    )
    for earlier in restored.select_related("closing"):
        if not queries.plan_restored(earlier):  # it was restored by the closing now reopened
            earlier.status = AP.OPEN
            earlier.closed_on = None
            earlier.save(update_fields=["status", "closed_on"])
            reopened_plans.append(earlier.pk)
    if reopened_plans:
        changes["action_plans_reopened"] = reopened_plans
    audit.record(actor=by, verb="year_end_closing.reopened", target=closing, subject=intraprenad, changes=changes)
    return paragraph


# --- the result fund ---------------------------------------------------------------------------------------


@transaction.atomic
def record_fund_use(
    *,
    by,
    intraprenad: Intraprenad,
    meeting: Meeting,
    purpose: str,
    amount_ore: int,
    description: str,
    date: date,
) -> FundMovement:
    """The board approves using the result fund for a purpose its guidelines permit, within the balance."""
    intraprenad = _lock_intraprenad(intraprenad)
    require_perm(by, "economy.decide", intraprenad)
    result_unit = _lock_result_unit(_result_unit(intraprenad).pk)
    revision = queries.revision_for_year(intraprenad, date.year)
    permitted = dict(queries.permitted_fund_uses(revision))
    rules.check_fund_use(
        purpose=purpose,
        permitted=list(permitted),
        amount_ore=amount_ore,
        balance_ore=queries.fund_balance(result_unit.pk),
        description=description,
    )
    if YearEndClosing.objects.filter(result_unit=result_unit, year=date.year, status=S.DECIDED).exists():
        raise ValidationError(
            _("The year %(year)s is already closed; date the use in a year that is not.") % {"year": date.year}
        )
    meeting = _lock_meeting(meeting, intraprenad)
    case_rules.check_meeting_has_taken_place(meeting_date=meeting.date, today=timezone.localdate())
    title = f"Användning av resultatfonden – {intraprenad.name}"
    case = case_services.register_case(
        by=by,
        org_unit=intraprenad.board,
        title=title,
        kind=CLOSING_CASE_KIND,
        subject_unit=intraprenad.unit,
        registered_on=meeting.date,
        check_perm=False,
    )
    paragraph = case_services.record_paragraph(
        by=by,
        meeting=meeting,
        title=title,
        outcome=Paragraph.Outcome.APPROVE,
        decision_text=f"Nämnden godkänner att {_kr(amount_ore)} av resultatfonden används för "
        f"{permitted[purpose].lower()}: {description.strip()}",
        case=case,
        check_perm=False,
    )
    movement = FundMovement.objects.create(
        intraprenad=intraprenad,
        result_unit=result_unit,
        year=date.year,
        date=date,
        kind=K.USE,
        amount_ore=-amount_ore,
        purpose=purpose,
        description=description.strip(),
        decision=paragraph,
        created_by=by,
        created_at=timezone.now(),
    )
    audit.record(
        actor=by,
        verb="fund_movement.recorded",
        target=movement,
        subject=intraprenad,
        changes={"kind": K.USE, "purpose": purpose, "amount_ore": -amount_ore, "decision": paragraph.reference},
    )
    return movement


# --- action plans ------------------------------------------------------------------------------------------


def _check_plan_open(plan: ActionPlan) -> None:
    if plan.status != AP.OPEN:
        raise ValidationError(
            _("The action plan is closed (%(status)s) and can no longer change.")
            % {"status": plan.get_status_display()}
        )


@transaction.atomic
def update_action_plan(*, by, plan: ActionPlan, summary: str) -> ActionPlan:
    """Write the plan's analysis of the deficit and how balance will be restored."""
    plan = _lock_plan(plan)
    require_perm(by, "economy.manage_action_plan", plan)
    _check_plan_open(plan)
    if not summary.strip():
        raise ValidationError(_("Write the analysis and summary of the plan."))
    plan.summary = summary
    plan.save(update_fields=["summary"])
    audit.record(actor=by, verb="action_plan.updated", target=plan, subject=plan.intraprenad, changes={})
    return plan


@transaction.atomic
def add_measure(
    *, by, plan: ActionPlan, description: str, owner: str, due_on: date, effect_ore: int = 0
) -> ActionMeasure:
    """Add a measure with the person who owns it and when it is due."""
    plan = _lock_plan(plan)
    require_perm(by, "economy.manage_action_plan", plan)
    _check_plan_open(plan)
    problems = []
    if not description.strip():
        problems.append(_("Describe the measure."))
    if not owner.strip():
        problems.append(_("Name who owns the measure."))
    if due_on > plan.deadline:
        problems.append(
            _("The measure must be due by the plan's deadline, %(deadline)s.") % {"deadline": plan.deadline.isoformat()}
        )
    if effect_ore < 0:
        problems.append(_("The expected effect cannot be negative."))
    if problems:
        raise ValidationError(problems)
    measure = ActionMeasure.objects.create(
        plan=plan, description=description.strip(), owner=owner.strip(), due_on=due_on, effect_ore=effect_ore
    )
    audit.record(
        actor=by,
        verb="action_measure.added",
        target=measure,
        subject=plan.intraprenad,
        changes={"plan": plan.pk, "owner": measure.owner, "due_on": due_on, "effect_ore": effect_ore},
    )
    return measure


@transaction.atomic
def update_measure(*, by, measure: ActionMeasure, status: str) -> ActionMeasure:
    """Record how far a measure has come (planned, started, done)."""
    measure = ActionMeasure.objects.select_for_update(of=("self",)).get(pk=measure.pk)
    plan = _lock_plan(measure.plan)
    require_perm(by, "economy.manage_action_plan", plan)
    _check_plan_open(plan)
    if status not in ActionMeasure.Status.values:
        raise ValidationError(_("Choose the measure's status."))
    previous = measure.status
    measure.status = status
    measure.save(update_fields=["status"])
    audit.record(
        actor=by,
        verb="action_measure.updated",
        target=measure,
        subject=plan.intraprenad,
        changes={"plan": plan.pk, "status": [previous, status]},
    )
    return measure


@transaction.atomic
def record_follow_up(
    *, by, plan: ActionPlan, date: date, note: str, today: date, result_to_date_ore: int | None = None
) -> ActionFollowUp:
    """Record a follow-up of the plan: what has been done and the result so far this year."""
    plan = _lock_plan(plan)
    require_perm(by, "economy.manage_action_plan", plan)
    _check_plan_open(plan)
    problems = []
    if not note.strip():
        problems.append(_("Write what the follow-up found."))
    if date > today:
        problems.append(_("A follow-up cannot be dated in the future."))
    if problems:
        raise ValidationError(problems)
    follow_up = ActionFollowUp.objects.create(
        plan=plan,
        date=date,
        note=note.strip(),
        result_to_date_ore=result_to_date_ore,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    audit.record(
        actor=by,
        verb="action_follow_up.recorded",
        target=follow_up,
        subject=plan.intraprenad,
        changes={"plan": plan.pk, "date": date, "result_to_date_ore": result_to_date_ore},
    )
    return follow_up


@transaction.atomic
def close_action_plan_restored(*, by, plan: ActionPlan, today: date) -> ActionPlan:
    """Close the plan once a later decided closing shows the balance restored."""
    plan = _lock_plan(plan)
    require_perm(by, "economy.manage_action_plan", plan)
    _check_plan_open(plan)
    if not queries.plan_restored(plan):
        raise ValidationError(
            _(
                "Balance is not restored yet: a later decided closing must cover the deficit of %(deficit)s or leave "
                "the result fund at zero or above."
            )
            % {"deficit": _kr(plan.deficit_ore)}
        )
    return _restore_plan(plan, by=by, today=today, reason="")


def _motivation(plan: ActionPlan) -> str:
    return (
        f"Åtgärdsplanen för {plan.intraprenad.name} efter årsbokslut {plan.closing.year} skulle återställa "
        f"ekonomisk balans efter ett underskott på {_kr(plan.deficit_ore)} senast {plan.deadline.isoformat()}. "
        "Balansen är inte återställd när tidsfristen har gått ut. Enligt riktlinjerna väcks därför frågan om att "
        "intraprenaden upphör och verksamheten återgår till förvaltningen."
    )


@transaction.atomic
def _review_plan(plan_id: int, today: date) -> ActionPlan | None:
    from intraprenad.lifecycle import services as lifecycle_services

    plan = ActionPlan.objects.select_for_update(of=("self",)).select_related("intraprenad", "closing").get(pk=plan_id)
    if plan.status != AP.OPEN or not rules.is_past_deadline(deadline=plan.deadline, today=today):
        return None
    if queries.plan_restored(plan):
        _restore_plan(plan, by=None, today=today, reason="Granskning av åtgärdsplaner")
        return None
    intraprenad = plan.intraprenad
    termination = intraprenad.terminations.filter(status=Termination.Status.PROPOSED).first()
    note = ""
    if termination is None and intraprenad.status == Intraprenad.Status.ACTIVE:
        try:
            with transaction.atomic():
                termination = lifecycle_services.propose_termination(
                    by=None,
                    check_perm=False,
                    intraprenad=intraprenad,
                    ground=Termination.Ground.ECONOMY,
                    motivation=_motivation(plan),
                    effective_on=rules.termination_effective_on(today),
                    today=today,
                )
        except ValidationError as error:
            note = " ".join(error.messages)
    elif termination is None:
        note = f"Intraprenaden är inte aktiv ({intraprenad.get_status_display()})."
    plan.status = AP.ESCALATED
    plan.termination = termination
    plan.closed_on = today
    plan.save(update_fields=["status", "termination", "closed_on"])
    audit.record(
        actor=None,
        verb="action_plan.escalated",
        target=plan,
        subject=intraprenad,
        changes={
            "status": [AP.OPEN, AP.ESCALATED],
            "deadline": plan.deadline,
            "termination": termination.case.case_number if termination else None,
            "note": note,
        },
    )
    return plan


def review_action_plans(*, today: date) -> list[ActionPlan]:
    """System action, run daily: every open plan past its deadline whose balance is not restored is escalated and
    the case for ending the intraprenad is raised for the board (ground: economy). Plans found restored are closed.
    Idempotent: a plan is escalated once. Each plan is handled in its own transaction. Returns the escalated plans.
    """
    due = ActionPlan.objects.filter(status=AP.OPEN, deadline__lt=today).order_by("deadline", "pk")
    escalated = []
    for plan_id in due.values_list("pk", flat=True):
        plan = _review_plan(plan_id, today)
        if plan is not None:
            escalated.append(plan)
    return escalated
