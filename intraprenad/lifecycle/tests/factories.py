"""Factories and scenario helpers for lifecycle tests.

`intraprenad_at(stage, muni)` builds an intraprenad for the `muni` fixture's unit (Hemvården Norr
under Socialnämnden) up to `stage` BY CALLING THE REAL SERVICES, as the officer, unit head,
board member and registrar of `muni` would. It returns the Intraprenad; reach the rest through
its relations:

    intraprenad.training                 the TrainingProgramme
    intraprenad.applications.first()     the latest Application (ordering is -id)
    intraprenad.agreements.first()       the latest Agreement (ordering is -period_start)
    intraprenad.terminations.first()     the Termination

Stages, in order (each includes everything before it):
    interest, training, training_completed, application, submitted, prepared, granted,
    agreement, decided, active, renewal, renewal_decided, renewed, termination_proposed,
    termination_memo, termination_decided (the board decided, with effect later), ended
and the side branches rejected, withdrawn.

All dates are fixed (the calendar below) and lie in the past, so tests never depend on the real date
(the case register refuses documents dated in the future).
"""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import factory
from django.utils import timezone

from intraprenad.accounts.models import OrgUnit
from intraprenad.cases import services as case_services
from intraprenad.cases.models import Meeting
from intraprenad.lifecycle import services
from intraprenad.lifecycle.models import Application, BudgetLine, InterestNotice, Intraprenad
from intraprenad.policy.models import GuidelineRevision
from intraprenad.policy.queries import current_revision
from intraprenad.policy.tests.factories import LJUSDAL_CLAUSES, LJUSDAL_SECTIONS, adopted_revision

# The calendar every scenario follows.
DAYS = SimpleNamespace(
    interest=date(2021, 1, 15),
    training_offered=date(2021, 1, 22),
    first_session=date(2021, 2, 5),
    presentation=date(2021, 4, 15),
    training_completed=date(2021, 4, 30),
    application_started=date(2021, 5, 2),
    submitted=date(2021, 5, 15),
    memo=date(2021, 5, 27),
    application_meeting=date(2021, 6, 10),
    agreement_started=date(2021, 6, 20),
    period_start=date(2022, 1, 1),
    agreement_meeting=date(2021, 11, 12),
    signed=date(2021, 11, 20),
    termination_proposed=date(2022, 9, 1),
    termination_effective=date(2023, 1, 1),
    termination_memo=date(2022, 9, 10),
    termination_meeting=date(2022, 10, 14),
    renewal_started=date(2024, 9, 1),
    renewal_meeting=date(2024, 10, 12),
    renewal_signed=date(2024, 10, 20),
)

STAGES = (
    "interest",
    "training",
    "training_completed",
    "application",
    "submitted",
    "prepared",
    "granted",
    "agreement",
    "decided",
    "active",
    "renewal",
    "renewal_decided",
    "renewed",
    "termination_proposed",
    "termination_memo",
    "termination_decided",
    "ended",
)
BRANCHES = ("rejected", "withdrawn")

SECTION_TEXTS = {key: f"{title}: så här gör vi." for key, title in LJUSDAL_SECTIONS}
CLAUSE_TEXTS = {key: f"{title}: parterna är överens." for key, title in LJUSDAL_CLAUSES}
BUDGET = [
    {"kind": BudgetLine.Kind.REVENUE, "description": "Ersättning för hemtjänsttimmar", "amount": Decimal("9500000")},
    {"kind": BudgetLine.Kind.STAFF, "description": "Personalkostnader", "amount": Decimal("7800000")},
    {"kind": BudgetLine.Kind.OPERATING, "description": "Bilar, lokaler och material", "amount": Decimal("1500000")},
]


class IntraprenadFactory(factory.django.DjangoModelFactory):
    """A freshly registered intraprenad (status interest) with its expression of interest: pass `unit`.

    For any later stage use `intraprenad_at`, which goes through the services.
    """

    class Meta:
        model = Intraprenad

    # unit is required: pass e.g. unit=muni.unit; the board is the nearest board above it.
    board = factory.LazyAttribute(lambda o: services._board_of(o.unit))
    name = factory.LazyAttribute(lambda o: o.unit.name)
    service_type = "Hemtjänst"
    created_at = factory.LazyFunction(timezone.now)
    interest = factory.RelatedFactory(
        "intraprenad.lifecycle.tests.factories.InterestNoticeFactory", factory_related_name="intraprenad"
    )


class InterestNoticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterestNotice

    intraprenad = factory.SubFactory(IntraprenadFactory, interest=None)
    received_on = DAYS.interest
    contact_name = factory.Faker("name", locale="sv_SE")
    staff_count = 9
    motivation = "Vi vill ta större ansvar för verksamheten och utveckla den tillsammans."


