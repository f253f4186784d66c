"""Every step of the intraprenad lifecycle, each one audited change.

Each function takes keyword arguments and the acting user `by`, runs in one transaction, locks
the row it changes, checks the permission named in `accounts.access.PERMISSIONS`, checks the rules
in `lifecycle.rules`, saves, and writes one audit row whose subject is the intraprenad. These are
the only functions that assign `status`.

Case titles and registered documents are register data and always Swedish, whatever language
the user interface is in.
"""

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from intraprenad.accounts import audit
from intraprenad.accounts.access import require_perm
from intraprenad.accounts.models import OrgUnit
from intraprenad.cases import services as case_services
from intraprenad.cases.models import Case, Document, Meeting, Paragraph
from intraprenad.policy import parameters as P
from intraprenad.policy.models import RequiredItem
from intraprenad.policy.queries import current_revision

from . import rules
from .models import (
    Agreement,
    AgreementClause,
    Application,
    ApplicationSection,
    BudgetLine,
    InterestNotice,
    Intraprenad,
    Memo,
    Termination,
    TrainingProgramme,
    TrainingSession,
)

I = Intraprenad.Status  # noqa: E741
A = Application.Status
G = Agreement.Status
T = Termination.Status

logger = logging.getLogger(__name__)


class _UnitScope:
    """Adapter so a bare organisational unit can be checked with require_perm."""

    def __init__(self, unit: OrgUnit):
        self.scope_unit_id = unit.pk


def _board_of(unit: OrgUnit) -> OrgUnit:
    """The nearest board above the unit."""
    node = unit.parent
    while node is not None:
        if node.kind == OrgUnit.Kind.BOARD:
            return node
        node = node.parent
    raise ValidationError(_("%(unit)s does not belong to any board.") % {"unit": unit})


def _lock_intraprenad(intraprenad: Intraprenad) -> Intraprenad:
    return Intraprenad.objects.select_for_update(of=("self",)).select_related("unit", "board").get(pk=intraprenad.pk)


def _move(intraprenad: Intraprenad, target: str) -> str:
    """Move the intraprenad to `target` following the transition table; returns the old status."""
    previous = intraprenad.status
    rules.check_transition(rules.INTRAPRENAD_TRANSITIONS, previous, target)
    intraprenad.status = target
    intraprenad.save(update_fields=["status", "ended_on"])
    return previous


def _check_intraprenad_status(intraprenad: Intraprenad, *allowed: str) -> None:
    if intraprenad.status not in allowed:
        raise ValidationError(
            _("This step is not possible while the intraprenad is at the stage “%(status)s”.")
            % {"status": intraprenad.get_status_display()}
        )


def _check_open_for_new(unit: OrgUnit) -> None:
    existing = Intraprenad.objects.filter(unit=unit).exclude(status__in=rules.CLOSED_INTRAPRENAD_STATUSES).first()
    if existing is not None:
        raise ValidationError(
            _("%(unit)s already has an intraprenad under way (“%(name)s”, %(status)s).")
            % {"unit": unit, "name": existing.name, "status": existing.get_status_display()}
        )


def _check_interest_fields(*, unit: OrgUnit, contact_name: str, staff_count: int, motivation: str) -> None:
    problems = []
    if unit.kind != OrgUnit.Kind.UNIT:
        problems.append(_("Only a unit can become an intraprenad; %(unit)s is not a unit.") % {"unit": unit})
    if not contact_name.strip():
        problems.append(_("Name a contact person."))
    if staff_count < 1:
        problems.append(_("State how many staff the unit has."))
    if not motivation.strip():
        problems.append(_("Say why the unit is interested."))
    rules.raise_problems(problems)


