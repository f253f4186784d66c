"""The ledger services: the mapping, imports (idempotent, replacing, refusing, atomic), the background job, the
monthly actuals they derive, and the drill-down that must add up to them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from intraprenad.accounts.models import AuditEvent
from intraprenad.economy.lines import DEFAULT_RULES
from intraprenad.economy.models import (
    AccountLineRule,
    LedgerImport,
    LedgerObject,
    LedgerSettings,
    MonthlyActual,
    Transaction,
    Voucher,
)
from intraprenad.economy.queries import ledger as queries
from intraprenad.economy.services import ledger as services

from . import test_ledger_fixtures as fixtures
from .test_ledger_fixtures import (
    NORR,
    SYD,
    TESTDATA,
    actual_figures,
    needs_testdata,
    on,
    sie_file,
    standard_file,
    voucher,
)

media = fixtures.media
mapped = fixtures.mapped

S = LedgerImport.Status


def imported(muni, data=None, **kwargs) -> LedgerImport:
    return services.import_ledger(by=muni.users.economist, data=data or standard_file(), file_name="hb.se", **kwargs)


def stored_counts() -> tuple[int, int, int, int]:
    return (
        LedgerImport.objects.count(),
        Voucher.objects.count(),
        Transaction.objects.count(),
        MonthlyActual.objects.count(),
    )


# --- importing ----------------------------------------------------------------------------------------


def test_an_import_stores_vouchers_transactions_and_the_monthly_actuals_in_result_sign(mapped):
    # when
    result = imported(mapped)
    # then
    assert result.status == S.DONE and result.progress == 100
    assert (result.voucher_count, result.transaction_count) == (3, 7)
    assert (result.company, result.orgnr, result.sie_type) == ("Testkommun", "212000-0000", "4E")
    assert str(result.fiscal_year_start) == "2025-01-01" and str(result.fiscal_year_end) == "2025-12-31"
    row = Transaction.objects.get(account="5010", object_id=NORR, period=202501)
    assert (row.amount_ore, row.object_list, row.voucher.series, row.voucher.number) == (
        300000,
        "1=41020;6=P1",
        "L",
        "1",
    )
    assert actual_figures(mapped.norr) == {(1, "revenue"): 500000, (1, "personnel"): -300000, (2, "personnel"): -200000}
    assert actual_figures(mapped.syd) == {(1, "personnel"): -100000}
    assert queries.actuals([mapped.norr.pk], 2025) == {
        mapped.norr.pk: {1: {"revenue": 500000, "personnel": -300000}, 2: {"personnel": -200000}}
    }
    assert queries.years_with_actuals(mapped.norr.pk) == [2025]
    event = AuditEvent.objects.get(verb="ledger_import.imported")
    assert event.actor == mapped.users.economist
    assert event.changes["transactions"] == 7 and event.changes["replaces"] is None


def test_the_voucher_ids_follow_the_order_of_the_file(mapped):
    imported(mapped)
    numbers = list(Voucher.objects.order_by("id").values_list("series", "number", "line"))
    assert [(s, n) for s, n, _line in numbers] == [("A", "1"), ("L", "1"), ("L", "2")]
    assert [line for *_sn, line in numbers] == sorted(line for *_sn, line in numbers)
    for v in Voucher.objects.all():
        assert sum(v.transactions.values_list("amount_ore", flat=True)) == 0


def test_importing_the_same_file_again_changes_nothing(mapped):
    first = imported(mapped)
    before = (stored_counts(), AuditEvent.objects.count())
    # when
    again = imported(mapped)
    # then
    assert again.pk == first.pk and again.unchanged
    assert str(first.pk) in again.message
    assert (stored_counts(), AuditEvent.objects.count()) == before


def test_a_newer_export_of_the_same_year_replaces_the_older_one(mapped):
    old = imported(mapped)
    newer = sie_file(
        voucher("A", "1", "20250115", [("3010", on(NORR), "-7000.00"), ("1930", "{}", "7000.00")]),
        gen="20260201",
    )
    # when
    new = imported(mapped, newer)
    # then
    old.refresh_from_db()
    assert old.status == S.REPLACED and new.replaces_id == old.pk
    assert Voucher.objects.filter(ledger_import=old).count() == 0
    assert Transaction.objects.filter(ledger_import_id=old.pk).count() == 0
    assert actual_figures(mapped.norr) == {(1, "revenue"): 700000}
    assert actual_figures(mapped.syd) == {}
    assert AuditEvent.objects.get(verb="ledger_import.imported", target_id=str(new.pk)).changes["replaces"] == old.pk


def test_every_transaction_row_points_at_a_voucher_of_its_own_import(mapped):
    # the rows have no database foreign keys (ADR 19): the importer alone keeps them consistent, across a replacement
    imported(mapped)
    imported(
        mapped,
        sie_file(voucher("A", "1", "20250115", [("3010", on(NORR), "-1.00"), ("1930", "{}", "1.00")]), gen="20260301"),
    )
    imported(mapped, standard_file(company="Annan kommun", orgnr="212000-1111"))
    voucher_import = dict(Voucher.objects.values_list("pk", "ledger_import_id"))
    rows = list(Transaction.objects.values_list("voucher_id", "ledger_import_id"))
    assert rows and all(voucher_import.get(voucher_id) == import_id for voucher_id, import_id in rows)


def test_an_older_export_than_the_imported_one_is_refused(mapped):
    imported(mapped)
    older = sie_file(
        voucher("A", "1", "20250115", [("3010", on(NORR), "-7000.00"), ("1930", "{}", "7000.00")]), gen="20250601"
    )
    before = stored_counts()
    with pytest.raises(ValidationError) as refused:
        imported(mapped, older)
    assert "2025-06-01" in str(refused.value) and "2026-01-15" in str(refused.value)
    assert stored_counts() == before


def test_an_export_of_another_company_or_year_is_added_not_replaced(mapped):
    first = imported(mapped)
    other_company = sie_file(
        voucher("A", "1", "20250310", [("3010", on(NORR), "-100.00"), ("1930", "{}", "100.00")]), orgnr="556000-0000"
    )
    next_year = sie_file(
        voucher("A", "1", "20260310", [("3010", on(NORR), "-100.00"), ("1930", "{}", "100.00")]), year=2026
    )
    imported(mapped, other_company)
    imported(mapped, next_year)
    first.refresh_from_db()
    assert first.status == S.DONE
    assert LedgerImport.objects.filter(status=S.DONE).count() == 3
    assert actual_figures(mapped.norr)[(3, "revenue")] == 10000
    assert actual_figures(mapped.norr, 2026) == {(3, "revenue"): 10000}


def test_a_batch_of_vouchers_4i_is_added_to_the_export_not_replacing_it(mapped):
    first = imported(mapped)
    batch = sie_file(
        voucher("A", "90", "20250320", [("3010", on(NORR), "-100.00"), ("1930", "{}", "100.00")]),
        gen="20260301",
        export=False,
    )
    added = imported(mapped, batch)
    first.refresh_from_db()
    assert (added.sie_type, added.replaces_id, first.status) == ("4I", None, S.DONE)
    assert actual_figures(mapped.norr)[(3, "revenue")] == 10000


def test_a_malformed_file_is_refused_with_its_line_and_nothing_is_stored(mapped):
    data = standard_file().replace(b"-5000.00", b"-50x0.00")
    with pytest.raises(ValidationError) as refused:
        imported(mapped, data)
    message = " ".join(refused.value.messages)
    line = next(n for n, text in enumerate(data.split(b"\n"), 1) if b"50x0" in text)
    assert f"hb.se, rad {line}:" in message and "50x0" in message
    assert stored_counts() == (0, 0, 0, 0)


def test_a_failure_while_storing_leaves_nothing_behind(mapped, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_rebuild", broken)
    with pytest.raises(RuntimeError):
        imported(mapped)
    assert stored_counts() == (0, 0, 0, 0)
    assert not AuditEvent.objects.filter(verb__startswith="ledger_import").exists()


def test_unbalanced_vouchers_are_refused_unless_allowed_and_then_recorded(mapped):
    data = sie_file(
        voucher("A", "7", "20250115", [("3010", on(NORR), "-5000.00"), ("1930", "{}", "4960.00")]),
        voucher("A", "8", "20250116", [("3010", on(NORR), "-10.00"), ("1930", "{}", "10.00")]),
    )
    with pytest.raises(ValidationError) as refused:
        imported(mapped, data)
    message = " ".join(refused.value.messages)
    assert "A 7" in message and "−40,00" in message and "A 8" not in message
    assert stored_counts()[0] == 0
    # when
    result = imported(mapped, data, allow_differences=True)
    # then
    assert result.status == S.DONE
    assert result.reconciliation["unbalanced_vouchers"] == [["A", "7", -4000]]
    assert result.reconciliation["accepted_with_differences"] is True
    assert actual_figures(mapped.norr) == {(1, "revenue"): 501000}


def test_a_refusal_names_the_first_twenty_problems_and_counts_them_all(mapped):
    data = sie_file(
        *[voucher("A", str(n), "20250115", [("3010", on(NORR), "-2.00"), ("1930", "{}", "1.00")]) for n in range(1, 26)]
    )
    with pytest.raises(ValidationError) as refused:
        imported(mapped, data)
    message = refused.value.messages[0]
    assert "(25 " in message and "A 20 " in message and "A 21 " not in message and "; …" in message


def test_differences_against_the_files_own_balances_are_refused_with_account_and_month(mapped):
    records = "#RES 0 3010 -4000.00\n#PSALDO 0 202501 3010 {} -4000.00\n"
    data = sie_file(
        voucher("A", "1", "20250115", [("3010", on(NORR), "-5000.00"), ("1930", "{}", "5000.00")]), records=records
    )
    with pytest.raises(ValidationError) as refused:
        imported(mapped, data)
    message = " ".join(refused.value.messages)
    assert "RES 3010" in message and "3010 2025-01" in message and "−4\xa0000,00" in message
    result = imported(mapped, data, allow_differences=True)
    assert result.reconciliation["difference_count"] == 2


@needs_testdata
def test_a_checksum_mismatch_is_refused_even_when_differences_are_allowed(mapped):
    data = (TESTDATA / "sie4sdk__Sie4E1ksumma.SI").read_bytes()
    with pytest.raises(ValidationError) as refused:
        imported(mapped, data, allow_differences=True)
    assert "#KSUMMA" in " ".join(refused.value.messages)
    assert stored_counts() == (0, 0, 0, 0)


def test_a_file_without_vouchers_gives_actuals_from_its_period_balances_per_object(mapped):
    records = (
        f'#PSALDO 0 202501 3010 {{1 "{NORR}"}} -5000.00\n'
        f'#PSALDO 0 202502 5010 {{1 "{NORR}"}} 2000.00\n'
        f'#PSALDO 0 202502 5010 {{1 "{NORR}" 6 "P1"}} 1500.00\n'  # a combination: a breakdown, not added again
        "#PSALDO 0 202502 5010 {} 2500.00\n"  # the account total: not a unit's
        f'#PSALDO -1 202402 5010 {{1 "{NORR}"}} 9999.00\n'  # the previous year belongs to its own export
    )
    data = sie_file(sietyp=3, records=records)
    # when
    result = imported(mapped, data)
    # then
    assert (result.status, result.sie_type, result.voucher_count, result.transaction_count) == (S.DONE, "3", 0, 0)
    assert "#PSALDO" in result.message
    assert actual_figures(mapped.norr) == {(1, "revenue"): 500000, (2, "personnel"): -200000}
    assert actual_figures(mapped.norr, 2024) == {}
    drill = queries.drilldown(mapped.norr, 2025)
    assert (drill.total_ore, drill.figure_ore, drill.without_vouchers_ore) == (0, 300000, 300000)
    # the period balances survive a rebuild
    services.rebuild_actuals()
    assert actual_figures(mapped.norr) == {(1, "revenue"): 500000, (2, "personnel"): -200000}


def test_a_dry_run_reads_and_reconciles_but_stores_nothing(mapped):
    result = imported(mapped, dry_run=True)
    assert result.pk is None and result.status == S.DONE
    assert (result.voucher_count, result.transaction_count) == (3, 7)
    assert result.summary["units"][NORR]["2025-01"] == {"3": -500000, "5": 300000}
    assert stored_counts() == (0, 0, 0, 0)
    bad = sie_file(voucher("A", "1", "20250115", [("3010", on(NORR), "-5000.00"), ("1930", "{}", "4000.00")]))
    refused = imported(mapped, bad, dry_run=True)
    assert refused.status == S.FAILED and "A 1" in refused.message
    assert stored_counts() == (0, 0, 0, 0)


def test_another_dimension_identifies_the_units_by_its_objects(mapped):
    services.set_unit_dimension(by=mapped.users.economist, dimension="6")
    services.set_result_unit(by=mapped.users.economist, org_unit=mapped.unit, is_comparison=False, objects=["P1"])
    # when
    result = imported(mapped)
    # then
    assert result.dimension == "6"
    assert Transaction.objects.filter(object_id="P1").count() == 1
    assert actual_figures(mapped.norr) == {(1, "personnel"): -300000}


def test_the_same_file_with_another_dimension_is_read_anew_replacing_the_first_reading(mapped):
    first = imported(mapped)
    services.set_result_unit(by=mapped.users.economist, org_unit=mapped.unit, is_comparison=False, objects=[NORR])
    again = imported(mapped, dimension="6")
    first.refresh_from_db()
    assert first.status == S.REPLACED and again.replaces_id == first.pk and again.dimension == "6"


def test_a_template_file_is_imported_as_transactions_that_can_be_drilled_into(mapped):
    csv = (
        "datum;konto;objekt;belopp;text;verifikation\n"
        f"2025-03-31;5010;{NORR};1 500,50;Löner mars;L3\n"
        "2025-03-31;1930;;-1500,50;Löner mars;L3\n"
        f"2025-04-15;3010;{NORR};-250;Avgift;\n"
    ).encode()
    result = services.import_ledger(by=mapped.users.economist, data=csv, file_name="utfall.csv")
    assert (result.source, result.voucher_count, result.transaction_count) == ("table", 2, 3)
    assert actual_figures(mapped.norr) == {(3, "personnel"): -150050, (4, "revenue"): 25000}
    drill = queries.drilldown(mapped.norr, 2025, 3)
    assert drill.total_ore == drill.figure_ore == -150050


def test_a_template_file_with_errors_is_refused_naming_row_and_column(mapped):
    csv = b"datum;konto;objekt;belopp\n2025-03-31;5010;41020;12,3,4\n"
    with pytest.raises(ValidationError) as refused:
        services.import_ledger(by=mapped.users.economist, data=csv, file_name="utfall.csv")
    assert (
        "2, " in refused.value.messages[0]
        and "belopp" in refused.value.messages[0]
        and "12,3,4" in refused.value.messages[0]
    )
    assert stored_counts() == (0, 0, 0, 0)


# --- the background job ---------------------------------------------------------------------------------


def test_an_upload_is_stored_and_queued_and_the_job_imports_it(mapped, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        queued = services.start_import(by=mapped.users.economist, data=standard_file(), file_name="hb.se")
    assert queued.status == S.QUEUED and queued.stored_file.name.endswith("hb.se")
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(verb="ledger_import.uploaded", target_id=str(queued.pk)).exists()
    # when
    done = services.run_queued_import(import_id=queued.pk)
    # then
    assert (done.pk, done.status, done.progress) == (queued.pk, S.DONE, 100)
    assert actual_figures(mapped.norr)[(1, "revenue")] == 500000
    assert services.run_queued_import(import_id=queued.pk).status == S.DONE  # a second delivery does nothing
    assert Voucher.objects.count() == 3


def test_the_job_marks_a_refused_file_failed_and_stores_none_of_it(mapped):
    queued = services.start_import(
        by=mapped.users.economist,
        data=standard_file().replace(b"#TRANS 1930 {} 5000.00", b"#TRANS 1930 {} 1"),
        file_name="hb.se",
    )
    failed = services.run_queued_import(import_id=queued.pk)
    assert failed.status == S.FAILED and "A 1" in failed.message
    assert (Voucher.objects.count(), Transaction.objects.count(), MonthlyActual.objects.count()) == (0, 0, 0)
    event = AuditEvent.objects.get(verb="ledger_import.refused")
    assert event.actor == mapped.users.economist and event.target_id == str(queued.pk)


def test_uploading_a_file_already_imported_queues_nothing(mapped, django_capture_on_commit_callbacks):
    first = imported(mapped)
    with django_capture_on_commit_callbacks() as callbacks:
        again = services.start_import(by=mapped.users.economist, data=standard_file(), file_name="hb.se")
    assert again.pk == first.pk and again.unchanged and callbacks == []


def test_the_job_runs_in_the_background_queue_when_synchronous(mapped, settings, django_capture_on_commit_callbacks):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.start_import(by=mapped.users.economist, data=standard_file(), file_name="hb.se")
    queued.refresh_from_db()
    assert queued.status == S.DONE and queued.transaction_count == 7


def test_an_import_checks_the_early_warnings_of_its_years_after_commit(
    mapped, monkeypatch, django_capture_on_commit_callbacks
):
    from intraprenad.economy.services import followup

    calls = []
    monkeypatch.setattr(followup, "check_early_warnings", lambda *, year, today: calls.append(year) or [])
    with django_capture_on_commit_callbacks(execute=True):
        imported(mapped)
    assert calls == [2025]


# --- the mapping ----------------------------------------------------------------------------------------


def test_mapping_an_object_rebuilds_the_actuals_and_is_audited(mapped):
    data = sie_file(voucher("A", "1", "20250115", [("3010", on("41099"), "-100.00"), ("1930", "{}", "100.00")]))
    imported(mapped, data)
    assert actual_figures(mapped.norr) == {}
    # when
    unit = services.set_result_unit(
        by=mapped.users.economist, org_unit=mapped.unit, is_comparison=False, objects=[NORR, "41099"]
    )
    # then
    assert actual_figures(unit) == {(1, "revenue"): 10000}
    event = AuditEvent.objects.filter(verb="result_unit.mapped", target_id=str(unit.pk)).latest("id")
    assert event.changes["objects"] == [[NORR], [NORR, "41099"]]
    assert event.actor == mapped.users.economist


def test_an_object_can_belong_to_one_unit_only(mapped):
    with pytest.raises(ValidationError) as refused:
        services.set_result_unit(by=mapped.users.economist, org_unit=mapped.unit, is_comparison=False, objects=[SYD])
    assert "Hemvården Syd" in str(refused.value)
    assert LedgerObject.objects.get(object_id=SYD).result_unit == mapped.syd


def test_only_units_can_be_result_units(mapped):
    with pytest.raises(ValidationError):
        services.set_result_unit(by=mapped.users.admin, org_unit=mapped.administration, is_comparison=True, objects=[])


def test_changing_the_account_rules_moves_accounts_between_lines_and_rebuilds(mapped):
    imported(mapped)
    rules = [*DEFAULT_RULES, ("501", "other")]
    # when
    services.set_line_rules(by=mapped.users.economist, rules=rules)
    # then
    assert actual_figures(mapped.norr) == {(1, "revenue"): 500000, (1, "other"): -300000, (2, "other"): -200000}
    assert queries.line_rules() == sorted(rules)
    event = AuditEvent.objects.get(verb="ledger_settings.rules_changed")
    assert event.changes["after"][-1] == ["8", "financial"] and ["501", "other"] in event.changes["after"]


@pytest.mark.parametrize(
    ("rules", "problem"),
    [
        ([("3x", "revenue")], "3x"),
        ([("3", "income")], "income"),
        ([("3", "revenue"), ("3", "other")], "3"),
        ([], ""),
    ],
)
def test_account_rules_must_be_digits_and_lines_once_each(mapped, rules, problem):
    with pytest.raises(ValidationError) as refused:
        services.set_line_rules(by=mapped.users.economist, rules=rules)
    assert problem in " ".join(refused.value.messages)
    assert not AccountLineRule.objects.exists()


def test_the_default_rules_are_seeded_once_by_the_system(db):
    assert queries.line_rules() == list(DEFAULT_RULES)
    services.ensure_default_line_rules()
    services.ensure_default_line_rules()
    assert list(AccountLineRule.objects.values_list("prefix", "line")) == list(DEFAULT_RULES)
    event = AuditEvent.objects.get(verb="ledger_settings.rules_seeded")
    assert event.actor is None


def test_the_unit_dimension_is_a_number_and_its_change_is_audited(mapped):
    with pytest.raises(ValidationError):
        services.set_unit_dimension(by=mapped.users.economist, dimension="ansvar")
    services.set_unit_dimension(by=mapped.users.economist, dimension="7")
    assert LedgerSettings.current().unit_dimension == "7"
    assert AuditEvent.objects.get(verb="ledger_settings.changed").changes == {"unit_dimension": ["1", "7"]}


def test_rebuilding_gives_the_same_actuals_as_the_import(mapped):
    imported(mapped)
    imported(
        mapped,
        sie_file(voucher("B", "1", "20250405", [("5010", on(SYD), "10.00"), ("1930", "{}", "-10.00")]), orgnr=""),
    )
    before = sorted(MonthlyActual.objects.values_list("result_unit_id", "year", "month", "line", "amount_ore"))
    MonthlyActual.objects.all().delete()
    services.rebuild_actuals()
    after = sorted(MonthlyActual.objects.values_list("result_unit_id", "year", "month", "line", "amount_ore"))
    assert after == before and len(before) == 5


@pytest.mark.parametrize("role", ["unit_head", "board_member", "officer", "staff", "no_role"])
def test_only_the_economist_imports_and_maps(mapped, role):
    user = getattr(mapped.users, role)
    with pytest.raises(PermissionDenied):
        services.import_ledger(by=user, data=standard_file(), file_name="hb.se")
    with pytest.raises(PermissionDenied):
        services.start_import(by=user, data=standard_file(), file_name="hb.se")
    with pytest.raises(PermissionDenied):
        services.set_result_unit(by=user, org_unit=mapped.unit, is_comparison=False, objects=["1"])
    with pytest.raises(PermissionDenied):
        services.set_line_rules(by=user, rules=DEFAULT_RULES)
    with pytest.raises(PermissionDenied):
        services.set_unit_dimension(by=user, dimension="2")
    assert stored_counts()[0] == 0


def test_an_economist_maps_only_units_in_their_scope(mapped):
    with pytest.raises(PermissionDenied):
        services.set_result_unit(by=mapped.users.economist, org_unit=mapped.school, is_comparison=True, objects=["9"])
    school = services.set_result_unit(by=mapped.users.admin, org_unit=mapped.school, is_comparison=True, objects=["9"])
    assert school.org_unit == mapped.school


# --- the drill-down -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "line"),
    [(None, None), (1, None), (1, "revenue"), (1, "personnel"), (2, "personnel"), (2, "revenue"), (None, "personnel")],
)
def test_the_drilldown_adds_up_to_the_monthly_actuals(mapped, month, line):
    imported(mapped)
    drill = queries.drilldown(mapped.norr, 2025, month, line)
    assert drill.total_ore == drill.figure_ore
    assert sum(-t.amount_ore for t in drill.transactions) == drill.total_ore
    assert all(t.object_id == NORR for t in drill.transactions)


def test_the_drilldown_follows_the_longest_prefix_rule(mapped):
    imported(mapped)
    services.set_line_rules(by=mapped.users.economist, rules=[*DEFAULT_RULES, ("5010", "other")])
    assert queries.drilldown(mapped.norr, 2025, line="personnel").transactions.count() == 0
    other = queries.drilldown(mapped.norr, 2025, line="other")
    assert other.total_ore == other.figure_ore == -500000


def test_a_voucher_is_visible_to_whoever_may_see_a_unit_on_it(mapped):
    imported(mapped)
    salaries = Voucher.objects.get(series="L", number="1")  # rows on Norr and Syd
    fees = Voucher.objects.get(series="A", number="1")  # rows on Norr only
    users = mapped.users
    assert queries.voucher_visible(users.unit_head, salaries) and queries.voucher_visible(users.unit_head, fees)
    assert queries.voucher_visible(users.other_unit_head, salaries)
    assert not queries.voucher_visible(users.other_unit_head, fees)
    assert not queries.voucher_visible(users.school_officer, fees)
    assert queries.voucher_visible(users.economist, fees) and queries.voucher_visible(users.board_member, fees)


def test_storing_uses_the_database_driver_in_bulk(mapped, django_assert_max_num_queries):
    data = sie_file(
        *[
            voucher("A", str(n), "20250115", [("3010", on(NORR), "-1.00"), ("1930", "{}", "1.00")])
            for n in range(1, 401)
        ]
    )
    with django_assert_max_num_queries(60):  # Django's own queries; the rows go through the driver directly
        result = imported(mapped, data)
    assert result.transaction_count == 800 and Transaction.objects.count() == 800
    assert connection.vendor in {"sqlite", "postgresql"}