def ensure_revision(muni, **parameters) -> GuidelineRevision:
    """The revision in force for muni's board on the first scenario day; adopts one (defaults + `parameters`)
    if none applies yet or if `parameters` are given."""
    if not parameters:
        try:
            return current_revision(board=muni.board, on=DAYS.interest)
        except Exception:  # noqa: BLE001 - no revision yet: adopt one below
            pass
    return adopted_revision(board=muni.board, **parameters)


def board_meeting(muni, on: date, body: OrgUnit | None = None) -> Meeting:
    """A planned meeting of the board (or `body`), created by the registrar."""
    return case_services.create_meeting(by=muni.users.registrar, body=body or muni.board, date=on)


def register(muni, *, unit: OrgUnit | None = None, staff_count: int = 9) -> Intraprenad:
    return services.register_interest(
        by=muni.users.unit_head if unit is None else muni.users.officer,
        unit=unit or muni.unit,
        received_on=DAYS.interest,
        contact_name="Karin Enhetschef",
        staff_count=staff_count,
        motivation="Vi vill ta större ansvar för verksamheten och utveckla den tillsammans.",
    )


def run_training(muni, intraprenad: Intraprenad, *, sessions: int = 6, complete: bool = True):
    officer = muni.users.officer
    programme = intraprenad.training
    for n in range(sessions):
        session = services.add_training_session(
            by=officer,
            programme=programme,
            date=DAYS.first_session + timedelta(weeks=n),
            hours=Decimal("3"),
            topic=f"Träff {n + 1}",
        )
        services.record_attendance(by=officer, session=session, attendees=8)
    services.record_presentation(
        by=muni.users.unit_head,
        programme=programme,
        presented_on=DAYS.presentation,
        summary="Hemtjänst med fasta team och brukarråd.",
    )
    if complete:
        services.complete_training(by=officer, programme=programme, today=DAYS.training_completed)
    return programme


def fill_application(
    muni, application: Application, *, staff_total: int = 9, staff_in_favour: int = 7, years_positive_result: int = 3
) -> Application:
    by = muni.users.unit_head
    sections = {s.key: SECTION_TEXTS.get(s.key, f"{s.title}: så här gör vi.") for s in application.sections.all()}
    services.update_application(
        by=by,
        application=application,
        sections=sections,
        staff_total=staff_total,
        staff_in_favour=staff_in_favour,
        years_positive_result=years_positive_result,
    )
    return services.set_budget_lines(by=by, application=application, lines=BUDGET)


def prepare(muni, application: Application, proposal: str = "approve"):
    return services.prepare_application(
        by=muni.users.officer,
        application=application,
        summary="Enheten ansöker om att bli intraprenad.",
        background="Enheten har gått utbildningen och presenterat sin affärsidé.",
        assessment="Förvaltningen bedömer att ansökan uppfyller riktlinjerna.",
        proposal=proposal,
        proposed_decision="Nämnden bifaller ansökan.",
        today=DAYS.memo,
    )


def fill_agreement(muni, agreement):
    texts = {c.key: CLAUSE_TEXTS.get(c.key, f"{c.title}: parterna är överens.") for c in agreement.clauses.all()}
    return services.update_agreement(
        by=muni.users.officer,
        agreement=agreement,
        clauses=texts,
        period_start=agreement.period_start,
        period_end=agreement.period_end,
    )


def write_termination_memo(muni, termination):
    return services.write_memo(
        by=muni.users.officer,
        case=termination.case,
        title=termination.case.title,
        summary="Förvaltningen föreslår att intraprenaden upphör.",
        background="Överenskommelsen har inte följts.",
        assessment="Förvaltningen bedömer att villkoren för upphävande är uppfyllda.",
        proposal="approve",
        proposed_decision="Nämnden beslutar att intraprenaden upphör.",
        today=DAYS.termination_memo,
    )


