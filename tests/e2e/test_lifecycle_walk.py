"""In a real browser: an officer and a board member take an intraprenad from interest to a signed agreement.

Every step is done through the pages, following the actions the intraprenad page offers, and each stage is
saved as a screenshot in artifacts/e2e/. The registrar's part (planning the board's meetings) is set up
beforehand through the services, as are the guidelines in force.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import build_municipality
from intraprenad.cases import services as cases
from intraprenad.lifecycle.models import Agreement, Intraprenad
from intraprenad.policy.tests.factories import adopted_revision

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "demo-losen-123"  # the user factory's password


def log_in(page, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url.startswith(base) and "logga-in" not in page.url, f"login failed for {username}"


def log_out(page) -> None:
    page.click("header form[action$='/logga-ut/'] button")
    page.wait_for_load_state()


def take_action(page, url: str) -> None:
    """Click the page's button (a form posting to `url`) or link (to `url`)."""
    button = page.locator(f"main form[action='{url}'] button[type=submit]")
    if button.count():
        button.first.click()
    else:
        page.locator(f"main a[href='{url}']").first.click()
    page.wait_for_load_state()


def submit(page) -> None:
    page.locator("main form.form button[type=submit], main form button[type=submit]").last.click()
    page.wait_for_load_state()


def assert_no_errors(page) -> None:
    errors = page.locator(".errorlist, .messages .error")
    assert errors.count() == 0, errors.all_inner_texts()


