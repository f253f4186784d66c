"""The budget API: reading scoped to the user's units, one success and one permission test per write endpoint,
refusals with the services' messages, 403 before the body is read, and the OpenAPI document."""

from decimal import Decimal

import pytest
from django.utils.translation import gettext as _
from rest_framework.test import APIClient

from intraprenad.accounts.models import AuditEvent
from intraprenad.economy.lines import Line
from intraprenad.economy.models import Budget, BudgetIndex
from intraprenad.economy.services import budget as services
from intraprenad.economy.tests.test_budget_services import ANNUAL, START_UP, approved, index_for, result_unit

L = Line
S = Budget.Status
BASE = "/api/economy"


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def as_user(api: APIClient, user) -> APIClient:
    api.force_authenticate(user)
    return api


# --- reading ------------------------------------------------------------------------------------


def test_a_unit_head_lists_only_their_own_units_budgets(api, muni):
    own = approved(muni, 2025)
    approved(muni, 2025, unit=muni.other_unit)
    response = as_user(api, muni.users.unit_head).get(f"{BASE}/budgets/")
    assert response.status_code == 200
    assert [b["id"] for b in response.data["results"]] == [own.pk]
    row = response.data["results"][0]
    assert row["annual_ore"]["personnel"] == ANNUAL[L.PERSONNEL]
    assert row["net_result_ore"] == sum(ANNUAL.values())
    assert row["status"] == "approved"


def test_the_economist_sees_all_and_filters(api, muni):
    approved(muni, 2025)
    other = approved(muni, 2025, unit=muni.other_unit)
    api = as_user(api, muni.users.economist)
    assert len(api.get(f"{BASE}/budgets/").data["results"]) == 2
    response = api.get(f"{BASE}/budgets/", {"result_unit": other.result_unit_id, "year": 2025, "status": "approved"})
    assert [b["id"] for b in response.data["results"]] == [other.pk]
    assert api.get(f"{BASE}/budgets/", {"year": "x"}).data["results"] == []


def test_listing_needs_the_economy(api, muni):
    assert api.get(f"{BASE}/budgets/").status_code == 401
    assert as_user(api, muni.users.evaluator).get(f"{BASE}/budgets/").status_code == 403


def test_detail_has_months_and_items_and_is_404_for_another_unit(api, muni):
    budget = approved(muni, 2025, items=[START_UP])
    response = as_user(api, muni.users.staff).get(f"{BASE}/budgets/{budget.pk}/")
    assert response.status_code == 200
    assert response.data["months_ore"]["revenue"][0] == 100_000_000 + 150_000_000
    assert response.data["items"] == [
        {"line": "revenue", "description": "Ramförstärkning vid uppstart", "amount_ore": 150_000_000, "month": 1}
    ]
    assert as_user(api, muni.users.other_unit_head).get(f"{BASE}/budgets/{budget.pk}/").status_code == 404
    assert APIClient().get(f"{BASE}/budgets/{budget.pk}/").status_code == 401


# --- writing ------------------------------------------------------------------------------------


def test_unit_head_drafts_with_yearly_and_monthly_amounts(api, muni):
    unit = result_unit(muni)
    body = {
        "result_unit": unit.pk,
        "year": 2026,
        "annual_ore": {"revenue": 1_200_00},
        "months_ore": {"personnel": [-100_00] * 12},
        "items": [{"line": "revenue", "description": "Ramförstärkning", "amount_ore": 500_00, "month": 3}],
        "comment": "Via API",
    }
    response = as_user(api, muni.users.unit_head).post(f"{BASE}/budgets/", body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["status"] == "draft"
    assert response.data["months_ore"]["revenue"][2] == 100_00 + 500_00
    assert response.data["annual_ore"]["personnel"] == -1_200_00
    assert AuditEvent.objects.filter(verb="budget.drafted", actor=muni.users.unit_head).exists()


def test_draft_is_refused_for_another_unit_and_before_the_body_for_staff(api, muni):
    other = result_unit(muni, muni.other_unit)
    body = {"result_unit": other.pk, "year": 2026, "annual_ore": {"revenue": 1}}
    # another unit's head cannot see it: 404
    assert as_user(api, muni.users.unit_head).post(f"{BASE}/budgets/", body, format="json").status_code == 404
    # staff may not draft at all: 403 even with a malformed body
    response = as_user(api, muni.users.staff).post(f"{BASE}/budgets/", {"year": "x"}, format="json")
    assert response.status_code == 403
    assert not Budget.objects.exists()


def test_draft_refusal_has_the_message(api, muni):
    unit = result_unit(muni)
    body = {"result_unit": unit.pk, "year": 2026, "annual_ore": {"personnel": 100}}
    response = as_user(api, muni.users.economist).post(f"{BASE}/budgets/", body, format="json")
    assert response.status_code == 400
    assert response.data["detail"] == [
        _("%(line)s: a cost is entered as a negative amount.") % {"line": L.PERSONNEL.label}
    ]
    body = {"result_unit": unit.pk, "year": 2026, "annual_ore": {"other": -1}, "months_ore": {"other": [0] * 12}}
    assert "months_ore" in as_user(api, muni.users.economist).post(f"{BASE}/budgets/", body, format="json").data


def test_draft_from_previous(api, muni):
    previous = approved(muni, 2025)
    index_for(2026)
    body = {"result_unit": previous.result_unit_id, "year": 2026}
    response = as_user(api, muni.users.unit_head).post(f"{BASE}/budgets/from-previous/", body, format="json")
    assert response.status_code == 201, response.data
    assert response.data["based_on"] == previous.pk
    assert response.data["index_personnel_percent"] == "3.10"
    assert response.data["annual_ore"]["personnel"] == ANNUAL[L.PERSONNEL] - 27_900_000


def test_draft_from_previous_refused_without_the_index_and_for_staff(api, muni):
    previous = approved(muni, 2025)
    body = {"result_unit": previous.result_unit_id, "year": 2026}
    response = as_user(api, muni.users.economist).post(f"{BASE}/budgets/from-previous/", body, format="json")
    assert response.status_code == 400
    assert response.data["detail"] == [
        _("The index table has no rates for %(year)s; enter them first.") % {"year": 2026}
    ]
    assert as_user(api, muni.users.staff).post(f"{BASE}/budgets/from-previous/", body, format="json").status_code == 403


def test_update_a_draft_and_refuse_an_approved_one(api, muni):
    draft = services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2026, annual=ANNUAL)
    api = as_user(api, muni.users.unit_head)
    response = api.post(f"{BASE}/budgets/{draft.pk}/update/", {"annual_ore": {"other": -1_200}}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["annual_ore"] == {
        "revenue": 0,
        "purchases": 0,
        "personnel": 0,
        "other": -1_200,
        "financial": 0,
    }
    budget = approved(muni, 2025)
    response = as_user(api, muni.users.economist).post(f"{BASE}/budgets/{budget.pk}/update/", {}, format="json")
    assert response.status_code == 400
    assert response.data["detail"] == [_("An approved budget cannot be changed; create a new version.")]


def test_update_is_refused_for_staff_before_the_body(api, muni):
    draft = services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2026, annual=ANNUAL)
    response = as_user(api, muni.users.staff).post(f"{BASE}/budgets/{draft.pk}/update/", "x", content_type="text/plain")
    assert response.status_code == 403


