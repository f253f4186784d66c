"""The year-end closing pages: one success and one permission test per view, and the walk from preparing a deficit
through the board's decision to the action plan and the fund, as the browser posts it."""

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from intraprenad.cases import services as case_services
from intraprenad.economy.models import ActionMeasure, ActionPlan, FundMovement, YearEndClosing
from intraprenad.economy.tests.test_closing_factories import (
    MSEK,
    closing_world,
    decided,
    meeting_after,
    prepared,
    year_of,
)

S = YearEndClosing.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(muni):
    return closing_world(muni)


def login(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- the closings list --------------------------------------------------------------------------------------


def test_the_closings_list_shows_every_intraprenad_of_the_year(client, world):
    decided(world, 2023, result=MSEK // 2)
    response = login(client, world.muni.users.economist).get(reverse("economy_closings"), {"year": 2023})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hemvården Norr" in page and "500\u00a0000,00\u00a0kr" in page
    assert reverse("economy_closing_detail", args=[YearEndClosing.objects.get().pk]) in page
    # 2024 is not prepared yet: the economist is offered to prepare it
    response = client.get(reverse("economy_closings"), {"year": 2024})
    assert response.context["rows"][0]["can_prepare"] and response.context["rows"][0]["row"].closing is None


def test_the_closings_list_is_for_those_who_follow_the_economy(client, world):
    assert client.get(reverse("economy_closings")).status_code == 302  # anonymous: log in
    for role in ("registrar", "evaluator", "no_role"):
        assert login(client, getattr(world.muni.users, role)).get(reverse("economy_closings")).status_code == 403
    other = login(client, world.muni.users.other_unit_head).get(reverse("economy_closings"), {"year": 2024})
    assert other.status_code == 200 and other.context["rows"] == []  # not their unit


def test_the_economist_prepares_from_the_list(client, world):
    year_of(world, 2024, result=-MSEK)
    response = login(client, world.muni.users.economist).post(
        reverse("economy_closing_prepare"), {"intraprenad": world.intraprenad.pk, "year": 2024, "comment": "Övertid"}
    )
    closing = YearEndClosing.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("economy_closing_detail", args=[closing.pk])
    assert (closing.status, closing.deviation_ore, closing.comment) == (S.DRAFT, -MSEK, "Övertid")


def test_preparing_is_refused_with_the_service_s_message(client, world):
    # no budget and no actuals
    response = login(client, world.muni.users.economist).post(
        reverse("economy_closing_prepare"), {"intraprenad": world.intraprenad.pk, "year": 2024}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("economy_closings") + "?year=2024"
    assert "2024" in messages_of(response)[0]
    assert not YearEndClosing.objects.exists()


@pytest.mark.parametrize("role", ["unit_head", "board_member", "other_unit_head", "officer"])
def test_only_the_economist_prepares(client, world, role):
    year_of(world, 2024, result=0)
    response = login(client, getattr(world.muni.users, role)).post(
        reverse("economy_closing_prepare"), {"intraprenad": world.intraprenad.pk, "year": 2024}
    )
    assert response.status_code == 403
    assert not YearEndClosing.objects.exists()


# --- one closing --------------------------------------------------------------------------------------------


def test_the_closing_page_shows_every_figure_and_the_parameters(client, world):
    closing = prepared(world, 2024, result=MSEK // 2)
    response = login(client, world.muni.users.unit_head).get(reverse("economy_closing_detail", args=[closing.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<dl" in page and "<caption>" in page and 'scope="row"' in page
    assert "10\u00a0000\u00a0000,00\u00a0kr" in page  # the turnover
    assert "500\u00a0000,00\u00a0kr" in page
    assert str(world.revision) in page
    assert [p.name for p in response.context["detail"].parameters] == [
        "surplus_share_unit",
        "fund_cap_share_of_turnover",
        "fund_cap_amount",
        "deficit_share_unit",
        "action_plan_deadline_months",
    ]
    # the unit head may look but not prepare, decide or reopen
    assert not any(response.context[k] for k in ("can_prepare", "can_decide", "can_reopen"))


def test_the_decision_reference_is_public_only_once_the_minutes_are_approved(client, world):
    closing = decided(world, 2024, result=MSEK // 2)
    url = reverse("economy_closing_detail", args=[closing.pk])
    reference = closing.decision.reference
    assert reference in login(client, world.muni.users.economist).get(url).content.decode()  # case rights
    unit_head_page = login(client, world.muni.users.unit_head).get(url)
    assert unit_head_page.context["detail"].decision_reference is None
    assert reference not in unit_head_page.content.decode()
    meeting = closing.decision.meeting
    registrar = world.muni.users.registrar
    case_services.hold_meeting(by=registrar, meeting=meeting)
    case_services.approve_minutes(by=registrar, meeting=meeting, approved_on=meeting.date, adjusters="Anna Andersson")
    assert reference in client.get(url).content.decode()


def test_a_closing_outside_the_user_s_scope_is_not_found(client, world):
    closing = prepared(world, 2024, result=0)
    url = reverse("economy_closing_detail", args=[closing.pk])
    assert login(client, world.muni.users.other_unit_head).get(url).status_code == 404
    assert login(client, world.muni.users.school_officer).get(url).status_code == 404


def test_the_board_decides_through_the_decision_page(client, world):
    closing = prepared(world, 2024, result=-MSEK // 4)
    meeting = meeting_after(world, 2024)
    url = reverse("economy_closing_decide", args=[closing.pk])
    browser = login(client, world.muni.users.board_member)
    page = browser.get(url)
    assert page.status_code == 200 and list(page.context["form"].fields["meeting"].queryset) == [meeting]
    response = browser.post(url, {"meeting": meeting.pk, "decision_text": "Nämnden fastställer årsbokslutet."})
    assert response.status_code == 302
    closing.refresh_from_db()
    assert closing.status == S.DECIDED
    assert ActionPlan.objects.get().closing == closing


def test_a_refused_decision_is_shown_on_the_form(client, world):
    closing = prepared(world, 2024, result=0)
    meeting = meeting_after(world, 2024, day=date(2025, 3, 20))
    response = login(client, world.muni.users.board_member).post(
        reverse("economy_closing_decide", args=[closing.pk]), {"meeting": meeting.pk, "decision_text": " "}
    )
    assert response.status_code == 200
    assert response.context["form"].errors  # the decision text is required
    too_early = meeting_after(world, 2024, day=date(2024, 12, 1))
    response = client.post(
        reverse("economy_closing_decide", args=[closing.pk]), {"meeting": too_early.pk, "decision_text": "x"}
    )
    assert response.status_code == 200
    assert "meeting" in response.context["form"].errors  # only meetings after the year can be chosen
    closing.refresh_from_db()
    assert closing.status == S.DRAFT


def test_deciding_a_decided_closing_again_shows_the_refusal(client, world):
    closing = decided(world, 2024, result=0)
    response = login(client, world.muni.users.board_member).post(
        reverse("economy_closing_decide", args=[closing.pk]),
        {"meeting": meeting_after(world, 2024, day=date(2025, 3, 20)).pk, "decision_text": "Igen."},
    )
    assert response.status_code == 200
    assert closing.decision.reference in str(response.context["form"].non_field_errors())
    assert FundMovement.objects.count() == 0  # a result of zero moves nothing, and nothing more was recorded


@pytest.mark.parametrize("role", ["economist", "unit_head", "registrar"])
def test_only_board_members_reach_the_decision_pages(client, world, role):
    closing = decided(world, 2023, result=0)
    draft = prepared(world, 2024, result=0)
    browser = login(client, getattr(world.muni.users, role))
    assert browser.get(reverse("economy_closing_decide", args=[draft.pk])).status_code in (403, 404)
    assert browser.get(reverse("economy_closing_reopen", args=[closing.pk])).status_code in (403, 404)


def test_the_board_reopens_through_the_reopen_page(client, world):
    closing = decided(world, 2024, result=MSEK)
    meeting = meeting_after(world, 2024, day=date(2025, 5, 20))
    response = login(client, world.muni.users.board_member).post(
        reverse("economy_closing_reopen", args=[closing.pk]),
        {"meeting": meeting.pk, "decision_text": "Omprövas.", "reasons": "Fel periodisering."},
    )
    assert response.status_code == 302
    closing.refresh_from_db()
    assert closing.status == S.REOPENED
    assert FundMovement.objects.filter(kind="reversal").get().amount_ore == -MSEK


# --- the fund -----------------------------------------------------------------------------------------------


def test_the_fund_page_shows_the_ledger_the_chart_and_its_table(client, world):
    decided(world, 2023, result=MSEK)
    response = login(client, world.muni.users.staff).get(reverse("economy_fund", args=[world.result_unit.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "<figcaption" in page
    assert "1\u00a0000\u00a0000,00\u00a0kr" in page
    assert response.context["balance_ore"] == MSEK
    assert response.context["use_form"] is None  # staff may not use the fund


def test_the_fund_of_another_unit_is_not_found(client, world):
    url = reverse("economy_fund", args=[world.result_unit.pk])
    assert login(client, world.muni.users.other_unit_head).get(url).status_code == 404
    assert login(client, world.muni.users.no_role).get(url).status_code == 404


def test_a_board_member_records_a_use_of_the_fund(client, world):
    decided(world, 2023, result=MSEK)
    meeting = meeting_after(world, 2024, day=date(2024, 5, 5))
    browser = login(client, world.muni.users.board_member)
    form = browser.get(reverse("economy_fund", args=[world.result_unit.pk])).context["use_form"]
    assert [key for key, _title in form.fields["purpose"].choices][1:] == [
        "kompetensutveckling",
        "personalbeframjande",
        "fondering",
    ]
    response = browser.post(
        reverse("economy_fund_use", args=[world.result_unit.pk]),
        {
            "meeting": meeting.pk,
            "purpose": "kompetensutveckling",
            "amount": "125000.50",
            "description": "Handledning i demensvård",
            "date": "2024-05-05",
        },
    )
    assert response.status_code == 302
    assert FundMovement.objects.get(kind="use").amount_ore == -12_500_050


def test_a_use_above_the_balance_is_refused_on_the_form(client, world):
    decided(world, 2023, result=MSEK)
    response = login(client, world.muni.users.board_member).post(
        reverse("economy_fund_use", args=[world.result_unit.pk]),
        {
            "meeting": meeting_after(world, 2024, day=date(2024, 5, 5)).pk,
            "purpose": "kompetensutveckling",
            "amount": "2000000",
            "description": "För mycket",
            "date": "2024-05-05",
        },
    )
    assert response.status_code == 200
    assert "1\u00a0000\u00a0000,00\u00a0kr" in str(response.context["use_form"].non_field_errors())
    assert not FundMovement.objects.filter(kind="use").exists()


@pytest.mark.parametrize("role", ["economist", "unit_head", "officer"])
def test_only_board_members_record_uses(client, world, role):
    response = login(client, getattr(world.muni.users, role)).post(
        reverse("economy_fund_use", args=[world.result_unit.pk]), {}
    )
    assert response.status_code == 403


# --- action plans -------------------------------------------------------------------------------------------


@pytest.fixture
def plan(world) -> ActionPlan:
    decided(world, 2023, result=-MSEK // 2)
    return ActionPlan.objects.get()


def test_the_unit_head_works_on_the_plan_through_its_page(client, world, plan):
    browser = login(client, world.muni.users.unit_head)
    url = reverse("economy_action_plan", args=[plan.pk])
    page = browser.get(url)
    assert page.status_code == 200 and page.context["can_manage"]
    assert "500\u00a0000,00\u00a0kr" in page.content.decode() and plan.deadline.isoformat() in page.content.decode()
    assert browser.post(reverse("economy_action_plan_update", args=[plan.pk]), {"summary": "Analys"}).status_code == 302
    response = browser.post(
        reverse("economy_action_measure_add", args=[plan.pk]),
        {"description": "Fasta team", "owner": "Karin", "due_on": "2024-09-01", "effect": "100000"},
    )
    assert response.status_code == 302
    measure = ActionMeasure.objects.get()
    assert measure.effect_ore == 10_000_000
    response = browser.post(
        reverse("economy_action_measure_update", args=[measure.pk]), {f"m{measure.pk}-status": "done"}
    )
    assert response.status_code == 302
    response = browser.post(
        reverse("economy_action_follow_up_add", args=[plan.pk]),
        {"date": "2024-06-30", "note": "Halverad övertid", "result_to_date": "-50000"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    measure.refresh_from_db()
    assert (plan.summary, measure.status, plan.follow_ups.get().result_to_date_ore) == ("Analys", "done", -5_000_000)
    page = browser.get(url).content.decode()
    assert "Fasta team" in page and "Halverad övertid" in page


def test_a_measure_due_after_the_deadline_is_refused_on_the_form(client, world, plan):
    response = login(client, world.muni.users.officer).post(
        reverse("economy_action_measure_add", args=[plan.pk]),
        {"description": "Sent", "owner": "Karin", "due_on": "2030-01-01"},
    )
    assert response.status_code == 200
    assert plan.deadline.isoformat() in str(response.context["measure_form"].non_field_errors())


def test_action_plan_pages_for_others(client, world, plan):
    url = reverse("economy_action_plan", args=[plan.pk])
    board = login(client, world.muni.users.board_member).get(url)
    assert board.status_code == 200 and not board.context["can_manage"]  # the board reads, the unit works
    assert client.post(reverse("economy_action_plan_update", args=[plan.pk]), {"summary": "x"}).status_code == 403
    assert login(client, world.muni.users.other_unit_head).get(url).status_code == 404
    assert (
        login(client, world.muni.users.staff)
        .post(reverse("economy_action_follow_up_add", args=[plan.pk]), {"date": "2024-06-30", "note": "x"})
        .status_code
        == 403
    )


def test_closing_a_restored_plan_from_its_page(client, world, plan):
    decided(world, 2024, result=MSEK)  # restores and closes the plan automatically
    ActionPlan.objects.filter(pk=plan.pk).update(status=ActionPlan.Status.OPEN, closed_on=None)
    browser = login(client, world.muni.users.economist)
    assert browser.get(reverse("economy_action_plan", args=[plan.pk])).context["can_close"]
    response = browser.post(reverse("economy_action_plan_restore", args=[plan.pk]))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.RESTORED


def test_closing_a_plan_that_is_not_restored_is_refused(client, world, plan):
    response = login(client, world.muni.users.economist).post(
        reverse("economy_action_plan_restore", args=[plan.pk]), follow=True
    )
    assert "500\u00a0000,00\u00a0kr" in messages_of(response)[0]
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.OPEN


def test_the_daily_command_escalates_overdue_plans(world, plan, capsys):
    call_command("review_action_plans", "--today", "2025-03-15")
    out = capsys.readouterr().out
    plan.refresh_from_db()
    assert plan.status == ActionPlan.Status.ESCALATED
    assert plan.termination.case.case_number in out
    assert "1 åtgärdsplan väckt hos nämnden." in out  # singular
    call_command("review_action_plans", "--today", "2025-03-16")
    assert "0 åtgärdsplaner väckta hos nämnden." in capsys.readouterr().out  # plural
