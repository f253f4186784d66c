"""The follow-up through the API: the unit's months × lines with the forecast and its method, the overview,
the unit's own forecast (403 before the body is read, 400 without a comment), the warnings; the same
permissions as the pages; documented in the OpenAPI document."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from intraprenad.accounts.models import AuditEvent
from intraprenad.economy.models import EarlyWarning, ForecastEntry
from intraprenad.economy.tests.test_followup_data import KR, YEAR, approved_budget, home_care, result_unit


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def as_user(api: APIClient, user) -> APIClient:
    api.force_authenticate(user)
    return api


def warning_for(unit):
    return EarlyWarning.objects.create(
        result_unit=unit,
        year=YEAR,
        month=2,
        method="run_rate",
        forecast_ore=-1,
        threshold_ore=0,
        created_at=timezone.now(),
    )


def test_the_unit_follow_up_has_months_lines_and_the_forecast_with_its_method(api, muni):
    unit = home_care(muni)
    response = as_user(api, muni.users.unit_head).get(f"/api/economy/units/{unit.pk}/followup/?year={YEAR}")
    assert response.status_code == 200
    data = response.json()
    assert (data["unit"], data["year"], data["month"], data["latest_month"]) == (unit.pk, YEAR, 2, 2)
    assert len(data["months"]) == 12
    january = data["months"][0]
    assert [cell["line"] for cell in january["lines"]] == ["revenue", "purchases", "personnel", "other", "financial"]
    assert january["net"]["actual_ore"] == -200_000 * KR
    assert data["months"][2]["net"]["actual_ore"] is None
    personnel = next(row for row in data["lines"] if row["line"] == "personnel")
    assert personnel["actual_ore"] == -1_900_000 * KR
    assert personnel["deviation_percent"] == "-18.8"
    assert data["net"]["forecast_ore"] == -2_400_000 * KR
    assert data["forecast"]["method"] == "run_rate"
    assert data["forecast"]["fallback"] == "no_history"
    assert data["forecast_low_ore"] <= data["forecast"]["result_ore"] <= data["forecast_high_ore"]


def test_a_month_can_be_chosen_and_a_bad_one_is_refused(api, muni):
    unit = home_care(muni)
    client = as_user(api, muni.users.economist)
    assert client.get(f"/api/economy/units/{unit.pk}/followup/?year={YEAR}&month=1").json()["month"] == 1
    assert client.get(f"/api/economy/units/{unit.pk}/followup/?month=13").status_code == 400


@pytest.mark.parametrize(("role", "status"), [("other_unit_head", 404), ("school_officer", 404), ("no_role", 403)])
def test_a_unit_outside_ones_scope_is_not_shown(api, muni, role, status):
    unit = home_care(muni)
    response = as_user(api, getattr(muni.users, role)).get(f"/api/economy/units/{unit.pk}/followup/")
    assert response.status_code == status


def test_anonymous_visitors_get_401(api, muni):
    unit = home_care(muni)
    assert api.get(f"/api/economy/units/{unit.pk}/followup/").status_code == 401
    assert api.get("/api/economy/overview/").status_code == 401
    assert api.get("/api/economy/warnings/").status_code == 401
    assert api.post(f"/api/economy/units/{unit.pk}/forecasts/", {}, format="json").status_code == 401


def test_the_overview_shows_the_units_in_scope_with_totals(api, muni):
    home_care(muni)
    approved_budget(result_unit(muni.other_unit, is_comparison=True))  # budgeted, no actuals yet
    result_unit(muni.school)  # followed, but with neither budget nor actuals this year: no row
    data = as_user(api, muni.users.board_member).get(f"/api/economy/overview/?year={YEAR}").json()
    assert data["month"] == 2
    [group] = data["groups"]
    assert (group["board"], group["service_type"]) == ("Socialnämnden", "Hemtjänst")
    assert [row["name"] for row in group["rows"]] == ["Hemvården Norr", "Hemvården Syd"]
    assert group["rows"][0]["forecast"]["method"] == "run_rate"
    assert group["rows"][1]["forecast"] is None
    assert data["totals"]["actual_ytd_ore"] == -400_000 * KR
    assert data["totals"]["units"] == 2
    assert "Åsa skola" not in str(data)
    # the unit head sees only their own unit
    own = as_user(api, muni.users.unit_head).get(f"/api/economy/overview/?year={YEAR}").json()
    assert [row["name"] for group in own["groups"] for row in group["rows"]] == ["Hemvården Norr"]


def test_the_overview_is_refused_without_the_economy(api, muni):
    assert as_user(api, muni.users.evaluator).get("/api/economy/overview/").status_code == 403


def forecast_body(**overrides):
    return {"year": YEAR, "month": 2, "result_ore": -3_500_000 * KR, "comment": "Fler brukare.", **overrides}


def test_the_unit_head_posts_a_forecast(api, muni):
    unit = home_care(muni)
    response = as_user(api, muni.users.unit_head).post(
        f"/api/economy/units/{unit.pk}/forecasts/", forecast_body(), format="json"
    )
    assert response.status_code == 201
    assert response.json()["result_ore"] == -3_500_000 * KR
    assert AuditEvent.objects.filter(verb="forecastentry.entered").count() == 1
    followup = api.get(f"/api/economy/units/{unit.pk}/followup/?year={YEAR}&month=2").json()
    assert followup["forecast"]["method"] == "manual"
    assert followup["manual_comment"] == "Fler brukare."


def test_a_forecast_without_a_comment_is_400_with_the_services_message(api, muni):
    unit = home_care(muni)
    response = as_user(api, muni.users.unit_head).post(
        f"/api/economy/units/{unit.pk}/forecasts/", forecast_body(comment=" "), format="json"
    )
    assert response.status_code == 400
    assert response.json()["comment"]
    assert not ForecastEntry.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("board_member", 403), ("staff", 403), ("other_unit_head", 404)])
def test_others_are_refused_before_the_body_is_read(api, muni, role, status):
    unit = home_care(muni)
    # an invalid body: a 400 would mean the body was validated before the permission
    response = as_user(api, getattr(muni.users, role)).post(
        f"/api/economy/units/{unit.pk}/forecasts/", {"month": "x"}, format="json"
    )
    assert response.status_code == status
    assert not ForecastEntry.objects.exists()


def test_warnings_are_listed_and_acknowledged(api, muni):
    unit = home_care(muni)
    warning = warning_for(unit)
    warning_for(result_unit(muni.school))
    client = as_user(api, muni.users.unit_head)
    listed = client.get("/api/economy/warnings/").json()
    assert [row["unit_name"] for row in listed["results"]] == ["Hemvården Norr"]
    response = client.post(f"/api/economy/warnings/{warning.pk}/acknowledge/")
    assert response.status_code == 200
    assert response.json()["acknowledged_by"] == muni.users.unit_head.pk
    assert client.get("/api/economy/warnings/").json()["results"] == []
    assert client.post(f"/api/economy/warnings/{warning.pk}/acknowledge/").status_code == 400


def test_acknowledging_is_refused_to_the_board(api, muni):
    warning = warning_for(home_care(muni))
    assert (
        as_user(api, muni.users.board_member).post(f"/api/economy/warnings/{warning.pk}/acknowledge/").status_code
        == 403
    )


def test_the_endpoints_are_in_the_openapi_document(api):
    paths = api.get("/api/openapi.json").json()["paths"]
    assert "get" in paths["/api/economy/units/{id}/followup/"]
    assert "/api/economy/overview/" in paths
    assert "/api/economy/warnings/" in paths
    assert "post" in paths["/api/economy/units/{id}/forecasts/"]
    assert "post" in paths["/api/economy/warnings/{id}/acknowledge/"]
