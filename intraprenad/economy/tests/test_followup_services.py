"""The follow-up's services: the unit's own forecast (permission, comment, audit), early warnings (raised once,
only beyond the guidelines' threshold, e-mailed to the right people on commit) and acknowledging them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from intraprenad.accounts.models import AuditEvent
from intraprenad.economy.models import EarlyWarning, ForecastEntry
from intraprenad.economy.services import followup as services
from intraprenad.economy.tests.test_followup_data import (
    KR,
    YEAR,
    add_actuals,
    approved_budget,
    home_care,
    result_unit,
    with_emails,
)
from intraprenad.policy.tests.factories import adopted_revision

TODAY = date(YEAR, 3, 10)


def check(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return services.check_early_warnings(year=YEAR, today=TODAY, **kwargs)


# --- the unit's own forecast --------------------------------------------------------------------------


def test_the_unit_head_enters_a_forecast_with_a_comment_and_it_is_audited(muni):
    # given
    unit = home_care(muni)
    # when
    entry = services.enter_forecast(
        by=muni.users.unit_head,
        result_unit=unit,
        year=YEAR,
        month=2,
        result_ore=-3_500_000 * KR,
        comment="  Fler brukare med dubbelbemanning sedan januari.  ",
    )
    # then
    assert entry.result_ore == -3_500_000 * KR
    assert entry.comment == "Fler brukare med dubbelbemanning sedan januari."
    assert entry.entered_by == muni.users.unit_head
    event = AuditEvent.objects.get(verb="forecastentry.entered")
    assert event.actor == muni.users.unit_head
    assert event.changes["result_ore"] == -3_500_000 * KR
    assert event.target_id == str(entry.pk)


def test_the_economist_may_enter_a_forecast_for_a_unit_in_the_administration(muni):
    unit = home_care(muni)
    entry = services.enter_forecast(
        by=muni.users.economist, result_unit=unit, year=YEAR, month=2, result_ore=0, comment="Balans väntas."
    )
    assert entry.entered_by == muni.users.economist


@pytest.mark.parametrize("comment", ["", "   ", "\n"])
def test_a_forecast_without_a_comment_is_refused(muni, comment):
    unit = home_care(muni)
    with pytest.raises(ValidationError) as refused:
        services.enter_forecast(
            by=muni.users.unit_head, result_unit=unit, year=YEAR, month=2, result_ore=-1, comment=comment
        )
    assert "comment" in refused.value.message_dict
    assert not ForecastEntry.objects.exists()
    assert not AuditEvent.objects.filter(verb="forecastentry.entered").exists()


def test_a_month_outside_the_year_is_refused(muni):
    unit = home_care(muni)
    with pytest.raises(ValidationError) as refused:
        services.enter_forecast(
            by=muni.users.unit_head, result_unit=unit, year=YEAR, month=13, result_ore=0, comment="x"
        )
    assert "month" in refused.value.message_dict


@pytest.mark.parametrize("role", ["other_unit_head", "board_member", "officer", "staff", "no_role"])
def test_a_forecast_for_a_unit_outside_ones_own_is_refused(muni, role):
    unit = home_care(muni)
    with pytest.raises(PermissionDenied) as refused:
        services.enter_forecast(
            by=getattr(muni.users, role), result_unit=unit, year=YEAR, month=2, result_ore=0, comment="Min prognos."
        )
    assert "prognos" in str(refused.value) or "forecast" in str(refused.value)
    assert not ForecastEntry.objects.exists()


# --- early warnings -------------------------------------------------------------------------------------


def test_a_forecast_deficit_beyond_the_threshold_raises_one_warning_audited_and_mailed(
    muni, mailoutbox, django_capture_on_commit_callbacks
):
    # given Hemvården Norr at −200 000 kr a month and the default threshold of 1 % of 12 mnkr of costs
    with_emails(muni)
    unit = home_care(muni)
    # when
    raised = check(django_capture_on_commit_callbacks)
    # then
    assert len(raised) == 1
    warning = raised[0]
    assert (warning.result_unit, warning.year, warning.month) == (unit, YEAR, 2)
    assert warning.method == "run_rate"
    assert warning.forecast_ore == -2_400_000 * KR
    assert warning.threshold_ore == 120_000 * KR
    event = AuditEvent.objects.get(verb="earlywarning.raised")
    assert event.actor is None
    assert event.changes["forecast_ore"] == -2_400_000 * KR
    recipients = sorted(address for mail in mailoutbox for address in mail.to)
    assert recipients == ["economist@testkommun.se", "unit_head@testkommun.se"]
    mail = mailoutbox[0]
    assert "Hemvården Norr" in mail.subject
    assert "underskott" in mail.subject
    assert "februari" in mail.body
    assert "−2\xa0400\xa0000\xa0kr" in mail.body
    assert "120\xa0000\xa0kr" in mail.body
    assert "rak framskrivning" in mail.body
    assert f"/ekonomi/enheter/{unit.pk}/uppfoljning/?year={YEAR}&month=2" in mail.body


def test_checking_again_raises_nothing_new_and_sends_nothing(muni, mailoutbox, django_capture_on_commit_callbacks):
    with_emails(muni)
    home_care(muni)
    check(django_capture_on_commit_callbacks)
    sent = len(mailoutbox)
    # when
    raised = check(django_capture_on_commit_callbacks)
    # then
    assert raised == []
    assert EarlyWarning.objects.count() == 1
    assert AuditEvent.objects.filter(verb="earlywarning.raised").count() == 1
    assert len(mailoutbox) == sent


def test_a_new_month_of_actuals_raises_a_new_warning(muni, mailoutbox, django_capture_on_commit_callbacks):
    unit = home_care(muni)
    check(django_capture_on_commit_callbacks)
    add_actuals(unit, months=[3])
    raised = check(django_capture_on_commit_callbacks)
    assert [w.month for w in raised] == [3]
    assert EarlyWarning.objects.filter(result_unit=unit).count() == 2


def test_a_deficit_within_the_guidelines_threshold_raises_no_warning(
    muni, mailoutbox, django_capture_on_commit_callbacks
):
    # given the board's guidelines allow a forecast deficit of 25 % of the costs (3 mnkr)
    adopted_revision(board=muni.board, forecast_warning_share=Decimal("25"))
    home_care(muni)
    # when
    raised = check(django_capture_on_commit_callbacks)
    # then
    assert raised == []
    assert not EarlyWarning.objects.exists()
    assert mailoutbox == []


def test_the_threshold_comes_from_the_guidelines_in_force_on_the_day(muni, django_capture_on_commit_callbacks):
    adopted_revision(board=muni.board, forecast_warning_share=Decimal("25"), valid_from=date(2020, 1, 1))
    adopted_revision(board=muni.board, forecast_warning_share=Decimal("10"), valid_from=date(YEAR, 1, 1))
    home_care(muni)
    raised = check(django_capture_on_commit_callbacks)
    # 10 % of 12 mnkr = 1,2 mnkr, less than the 2,4 mnkr forecast deficit
    assert [w.threshold_ore for w in raised] == [1_200_000 * KR]


def test_a_unit_on_budget_or_without_an_approved_budget_raises_no_warning(muni, django_capture_on_commit_callbacks):
    on_budget = result_unit(muni.unit)
    approved_budget(on_budget)
    add_actuals(on_budget, per_month={"revenue": 1_000_000 * KR, "personnel": -1_000_000 * KR})
    no_budget = result_unit(muni.other_unit)
    add_actuals(no_budget)
    assert check(django_capture_on_commit_callbacks) == []


def test_a_manual_forecast_for_the_month_decides_the_warning(muni, django_capture_on_commit_callbacks):
    # given the unit head expects to restore balance by the end of the year
    unit = home_care(muni)
    services.enter_forecast(
        by=muni.users.unit_head, result_unit=unit, year=YEAR, month=2, result_ore=-50_000 * KR, comment="Åtgärder."
    )
    # then the run rate's deficit does not warn
    assert check(django_capture_on_commit_callbacks) == []


def test_units_of_another_board_use_that_boards_guidelines(muni, mailoutbox, django_capture_on_commit_callbacks):
    # given a school under BUN with the same deficit, and lenient guidelines only for Socialnämnden
    adopted_revision(board=muni.board, forecast_warning_share=Decimal("50"))
    home_care(muni)
    school = result_unit(muni.school, is_comparison=True)
    approved_budget(school)
    add_actuals(school)
    # when
    raised = check(django_capture_on_commit_callbacks)
    # then only the school is warned, with the default threshold (1 %)
    assert [w.result_unit for w in raised] == [school]
    assert raised[0].threshold_ore == 120_000 * KR


# --- acknowledging -----------------------------------------------------------------------------------------


def test_the_unit_head_acknowledges_a_warning_once(muni, django_capture_on_commit_callbacks):
    home_care(muni)
    [warning] = check(django_capture_on_commit_callbacks)
    acknowledged = services.acknowledge_warning(by=muni.users.unit_head, warning=warning)
    assert acknowledged.acknowledged_by == muni.users.unit_head
    assert acknowledged.acknowledged_at is not None
    assert AuditEvent.objects.filter(verb="earlywarning.acknowledged", actor=muni.users.unit_head).count() == 1
    with pytest.raises(ValidationError):
        services.acknowledge_warning(by=muni.users.economist, warning=warning)


@pytest.mark.parametrize("role", ["other_unit_head", "board_member", "staff"])
def test_only_unit_heads_and_economists_in_scope_acknowledge(muni, role, django_capture_on_commit_callbacks):
    home_care(muni)
    [warning] = check(django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.acknowledge_warning(by=getattr(muni.users, role), warning=warning)
    warning.refresh_from_db()
    assert warning.acknowledged_at is None