@transaction.atomic
def register_interest(
    *,
    by,
    unit: OrgUnit,
    received_on: date,
    contact_name: str,
    staff_count: int,
    motivation: str,
    name: str = "",
    service_type: str = "",
) -> Intraprenad:
    """A unit's expression of interest: the start of a staff-initiated intraprenad."""
    require_perm(by, "lifecycle.register_interest", _UnitScope(unit))
    _check_interest_fields(unit=unit, contact_name=contact_name, staff_count=staff_count, motivation=motivation)
    OrgUnit.objects.select_for_update(of=("self",)).get(pk=unit.pk)
    _check_open_for_new(unit)
    board = _board_of(unit)
    intraprenad = Intraprenad.objects.create(
        name=name.strip() or unit.name,
        unit=unit,
        board=board,
        service_type=service_type.strip() or unit.service_type,
        origin=Intraprenad.Origin.STAFF,
        status=I.INTEREST,
        created_at=timezone.now(),
    )
    InterestNotice.objects.create(
        intraprenad=intraprenad,
        received_on=received_on,
        contact_name=contact_name,
        staff_count=staff_count,
        motivation=motivation,
        submitted_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit.record(
        actor=by,
        verb="intraprenad.registered",
        target=intraprenad,
        changes={"unit": unit, "board": board, "received_on": received_on, "staff_count": staff_count},
    )
    return intraprenad


@transaction.atomic
def start_by_board_initiative(
    *,
    by,
    unit: OrgUnit,
    initiative: Paragraph,
    one_time_frame_increase: Decimal,
    received_on: date,
    contact_name: str,
    staff_count: int,
    motivation: str,
) -> Intraprenad:
    """An intraprenad the board has decided to start (e.g. for a new operation), with its start-up funding."""
    require_perm(by, "lifecycle.prepare_case", _UnitScope(unit))
    _check_interest_fields(unit=unit, contact_name=contact_name, staff_count=staff_count, motivation=motivation)
    board = _board_of(unit)
    if initiative.body_id != board.pk:
        raise ValidationError(
            _("The initiative must be a decision of %(board)s, the board of the unit.") % {"board": board}
        )
    if Decimal(one_time_frame_increase) < 0:
        raise ValidationError(_("The one-time frame increase cannot be negative."))
    OrgUnit.objects.select_for_update(of=("self",)).get(pk=unit.pk)
    _check_open_for_new(unit)
    intraprenad = Intraprenad.objects.create(
        name=unit.name,
        unit=unit,
        board=board,
        service_type=unit.service_type,
        origin=Intraprenad.Origin.BOARD,
        initiative=initiative,
        one_time_frame_increase=one_time_frame_increase,
        status=I.INTEREST,
        created_at=timezone.now(),
    )
    InterestNotice.objects.create(
        intraprenad=intraprenad,
        received_on=received_on,
        contact_name=contact_name,
        staff_count=staff_count,
        motivation=motivation,
        submitted_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit.record(
        actor=by,
        verb="intraprenad.initiated",
        target=intraprenad,
        changes={
            "unit": unit,
            "board": board,
            "initiative": initiative.reference,
            "one_time_frame_increase": one_time_frame_increase,
        },
    )
    return intraprenad


# Training ------------------------------------------------------------------------------------


@transaction.atomic
def offer_training(*, by, intraprenad: Intraprenad, today: date) -> TrainingProgramme:
    """Offer the training programme under the guidelines in force today."""
    intraprenad = _lock_intraprenad(intraprenad)
    require_perm(by, "lifecycle.manage_training", intraprenad)
    rules.check_transition(rules.INTRAPRENAD_TRANSITIONS, intraprenad.status, I.TRAINING)
    revision = current_revision(board=intraprenad.board, on=today)
    programme = TrainingProgramme.objects.create(intraprenad=intraprenad, revision=revision)
    _move(intraprenad, I.TRAINING)
    audit.record(
        actor=by,
        verb="training_programme.offered",
        target=programme,
        subject=intraprenad,
        changes={"revision": revision, "status": [I.INTEREST, I.TRAINING]},
    )
    return programme


def _lock_programme(programme: TrainingProgramme) -> TrainingProgramme:
    programme = (
        TrainingProgramme.objects.select_for_update(of=("self",))
        .select_related("intraprenad", "revision")
        .get(pk=programme.pk)
    )
    return programme


def _check_programme_open(programme: TrainingProgramme) -> None:
    if programme.completed_at is not None:
        raise ValidationError(_("The training programme is already completed."))
    if programme.intraprenad.status != I.TRAINING:
        _check_intraprenad_status(programme.intraprenad, I.TRAINING)


@transaction.atomic
def add_training_session(
    *, by, programme: TrainingProgramme, date: date, hours: Decimal, topic: str
) -> TrainingSession:
    """Plan (or record) one session of the programme."""
    programme = _lock_programme(programme)
    require_perm(by, "lifecycle.manage_training", programme)
    _check_programme_open(programme)
    params = P.values(programme.revision)
    problems = rules.session_hours_problems(hours=Decimal(hours), minimum=Decimal(params["training_hours_per_session"]))
    if not topic.strip():
        problems.append(_("Give the session a topic."))
    most = params["training_sessions_max"]
    if programme.sessions.count() >= most:
        problems.append(_("The programme already has %(max)s sessions, the most the guidelines allow.") % {"max": most})
    rules.raise_problems(problems)
    session = TrainingSession.objects.create(programme=programme, date=date, hours=hours, topic=topic)
    audit.record(
        actor=by,
        verb="training_session.added",
        target=session,
        subject=programme.intraprenad,
        changes={"date": date, "hours": hours, "topic": topic},
    )
    return session


@transaction.atomic
def record_attendance(*, by, session: TrainingSession, attendees: int) -> TrainingSession:
    """Record how many attended a session."""
    session = TrainingSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
    programme = _lock_programme(session.programme)
    require_perm(by, "lifecycle.manage_training", programme)
    _check_programme_open(programme)
    if attendees < 0:
        raise ValidationError(_("The number of attendees cannot be negative."))
    previous = session.attendees
    session.attendees = attendees
    session.save(update_fields=["attendees"])
    audit.record(
        actor=by,
        verb="training_session.attendance_recorded",
        target=session,
        subject=programme.intraprenad,
        changes={"attendees": [previous, attendees]},
    )
    return session


@transaction.atomic
def record_presentation(*, by, programme: TrainingProgramme, presented_on: date, summary: str) -> TrainingProgramme:
    """Record the unit's closing presentation of its business idea."""
    programme = _lock_programme(programme)
    require_perm(by, "lifecycle.record_presentation", programme)
    _check_programme_open(programme)
    if not summary.strip():
        raise ValidationError(_("Summarise the business idea the unit presented."))
    programme.presentation_on = presented_on
    programme.presentation_summary = summary
    programme.save(update_fields=["presentation_on", "presentation_summary"])
    audit.record(
        actor=by,
        verb="training_programme.presentation_recorded",
        target=programme,
        subject=programme.intraprenad,
        changes={"presented_on": presented_on},
    )
    return programme


@transaction.atomic
def complete_training(*, by, programme: TrainingProgramme, today: date) -> TrainingProgramme:
    """Complete the training. This commits the unit to nothing: the intraprenad stays at the training stage."""
    programme = _lock_programme(programme)
    require_perm(by, "lifecycle.manage_training", programme)
    _check_programme_open(programme)
    params = P.values(programme.revision)
    rules.raise_problems(
        rules.training_problems(
            sessions=[rules.SessionFacts(s.date, s.attendees) for s in programme.sessions.all()],
            presentation_on=programme.presentation_on,
            sessions_min=params["training_sessions_min"],
            sessions_max=params["training_sessions_max"],
            today=today,
        )
    )
    programme.completed_at = timezone.now()
    programme.save(update_fields=["completed_at"])
    audit.record(
        actor=by,
        verb="training_programme.completed",
        target=programme,
        subject=programme.intraprenad,
        changes={"sessions": programme.sessions.filter(date__lte=today).count()},
    )
    return programme


# Application ---------------------------------------------------------------------------------


@transaction.atomic
def start_application(*, by, intraprenad: Intraprenad, today: date) -> Application:
    """Open a draft application with one empty section per required section of today's guidelines."""
    intraprenad = _lock_intraprenad(intraprenad)
    require_perm(by, "lifecycle.edit_application", intraprenad)
    rules.check_transition(rules.INTRAPRENAD_TRANSITIONS, intraprenad.status, I.APPLICATION)
    programme = TrainingProgramme.objects.filter(intraprenad=intraprenad).first()
    if programme is None or programme.completed_at is None:
        raise ValidationError(_("The training programme must be completed before an application can be written."))
    revision = current_revision(board=intraprenad.board, on=today)
    application = Application.objects.create(intraprenad=intraprenad, revision=revision, status=A.DRAFT)
    ApplicationSection.objects.bulk_create(
        [
            ApplicationSection(application=application, key=item.key, title=item.title, order=item.order, text="")
            for item in revision.items_of(RequiredItem.Kind.APPLICATION_SECTION)
        ]
    )
    _move(intraprenad, I.APPLICATION)
    audit.record(
        actor=by,
        verb="application.started",
        target=application,
        subject=intraprenad,
        changes={"revision": revision, "status": [I.TRAINING, I.APPLICATION]},
    )
    return application


def _lock_application(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("intraprenad", "intraprenad__unit", "intraprenad__board", "revision", "case")
        .get(pk=application.pk)
    )


def _check_draft(application: Application) -> None:
    if application.status != A.DRAFT:
        raise ValidationError(
            _("Only a draft application can be changed; this one is “%(status)s”.")
            % {"status": application.get_status_display()}
        )


@transaction.atomic
def update_application(
    *,
    by,
    application: Application,
    sections: dict[str, str],
    staff_total: int,
    staff_in_favour: int,
    years_positive_result: int,
) -> Application:
    """Write the application's sections and its staff support and eligibility figures."""
    application = _lock_application(application)
    require_perm(by, "lifecycle.edit_application", application)
    _check_draft(application)
    rules.check_staff_numbers(staff_total=staff_total, staff_in_favour=staff_in_favour)
    if years_positive_result < 0:
        raise ValidationError(_("The number of years cannot be negative."))
    existing = {s.key: s for s in application.sections.all()}
    unknown = sorted(set(sections) - set(existing))
    if unknown:
        raise ValidationError(_("The application has no section with the key %(keys)s.") % {"keys": ", ".join(unknown)})
    changed = []
    for key, text in sections.items():
        section = existing[key]
        if section.text != text:
            section.text = text
            section.save(update_fields=["text"])
            changed.append(key)
    application.staff_total = staff_total
    application.staff_in_favour = staff_in_favour
    application.years_positive_result = years_positive_result
    application.save(update_fields=["staff_total", "staff_in_favour", "years_positive_result"])
    audit.record(
        actor=by,
        verb="application.updated",
        target=application,
        subject=application.intraprenad,
        changes={
            "sections": changed,
            "staff_total": staff_total,
            "staff_in_favour": staff_in_favour,
            "years_positive_result": years_positive_result,
        },
    )
    return application


@transaction.atomic
def set_budget_lines(*, by, application: Application, lines: list[dict]) -> Application:
    """Replace the application's operating and staff budget."""
    application = _lock_application(application)
    require_perm(by, "lifecycle.edit_application", application)
    _check_draft(application)
    rules.raise_problems(rules.budget_line_problems(lines))
    application.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                application=application,
                kind=line["kind"],
                description=line["description"].strip(),
                amount=Decimal(line["amount"]),
            )
            for line in lines
        ]
    )
    audit.record(
        actor=by,
        verb="application.budget_set",
        target=application,
        subject=application.intraprenad,
        changes={"lines": [{"kind": x["kind"], "description": x["description"], "amount": x["amount"]} for x in lines]},
    )
    return application