def intraprenad_at(stage: str, muni, **revision_parameters) -> Intraprenad:
    """An intraprenad of muni.unit at `stage` (see the module docstring), built through the real services.

    `revision_parameters` adopt a board revision with those parameter values first.
    """
    if stage not in STAGES + BRANCHES:
        raise ValueError(f"Unknown stage {stage!r}; choose one of {STAGES + BRANCHES}")
    ensure_revision(muni, **revision_parameters)
    u = muni.users
    intraprenad = register(muni)
    reached = _reached(stage)
    if stage == "withdrawn":
        services.withdraw(by=u.unit_head, intraprenad=intraprenad, reason="Enheten vill vänta ett år.")
        return _fresh(intraprenad)
    if not reached("training"):
        return _fresh(intraprenad)
    services.offer_training(by=u.officer, intraprenad=intraprenad, today=DAYS.training_offered)
    intraprenad = _fresh(intraprenad)
    if not reached("training_completed"):
        return intraprenad
    run_training(muni, intraprenad)
    if not reached("application"):
        return _fresh(intraprenad)
    application = services.start_application(by=u.unit_head, intraprenad=intraprenad, today=DAYS.application_started)
    fill_application(muni, application)
    if not reached("submitted"):
        return _fresh(intraprenad)
    services.submit_application(by=u.unit_head, application=application, today=DAYS.submitted)
    if not reached("prepared"):
        return _fresh(intraprenad)
    prepare(muni, application, proposal="reject" if stage == "rejected" else "approve")
    if not reached("granted"):
        return _fresh(intraprenad)
    meeting = board_meeting(muni, DAYS.application_meeting)
    if stage == "rejected":
        services.decide_application(
            by=u.board_member,
            application=application,
            meeting=meeting,
            outcome="reject",
            decision_text="Nämnden avslår ansökan.",
            reasons="Budgeten är inte i balans.",
        )
        return _fresh(intraprenad)
    services.decide_application(
        by=u.board_member,
        application=application,
        meeting=meeting,
        outcome="approve",
        decision_text="Nämnden bifaller ansökan om intraprenad.",
    )
    if not reached("agreement"):
        return _fresh(intraprenad)
    agreement = services.start_agreement(
        by=u.officer, application=application, period_start=DAYS.period_start, today=DAYS.agreement_started
    )
    fill_agreement(muni, agreement)
    if not reached("decided"):
        return _fresh(intraprenad)
    services.decide_agreement(
        by=u.board_member,
        agreement=agreement,
        meeting=board_meeting(muni, DAYS.agreement_meeting),
        decision_text="Nämnden godkänner överenskommelsen.",
    )
    if not reached("active"):
        return _fresh(intraprenad)
    services.sign_agreement(
        by=u.officer,
        agreement=agreement,
        signed_on=DAYS.signed,
        board_signatory="Nämndens ordförande",
        unit_signatory="Karin Enhetschef",
    )
    if stage in ("renewal", "renewal_decided", "renewed"):
        renewal = services.start_renewal(by=u.officer, agreement=agreement, today=DAYS.renewal_started)
        if stage == "renewal":
            return _fresh(intraprenad)
        services.decide_agreement(
            by=u.board_member,
            agreement=renewal,
            meeting=board_meeting(muni, DAYS.renewal_meeting),
            decision_text="Nämnden godkänner den förnyade överenskommelsen.",
        )
        if stage == "renewed":
            services.sign_agreement(
                by=u.officer,
                agreement=renewal,
                signed_on=DAYS.renewal_signed,
                board_signatory="Nämndens ordförande",
                unit_signatory="Karin Enhetschef",
            )
        return _fresh(intraprenad)
    if not reached("termination_proposed"):
        return _fresh(intraprenad)
    termination = services.propose_termination(
        by=u.officer,
        intraprenad=intraprenad,
        ground="breach",
        motivation="Intraprenaden har inte följt överenskommelsen om bemanning.",
        effective_on=DAYS.termination_effective,
        today=DAYS.termination_proposed,
    )
    if not reached("termination_memo"):
        return _fresh(intraprenad)
    write_termination_memo(muni, termination)
    if not reached("termination_decided"):
        return _fresh(intraprenad)
    services.decide_termination(
        by=u.board_member,
        termination=termination,
        meeting=board_meeting(muni, DAYS.termination_meeting),
        outcome="approve",
        decision_text="Nämnden beslutar att intraprenaden upphör.",
        reasons="Överenskommelsen har inte följts.",
    )
    if not reached("ended"):
        return _fresh(intraprenad)
    # Decided before its effective day: the daily job ends the intraprenad on that day.
    services.apply_due_dates(today=DAYS.termination_effective)
    return _fresh(intraprenad)


def _reached(stage: str):
    """Whether building towards `stage` passes through `step`."""
    target = STAGES.index("granted") if stage == "rejected" else STAGES.index(stage) if stage in STAGES else 0
    renewal_stages = {"renewal", "renewal_decided", "renewed"}

    def reached(step: str) -> bool:
        if step in renewal_stages:
            return stage == step
        if stage in renewal_stages:
            return STAGES.index(step) <= STAGES.index("active")
        return STAGES.index(step) <= target

    return reached


def _fresh(intraprenad: Intraprenad) -> Intraprenad:
    return Intraprenad.objects.get(pk=intraprenad.pk)
