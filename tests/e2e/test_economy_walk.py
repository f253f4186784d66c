"""In a real browser: an economist imports the municipality's ledger and follows up the home-care intraprenad, and the
board closes its year.

The economist uploads the year's SIE export through the ledger page and watches the import's progress bar while the
job runs in the background (a stand-in for the django-q2 worker, see `job_worker` in conftest.py, runs the queued
task); opens the intraprenad's monthly follow-up from the finished import, drills down from a figure to its
transactions and on to a voucher; prepares the year-end closing. The board member then decides it at a meeting, and
the unit's share of the surplus is in its result fund. Every step is saved as a screenshot in artifacts/e2e/.

Set up beforehand through the services: the organisation, the intraprenad (active under an agreement for 2022–2024),
its mapping to the ledger object 41010, its approved budget for 2024 and the board's meeting today.
"""

import re
import time
from contextlib import suppress
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from playwright.sync_api import Error as PlaywrightError

from conftest import build_municipality
from intraprenad.demo.ledger import UnitPlan, sie_export
from intraprenad.economy.models import FundMovement, LedgerImport, Transaction, Voucher, YearEndClosing
from intraprenad.economy.services import budget as budgets
from intraprenad.economy.services import ledger
from intraprenad.lifecycle.tests.factories import board_meeting, intraprenad_at