@transaction.atomic
def submit_application(*, by, application: Application, today: date) -> Application:
    """Submit the application to the board: it is registered as a case with the application as a received document."""
    application = _lock_application(application)
    require_perm(by, "lifecycle.submit_application", application)
    rules.check_transition(rules.APPLICATION_TRANSITIONS, application.status, A.SUBMITTED)
    intraprenad = application.intraprenad
    rules.raise_problems(
        rules.application_problems(
            sections=[(s.title, s.text) for s in application.sections.all()],
            budget_kinds=application.budget_lines.values_list("kind", flat=True),
            staff_total=application.staff_total,
            staff_in_favour=application.staff_in_favour,
            years_positive_result=application.years_positive_result,
            parameters=P.values(application.revision),
        )
    )
    title = f"Ansökan om intraprenad – {intraprenad.name}"
    case = case_services.register_case(
        by=by,
        org_unit=intraprenad.board,
        title=title,
        kind=Case.Kind.APPLICATION,
        subject_unit=intraprenad.unit,
        registered_on=today,
        check_perm=False,
    )
    case_services.register_document(
        by=by,
        case=case,
        kind=Document.Kind.APPLICATION,
        direction=Document.Direction.INCOMING,
        description=title,
        document_date=today,
        counterpart=intraprenad.unit.name,
        check_perm=False,
    )
    application.status = A.SUBMITTED
    application.case = case
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "case", "submitted_at"])
    audit.record(
        actor=by,
        verb="application.submitted",
        target=application,
        subject=intraprenad,
        changes={"status": [A.DRAFT, A.SUBMITTED], "case": case.case_number},
    )
    return application


