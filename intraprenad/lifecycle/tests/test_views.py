"""The lifecycle pages: one success and one permission test per view, and the whole walk from an
expression of interest to a signed agreement through the browser's POSTs."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from intraprenad.accounts.models import AuditEvent
from intraprenad.lifecycle import services
from intraprenad.lifecycle.models import (
    Agreement,
    Application,
    Intraprenad,
    Memo,
    Termination,
    TrainingSession,
)
from intraprenad.lifecycle.tests.factories import (
    board_meeting,
    ensure_revision,
    fill_agreement,
    intraprenad_at,
    run_training,
)
from intraprenad.policy.tests.factories import LJUSDAL_CLAUSES, LJUSDAL_SECTIONS, adoption_paragraph

I = Intraprenad.Status  # noqa: E741


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def today():
    return timezone.localdate()


def login(client, user):
    client.force_login(user)
    return client


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def application_of(intraprenad: Intraprenad) -> Application:
    return intraprenad.applications.order_by("-id").first()


def agreement_of(intraprenad: Intraprenad) -> Agreement:
    return intraprenad.agreements.order_by("-id").first()


def termination_of(intraprenad: Intraprenad) -> Termination:
    return intraprenad.terminations.order_by("-id").first()


def interest_data(muni, **overrides) -> dict:
    data = {
        "unit": muni.unit.pk,
        "received_on": today().isoformat(),
        "contact_name": "Karin Enhetschef",
        "staff_count": "9",
        "motivation": "Vi vill ta större ansvar för verksamheten.",
        "name": "",
        "service_type": "",
    }
    return {**data, **overrides}


# --- list ------------------------------------------------------------------------------------------


def test_list_shows_the_officers_intraprenader_with_status_and_a_register_button(
    client, muni, django_assert_max_num_queries
):
    # given
    intraprenad_at("active", muni)
    login(client, muni.users.officer)

    # when
    with django_assert_max_num_queries(12):
        response = client.get(reverse("home"))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hemvården Norr" in page
    assert "Aktiv" in page
    assert "2022-01-01 – 2024-12-31" in page
    assert reverse("intraprenad_register_interest") in page
    assert reverse("intraprenad_start_by_board") in page


def test_list_query_count_does_not_grow_with_the_number_of_intraprenader(client, muni, django_assert_num_queries):
    # given
    ensure_revision(muni)
    services.register_interest(
        by=muni.users.officer,
        unit=muni.unit,
        received_on=today(),
        contact_name="A",
        staff_count=5,
        motivation="Intresse.",
    )
    services.register_interest(
        by=muni.users.officer,
        unit=muni.other_unit,
        received_on=today(),
        contact_name="B",
        staff_count=5,
        motivation="Intresse.",
    )
    login(client, muni.users.board_member)
    client.get(reverse("home"))

    # when / then: session, user, roles, tree, intraprenader, signed agreements, boards in the filter
    with django_assert_num_queries(7):
        response = client.get(reverse("home"))
    assert len(response.context["intraprenader"]) == 2


def test_list_filters_by_status(client, muni):
    # given
    intraprenad_at("interest", muni)
    login(client, muni.users.officer)

    # when
    response = client.get(reverse("home"), {"status": I.ACTIVE})

    # then
    assert response.status_code == 200
    assert list(response.context["intraprenader"]) == []


def test_list_shows_the_public_only_active_intraprenader(client, muni):
    # given
    intraprenad_at("interest", muni)

    # when
    response = client.get(reverse("home"))

    # then
    assert response.status_code == 200
    assert list(response.context["intraprenader"]) == []
    assert reverse("intraprenad_register_interest") not in response.content.decode()


# --- registering -----------------------------------------------------------------------------------


def test_unit_head_registers_an_expression_of_interest(client, muni):
    # given
    ensure_revision(muni)
    login(client, muni.users.unit_head)

    # when
    response = client.post(reverse("intraprenad_register_interest"), interest_data(muni))

    # then
    intraprenad = Intraprenad.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intraprenad_detail", args=[intraprenad.pk])
    assert intraprenad.status == I.INTEREST
    assert intraprenad.board == muni.board


def test_register_interest_shows_the_services_refusal_on_the_form(client, muni):
    # given
    intraprenad_at("interest", muni)
    login(client, muni.users.unit_head)

    # when
    response = client.post(reverse("intraprenad_register_interest"), interest_data(muni))

    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Intraprenad.objects.count() == 1


def test_register_interest_requires_login(client, muni):
    # when
    response = client.get(reverse("intraprenad_register_interest"))

    # then
    assert_login_redirect(response)


def test_register_interest_is_forbidden_to_board_members(client, muni):
    # given
    login(client, muni.users.board_member)

    # when
    response = client.get(reverse("intraprenad_register_interest"))

    # then
    assert response.status_code == 403


def test_officer_registers_an_intraprenad_started_by_board_initiative(client, muni):
    # given
    ensure_revision(muni)
    decision = adoption_paragraph(muni.board, today(), title="Ny verksamhet som intraprenad")
    login(client, muni.users.officer)

    # when
    response = client.post(
        reverse("intraprenad_start_by_board"),
        {
            "unit": muni.unit.pk,
            "initiative": decision.pk,
            "one_time_frame_increase": "1500000",
            "received_on": today().isoformat(),
            "contact_name": "Karin Enhetschef",
            "staff_count": "12",
            "motivation": "Nämnden vill starta den nya verksamheten som intraprenad.",
        },
    )

    # then
    intraprenad = Intraprenad.objects.get()
    assert response.status_code == 302
    assert intraprenad.origin == Intraprenad.Origin.BOARD
    assert intraprenad.one_time_frame_increase == Decimal("1500000")


def test_board_initiative_is_forbidden_to_unit_heads(client, muni):
    # given
    login(client, muni.users.unit_head)

    # when
    response = client.get(reverse("intraprenad_start_by_board"))

    # then
    assert response.status_code == 403


# --- detail ----------------------------------------------------------------------------------------


def test_detail_shows_timeline_actions_documents_and_audit_log(client, muni):
    # given
    intraprenad = intraprenad_at("prepared", muni)
    memo = Memo.objects.get()
    login(client, muni.users.board_member)

    # when
    response = client.get(reverse("intraprenad_detail", args=[intraprenad.pk]))

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["timeline"]
    assert "2021-01-15" in page
    assert reverse("application_decide", args=[application_of(intraprenad).pk]) in page
    assert reverse("memo_download", args=[memo.pk, "pdf"]) in page
    assert response.context["audit_events"].filter(verb="application.submitted").exists()
    assert "application.submitted" in page


def test_detail_offers_the_officer_only_the_officers_steps(client, muni):
    # given
    intraprenad = intraprenad_at("interest", muni)
    login(client, muni.users.officer)

    # when
    response = client.get(reverse("intraprenad_detail", args=[intraprenad.pk]))

    # then
    urls = [a["url"] for a in response.context["actions"]]
    assert urls == [
        reverse("training_offer", args=[intraprenad.pk]),
        reverse("intraprenad_withdraw", args=[intraprenad.pk]),
    ]


def test_detail_of_another_units_intraprenad_is_not_found(client, muni):
    # given
    intraprenad = intraprenad_at("interest", muni)
    login(client, muni.users.other_unit_head)

    # when
    response = client.get(reverse("intraprenad_detail", args=[intraprenad.pk]))

    # then
    assert response.status_code == 404


# --- withdraw --------------------------------------------------------------------------------------


def test_unit_head_withdraws_the_intraprenad(client, muni):
    # given
    intraprenad = intraprenad_at("training", muni)
    login(client, muni.users.unit_head)

    # when
    response = client.post(
        reverse("intraprenad_withdraw", args=[intraprenad.pk]), {"reason": "Vi väntar ett år."}, follow=True
    )

    # then
    intraprenad.refresh_from_db()
    assert intraprenad.status == I.WITHDRAWN
    assert "Intraprenaden har återkallats." in messages_of(response)


def test_withdraw_of_another_units_intraprenad_is_not_found(client, muni):
    # given
    intraprenad = intraprenad_at("training", muni)
    login(client, muni.users.other_unit_head)

    # when
    response = client.post(reverse("intraprenad_withdraw", args=[intraprenad.pk]), {"reason": "Nej."})

    # then
    assert response.status_code == 404


def test_withdraw_requires_login(client, muni):
    # given
    intraprenad = intraprenad_at("interest", muni)

    # when
    response = client.post(reverse("intraprenad_withdraw", args=[intraprenad.pk]), {"reason": "Nej."})

    # then
    assert_login_redirect(response)


# --- training --------------------------------------------------------------------------------------


def test_officer_offers_training(client, muni):
    # given
    intraprenad = intraprenad_at("interest", muni)
    login(client, muni.users.officer)

    # when
    response = client.post(reverse("training_offer", args=[intraprenad.pk]))

    # then
    intraprenad.refresh_from_db()
    assert response.status_code == 302
    assert intraprenad.status == I.TRAINING


def test_offer_training_is_forbidden_to_unit_heads(client, muni):
    # given
    intraprenad = intraprenad_at("interest", muni)
    login(client, muni.users.unit_head)

    # when
    response = client.post(reverse("training_offer", args=[intraprenad.pk]))

    # then
    assert response.status_code == 403


def test_training_page_shows_the_guidelines_range_and_that_attending_commits_to_nothing(client, muni):
    # given
    intraprenad = intraprenad_at("training", muni)
    run_training(muni, intraprenad, sessions=2, complete=False)
    login(client, muni.users.officer)

    # when
    response = client.get(reverse("training_detail", args=[intraprenad.pk]))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "6–8" in page
    assert "Att delta i utbildningen förpliktar inte enheten till något." in page
    assert "Träff 2" in page


def test_training_page_of_another_unit_is_not_found(client, muni):
    # given
    intraprenad = intraprenad_at("training", muni)
    login(client, muni.users.other_unit_head)

    # when
    response = client.get(reverse("training_detail", args=[intraprenad.pk]))

    # then
    assert response.status_code == 404


def test_officer_adds_a_training_session(client, muni):
    # given
    intraprenad = intraprenad_at("training", muni)
    login(client, muni.users.officer)

    # when
    response = client.post(
        reverse("training_session_add", args=[intraprenad.pk]),
        {"date": (today() - timedelta(days=3)).isoformat(), "hours": "3", "topic": "Ekonomi"},
    )

    # then
    assert response.status_code == 302
    assert TrainingSession.objects.get().topic == "Ekonomi"


def test_adding_a_session_is_forbidden_to_staff(client, muni):
    # given
    intraprenad = intraprenad_at("training", muni)
    login(client, muni.users.staff)

    # when
    response = client.post(
        reverse("training_session_add", args=[intraprenad.pk]),
        {"date": today().isoformat(), "hours": "3", "topic": "Ekonomi"},
    )

    # then
    assert response.status_code == 403


def test_officer_records_attendance(client, muni):
    # given
    intraprenad = intraprenad_at("training", muni)
    session = services.add_training_session(
        by=muni.users.officer,
        programme=intraprenad.training,
        date=today() - timedelta(days=1),
        hours=Decimal("3"),
        topic="Ekonomi",
    )
    login(client, muni.users.officer)

    # when
    response = client.post(reverse("training_session_attendance", args=[session.pk]), {f"s{session.pk}-attendees": "7"})

    # then
    session.refresh_from_db()
    assert response.status_code == 302
    assert session.attendees == 7


def test_recording_attendance_is_forbidden_to_unit_heads(client, muni):
    # given
    intraprenad = intraprenad_at("training", muni)
    session = services.add_training_session(
        by=muni.users.officer,
        programme=intraprenad.training,
        date=today() - timedelta(days=1),
        hours=Decimal("3"),
        topic="Ekonomi",
    )
    login(client, muni.users.unit_head)

    # when
    response = client.post(reverse("training_session_attendance", args=[session.pk]), {f"s{session.pk}-attendees": "7"})

    # then
    assert response.status_code == 403


def test_unit_head_records_the_presentation(client, muni):
    # given
    intraprenad = intraprenad_at("training", muni)
    login(client, muni.users.unit_head)

    # when
    response = client.post(
        reverse("training_presentation", args=[intraprenad.pk]),
        {"presented_on": today().isoformat(), "summary": "Fasta team och brukarråd."},
    )

    # then
    intraprenad.training.refresh_from_db()
    assert response.status_code == 302
    assert intraprenad.training.presentation_summary == "Fasta team och brukarråd."


def test_recording_the_presentation_is_forbidden_to_staff(client, muni):
    # given
    intraprenad = intraprenad_at("training", muni)
    login(client, muni.users.staff)

    # when
    response = client.post(
        reverse("training_presentation", args=[intraprenad.pk]),
        {"presented_on": today().isoformat(), "summary": "Idé."},
    )

    # then
    assert response.status_code == 403


def test_officer_completes_the_training(client, muni):
    # given
    intraprenad = intraprenad_at("training", muni)
    run_training(muni, intraprenad, complete=False)
    login(client, muni.users.officer)

    # when
    response = client.post(reverse("training_complete", args=[intraprenad.pk]))

    # then
    intraprenad.training.refresh_from_db()
    assert response.status_code == 302
    assert intraprenad.training.completed_at is not None


def test_completing_training_too_early_lists_the_problems(client, muni):
    # given
    intraprenad = intraprenad_at("training", muni)
    login(client, muni.users.officer)

    # when
    response = client.post(reverse("training_complete", args=[intraprenad.pk]), follow=True)

    # then
    intraprenad.training.refresh_from_db()
    assert intraprenad.training.completed_at is None
    assert len(messages_of(response)) >= 2


def test_completing_training_requires_login(client, muni):
    # given
    intraprenad = intraprenad_at("training", muni)

    # when
    response = client.post(reverse("training_complete", args=[intraprenad.pk]))

    # then
    assert_login_redirect(response)


# --- application -----------------------------------------------------------------------------------


def test_unit_head_starts_the_application(client, muni):
    # given
    intraprenad = intraprenad_at("training_completed", muni)
    login(client, muni.users.unit_head)

    # when
    response = client.post(reverse("application_start", args=[intraprenad.pk]))

    # then
    application = application_of(intraprenad)
    assert response["Location"] == reverse("application_edit", args=[application.pk])
    assert application.sections.count() == len(LJUSDAL_SECTIONS)


def test_starting_the_application_is_forbidden_to_staff(client, muni):
    # given
    intraprenad = intraprenad_at("training_completed", muni)
    login(client, muni.users.staff)

    # when
    response = client.post(reverse("application_start", args=[intraprenad.pk]))

    # then
    assert response.status_code == 403


def test_application_page_shows_sections_and_budget_totals(client, muni):
    # given
    intraprenad = intraprenad_at("application", muni)
    login(client, muni.users.staff)

    # when
    response = client.get(reverse("application_detail", args=[application_of(intraprenad).pk]))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Verksamhetsidé" in page
    assert "7800000" in page
    assert not response.context["can_edit"]


def test_application_page_of_another_unit_is_not_found(client, muni):
    # given
    intraprenad = intraprenad_at("application", muni)
    login(client, muni.users.other_unit_head)

    # when
    response = client.get(reverse("application_detail", args=[application_of(intraprenad).pk]))

    # then
    assert response.status_code == 404


def test_unit_head_saves_the_application_texts(client, muni):
    # given
    intraprenad = intraprenad_at("application", muni)
    application = application_of(intraprenad)
    login(client, muni.users.unit_head)
    form = client.get(reverse("application_edit", args=[application.pk])).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data.update(form.initial)
    data["section_verksamhetside"] = "Fasta team nära brukaren."

    # when
    response = client.post(reverse("application_edit", args=[application.pk]), data)

    # then
    assert response.status_code == 302
    assert application.sections.get(key="verksamhetside").text == "Fasta team nära brukaren."


def test_editing_the_application_is_forbidden_to_staff(client, muni):
    # given
    intraprenad = intraprenad_at("application", muni)
    login(client, muni.users.staff)

    # when
    response = client.get(reverse("application_edit", args=[application_of(intraprenad).pk]))

    # then
    assert response.status_code == 403


def budget_post(lines: list[tuple[str, str, str]], extra_empty: int = 1) -> dict:
    data = {"budget-TOTAL_FORMS": str(len(lines) + extra_empty), "budget-INITIAL_FORMS": "0"}
    for n, (kind, description, amount) in enumerate(lines):
        data.update({f"budget-{n}-kind": kind, f"budget-{n}-description": description, f"budget-{n}-amount": amount})
    for n in range(len(lines), len(lines) + extra_empty):
        data.update({f"budget-{n}-kind": "", f"budget-{n}-description": "", f"budget-{n}-amount": ""})
    return data


def test_unit_head_replaces_the_budget_lines(client, muni):
    # given
    intraprenad = intraprenad_at("application", muni)
    application = application_of(intraprenad)
    login(client, muni.users.unit_head)

    # when
    response = client.post(
        reverse("application_budget", args=[application.pk]),
        budget_post([("staff", "Löner", "5000000"), ("operating", "Lokaler", "800000")]),
    )

    # then
    assert response.status_code == 302
    assert sorted(application.budget_lines.values_list("kind", "amount")) == [
        ("operating", Decimal("800000.00")),
        ("staff", Decimal("5000000.00")),
    ]


def test_saving_the_budget_is_forbidden_to_staff(client, muni):
    # given
    intraprenad = intraprenad_at("application", muni)
    login(client, muni.users.staff)

    # when
    response = client.post(
        reverse("application_budget", args=[application_of(intraprenad).pk]),
        budget_post([("staff", "Löner", "1")]),
    )

    # then
    assert response.status_code == 403


def test_unit_head_submits_the_application_and_a_case_is_registered(client, muni):
    # given
    intraprenad = intraprenad_at("application", muni)
    application = application_of(intraprenad)
    login(client, muni.users.unit_head)

    # when
    response = client.post(reverse("application_submit", args=[application.pk]), follow=True)

    # then
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert any(application.case.case_number in m for m in messages_of(response))


def test_submitting_an_incomplete_application_lists_every_problem(client, muni):
    # given
    intraprenad = intraprenad_at("training_completed", muni)
    application = services.start_application(by=muni.users.unit_head, intraprenad=intraprenad, today=today())
    login(client, muni.users.unit_head)

    # when
    response = client.post(reverse("application_submit", args=[application.pk]), follow=True)

    # then
    application.refresh_from_db()
    shown = messages_of(response)
    assert application.status == Application.Status.DRAFT
    assert response.redirect_chain[-1][0] == reverse("application_detail", args=[application.pk])
    assert any("Verksamhetsidé" in m for m in shown)
    assert len(shown) >= len(LJUSDAL_SECTIONS) + 1


def test_submitting_is_forbidden_to_staff(client, muni):
    # given
    intraprenad = intraprenad_at("application", muni)
    login(client, muni.users.staff)

    # when
    response = client.post(reverse("application_submit", args=[application_of(intraprenad).pk]))

    # then
    assert response.status_code == 403


MEMO_DATA = {
    "summary": "Enheten ansöker om att bli intraprenad.",
    "background": "Enheten har gått utbildningen.",
    "assessment": "Ansökan uppfyller riktlinjerna.",
    "proposal": "approve",
    "proposed_decision": "Nämnden bifaller ansökan.",
}


def test_officer_prepares_the_application_with_a_memo(client, muni):
    # given
    intraprenad = intraprenad_at("submitted", muni)
    application = application_of(intraprenad)
    login(client, muni.users.officer)

    # when
    response = client.post(reverse("application_prepare", args=[application.pk]), MEMO_DATA)

    # then
    application.refresh_from_db()
    assert response.status_code == 302
    assert application.status == Application.Status.PREPARED
    assert Memo.objects.get().document is not None


def test_preparing_is_forbidden_to_unit_heads(client, muni):
    # given
    intraprenad = intraprenad_at("submitted", muni)
    login(client, muni.users.unit_head)

    # when
    response = client.get(reverse("application_prepare", args=[application_of(intraprenad).pk]))

    # then
    assert response.status_code == 403


def test_board_member_grants_the_application_at_a_meeting(client, muni):
    # given
    intraprenad = intraprenad_at("prepared", muni)
    application = application_of(intraprenad)
    meeting = board_meeting(muni, today())
    login(client, muni.users.board_member)

    # when
    response = client.post(
        reverse("application_decide", args=[application.pk]),
        {"meeting": meeting.pk, "outcome": "approve", "decision_text": "Nämnden bifaller ansökan.", "reasons": ""},
        follow=True,
    )

    # then
    application.refresh_from_db()
    intraprenad.refresh_from_db()
    assert application.status == Application.Status.GRANTED
    assert intraprenad.status == I.AGREEMENT
    assert any(application.decision.reference in m for m in messages_of(response))


def test_rejecting_without_reasons_is_refused_next_to_the_field(client, muni):
    # given
    intraprenad = intraprenad_at("prepared", muni)
    meeting = board_meeting(muni, today())
    login(client, muni.users.board_member)

    # when
    response = client.post(
        reverse("application_decide", args=[application_of(intraprenad).pk]),
        {"meeting": meeting.pk, "outcome": "reject", "decision_text": "Nämnden avslår ansökan.", "reasons": ""},
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["reasons"]


def test_deciding_the_application_is_forbidden_to_officers(client, muni):
    # given
    intraprenad = intraprenad_at("prepared", muni)
    login(client, muni.users.officer)

    # when
    response = client.get(reverse("application_decide", args=[application_of(intraprenad).pk]))

    # then
    assert response.status_code == 403


# --- agreement -------------------------------------------------------------------------------------


def test_officer_drafts_the_agreement(client, muni):
    # given
    intraprenad = intraprenad_at("granted", muni)
    login(client, muni.users.officer)

    # when
    response = client.post(
        reverse("agreement_start", args=[application_of(intraprenad).pk]), {"period_start": "2027-01-01"}
    )

    # then
    agreement = agreement_of(intraprenad)
    assert response["Location"] == reverse("agreement_edit", args=[agreement.pk])
    assert agreement.period_end.isoformat() == "2029-12-31"
    assert agreement.clauses.count() == len(LJUSDAL_CLAUSES)


def test_drafting_the_agreement_is_forbidden_to_staff(client, muni):
    # given
    intraprenad = intraprenad_at("granted", muni)
    login(client, muni.users.staff)

    # when
    response = client.get(reverse("agreement_start", args=[application_of(intraprenad).pk]))

    # then
    assert response.status_code == 403


def test_agreement_page_shows_the_clauses_and_downloads(client, muni):
    # given
    intraprenad = intraprenad_at("agreement", muni)
    agreement = agreement_of(intraprenad)
    login(client, muni.users.board_member)

    # when
    response = client.get(reverse("agreement_detail", args=[agreement.pk]))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ekonomisk ersättning" in page
    assert reverse("agreement_download", args=[agreement.pk, "pdf"]) in page
    assert response.context["can_decide"]


def test_agreement_page_of_another_unit_is_not_found(client, muni):
    # given
    intraprenad = intraprenad_at("agreement", muni)
    login(client, muni.users.other_unit_head)

    # when
    response = client.get(reverse("agreement_detail", args=[agreement_of(intraprenad).pk]))

    # then
    assert response.status_code == 404


def agreement_post(agreement, **overrides) -> dict:
    data = {
        "period_start": agreement.period_start.isoformat(),
        "period_end": agreement.period_end.isoformat(),
    }
    for clause in agreement.clauses.all():
        data[f"clause_{clause.key}"] = f"{clause.title}: överenskommet."
    return {**data, **overrides}


def test_unit_head_edits_the_agreement_clauses(client, muni):
    # given
    intraprenad = intraprenad_at("granted", muni)
    agreement = services.start_agreement(
        by=muni.users.officer, application=application_of(intraprenad), period_start=today(), today=today()
    )
    login(client, muni.users.unit_head)

    # when
    response = client.post(reverse("agreement_edit", args=[agreement.pk]), agreement_post(agreement))

    # then
    assert response.status_code == 302
    assert agreement.clauses.get(key="ersattning").text == "Ekonomisk ersättning: överenskommet."


def test_editing_the_agreement_is_forbidden_to_staff(client, muni):
    # given
    intraprenad = intraprenad_at("agreement", muni)
    login(client, muni.users.staff)

    # when
    response = client.get(reverse("agreement_edit", args=[agreement_of(intraprenad).pk]))

    # then
    assert response.status_code == 403


def test_board_member_decides_the_agreement(client, muni):
    # given
    intraprenad = intraprenad_at("agreement", muni)
    agreement = agreement_of(intraprenad)
    meeting = board_meeting(muni, today())
    login(client, muni.users.board_member)

    # when
    response = client.post(
        reverse("agreement_decide", args=[agreement.pk]),
        {"meeting": meeting.pk, "decision_text": "Nämnden godkänner överenskommelsen."},
    )

    # then
    agreement.refresh_from_db()
    assert response.status_code == 302
    assert agreement.status == Agreement.Status.DECIDED
    assert agreement.document is not None


def test_deciding_the_agreement_is_forbidden_to_unit_heads(client, muni):
    # given
    intraprenad = intraprenad_at("agreement", muni)
    login(client, muni.users.unit_head)

    # when
    response = client.get(reverse("agreement_decide", args=[agreement_of(intraprenad).pk]))

    # then
    assert response.status_code == 403


def test_officer_registers_the_signatures_and_the_intraprenad_is_active(client, muni):
    # given
    intraprenad = intraprenad_at("decided", muni)
    agreement = agreement_of(intraprenad)
    login(client, muni.users.officer)

    # when
    response = client.post(
        reverse("agreement_sign", args=[agreement.pk]),
        {"signed_on": today().isoformat(), "board_signatory": "Ordföranden", "unit_signatory": "Karin"},
    )

    # then
    intraprenad.refresh_from_db()
    assert response.status_code == 302
    assert intraprenad.status == I.ACTIVE


def test_signing_is_forbidden_to_board_members(client, muni):
    # given
    intraprenad = intraprenad_at("decided", muni)
    login(client, muni.users.board_member)

    # when
    response = client.get(reverse("agreement_sign", args=[agreement_of(intraprenad).pk]))

    # then
    assert response.status_code == 403


def agreement_in_renewal_window(muni) -> Agreement:
    """A signed agreement whose period ends two months from today (inside the six-month window)."""
    intraprenad = intraprenad_at("granted", muni)
    u = muni.users
    start = today().replace(day=1) - timedelta(days=3 * 365 - 60)
    agreement = services.start_agreement(
        by=u.officer, application=application_of(intraprenad), period_start=start, today=today()
    )
    fill_agreement(muni, agreement)
    services.decide_agreement(
        by=u.board_member, agreement=agreement, meeting=board_meeting(muni, today()), decision_text="Godkänd."
    )
    return services.sign_agreement(
        by=u.officer, agreement=agreement, signed_on=today(), board_signatory="Ordf.", unit_signatory="Karin"
    )


def test_officer_starts_the_renewal_within_the_window(client, muni):
    # given
    agreement = agreement_in_renewal_window(muni)
    login(client, muni.users.officer)
    detail = client.get(reverse("intraprenad_detail", args=[agreement.intraprenad_id]))
    assert reverse("agreement_renew", args=[agreement.pk]) in [a["url"] for a in detail.context["actions"]]

    # when
    response = client.post(reverse("agreement_renew", args=[agreement.pk]))

    # then
    renewal = Agreement.objects.get(renewal_of=agreement)
    assert response["Location"] == reverse("agreement_edit", args=[renewal.pk])
    assert renewal.period_start == agreement.period_end + timedelta(days=1)


def test_renewal_is_forbidden_to_staff(client, muni):
    # given
    agreement = agreement_in_renewal_window(muni)
    login(client, muni.users.staff)

    # when
    response = client.post(reverse("agreement_renew", args=[agreement.pk]))

    # then
    assert response.status_code == 403


# --- termination -----------------------------------------------------------------------------------


def test_officer_proposes_termination_and_is_sent_to_the_memo(client, muni):
    # given
    intraprenad = intraprenad_at("active", muni)
    login(client, muni.users.officer)

    # when
    response = client.post(
        reverse("termination_propose", args=[intraprenad.pk]),
        {
            "ground": "breach",
            "motivation": "Överenskommelsen om bemanning har inte följts.",
            "effective_on": (today() + timedelta(days=90)).isoformat(),
        },
    )

    # then
    termination = termination_of(intraprenad)
    assert response["Location"] == reverse("termination_memo", args=[termination.pk])
    assert termination.status == Termination.Status.PROPOSED


def test_proposing_termination_is_forbidden_to_unit_heads(client, muni):
    # given
    intraprenad = intraprenad_at("active", muni)
    login(client, muni.users.unit_head)

    # when
    response = client.get(reverse("termination_propose", args=[intraprenad.pk]))

    # then
    assert response.status_code == 403


def test_officer_writes_the_termination_memo(client, muni):
    # given
    intraprenad = intraprenad_at("termination_proposed", muni)
    termination = termination_of(intraprenad)
    login(client, muni.users.officer)

    # when
    response = client.post(
        reverse("termination_memo", args=[termination.pk]),
        {**MEMO_DATA, "title": "Upphävande av intraprenad", "proposed_decision": "Nämnden beslutar att den upphör."},
    )

    # then
    assert response.status_code == 302
    assert Memo.objects.filter(case=termination.case).count() == 1


def test_termination_memo_is_forbidden_to_unit_heads(client, muni):
    # given
    intraprenad = intraprenad_at("termination_proposed", muni)
    login(client, muni.users.unit_head)

    # when
    response = client.get(reverse("termination_memo", args=[termination_of(intraprenad).pk]))

    # then
    assert response.status_code == 403


def test_board_member_decides_the_termination_and_the_intraprenad_ends(client, muni):
    # given
    intraprenad = intraprenad_at("termination_memo", muni)
    termination = termination_of(intraprenad)
    meeting = board_meeting(muni, today())
    login(client, muni.users.board_member)

    # when
    response = client.post(
        reverse("termination_decide", args=[termination.pk]),
        {
            "meeting": meeting.pk,
            "outcome": "approve",
            "decision_text": "Nämnden beslutar att intraprenaden upphör.",
            "reasons": "Överenskommelsen har inte följts.",
        },
    )

    # then
    intraprenad.refresh_from_db()
    assert response.status_code == 302
    assert intraprenad.status == I.ENDED


def test_deciding_the_termination_is_forbidden_to_officers(client, muni):
    # given
    intraprenad = intraprenad_at("termination_memo", muni)
    login(client, muni.users.officer)

    # when
    response = client.get(reverse("termination_decide", args=[termination_of(intraprenad).pk]))

    # then
    assert response.status_code == 403


# --- generated documents ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"),
    [
        ("pdf", "application/pdf", b"%PDF"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
    ],
)
def test_memo_downloads_as_an_attachment_named_after_the_case(client, muni, fmt, content_type, magic):
    # given
    intraprenad = intraprenad_at("prepared", muni)
    memo = Memo.objects.get()
    case = memo.case
    login(client, muni.users.officer)

    # when
    response = client.get(reverse("memo_download", args=[memo.pk, fmt]))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.startswith(magic)
    expected = f'attachment; filename="{case.series}-{case.year}-{case.number:05d}-tjansteskrivelse.{fmt}"'
    assert response["Content-Disposition"] == expected
    assert intraprenad.status == I.APPLICATION


def test_memo_of_another_unit_is_not_found(client, muni):
    # given
    intraprenad_at("prepared", muni)
    login(client, muni.users.other_unit_head)

    # when
    response = client.get(reverse("memo_download", args=[Memo.objects.get().pk, "pdf"]))

    # then
    assert response.status_code == 404


def test_agreement_downloads_as_pdf(client, muni):
    # given
    intraprenad = intraprenad_at("active", muni)
    agreement = agreement_of(intraprenad)
    login(client, muni.users.unit_head)

    # when
    response = client.get(reverse("agreement_download", args=[agreement.pk, "pdf"]))

    # then
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].endswith('-overenskommelse.pdf"')


def test_the_public_may_download_the_agreement_of_an_active_intraprenad(client, muni):
    # given an agreement in force: a public document
    intraprenad = intraprenad_at("active", muni)

    # when an anonymous visitor downloads it
    response = client.get(reverse("agreement_download", args=[agreement_of(intraprenad).pk, "pdf"]))

    # then
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_public_may_not_download_an_agreement_still_being_drafted(client, muni):
    # given an intraprenad that has not reached a public decision
    intraprenad = intraprenad_at("agreement", muni)

    # when
    response = client.get(reverse("agreement_download", args=[agreement_of(intraprenad).pk, "pdf"]))

    # then
    assert response.status_code == 404


# --- the whole walk --------------------------------------------------------------------------------


def test_officer_unit_head_and_board_member_walk_from_interest_to_signed_agreement(client, muni):
    """Every step is a POST to the pages, in the order the detail page offers them."""
    # given
    ensure_revision(muni)
    u = muni.users
    application_meeting = board_meeting(muni, today())
    held = [today() - timedelta(days=7 * n) for n in range(6, 0, -1)]

    # when: the unit head registers interest
    login(client, u.unit_head)
    response = client.post(reverse("intraprenad_register_interest"), interest_data(muni))
    intraprenad = Intraprenad.objects.get()
    detail = reverse("intraprenad_detail", args=[intraprenad.pk])
    assert response["Location"] == detail

    # the officer offers training, adds six held sessions and records attendance
    login(client, u.officer)
    assert client.post(reverse("training_offer", args=[intraprenad.pk]))["Location"] == detail
    for n, day in enumerate(held, start=1):
        client.post(
            reverse("training_session_add", args=[intraprenad.pk]),
            {"date": day.isoformat(), "hours": "3", "topic": f"Träff {n}"},
        )
    for session in TrainingSession.objects.all():
        client.post(reverse("training_session_attendance", args=[session.pk]), {f"s{session.pk}-attendees": "8"})

    # the unit head presents the business idea; the officer completes the training
    login(client, u.unit_head)
    client.post(
        reverse("training_presentation", args=[intraprenad.pk]),
        {"presented_on": today().isoformat(), "summary": "Fasta team och brukarråd."},
    )
    login(client, u.officer)
    assert client.post(reverse("training_complete", args=[intraprenad.pk]))["Location"] == detail

    # the unit head writes and submits the application
    login(client, u.unit_head)
    client.post(reverse("application_start", args=[intraprenad.pk]))
    application = application_of(intraprenad)
    texts = {f"section_{key}": f"{title}: så här gör vi." for key, title in LJUSDAL_SECTIONS}
    client.post(
        reverse("application_edit", args=[application.pk]),
        {**texts, "staff_total": "9", "staff_in_favour": "7", "years_positive_result": "3"},
    )
    client.post(
        reverse("application_budget", args=[application.pk]),
        budget_post([("staff", "Löner", "7800000"), ("operating", "Bilar och lokaler", "1500000")]),
    )
    client.post(reverse("application_submit", args=[application.pk]))

    # the officer prepares it; the board member grants it
    login(client, u.officer)
    client.post(reverse("application_prepare", args=[application.pk]), MEMO_DATA)
    login(client, u.board_member)
    client.post(
        reverse("application_decide", args=[application.pk]),
        {"meeting": application_meeting.pk, "outcome": "approve", "decision_text": "Nämnden bifaller ansökan."},
    )

    # the officer drafts the agreement, the unit head fills in the clauses
    login(client, u.officer)
    client.post(reverse("agreement_start", args=[application.pk]), {"period_start": today().isoformat()})
    agreement = agreement_of(intraprenad)
    login(client, u.unit_head)
    client.post(reverse("agreement_edit", args=[agreement.pk]), agreement_post(agreement))

    # the board member decides it at the next meeting; the officer registers the signatures
    agreement_meeting = board_meeting(muni, today())
    login(client, u.board_member)
    client.post(
        reverse("agreement_decide", args=[agreement.pk]),
        {"meeting": agreement_meeting.pk, "decision_text": "Nämnden godkänner överenskommelsen."},
    )
    login(client, u.officer)
    response = client.post(
        reverse("agreement_sign", args=[agreement.pk]),
        {"signed_on": today().isoformat(), "board_signatory": "Ordföranden", "unit_signatory": "Karin"},
        follow=True,
    )

    # then
    intraprenad.refresh_from_db()
    agreement.refresh_from_db()
    application.refresh_from_db()
    assert application.status == Application.Status.GRANTED
    assert agreement.status == Agreement.Status.SIGNED
    assert intraprenad.status == I.ACTIVE
    assert "Överenskommelsen är undertecknad och gäller." in messages_of(response)
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"application.submitted", "agreement.signed"} <= verbs
    page = response.content.decode()
    assert application.decision.reference in page


def test_the_public_sees_a_decision_only_once_its_minutes_are_approved(client, muni):
    # given an active intraprenad whose agreement was decided at a meeting without approved minutes
    from intraprenad.cases import services as case_services

    intraprenad = intraprenad_at("active", muni)
    agreement = agreement_of(intraprenad)
    decision = agreement.decision
    detail = reverse("intraprenad_detail", args=[intraprenad.pk])
    agreement_page = reverse("agreement_detail", args=[agreement.pk])

    # when the public and the officer look before the minutes are approved
    public_before = client.get(detail).content.decode() + client.get(agreement_page).content.decode()
    officer_before = login(client, muni.users.officer).get(detail).content.decode()
    client.logout()

    # and the public looks again once the minutes are approved
    meeting = decision.meeting
    case_services.hold_meeting(by=muni.users.registrar, meeting=meeting)
    case_services.approve_minutes(
        by=muni.users.registrar, meeting=meeting, approved_on=meeting.date + timedelta(days=2), adjusters="Justerare"
    )
    public_after = client.get(detail).content.decode()

    # then
    assert decision.reference not in public_before
    assert decision.reference in officer_before
    assert decision.reference in public_after
