"""axe-core in Chromium over the main pages of the demo municipality: no serious or critical WCAG 2.1 A/AA violations.

The pages are visited as the public, as an officer and as a board member, so both the read-only and the
form-filled versions are checked; the economy's pages as the economist, the unit head and the board member. Each
page is also saved as a screenshot in artifacts/e2e/.
"""

import pytest
from django.urls import reverse

from intraprenad.cases.models import Case, Meeting
from intraprenad.demo import scenario
from intraprenad.economy.models import ActionPlan, Budget, LedgerImport, ResultUnit, Voucher, YearEndClosing
from intraprenad.lifecycle.models import Agreement, Application, Intraprenad
from intraprenad.policy.models import GuidelineRevision

from .axe import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", scenario.DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "logga-in" not in page.url, f"login failed for {username}"


def pages_of_the_demo() -> dict[str, list[str]]:
    home_care = Intraprenad.objects.get(unit__name="Hemvården Östra")
    pending = Intraprenad.objects.get(unit__name="Hemvården Västra")
    application = Application.objects.filter(intraprenad=home_care).first()
    agreement = Agreement.objects.filter(intraprenad=home_care, status=Agreement.Status.SIGNED).first()
    motion = Case.objects.get(series="KS", year=2023, number=258)
    meeting = Meeting.objects.filter(status=Meeting.Status.MINUTES_APPROVED).first()
    revision = GuidelineRevision.objects.filter(status=GuidelineRevision.Status.ADOPTED).first()
    public = [
        reverse("login"),
        reverse("home"),
        reverse("intraprenad_detail", args=[home_care.pk]),
        reverse("agreement_detail", args=[agreement.pk]),
        reverse("case_list"),
        reverse("case_detail", args=[motion.pk]),
        reverse("meeting_list"),
        reverse("meeting_detail", args=[meeting.pk]),
        reverse("revision_list"),
        reverse("revision_detail", args=[revision.pk]),
    ]
    officer = [
        reverse("home"),
        reverse("organisation_page"),
        reverse("intraprenad_register_interest"),
        reverse("intraprenad_detail", args=[pending.pk]),
        reverse("training_detail", args=[home_care.pk]),
        reverse("application_detail", args=[application.pk]),
        reverse("case_register"),
        reverse("revision_import"),
        reverse("revision_compare_choose", args=[revision.pk]),
    ]
    board_member = [
        reverse("home"),
        reverse("intraprenad_detail", args=[home_care.pk]),
        reverse("case_detail", args=[motion.pk]),
    ]
    # the economy: Hemvården Östra's follow-up, budgets, ledger, closing and fund; Åsa skola's action plan
    east = ResultUnit.objects.get(org_unit__name="Hemvården Östra")
    budget = Budget.objects.filter(result_unit=east, status=Budget.Status.APPROVED).order_by("-year").first()
    ledger_import = LedgerImport.objects.filter(status=LedgerImport.Status.DONE).order_by("-id").first()
    voucher = Voucher.objects.filter(transactions__object_id="41010", ledger_import=ledger_import).first()
    closing = YearEndClosing.objects.filter(result_unit=east, status=YearEndClosing.Status.DECIDED).first()
    action_plan = ActionPlan.objects.get(intraprenad__unit__name="Åsa skola")
    follow_up = reverse("economy_unit", args=[east.pk])
    economist = [
        reverse("economy_overview"),
        follow_up,
        reverse("economy_budgets", args=[east.pk]),
        reverse("economy_budget_detail", args=[budget.pk]),
        reverse("economy_index"),
        reverse("economy_ledger"),
        reverse("economy_import_detail", args=[ledger_import.pk]),
        reverse("economy_mapping"),
        reverse("economy_drilldown") + f"?unit={east.pk}&year={ledger_import.fiscal_year_start.year}&line=personnel",
        reverse("economy_voucher", args=[voucher.pk]),
        reverse("economy_closings"),
        reverse("economy_closing_detail", args=[closing.pk]),
        reverse("economy_fund", args=[east.pk]),
        reverse("economy_action_plan", args=[action_plan.pk]),
        reverse("economy_warnings"),
    ]
    board_member += [reverse("economy_overview"), reverse("economy_closing_detail", args=[closing.pk])]
    return {
        "public": public,
        "handlaggare": officer,
        "ledamot": board_member,
        "ekonom": economist,
        "enhetschef": [follow_up],
    }


def test_main_pages_have_no_serious_accessibility_violations(live_server, page, shots):
    # given the demo municipality
    scenario.build()
    base = live_server.url
    found = {}

    # when every main page is checked as the public, an officer, a board member, the economist and a unit head
    for who, paths in pages_of_the_demo().items():
        if who != "public":
            log_in(page, base, who)
        for n, path in enumerate(paths):
            response = page.goto(base + path)
            assert response.ok, f"{who} {path}: {response.status}"
            shots(page, f"a11y-{who}-{n:02d}")
            violations = serious_violations(page)
            if violations:
                found[f"{who} {path}"] = violations

    # then
    assert not found, found