@transaction.atomic
def withdraw(*, by, intraprenad: Intraprenad, reason: str) -> Intraprenad:
    """The unit (or the administration) withdraws before the agreement is in force; an open application goes too."""
    intraprenad = _lock_intraprenad(intraprenad)
    require_perm(by, "lifecycle.withdraw", intraprenad)
    rules.check_transition(rules.INTRAPRENAD_TRANSITIONS, intraprenad.status, I.WITHDRAWN)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the withdrawal."))
    withdrawn_applications = []
    for application in Application.objects.select_for_update(of=("self",)).filter(
        intraprenad=intraprenad, status__in=rules.OPEN_APPLICATION_STATUSES
    ):
        rules.check_transition(rules.APPLICATION_TRANSITIONS, application.status, A.WITHDRAWN)
        application.status = A.WITHDRAWN
        application.save(update_fields=["status"])
        withdrawn_applications.append(application.pk)
    cancelled = _cancel_open_agreements(intraprenad)
    previous = _move(intraprenad, I.WITHDRAWN)
    audit.record(
        actor=by,
        verb="intraprenad.withdrawn",
        target=intraprenad,
        changes={
            "status": [previous, I.WITHDRAWN],
            "reason": reason,
            "applications": withdrawn_applications,
            "agreements": cancelled,
        },
    )
    return intraprenad


def _cancel_open_agreements(intraprenad: Intraprenad) -> list[str]:
    """Cancel the agreements not yet in force (a draft or decided agreement, or renewal); their names."""
    cancelled = []
    for agreement in Agreement.objects.select_for_update(of=("self",)).filter(
        intraprenad=intraprenad, status__in=rules.OPEN_AGREEMENT_STATUSES
    ):
        rules.check_transition(rules.AGREEMENT_TRANSITIONS, agreement.status, G.CANCELLED)
        agreement.status = G.CANCELLED
        agreement.save(update_fields=["status"])
        cancelled.append(str(agreement))
    return cancelled


def _check_no_termination_proposed(intraprenad: Intraprenad) -> None:
    if intraprenad.terminations.filter(status=T.PROPOSED).exists():
        raise ValidationError(
            _("A termination of this intraprenad is proposed; the renewal must wait for the board's decision on it.")
        )
    _check_no_termination_pending(intraprenad)


def _pending_termination(intraprenad: Intraprenad) -> Termination | None:
    """The termination the board has decided that has not yet taken effect: the intraprenad is still active until
    its effective day (a notice period), when the daily job `apply_due_dates` ends it."""
    if intraprenad.status != I.ACTIVE:
        return None
    return intraprenad.terminations.filter(status=T.DECIDED).order_by("effective_on", "id").first()


def _check_no_termination_pending(intraprenad: Intraprenad) -> None:
    pending = _pending_termination(intraprenad)
    if pending is not None:
        raise ValidationError(
            _("The board has decided that this intraprenad ends on %(date)s; it cannot be renewed or ended again.")
            % {"date": pending.effective_on.isoformat()}
        )


# Preparation and decisions -------------------------------------------------------------------


def _intraprenad_of_case(case: Case) -> Intraprenad | None:
    for lookup in ("applications", "agreements", "terminations"):
        found = Intraprenad.objects.filter(**{f"{lookup}__case": case}).first()
        if found is not None:
            return found
    return None


@transaction.atomic
def write_memo(
    *,
    by,
    case: Case,
    title: str,
    summary: str,
    background: str,
    assessment: str,
    proposal: str,
    proposed_decision: str,
    today: date,
) -> Memo:
    """The administration's official memo with a proposed decision, rendered to PDF and registered in the case."""
    from intraprenad.documents.render import render_pdf
    from intraprenad.lifecycle.document_content import memo_content

    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    require_perm(by, "lifecycle.prepare_case", case)
    problems = []
    if case.status != Case.Status.OPEN:
        problems.append(_("The case %(case)s is closed.") % {"case": case.case_number})
    if not title.strip():
        problems.append(_("Give the memo a title."))
    if not summary.strip():
        problems.append(_("Write a summary."))
    if not assessment.strip():
        problems.append(_("Write the administration's assessment."))
    if proposal not in Memo.Proposal.values:
        problems.append(_("Choose whether the administration proposes to approve or to reject."))
    if not proposed_decision.strip():
        problems.append(_("Write the proposed decision."))
    rules.raise_problems(problems)
    memo = Memo.objects.create(
        case=case,
        title=title,
        summary=summary,
        background=background,
        assessment=assessment,
        proposal=proposal,
        proposed_decision=proposed_decision,
        author=by,
        drawn_up_on=today,
    )
    pdf = render_pdf(memo_content(memo))
    memo.document = case_services.register_document(
        by=by,
        case=case,
        kind=Document.Kind.MEMO,
        direction=Document.Direction.INTERNAL,
        description=f"Tjänsteskrivelse: {title}",
        document_date=today,
        file_name=f"{case.compact_number}-tjansteskrivelse.pdf",
        content=pdf,
        check_perm=False,
    )
    memo.save(update_fields=["document"])
    audit.record(
        actor=by,
        verb="memo.written",
        target=memo,
        subject=_intraprenad_of_case(case) or case,
        changes={"case": case.case_number, "proposal": proposal, "document": memo.document.serial},
    )
    return memo


