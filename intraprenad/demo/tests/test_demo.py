from io import StringIO

import pytest
from django.core.management import call_command

from intraprenad.accounts.models import AuditEvent
from intraprenad.cases.models import Case, Paragraph, Referral
from intraprenad.economy.models import (
    ActionPlan,
    EarlyWarning,
    FundMovement,
    LedgerImport,
    MonthlyActual,
    YearEndClosing,
)
from intraprenad.lifecycle.models import Agreement, Intraprenad, Termination
from intraprenad.policy.models import GuidelineRevision


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        out = StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        from django.core.management import call_command as cc

        cc("flush", "--noinput", verbosity=0)


pytestmark = pytest.mark.django_db


def test_load_demo_prints_the_logins_and_is_idempotent(demo):
    # given the demo loaded once (fixture); when it is loaded again
    out = StringIO()
    call_command("load_demo", stdout=out)
    # then nothing new is created and the logins are printed both times
    assert "handlaggare" in demo and "demo1234" in demo
    assert "finns redan" in out.getvalue()
    assert Intraprenad.objects.filter(name="Hemvården Östra").count() == 1


def test_the_ljusdal_guidelines_are_the_adopted_municipality_wide_default(demo):
    revision = GuidelineRevision.objects.adopted().get(board__isnull=True)
    assert revision.adopted_by.outcome == Paragraph.Outcome.ADOPT
    assert revision.items.filter(kind="application_section").count() == 6
    assert revision.items.filter(kind="agreement_clause").count() == 15


def test_the_motion_is_referred_by_ksau_103_to_four_boards_and_ifo_proposes_rejection(demo):
    case = Case.objects.get(series="KS", year=2023, number=258)
    assert case.case_number == "KS 2023-00258"
    references = {p.reference for p in case.paragraphs.all()}
    assert {"202300258-KF-§ 49", "202300258-KSAU-§ 103"} <= references
    referrals = Referral.objects.filter(case=case)
    assert {r.to_body.short_name for r in referrals} == {"FG", "GA", "IFO", "VO"}
    answered = referrals.get(to_body__short_name="IFO")
    assert answered.status == Referral.Status.ANSWERED
    assert "avslå motionen" in answered.answer.decision_text


def test_the_home_care_intraprenad_started_by_initiative_is_active_under_a_renewed_agreement(demo):
    home_care = Intraprenad.objects.get(name="Hemvården Östra")
    assert home_care.status == Intraprenad.Status.ACTIVE
    assert home_care.origin == Intraprenad.Origin.BOARD
    assert home_care.one_time_frame_increase == 1500000
    statuses = sorted(home_care.agreements.values_list("status", flat=True))
    assert statuses == [Agreement.Status.REPLACED, Agreement.Status.SIGNED]
    assert AuditEvent.objects.filter(subject_id=str(home_care.pk), verb__startswith="application.").exists()


def test_asa_school_was_wound_up_after_a_deficit(demo):
    asa = Intraprenad.objects.get(name="Åsa skola")
    assert asa.status == Intraprenad.Status.ENDED
    termination = asa.terminations.get()
    assert termination.ground == Termination.Ground.ECONOMY
    assert termination.status == Termination.Status.DECIDED
    # the ending was raised by the daily review when the 2021 action plan's deadline passed without balance
    plan = ActionPlan.objects.get(intraprenad=asa)
    assert plan.status == ActionPlan.Status.ESCALATED and plan.termination == termination
    assert plan.closing.deviation_ore < 0 and plan.measures.count() == 2 and plan.follow_ups.count() == 1


def test_the_ledger_is_imported_for_every_year_and_reconciles(demo):
    imports = LedgerImport.objects.filter(status=LedgerImport.Status.DONE)
    assert sorted(i.fiscal_year_start.year for i in imports) == [2021, 2022, 2023, 2024, 2025, 2026]
    assert all(i.reconciliation.get("ok", True) for i in imports)
    # the 2026 export runs through October
    months = MonthlyActual.objects.filter(year=2026).values_list("month", flat=True)
    assert max(months) == 10


def test_home_care_has_two_surplus_years_in_its_result_fund_and_a_use(demo):
    home_care = Intraprenad.objects.get(name="Hemvården Östra")
    closings = YearEndClosing.objects.filter(intraprenad=home_care).order_by("year")
    assert [(c.year, c.status) for c in closings] == [(2024, "decided"), (2025, "decided")]
    assert all(c.deviation_ore > 0 and c.unit_share_ore + c.board_share_ore == c.deviation_ore for c in closings)
    movements = FundMovement.objects.filter(intraprenad=home_care)
    assert {m.kind for m in movements} == {"allocation", "use"}
    assert closings.last().fund_closing_ore == sum(m.amount_ore for m in movements)


def test_the_comparable_home_care_unit_is_warned_of_a_forecast_deficit(demo):
    warning = EarlyWarning.objects.get(result_unit__org_unit__name="Hemvården Västra", year=2026)
    assert warning.month == 10 and warning.forecast_ore < -warning.threshold_ore
