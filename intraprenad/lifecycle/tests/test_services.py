"""The lifecycle services: happy path, each refusal with its Swedish message, the audit row, and who may."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from intraprenad.accounts.models import AuditEvent
from intraprenad.cases.models import Case, Document, Meeting
from intraprenad.lifecycle import services
from intraprenad.lifecycle.models import Agreement, Application, Intraprenad, Memo, Termination
from intraprenad.lifecycle.tests.factories import (
    BUDGET,
    DAYS,
    board_meeting,
    ensure_revision,
    intraprenad_at,
    prepare,
    register,
    run_training,
    write_termination_memo,
)
from intraprenad.policy.tests.factories import adoption_paragraph


@pytest.fixture(autouse=True)
def fast_and_isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def revision(muni):
    return ensure_revision(muni)


def last_event(verb: str) -> AuditEvent:
    return AuditEvent.objects.filter(verb=verb).latest("id")


def assert_audited(verb: str, intraprenad: Intraprenad, actor) -> AuditEvent:
    event = last_event(verb)
    assert event.subject_id == str(intraprenad.pk)
    assert event.subject_type.model == "intraprenad"
    assert event.actor == actor
    return event


def messages_of(refused) -> list[str]:
    return refused.value.messages


# Expression of interest ---------------------------------------------------------------------


def test_unit_head_registers_interest_for_their_unit(muni):
    # given the head of Hemvården Norr
    # when they register an expression of interest
    intraprenad = services.register_interest(
        by=muni.users.unit_head,
        unit=muni.unit,
        received_on=date(2024, 1, 15),
        contact_name="Karin",
        staff_count=9,
        motivation="Vi vill ta ansvar.",
    )
    # then an intraprenad at the interest stage exists under the unit's board, with the notice
    assert intraprenad.status == Intraprenad.Status.INTEREST
    assert intraprenad.origin == Intraprenad.Origin.STAFF
    assert intraprenad.board == muni.board
    assert intraprenad.name == "Hemvården Norr"
    assert intraprenad.service_type == "Hemtjänst"
    assert intraprenad.interest.staff_count == 9
    assert intraprenad.interest.submitted_by == muni.users.unit_head
    assert_audited("intraprenad.registered", intraprenad, muni.users.unit_head)


def test_interest_is_refused_while_the_unit_has_one_under_way(muni):
    # given a unit that has already registered interest
    register(muni)
    # when it registers again
    with pytest.raises(ValidationError) as refused:
        register(muni)
    # then it is told the unit already has one under way
    assert messages_of(refused) == [
        "Hemvården Norr har redan en pågående intraprenad (”Hemvården Norr”, Intresseanmälan)."
    ]


def test_interest_may_be_registered_again_after_a_withdrawal(muni):
    # given a withdrawn intraprenad
    intraprenad_at("withdrawn", muni)
    # when the unit registers interest again
    again = register(muni)
    # then a new attempt starts
    assert again.status == Intraprenad.Status.INTEREST
    assert Intraprenad.objects.filter(unit=muni.unit).count() == 2


def test_interest_lists_every_missing_field_and_refuses_a_non_unit(muni):
    # given an officer registering for the administration itself, with empty fields
    # when the interest is registered
    with pytest.raises(ValidationError) as refused:
        services.register_interest(
            by=muni.users.officer,
            unit=muni.administration,
            received_on=date(2024, 1, 15),
            contact_name=" ",
            staff_count=0,
            motivation="",
        )
    # then every problem is listed
    assert messages_of(refused) == [
        "Endast en enhet kan bli intraprenad; Socialförvaltningen är inte en enhet.",
        "Ange en kontaktperson.",
        "Ange hur många medarbetare enheten har.",
        "Beskriv varför enheten är intresserad.",
    ]


@pytest.mark.parametrize("who", ["other_unit_head", "board_member", "economist", "no_role"])
def test_interest_may_not_be_registered_by_others(muni, who):
    # given someone without register_interest on Hemvården Norr
    # when they register interest for it
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.register_interest(
            by=getattr(muni.users, who),
            unit=muni.unit,
            received_on=date(2024, 1, 15),
            contact_name="Karin",
            staff_count=9,
            motivation="Vi vill.",
        )


def _initiative(muni, body=None):
    return adoption_paragraph(body or muni.board, date(2021, 1, 10), title="Intraprenad i ny verksamhet")


def test_officer_starts_an_intraprenad_by_board_initiative(muni):
    # given a decision of Socialnämnden to start an intraprenad with start-up funding
    initiative = _initiative(muni)
    # when the officer registers it
    intraprenad = services.start_by_board_initiative(
        by=muni.users.officer,
        unit=muni.unit,
        initiative=initiative,
        one_time_frame_increase=Decimal("1500000"),
        received_on=date(2021, 1, 11),
        contact_name="Karin",
        staff_count=12,
        motivation="Ny verksamhet startar vid årsskiftet.",
    )
    # then it starts at the interest stage, decided by the board, with the frame increase
    assert intraprenad.origin == Intraprenad.Origin.BOARD
    assert intraprenad.initiative == initiative
    assert intraprenad.one_time_frame_increase == Decimal("1500000")
    assert intraprenad.status == Intraprenad.Status.INTEREST
    event = assert_audited("intraprenad.initiated", intraprenad, muni.users.officer)
    assert event.changes["initiative"] == initiative.reference


def test_board_initiative_must_be_a_decision_of_the_units_board(muni):
    # given a decision of the school board
    initiative = _initiative(muni, body=muni.school_board)
    # when it is used for a social services unit
    with pytest.raises(ValidationError) as refused:
        services.start_by_board_initiative(
            by=muni.users.officer,
            unit=muni.unit,
            initiative=initiative,
            one_time_frame_increase=Decimal("0"),
            received_on=date(2021, 1, 11),
            contact_name="Karin",
            staff_count=12,
            motivation="Ny verksamhet.",
        )
    # then it is refused, naming the right board
    assert messages_of(refused) == ["Initiativet måste vara ett beslut av Socialnämnden, enhetens nämnd."]


def test_unit_head_may_not_start_by_board_initiative(muni):
    # given the unit head
    # when they try to register a board initiative
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.start_by_board_initiative(
            by=muni.users.unit_head,
            unit=muni.unit,
            initiative=_initiative(muni),
            one_time_frame_increase=Decimal("0"),
            received_on=date(2021, 1, 11),
            contact_name="Karin",
            staff_count=12,
            motivation="Ny verksamhet.",
        )


# Training -----------------------------------------------------------------------------------


def test_officer_offers_training_under_the_guidelines_in_force(muni, revision):
    # given an expression of interest
    intraprenad = register(muni)
    # when the officer offers training
    programme = services.offer_training(by=muni.users.officer, intraprenad=intraprenad, today=DAYS.training_offered)
    # then the intraprenad is at the training stage and the programme keeps the revision
    intraprenad.refresh_from_db()
    assert intraprenad.status == Intraprenad.Status.TRAINING
    assert programme.revision == revision
    assert_audited("training_programme.offered", intraprenad, muni.users.officer)


def test_training_cannot_be_offered_twice(muni):
    # given an intraprenad already at the training stage
    intraprenad = intraprenad_at("training", muni)
    # when training is offered again
    with pytest.raises(ValidationError) as refused:
        services.offer_training(by=muni.users.officer, intraprenad=intraprenad, today=DAYS.training_offered)
    # then it is refused as a step that is not possible
    assert messages_of(refused) == [
        "Steget är inte möjligt nu: det går inte att gå från ”Utbildning” till ”Utbildning”."
    ]


def test_training_needs_adopted_guidelines(muni):
    # given no adopted guidelines at all
    intraprenad = register(muni)
    # when training is offered
    with pytest.raises(ValidationError) as refused:
        services.offer_training(by=muni.users.officer, intraprenad=intraprenad, today=DAYS.training_offered)
    # then the missing guidelines are named
    assert "Socialnämnden" in messages_of(refused)[0]


@pytest.mark.parametrize("who", ["unit_head", "board_member", "school_officer"])
def test_only_the_administration_offers_training(muni, revision, who):
    # given an expression of interest
    intraprenad = register(muni)
    # when someone else offers training
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.offer_training(by=getattr(muni.users, who), intraprenad=intraprenad, today=DAYS.training_offered)


def test_sessions_attendance_and_presentation_are_recorded(muni):
    # given a programme
    programme = intraprenad_at("training", muni).training
    # when a session is added, attendance recorded and the unit presents
    session = services.add_training_session(
        by=muni.users.officer, programme=programme, date=date(2021, 2, 1), hours=Decimal("3"), topic="Ekonomi"
    )
    services.record_attendance(by=muni.users.officer, session=session, attendees=7)
    services.record_presentation(
        by=muni.users.unit_head, programme=programme, presented_on=date(2021, 4, 1), summary="Fasta team."
    )
    # then all is stored and each step audited
    session.refresh_from_db()
    programme.refresh_from_db()
    assert session.attendees == 7
    assert programme.presentation_summary == "Fasta team."
    intraprenad = programme.intraprenad
    assert_audited("training_session.added", intraprenad, muni.users.officer)
    assert last_event("training_session.attendance_recorded").changes == {"attendees": [None, 7]}
    assert_audited("training_programme.presentation_recorded", intraprenad, muni.users.unit_head)


def test_session_needs_hours_and_a_topic(muni):
    # given a programme
    programme = intraprenad_at("training", muni).training
    # when a session of zero hours and no topic is added
    with pytest.raises(ValidationError) as refused:
        services.add_training_session(
            by=muni.users.officer, programme=programme, date=date(2021, 2, 1), hours=Decimal("0"), topic=""
        )
    # then both problems are named
    assert messages_of(refused) == ["Ett tillfälle måste vara längre än noll timmar.", "Ange ett ämne för tillfället."]


def test_no_more_sessions_than_the_guidelines_allow(muni):
    # given a programme with the most sessions allowed (8)
    programme = intraprenad_at("training", muni, training_sessions_max=8).training
    run_training(muni, programme.intraprenad, sessions=8, complete=False)
    # when a ninth is added
    with pytest.raises(ValidationError) as refused:
        services.add_training_session(
            by=muni.users.officer, programme=programme, date=date(2021, 5, 1), hours=Decimal("3"), topic="Extra"
        )
    # then it is refused
    assert messages_of(refused) == ["Programmet har redan 8 tillfällen, det högsta antal riktlinjerna tillåter."]


def test_attendance_cannot_be_negative_and_presentation_needs_a_summary(muni):
    # given a programme with a session
    programme = intraprenad_at("training", muni).training
    session = services.add_training_session(
        by=muni.users.officer, programme=programme, date=date(2021, 2, 1), hours=Decimal("3"), topic="Ekonomi"
    )
    # when a negative attendance and an empty presentation are recorded
    # then both are refused
    with pytest.raises(ValidationError) as negative:
        services.record_attendance(by=muni.users.officer, session=session, attendees=-1)
    with pytest.raises(ValidationError) as empty:
        services.record_presentation(
            by=muni.users.unit_head, programme=programme, presented_on=date(2021, 4, 1), summary=" "
        )
    assert messages_of(negative) == ["Antalet deltagare kan inte vara negativt."]
    assert messages_of(empty) == ["Sammanfatta affärsidén som enheten presenterade."]


@pytest.mark.parametrize("who", ["unit_head", "staff", "other_unit_head"])
def test_only_the_administration_manages_sessions(muni, who):
    # given a programme with a session
    programme = intraprenad_at("training", muni).training
    session = services.add_training_session(
        by=muni.users.officer, programme=programme, date=date(2021, 2, 1), hours=Decimal("3"), topic="Ekonomi"
    )
    user = getattr(muni.users, who)
    # when someone else adds a session or records attendance
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.add_training_session(
            by=user, programme=programme, date=date(2021, 2, 8), hours=Decimal("3"), topic="Juridik"
        )
    with pytest.raises(PermissionDenied):
        services.record_attendance(by=user, session=session, attendees=3)


@pytest.mark.parametrize("who", ["staff", "other_unit_head", "board_member"])
def test_presentation_is_recorded_only_by_the_unit_head_or_officer(muni, who):
    # given a programme
    programme = intraprenad_at("training", muni).training
    # when someone else records the presentation
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.record_presentation(
            by=getattr(muni.users, who), programme=programme, presented_on=date(2021, 4, 1), summary="Idé."
        )


def test_completing_training_commits_the_unit_to_nothing(muni):
    # given six held and attended sessions and a presentation
    intraprenad = intraprenad_at("training", muni)
    run_training(muni, intraprenad, complete=False)
    # when the officer completes the training
    programme = services.complete_training(
        by=muni.users.officer, programme=intraprenad.training, today=DAYS.training_completed
    )
    # then it is completed but the intraprenad stays at the training stage
    intraprenad.refresh_from_db()
    assert programme.completed_at is not None
    assert intraprenad.status == Intraprenad.Status.TRAINING
    assert assert_audited("training_programme.completed", intraprenad, muni.users.officer).changes == {"sessions": 6}


def test_incomplete_training_lists_every_problem(muni):
    # given five sessions, one without attendance, and no presentation
    programme = intraprenad_at("training", muni).training
    for n in range(5):
        session = services.add_training_session(
            by=muni.users.officer,
            programme=programme,
            date=date(2021, 2, 1) + timedelta(weeks=n),
            hours=Decimal("3"),
            topic=f"Träff {n}",
        )
        if n:
            services.record_attendance(by=muni.users.officer, session=session, attendees=5)
    # when the training is completed
    with pytest.raises(ValidationError) as refused:
        services.complete_training(by=muni.users.officer, programme=programme, today=DAYS.training_completed)
    # then every problem is listed
    assert messages_of(refused) == [
        "5 tillfällen har hållits; riktlinjerna kräver mellan 6 och 8.",
        "Närvaron har inte registrerats för tillfället 2021-02-01.",
        "Enheten har ännu inte presenterat sin affärsidé.",
    ]


def test_completed_training_cannot_be_changed(muni):
    # given a completed programme
    programme = intraprenad_at("training_completed", muni).training
    # when a session is added or it is completed again
    # then both are refused
    with pytest.raises(ValidationError) as refused:
        services.add_training_session(
            by=muni.users.officer, programme=programme, date=date(2021, 5, 1), hours=Decimal("3"), topic="Extra"
        )
    with pytest.raises(ValidationError):
        services.complete_training(by=muni.users.officer, programme=programme, today=DAYS.training_completed)
    assert messages_of(refused) == ["Utbildningsprogrammet är redan avslutat."]


def test_unit_head_may_not_complete_training(muni):
    # given a programme ready to complete
    intraprenad = intraprenad_at("training", muni)
    run_training(muni, intraprenad, complete=False)
    # when the unit head completes it
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.complete_training(
            by=muni.users.unit_head, programme=intraprenad.training, today=DAYS.training_completed
        )


# Application --------------------------------------------------------------------------------


def test_unit_head_starts_an_application_with_the_required_sections(muni):
    # given a completed training
    intraprenad = intraprenad_at("training_completed", muni)
    # when the unit head starts the application
    application = services.start_application(
        by=muni.users.unit_head, intraprenad=intraprenad, today=DAYS.application_started
    )
    # then a draft exists with one empty section per required section, in order
    intraprenad.refresh_from_db()
    assert intraprenad.status == Intraprenad.Status.APPLICATION
    assert application.status == Application.Status.DRAFT
    assert [s.title for s in application.sections.all()][:2] == [
        "Verksamhetsidé",
        "Uppdragets innehåll och omfattning",
    ]
    assert application.sections.count() == 6
    assert_audited("application.started", intraprenad, muni.users.unit_head)


def test_application_cannot_start_before_training_is_completed(muni):
    # given a training under way
    intraprenad = intraprenad_at("training", muni)
    # when the application is started
    with pytest.raises(ValidationError) as refused:
        services.start_application(by=muni.users.unit_head, intraprenad=intraprenad, today=DAYS.application_started)
    # then it is refused
    assert messages_of(refused) == ["Utbildningsprogrammet måste vara avslutat innan en ansökan kan skrivas."]


def test_application_cannot_skip_training(muni):
    # given an expression of interest only
    intraprenad = intraprenad_at("interest", muni)
    # when the application is started
    with pytest.raises(ValidationError) as refused:
        services.start_application(by=muni.users.unit_head, intraprenad=intraprenad, today=DAYS.application_started)
    # then the step is refused
    assert messages_of(refused) == [
        "Steget är inte möjligt nu: det går inte att gå från ”Intresseanmälan” till ”Ansökan”."
    ]


@pytest.mark.parametrize("who", ["staff", "other_unit_head", "board_member"])
def test_application_is_started_only_by_the_unit_head_or_officer(muni, who):
    # given a completed training
    intraprenad = intraprenad_at("training_completed", muni)
    # when someone else starts the application
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.start_application(by=getattr(muni.users, who), intraprenad=intraprenad, today=DAYS.application_started)


def _draft(muni) -> Application:
    intraprenad = intraprenad_at("training_completed", muni)
    return services.start_application(by=muni.users.unit_head, intraprenad=intraprenad, today=DAYS.application_started)


def test_unit_head_writes_sections_and_staff_support(muni):
    # given a draft application
    application = _draft(muni)
    # when the unit head writes a section and the staff support
    services.update_application(
        by=muni.users.unit_head,
        application=application,
        sections={"verksamhetside": "Fasta team."},
        staff_total=9,
        staff_in_favour=6,
        years_positive_result=2,
    )
    # then it is stored and audited with the changed section
    application.refresh_from_db()
    assert application.sections.get(key="verksamhetside").text == "Fasta team."
    assert (application.staff_total, application.staff_in_favour, application.years_positive_result) == (9, 6, 2)
    event = assert_audited("application.updated", application.intraprenad, muni.users.unit_head)
    assert event.changes["sections"] == ["verksamhetside"]


@pytest.mark.parametrize(
    ("sections", "total", "favour", "message"),
    [
        ({}, 5, 6, "Fler medarbetare är för (6) än det finns i enheten (5)."),
        ({"okand": "x"}, 9, 6, "Ansökan har inget avsnitt med nyckeln okand."),
    ],
)
def test_application_update_is_refused_when_inconsistent(muni, sections, total, favour, message):
    # given a draft application
    application = _draft(muni)
    # when inconsistent data is written
    with pytest.raises(ValidationError) as refused:
        services.update_application(
            by=muni.users.unit_head,
            application=application,
            sections=sections,
            staff_total=total,
            staff_in_favour=favour,
            years_positive_result=0,
        )
    # then it is refused with what is wrong
    assert messages_of(refused) == [message]


def test_submitted_application_cannot_be_edited(muni):
    # given a submitted application
    application = intraprenad_at("submitted", muni).applications.first()
    # when it is edited or its budget changed
    with pytest.raises(ValidationError) as refused:
        services.update_application(
            by=muni.users.unit_head,
            application=application,
            sections={},
            staff_total=9,
            staff_in_favour=9,
            years_positive_result=3,
        )
    with pytest.raises(ValidationError):
        services.set_budget_lines(by=muni.users.unit_head, application=application, lines=BUDGET)
    # then it is refused
    assert messages_of(refused) == ["Endast ett utkast till ansökan kan ändras; den här är ”Inlämnad”."]


def test_budget_lines_are_replaced(muni):
    # given a draft application with a budget
    application = _draft(muni)
    services.set_budget_lines(by=muni.users.unit_head, application=application, lines=BUDGET)
    # when a new budget is set
    services.set_budget_lines(
        by=muni.users.unit_head,
        application=application,
        lines=[{"kind": "staff", "description": "Löner", "amount": Decimal("100")}],
    )
    # then only the new lines remain
    assert list(application.budget_lines.values_list("description", flat=True)) == ["Löner"]
    assert_audited("application.budget_set", application.intraprenad, muni.users.unit_head)


def test_budget_line_with_a_negative_amount_is_refused(muni):
    # given a draft application
    application = _draft(muni)
    # when a negative amount is given
    with pytest.raises(ValidationError) as refused:
        services.set_budget_lines(
            by=muni.users.unit_head,
            application=application,
            lines=[{"kind": "staff", "description": "Löner", "amount": Decimal("-1")}],
        )
    # then it is refused
    assert messages_of(refused) == ["Budgetrad 1: beloppet måste vara noll eller mer."]


@pytest.mark.parametrize("who", ["staff", "other_unit_head", "evaluator"])
def test_application_is_edited_only_by_the_unit_head_or_officer(muni, who):
    # given a draft application
    application = _draft(muni)
    user = getattr(muni.users, who)
    # when someone else edits it or its budget
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.update_application(
            by=user, application=application, sections={}, staff_total=1, staff_in_favour=1, years_positive_result=0
        )
    with pytest.raises(PermissionDenied):
        services.set_budget_lines(by=user, application=application, lines=BUDGET)


def test_submitting_registers_a_case_and_the_application_as_received(muni):
    # given a complete draft
    application = intraprenad_at("application", muni).applications.first()
    # when the unit head submits it
    services.submit_application(by=muni.users.unit_head, application=application, today=DAYS.submitted)
    # then it is submitted in a case of the board, with the application registered as received
    application.refresh_from_db()
    case = application.case
    assert application.status == Application.Status.SUBMITTED
    assert (case.series, case.year, case.kind) == ("SN", 2021, Case.Kind.APPLICATION)
    assert case.title == "Ansökan om intraprenad – Hemvården Norr"
    assert case.org_unit == muni.board and case.subject_unit == muni.unit
    document = case.documents.get()
    assert (document.kind, document.direction, document.counterpart) == (
        Document.Kind.APPLICATION,
        Document.Direction.INCOMING,
        "Hemvården Norr",
    )
    assert document.document_date == DAYS.submitted
    event = assert_audited("application.submitted", application.intraprenad, muni.users.unit_head)
    assert event.changes["case"] == case.case_number


def test_incomplete_application_cannot_be_submitted_and_every_problem_is_listed(muni):
    # given a draft with empty sections, no budget and too little support
    application = _draft(muni)
    services.update_application(
        by=muni.users.unit_head,
        application=application,
        sections={"verksamhetside": "Fasta team."},
        staff_total=9,
        staff_in_favour=4,
        years_positive_result=0,
    )
    # when it is submitted
    with pytest.raises(ValidationError) as refused:
        services.submit_application(by=muni.users.unit_head, application=application, today=DAYS.submitted)
    # then one refusal lists every empty section by title, the budget and the support
    assert messages_of(refused) == [
        "Avsnittet ”Uppdragets innehåll och omfattning” är tomt.",
        "Avsnittet ”Verksamhetens mål” är tomt.",
        "Avsnittet ”Kvalitetsutveckling och kvalitetsmätning” är tomt.",
        "Avsnittet ”Kompetens- och personalutveckling” är tomt.",
        "Avsnittet ”Ekonomi, verksamhets- och personalbudget” är tomt.",
        "Budgeten behöver minst en rad med personalkostnader och en rad med övriga driftskostnader.",
        "4 av 9 medarbetare är för; riktlinjerna kräver en majoritet (mer än hälften).",
    ]
    # and nothing was registered
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    assert not Case.objects.exists()


def test_application_cannot_be_submitted_twice(muni):
    # given a submitted application
    application = intraprenad_at("submitted", muni).applications.first()
    # when it is submitted again
    with pytest.raises(ValidationError) as refused:
        services.submit_application(by=muni.users.unit_head, application=application, today=DAYS.submitted)
    # then it is refused
    assert "”Inlämnad” till ”Inlämnad”" in messages_of(refused)[0]


@pytest.mark.parametrize("who", ["staff", "other_unit_head", "board_member"])
def test_application_is_submitted_only_by_the_unit_head_or_officer(muni, who):
    # given a complete draft
    application = intraprenad_at("application", muni).applications.first()
    # when someone else submits it
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.submit_application(by=getattr(muni.users, who), application=application, today=DAYS.submitted)


# Withdrawal ---------------------------------------------------------------------------------


def test_withdrawing_also_withdraws_the_open_application(muni):
    # given a submitted application
    intraprenad = intraprenad_at("submitted", muni)
    # when the unit head withdraws
    services.withdraw(by=muni.users.unit_head, intraprenad=intraprenad, reason="Vi väntar ett år.")
    # then the intraprenad and the application are withdrawn
    intraprenad.refresh_from_db()
    assert intraprenad.status == Intraprenad.Status.WITHDRAWN
    assert intraprenad.applications.get().status == Application.Status.WITHDRAWN
    event = assert_audited("intraprenad.withdrawn", intraprenad, muni.users.unit_head)
    assert event.changes["reason"] == "Vi väntar ett år."


def test_withdrawal_needs_a_reason(muni):
    # given an intraprenad at the interest stage
    intraprenad = intraprenad_at("interest", muni)
    # when it is withdrawn without a reason
    with pytest.raises(ValidationError) as refused:
        services.withdraw(by=muni.users.unit_head, intraprenad=intraprenad, reason="")
    # then it is refused
    assert messages_of(refused) == ["Ange skälet till återkallelsen."]


def test_active_intraprenad_cannot_be_withdrawn(muni):
    # given an active intraprenad
    intraprenad = intraprenad_at("active", muni)
    # when it is withdrawn
    with pytest.raises(ValidationError) as refused:
        services.withdraw(by=muni.users.unit_head, intraprenad=intraprenad, reason="Vi ångrar oss.")
    # then it is refused: ending an active intraprenad is a termination
    assert messages_of(refused) == ["Steget är inte möjligt nu: det går inte att gå från ”Aktiv” till ”Återkallad”."]


@pytest.mark.parametrize("who", ["staff", "other_unit_head", "board_member"])
def test_withdrawal_only_by_the_unit_head_or_officer(muni, who):
    # given an expression of interest
    intraprenad = intraprenad_at("interest", muni)
    # when someone else withdraws it
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.withdraw(by=getattr(muni.users, who), intraprenad=intraprenad, reason="Nej.")


# Preparation and the board's decision -------------------------------------------------------


def test_officer_prepares_the_application_with_a_registered_memo(muni):
    # given a submitted application
    application = intraprenad_at("submitted", muni).applications.first()
    # when the officer prepares it
    memo = prepare(muni, application)
    # then the memo is registered as a PDF in the case and the application is prepared
    application.refresh_from_db()
    assert application.status == Application.Status.PREPARED
    assert memo.author == muni.users.officer
    document = memo.document
    assert (document.kind, document.direction, document.case) == (
        Document.Kind.MEMO,
        Document.Direction.INTERNAL,
        application.case,
    )
    assert document.file.name.endswith(f"{application.case.compact_number}-tjansteskrivelse.pdf")
    assert document.file.read().startswith(b"%PDF")
    assert_audited("memo.written", application.intraprenad, muni.users.officer)
    assert_audited("application.prepared", application.intraprenad, muni.users.officer)


def test_draft_application_cannot_be_prepared(muni):
    # given a draft application
    application = intraprenad_at("application", muni).applications.first()
    # when the officer prepares it (skipping submission)
    with pytest.raises(ValidationError) as refused:
        services.prepare_application(
            by=muni.users.officer,
            application=application,
            summary="S",
            background="",
            assessment="B",
            proposal="approve",
            proposed_decision="Bifall.",
            today=DAYS.memo,
        )
    # then it is refused
    assert messages_of(refused) == [
        "Steget är inte möjligt nu: det går inte att gå från ”Utkast” till ”Beredd för beslut”."
    ]


def test_memo_lists_every_missing_part(muni):
    # given a submitted application
    application = intraprenad_at("submitted", muni).applications.first()
    # when a memo without summary, assessment, proposal or decision is written
    with pytest.raises(ValidationError) as refused:
        services.write_memo(
            by=muni.users.officer,
            case=application.case,
            title="Tjänsteskrivelse",
            summary="",
            background="",
            assessment=" ",
            proposal="maybe",
            proposed_decision="",
            today=DAYS.memo,
        )
    # then every missing part is listed and no memo is stored
    assert messages_of(refused) == [
        "Skriv en sammanfattning.",
        "Skriv förvaltningens bedömning.",
        "Välj om förvaltningen föreslår bifall eller avslag.",
        "Skriv förslaget till beslut.",
    ]
    assert not Memo.objects.exists()


@pytest.mark.parametrize("who", ["unit_head", "board_member", "registrar"])
def test_only_officers_prepare(muni, who):
    # given a submitted application
    application = intraprenad_at("submitted", muni).applications.first()
    # when someone else prepares it
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.prepare_application(
            by=getattr(muni.users, who),
            application=application,
            summary="S",
            background="",
            assessment="B",
            proposal="approve",
            proposed_decision="Bifall.",
            today=DAYS.memo,
        )


def _decide(muni, application, *, outcome="approve", meeting=None, by=None, reasons=""):
    return services.decide_application(
        by=by or muni.users.board_member,
        application=application,
        meeting=meeting or board_meeting(muni, DAYS.application_meeting),
        outcome=outcome,
        decision_text="Nämnden beslutar enligt förvaltningens förslag.",
        reasons=reasons,
    )


def test_board_grants_the_application(muni):
    # given a prepared application
    application = intraprenad_at("prepared", muni).applications.first()
    # when the board grants it
    paragraph = _decide(muni, application)
    # then the decision is a paragraph in the case and the agreement can be drafted
    application.refresh_from_db()
    assert application.status == Application.Status.GRANTED
    assert application.decision == paragraph
    assert paragraph.reference == f"{application.case.compact_number}-SN-§ 1"
    assert application.intraprenad.status == Intraprenad.Status.AGREEMENT
    event = assert_audited("application.granted", application.intraprenad, muni.users.board_member)
    assert event.changes["decision"] == paragraph.reference


def test_board_rejects_the_application_with_reasons(muni):
    # given a prepared application
    application = intraprenad_at("prepared", muni).applications.first()
    # when the board rejects it with reasons
    paragraph = _decide(muni, application, outcome="reject", reasons="Budgeten är inte i balans.")
    # then the intraprenad is rejected and the reasons are in the minutes
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert application.intraprenad.status == Intraprenad.Status.REJECTED
    assert paragraph.reasons == "Budgeten är inte i balans."
    assert_audited("application.rejected", application.intraprenad, muni.users.board_member)


def test_rejection_without_reasons_is_refused(muni):
    # given a prepared application
    application = intraprenad_at("prepared", muni).applications.first()
    # when the board rejects it without reasons
    with pytest.raises(ValidationError) as refused:
        _decide(muni, application, outcome="reject")
    # then it is refused
    assert messages_of(refused) == ["Ett avslag måste motiveras."]


def test_decision_must_be_taken_at_the_boards_own_open_meeting(muni):
    # given a prepared application, a school board meeting and a meeting with approved minutes
    application = intraprenad_at("prepared", muni).applications.first()
    other_board = board_meeting(muni, DAYS.application_meeting, body=muni.school_board)
    approved = Meeting.objects.create(
        body=muni.board, date=DAYS.application_meeting, status=Meeting.Status.MINUTES_APPROVED
    )
    # when the board decides at either
    with pytest.raises(ValidationError) as wrong_board:
        _decide(muni, application, meeting=other_board)
    with pytest.raises(ValidationError) as closed:
        _decide(muni, application, meeting=approved)
    # then both are refused
    assert messages_of(wrong_board) == ["Beslutet måste fattas vid ett sammanträde med intraprenadens nämnd."]
    assert messages_of(closed) == ["Protokollet från det sammanträdet är redan justerat; välj ett annat sammanträde."]


def test_unprepared_application_cannot_be_decided(muni):
    # given a submitted application without a memo
    application = intraprenad_at("submitted", muni).applications.first()
    # when the board decides
    with pytest.raises(ValidationError) as refused:
        _decide(muni, application)
    # then the skipped step is refused
    assert messages_of(refused) == ["Steget är inte möjligt nu: det går inte att gå från ”Inlämnad” till ”Beviljad”."]


@pytest.mark.parametrize("who", ["staff", "unit_head", "officer", "registrar"])
def test_only_board_members_decide_applications(muni, who):
    # given a prepared application
    application = intraprenad_at("prepared", muni).applications.first()
    # when someone else decides
    # then they are refused
    with pytest.raises(PermissionDenied):
        _decide(muni, application, by=getattr(muni.users, who))


# Agreement ----------------------------------------------------------------------------------


def test_agreement_is_drafted_with_the_period_and_required_clauses(muni):
    # given a granted application under a 3-year guideline
    application = intraprenad_at("granted", muni).applications.first()
    # when the officer drafts the agreement
    agreement = services.start_agreement(
        by=muni.users.officer, application=application, period_start=date(2022, 1, 1), today=DAYS.agreement_started
    )
    # then it runs three years, has one empty clause per required clause and a case of its own
    assert (agreement.period_start, agreement.period_end) == (date(2022, 1, 1), date(2024, 12, 31))
    assert agreement.clauses.count() == 15
    assert agreement.case.kind == Case.Kind.AGREEMENT
    assert agreement.case.title == "Överenskommelse om intraprenad – Hemvården Norr"
    assert_audited("agreement.drafted", agreement.intraprenad, muni.users.officer)


def test_second_draft_agreement_is_refused(muni):
    # given an agreement being drafted
    intraprenad = intraprenad_at("agreement", muni)
    # when another is started
    with pytest.raises(ValidationError) as refused:
        services.start_agreement(
            by=muni.users.officer,
            application=intraprenad.applications.first(),
            period_start=date(2022, 1, 1),
            today=DAYS.agreement_started,
        )
    # then it is refused
    assert messages_of(refused) == ["En överenskommelse håller redan på att tas fram för den här intraprenaden."]


def test_agreement_needs_a_granted_application(muni):
    # given a prepared (undecided) application
    application = intraprenad_at("prepared", muni).applications.first()
    # when an agreement is drafted
    with pytest.raises(ValidationError) as refused:
        services.start_agreement(
            by=muni.users.officer, application=application, period_start=date(2022, 1, 1), today=DAYS.memo
        )
    # then it is refused
    assert messages_of(refused) == ["En överenskommelse kan bara tas fram för en beviljad ansökan."]


@pytest.mark.parametrize("who", ["staff", "other_unit_head", "board_member"])
def test_agreement_is_drafted_only_by_the_officer_or_unit_head(muni, who):
    # given a granted application
    application = intraprenad_at("granted", muni).applications.first()
    # when someone else drafts the agreement
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.start_agreement(
            by=getattr(muni.users, who),
            application=application,
            period_start=date(2022, 1, 1),
            today=DAYS.agreement_started,
        )


def test_unit_head_writes_clauses_jointly(muni):
    # given an agreement being drafted
    agreement = intraprenad_at("agreement", muni).agreements.first()
    # when the unit head changes a clause and the period
    services.update_agreement(
        by=muni.users.unit_head,
        agreement=agreement,
        clauses={"ersattning": "Ersättning per utförd timme."},
        period_start=date(2022, 2, 1),
        period_end=date(2025, 1, 31),
    )
    # then it is stored and audited
    agreement.refresh_from_db()
    assert agreement.clauses.get(key="ersattning").text == "Ersättning per utförd timme."
    assert (agreement.period_start, agreement.period_end) == (date(2022, 2, 1), date(2025, 1, 31))
    assert assert_audited("agreement.updated", agreement.intraprenad, muni.users.unit_head).changes["clauses"] == [
        "ersattning"
    ]


def test_agreement_period_must_end_after_it_starts(muni):
    # given an agreement being drafted
    agreement = intraprenad_at("agreement", muni).agreements.first()
    # when its period is reversed
    with pytest.raises(ValidationError) as refused:
        services.update_agreement(
            by=muni.users.officer,
            agreement=agreement,
            clauses={},
            period_start=date(2022, 1, 1),
            period_end=date(2021, 12, 31),
        )
    # then it is refused
    assert messages_of(refused) == ["Avtalsperioden måste sluta efter att den börjar."]


def test_decided_agreement_cannot_be_edited(muni):
    # given a decided agreement
    agreement = intraprenad_at("decided", muni).agreements.first()
    # when it is edited
    with pytest.raises(ValidationError) as refused:
        services.update_agreement(
            by=muni.users.officer,
            agreement=agreement,
            clauses={},
            period_start=agreement.period_start,
            period_end=agreement.period_end,
        )
    # then it is refused
    assert messages_of(refused) == [
        "Endast ett utkast till överenskommelse kan ändras; den här är ”Beslutad av nämnden”."
    ]


@pytest.mark.parametrize("who", ["staff", "other_unit_head"])
def test_agreement_is_edited_only_by_the_parties(muni, who):
    # given an agreement being drafted
    agreement = intraprenad_at("agreement", muni).agreements.first()
    # when someone else edits it
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.update_agreement(
            by=getattr(muni.users, who),
            agreement=agreement,
            clauses={},
            period_start=agreement.period_start,
            period_end=agreement.period_end,
        )


def test_board_decides_the_agreement_and_it_is_registered_as_sent(muni):
    # given a fully written agreement
    agreement = intraprenad_at("agreement", muni).agreements.first()
    # when the board decides it
    paragraph = services.decide_agreement(
        by=muni.users.board_member,
        agreement=agreement,
        meeting=board_meeting(muni, DAYS.agreement_meeting),
        decision_text="Nämnden godkänner överenskommelsen.",
    )
    # then it is decided, and the PDF is registered as sent to the unit
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DECIDED
    assert agreement.decision == paragraph
    document = agreement.document
    assert (document.kind, document.direction, document.counterpart) == (
        Document.Kind.AGREEMENT,
        Document.Direction.OUTGOING,
        "Hemvården Norr",
    )
    assert document.file.read().startswith(b"%PDF")
    assert_audited("agreement.decided", agreement.intraprenad, muni.users.board_member)


def test_agreement_with_missing_clauses_cannot_be_decided(muni):
    # given an agreement with two clauses not written
    agreement = intraprenad_at("agreement", muni).agreements.first()
    services.update_agreement(
        by=muni.users.officer,
        agreement=agreement,
        clauses={"ersattning": "", "tid": " "},
        period_start=agreement.period_start,
        period_end=agreement.period_end,
    )
    # when the board decides it
    with pytest.raises(ValidationError) as refused:
        services.decide_agreement(
            by=muni.users.board_member,
            agreement=agreement,
            meeting=board_meeting(muni, DAYS.agreement_meeting),
            decision_text="Nämnden godkänner överenskommelsen.",
        )
    # then each missing clause is named and nothing is decided
    assert messages_of(refused) == [
        "Klausulen ”Ekonomisk ersättning” är inte skriven.",
        "Klausulen ”Tidsomfattning och förnyelse av överenskommelse” är inte skriven.",
    ]
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DRAFT


@pytest.mark.parametrize("who", ["unit_head", "officer"])
def test_only_board_members_decide_agreements(muni, who):
    # given a fully written agreement
    agreement = intraprenad_at("agreement", muni).agreements.first()
    # when someone else decides it
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.decide_agreement(
            by=getattr(muni.users, who),
            agreement=agreement,
            meeting=board_meeting(muni, DAYS.agreement_meeting),
            decision_text="Godkänd.",
        )


def _sign(muni, agreement, *, by=None, signed_on=None):
    return services.sign_agreement(
        by=by or muni.users.officer,
        agreement=agreement,
        signed_on=signed_on or DAYS.signed,
        board_signatory="Ordföranden",
        unit_signatory="Karin",
    )


def test_signing_makes_the_intraprenad_active(muni):
    # given a decided agreement
    agreement = intraprenad_at("decided", muni).agreements.first()
    # when both parties have signed
    _sign(muni, agreement)
    # then the agreement is in force and the intraprenad active
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED
    assert agreement.signed_on == DAYS.signed
    assert agreement.intraprenad.status == Intraprenad.Status.ACTIVE
    assert_audited("agreement.signed", agreement.intraprenad, muni.users.officer)


def test_agreement_cannot_be_signed_before_it_is_decided(muni):
    # given a draft agreement
    agreement = intraprenad_at("agreement", muni).agreements.first()
    # when it is signed
    with pytest.raises(ValidationError) as refused:
        _sign(muni, agreement)
    # then the skipped step is refused
    assert messages_of(refused) == [
        "Steget är inte möjligt nu: det går inte att gå från ”Utkast” till ”Undertecknad och gällande”."
    ]


def test_signing_date_cannot_precede_the_decision(muni):
    # given a decided agreement
    agreement = intraprenad_at("decided", muni).agreements.first()
    # when it is signed the day before the meeting
    with pytest.raises(ValidationError) as refused:
        _sign(muni, agreement, signed_on=DAYS.agreement_meeting - timedelta(days=1))
    # then it is refused
    assert messages_of(refused) == ["Överenskommelsen kan inte undertecknas före nämndens beslut (2021-11-12)."]


@pytest.mark.parametrize("who", ["unit_head", "board_member", "staff"])
def test_signing_is_registered_only_by_the_officer_or_registrar(muni, who):
    # given a decided agreement
    agreement = intraprenad_at("decided", muni).agreements.first()
    # when someone else registers the signing
    # then they are refused
    with pytest.raises(PermissionDenied):
        _sign(muni, agreement, by=getattr(muni.users, who))


# Renewal ------------------------------------------------------------------------------------


def test_renewal_starts_the_next_period_with_the_clauses_copied(muni):
    # given an agreement in force 2022–2024
    agreement = intraprenad_at("active", muni).agreements.first()
    # when the officer starts the renewal in the autumn of its last year
    renewal = services.start_renewal(by=muni.users.officer, agreement=agreement, today=DAYS.renewal_started)
    # then the new draft follows on, with the texts copied and a case of its own
    assert renewal.renewal_of == agreement
    assert (renewal.period_start, renewal.period_end) == (date(2025, 1, 1), date(2027, 12, 31))
    assert renewal.clauses.get(key="ersattning").text == agreement.clauses.get(key="ersattning").text
    assert renewal.case != agreement.case
    assert_audited("agreement.renewal_started", agreement.intraprenad, muni.users.officer)


def test_renewal_under_a_new_revision_keeps_only_clauses_that_still_exist(muni):
    # given an agreement in force, and a new revision from 2024 with one new clause and one removed
    agreement = intraprenad_at("active", muni).agreements.first()
    ensure_revision(
        muni,
        valid_from=date(2024, 1, 1),
        clauses=[("ersattning", "Ekonomisk ersättning"), ("klimat", "Klimat och miljö")],
        agreement_period_years=4,
    )
    # when the renewal starts
    renewal = services.start_renewal(by=muni.users.officer, agreement=agreement, today=DAYS.renewal_started)
    # then only the shared clause keeps its text and the new period is four years
    texts = dict(renewal.clauses.values_list("key", "text"))
    assert texts == {"ersattning": agreement.clauses.get(key="ersattning").text, "klimat": ""}
    assert renewal.period_end == date(2028, 12, 31)


def test_renewal_outside_the_window_is_refused(muni):
    # given an agreement ending 2024-12-31 with six months' notice
    agreement = intraprenad_at("active", muni).agreements.first()
    # when the renewal is started a year early
    with pytest.raises(ValidationError) as refused:
        services.start_renewal(by=muni.users.officer, agreement=agreement, today=date(2023, 12, 31))
    # then it is refused, saying when it opens
    assert messages_of(refused) == [
        "En förnyelse kan påbörjas från 2024-06-30, 6 månader innan perioden slutar 2024-12-31."
    ]


def test_renewal_cannot_be_started_twice(muni):
    # given a renewal under way
    intraprenad = intraprenad_at("renewal", muni)
    current = intraprenad.agreements.get(status=Agreement.Status.SIGNED)
    # when another is started
    with pytest.raises(ValidationError) as refused:
        services.start_renewal(by=muni.users.officer, agreement=current, today=DAYS.renewal_started)
    # then it is refused
    assert messages_of(refused) == ["En förnyelse av den här överenskommelsen är redan påbörjad."]


def test_signing_a_renewal_replaces_the_old_agreement(muni):
    # given a decided renewal
    intraprenad = intraprenad_at("renewal_decided", muni)
    renewal = intraprenad.agreements.get(status=Agreement.Status.DECIDED)
    # when it is signed
    _sign(muni, renewal, signed_on=DAYS.renewal_signed)
    # then it is in force, the old one is replaced and the intraprenad stays active
    renewal.refresh_from_db()
    assert renewal.status == Agreement.Status.SIGNED
    assert renewal.renewal_of.status == Agreement.Status.REPLACED
    assert renewal.intraprenad.status == Intraprenad.Status.ACTIVE


@pytest.mark.parametrize("who", ["staff", "board_member"])
def test_renewal_is_started_only_by_the_parties(muni, who):
    # given an agreement in force
    agreement = intraprenad_at("active", muni).agreements.first()
    # when someone else starts the renewal
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.start_renewal(by=getattr(muni.users, who), agreement=agreement, today=DAYS.renewal_started)


# Termination --------------------------------------------------------------------------------


def _propose(muni, intraprenad, *, by=None, effective_on=None, ground="economy"):
    return services.propose_termination(
        by=by or muni.users.officer,
        intraprenad=intraprenad,
        ground=ground,
        motivation="Ekonomin har inte kommit i balans efter åtgärdsplanen.",
        effective_on=effective_on or DAYS.termination_effective,
        today=DAYS.termination_proposed,
    )


def test_officer_proposes_termination_in_a_case_of_its_own(muni):
    # given an active intraprenad
    intraprenad = intraprenad_at("active", muni)
    # when the officer proposes to end it for failing to restore the economy
    termination = _propose(muni, intraprenad)
    # then a termination case is registered, against the agreement in force
    assert termination.status == Termination.Status.PROPOSED
    assert termination.case.kind == Case.Kind.TERMINATION
    assert termination.case.title == "Upphävande av intraprenad – Hemvården Norr"
    assert termination.agreement == intraprenad.agreements.get()
    assert_audited("termination.proposed", intraprenad, muni.users.officer)


def test_termination_is_proposed_only_for_an_active_intraprenad(muni):
    # given an intraprenad whose agreement is only drafted
    intraprenad = intraprenad_at("agreement", muni)
    # when termination is proposed
    with pytest.raises(ValidationError) as refused:
        _propose(muni, intraprenad)
    # then it is refused
    assert messages_of(refused) == [
        "Steget är inte möjligt medan intraprenaden är i skedet ”Överenskommelse under framtagande”."
    ]


def test_termination_cannot_take_effect_in_the_past_or_be_proposed_twice(muni):
    # given an active intraprenad
    intraprenad = intraprenad_at("active", muni)
    # when termination is proposed effective yesterday, then twice
    with pytest.raises(ValidationError) as past:
        _propose(muni, intraprenad, effective_on=DAYS.termination_proposed - timedelta(days=1))
    _propose(muni, intraprenad)
    with pytest.raises(ValidationError) as twice:
        _propose(muni, intraprenad)
    # then both are refused
    assert messages_of(past) == ["Upphävandet kan inte gälla från ett datum före i dag."]
    assert messages_of(twice) == ["Ett upphävande av den här intraprenaden är redan föreslaget."]


@pytest.mark.parametrize("who", ["unit_head", "board_member", "economist"])
def test_termination_is_proposed_only_by_officers(muni, who):
    # given an active intraprenad
    intraprenad = intraprenad_at("active", muni)
    # when someone else proposes termination
    # then they are refused
    with pytest.raises(PermissionDenied):
        _propose(muni, intraprenad, by=getattr(muni.users, who))


def _decide_termination(
    muni, termination, *, outcome="approve", by=None, reasons="Åtgärdsplanen har inte räckt.", on=None
):
    return services.decide_termination(
        by=by or muni.users.board_member,
        termination=termination,
        meeting=board_meeting(muni, on or DAYS.termination_meeting),
        outcome=outcome,
        decision_text="Nämnden beslutar i ärendet.",
        reasons=reasons,
    )


@pytest.mark.parametrize("decided_on", [DAYS.termination_effective, DAYS.termination_effective + timedelta(days=9)])
def test_board_ends_the_intraprenad_at_once_when_the_effective_day_has_come(muni, decided_on):
    # given a proposed termination with the administration's memo
    intraprenad = intraprenad_at("termination_memo", muni)
    termination = intraprenad.terminations.get()
    # when the board approves it on or after its effective day
    paragraph = _decide_termination(muni, termination, on=decided_on)
    # then the intraprenad has ended from the effective date and the agreement is terminated
    intraprenad.refresh_from_db()
    termination.refresh_from_db()
    assert intraprenad.status == Intraprenad.Status.ENDED
    assert intraprenad.ended_on == DAYS.termination_effective
    assert termination.status == Termination.Status.DECIDED
    assert termination.decision == paragraph
    assert termination.agreement.status == Agreement.Status.TERMINATED
    event = assert_audited("termination.decided", intraprenad, muni.users.board_member)
    assert event.changes["ended_on"] == DAYS.termination_effective.isoformat()


def test_a_termination_decided_before_its_effective_day_waits_for_that_day(muni):
    # given a proposed termination with the administration's memo, effective 2023-01-01
    intraprenad = intraprenad_at("termination_memo", muni)
    termination = intraprenad.terminations.get()
    # when the board approves it in October 2022
    _decide_termination(muni, termination)
    # then it is decided, but the intraprenad stays active under its agreement until the effective day
    intraprenad.refresh_from_db()
    termination.refresh_from_db()
    assert termination.status == Termination.Status.DECIDED
    assert intraprenad.status == Intraprenad.Status.ACTIVE
    assert intraprenad.ended_on is None
    assert termination.agreement.status == Agreement.Status.SIGNED
    event = assert_audited("termination.decided", intraprenad, muni.users.board_member)
    assert event.changes["takes_effect_on"] == DAYS.termination_effective.isoformat()
    assert "ended_on" not in event.changes


def test_the_daily_job_ends_the_intraprenad_on_the_effective_day_of_a_decided_termination(muni):
    # given a termination the board decided, effective 2023-01-01
    intraprenad = intraprenad_at("termination_decided", muni)
    termination = intraprenad.terminations.get()
    # when the daily job runs the day before, and on the day
    before = services.apply_due_dates(today=DAYS.termination_effective - timedelta(days=1))
    on_the_day = services.apply_due_dates(today=DAYS.termination_effective)
    # then nothing happens the day before; on the day the agreement is terminated and the intraprenad ends
    assert before == []
    assert [(o.intraprenad.pk, o.action.kind) for o in on_the_day] == [(intraprenad.pk, "terminate")]
    intraprenad.refresh_from_db()
    assert intraprenad.status == Intraprenad.Status.ENDED
    assert intraprenad.ended_on == DAYS.termination_effective
    assert termination.agreement.status == Agreement.Status.TERMINATED
    event = assert_audited("termination.took_effect", intraprenad, None)
    assert event.target_id == str(termination.pk)
    assert event.changes["ended_on"] == DAYS.termination_effective.isoformat()


def test_the_daily_job_is_idempotent(muni):
    # given a decided termination that the job has applied
    intraprenad_at("termination_decided", muni)
    services.apply_due_dates(today=DAYS.termination_effective)
    events = AuditEvent.objects.count()
    # when it runs again the same day and later
    again = services.apply_due_dates(today=DAYS.termination_effective)
    later = services.apply_due_dates(today=DAYS.termination_effective + timedelta(days=5))
    # then nothing more changes
    assert again == [] and later == []
    assert AuditEvent.objects.count() == events


def test_while_a_decided_termination_is_pending_no_renewal_or_new_termination_is_possible(muni):
    # given a termination the board decided with effect later
    intraprenad = intraprenad_at("termination_decided", muni)
    agreement = intraprenad.agreements.get()
    # when a new termination is proposed, or a renewal started
    with pytest.raises(ValidationError) as again:
        _propose(muni, intraprenad, effective_on=date(2022, 12, 1))
    with pytest.raises(ValidationError) as renewal:
        services.start_renewal(by=muni.users.officer, agreement=agreement, today=DAYS.renewal_started)
    # then both are refused, naming the day it ends
    message = "Nämnden har beslutat att intraprenaden upphör 2023-01-01; den kan inte förnyas eller upphävas igen."
    assert messages_of(again) == [message]
    assert messages_of(renewal) == [message]


def _expiring(muni, stage="active"):
    """An intraprenad whose agreement runs 2022-01-01 – 2024-12-31."""
    intraprenad = intraprenad_at(stage, muni)
    return intraprenad, intraprenad.agreements.get(renewal_of__isnull=True)


def test_an_agreement_expires_the_day_after_its_period_without_renewal(muni):
    # given an agreement in force whose period ends 2024-12-31, never renewed
    intraprenad, agreement = _expiring(muni)
    # when the daily job runs on the last day and on the day after
    on_last_day = services.apply_due_dates(today=date(2024, 12, 31))
    after = services.apply_due_dates(today=date(2025, 1, 1))
    # then it expires on 2025-01-01 and the unit returns to ordinary management from that day
    assert on_last_day == []
    assert [o.action.kind for o in after] == ["expire"]
    agreement.refresh_from_db()
    intraprenad.refresh_from_db()
    assert agreement.status == Agreement.Status.EXPIRED
    assert intraprenad.status == Intraprenad.Status.ENDED
    assert intraprenad.ended_on == date(2025, 1, 1)
    event = assert_audited("agreement.expired", intraprenad, None)
    assert event.changes["ground"] == Termination.Ground.PERIOD_END
    assert event.changes["ended_on"] == "2025-01-01"


@pytest.mark.parametrize(("stage", "renewal_status"), [("renewal", "draft"), ("renewal_decided", "decided")])
def test_an_agreement_with_a_renewal_under_way_is_held_and_reported_not_expired(muni, stage, renewal_status, caplog):
    # given an agreement whose renewal is drafted or decided but not signed
    intraprenad, agreement = _expiring(muni, stage)
    events = AuditEvent.objects.count()
    # when the daily job runs after the period has ended
    outcomes = services.apply_due_dates(today=date(2025, 1, 2))
    # then the agreement stays in force, nothing is written, and the job reports it
    assert [(o.action.kind, o.action.renewal_status) for o in outcomes] == [("hold", renewal_status)]
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED
    assert Intraprenad.objects.get(pk=intraprenad.pk).status == Intraprenad.Status.ACTIVE
    assert AuditEvent.objects.count() == events
    assert "Hemvården Norr" in caplog.text


def test_a_renewed_agreement_does_not_expire_at_the_end_of_the_old_period(muni):
    # given an agreement replaced by a signed renewal for 2025–2027
    intraprenad = intraprenad_at("renewed", muni)
    # when the daily job runs after the old period has ended
    outcomes = services.apply_due_dates(today=date(2025, 1, 1))
    # then nothing is due: the renewal is in force
    assert outcomes == []
    assert Intraprenad.objects.get(pk=intraprenad.pk).status == Intraprenad.Status.ACTIVE


def test_board_may_reject_a_termination(muni):
    # given a proposed termination with a memo
    intraprenad = intraprenad_at("termination_memo", muni)
    termination = intraprenad.terminations.get()
    # when the board rejects it
    _decide_termination(muni, termination, outcome="reject", reasons="Åtgärdsplanen ges ett år till.")
    # then the intraprenad stays active under its agreement
    intraprenad.refresh_from_db()
    assert intraprenad.status == Intraprenad.Status.ACTIVE
    assert intraprenad.terminations.get().status == Termination.Status.REJECTED
    assert intraprenad.agreements.get().status == Agreement.Status.SIGNED
    assert_audited("termination.rejected", intraprenad, muni.users.board_member)


def test_termination_cannot_be_decided_without_the_memo(muni):
    # given a proposed termination without a memo
    termination = intraprenad_at("termination_proposed", muni).terminations.get()
    # when the board decides
    with pytest.raises(ValidationError) as refused:
        _decide_termination(muni, termination)
    # then it is refused, naming the case
    assert messages_of(refused) == [
        f"Förvaltningens tjänsteskrivelse saknas i ärende {termination.case.case_number}; "
        "skriv den innan nämnden beslutar."
    ]


def test_termination_memo_is_registered_in_the_termination_case(muni):
    # given a proposed termination
    intraprenad = intraprenad_at("termination_proposed", muni)
    termination = intraprenad.terminations.get()
    # when the officer writes the memo
    memo = write_termination_memo(muni, termination)
    # then it is registered in the termination's case and audited on the intraprenad
    assert memo.document.case == termination.case
    assert_audited("memo.written", intraprenad, muni.users.officer)


@pytest.mark.parametrize("who", ["officer", "unit_head", "staff"])
def test_only_board_members_decide_terminations(muni, who):
    # given a proposed termination with a memo
    termination = intraprenad_at("termination_memo", muni).terminations.get()
    # when someone else decides it
    # then they are refused
    with pytest.raises(PermissionDenied):
        _decide_termination(muni, termination, by=getattr(muni.users, who))


def test_ended_intraprenad_lets_the_unit_start_again(muni):
    # given an ended intraprenad
    intraprenad_at("ended", muni)
    # when the unit registers new interest
    again = register(muni)
    # then a new attempt begins
    assert again.status == Intraprenad.Status.INTEREST


def test_a_refused_step_writes_nothing(muni):
    # given a prepared application and the number of audit rows
    application = intraprenad_at("prepared", muni).applications.first()
    before = AuditEvent.objects.count()
    meeting = board_meeting(muni, DAYS.application_meeting)
    # when a rejection without reasons is refused
    with pytest.raises(ValidationError):
        _decide(muni, application, outcome="reject", meeting=meeting)
    # then no paragraph or audit row was written beyond the meeting
    assert AuditEvent.objects.count() == before + 1
    assert not meeting.paragraphs.exists()


def test_withdrawing_cancels_the_agreement_being_drafted(muni):
    # given an intraprenad whose agreement is being drafted
    intraprenad = intraprenad_at("agreement", muni)
    agreement = intraprenad.agreements.get()

    # when the unit withdraws
    services.withdraw(by=muni.users.unit_head, intraprenad=intraprenad, reason="Gruppen avstår.")

    # then the draft is cancelled, recorded, and can no longer be written
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.CANCELLED
    assert assert_audited("intraprenad.withdrawn", intraprenad, muni.users.unit_head).changes["agreements"] == [
        str(agreement)
    ]
    with pytest.raises(ValidationError):
        services.update_agreement(
            by=muni.users.unit_head,
            agreement=agreement,
            clauses={},
            period_start=agreement.period_start,
            period_end=agreement.period_end,
        )


def test_a_renewal_waits_for_a_proposed_termination_and_is_cancelled_when_the_intraprenad_ends(muni):
    # given a renewal decided by the board, and then a proposal to end the intraprenad
    intraprenad = intraprenad_at("renewal_decided", muni)
    renewal = intraprenad.agreements.get(renewal_of__isnull=False)
    termination = services.propose_termination(
        by=muni.users.officer,
        intraprenad=intraprenad,
        ground="breach",
        motivation="Överenskommelsen om bemanning har inte följts.",
        effective_on=date(2024, 12, 1),
        today=date(2024, 10, 25),
    )

    # when the renewal is signed while the proposal is open, it is refused
    with pytest.raises(ValidationError, match="förnyelsen får vänta"):
        services.sign_agreement(
            by=muni.users.officer,
            agreement=renewal,
            signed_on=date(2024, 10, 26),
            board_signatory="Ordföranden",
            unit_signatory="Enhetschefen",
        )

    # and when the board ends the intraprenad
    services.write_memo(
        by=muni.users.officer,
        case=termination.case,
        title=termination.case.title,
        summary="Förvaltningen föreslår att intraprenaden upphör.",
        background="",
        assessment="Villkoren för upphävande är uppfyllda.",
        proposal="approve",
        proposed_decision="Intraprenaden upphör.",
        today=date(2024, 10, 28),
    )
    services.decide_termination(
        by=muni.users.board_member,
        termination=termination,
        meeting=board_meeting(muni, date(2024, 11, 5)),
        outcome="approve",
        decision_text="Intraprenaden upphör den 1 december 2024.",
        reasons="Överenskommelsen har inte följts.",
    )

    # then the renewal still cannot be signed while the decided termination waits for its day
    with pytest.raises(ValidationError, match="upphör 2024-12-01"):
        services.sign_agreement(
            by=muni.users.officer,
            agreement=renewal,
            signed_on=date(2024, 11, 6),
            board_signatory="Ordföranden",
            unit_signatory="Enhetschefen",
        )

    # and on that day the renewal never comes into force and the agreement in force is terminated
    services.apply_due_dates(today=date(2024, 12, 1))
    renewal.refresh_from_db()
    intraprenad.refresh_from_db()
    assert renewal.status == Agreement.Status.CANCELLED
    assert renewal.renewal_of.status == Agreement.Status.TERMINATED
    assert intraprenad.status == Intraprenad.Status.ENDED