@transaction.atomic
def prepare_application(
    *,
    by,
    application: Application,
    summary: str,
    background: str,
    assessment: str,
    proposal: str,
    proposed_decision: str,
    today: date,
) -> Memo:
    """The administration prepares the submitted application for the board with an official memo."""
    application = _lock_application(application)
    require_perm(by, "lifecycle.prepare_case", application)
    rules.check_transition(rules.APPLICATION_TRANSITIONS, application.status, A.PREPARED)
    memo = write_memo(
        by=by,
        case=application.case,
        title=application.case.title,
        summary=summary,
        background=background,
        assessment=assessment,
        proposal=proposal,
        proposed_decision=proposed_decision,
        today=today,
    )
    application.status = A.PREPARED
    application.save(update_fields=["status"])
    audit.record(
        actor=by,
        verb="application.prepared",
        target=application,
        subject=application.intraprenad,
        changes={"status": [A.SUBMITTED, A.PREPARED], "memo": memo.pk, "proposal": proposal},
    )
    return memo


def _lock_meeting_for(meeting: Meeting, intraprenad: Intraprenad) -> Meeting:
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    rules.check_meeting_for_decision(
        meeting_body_id=meeting.body_id, board_id=intraprenad.board_id, meeting_status=meeting.status
    )
    return meeting


@transaction.atomic
def decide_application(
    *,
    by,
    application: Application,
    meeting: Meeting,
    outcome: str,
    decision_text: str,
    reasons: str = "",
) -> Paragraph:
    """The board grants or rejects the prepared application; the decision is a paragraph of the meeting's minutes."""
    application = _lock_application(application)
    require_perm(by, "lifecycle.decide", application)
    rules.check_decision(outcome=outcome, decision_text=decision_text, reasons=reasons)
    target = A.GRANTED if outcome == "approve" else A.REJECTED
    rules.check_transition(rules.APPLICATION_TRANSITIONS, application.status, target)
    intraprenad = _lock_intraprenad(application.intraprenad)
    meeting = _lock_meeting_for(meeting, intraprenad)
    paragraph = case_services.record_paragraph(
        by=by,
        meeting=meeting,
        title=application.case.title,
        outcome=outcome,
        decision_text=decision_text,
        case=application.case,
        reasons=reasons,
        check_perm=False,
    )
    application.status = target
    application.decision = paragraph
    application.save(update_fields=["status", "decision"])
    _move(intraprenad, I.AGREEMENT if target == A.GRANTED else I.REJECTED)
    audit.record(
        actor=by,
        verb=f"application.{target}",
        target=application,
        subject=intraprenad,
        changes={"status": [A.PREPARED, target], "decision": paragraph.reference, "reasons": reasons},
    )
    return paragraph


# Agreement -----------------------------------------------------------------------------------


def _agreement_case(*, by, intraprenad: Intraprenad, title: str, today: date) -> Case:
    return case_services.register_case(
        by=by,
        org_unit=intraprenad.board,
        title=title,
        kind=Case.Kind.AGREEMENT,
        subject_unit=intraprenad.unit,
        registered_on=today,
        check_perm=False,
    )


@transaction.atomic
def start_agreement(*, by, application: Application, period_start: date, today: date) -> Agreement:
    """Draft the agreement for a granted application, with one empty clause per required clause."""
    application = _lock_application(application)
    require_perm(by, "lifecycle.edit_agreement", application)
    intraprenad = _lock_intraprenad(application.intraprenad)
    if application.status != A.GRANTED:
        raise ValidationError(_("An agreement can only be drafted for a granted application."))
    _check_intraprenad_status(intraprenad, I.AGREEMENT)
    if intraprenad.agreements.filter(status__in=[G.DRAFT, G.DECIDED]).exists():
        raise ValidationError(_("An agreement is already being drafted for this intraprenad."))
    revision = current_revision(board=intraprenad.board, on=today)
    end = rules.period_end(period_start, P.values(revision)["agreement_period_years"])
    case = _agreement_case(
        by=by, intraprenad=intraprenad, title=f"Överenskommelse om intraprenad – {intraprenad.name}", today=today
    )
    agreement = Agreement.objects.create(
        intraprenad=intraprenad,
        application=application,
        revision=revision,
        status=G.DRAFT,
        case=case,
        period_start=period_start,
        period_end=end,
    )
    AgreementClause.objects.bulk_create(
        [
            AgreementClause(agreement=agreement, key=item.key, title=item.title, order=item.order, text="")
            for item in revision.items_of(RequiredItem.Kind.AGREEMENT_CLAUSE)
        ]
    )
    audit.record(
        actor=by,
        verb="agreement.drafted",
        target=agreement,
        subject=intraprenad,
        changes={"case": case.case_number, "period_start": period_start, "period_end": end, "revision": revision},
    )
    return agreement


def _lock_agreement(agreement: Agreement) -> Agreement:
    return (
        Agreement.objects.select_for_update(of=("self",))
        .select_related("intraprenad", "intraprenad__unit", "intraprenad__board", "revision", "case", "decision")
        .get(pk=agreement.pk)
    )