def test_approve_and_new_version(api, muni):
    first = approved(muni, 2025)
    api = as_user(api, muni.users.unit_head)
    response = api.post(f"{BASE}/budgets/{first.pk}/new-version/")
    assert response.status_code == 201
    second = response.data["id"]
    response = as_user(api, muni.users.board_member).post(f"{BASE}/budgets/{second}/approve/", {}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["status"] == "approved"
    first.refresh_from_db()
    assert first.status == S.SUPERSEDED


def test_approve_is_refused_for_the_unit_head_and_new_version_for_staff(api, muni):
    draft = services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2026, annual=ANNUAL)
    assert as_user(api, muni.users.unit_head).post(f"{BASE}/budgets/{draft.pk}/approve/").status_code == 403
    budget = approved(muni, 2025)
    assert as_user(api, muni.users.staff).post(f"{BASE}/budgets/{budget.pk}/new-version/").status_code == 403
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_delete_a_draft(api, muni):
    draft = services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2026, annual=ANNUAL)
    assert as_user(api, muni.users.staff).post(f"{BASE}/budgets/{draft.pk}/delete/").status_code == 403
    assert as_user(api, muni.users.unit_head).post(f"{BASE}/budgets/{draft.pk}/delete/").status_code == 204
    assert not Budget.objects.exists()


# --- the index table ----------------------------------------------------------------------------


def test_the_index_table_read_and_write(api, muni):
    index_for(2025)
    body = {"year": 2026, "personnel_percent": "3.10", "other_percent": "2.40", "source": "SKR PKV oktober 2025"}
    response = as_user(api, muni.users.economist).post(f"{BASE}/budget-indexes/", body, format="json")
    assert response.status_code == 200, response.data
    assert BudgetIndex.objects.get(year=2026).other_percent == Decimal("2.40")
    response = as_user(api, muni.users.board_member).get(f"{BASE}/budget-indexes/")
    assert [row["year"] for row in response.data] == [2026, 2025]


def test_the_index_table_is_written_only_with_edit_budget(api, muni):
    body = {"year": 2026, "personnel_percent": "3", "other_percent": "2", "source": "SKR"}
    assert (
        as_user(api, muni.users.board_member)
        .post(f"{BASE}/budget-indexes/", "x", content_type="text/plain")
        .status_code
        == 403
    )
    assert as_user(api, muni.users.evaluator).get(f"{BASE}/budget-indexes/").status_code == 403
    response = as_user(api, muni.users.economist).post(
        f"{BASE}/budget-indexes/", {**body, "personnel_percent": "75"}, format="json"
    )
    assert response.status_code == 400
    assert not BudgetIndex.objects.exists()


def test_the_openapi_document_has_the_budget_endpoints(api, muni):
    response = as_user(api, muni.users.economist).get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for endpoint in (
        "/api/economy/budgets/",
        "/api/economy/budgets/{id}/",
        "/api/economy/budgets/from-previous/",
        "/api/economy/budgets/{id}/update/",
        "/api/economy/budgets/{id}/approve/",
        "/api/economy/budgets/{id}/new-version/",
        "/api/economy/budgets/{id}/delete/",
        "/api/economy/budget-indexes/",
    ):
        assert endpoint in paths, endpoint
