"""The API's organisation endpoints, token authentication and the OpenAPI document."""

import pytest
from django.core.management import call_command
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

UNITS = "/api/organisation/units/"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def test_a_token_in_the_authorization_header_authenticates(muni, api):
    # given
    token = Token.objects.create(user=muni.users.officer)

    # when
    response = api.get(UNITS, HTTP_AUTHORIZATION=f"Token {token.key}")

    # then
    assert response.status_code == 200
    assert "Hemvården Norr" in {unit["name"] for unit in response.json()["results"]}


def test_an_unknown_token_is_refused_with_401(muni, api):
    # when
    response = api.get(UNITS, HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    # then
    assert response.status_code == 401


def test_the_organisation_requires_login(muni, api):
    # when
    response = api.get(UNITS)

    # then
    assert response.status_code == 401


def test_a_user_without_a_role_may_not_read_the_organisation(muni, api):
    # given
    api.force_authenticate(muni.users.no_role)

    # when
    response = api.get(UNITS)

    # then
    assert response.status_code == 403


def test_the_unit_list_gives_each_unit_its_parent(muni, api, django_assert_num_queries):
    # given
    api.force_authenticate(muni.users.economist)

    # when
    with django_assert_num_queries(4):
        response = api.get(UNITS)

    # then
    units = {unit["name"]: unit for unit in response.json()["results"]}
    assert units["Hemvården Norr"]["parent"] == muni.administration.pk
    assert units["Socialnämnden"]["kind"] == "board"
    assert units["Socialnämnden"]["short_name"] == "SN"


def test_one_unit_is_read_by_id(muni, api):
    # given
    api.force_authenticate(muni.users.staff)

    # when
    response = api.get(f"{UNITS}{muni.unit.pk}/")

    # then
    assert response.status_code == 200
    assert response.json()["service_type"] == "Hemtjänst"


def test_the_openapi_document_is_served_as_valid_json(db, api):
    # when
    response = api.get("/api/openapi.json", HTTP_ACCEPT="application/json")

    # then
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    operation_ids = [op["operationId"] for item in schema["paths"].values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))
    assert "/api/intraprenader/{id}/training/offer/" in schema["paths"]


def test_the_openapi_document_validates_without_warnings(db, tmp_path):
    # when
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    # then
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")