@transaction.atomic
def update_agreement(
    *, by, agreement: Agreement, clauses: dict[str, str], period_start: date, period_end: date
) -> Agreement:
    """Write the agreement's clauses and period (while it is a draft)."""
    agreement = _lock_agreement(agreement)
    require_perm(by, "lifecycle.edit_agreement", agreement)
    if agreement.status != G.DRAFT:
        raise ValidationError(
            _("Only a draft agreement can be changed; this one is “%(status)s”.")
            % {"status": agreement.get_status_display()}
        )
    _check_intraprenad_status(agreement.intraprenad, I.ACTIVE if agreement.renewal_of_id else I.AGREEMENT)
    rules.check_period(
        period_start=period_start,
        period_end=period_end,
        years=P.values(agreement.revision)["agreement_period_years"],
        follows=agreement.renewal_of.period_end if agreement.renewal_of_id else None,
    )
    existing = {c.key: c for c in agreement.clauses.all()}
    unknown = sorted(set(clauses) - set(existing))
    if unknown:
        raise ValidationError(_("The agreement has no clause with the key %(keys)s.") % {"keys": ", ".join(unknown)})
    changed = []
    for key, text in clauses.items():
        clause = existing[key]
        if clause.text != text:
            clause.text = text
            clause.save(update_fields=["text"])
            changed.append(key)
    agreement.period_start = period_start
    agreement.period_end = period_end
    agreement.save(update_fields=["period_start", "period_end"])
    audit.record(
        actor=by,
        verb="agreement.updated",
        target=agreement,
        subject=agreement.intraprenad,
        changes={"clauses": changed, "period_start": period_start, "period_end": period_end},
    )
    return agreement


@transaction.atomic
def decide_agreement(*, by, agreement: Agreement, meeting: Meeting, decision_text: str) -> Paragraph:
    """The board decides the agreement; it is rendered to PDF and registered as sent to the unit."""
    from intraprenad.documents.render import render_pdf
    from intraprenad.lifecycle.document_content import agreement_content

    agreement = _lock_agreement(agreement)
    require_perm(by, "lifecycle.decide", agreement)
    rules.check_transition(rules.AGREEMENT_TRANSITIONS, agreement.status, G.DECIDED)
    intraprenad = _lock_intraprenad(agreement.intraprenad)
    _check_intraprenad_status(intraprenad, I.ACTIVE if agreement.renewal_of_id else I.AGREEMENT)
    if agreement.renewal_of_id:
        _check_no_termination_proposed(intraprenad)
    problems = rules.empty_clause_problems((c.title, c.text) for c in agreement.clauses.all())
    if not decision_text.strip():
        problems.append(_("Write the text of the decision."))
    rules.raise_problems(problems)
    meeting = _lock_meeting_for(meeting, intraprenad)
    paragraph = case_services.record_paragraph(
        by=by,
        meeting=meeting,
        title=agreement.case.title,
        outcome=Paragraph.Outcome.APPROVE,
        decision_text=decision_text,
        case=agreement.case,
        check_perm=False,
    )
    agreement.status = G.DECIDED
    agreement.decision = paragraph
    agreement.save(update_fields=["status", "decision"])
    pdf = render_pdf(agreement_content(agreement))
    agreement.document = case_services.register_document(
        by=by,
        case=agreement.case,
        kind=Document.Kind.AGREEMENT,
        direction=Document.Direction.OUTGOING,
        description=agreement.case.title,
        document_date=meeting.date,
        counterpart=intraprenad.unit.name,
        file_name=f"{agreement.case.compact_number}-overenskommelse.pdf",
        content=pdf,
        check_perm=False,
    )
    agreement.save(update_fields=["document"])
    audit.record(
        actor=by,
        verb="agreement.decided",
        target=agreement,
        subject=intraprenad,
        changes={
            "status": [G.DRAFT, G.DECIDED],
            "decision": paragraph.reference,
            "document": agreement.document.serial,
        },
    )
    return paragraph


@transaction.atomic
def sign_agreement(
    *, by, agreement: Agreement, signed_on: date, board_signatory: str, unit_signatory: str
) -> Agreement:
    """Both parties sign: the intraprenad becomes active (or, for a renewal, the old agreement is replaced)."""
    agreement = _lock_agreement(agreement)
    require_perm(by, "lifecycle.sign_agreement", agreement)
    rules.check_transition(rules.AGREEMENT_TRANSITIONS, agreement.status, G.SIGNED)
    intraprenad = _lock_intraprenad(agreement.intraprenad)
    rules.check_signing(
        signed_on=signed_on,
        decided_on=agreement.decision.meeting.date,
        board_signatory=board_signatory,
        unit_signatory=unit_signatory,
    )
    changes = {"status": [G.DECIDED, G.SIGNED], "signed_on": signed_on}
    if agreement.renewal_of_id:
        _check_intraprenad_status(intraprenad, I.ACTIVE)
        _check_no_termination_proposed(intraprenad)
        renewed = Agreement.objects.select_for_update(of=("self",)).get(pk=agreement.renewal_of_id)
        rules.check_transition(rules.AGREEMENT_TRANSITIONS, renewed.status, G.REPLACED)
        renewed.status = G.REPLACED
        renewed.save(update_fields=["status"])
        changes["replaces"] = str(renewed)
    else:
        _move(intraprenad, I.ACTIVE)
        changes["intraprenad"] = [I.AGREEMENT, I.ACTIVE]
    agreement.status = G.SIGNED
    agreement.signed_on = signed_on
    agreement.board_signatory = board_signatory
    agreement.unit_signatory = unit_signatory
    agreement.save(update_fields=["status", "signed_on", "board_signatory", "unit_signatory"])
    audit.record(actor=by, verb="agreement.signed", target=agreement, subject=intraprenad, changes=changes)
    return agreement


