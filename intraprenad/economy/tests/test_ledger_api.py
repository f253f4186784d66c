"""The ledger through the API: upload (202, queued; 200 when already imported), imports with status and
reconciliation, result units, account rules, drill-down and vouchers, with the same permissions as the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from intraprenad.economy.models import AccountLineRule, LedgerImport, Voucher
from intraprenad.economy.services import ledger as services

from . import test_ledger_fixtures as fixtures
from .test_ledger_fixtures import NORR, standard_file

media = fixtures.media
mapped = fixtures.mapped


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def as_user(api: APIClient, user) -> APIClient:
    api.force_authenticate(user)
    return api


def imported(muni) -> LedgerImport:
    return services.import_ledger(by=muni.users.economist, data=standard_file(), file_name="hb.se")


def test_the_economist_uploads_a_file_and_gets_the_queued_import(api, mapped, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = as_user(api, mapped.users.economist).post(
            "/api/economy/imports/",
            {"file": SimpleUploadedFile("hb.se", standard_file()), "allow_differences": "false"},
            format="multipart",
        )
    assert response.status_code == 202, response.data
    assert response.data["status"] == "queued" and response.data["file_name"] == "hb.se"
    assert len(callbacks) == 1
    services.run_queued_import(import_id=response.data["id"])
    detail = api.get(f"/api/economy/imports/{response.data['id']}/")
    assert detail.data["status"] == "done" and detail.data["progress"] == 100
    assert detail.data["reconciliation"]["ok"] is True and detail.data["generated_on"] == "2026-01-15"
    again = api.post(
        "/api/economy/imports/", {"file": SimpleUploadedFile("hb.se", standard_file())}, format="multipart"
    )
    assert again.status_code == 200 and again.data["unchanged"] is True and again.data["id"] == response.data["id"]


def test_an_upload_without_a_file_is_refused_with_400(api, mapped):
    response = as_user(api, mapped.users.economist).post("/api/economy/imports/", {}, format="multipart")
    assert response.status_code == 400 and "file" in response.data


@pytest.mark.parametrize("role", ["unit_head", "board_member", "officer", "staff", "no_role"])
def test_others_are_refused_before_the_body_is_read(api, mapped, role):
    response = as_user(api, getattr(mapped.users, role)).post(
        "/api/economy/imports/", b"not multipart at all", content_type="application/octet-stream"
    )
    assert response.status_code == 403
    assert api.get("/api/economy/imports/").status_code == 403
    assert api.put("/api/economy/account-rules/", {"rules": []}, format="json").status_code == 403
    assert LedgerImport.objects.count() == 0


def test_anonymous_callers_must_log_in(api, mapped):
    assert api.get("/api/economy/imports/").status_code == 401
    assert api.get("/api/economy/drilldown/", {"unit": mapped.norr.pk, "year": 2025}).status_code == 401


def test_the_imports_list_shows_counts_and_status(api, mapped):
    ledger_import = imported(mapped)
    response = as_user(api, mapped.users.economist).get("/api/economy/imports/")
    assert response.status_code == 200
    (row,) = response.data["results"]
    assert (row["id"], row["status"]) == (ledger_import.pk, "done")
    assert (row["voucher_count"], row["transaction_count"]) == (3, 7)
    assert "period_balances" not in row["reconciliation"] and "objects" not in row["reconciliation"]


def test_result_units_are_listed_with_their_objects_within_ones_scope(api, mapped):
    everyone = as_user(api, mapped.users.economist).get("/api/economy/result-units/").data["results"]
    assert {(u["name"], tuple(o["object_id"] for o in u["ledger_objects"])) for u in everyone} == {
        ("Hemvården Norr", (NORR,)),
        ("Hemvården Syd", ("41030",)),
    }
    own = as_user(api, mapped.users.unit_head).get("/api/economy/result-units/").data["results"]
    assert [u["name"] for u in own] == ["Hemvården Norr"]


def test_the_account_rules_are_read_and_replaced(api, mapped):
    read = as_user(api, mapped.users.unit_head).get("/api/economy/account-rules/")
    assert (
        read.status_code == 200
        and read.data["defaults"] is True
        and read.data["rules"][0]
        == {
            "prefix": "3",
            "line": "revenue",
        }
    )
    rules = [{"prefix": "3", "line": "revenue"}, {"prefix": "4530", "line": "other"}]
    response = as_user(api, mapped.users.economist).put("/api/economy/account-rules/", {"rules": rules}, format="json")
    assert response.status_code == 200 and response.data["defaults"] is False
    assert list(AccountLineRule.objects.values_list("prefix", "line")) == [("3", "revenue"), ("4530", "other")]
    bad = api.put("/api/economy/account-rules/", {"rules": [{"prefix": "x", "line": "revenue"}]}, format="json")
    assert bad.status_code == 400


def test_the_drilldown_adds_up_to_the_figure_and_links_the_vouchers(api, mapped):
    imported(mapped)
    response = as_user(api, mapped.users.unit_head).get(
        "/api/economy/drilldown/", {"unit": mapped.norr.pk, "year": 2025, "month": 1, "line": "personnel"}
    )
    assert response.status_code == 200
    assert response.data["total_ore"] == response.data["figure_ore"] == -300000
    assert response.data["count"] == 1
    (row,) = response.data["results"]
    assert (row["account"], row["amount_ore"], row["report_ore"]) == ("5010", 300000, -300000)
    assert row["voucher_series"] == "L"
    voucher = api.get(f"/api/economy/vouchers/{row['voucher']}/")
    assert voucher.status_code == 200 and len(voucher.data["rows"]) == 3 and voucher.data["file_name"] == "hb.se"


def test_a_unit_head_cannot_drill_into_another_unit_or_its_vouchers(api, mapped):
    imported(mapped)
    as_user(api, mapped.users.unit_head)
    assert api.get("/api/economy/drilldown/", {"unit": mapped.syd.pk, "year": 2025}).status_code == 404
    assert api.get("/api/economy/drilldown/", {"year": 2025}).status_code == 400
    as_user(api, mapped.users.other_unit_head)
    fees = Voucher.objects.get(series="A", number="1")
    assert api.get(f"/api/economy/vouchers/{fees.pk}/").status_code == 404


def test_the_openapi_document_describes_the_ledger_endpoints(api, mapped):
    document = api.get("/api/openapi.json")
    assert document.status_code == 200
    paths = document.json()["paths"]
    for path in (
        "/api/economy/imports/",
        "/api/economy/imports/{id}/",
        "/api/economy/result-units/",
        "/api/economy/account-rules/",
        "/api/economy/drilldown/",
        "/api/economy/vouchers/{id}/",
    ):
        assert path in paths
    assert "202" in paths["/api/economy/imports/"]["post"]["responses"]
    assert "multipart/form-data" in paths["/api/economy/imports/"]["post"]["requestBody"]["content"]
