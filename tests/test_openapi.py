"""The OpenAPI document: served to anyone, valid OpenAPI 3, generated without warnings, and listing
the API of every app (organisation, guidelines, intraprenader, case register, decisions, lifecycle steps)."""

import json

import pytest
from django.core.management import call_command
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

WRITE_RESPONSES = {"400", "401", "403", "404"}

READ_PATHS = {
    "/api/organisation/units/",
    "/api/organisation/units/{id}/",
    "/api/guidelines/",
    "/api/guidelines/{id}/",
    "/api/intraprenader/",
    "/api/intraprenader/{id}/",
    "/api/cases/",
    "/api/cases/{id}/",
    "/api/meetings/",
    "/api/meetings/{id}/",
    "/api/decisions/",
    "/api/decisions/{id}/",
}

LIFECYCLE_STEPS = {
    "/api/intraprenader/": "intraprenader_register_interest",
    "/api/intraprenader/board-initiative/": "intraprenader_start_by_board_initiative",
    "/api/intraprenader/{id}/withdraw/": "intraprenader_withdraw",
    "/api/intraprenader/{id}/training/offer/": "training_offer",
    "/api/intraprenader/{id}/training/sessions/": "training_sessions_add",
    "/api/intraprenader/{id}/training/sessions/{session_pk}/attendance/": "training_sessions_attendance",
    "/api/intraprenader/{id}/training/presentation/": "training_presentation",
    "/api/intraprenader/{id}/training/complete/": "training_complete",
    "/api/intraprenader/{id}/applications/": "applications_start",
    "/api/applications/{id}/update/": "applications_update",
    "/api/applications/{id}/budget/": "applications_budget",
    "/api/applications/{id}/submit/": "applications_submit",
    "/api/applications/{id}/prepare/": "applications_prepare",
    "/api/applications/{id}/decide/": "applications_decide",
    "/api/applications/{id}/agreements/": "agreements_start",
    "/api/agreements/{id}/update/": "agreements_update",
    "/api/agreements/{id}/decide/": "agreements_decide",
    "/api/agreements/{id}/sign/": "agreements_sign",
    "/api/agreements/{id}/renew/": "agreements_renew",
    "/api/intraprenader/{id}/terminations/": "terminations_propose",
    "/api/terminations/{id}/memo/": "terminations_memo",
    "/api/terminations/{id}/decide/": "terminations_decide",
}

OTHER_WRITES = {
    "/api/cases/": "cases_register",
    "/api/cases/{id}/documents/": "cases_documents_register",
    "/api/guidelines/import/": "guidelines_import",
}


@pytest.fixture(scope="module")
def document() -> dict:
    """The document as an anonymous client asking for JSON gets it (generating it reads no database)."""
    response = APIClient().get("/api/openapi.json", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] in ("application/json", "application/vnd.oai.openapi+json")
    return json.loads(response.content)


@pytest.mark.django_db
def test_the_document_at_openapi_json_is_json_without_asking():
    # when
    response = APIClient().get("/api/openapi.json")

    # then
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] in ("application/json", "application/vnd.oai.openapi+json")
    assert json.loads(response.content)["openapi"].startswith("3.")


def test_the_document_is_public_and_valid_openapi_3(document):
    # then
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Intraprenad API"
    validate_schema(document)


def test_the_document_lists_the_read_endpoints_of_every_app(document):
    # then
    missing = {path for path in READ_PATHS if "get" not in document["paths"].get(path, {})}
    assert not missing


def test_the_intraprenad_detail_carries_status_and_timeline(document):
    # given
    schemas = document["components"]["schemas"]

    # when
    detail = document["paths"]["/api/intraprenader/{id}/"]["get"]["responses"]["200"]["content"]
    properties = schemas["IntraprenadDetail"]["properties"]

    # then
    assert detail["application/json"]["schema"]["$ref"] == "#/components/schemas/IntraprenadDetail"
    assert {"status", "status_display", "applications", "current_agreement", "timeline"} <= set(properties)
    assert properties["timeline"]["items"]["$ref"] == "#/components/schemas/TimelineEntry"
    assert {"date", "title", "reference", "document", "paragraph"} <= set(schemas["TimelineEntry"]["properties"])


def test_the_decisions_carry_their_reference(document):
    # then
    properties = document["components"]["schemas"]["Paragraph"]["properties"]
    assert {"reference", "short_reference", "decision_text"} <= set(properties)


@pytest.mark.parametrize("path,operation_id", sorted({**LIFECYCLE_STEPS, **OTHER_WRITES}.items()))
def test_every_write_endpoint_is_documented_with_its_refusals(document, path, operation_id):
    # when
    post = document["paths"][path]["post"]

    # then
    assert post["operationId"] == operation_id
    assert set(post["responses"]) >= WRITE_RESPONSES
    assert {"tokenAuth": []} in post["security"]


def test_operation_ids_are_unique(document):
    # when
    ids = [operation["operationId"] for item in document["paths"].values() for operation in item.values()]

    # then
    assert len(ids) == len(set(ids))


def test_the_spectacular_command_validates_without_warnings(tmp_path):
    # when: fails with a CommandError on any warning or an invalid document
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    # then
    written = (tmp_path / "schema.yml").read_text()
    assert written.startswith("openapi: 3.")
    assert "/api/intraprenader/{id}/training/complete/:" in written