from .test_lifecycle_walk import assert_no_errors, log_in, log_out, submit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MSEK = 100_000_000  # öre
OBJECT = "41010"
# Hemvården Norr's 2024 in result sign (revenue +, costs −): budgeted to break even, a surplus of 1.1 MSEK in the
# ledger, mostly from lower staff costs.
BUDGET = {
    "revenue": 410 * MSEK // 10,
    "personnel": -332 * MSEK // 10,
    "purchases": -24 * MSEK // 10,
    "other": -49 * MSEK // 10,
    "financial": -5 * MSEK // 10,
}
ACTUAL = {
    "revenue": 413 * MSEK // 10,
    "personnel": -326 * MSEK // 10,
    "purchases": -23 * MSEK // 10,
    "other": -48 * MSEK // 10,
    "financial": -5 * MSEK // 10,
}
# The rest of the municipality's ledger: cost centres nobody follows here, so that the file is a realistic size
# (about 120 000 #TRANS rows, 6 MB) and the import takes a few seconds: long enough for the page, which asks for
# the status every second, to show the bar between queued and done.
OTHER_CENTRES = 600
OTHER = {"revenue": 12 * MSEK, "personnel": -9 * MSEK, "purchases": -MSEK, "other": -15 * MSEK // 10}
SEP = "\u00a0"
AMOUNT = re.compile(r"\u2212?\d[\d\u00a0 ]*,\d\d\u00a0kr")
S = LedgerImport.Status


def kronor(text: str) -> Decimal:
    """A shown amount ("−1 234 567,89 kr", "1 234 kr") as a Decimal."""
    cleaned = text.replace("kr", "").replace(SEP, "").replace(" ", "").replace("\u2212", "-").replace(",", ".")
    return Decimal(cleaned.strip())


def ledger_file(tmp_path):
    plans = [UnitPlan(OBJECT, "Hemvården Norr", ACTUAL)] + [
        UnitPlan(f"6{n:04d}", f"Ansvar 6{n:04d}", OTHER) for n in range(OTHER_CENTRES)
    ]
    path = tmp_path / "huvudbok-2024.se"
    path.write_bytes(sie_export(year=2024, through_month=12, plans=plans, generated_on=date(2025, 1, 20), seed=1))
    return path


def progress_state(page) -> dict:
    return page.evaluate(
        """() => {
             const bar = document.querySelector('progress');
             const status = document.querySelector('[data-status-text]');
             const text = document.getElementById(bar.getAttribute('aria-describedby'));
             return {value: bar.value, max: bar.max, status: status.textContent.trim(), text: text.textContent.trim()};
           }"""
    )


def test_economist_imports_follows_up_and_the_board_closes_the_year(
    live_server, page, shots, job_worker, settings, tmp_path, monkeypatch
):
    # given: the home-care intraprenad, followed in the ledger as object 41010, with an approved budget for 2024
    settings.MEDIA_ROOT = tmp_path / "media"
    muni = build_municipality()
    intraprenad = intraprenad_at("active", muni)
    economist = muni.users.economist
    unit = ledger.set_result_unit(by=economist, org_unit=muni.unit, is_comparison=False, objects=[OBJECT])
    budget = budgets.draft_budget(by=economist, result_unit=unit, year=2024, annual=BUDGET)
    budgets.approve_budget(by=economist, budget=budget)
    meeting = board_meeting(muni, timezone.localdate())  # after the year end; decisions are recorded on the day
    sie = ledger_file(tmp_path)
    base = live_server.url

    # when: the economist uploads the year's export on the ledger page
    log_in(page, base, "ekonom")
    page.locator("header nav a[href='{}']".format(reverse("economy_ledger"))).click()
    page.wait_for_load_state()
    page.set_input_files("#id_file", str(sie))
    shots(page, "economy-01-upload")
    submit(page)
    assert_no_errors(page)

    # then the import is queued: the page shows it with an empty progress bar, and one import job is in the queue
    imported = LedgerImport.objects.get()
    assert page.url == base + reverse("economy_import_detail", args=[imported.pk])
    bar = page.get_by_role("progressbar", name=gettext("Progress"))
    assert bar.get_attribute("max") == "100"
    assert bar.get_attribute("value") == "0"
    assert page.locator("#" + bar.get_attribute("aria-describedby")).inner_text() == "0 %"
    assert page.locator("[data-status-text]").text_content().strip() == str(S.QUEUED.label)
    assert imported.status == LedgerImport.Status.QUEUED
    (task,) = job_worker.queued()
    assert (task["func"], task["args"]) == ("intraprenad.economy.tasks.run_import", (imported.pk,))
    shots(page, "economy-02-import-queued")

    # when the worker takes the job, the page (polling the import's status) shows the bar moving while it runs
    status_url = reverse("economy_import_status", args=[imported.pk])
    seen = []

    def polled(response):
        if response.url.endswith(status_url):
            with suppress(PlaywrightError):  # the last answer may be gone: the page has already reloaded itself
                seen.append(response.json())

    page.on("response", polled)
    # The file imports in well under a second, less than the page's polling interval: the worker holds still for
    # a moment once it is writing rows (past 60 %), so the page gets to show the bar on its way.
    report = ledger._Reporter.__call__

    def held(reporter, percent):
        report(reporter, percent)
        if percent >= 60 and not getattr(reporter, "held", False):
            reporter.held = True
            time.sleep(2.5)

    monkeypatch.setattr(ledger._Reporter, "__call__", held)
    job_worker.start()
    page.wait_for_function(
        "() => { const b = document.querySelector('progress'); return b && b.value > 0 && b.value < 100; }",
        timeout=30000,
    )
    running = progress_state(page)
    shots(page, "economy-03-import-running")
    assert running["max"] == 100 and 0 < running["value"] < 100, running
    assert running["status"] == str(S.RUNNING.label) and running["text"] == f"{running['value']:.0f} %", running
    assert page.get_by_role("progressbar", name=gettext("Progress")).count() == 1

    # ... and reaches done: the page reloads itself with the result
    page.wait_for_selector("p.message.success", timeout=120000)
    assert page.get_by_role("progressbar").count() == 0
    assert page.locator("h2#status-heading").text_content().strip().endswith(str(S.DONE.label))
    (result,) = job_worker.join()
    assert result == ("intraprenad.economy.tasks.run_import", LedgerImport.Status.DONE)
    imported.refresh_from_db()
    assert imported.status == LedgerImport.Status.DONE and imported.progress == 100
    assert imported.transaction_count == Transaction.objects.count() > 100_000
    assert any(s["status"] == "running" and 0 < s["progress"] < 100 for s in seen), seen
    shots(page, "economy-04-import-done")

    # when the economist opens the intraprenad's follow-up of 2024 from the import
    page.locator("main section a[href='{}?year=2024']".format(reverse("economy_unit", args=[unit.pk]))).click()
    page.wait_for_load_state()
    main = page.locator("main")
    assert "Hemvården Norr" in main.locator("h1").inner_text()
    lead = main.locator("p.lead").inner_text()
    assert "1,1" in lead and "mnkr" in lead  # the surplus of 1.1 MSEK
    shots(page, "economy-05-follow-up")

    # ... and clicks the staff costs of the year to date
    drill = reverse("economy_drilldown")
    figure = main.locator(f"section[aria-labelledby='ytd-heading'] tbody a[href*='{drill}'][href*='line=personnel']")
    shown = kronor(figure.inner_text())
    assert shown == Decimal(ACTUAL["personnel"]) / 100
    figure.click()
    page.wait_for_load_state()
    assert page.url.startswith(base + drill)
    total = AMOUNT.findall(main.locator("p.lead").inner_text())
    assert len(total) == 1, main.locator("p.lead").inner_text()
    rows = main.locator("table tbody tr")
    in_report = [kronor(t) for t in main.locator("table tbody tr td:last-child").all_inner_texts()]
    assert rows.count() == len(in_report) == 36  # wages, hourly wages and contributions in twelve pay runs
    assert kronor(total[0]) == sum(in_report) == shown
    shots(page, "economy-06-drilldown")

    # ... and opens the voucher behind the first transaction
    first = rows.first
    account = first.locator("td").nth(1).inner_text()
    amount = first.locator("td").nth(4).inner_text()  # in the ledger's sign
    first.locator("th a").click()
    page.wait_for_load_state()
    voucher = Voucher.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    heading = gettext("Voucher %(series)s %(number)s") % {"series": voucher.series, "number": voucher.number}
    assert main.locator("h1").inner_text() == heading
    voucher_rows = main.locator("table tbody tr")
    assert voucher_rows.count() == voucher.transactions.count() == 6  # a pay run: three costs, three liabilities
    amounts = [kronor(t) for t in main.locator("table tbody tr td.num").all_inner_texts()]
    assert kronor(main.locator("table tfoot td.num").inner_text()) == sum(amounts) == 0  # the voucher balances
    assert (account, kronor(amount)) in [
        (r.locator("th").inner_text(), kronor(r.locator("td.num").inner_text())) for r in voucher_rows.all()
    ]
    shots(page, "economy-07-voucher")

    # when the economist prepares the 2024 closing of the intraprenad
    page.goto(base + reverse("economy_closings") + "?year=2024")
    row = main.locator("table tbody tr", has_text=intraprenad.name)
    assert gettext("Not prepared") in row.inner_text()
    shots(page, "economy-08-closings")
    row.locator(f"form[action='{reverse('economy_closing_prepare')}'] button").click()
    page.wait_for_load_state()
    assert_no_errors(page)
    closing = YearEndClosing.objects.get(intraprenad=intraprenad, year=2024)
    detail = base + reverse("economy_closing_detail", args=[closing.pk])
    assert page.url == detail
    assert closing.status == YearEndClosing.Status.DRAFT
    assert closing.deviation_ore == 11 * MSEK // 10  # the surplus against the balanced budget
    assert closing.unit_share_ore + closing.board_share_ore == closing.deviation_ore
    shots(page, "economy-09-closing-prepared")
    log_out(page)

    # and the board member decides it at the board's meeting
    log_in(page, base, "ledamot")
    page.goto(detail)
    page.locator(f"main a[href='{reverse('economy_closing_decide', args=[closing.pk])}']").click()
    page.wait_for_load_state()
    page.select_option("#id_meeting", str(meeting.pk))
    page.fill("#id_decision_text", "Nämnden fastställer Hemvården Norrs årsresultat 2024 och överskottets fördelning.")
    shots(page, "economy-10-closing-decision")
    submit(page)
    assert_no_errors(page)

    # then the closing is decided and the unit's share of the surplus is in its result fund
    assert page.url == detail
    closing.refresh_from_db()
    assert closing.status == YearEndClosing.Status.DECIDED
    assert closing.decision.meeting == meeting
    assert main.locator("strong.status").text_content().strip() == str(YearEndClosing.Status.DECIDED.label)
    shots(page, "economy-11-closing-decided")
    (movement,) = FundMovement.objects.filter(result_unit=unit)
    assert movement.closing == closing and movement.amount_ore == closing.unit_share_ore > 0
    page.locator(f"main a[href='{reverse('economy_fund', args=[unit.pk])}']").first.click()
    page.wait_for_load_state()
    balance = kronor(main.locator("dl.meta dd").first.inner_text())
    assert balance == Decimal(closing.unit_share_ore) / 100
    movements = main.locator("table").nth(1).locator("tbody tr")
    assert movements.count() == 1 and "2024" in movements.first.inner_text()
    assert kronor(movements.first.locator("td.num").inner_text()) == balance
    shots(page, "economy-12-fund")
