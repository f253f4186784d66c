"""The ledger pages: uploading (imported in sync mode), the progress and result of an import, the mapping, the
template downloads, and the drill-down from a figure to its transactions and vouchers, with who may see what."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils.timezone import now

from intraprenad.accounts.models import AuditEvent
from intraprenad.economy.models import AccountLineRule, LedgerImport, LedgerSettings, MonthlyActual, Voucher
from intraprenad.economy.services import ledger as services

from . import test_ledger_fixtures as fixtures
from .test_ledger_fixtures import NORR, on, sie_file, standard_file, voucher

media = fixtures.media
mapped = fixtures.mapped


@pytest.fixture
def sync_jobs(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}


def login(client, user):
    client.force_login(user)
    return client


def upload(client, data: bytes, name: str = "hb.se", **fields):
    return client.post(reverse("economy_ledger"), {"file": SimpleUploadedFile(name, data), "dimension": "1", **fields})


def imported(muni, data=None) -> LedgerImport:
    return services.import_ledger(by=muni.users.economist, data=data or standard_file(), file_name="hb.se")


# --- imports ----------------------------------------------------------------------------------------------


def test_the_economist_uploads_a_file_and_it_is_imported_in_sync_mode(
    client, mapped, sync_jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(login(client, mapped.users.economist), standard_file())
    ledger_import = LedgerImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("economy_import_detail", kwargs={"pk": ledger_import.pk})
    assert ledger_import.status == "done" and ledger_import.transaction_count == 7
    page = client.get(response["Location"]).content.decode()
    assert "<progress" not in page and "Hemvården Norr" in page
    assert reverse("economy_unit", kwargs={"pk": mapped.norr.pk}) + "?year=2025" in page
    listing = client.get(reverse("economy_ledger")).content.decode()
    assert "hb.se" in listing and "<caption" in listing and 'enctype="multipart/form-data"' in listing


def test_a_refused_upload_shows_why_on_the_import_page(client, mapped, sync_jobs, django_capture_on_commit_callbacks):
    bad = sie_file(voucher("A", "3", "20250115", [("3010", on(NORR), "-50.00"), ("1930", "{}", "40.00")]))
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(login(client, mapped.users.economist), bad)
    page = client.get(response["Location"]).content.decode()
    assert LedgerImport.objects.get().status == "failed"
    assert 'role="alert"' in page and "A 3" in page
    assert Voucher.objects.count() == 0


def test_ticking_import_anyway_stores_a_file_with_differences(
    client, mapped, sync_jobs, django_capture_on_commit_callbacks
):
    bad = sie_file(voucher("A", "3", "20250115", [("3010", on(NORR), "-50.00"), ("1930", "{}", "40.00")]))
    with django_capture_on_commit_callbacks(execute=True):
        upload(login(client, mapped.users.economist), bad, allow_differences="on")
    ledger_import = LedgerImport.objects.get()
    assert ledger_import.status == "done"
    page = client.get(reverse("economy_import_detail", kwargs={"pk": ledger_import.pk})).content.decode()
    assert "−10,00" in page  # the unbalanced voucher, in the reconciliation table


def test_a_running_import_shows_a_live_progress_bar(client, mapped):
    queued = services.start_import(by=mapped.users.economist, data=standard_file(), file_name="hb.se")
    LedgerImport.objects.filter(pk=queued.pk).update(status="running", progress=42)
    page = login(client, mapped.users.economist).get(reverse("economy_import_detail", kwargs={"pk": queued.pk}))
    html = page.content.decode()
    assert '<progress id="import-progress" max="100" value="42"' in html
    assert '<label for="import-progress">' in html and "42 %" in html
    assert reverse("economy_import_status", kwargs={"pk": queued.pk}) in html and "import-progress.js" in html
    status = client.get(reverse("economy_import_status", kwargs={"pk": queued.pk})).json()
    assert status["progress"] == 42 and status["status"] == "running" and status["finished"] is False


def test_uploading_the_same_file_again_says_nothing_changed(client, mapped):
    first = imported(mapped)
    response = upload(login(client, mapped.users.economist), standard_file())
    assert response["Location"] == reverse("economy_import_detail", kwargs={"pk": first.pk})
    assert LedgerImport.objects.count() == 1


def test_a_file_that_is_too_large_is_refused_by_the_form(client, mapped, settings):
    settings.LEDGER_UPLOAD_MAX_BYTES = 100
    response = upload(login(client, mapped.users.economist), standard_file())
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert LedgerImport.objects.count() == 0


@pytest.mark.parametrize("role", ["unit_head", "board_member", "officer", "no_role"])
def test_only_the_economist_may_upload_or_see_the_imports(client, mapped, role):
    ledger_import = imported(mapped)
    login(client, getattr(mapped.users, role))
    assert upload(client, standard_file(), name="other.se").status_code == 403
    assert client.get(reverse("economy_ledger")).status_code == 403
    assert client.get(reverse("economy_import_detail", kwargs={"pk": ledger_import.pk})).status_code == 403
    assert client.get(reverse("economy_import_status", kwargs={"pk": ledger_import.pk})).status_code == 403
    assert LedgerImport.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, mapped):
    response = client.get(reverse("economy_ledger"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("fmt", "kind"), [("csv", "text/csv"), ("xlsx", "spreadsheetml")])
def test_the_template_can_be_downloaded(client, mapped, fmt, kind):
    response = login(client, mapped.users.economist).get(reverse("economy_ledger_template", kwargs={"fmt": fmt}))
    assert response.status_code == 200 and kind in response["Content-Type"]
    assert f"utfallsmall.{fmt}" in response["Content-Disposition"]
    assert client.get(reverse("economy_ledger_template", kwargs={"fmt": "pdf"})).status_code == 404


# --- mapping ----------------------------------------------------------------------------------------------


def test_the_mapping_page_lists_units_objects_and_the_default_rules(client, mapped):
    page = login(client, mapped.users.economist).get(reverse("economy_mapping")).content.decode()
    assert "Hemvården Norr" in page and NORR in page
    assert 'name="rules-0-prefix"' in page and 'value="3"' in page
    assert 'for="id_rules-0-prefix"' in page


def test_the_economist_changes_the_dimension(client, mapped):
    response = login(client, mapped.users.economist).post(reverse("economy_mapping_dimension"), {"unit_dimension": "6"})
    assert response.status_code == 302 and LedgerSettings.current().unit_dimension == "6"
    bad = client.post(reverse("economy_mapping_dimension"), {"unit_dimension": "sex"})
    assert bad.status_code == 400 and LedgerSettings.current().unit_dimension == "6"


def test_the_economist_saves_the_account_rules(client, mapped):
    imported(mapped)
    data = {"rules-TOTAL_FORMS": "3", "rules-INITIAL_FORMS": "0"}
    for n, (prefix, line) in enumerate([("3", "revenue"), ("5", "personnel"), ("501", "other")]):
        data |= {f"rules-{n}-prefix": prefix, f"rules-{n}-line": line}
    response = login(client, mapped.users.economist).post(reverse("economy_mapping_rules"), data)
    assert response.status_code == 302
    assert list(AccountLineRule.objects.values_list("prefix", flat=True)) == ["3", "5", "501"]
    assert set(MonthlyActual.objects.filter(result_unit=mapped.norr).values_list("line", flat=True)) == {
        "revenue",
        "other",
    }


def test_the_economist_maps_a_unit_to_objects(client, mapped):
    url = reverse("economy_mapping_unit")
    form = login(client, mapped.users.economist).get(f"{url}?unit={mapped.norr.pk}")
    assert form.context["form"].initial["objects"] == NORR
    response = client.post(url, {"org_unit": mapped.unit.pk, "objects": f"{NORR}, 41021", "is_comparison": ""})
    assert response.status_code == 302
    assert sorted(mapped.norr.ledger_objects.values_list("object_id", flat=True)) == [NORR, "41021"]
    clash = client.post(url, {"org_unit": mapped.unit.pk, "objects": "41030"})
    assert clash.status_code == 200 and "Hemvården Syd" in clash.content.decode()
    assert AuditEvent.objects.filter(verb="result_unit.mapped", actor=mapped.users.economist).count() == 3


def test_the_rules_page_keeps_unchanged_rows_and_removes_ticked_ones(client, mapped):
    page = login(client, mapped.users.economist).get(reverse("economy_mapping"))
    formset = page.context["rule_formset"]
    data = {"rules-TOTAL_FORMS": str(formset.total_form_count()), "rules-INITIAL_FORMS": "6"}
    for n, form in enumerate(formset.forms):
        data |= {f"rules-{n}-prefix": form.initial.get("prefix", ""), f"rules-{n}-line": form.initial.get("line", "")}
    data["rules-5-DELETE"] = "on"  # class 8, financial items
    data |= {"rules-6-prefix": "4530", "rules-6-line": "other"}
    response = client.post(reverse("economy_mapping_rules"), data)
    assert response.status_code == 302
    assert list(AccountLineRule.objects.values_list("prefix", flat=True)) == ["3", "4", "4530", "5", "6", "7"]
    assert AuditEvent.objects.filter(verb="ledger_settings.rules_changed").count() == 1


@pytest.mark.parametrize("role", ["unit_head", "board_member", "staff"])
def test_others_may_not_change_the_mapping(client, mapped, role):
    login(client, getattr(mapped.users, role))
    assert client.get(reverse("economy_mapping")).status_code == 403
    assert client.post(reverse("economy_mapping_dimension"), {"unit_dimension": "6"}).status_code == 403
    assert client.get(reverse("economy_mapping_unit")).status_code == 403
    assert LedgerSettings.current().unit_dimension == "1"


# --- drill-down -------------------------------------------------------------------------------------------


def drill(client, **params):
    return client.get(reverse("economy_drilldown"), params)


@pytest.mark.parametrize(("month", "line"), [(None, None), (1, None), (1, "personnel"), (2, "personnel")])
def test_the_drilldown_total_equals_the_monthly_actual(client, mapped, month, line):
    imported(mapped)
    params = {"unit": mapped.norr.pk, "year": 2025, "month": month or "", "line": line or ""}
    response = drill(login(client, mapped.users.unit_head), **params)
    assert response.status_code == 200
    result = response.context["result"]
    actuals = MonthlyActual.objects.filter(result_unit=mapped.norr, year=2025)
    if month:
        actuals = actuals.filter(month=month)
    if line:
        actuals = actuals.filter(line=line)
    assert result.total_ore == sum(actuals.values_list("amount_ore", flat=True))
    assert sum(t.report_ore for t in response.context["page"].object_list) == result.total_ore
    page = response.content.decode()
    first = response.context["page"].object_list[0]
    assert reverse("economy_voucher", kwargs={"pk": first.voucher_id}) in page


def test_the_drilldown_is_paginated(client, mapped):
    imported(
        mapped,
        sie_file(
            *[
                voucher("A", str(n), "20250310", [("3010", on(NORR), "-1.00"), ("1930", "{}", "1.00")])
                for n in range(1, 61)
            ]
        ),
    )
    first = drill(login(client, mapped.users.economist), unit=mapped.norr.pk, year=2025, month=3)
    assert len(first.context["page"].object_list) == 50 and first.context["result"].total_ore == 6000
    second = drill(client, unit=mapped.norr.pk, year=2025, month=3, page=2)
    assert len(second.context["page"].object_list) == 10


def test_a_unit_head_cannot_drill_into_another_unit(client, mapped):
    imported(mapped)
    assert drill(login(client, mapped.users.unit_head), unit=mapped.syd.pk, year=2025).status_code == 404
    assert drill(login(client, mapped.users.other_unit_head), unit=mapped.syd.pk, year=2025).status_code == 200


def test_the_drilldown_needs_a_unit_and_a_year(client, mapped):
    assert drill(login(client, mapped.users.economist), year=2025).status_code == 400
    assert drill(client, unit=mapped.norr.pk, year=2025, month=13).status_code == 400


def test_a_voucher_shows_all_its_rows_and_where_it_came_from(client, mapped):
    ledger_import = imported(mapped)
    salaries = Voucher.objects.get(series="L", number="1")
    response = login(client, mapped.users.unit_head).get(reverse("economy_voucher", kwargs={"pk": salaries.pk}))
    page = response.content.decode()
    assert response.status_code == 200 and len(response.context["rows"]) == 3 and response.context["total"] == 0
    assert "hb.se" in page and "Lön januari" in page and "1=41020;6=P1" in page
    assert reverse("economy_import_detail", kwargs={"pk": ledger_import.pk}) not in page  # not the economist's link
    fees = Voucher.objects.get(series="A", number="1")
    other = login(client, mapped.users.other_unit_head)
    assert other.get(reverse("economy_voucher", kwargs={"pk": fees.pk})).status_code == 404


def test_on_sqlite_the_progress_of_the_rows_reaches_the_page_while_the_import_holds_the_write_lock(
    client, mapped, monkeypatch
):
    # the worker's reporter, inside the import's transaction, cannot write the import row on SQLite: the step goes
    # to the shared progress cache, and the status, the page and the API show it
    queued = LedgerImport.objects.create(file_name="hb.se", sha256="x", status="running", progress=56, created_at=now())
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with transaction.atomic():
        services._Reporter(queued.pk)(77)
    queued.refresh_from_db()
    assert queued.progress == 56  # the database row was left alone
    client.force_login(mapped.users.economist)
    status = client.get(reverse("economy_import_status", kwargs={"pk": queued.pk})).json()
    assert status["progress"] == 77
    assert 'value="77"' in client.get(reverse("economy_import_detail", kwargs={"pk": queued.pk})).content.decode()
    LedgerImport.objects.filter(pk=queued.pk).update(status="done", progress=100)
    assert client.get(reverse("economy_import_status", kwargs={"pk": queued.pk})).json()["progress"] == 100
