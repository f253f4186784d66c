"""The lifecycle through the API: token authentication, reading intraprenader with their status and
timeline, one success and one permission test per write endpoint, refusals with the services' Swedish
messages, and the whole walk from an expression of interest to a signed agreement."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from intraprenad.accounts.models import AuditEvent
from intraprenad.cases import services as case_services
from intraprenad.cases.models import Meeting
from intraprenad.lifecycle import services
from intraprenad.lifecycle.models import (
    Agreement,
    Application,
    Intraprenad,
    Memo,
    Termination,
    TrainingProgramme,
    TrainingSession,
)
from intraprenad.lifecycle.tests.factories import (
    CLAUSE_TEXTS,
    DAYS,
    SECTION_TEXTS,
    board_meeting,
    ensure_revision,
    fill_agreement,
    intraprenad_at,
    run_training,
)
from intraprenad.policy.tests.factories import adoption_paragraph

I = Intraprenad.Status  # noqa: E741


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def today():
    return timezone.localdate()


def as_user(api: APIClient, user) -> APIClient:
    api.force_authenticate(user)
    return api


def application_of(intraprenad: Intraprenad) -> Application:
    return intraprenad.applications.order_by("-id").first()


def agreement_of(intraprenad: Intraprenad) -> Agreement:
    return intraprenad.agreements.order_by("-id").first()


def termination_of(intraprenad: Intraprenad) -> Termination:
    return intraprenad.terminations.order_by("-id").first()


def approve_minutes(muni, meeting) -> None:
    registrar = muni.users.registrar
    if meeting.status == Meeting.Status.PLANNED:
        case_services.hold_meeting(by=registrar, meeting=meeting)
    case_services.approve_minutes(by=registrar, meeting=meeting, approved_on=meeting.date, adjusters="Anna Andersson")


def interest_body(muni, **overrides) -> dict:
    body = {
        "unit": muni.unit.pk,
        "received_on": today().isoformat(),
        "contact_name": "Karin Enhetschef",
        "staff_count": 9,
        "motivation": "Vi vill ta större ansvar för verksamheten.",
    }
    return {**body, **overrides}


MEMO = {
    "summary": "Enheten ansöker om att bli intraprenad.",
    "background": "Enheten har gått utbildningen.",
    "assessment": "Ansökan uppfyller riktlinjerna.",
    "proposal": "approve",
    "proposed_decision": "Nämnden bifaller ansökan.",
}
BUDGET = [
    {"kind": "revenue", "description": "Ersättning för hemtjänsttimmar", "amount": "9500000.00"},
    {"kind": "staff", "description": "Löner", "amount": "7800000.00"},
    {"kind": "operating", "description": "Bilar och lokaler", "amount": "1500000.00"},
]
SIGNATURES = {"board_signatory": "Nämndens ordförande", "unit_signatory": "Karin Enhetschef"}


# --- authentication ---------------------------------------------------------------------------------


def test_a_token_authenticates_the_user(muni, api):
    # given
    intraprenad_at("interest", muni)
    token = Token.objects.create(user=muni.users.unit_head)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    # when
    response = api.get("/api/intraprenader/")

    # then
    assert response.status_code == 200
    assert [i["status"] for i in response.json()["results"]] == ["interest"]


def test_a_token_lets_the_user_take_a_step(muni, api):
    # given
    ensure_revision(muni)
    token = Token.objects.create(user=muni.users.unit_head)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    # when
    response = api.post("/api/intraprenader/", interest_body(muni), format="json")

    # then
    assert response.status_code == 201
    intraprenad = Intraprenad.objects.get()
    assert AuditEvent.objects.filter(
        verb="intraprenad.registered", target_id=str(intraprenad.pk), actor=muni.users.unit_head
    ).exists()


def test_an_unknown_token_is_refused_with_401(muni, api):
    # given
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    # when
    response = api.get("/api/intraprenader/")

    # then
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_step_without_credentials_is_refused_with_401(muni, api):
    # when
    response = api.post("/api/intraprenader/", interest_body(muni), format="json")

    # then
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert not Intraprenad.objects.exists()


# --- reading ----------------------------------------------------------------------------------------


def test_the_officer_lists_the_intraprenader_with_their_status(muni, api):
    # given
    intraprenad_at("active", muni)
    services.register_interest(
        by=muni.users.officer,
        unit=muni.other_unit,
        received_on=DAYS.interest,
        contact_name="Sven Enhetschef",
        staff_count=12,
        motivation="Vi vill också.",
    )

    # when
    response = as_user(api, muni.users.officer).get("/api/intraprenader/")

    # then
    assert response.status_code == 200
    rows = {(i["unit_name"], i["status"], i["status_display"]) for i in response.json()["results"]}
    assert rows == {
        ("Hemvården Norr", "active", "Aktiv"),
        ("Hemvården Syd", "interest", "Intresseanmälan"),
    }
    assert response.json()["results"][0]["board_name"] == "Socialnämnden"


def test_the_list_takes_a_fixed_number_of_queries(muni, api, django_assert_num_queries):
    # given
    intraprenad_at("interest", muni)
    for unit in (muni.other_unit, muni.school):
        services.register_interest(
            by=muni.users.admin,
            unit=unit,
            received_on=DAYS.interest,
            contact_name="Kontakt",
            staff_count=10,
            motivation="Vi vill.",
        )
    api = as_user(api, muni.users.officer)

    # when
    with django_assert_num_queries(4):
        response = api.get("/api/intraprenader/")

    # then
    assert [i["unit_name"] for i in response.json()["results"]] == ["Hemvården Norr", "Hemvården Syd"]


def test_a_unit_head_sees_only_their_own_units_intraprenader(muni, api):
    # given
    ensure_revision(muni)
    own = intraprenad_at("interest", muni)
    services.register_interest(
        by=muni.users.other_unit_head,
        unit=muni.other_unit,
        received_on=DAYS.interest,
        contact_name="Sven Enhetschef",
        staff_count=12,
        motivation="Vi vill också.",
    )
    other = Intraprenad.objects.get(unit=muni.other_unit)

    # when
    api = as_user(api, muni.users.unit_head)
    listed = api.get("/api/intraprenader/")
    detail = api.get(f"/api/intraprenader/{other.pk}/")

    # then
    assert [i["id"] for i in listed.json()["results"]] == [own.pk]
    assert detail.status_code == 404


def test_a_unit_head_sees_another_units_intraprenad_once_it_is_public(muni, api):
    # given
    active = intraprenad_at("active", muni)

    # when
    api = as_user(api, muni.users.other_unit_head)
    listed = api.get("/api/intraprenader/")
    detail = api.get(f"/api/intraprenader/{active.pk}/")

    # then
    assert [i["id"] for i in listed.json()["results"]] == [active.pk]
    assert detail.status_code == 200
    assert detail.json()["applications"][0]["decision_reference"] is None


def test_the_public_lists_only_active_and_ended_intraprenader(muni, api):
    # given
    active = intraprenad_at("active", muni)
    services.register_interest(
        by=muni.users.other_unit_head,
        unit=muni.other_unit,
        received_on=DAYS.interest,
        contact_name="Sven Enhetschef",
        staff_count=12,
        motivation="Vi vill också.",
    )

    # when
    response = api.get("/api/intraprenader/")

    # then
    assert response.status_code == 200
    assert [(i["id"], i["status"]) for i in response.json()["results"]] == [(active.pk, "active")]


def test_the_detail_shows_the_status_timeline_and_current_agreement(muni, api):
    # given
    intraprenad = intraprenad_at("active", muni)
    agreement = agreement_of(intraprenad)

    # when
    response = as_user(api, muni.users.officer).get(f"/api/intraprenader/{intraprenad.pk}/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "active"
    assert body["interest"]["contact_name"] == "Karin Enhetschef"
    assert len(body["training"]["sessions"]) == 6
    assert [a["status"] for a in body["applications"]] == ["granted"]
    assert body["current_agreement"]["id"] == agreement.pk
    assert body["current_agreement"]["period_start"] == DAYS.period_start.isoformat()
    assert len(body["current_agreement"]["clauses"]) == len(CLAUSE_TEXTS)
    titles = [entry["title"] for entry in body["timeline"]]
    assert titles[0] == "Intresseanmälan inkom"
    assert "Överenskommelsen undertecknad" in titles
    dates = [entry["date"] for entry in body["timeline"]]
    assert dates == sorted(dates)


def test_board_members_see_their_boards_decisions_before_the_minutes_are_approved(muni, api):
    # given
    intraprenad = intraprenad_at("active", muni)
    application = application_of(intraprenad)

    # when
    response = as_user(api, muni.users.board_member).get(f"/api/intraprenader/{intraprenad.pk}/")

    # then
    body = response.json()
    assert body["applications"][0]["decision_reference"] == application.decision.reference
    assert application.decision.reference in [entry["reference"] for entry in body["timeline"]]


def test_the_public_sees_an_active_intraprenad_but_no_unapproved_decisions(muni, api):
    # given
    intraprenad = intraprenad_at("active", muni)
    application = application_of(intraprenad)

    # when
    response = api.get(f"/api/intraprenader/{intraprenad.pk}/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["applications"][0]["decision_reference"] is None
    assert body["current_agreement"]["decision_reference"] is None
    assert all(entry["paragraph"] is None for entry in body["timeline"])
    assert application.decision.reference not in [entry["reference"] for entry in body["timeline"]]


def test_the_public_sees_decisions_once_the_minutes_are_approved(muni, api):
    # given
    intraprenad = intraprenad_at("active", muni)
    application = application_of(intraprenad)
    approve_minutes(muni, application.decision.meeting)

    # when
    response = api.get(f"/api/intraprenader/{intraprenad.pk}/")

    # then
    body = response.json()
    assert body["applications"][0]["decision_reference"] == application.decision.reference
    paragraphs = [entry["paragraph"] for entry in body["timeline"] if entry["paragraph"]]
    assert paragraphs == [{"id": application.decision.pk, "reference": application.decision.reference}]


def test_the_public_does_not_see_an_intraprenad_that_is_not_yet_decided(muni, api):
    # given
    intraprenad = intraprenad_at("application", muni)

    # when
    response = api.get(f"/api/intraprenader/{intraprenad.pk}/")

    # then
    assert response.status_code == 404


# --- registering interest and board initiatives -----------------------------------------------------


def test_the_unit_head_registers_an_expression_of_interest(muni, api):
    # given
    ensure_revision(muni)

    # when
    response = as_user(api, muni.users.unit_head).post(
        "/api/intraprenader/", interest_body(muni, name="Hemvården Norr intraprenad"), format="json"
    )

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "interest"
    assert body["name"] == "Hemvården Norr intraprenad"
    assert body["board"] == muni.board.pk
    assert body["interest"]["staff_count"] == 9
    assert [entry["title"] for entry in body["timeline"]] == ["Intresseanmälan inkom"]


def test_a_board_member_may_not_register_interest(muni, api):
    # when
    response = as_user(api, muni.users.board_member).post("/api/intraprenader/", interest_body(muni), format="json")

    # then
    assert response.status_code == 403
    assert response.json()["detail"] == "Du har inte behörighet att registrera en intresseanmälan för den här enheten."
    assert not Intraprenad.objects.exists()


def test_a_second_expression_of_interest_is_refused_with_the_swedish_message(muni, api):
    # given
    intraprenad_at("training", muni)

    # when
    response = as_user(api, muni.users.unit_head).post("/api/intraprenader/", interest_body(muni), format="json")

    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": ["Hemvården Norr har redan en pågående intraprenad (”Hemvården Norr”, Utbildning)."]
    }
    assert Intraprenad.objects.count() == 1


def test_a_malformed_expression_of_interest_is_refused_by_field(muni, api):
    # when
    response = as_user(api, muni.users.unit_head).post(
        "/api/intraprenader/", interest_body(muni, staff_count=-1, unit=muni.board.pk), format="json"
    )

    # then
    assert response.status_code == 400
    assert set(response.json()) == {"unit", "staff_count"}


def board_initiative_body(muni, paragraph) -> dict:
    return {
        **interest_body(muni),
        "initiative": paragraph.pk,
        "one_time_frame_increase": "1500000.00",
    }


def test_the_officer_starts_an_intraprenad_by_board_initiative(muni, api):
    # given
    ensure_revision(muni)
    initiative = adoption_paragraph(muni.board, DAYS.interest, title="Start av intraprenad")
    approve_minutes(muni, initiative.meeting)

    # when
    response = as_user(api, muni.users.officer).post(
        "/api/intraprenader/board-initiative/", board_initiative_body(muni, initiative), format="json"
    )

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["origin"] == "board"
    assert body["initiative"] == initiative.pk
    assert body["initiative_reference"] == initiative.reference
    assert body["one_time_frame_increase"] == "1500000.00"


def test_a_unit_head_may_not_start_an_intraprenad_by_board_initiative(muni, api):
    # given
    initiative = adoption_paragraph(muni.board, DAYS.interest, title="Start av intraprenad")

    # when
    response = as_user(api, muni.users.unit_head).post(
        "/api/intraprenader/board-initiative/", board_initiative_body(muni, initiative), format="json"
    )

    # then
    assert response.status_code == 403
    assert not Intraprenad.objects.exists()


# --- withdrawal -------------------------------------------------------------------------------------


def test_the_unit_head_withdraws(muni, api):
    # given
    intraprenad = intraprenad_at("application", muni)

    # when
    response = as_user(api, muni.users.unit_head).post(
        f"/api/intraprenader/{intraprenad.pk}/withdraw/", {"reason": "Vi väntar ett år."}, format="json"
    )

    # then
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    assert application_of(intraprenad).status == Application.Status.WITHDRAWN


def test_staff_may_not_withdraw(muni, api):
    # given
    intraprenad = intraprenad_at("interest", muni)

    # when
    response = as_user(api, muni.users.staff).post(
        f"/api/intraprenader/{intraprenad.pk}/withdraw/", {"reason": "Vi väntar."}, format="json"
    )

    # then
    assert response.status_code == 403
    intraprenad.refresh_from_db()
    assert intraprenad.status == I.INTEREST


def test_another_unit_head_cannot_withdraw_and_gets_404(muni, api):
    # given
    intraprenad = intraprenad_at("interest", muni)

    # when
    response = as_user(api, muni.users.other_unit_head).post(
        f"/api/intraprenader/{intraprenad.pk}/withdraw/", {"reason": "Vi väntar."}, format="json"
    )

    # then
    assert response.status_code == 404


def test_an_active_intraprenad_cannot_be_withdrawn(muni, api):
    # given
    intraprenad = intraprenad_at("active", muni)

    # when
    response = as_user(api, muni.users.unit_head).post(
        f"/api/intraprenader/{intraprenad.pk}/withdraw/", {"reason": "Vi vill sluta."}, format="json"
    )

    # then
    assert response.status_code == 400
    assert response.json()["detail"] == [
        "Steget är inte möjligt nu: det går inte att gå från ”Aktiv” till ”Återkallad”."
    ]


# --- training ---------------------------------------------------------------------------------------


def test_the_officer_offers_training(muni, api):
    # given
    intraprenad = intraprenad_at("interest", muni)

    # when
    response = as_user(api, muni.users.officer).post(f"/api/intraprenader/{intraprenad.pk}/training/offer/")

    # then
    assert response.status_code == 201
    assert response.json()["intraprenad"] == intraprenad.pk
    assert response.json()["sessions"] == []
    intraprenad.refresh_from_db()
    assert intraprenad.status == I.TRAINING


def test_a_unit_head_may_not_offer_training(muni, api):
    # given
    intraprenad = intraprenad_at("interest", muni)

    # when
    response = as_user(api, muni.users.unit_head).post(f"/api/intraprenader/{intraprenad.pk}/training/offer/")

    # then
    assert response.status_code == 403
    assert not TrainingProgramme.objects.exists()


def test_the_officer_adds_a_training_session(muni, api):
    # given
    intraprenad = intraprenad_at("training", muni)

    # when
    response = as_user(api, muni.users.officer).post(
        f"/api/intraprenader/{intraprenad.pk}/training/sessions/",
        {"date": DAYS.first_session.isoformat(), "hours": "3.0", "topic": "Ekonomi"},
        format="json",
    )

    # then
    assert response.status_code == 201
    assert response.json()["topic"] == "Ekonomi"
    assert response.json()["hours"] == "3.0"
    assert TrainingSession.objects.get().programme.intraprenad == intraprenad


def test_staff_may_not_add_training_sessions(muni, api):
    # given
    intraprenad = intraprenad_at("training", muni)

    # when
    response = as_user(api, muni.users.staff).post(
        f"/api/intraprenader/{intraprenad.pk}/training/sessions/",
        {"date": DAYS.first_session.isoformat(), "hours": "3", "topic": "Ekonomi"},
        format="json",
    )

    # then
    assert response.status_code == 403
    assert not TrainingSession.objects.exists()


def a_session(muni, intraprenad) -> TrainingSession:
    return services.add_training_session(
        by=muni.users.officer, programme=intraprenad.training, date=DAYS.first_session, hours=3, topic="Ekonomi"
    )


def test_the_officer_records_attendance(muni, api):
    # given
    intraprenad = intraprenad_at("training", muni)
    session = a_session(muni, intraprenad)

    # when
    response = as_user(api, muni.users.officer).post(
        f"/api/intraprenader/{intraprenad.pk}/training/sessions/{session.pk}/attendance/",
        {"attendees": 8},
        format="json",
    )

    # then
    assert response.status_code == 200
    assert response.json()["attendees"] == 8


def test_a_unit_head_may_not_record_attendance(muni, api):
    # given
    intraprenad = intraprenad_at("training", muni)
    session = a_session(muni, intraprenad)

    # when
    response = as_user(api, muni.users.unit_head).post(
        f"/api/intraprenader/{intraprenad.pk}/training/sessions/{session.pk}/attendance/",
        {"attendees": 8},
        format="json",
    )

    # then
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.attendees is None


def test_the_unit_head_records_the_presentation(muni, api):
    # given
    intraprenad = intraprenad_at("training", muni)

    # when
    response = as_user(api, muni.users.unit_head).post(
        f"/api/intraprenader/{intraprenad.pk}/training/presentation/",
        {"presented_on": DAYS.presentation.isoformat(), "summary": "Fasta team och brukarråd."},
        format="json",
    )

    # then
    assert response.status_code == 200
    assert response.json()["presentation_on"] == DAYS.presentation.isoformat()
    assert response.json()["presentation_summary"] == "Fasta team och brukarråd."


def test_staff_may_not_record_the_presentation(muni, api):
    # given
    intraprenad = intraprenad_at("training", muni)

    # when
    response = as_user(api, muni.users.staff).post(
        f"/api/intraprenader/{intraprenad.pk}/training/presentation/",
        {"presented_on": DAYS.presentation.isoformat(), "summary": "Fasta team."},
        format="json",
    )

    # then
    assert response.status_code == 403


def test_the_officer_completes_the_training(muni, api):
    # given
    intraprenad = intraprenad_at("training", muni)
    run_training(muni, intraprenad, complete=False)

    # when
    response = as_user(api, muni.users.officer).post(f"/api/intraprenader/{intraprenad.pk}/training/complete/")

    # then
    assert response.status_code == 200
    assert response.json()["completed_at"] is not None
    assert AuditEvent.objects.filter(verb="training_programme.completed").exists()


def test_completing_the_training_too_early_lists_the_problems_in_swedish(muni, api):
    # given
    intraprenad = intraprenad_at("training", muni)

    # when
    response = as_user(api, muni.users.officer).post(f"/api/intraprenader/{intraprenad.pk}/training/complete/")

    # then
    assert response.status_code == 400
    problems = response.json()["detail"]
    assert problems[0].startswith("0 tillfällen har hållits; riktlinjerna kräver mellan")
    assert "Enheten har ännu inte presenterat sin affärsidé." in problems


def test_completing_the_training_requires_login(muni, api):
    # given
    intraprenad = intraprenad_at("training", muni)

    # when
    response = api.post(f"/api/intraprenader/{intraprenad.pk}/training/complete/")

    # then
    assert response.status_code == 401


# --- application ------------------------------------------------------------------------------------


def test_the_unit_head_starts_the_application(muni, api):
    # given
    intraprenad = intraprenad_at("training_completed", muni)

    # when
    response = as_user(api, muni.users.unit_head).post(f"/api/intraprenader/{intraprenad.pk}/applications/")

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert [s["key"] for s in body["sections"]] == list(SECTION_TEXTS)


def test_staff_may_not_start_the_application(muni, api):
    # given
    intraprenad = intraprenad_at("training_completed", muni)

    # when
    response = as_user(api, muni.users.staff).post(f"/api/intraprenader/{intraprenad.pk}/applications/")

    # then
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_the_application_waits_for_the_training_to_be_completed(muni, api):
    # given
    intraprenad = intraprenad_at("training", muni)

    # when
    response = as_user(api, muni.users.unit_head).post(f"/api/intraprenader/{intraprenad.pk}/applications/")

    # then
    assert response.status_code == 400
    assert response.json() == {"detail": ["Utbildningsprogrammet måste vara avslutat innan en ansökan kan skrivas."]}


def application_texts(**overrides) -> dict:
    body = {"sections": SECTION_TEXTS, "staff_total": 9, "staff_in_favour": 7, "years_positive_result": 3}
    return {**body, **overrides}


def empty_application(muni) -> Application:
    intraprenad = intraprenad_at("training_completed", muni)
    return services.start_application(by=muni.users.unit_head, intraprenad=intraprenad, today=DAYS.application_started)


def test_the_unit_head_saves_the_application_texts(muni, api):
    # given
    application = empty_application(muni)

    # when
    response = as_user(api, muni.users.unit_head).post(
        f"/api/applications/{application.pk}/update/", application_texts(), format="json"
    )

    # then
    assert response.status_code == 200
    body = response.json()
    assert {s["key"]: s["text"] for s in body["sections"]} == SECTION_TEXTS
    assert (body["staff_total"], body["staff_in_favour"], body["years_positive_result"]) == (9, 7, 3)


def test_staff_may_not_edit_the_application(muni, api):
    # given
    application = empty_application(muni)

    # when
    response = as_user(api, muni.users.staff).post(
        f"/api/applications/{application.pk}/update/", application_texts(), format="json"
    )

    # then
    assert response.status_code == 403


def test_an_unknown_section_is_refused(muni, api):
    # given
    application = empty_application(muni)

    # when
    response = as_user(api, muni.users.unit_head).post(
        f"/api/applications/{application.pk}/update/", application_texts(sections={"okand": "Text"}), format="json"
    )

    # then
    assert response.status_code == 400
    assert response.json()["detail"] == ["Ansökan har inget avsnitt med nyckeln okand."]


def test_the_unit_head_replaces_the_budget(muni, api):
    # given
    application = empty_application(muni)

    # when
    response = as_user(api, muni.users.unit_head).post(
        f"/api/applications/{application.pk}/budget/", {"lines": BUDGET}, format="json"
    )

    # then
    assert response.status_code == 200
    lines = [{k: line[k] for k in ("kind", "description", "amount")} for line in response.json()["budget_lines"]]
    assert sorted(lines, key=lambda x: x["kind"]) == sorted(BUDGET, key=lambda x: x["kind"])


def test_staff_may_not_set_the_budget(muni, api):
    # given
    application = empty_application(muni)

    # when
    response = as_user(api, muni.users.staff).post(
        f"/api/applications/{application.pk}/budget/", {"lines": BUDGET}, format="json"
    )

    # then
    assert response.status_code == 403
    assert not application.budget_lines.exists()


def test_the_unit_head_submits_the_application_and_a_case_is_registered(muni, api):
    # given
    application = application_of(intraprenad_at("application", muni))

    # when
    response = as_user(api, muni.users.unit_head).post(f"/api/applications/{application.pk}/submit/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "submitted"
    assert body["case_number"].startswith("SN ")
    assert body["submitted_at"] is not None


def test_staff_may_not_submit_the_application(muni, api):
    # given
    application = application_of(intraprenad_at("application", muni))

    # when
    response = as_user(api, muni.users.staff).post(f"/api/applications/{application.pk}/submit/")

    # then
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT


def test_an_incomplete_application_is_refused_with_every_problem(muni, api):
    # given
    application = empty_application(muni)

    # when
    response = as_user(api, muni.users.unit_head).post(f"/api/applications/{application.pk}/submit/")

    # then
    assert response.status_code == 400
    problems = response.json()["detail"]
    assert "Avsnittet ”Verksamhetsidé” är tomt." in problems
    assert len(problems) > len(SECTION_TEXTS)


def test_the_officer_prepares_the_application_with_a_memo(muni, api):
    # given
    application = application_of(intraprenad_at("submitted", muni))

    # when
    response = as_user(api, muni.users.officer).post(
        f"/api/applications/{application.pk}/prepare/", MEMO, format="json"
    )

    # then
    assert response.status_code == 201
    memo = Memo.objects.get()
    assert response.json()["id"] == memo.pk
    assert response.json()["document"] == memo.document_id
    application.refresh_from_db()
    assert application.status == Application.Status.PREPARED


def test_a_unit_head_may_not_prepare_the_application(muni, api):
    # given
    application = application_of(intraprenad_at("submitted", muni))

    # when
    response = as_user(api, muni.users.unit_head).post(
        f"/api/applications/{application.pk}/prepare/", MEMO, format="json"
    )

    # then
    assert response.status_code == 403
    assert not Memo.objects.exists()


def test_the_board_member_grants_the_application(muni, api):
    # given
    application = application_of(intraprenad_at("prepared", muni))
    meeting = board_meeting(muni, DAYS.application_meeting)

    # when
    response = as_user(api, muni.users.board_member).post(
        f"/api/applications/{application.pk}/decide/",
        {"meeting": meeting.pk, "outcome": "approve", "decision_text": "Nämnden bifaller ansökan."},
        format="json",
    )

    # then
    assert response.status_code == 201
    application.refresh_from_db()
    assert response.json()["reference"] == application.decision.reference
    assert response.json()["outcome"] == "approve"
    assert application.status == Application.Status.GRANTED
    assert application.intraprenad.status == I.AGREEMENT


def test_an_officer_may_not_decide_the_application(muni, api):
    # given
    application = application_of(intraprenad_at("prepared", muni))
    meeting = board_meeting(muni, DAYS.application_meeting)

    # when
    response = as_user(api, muni.users.officer).post(
        f"/api/applications/{application.pk}/decide/",
        {"meeting": meeting.pk, "outcome": "approve", "decision_text": "Nämnden bifaller ansökan."},
        format="json",
    )

    # then
    assert response.status_code == 403
    assert response.json()["detail"] == "Du har inte behörighet att fatta beslut för nämnden."


def test_a_rejection_without_reasons_is_refused_in_swedish(muni, api):
    # given
    application = application_of(intraprenad_at("prepared", muni))
    meeting = board_meeting(muni, DAYS.application_meeting)

    # when
    response = as_user(api, muni.users.board_member).post(
        f"/api/applications/{application.pk}/decide/",
        {"meeting": meeting.pk, "outcome": "reject", "decision_text": "Nämnden avslår ansökan."},
        format="json",
    )

    # then
    assert response.status_code == 400
    assert "Ett avslag måste motiveras." in str(response.json())
    application.refresh_from_db()
    assert application.status == Application.Status.PREPARED


# --- agreement --------------------------------------------------------------------------------------


def test_the_officer_drafts_the_agreement(muni, api):
    # given
    application = application_of(intraprenad_at("granted", muni))

    # when
    response = as_user(api, muni.users.officer).post(
        f"/api/applications/{application.pk}/agreements/",
        {"period_start": DAYS.period_start.isoformat()},
        format="json",
    )

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["period_end"] == "2024-12-31"
    assert [c["key"] for c in body["clauses"]] == list(CLAUSE_TEXTS)


def test_staff_may_not_draft_the_agreement(muni, api):
    # given
    application = application_of(intraprenad_at("granted", muni))

    # when
    response = as_user(api, muni.users.staff).post(
        f"/api/applications/{application.pk}/agreements/",
        {"period_start": DAYS.period_start.isoformat()},
        format="json",
    )

    # then
    assert response.status_code == 403
    assert not Agreement.objects.exists()


def test_the_unit_head_writes_the_agreement_clauses(muni, api):
    # given
    application = application_of(intraprenad_at("granted", muni))
    agreement = services.start_agreement(
        by=muni.users.officer, application=application, period_start=DAYS.period_start, today=DAYS.agreement_started
    )

    # when
    response = as_user(api, muni.users.unit_head).post(
        f"/api/agreements/{agreement.pk}/update/",
        {"clauses": CLAUSE_TEXTS, "period_start": "2022-01-01", "period_end": "2024-12-31"},
        format="json",
    )

    # then
    assert response.status_code == 200
    body = response.json()
    assert {c["key"]: c["text"] for c in body["clauses"]} == CLAUSE_TEXTS
    assert body["period_end"] == "2024-12-31"


def test_staff_may_not_write_the_agreement(muni, api):
    # given
    agreement = agreement_of(intraprenad_at("agreement", muni))

    # when
    response = as_user(api, muni.users.staff).post(
        f"/api/agreements/{agreement.pk}/update/",
        {"clauses": {}, "period_start": "2022-01-01", "period_end": "2023-12-31"},
        format="json",
    )

    # then
    assert response.status_code == 403


def test_the_board_member_decides_the_agreement(muni, api):
    # given
    agreement = agreement_of(intraprenad_at("agreement", muni))
    meeting = board_meeting(muni, DAYS.agreement_meeting)

    # when
    response = as_user(api, muni.users.board_member).post(
        f"/api/agreements/{agreement.pk}/decide/",
        {"meeting": meeting.pk, "decision_text": "Nämnden godkänner överenskommelsen."},
        format="json",
    )

    # then
    assert response.status_code == 201
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DECIDED
    assert response.json()["id"] == agreement.decision_id
    assert agreement.document is not None


def test_a_unit_head_may_not_decide_the_agreement(muni, api):
    # given
    agreement = agreement_of(intraprenad_at("agreement", muni))
    meeting = board_meeting(muni, DAYS.agreement_meeting)

    # when
    response = as_user(api, muni.users.unit_head).post(
        f"/api/agreements/{agreement.pk}/decide/",
        {"meeting": meeting.pk, "decision_text": "Nämnden godkänner överenskommelsen."},
        format="json",
    )

    # then
    assert response.status_code == 403


def test_an_agreement_with_empty_clauses_is_refused_in_swedish(muni, api):
    # given
    application = application_of(intraprenad_at("granted", muni))
    agreement = services.start_agreement(
        by=muni.users.officer, application=application, period_start=DAYS.period_start, today=DAYS.agreement_started
    )
    meeting = board_meeting(muni, DAYS.agreement_meeting)

    # when
    response = as_user(api, muni.users.board_member).post(
        f"/api/agreements/{agreement.pk}/decide/",
        {"meeting": meeting.pk, "decision_text": "Nämnden godkänner överenskommelsen."},
        format="json",
    )

    # then
    assert response.status_code == 400
    assert "Klausulen ”Administration” är inte skriven." in response.json()["detail"]


def test_the_officer_registers_the_signatures_and_the_intraprenad_is_active(muni, api):
    # given
    intraprenad = intraprenad_at("decided", muni)
    agreement = agreement_of(intraprenad)

    # when
    response = as_user(api, muni.users.officer).post(
        f"/api/agreements/{agreement.pk}/sign/", {"signed_on": DAYS.signed.isoformat(), **SIGNATURES}, format="json"
    )

    # then
    assert response.status_code == 200
    assert response.json()["status"] == "signed"
    assert response.json()["signed_on"] == DAYS.signed.isoformat()
    intraprenad.refresh_from_db()
    assert intraprenad.status == I.ACTIVE


def test_a_board_member_may_not_sign(muni, api):
    # given
    agreement = agreement_of(intraprenad_at("decided", muni))

    # when
    response = as_user(api, muni.users.board_member).post(
        f"/api/agreements/{agreement.pk}/sign/", {"signed_on": DAYS.signed.isoformat(), **SIGNATURES}, format="json"
    )

    # then
    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.DECIDED


def test_signing_before_the_decision_is_refused_in_swedish(muni, api):
    # given
    agreement = agreement_of(intraprenad_at("decided", muni))

    # when
    response = as_user(api, muni.users.officer).post(
        f"/api/agreements/{agreement.pk}/sign/", {"signed_on": "2021-11-01", **SIGNATURES}, format="json"
    )

    # then
    assert response.status_code == 400
    assert response.json()["detail"] == ["Överenskommelsen kan inte undertecknas före nämndens beslut (2021-11-12)."]


def agreement_in_renewal_window(muni) -> Agreement:
    """A signed agreement whose period ends about two months from today (inside the renewal window)."""
    application = application_of(intraprenad_at("granted", muni))
    u = muni.users
    start = today().replace(day=1) - timedelta(days=3 * 365 - 60)
    agreement = services.start_agreement(by=u.officer, application=application, period_start=start, today=today())
    fill_agreement(muni, agreement)
    services.decide_agreement(
        by=u.board_member, agreement=agreement, meeting=board_meeting(muni, today()), decision_text="Godkänd."
    )
    return services.sign_agreement(by=u.officer, agreement=agreement, signed_on=today(), **SIGNATURES)


def test_the_officer_starts_the_renewal(muni, api):
    # given
    agreement = agreement_in_renewal_window(muni)

    # when
    response = as_user(api, muni.users.officer).post(f"/api/agreements/{agreement.pk}/renew/")

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["renewal_of"] == agreement.pk
    assert body["status"] == "draft"
    assert body["period_start"] == (agreement.period_end + timedelta(days=1)).isoformat()


def test_staff_may_not_renew(muni, api):
    # given
    agreement = agreement_in_renewal_window(muni)

    # when
    response = as_user(api, muni.users.staff).post(f"/api/agreements/{agreement.pk}/renew/")

    # then
    assert response.status_code == 403
    assert not Agreement.objects.filter(renewal_of=agreement).exists()


# --- termination ------------------------------------------------------------------------------------


def termination_body(**overrides) -> dict:
    body = {
        "ground": "breach",
        "motivation": "Intraprenaden har inte följt överenskommelsen.",
        "effective_on": (today() + timedelta(days=90)).isoformat(),
    }
    return {**body, **overrides}


def test_the_officer_proposes_termination(muni, api):
    # given
    intraprenad = intraprenad_at("active", muni)

    # when
    response = as_user(api, muni.users.officer).post(
        f"/api/intraprenader/{intraprenad.pk}/terminations/", termination_body(), format="json"
    )

    # then
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "proposed"
    assert body["agreement"] == agreement_of(intraprenad).pk
    assert body["case_number"].startswith("SN ")


def test_a_unit_head_may_not_propose_termination(muni, api):
    # given
    intraprenad = intraprenad_at("active", muni)

    # when
    response = as_user(api, muni.users.unit_head).post(
        f"/api/intraprenader/{intraprenad.pk}/terminations/", termination_body(), format="json"
    )

    # then
    assert response.status_code == 403
    assert not Termination.objects.exists()


def test_the_officer_writes_the_termination_memo(muni, api):
    # given
    termination = termination_of(intraprenad_at("termination_proposed", muni))

    # when
    response = as_user(api, muni.users.officer).post(
        f"/api/terminations/{termination.pk}/memo/",
        {**MEMO, "title": termination.case.title, "proposed_decision": "Intraprenaden upphör."},
        format="json",
    )

    # then
    assert response.status_code == 201
    assert response.json()["case"] == termination.case_id
    assert Memo.objects.get(case=termination.case).pk == response.json()["id"]


def test_a_unit_head_may_not_write_the_termination_memo(muni, api):
    # given
    termination = termination_of(intraprenad_at("termination_proposed", muni))

    # when
    response = as_user(api, muni.users.unit_head).post(
        f"/api/terminations/{termination.pk}/memo/", {**MEMO, "title": "Upphävande"}, format="json"
    )

    # then
    assert response.status_code == 403
    assert not Memo.objects.filter(case=termination.case).exists()


def test_the_board_member_decides_to_end_the_intraprenad_from_its_effective_day(muni, api):
    # given
    intraprenad = intraprenad_at("termination_memo", muni)
    meeting = board_meeting(muni, DAYS.termination_meeting)

    # when
    response = as_user(api, muni.users.board_member).post(
        f"/api/terminations/{termination_of(intraprenad).pk}/decide/",
        {
            "meeting": meeting.pk,
            "outcome": "approve",
            "decision_text": "Intraprenaden upphör.",
            "reasons": "Överenskommelsen har inte följts.",
        },
        format="json",
    )

    # then the termination is decided; the intraprenad stays active until its effective day
    assert response.status_code == 201
    intraprenad.refresh_from_db()
    assert termination_of(intraprenad).status == "decided"
    assert intraprenad.status == I.ACTIVE
    assert intraprenad.ended_on is None


def test_an_officer_may_not_decide_the_termination(muni, api):
    # given
    intraprenad = intraprenad_at("termination_memo", muni)
    meeting = board_meeting(muni, DAYS.termination_meeting)

    # when
    response = as_user(api, muni.users.officer).post(
        f"/api/terminations/{termination_of(intraprenad).pk}/decide/",
        {
            "meeting": meeting.pk,
            "outcome": "approve",
            "decision_text": "Intraprenaden upphör.",
            "reasons": "Överenskommelsen har inte följts.",
        },
        format="json",
    )

    # then
    assert response.status_code == 403
    intraprenad.refresh_from_db()
    assert intraprenad.status == I.ACTIVE


def test_the_termination_waits_for_the_memo(muni, api):
    # given
    intraprenad = intraprenad_at("termination_proposed", muni)
    termination = termination_of(intraprenad)
    meeting = board_meeting(muni, DAYS.termination_meeting)

    # when
    response = as_user(api, muni.users.board_member).post(
        f"/api/terminations/{termination.pk}/decide/",
        {
            "meeting": meeting.pk,
            "outcome": "approve",
            "decision_text": "Intraprenaden upphör.",
            "reasons": "Överenskommelsen har inte följts.",
        },
        format="json",
    )

    # then
    assert response.status_code == 400
    assert response.json()["detail"] == [
        f"Förvaltningens tjänsteskrivelse saknas i ärende {termination.case.case_number}; "
        "skriv den innan nämnden beslutar."
    ]


# --- the whole walk ---------------------------------------------------------------------------------


def test_unit_head_officer_and_board_member_walk_from_interest_to_signed_agreement_by_api(muni):
    """Every step is one POST with a token, in the order of the lifecycle."""
    # given
    ensure_revision(muni)
    u = muni.users
    clients = {}
    for role in ("unit_head", "officer", "board_member"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=getattr(u, role)).key}")
        clients[role] = client
    unit_head, officer, board_member = clients["unit_head"], clients["officer"], clients["board_member"]
    held = [today() - timedelta(days=7 * n) for n in range(6, 0, -1)]

    def post(client, url, body=None, expect=200):
        response = client.post(url, body or {}, format="json")
        assert response.status_code == expect, response.json()
        return response.json()

    # when: the unit head registers interest
    received_on = today() - timedelta(days=60)
    intraprenad = post(
        unit_head, "/api/intraprenader/", interest_body(muni, received_on=received_on.isoformat()), expect=201
    )
    pk = intraprenad["id"]

    # the officer offers training, holds six sessions and records their attendance
    post(officer, f"/api/intraprenader/{pk}/training/offer/", expect=201)
    for n, day in enumerate(held, start=1):
        session = post(
            officer,
            f"/api/intraprenader/{pk}/training/sessions/",
            {"date": day.isoformat(), "hours": "3", "topic": f"Träff {n}"},
            expect=201,
        )
        post(officer, f"/api/intraprenader/{pk}/training/sessions/{session['id']}/attendance/", {"attendees": 8})

    # the unit head presents the business idea; the officer completes the training
    post(
        unit_head,
        f"/api/intraprenader/{pk}/training/presentation/",
        {"presented_on": today().isoformat(), "summary": "Fasta team och brukarråd."},
    )
    post(officer, f"/api/intraprenader/{pk}/training/complete/")

    # the unit head writes and submits the application
    application = post(unit_head, f"/api/intraprenader/{pk}/applications/", expect=201)
    post(unit_head, f"/api/applications/{application['id']}/update/", application_texts())
    post(unit_head, f"/api/applications/{application['id']}/budget/", {"lines": BUDGET})
    post(unit_head, f"/api/applications/{application['id']}/submit/")

    # the officer prepares it; the board member grants it at a meeting
    post(officer, f"/api/applications/{application['id']}/prepare/", MEMO, expect=201)
    meeting = board_meeting(muni, today())
    decision = post(
        board_member,
        f"/api/applications/{application['id']}/decide/",
        {"meeting": meeting.pk, "outcome": "approve", "decision_text": "Nämnden bifaller ansökan."},
        expect=201,
    )

    # the officer drafts the agreement; the unit head writes the clauses
    agreement = post(
        officer,
        f"/api/applications/{application['id']}/agreements/",
        {"period_start": today().isoformat()},
        expect=201,
    )
    post(
        unit_head,
        f"/api/agreements/{agreement['id']}/update/",
        {"clauses": CLAUSE_TEXTS, "period_start": agreement["period_start"], "period_end": agreement["period_end"]},
    )

    # the board member decides the agreement; the officer registers the signatures
    agreement_meeting = board_meeting(muni, today())
    post(
        board_member,
        f"/api/agreements/{agreement['id']}/decide/",
        {"meeting": agreement_meeting.pk, "decision_text": "Nämnden godkänner överenskommelsen."},
        expect=201,
    )
    signed = post(officer, f"/api/agreements/{agreement['id']}/sign/", {"signed_on": today().isoformat(), **SIGNATURES})

    # then
    assert signed["status"] == "signed"
    detail = unit_head.get(f"/api/intraprenader/{pk}/").json()
    assert detail["status"] == "active"
    assert detail["status_display"] == "Aktiv"
    assert [a["status"] for a in detail["applications"]] == ["granted"]
    assert detail["current_agreement"]["id"] == agreement["id"]
    assert detail["current_agreement"]["status"] == "signed"
    titles = [entry["title"] for entry in detail["timeline"]]
    assert titles[0] == "Intresseanmälan inkom"
    assert "Överenskommelsen undertecknad" in titles
    verbs = list(
        AuditEvent.objects.filter(actor__in=[u.unit_head, u.officer, u.board_member]).values_list("verb", flat=True)
    )
    assert {"intraprenad.registered", "application.submitted", "application.granted", "agreement.signed"} <= set(verbs)
    assert decision["reference"] == Application.objects.get().decision.reference