@transaction.atomic
def start_renewal(*, by, agreement: Agreement, today: date) -> Agreement:
    """Draft the next agreement at the end of the period under today's guidelines, keeping texts that still apply."""
    agreement = _lock_agreement(agreement)
    require_perm(by, "lifecycle.edit_agreement", agreement)
    intraprenad = _lock_intraprenad(agreement.intraprenad)
    if agreement.status != G.SIGNED:
        raise ValidationError(_("Only an agreement in force can be renewed."))
    _check_intraprenad_status(intraprenad, I.ACTIVE)
    if Agreement.objects.filter(renewal_of=agreement).exists():
        raise ValidationError(_("A renewal of this agreement has already been started."))
    if intraprenad.terminations.filter(status=T.PROPOSED).exists():
        raise ValidationError(_("A termination of this intraprenad is proposed; it cannot be renewed now."))
    _check_no_termination_pending(intraprenad)
    revision = current_revision(board=intraprenad.board, on=today)
    params = P.values(revision)
    rules.check_renewal_window(
        today=today,
        period_end=agreement.period_end,
        notice_months=P.values(agreement.revision)["renewal_notice_months"],
    )
    start = agreement.period_end + timedelta(days=1)
    end = rules.period_end(start, params["agreement_period_years"])
    case = _agreement_case(
        by=by,
        intraprenad=intraprenad,
        title=f"Förnyad överenskommelse om intraprenad – {intraprenad.name}",
        today=today,
    )
    renewal = Agreement.objects.create(
        intraprenad=intraprenad,
        application=agreement.application,
        revision=revision,
        renewal_of=agreement,
        status=G.DRAFT,
        case=case,
        period_start=start,
        period_end=end,
    )
    old_texts = dict(agreement.clauses.values_list("key", "text"))
    AgreementClause.objects.bulk_create(
        [
            AgreementClause(
                agreement=renewal, key=item.key, title=item.title, order=item.order, text=old_texts.get(item.key, "")
            )
            for item in revision.items_of(RequiredItem.Kind.AGREEMENT_CLAUSE)
        ]
    )
    audit.record(
        actor=by,
        verb="agreement.renewal_started",
        target=renewal,
        subject=intraprenad,
        changes={"renews": str(agreement), "case": case.case_number, "period_start": start, "period_end": end},
    )
    return renewal


# Termination ---------------------------------------------------------------------------------


@transaction.atomic
def propose_termination(
    *,
    by,
    intraprenad: Intraprenad,
    ground: str,
    motivation: str,
    effective_on: date,
    today: date,
    check_perm: bool = True,
) -> Termination:
    """The administration proposes that the board ends the intraprenad; a case is registered for it.

    `check_perm=False` is for the system raising the case itself (an action plan past its deadline, see
    `economy.services.closing.review_action_plans`); with `by=None` the audit actor is the system.
    """
    intraprenad = _lock_intraprenad(intraprenad)
    if check_perm:
        require_perm(by, "lifecycle.propose_termination", intraprenad)
    _check_intraprenad_status(intraprenad, I.ACTIVE)
    rules.check_termination_proposal(ground=ground, motivation=motivation, effective_on=effective_on, today=today)
    if intraprenad.terminations.filter(status=T.PROPOSED).exists():
        raise ValidationError(_("A termination of this intraprenad is already proposed."))
    _check_no_termination_pending(intraprenad)
    agreement = intraprenad.agreements.filter(status=G.SIGNED).order_by("-period_start").first()
    if agreement is None:
        raise ValidationError(_("The intraprenad has no agreement in force."))
    case = case_services.register_case(
        by=by,
        org_unit=intraprenad.board,
        title=f"Upphävande av intraprenad – {intraprenad.name}",
        kind=Case.Kind.TERMINATION,
        subject_unit=intraprenad.unit,
        registered_on=today,
        check_perm=False,
    )
    termination = Termination.objects.create(
        intraprenad=intraprenad,
        agreement=agreement,
        ground=ground,
        motivation=motivation,
        status=T.PROPOSED,
        case=case,
        effective_on=effective_on,
        proposed_at=timezone.now(),
    )
    audit.record(
        actor=by,
        verb="termination.proposed",
        target=termination,
        subject=intraprenad,
        changes={"ground": ground, "effective_on": effective_on, "case": case.case_number},
    )
    return termination


@transaction.atomic
def decide_termination(
    *, by, termination: Termination, meeting: Meeting, outcome: str, decision_text: str, reasons: str = ""
) -> Paragraph:
    """The board ends the intraprenad (folding the unit back into the administration) or rejects the proposal.

    An approved termination whose effective day is the meeting day or earlier ends the intraprenad at once. One
    that takes effect later leaves the intraprenad active, with its agreement in force, until that day; the daily
    job `apply_due_dates` then ends it. Meanwhile no renewal can be started, decided or signed and no other
    termination proposed.
    """
    termination = (
        Termination.objects.select_for_update(of=("self",)).select_related("case", "intraprenad").get(pk=termination.pk)
    )
    require_perm(by, "lifecycle.decide", termination)
    rules.check_decision(outcome=outcome, decision_text=decision_text, reasons=reasons, reasons_required_for="approve")
    target = T.DECIDED if outcome == "approve" else T.REJECTED
    rules.check_transition(rules.TERMINATION_TRANSITIONS, termination.status, target)
    intraprenad = _lock_intraprenad(termination.intraprenad)
    if not Memo.objects.filter(case=termination.case).exists():
        raise ValidationError(
            _("The administration's official memo is missing in case %(case)s; write it before the board decides.")
            % {"case": termination.case.case_number}
        )
    meeting = _lock_meeting_for(meeting, intraprenad)
    paragraph = case_services.record_paragraph(
        by=by,
        meeting=meeting,
        title=termination.case.title,
        outcome=outcome,
        decision_text=decision_text,
        case=termination.case,
        reasons=reasons,
        check_perm=False,
    )
    termination.status = target
    termination.decision = paragraph
    termination.save(update_fields=["status", "decision"])
    changes = {"status": [T.PROPOSED, target], "decision": paragraph.reference, "reasons": reasons}
    if target == T.DECIDED:
        if rules.takes_effect_at_once(effective_on=termination.effective_on, decided_on=meeting.date):
            changes.update(_end_by_termination(intraprenad, termination))
        else:
            changes["takes_effect_on"] = termination.effective_on
    audit.record(actor=by, verb=f"termination.{target}", target=termination, subject=intraprenad, changes=changes)
    return paragraph


