"""The case register, meetings and decisions through the API: public reading with masking, and registering."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from intraprenad.accounts.models import AuditEvent
from intraprenad.cases import services
from intraprenad.cases.models import Case, Document


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def secret_case(muni) -> Case:
    case = services.register_case(
        by=muni.users.registrar,
        org_unit=muni.board,
        subject_unit=muni.unit,
        title="Anmälan om missförhållande hos brukare N.N.",
        is_confidential=True,
        public_title="Anmälan enligt lex Sarah",
    )
    services.register_document(
        by=muni.users.registrar,
        case=case,
        kind=Document.Kind.LETTER,
        direction=Document.Direction.INCOMING,
        description="Anmälan från anhörig till N.N.",
        is_confidential=True,
        public_description="Anmälan",
        counterpart="Karl Anhörig, Storgatan 1",
        document_date=date(2023, 3, 1),
    )
    return case


@pytest.fixture
def referral_decision(muni):
    """KS 2023-00258 referred by KSAU § 103, minutes approved."""
    registrar = muni.users.registrar
    case = services.register_case(
        by=registrar, org_unit=muni.ks, title="Motion om intraprenader", year=2023, number=258
    )
    meeting = services.create_meeting(by=registrar, body=muni.ksau, date=date(2023, 5, 2))
    paragraph = services.record_paragraph(
        by=registrar,
        meeting=meeting,
        case=case,
        title="Motion om intraprenader",
        outcome="refer",
        decision_text="Arbetsutskottet remitterar motionen till nämnderna.",
        number=103,
    )
    services.hold_meeting(by=registrar, meeting=meeting)
    services.approve_minutes(by=registrar, meeting=meeting, approved_on=date(2023, 5, 4), adjusters="Anna Andersson")
    return paragraph


@pytest.fixture
def planned_board_decision(muni):
    meeting = services.create_meeting(by=muni.users.registrar, body=muni.board, date=date(2023, 9, 1))
    return services.record_paragraph(
        by=muni.users.registrar,
        meeting=meeting,
        title="Information om intraprenader",
        outcome="noted",
        decision_text="Nämnden noterar informationen.",
    )


def test_the_public_sees_confidential_cases_by_their_public_title(muni, api, secret_case):
    # when
    response = api.get("/api/cases/")

    # then
    assert response.status_code == 200
    titles = [case["title"] for case in response.json()["results"]]
    assert titles == ["Anmälan enligt lex Sarah"]


def test_the_case_list_takes_a_fixed_number_of_queries(muni, api, secret_case, django_assert_num_queries):
    # given
    for n in range(3):
        services.register_case(by=muni.users.registrar, org_unit=muni.board, title=f"Ärende {n}")

    # when
    with django_assert_num_queries(2):
        response = api.get("/api/cases/")

    # then
    assert response.json()["count"] == 4


def test_the_registrar_sees_the_confidential_title_and_document(muni, api, secret_case):
    # given
    api.force_authenticate(muni.users.registrar)

    # when
    response = api.get(f"/api/cases/{secret_case.pk}/")

    # then
    body = response.json()
    assert body["title"] == "Anmälan om missförhållande hos brukare N.N."
    assert body["documents"][0]["description"] == "Anmälan från anhörig till N.N."


@pytest.mark.parametrize(("role", "shown"), [(None, False), ("economist", False), ("registrar", True)])
def test_the_sender_of_a_confidential_document_is_shown_only_to_those_cleared(muni, api, secret_case, role, shown):
    # given
    if role:
        api.force_authenticate(getattr(muni.users, role))

    # when
    response = api.get(f"/api/cases/{secret_case.pk}/")

    # then
    counterpart = response.json()["documents"][0]["counterpart"]
    assert counterpart == ("Karl Anhörig, Storgatan 1" if shown else "")


def test_a_case_page_masks_confidential_documents_for_the_public(muni, api, secret_case):
    # when
    response = api.get(f"/api/cases/{secret_case.pk}/")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["case_number"] == secret_case.case_number
    assert body["title"] == "Anmälan enligt lex Sarah"
    assert [d["description"] for d in body["documents"]] == ["Anmälan"]


def test_staff_of_the_unit_see_the_public_title_only(muni, api, secret_case):
    # given
    api.force_authenticate(muni.users.staff)

    # when
    response = api.get(f"/api/cases/{secret_case.pk}/")

    # then
    assert response.json()["title"] == "Anmälan enligt lex Sarah"


def test_the_registrar_registers_a_case_and_it_is_audited(muni, api):
    # given
    api.force_authenticate(muni.users.registrar)

    # when
    response = api.post(
        "/api/cases/",
        {"org_unit": muni.board.pk, "title": "Uppföljning av hemtjänsten", "kind": "other"},
        format="json",
    )

    # then
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["id"])
    assert response.json()["case_number"] == case.case_number
    assert case.case_number.startswith("SN ")
    assert AuditEvent.objects.filter(
        verb="case.registered", target_id=str(case.pk), actor=muni.users.registrar
    ).exists()


def test_a_refused_case_registration_answers_400_by_field(muni, api):
    # given
    api.force_authenticate(muni.users.registrar)

    # when
    response = api.post(
        "/api/cases/",
        {"org_unit": muni.board.pk, "title": "Hemligt", "is_confidential": True},
        format="json",
    )

    # then
    assert response.status_code == 400
    assert list(response.json()) == ["public_title"]
    assert not Case.objects.exists()


def test_a_case_needs_the_body_to_have_a_case_series(muni, api):
    # given
    api.force_authenticate(muni.users.admin)

    # when
    response = api.post("/api/cases/", {"org_unit": muni.unit.pk, "title": "Ärende"}, format="json")

    # then
    assert response.status_code == 400
    assert response.json()["detail"]


def test_staff_may_not_register_cases(muni, api):
    # given
    api.force_authenticate(muni.users.staff)

    # when
    response = api.post("/api/cases/", {"org_unit": muni.board.pk, "title": "Ärende"}, format="json")

    # then
    assert response.status_code == 403
    assert response.json()["detail"] == "Du har inte behörighet att registrera ärenden."
    assert not Case.objects.exists()


def test_anonymous_users_may_not_register_cases(muni, api):
    # when
    response = api.post("/api/cases/", {"org_unit": muni.board.pk, "title": "Ärende"}, format="json")

    # then
    assert response.status_code == 401


def test_the_officer_registers_a_document_with_a_file(muni, api, tmp_path, settings):
    # given
    settings.MEDIA_ROOT = tmp_path
    case = services.register_case(by=muni.users.registrar, org_unit=muni.board, subject_unit=muni.unit, title="Ärende")
    api.force_authenticate(muni.users.officer)

    # when
    with open(tmp_path / "brev.txt", "wb") as upload:
        upload.write(b"Hej")
    with open(tmp_path / "brev.txt", "rb") as upload:
        response = api.post(
            f"/api/cases/{case.pk}/documents/",
            {
                "kind": "letter",
                "direction": "in",
                "description": "Brev från enheten",
                "document_date": "2023-03-01",
                "file": upload,
            },
            format="multipart",
        )

    # then
    assert response.status_code == 201
    assert response.json()["serial"] == 1
    assert response.json()["has_file"] is True
    document = Document.objects.get(pk=response.json()["id"])
    assert document.file.read() == b"Hej"
    assert AuditEvent.objects.filter(verb="document.registered", target_id=str(document.pk)).exists()


def test_an_economist_may_not_register_documents(muni, api):
    # given
    case = services.register_case(by=muni.users.registrar, org_unit=muni.board, subject_unit=muni.unit, title="Ärende")
    api.force_authenticate(muni.users.economist)

    # when
    response = api.post(
        f"/api/cases/{case.pk}/documents/",
        {"direction": "in", "description": "Brev", "document_date": "2023-03-01"},
        format="json",
    )

    # then
    assert response.status_code == 403
    assert not Document.objects.exists()


def test_a_document_for_a_missing_case_is_404(muni, api):
    # given
    api.force_authenticate(muni.users.registrar)

    # when
    response = api.post(
        "/api/cases/999/documents/", {"direction": "in", "description": "Brev", "document_date": "2023-03-01"}
    )

    # then
    assert response.status_code == 404


def test_decisions_carry_their_reference(muni, api, referral_decision):
    # when
    response = api.get("/api/decisions/")

    # then
    assert response.status_code == 200
    assert [d["reference"] for d in response.json()["results"]] == ["202300258-KSAU-§ 103"]
    assert response.json()["results"][0]["case_number"] == "KS 2023-00258"


def test_the_public_does_not_see_decisions_before_the_minutes_are_approved(
    muni, api, referral_decision, planned_board_decision
):
    # when
    listed = api.get("/api/decisions/")
    detail = api.get(f"/api/decisions/{planned_board_decision.pk}/")
    meeting = api.get(f"/api/meetings/{planned_board_decision.meeting_id}/")

    # then
    assert planned_board_decision.pk not in {d["id"] for d in listed.json()["results"]}
    assert detail.status_code == 404
    assert meeting.status_code == 404


def test_board_members_see_their_boards_planned_meeting_and_its_paragraphs(muni, api, planned_board_decision):
    # given
    api.force_authenticate(muni.users.board_member)

    # when
    response = api.get(f"/api/meetings/{planned_board_decision.meeting_id}/")
    decision = api.get(f"/api/decisions/{planned_board_decision.pk}/")

    # then
    assert response.status_code == 200
    assert [p["short_reference"] for p in response.json()["paragraphs"]] == ["SN § 1"]
    assert decision.json()["decision_text"] == "Nämnden noterar informationen."


def test_the_meeting_list_shows_the_public_only_approved_minutes(muni, api, referral_decision, planned_board_decision):
    # when
    response = api.get("/api/meetings/")

    # then
    assert [m["body_name"] for m in response.json()["results"]] == ["Kommunstyrelsens arbetsutskott"]


def test_a_case_lists_its_public_decisions(muni, api, referral_decision):
    # when
    response = api.get(f"/api/cases/{referral_decision.case_id}/")

    # then
    assert [d["reference"] for d in response.json()["decisions"]] == ["202300258-KSAU-§ 103"]
