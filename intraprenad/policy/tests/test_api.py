"""Guideline revisions through the API: public adopted revisions, drafts for staff, and importing a file."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from intraprenad.accounts.models import AuditEvent
from intraprenad.policy.models import GuidelineRevision
from intraprenad.policy.tests.factories import adopted_revision

TEXT = """\
title = "Riktlinjer för intraprenader"
board = "SN"
valid_from = 2024-01-01

[parameters]
surplus_share_unit = 60

[[application_sections]]
key = "ide"
title = "Verksamhetsidé"

[[agreement_clauses]]
key = "innehall"
title = "Innehåll och omfattning"
"""


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def draft(muni) -> GuidelineRevision:
    from intraprenad.policy import services

    return services.import_revision(by=muni.users.officer, text=TEXT, filename="riktlinjer.toml")


def test_the_public_sees_adopted_revisions_only(muni, api, draft):
    # given
    adopted = adopted_revision(board=muni.board)

    # when
    response = api.get("/api/guidelines/")

    # then
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [adopted.pk]
    assert response.json()["results"][0]["adopted_by_reference"] == "SN § 1"


def test_a_draft_is_404_for_the_public(muni, api, draft):
    # when
    response = api.get(f"/api/guidelines/{draft.pk}/")

    # then
    assert response.status_code == 404


def test_staff_of_the_organisation_see_drafts(muni, api, draft):
    # given
    api.force_authenticate(muni.users.economist)

    # when
    response = api.get("/api/guidelines/")

    # then
    assert [r["status"] for r in response.json()["results"]] == ["draft"]


def test_a_revision_has_its_parameters_and_items(muni, api):
    # given
    revision = adopted_revision(board=muni.board, training_sessions_min=5)

    # when
    response = api.get(f"/api/guidelines/{revision.pk}/")

    # then
    body = response.json()
    parameters = {p["name"]: p["value"] for p in body["parameters"]}
    assert parameters["training_sessions_min"] == 5
    assert parameters["training_hours_per_session"] == "3"
    clauses = [i["key"] for i in body["items"] if i["kind"] == "agreement_clause"]
    assert clauses[0] == "innehall"
    assert len(clauses) == 15


def test_the_guideline_list_takes_a_fixed_number_of_queries(muni, api, django_assert_num_queries):
    # given
    for year in (2020, 2021, 2022):
        adopted_revision(board=muni.board, valid_from=date(year, 1, 1))

    # when
    with django_assert_num_queries(2):
        response = api.get("/api/guidelines/")

    # then
    assert response.json()["count"] == 3


def test_an_officer_imports_a_plain_text_guidelines_file(muni, api):
    # given
    api.force_authenticate(muni.users.officer)

    # when
    response = api.post(
        "/api/guidelines/import/?filename=sn.toml", data=TEXT.encode(), content_type="text/plain; charset=utf-8"
    )

    # then
    assert response.status_code == 201
    revision = GuidelineRevision.objects.get(pk=response.json()["id"])
    assert revision.board == muni.board
    assert revision.status == GuidelineRevision.Status.DRAFT
    assert AuditEvent.objects.get(verb="revision.imported").changes["filename"] == "sn.toml"


def test_an_officer_imports_a_guidelines_file_as_json(muni, api):
    # given
    api.force_authenticate(muni.users.officer)

    # when
    response = api.post(
        "/api/guidelines/import/", {"text": TEXT, "filename": "sn.toml", "board": muni.board.pk}, format="json"
    )

    # then
    assert response.status_code == 201
    assert response.json()["board_name"] == "Socialnämnden"


def test_a_bad_guidelines_file_is_refused_with_file_line_and_field(muni, api):
    # given
    api.force_authenticate(muni.users.officer)
    text = TEXT.replace('board = "SN"', 'board = "XYZ"')

    # when
    response = api.post("/api/guidelines/import/?filename=sn.toml", data=text.encode(), content_type="text/plain")

    # then
    assert response.status_code == 400
    assert response.json() == {"detail": ['sn.toml, rad 2, fält board: ingen nämnd har kortnamnet "XYZ"']}
    assert not GuidelineRevision.objects.exists()


def test_staff_may_not_import_guidelines(muni, api):
    # given
    api.force_authenticate(muni.users.staff)

    # when
    response = api.post("/api/guidelines/import/", data=TEXT.encode(), content_type="text/plain")

    # then
    assert response.status_code == 403
    assert not GuidelineRevision.objects.exists()


def test_anonymous_users_may_not_import_guidelines(muni, api):
    # when
    response = api.post("/api/guidelines/import/", data=TEXT.encode(), content_type="text/plain")

    # then
    assert response.status_code == 401