def _end_by_termination(intraprenad: Intraprenad, termination: Termination) -> dict:
    """The decided termination takes effect on its effective day. Returns the changes to audit."""
    agreement = Agreement.objects.select_for_update(of=("self",)).get(pk=termination.agreement_id)
    return {
        "agreements_cancelled": _end_intraprenad(intraprenad, agreement, G.TERMINATED, termination.effective_on),
        "intraprenad": [I.ACTIVE, I.ENDED],
        "ended_on": termination.effective_on,
    }


def _end_intraprenad(intraprenad: Intraprenad, agreement: Agreement, agreement_status: str, ended_on: date) -> list:
    """The agreement in force ends (terminated or expired), agreements not yet in force are cancelled and the
    intraprenad ends on `ended_on`. Returns the cancelled agreements, for the audit row."""
    rules.check_transition(rules.AGREEMENT_TRANSITIONS, agreement.status, agreement_status)
    agreement.status = agreement_status
    agreement.save(update_fields=["status"])
    cancelled = _cancel_open_agreements(intraprenad)
    intraprenad.ended_on = ended_on
    _move(intraprenad, I.ENDED)
    return cancelled


# Due dates (the daily job) -------------------------------------------------------------------


@dataclass(frozen=True)
class DueDateOutcome:
    """What the daily job did (or, for a hold, found) for one intraprenad."""

    intraprenad: Intraprenad
    action: rules.DueAction
    agreement: Agreement | None
    termination: Termination | None


def apply_due_dates(*, today: date) -> list[DueDateOutcome]:
    """System action, run daily (`manage.py apply_lifecycle_dates`, the django-q2 schedule of migration 0003):

    - a termination the board decided with a later effective day takes effect on that day: the agreement is
      terminated, agreements not yet in force are cancelled and the intraprenad ends (`ended_on` = effective day);
      audit `termination.took_effect`;
    - a signed agreement whose period has ended with no renewal signed expires the day after its last day and the
      intraprenad ends, the unit returning to ordinary management (`ended_on` = that day, the first day without
      an agreement, as for a termination's effective day); audit `agreement.expired` with the ground *the agreement
      period ended without renewal*;
    - a period that has ended while a renewal is drafted or decided but not yet signed is not expired: the
      intraprenad is left as it is and the outcome (a HOLD) is logged and returned so that the officer sees it.

    The actor is the system (None). Each intraprenad is handled in its own transaction, and the job is idempotent:
    an ended intraprenad has nothing due, so running it again the same day (or late) changes nothing more.
    Returns what it did, holds included, in name order.
    """
    due = (
        Intraprenad.objects.filter(status=I.ACTIVE)
        .filter(
            Q(agreements__status=G.SIGNED, agreements__period_end__lt=today)
            | Q(terminations__status=T.DECIDED, terminations__effective_on__lte=today)
        )
        .distinct()
        .order_by("name", "pk")
        .values_list("pk", flat=True)
    )
    outcomes = []
    for pk in list(due):
        outcome = _apply_due_date(pk, today)
        if outcome is None:
            continue
        if outcome.action.kind == rules.DueAction.HOLD:
            logger.warning(
                "The agreement period of %s ended on %s but its renewal is %s, not signed; the agreement is left "
                "in force until the renewal is signed or cancelled.",
                outcome.intraprenad.name,
                outcome.agreement.period_end.isoformat(),
                outcome.action.renewal_status,
            )
        outcomes.append(outcome)
    return outcomes


@transaction.atomic
def _apply_due_date(pk: int, today: date) -> DueDateOutcome | None:
    intraprenad = Intraprenad.objects.select_for_update(of=("self",)).select_related("unit", "board").get(pk=pk)
    agreement = (
        Agreement.objects.select_for_update(of=("self",))
        .filter(intraprenad=intraprenad, status=G.SIGNED)
        .order_by("-period_start", "-id")
        .first()
    )
    termination = _pending_termination(intraprenad)
    renewal = Agreement.objects.filter(renewal_of=agreement).first() if agreement is not None else None
    action = rules.due_action(
        intraprenad_status=intraprenad.status,
        agreement=(
            rules.AgreementFacts(period_end=agreement.period_end, renewal_status=renewal.status if renewal else None)
            if agreement is not None
            else None
        ),
        termination_effective_on=termination.effective_on if termination is not None else None,
        today=today,
    )
    if action is None:
        return None
    outcome = DueDateOutcome(intraprenad=intraprenad, action=action, agreement=agreement, termination=termination)
    if action.kind == rules.DueAction.TERMINATE:
        termination = Termination.objects.select_for_update(of=("self",)).select_related("case").get(pk=termination.pk)
        changes = _end_by_termination(intraprenad, termination)
        changes["case"] = termination.case.case_number
        audit.record(
            actor=None, verb="termination.took_effect", target=termination, subject=intraprenad, changes=changes
        )
    elif action.kind == rules.DueAction.EXPIRE:
        cancelled = _end_intraprenad(intraprenad, agreement, G.EXPIRED, action.ended_on)
        audit.record(
            actor=None,
            verb="agreement.expired",
            target=agreement,
            subject=intraprenad,
            changes={
                "status": [G.SIGNED, G.EXPIRED],
                "ground": Termination.Ground.PERIOD_END,
                "period_end": agreement.period_end,
                "intraprenad": [I.ACTIVE, I.ENDED],
                "ended_on": action.ended_on,
                "agreements_cancelled": cancelled,
                "termination": termination.case.case_number if termination is not None else None,
            },
        )
    return outcome
