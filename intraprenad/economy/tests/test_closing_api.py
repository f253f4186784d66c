"""Closings, result funds and action plans through the API: the same services and permissions as the pages, 403
before the body is read, refusals with the services' messages, and the endpoints in the OpenAPI document."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from intraprenad.economy.models import ActionMeasure, ActionPlan, FundMovement, YearEndClosing
from intraprenad.economy.tests.test_closing_factories import (
    MSEK,
    closing_world,
    decided,
    meeting_after,
    prepared,
    year_of,
)

S = YearEndClosing.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def world(muni):
    return closing_world(muni)


def as_user(api: APIClient, user) -> APIClient:
    api.force_authenticate(user)
    return api


# --- closings -----------------------------------------------------------------------------------------------


def test_the_economist_prepares_and_lists_closings(api, world):
    year_of(world, 2024, result=MSEK // 2)
    client = as_user(api, world.muni.users.economist)
    response = client.post(
        "/api/economy/closings/",
        {"intraprenad": world.intraprenad.pk, "year": 2024, "comment": "Bra år"},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["deviation_ore"], response.data["unit_share_ore"]) == (
        "draft",
        MSEK // 2,
        MSEK // 2,
    )
    assert [line["line"] for line in response.data["lines"]] == ["revenue", "personnel", "other"]
    assert response.data["parameters"][0]["name"] == "surplus_share_unit"
    listed = client.get("/api/economy/closings/", {"year": 2024})
    assert [c["id"] for c in listed.data["results"]] == [response.data["id"]]
    assert client.get("/api/economy/closings/", {"year": 2023}).data["results"] == []


def test_preparing_is_refused_before_the_body_without_the_permission(api, world):
    for role in ("unit_head", "board_member"):
        response = as_user(api, getattr(world.muni.users, role)).post(
            "/api/economy/closings/", "not json", content_type="text/plain"
        )
        assert response.status_code == 403
    assert APIClient().post("/api/economy/closings/", {}, format="json").status_code == 401
    assert not YearEndClosing.objects.exists()


def test_a_refused_preparation_is_400_with_the_message(api, world):
    response = as_user(api, world.muni.users.economist).post(
        "/api/economy/closings/", {"intraprenad": world.intraprenad.pk, "year": 2024}, format="json"
    )
    assert response.status_code == 400
    assert "2024" in response.data["detail"][0]


def test_reading_closings_needs_the_economy_in_scope(api, world):
    closing = prepared(world, 2024, result=0)
    assert APIClient().get("/api/economy/closings/").status_code == 401
    assert as_user(api, world.muni.users.registrar).get("/api/economy/closings/").status_code == 403
    other = as_user(APIClient(), world.muni.users.other_unit_head)
    assert other.get("/api/economy/closings/").data["results"] == []
    assert other.get(f"/api/economy/closings/{closing.pk}/").status_code == 404
    own = as_user(APIClient(), world.muni.users.unit_head).get(f"/api/economy/closings/{closing.pk}/")
    assert own.status_code == 200 and own.data["decision_reference"] is None


def test_the_board_decides_and_reopens(api, world):
    closing = prepared(world, 2024, result=-MSEK // 4)
    client = as_user(api, world.muni.users.board_member)
    decided_ = client.post(
        f"/api/economy/closings/{closing.pk}/decide/",
        {"meeting": meeting_after(world, 2024).pk, "decision_text": "Nämnden fastställer."},
        format="json",
    )
    assert decided_.status_code == 200, decided_.data
    assert decided_.data["status"] == "decided" and decided_.data["decision_reference"]  # a board member knows it
    assert decided_.data["action_plan"] == ActionPlan.objects.get().pk
    assert decided_.data["fund_movements"][0]["kind"] == "deficit"
    again = client.post(
        f"/api/economy/closings/{closing.pk}/decide/",
        {"meeting": meeting_after(world, 2024, day=date(2025, 3, 20)).pk, "decision_text": "Igen."},
        format="json",
    )
    assert again.status_code == 400 and decided_.data["decision_reference"] in again.data["detail"][0]
    reopened = client.post(
        f"/api/economy/closings/{closing.pk}/reopen/",
        {
            "meeting": meeting_after(world, 2024, day=date(2025, 5, 20)).pk,
            "decision_text": "Omprövas.",
            "reasons": "Fel.",
        },
        format="json",
    )
    assert reopened.status_code == 200, reopened.data
    assert reopened.data["status"] == "reopened" and reopened.data["reopen_reference"]
    assert sum(FundMovement.objects.values_list("amount_ore", flat=True)) == 0


@pytest.mark.parametrize("role", ["economist", "unit_head"])
def test_only_the_board_decides_or_reopens(api, world, role):
    closing = prepared(world, 2024, result=0)
    client = as_user(api, getattr(world.muni.users, role))
    assert client.post(f"/api/economy/closings/{closing.pk}/decide/", "x", content_type="text/plain").status_code == 403
    assert client.post(f"/api/economy/closings/{closing.pk}/reopen/", "x", content_type="text/plain").status_code == 403
    closing.refresh_from_db()
    assert closing.status == S.DRAFT


# --- the fund -----------------------------------------------------------------------------------------------


def test_the_fund_ledger_and_a_use(api, world):
    decided(world, 2023, result=MSEK)
    client = as_user(api, world.muni.users.board_member)
    used = client.post(
        f"/api/economy/result-units/{world.result_unit.pk}/fund/uses/",
        {
            "meeting": meeting_after(world, 2024, day=date(2024, 5, 5)).pk,
            "purpose": "personalbeframjande",
            "amount_ore": 5_000_000,
            "description": "Friskvårdsdag",
            "date": "2024-05-05",
        },
        format="json",
    )
    assert used.status_code == 201, used.data
    assert (used.data["kind"], used.data["amount_ore"]) == ("use", -5_000_000)
    ledger = as_user(APIClient(), world.muni.users.unit_head).get(
        f"/api/economy/result-units/{world.result_unit.pk}/fund/"
    )
    assert ledger.status_code == 200
    assert ledger.data["balance_ore"] == MSEK - 5_000_000
    assert [(y["year"], y["opening_ore"], y["closing_ore"]) for y in ledger.data["years"]] == [
        (2023, 0, MSEK),
        (2024, MSEK, MSEK - 5_000_000),
    ]
    assert ledger.data["years"][0]["movements"][0]["decision_reference"] is None  # minutes not yet approved


def test_fund_uses_are_for_the_board_within_the_guidelines(api, world):
    decided(world, 2023, result=MSEK)
    url = f"/api/economy/result-units/{world.result_unit.pk}/fund/uses/"
    assert as_user(api, world.muni.users.economist).post(url, "x", content_type="text/plain").status_code == 403
    refused = as_user(APIClient(), world.muni.users.board_member).post(
        url,
        {
            "meeting": meeting_after(world, 2024, day=date(2024, 5, 5)).pk,
            "purpose": "resor",
            "amount_ore": 100,
            "description": "Resa",
            "date": "2024-05-05",
        },
        format="json",
    )
    assert refused.status_code == 400 and "resor" in refused.data["detail"][0]
    other = as_user(APIClient(), world.muni.users.other_unit_head)
    assert other.get(f"/api/economy/result-units/{world.result_unit.pk}/fund/").status_code == 404


# --- action plans -------------------------------------------------------------------------------------------


def test_action_plans_through_the_api(api, world):
    decided(world, 2023, result=-MSEK // 2)
    plan = ActionPlan.objects.get()
    client = as_user(api, world.muni.users.unit_head)
    assert [p["id"] for p in client.get("/api/economy/action-plans/").data["results"]] == [plan.pk]
    summary = client.post(f"/api/economy/action-plans/{plan.pk}/summary/", {"summary": "Analys"}, format="json")
    assert summary.status_code == 200 and summary.data["summary"] == "Analys"
    measure = client.post(
        f"/api/economy/action-plans/{plan.pk}/measures/",
        {"description": "Fasta team", "owner": "Karin", "due_on": "2024-09-01", "effect_ore": 100},
        format="json",
    )
    assert measure.status_code == 201, measure.data
    status = client.post(
        f"/api/economy/action-plans/{plan.pk}/measures/{measure.data['id']}/", {"status": "done"}, format="json"
    )
    assert status.status_code == 200 and ActionMeasure.objects.get().status == "done"
    follow_up = client.post(
        f"/api/economy/action-plans/{plan.pk}/follow-ups/",
        {"date": "2024-06-30", "note": "Bättre", "result_to_date_ore": -1},
        format="json",
    )
    assert follow_up.status_code == 201, follow_up.data
    detail = client.get(f"/api/economy/action-plans/{plan.pk}/").data
    assert (len(detail["measures"]), len(detail["follow_ups"]), detail["balance_restored"]) == (1, 1, False)
    not_restored = client.post(f"/api/economy/action-plans/{plan.pk}/restored/")
    assert not_restored.status_code == 400


def test_action_plan_writes_are_for_the_unit_and_the_administration(api, world):
    decided(world, 2023, result=-MSEK // 2)
    plan = ActionPlan.objects.get()
    for role in ("board_member", "staff"):
        client = as_user(APIClient(), getattr(world.muni.users, role))
        assert (
            client.post(f"/api/economy/action-plans/{plan.pk}/measures/", "x", content_type="text/plain").status_code
            == 403
        )
    other = as_user(api, world.muni.users.other_unit_head)
    assert other.get(f"/api/economy/action-plans/{plan.pk}/").status_code == 404
    assert other.post(f"/api/economy/action-plans/{plan.pk}/follow-ups/", {}, format="json").status_code == 404


def test_the_closing_endpoints_are_in_the_openapi_document(api):
    schema = api.get("/api/openapi.json").json()
    for url in (
        "/api/economy/closings/",
        "/api/economy/closings/{id}/",
        "/api/economy/closings/{id}/decide/",
        "/api/economy/closings/{id}/reopen/",
        "/api/economy/result-units/{id}/fund/",
        "/api/economy/result-units/{id}/fund/uses/",
        "/api/economy/action-plans/",
        "/api/economy/action-plans/{id}/",
        "/api/economy/action-plans/{id}/measures/",
        "/api/economy/action-plans/{id}/follow-ups/",
    ):
        assert url in schema["paths"], url