def test_officer_and_board_member_take_an_intraprenad_to_a_signed_agreement(live_server, page, shots):
    # given: a municipality, the board's guidelines (two training sessions) and two board meetings today
    muni = build_municipality()
    adopted_revision(board=muni.board, training_sessions_min=2)
    today = timezone.localdate()
    # (decisions are recorded on or after the meeting day, so both meetings are today's)
    first, second = (
        cases.create_meeting(by=muni.users.registrar, body=muni.board, date=today, location=room)
        for room in ("Sammanträdesrum Storsjön", "Sammanträdesrum Ljusnan")
    )
    base = live_server.url

    # when: the officer registers the staff group's expression of interest
    log_in(page, base, "handlaggare")
    page.goto(base + reverse("intraprenad_register_interest"))
    page.select_option("#id_unit", label="Hemvården Norr")
    page.fill("#id_received_on", (today - timedelta(days=60)).isoformat())
    page.fill("#id_contact_name", "Karin Enhetschef")
    page.fill("#id_staff_count", "9")
    page.fill("#id_motivation", "Medarbetarna vill ta ett större ansvar för verksamheten.")
    shots(page, "01-interest-form")
    submit(page)
    assert_no_errors(page)
    intraprenad = Intraprenad.objects.get()
    detail = base + reverse("intraprenad_detail", args=[intraprenad.pk])
    assert page.url == detail
    shots(page, "02-interest-registered")

    # the officer offers the training, adds two held sessions with attendance, the presentation, completes it
    take_action(page, reverse("training_offer", args=[intraprenad.pk]))
    page.goto(base + reverse("training_detail", args=[intraprenad.pk]))
    for n, days_ago in enumerate((40, 30), start=1):
        page.fill("#id_date", (today - timedelta(days=days_ago)).isoformat())
        page.fill("#id_hours", "3")
        page.fill("#id_topic", f"Träff {n}: verksamhetsidé och ekonomi")
        page.locator(f"form[action='{reverse('training_session_add', args=[intraprenad.pk])}'] button").click()
        page.wait_for_load_state()
        assert_no_errors(page)
    for attendance in page.locator("input[name$='-attendees']").all():
        attendance.fill("8")
        attendance.locator("xpath=ancestor::form").locator("button").click()
        page.wait_for_load_state()
    page.fill("#id_presented_on", (today - timedelta(days=20)).isoformat())
    page.fill("#id_summary", "Hemtjänst med fasta team, brukarråd och egen budget.")
    page.locator(f"form[action='{reverse('training_presentation', args=[intraprenad.pk])}'] button").click()
    page.wait_for_load_state()
    assert_no_errors(page)
    shots(page, "03-training")
    take_action(page, reverse("training_complete", args=[intraprenad.pk]))
    assert_no_errors(page)

    # the officer starts the application with the unit, writes every section, the staff support and the budget
    page.goto(detail)
    take_action(page, reverse("application_start", args=[intraprenad.pk]))
    application = intraprenad.applications.get()
    page.goto(base + reverse("application_edit", args=[application.pk]))
    for textarea in page.locator("textarea[name^='section_']").all():
        textarea.fill("Så här bedriver vi verksamheten, mäter kvaliteten och följer upp ekonomin.")
    page.fill("#id_staff_total", "9")
    page.fill("#id_staff_in_favour", "7")
    page.fill("#id_years_positive_result", "3")
    page.locator(f"form[action='{reverse('application_edit', args=[application.pk])}'] button[type=submit]").click()
    page.wait_for_load_state()
    assert_no_errors(page)
    page.goto(base + reverse("application_edit", args=[application.pk]))
    page.select_option("#id_budget-0-kind", "staff")
    page.fill("#id_budget-0-description", "Löner")
    page.fill("#id_budget-0-amount", "7800000")
    page.select_option("#id_budget-1-kind", "operating")
    page.fill("#id_budget-1-description", "Bilar och lokaler")
    page.fill("#id_budget-1-amount", "1500000")
    page.locator(f"form[action='{reverse('application_budget', args=[application.pk])}'] button[type=submit]").click()
    page.wait_for_load_state()
    assert_no_errors(page)
    shots(page, "04-application")
    page.goto(base + reverse("application_detail", args=[application.pk]))
    take_action(page, reverse("application_submit", args=[application.pk]))
    assert_no_errors(page)

    # the officer prepares the case: the memo with a proposed decision
    page.goto(base + reverse("application_prepare", args=[application.pk]))
    page.fill("#id_summary", "Hemvården Norr ansöker om att drivas som intraprenad.")
    page.fill("#id_assessment", "Ansökan uppfyller riktlinjerna och har stöd av sju av nio medarbetare.")
    page.select_option("#id_proposal", "approve")
    page.fill("#id_proposed_decision", "Nämnden beviljar ansökan om intraprenad.")
    submit(page)
    assert_no_errors(page)
    shots(page, "05-prepared")
    log_out(page)

    # the board member grants the application at the first meeting
    log_in(page, base, "ledamot")
    page.goto(detail)
    take_action(page, reverse("application_decide", args=[application.pk]))
    page.select_option("#id_meeting", str(first.pk))
    page.check("input[name=outcome][value=approve]")
    page.fill("#id_decision_text", "Nämnden beviljar ansökan om intraprenad för Hemvården Norr.")
    shots(page, "06-decision-form")
    submit(page)
    assert_no_errors(page)
    log_out(page)

    # the officer drafts the agreement and writes every clause
    log_in(page, base, "handlaggare")
    page.goto(detail)
    take_action(page, reverse("agreement_start", args=[application.pk]))
    if page.locator("#id_period_start").count():
        page.fill("#id_period_start", (today + timedelta(days=40)).replace(day=1).isoformat())
        submit(page)
    assert_no_errors(page)
    agreement = Agreement.objects.get()
    page.goto(base + reverse("agreement_edit", args=[agreement.pk]))
    for textarea in page.locator("textarea[name^='clause_']").all():
        textarea.fill("Parterna är överens om detta enligt riktlinjerna.")
    submit(page)
    assert_no_errors(page)
    shots(page, "07-agreement-drafted")
    log_out(page)

    # the board member decides the agreement at the second meeting
    log_in(page, base, "ledamot")
    page.goto(base + reverse("agreement_detail", args=[agreement.pk]))
    take_action(page, reverse("agreement_decide", args=[agreement.pk]))
    page.select_option("#id_meeting", str(second.pk))
    page.fill("#id_decision_text", "Nämnden godkänner överenskommelsen om intraprenad med Hemvården Norr.")
    submit(page)
    assert_no_errors(page)
    log_out(page)

    # the officer registers the signatures
    log_in(page, base, "handlaggare")
    page.goto(base + reverse("agreement_detail", args=[agreement.pk]))
    take_action(page, reverse("agreement_sign", args=[agreement.pk]))
    page.fill("#id_signed_on", today.isoformat())
    page.fill("#id_board_signatory", "Nämndens ordförande")
    page.fill("#id_unit_signatory", "Karin Enhetschef, enhetschef")
    submit(page)
    assert_no_errors(page)

    # then: the intraprenad is active under a signed agreement, and its page shows the whole timeline
    page.goto(detail)
    shots(page, "08-active")
    for obj in (intraprenad, application, agreement):
        obj.refresh_from_db()
    assert intraprenad.status == Intraprenad.Status.ACTIVE
    assert agreement.status == Agreement.Status.SIGNED
    main = page.locator("main").inner_text()
    assert "Aktiv" in main
    assert application.case.case_number in main
    assert re.search(r"SN \d{4}-\d{5}", main)
    for decided in (application, agreement):
        assert decided.decision.reference in main
    with page.expect_download() as download:
        page.locator(f"a[href='{reverse('agreement_download', args=[agreement.pk, 'pdf'])}']").first.click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
