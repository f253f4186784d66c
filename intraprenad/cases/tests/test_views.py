"""The case register and minutes pages: one success and one permission test per view, what the public
may read (non-confidential cases and documents, confidential ones by their public title, approved
minutes), and that bad input is refused in Swedish without saving anything."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from intraprenad.accounts.models import AuditEvent
from intraprenad.cases import services
from intraprenad.cases.models import Case, Document, Meeting, Paragraph, Referral

SECRET_TITLE = "Personalärende Hemvården Norr: sjukskrivning av Karin Svensson"
SECRET_DESCRIPTION = "Läkarintyg för Karin Svensson"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def today() -> date:
    return timezone.localdate()


def login(client, user):
    client.force_login(user)
    return client


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def audited(verb: str, target) -> bool:
    return AuditEvent.objects.filter(verb=verb, target_id=str(target.pk)).exists()


def case_in_board(muni, title: str = "Ansökan om intraprenad Hemvården Norr") -> Case:
    return services.register_case(
        by=muni.users.registrar, org_unit=muni.board, subject_unit=muni.unit, title=title, kind=Case.Kind.APPLICATION
    )


def secret_case(muni) -> Case:
    """A confidential case about Hemvården Norr: a public document (1) and a confidential one (2), both with files."""
    registrar = muni.users.registrar
    case = services.register_case(
        by=registrar,
        org_unit=muni.board,
        subject_unit=muni.unit,
        title=SECRET_TITLE,
        is_confidential=True,
        public_title="Personalärende",
    )
    services.register_document(
        by=registrar,
        case=case,
        kind=Document.Kind.LETTER,
        direction=Document.Direction.OUTGOING,
        description="Kallelse till möte",
        document_date=today(),
        counterpart="Karin Svensson",
        file_name="kallelse.txt",
        content=b"Kallelse",
    )
    services.register_document(
        by=registrar,
        case=case,
        kind=Document.Kind.OTHER,
        direction=Document.Direction.INCOMING,
        description=SECRET_DESCRIPTION,
        document_date=today(),
        counterpart="Vårdcentralen",
        is_confidential=True,
        public_description="Inkommen handling",
        file_name="intyg.txt",
        content=b"Diagnos",
    )
    return case


def meeting_at(muni, body, status: str, on: date | None = None) -> Meeting:
    registrar = muni.users.registrar
    meeting = services.create_meeting(by=registrar, body=body, date=on or today(), location="Kommunhuset")
    if status in {Meeting.Status.HELD, Meeting.Status.MINUTES_APPROVED}:
        meeting = services.hold_meeting(by=registrar, meeting=meeting)
    if status == Meeting.Status.MINUTES_APPROVED:
        meeting = services.approve_minutes(
            by=registrar, meeting=meeting, approved_on=meeting.date, adjusters="Anna Ordförande, Bo Ledamot"
        )
    return meeting


def paragraph_in(muni, meeting: Meeting, *, case: Case | None = None, outcome=Paragraph.Outcome.NOTED, **fields):
    return services.record_paragraph(
        by=muni.users.registrar,
        meeting=meeting,
        case=case,
        title=fields.pop("title", "Information om intraprenader"),
        outcome=outcome,
        decision_text=fields.pop("decision_text", "Informationen läggs till handlingarna."),
        **fields,
    )


def referred_motion(muni, motion_case) -> list[Referral]:
    return services.refer_case(
        by=muni.users.registrar,
        case=motion_case.case,
        decision=motion_case.referral_paragraph,
        to_bodies=[muni.board, muni.school_board],
        due_on=date(2023, 9, 1),
    )


# --- the register ----------------------------------------------------------------------------------


def test_case_list_shows_the_public_register_with_confidential_cases_by_their_public_title(client, muni):
    # given
    case_in_board(muni)
    secret = secret_case(muni)

    # when
    response = client.get(reverse("case_list"))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ansökan om intraprenad Hemvården Norr" in page
    assert secret.case_number in page
    assert "Personalärende" in page
    assert "sjukskrivning" not in page
    assert reverse("case_register") not in page


def test_case_list_shows_the_registrar_confidential_titles_and_the_register_buttons(client, muni):
    # given
    secret_case(muni)
    login(client, muni.users.registrar)

    # when
    response = client.get(reverse("case_list"))

    # then
    page = response.content.decode()
    assert SECRET_TITLE in page
    assert reverse("case_register") in page
    assert reverse("motion_register") in page


@pytest.mark.parametrize(
    ("who", "finds_it"),
    [(None, False), ("economist", False), ("officer", True), ("registrar", True), ("admin", True)],
)
def test_searching_a_confidential_title_finds_the_case_only_for_those_who_may_read_it(client, muni, who, finds_it):
    # given
    secret = secret_case(muni)
    if who:
        login(client, getattr(muni.users, who))

    # when
    response = client.get(reverse("case_list"), {"q": "sjukskrivning"})

    # then
    assert response.status_code == 200
    assert (secret in response.context["page"].object_list) is finds_it


def test_case_list_searches_by_case_number(client, muni, motion_case):
    # given
    case_in_board(muni)

    # when
    response = client.get(reverse("case_list"), {"q": "KS 2023-00258"})

    # then
    assert list(response.context["page"].object_list) == [motion_case.case]


def test_case_list_query_count_does_not_grow_with_the_number_of_cases(client, muni, django_assert_num_queries):
    # given
    for number in range(3):
        case_in_board(muni, title=f"Ärende {number}")
    secret_case(muni)
    login(client, muni.users.economist)
    client.get(reverse("case_list"))

    # when / then: session, user, series bodies for the filter, count, page, roles, tree
    with django_assert_num_queries(7):
        response = client.get(reverse("case_list"))
    assert len(response.context["page"].object_list) == 4


def test_case_detail_shows_the_registrar_the_whole_case_with_actions_and_change_log(client, muni, motion_case):
    # given
    referred_motion(muni, motion_case)
    login(client, muni.users.registrar)

    # when
    response = client.get(reverse("case_detail", args=[motion_case.case.pk]))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "KS 2023-00258 Motion om att utreda intraprenader" in page
    assert "Maj-Britt Rane Andersson (S)" in page
    assert "202300258-KF-§ 49" in page
    assert "202300258-KSAU-§ 103" in page
    assert "Socialnämnden" in page
    assert reverse("document_register", args=[motion_case.case.pk]) in page
    assert reverse("document_correct", args=[motion_case.case.pk, 1]) in page
    assert reverse("motion_link_paragraph", args=[motion_case.case.pk]) in page
    assert "motion.registered" in page


def test_case_detail_shows_the_public_only_what_is_public(client, muni, motion_case):
    # given
    secret = secret_case(muni)

    # when
    response = client.get(reverse("case_detail", args=[secret.pk]))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Personalärende" in page
    assert "sjukskrivning" not in page
    assert "Kallelse till möte" in page
    assert "Inkommen handling" in page
    assert SECRET_DESCRIPTION not in page
    assert "Vårdcentralen" not in page
    assert reverse("document_file", args=[secret.pk, 1]) in page
    assert reverse("document_file", args=[secret.pk, 2]) not in page
    assert reverse("document_register", args=[secret.pk]) not in page
    assert "case.registered" not in page


def test_case_detail_hides_decisions_of_minutes_that_are_not_approved_from_the_public(client, muni, motion_case):
    # when
    response = client.get(reverse("case_detail", args=[motion_case.case.pk]))

    # then
    page = response.content.decode()
    assert "202300258-KSAU-§ 103" not in page
    assert "Motionen remitteras" not in page


def test_case_detail_does_not_show_confidential_details_in_the_change_log_to_those_not_cleared(client, muni):
    # given: the economist may read the change log of the unit's cases but not confidential details
    secret = secret_case(muni)
    login(client, muni.users.economist)

    # when
    response = client.get(reverse("case_detail", args=[secret.pk]))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "sjukskrivning" not in page
    assert SECRET_DESCRIPTION not in page
    assert "case.registered" not in page


def test_case_detail_shows_the_economist_the_change_log_of_a_case_without_confidential_content(client, muni):
    # given
    case = case_in_board(muni)
    login(client, muni.users.economist)

    # when
    response = client.get(reverse("case_detail", args=[case.pk]))

    # then
    assert response.context["show_audit"]
    assert "case.registered" in response.content.decode()


def test_case_detail_of_a_case_that_does_not_exist_is_not_found(client, muni):
    # when
    response = client.get(reverse("case_detail", args=[999]))

    # then
    assert response.status_code == 404


# --- registering cases -----------------------------------------------------------------------------


def case_data(muni, **overrides) -> dict:
    data = {
        "org_unit": muni.board.pk,
        "subject_unit": muni.unit.pk,
        "kind": Case.Kind.APPLICATION,
        "title": "Ansökan om intraprenad Hemvården Norr",
        "public_title": "",
    }
    return {**data, **overrides}


def test_officer_registers_a_case(client, muni):
    # given
    login(client, muni.users.officer)

    # when
    response = client.post(reverse("case_register"), case_data(muni), follow=True)

    # then
    case = Case.objects.get()
    assert response.redirect_chain == [(reverse("case_detail", args=[case.pk]), 302)]
    assert case.case_number == f"SN {today().year}-00001"
    assert case.registered_by == muni.users.officer
    assert f"Ärende SN {today().year}-00001 är registrerat." in messages_of(response)
    assert audited("case.registered", case)


def test_register_case_refuses_a_confidential_case_without_public_title_in_swedish(client, muni):
    # given
    login(client, muni.users.officer)

    # when
    response = client.post(reverse("case_register"), case_data(muni, is_confidential="on"))

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["public_title"] == ["Ett ärende med sekretess behöver en offentlig rubrik."]
    assert "Ett ärende med sekretess behöver en offentlig rubrik." in response.content.decode()
    assert not Case.objects.exists()
    assert not AuditEvent.objects.exists()


def test_register_case_refuses_a_missing_title_in_swedish(client, muni):
    # given
    login(client, muni.users.officer)

    # when
    response = client.post(reverse("case_register"), case_data(muni, title=""))

    # then
    assert response.context["form"].errors["title"] == ["Det här fältet är obligatoriskt."]
    assert not Case.objects.exists()


def test_register_case_requires_login(client, muni):
    # when
    response = client.get(reverse("case_register"))

    # then
    assert_login_redirect(response)


def test_register_case_is_forbidden_to_staff(client, muni):
    # given
    login(client, muni.users.staff)

    # when
    response = client.post(reverse("case_register"), case_data(muni))

    # then
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_register_case_about_a_unit_outside_the_officers_units_is_forbidden(client, muni):
    # given: the school officer may register cases, but not about Hemvården Norr
    login(client, muni.users.school_officer)

    # when
    response = client.post(reverse("case_register"), case_data(muni))

    # then
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_registrar_registers_a_motion(client, muni):
    # given
    login(client, muni.users.registrar)

    # when
    response = client.post(
        reverse("motion_register"),
        {
            "council": muni.kf.pk,
            "title": "Motion om intraprenader i förskolan",
            "movers": "Anna Andersson (S)",
            "filed_on": today().isoformat(),
            "text": "Vi föreslår att förskolorna får bli intraprenader.",
        },
        follow=True,
    )

    # then
    case = Case.objects.get()
    assert response.redirect_chain == [(reverse("case_detail", args=[case.pk]), 302)]
    assert case.motion.movers == "Anna Andersson (S)"
    assert case.documents.get().kind == Document.Kind.MOTION
    assert f"Motionen är registrerad som {case.case_number}." in messages_of(response)
    assert audited("motion.registered", case.motion)


def test_register_motion_is_forbidden_to_board_members(client, muni):
    # given
    login(client, muni.users.board_member)

    # when
    response = client.get(reverse("motion_register"))

    # then
    assert response.status_code == 403


def test_register_motion_requires_login(client, muni):
    # when
    response = client.get(reverse("motion_register"))

    # then
    assert_login_redirect(response)


# --- closing ---------------------------------------------------------------------------------------


def test_registrar_closes_a_case(client, muni):
    # given
    case = case_in_board(muni)
    login(client, muni.users.registrar)

    # when
    response = client.post(reverse("case_close", args=[case.pk]), follow=True)

    # then
    case.refresh_from_db()
    assert response.redirect_chain == [(reverse("case_detail", args=[case.pk]), 302)]
    assert case.status == Case.Status.CLOSED
    assert f"Ärende {case.case_number} är avslutat." in messages_of(response)
    assert audited("case.closed", case)


def test_close_case_with_unanswered_referrals_says_why_in_swedish(client, muni, motion_case):
    # given
    referred_motion(muni, motion_case)
    login(client, muni.users.registrar)

    # when
    response = client.post(reverse("case_close", args=[motion_case.case.pk]), follow=True)

    # then
    motion_case.case.refresh_from_db()
    assert motion_case.case.status == Case.Status.OPEN
    assert "Ärendet kan inte avslutas medan 2 remisser är obesvarade." in messages_of(response)


def test_close_case_is_forbidden_to_staff(client, muni):
    # given
    case = case_in_board(muni)
    login(client, muni.users.staff)

    # when
    response = client.post(reverse("case_close", args=[case.pk]))

    # then
    case.refresh_from_db()
    assert response.status_code == 403
    assert case.status == Case.Status.OPEN


def test_close_case_requires_login_and_post(client, muni):
    # given
    case = case_in_board(muni)

    # when
    anonymous = client.post(reverse("case_close", args=[case.pk]))
    login(client, muni.users.registrar)
    by_get = client.get(reverse("case_close", args=[case.pk]))

    # then
    assert_login_redirect(anonymous)
    assert by_get.status_code == 405


# --- documents -------------------------------------------------------------------------------------


def document_data(**overrides) -> dict:
    data = {
        "kind": Document.Kind.APPLICATION,
        "direction": Document.Direction.INCOMING,
        "document_date": today().isoformat(),
        "counterpart": "Hemvården Norr",
        "description": "Ansökan om intraprenad",
        "public_description": "",
    }
    return {**data, **overrides}


def test_officer_registers_a_document_with_a_file(client, muni):
    # given
    case = case_in_board(muni)
    login(client, muni.users.officer)

    # when
    response = client.post(
        reverse("document_register", args=[case.pk]),
        document_data(file=SimpleUploadedFile("ansokan.pdf", b"%PDF-1.4 ansokan")),
        follow=True,
    )

    # then
    document = case.documents.get()
    assert response.redirect_chain == [(reverse("case_detail", args=[case.pk]), 302)]
    assert document.serial == 1
    assert document.file.read() == b"%PDF-1.4 ansokan"
    assert "Handling 1 är registrerad." in messages_of(response)
    assert audited("document.registered", document)


def test_register_document_refuses_a_future_date_in_swedish(client, muni):
    # given
    case = case_in_board(muni)
    login(client, muni.users.officer)

    # when
    response = client.post(
        reverse("document_register", args=[case.pk]),
        document_data(document_date=(today() + timedelta(days=3)).isoformat()),
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["document_date"] == [
        "Datum inkommen eller upprättad kan inte ligga i framtiden."
    ]
    assert not case.documents.exists()
    assert not AuditEvent.objects.filter(verb="document.registered").exists()


def test_register_document_is_forbidden_to_economists(client, muni):
    # given
    case = case_in_board(muni)
    login(client, muni.users.economist)

    # when
    response = client.post(reverse("document_register", args=[case.pk]), document_data())

    # then
    assert response.status_code == 403
    assert not case.documents.exists()


def test_register_document_requires_login(client, muni):
    # given
    case = case_in_board(muni)

    # when
    response = client.get(reverse("document_register", args=[case.pk]))

    # then
    assert_login_redirect(response)


def test_registrar_corrects_a_document(client, muni, motion_case):
    # given
    case = motion_case.case
    login(client, muni.users.registrar)

    # when
    form_page = client.get(reverse("document_correct", args=[case.pk, 1]))
    response = client.post(
        reverse("document_correct", args=[case.pk, 1]),
        {
            "kind": Document.Kind.MOTION,
            "direction": Document.Direction.INCOMING,
            "document_date": "2023-04-04",
            "counterpart": "Ermin Škoric (S) m.fl.",
            "description": "Motion om att utreda intraprenader (rättad)",
            "public_description": "",
        },
        follow=True,
    )

    # then
    original, correction = case.documents.order_by("serial")
    assert form_page.context["form"].initial["description"] == "Motion om att utreda intraprenader"
    assert response.redirect_chain == [(reverse("case_detail", args=[case.pk]), 302)]
    assert correction.supersedes == original
    assert original.description == "Motion om att utreda intraprenader"
    assert "Handling 2 är registrerad som rättelse av handling 1." in messages_of(response)
    assert audited("document.corrected", original)


def test_correcting_an_already_corrected_document_is_refused_in_swedish(client, muni, motion_case):
    # given
    case = motion_case.case
    original = case.documents.get()
    services.correct_document(
        by=muni.users.registrar, document=original, description="Rättad", document_date=date(2023, 4, 4)
    )
    login(client, muni.users.registrar)

    # when
    response = client.post(
        reverse("document_correct", args=[case.pk, 1]),
        {
            "kind": Document.Kind.MOTION,
            "direction": Document.Direction.INCOMING,
            "document_date": "2023-04-04",
            "description": "Rättad igen",
        },
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Handlingen är redan rättad genom handling 2; rätta den i stället."
    ]
    assert case.documents.count() == 2


def test_correct_document_is_forbidden_to_board_members(client, muni, motion_case):
    # given
    login(client, muni.users.board_member)

    # when
    response = client.get(reverse("document_correct", args=[motion_case.case.pk, 1]))

    # then
    assert response.status_code == 403


def test_the_public_downloads_the_file_of_a_public_document(client, muni):
    # given
    secret = secret_case(muni)

    # when
    response = client.get(reverse("document_file", args=[secret.pk, 1]))

    # then
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Kallelse"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "kallelse" in response["Content-Disposition"]


@pytest.mark.parametrize("who", [None, "economist", "staff", "school_officer"])
def test_the_file_of_a_confidential_document_is_refused_to_those_not_cleared(client, muni, who):
    # given
    secret = secret_case(muni)
    if who:
        login(client, getattr(muni.users, who))

    # when
    response = client.get(reverse("document_file", args=[secret.pk, 2]))

    # then
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["registrar", "officer", "board_member"])
def test_the_file_of_a_confidential_document_is_given_to_those_cleared(client, muni, who):
    # given
    secret = secret_case(muni)
    login(client, getattr(muni.users, who))

    # when
    response = client.get(reverse("document_file", args=[secret.pk, 2]))

    # then
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Diagnos"


def test_a_document_without_a_file_has_nothing_to_download(client, muni, motion_case):
    # when
    response = client.get(reverse("document_file", args=[motion_case.case.pk, 1]))

    # then
    assert response.status_code == 404


# --- motions and referrals -------------------------------------------------------------------------


def test_registrar_records_the_council_paragraph_of_a_motion(client, muni, motion_case):
    # given
    login(client, muni.users.registrar)

    # when
    response = client.post(
        reverse("motion_link_paragraph", args=[motion_case.case.pk]),
        {"paragraph": motion_case.kf_paragraph.pk},
        follow=True,
    )

    # then
    motion_case.motion.refresh_from_db()
    assert response.redirect_chain == [(reverse("case_detail", args=[motion_case.case.pk]), 302)]
    assert motion_case.motion.council_paragraph == motion_case.kf_paragraph
    assert "Fullmäktigeparagrafen är angiven." in messages_of(response)
    assert audited("motion.council_paragraph_linked", motion_case.motion)


def test_council_paragraph_must_be_chosen_among_the_councils_paragraphs(client, muni, motion_case):
    # given
    login(client, muni.users.registrar)

    # when: the KSAU paragraph is not offered
    response = client.post(
        reverse("motion_link_paragraph", args=[motion_case.case.pk]),
        {"paragraph": motion_case.referral_paragraph.pk},
    )

    # then
    motion_case.motion.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["paragraph"] == [
        "Välj ett giltigt alternativ. Det valet finns inte bland tillgängliga alternativ."
    ]
    assert motion_case.motion.council_paragraph is None


def test_link_council_paragraph_is_forbidden_to_board_members(client, muni, motion_case):
    # given
    login(client, muni.users.board_member)

    # when
    response = client.get(reverse("motion_link_paragraph", args=[motion_case.case.pk]))

    # then
    assert response.status_code == 403


def test_registrar_refers_a_case_to_two_boards(client, muni, motion_case):
    # given
    login(client, muni.users.registrar)

    # when
    response = client.post(
        reverse("case_refer", args=[motion_case.case.pk]),
        {
            "decision": motion_case.referral_paragraph.pk,
            "to_bodies": [muni.board.pk, muni.school_board.pk],
            "due_on": "2023-09-01",
        },
        follow=True,
    )

    # then
    referrals = Referral.objects.filter(case=motion_case.case)
    assert response.redirect_chain == [(reverse("case_detail", args=[motion_case.case.pk]), 302)]
    assert {r.to_body for r in referrals} == {muni.board, muni.school_board}
    assert "Ärendet är remitterat till 2 organ." in messages_of(response)
    assert all(audited("referral.sent", r) for r in referrals)


def test_refer_case_refuses_an_answer_due_before_the_decision_in_swedish(client, muni, motion_case):
    # given
    login(client, muni.users.registrar)

    # when
    response = client.post(
        reverse("case_refer", args=[motion_case.case.pk]),
        {"decision": motion_case.referral_paragraph.pk, "to_bodies": [muni.board.pk], "due_on": "2023-01-01"},
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["due_on"] == ["Svaret kan inte begäras in före remissbeslutet."]
    assert not Referral.objects.exists()


def test_refer_case_is_forbidden_to_officers(client, muni, motion_case):
    # given
    login(client, muni.users.officer)

    # when
    response = client.get(reverse("case_refer", args=[motion_case.case.pk]))

    # then
    assert response.status_code == 403


def test_refer_case_requires_login(client, muni, motion_case):
    # when
    response = client.get(reverse("case_refer", args=[motion_case.case.pk]))

    # then
    assert_login_redirect(response)


def test_board_member_answers_the_referral_to_the_board(client, muni, motion_case):
    # given
    to_board = next(r for r in referred_motion(muni, motion_case) if r.to_body == muni.board)
    statement = paragraph_in(
        muni,
        meeting_at(muni, muni.board, Meeting.Status.HELD, on=date(2023, 6, 14)),
        case=motion_case.case,
        outcome=Paragraph.Outcome.PROPOSE,
        title="Yttrande över motion om intraprenader",
    )
    login(client, muni.users.board_member)

    # when
    form_page = client.get(reverse("case_detail", args=[motion_case.case.pk]))
    response = client.post(reverse("referral_answer", args=[to_board.pk]), {"answer": statement.pk}, follow=True)

    # then
    to_board.refresh_from_db()
    assert reverse("referral_answer", args=[to_board.pk]) in form_page.content.decode()
    assert response.redirect_chain == [(reverse("case_detail", args=[motion_case.case.pk]), 302)]
    assert to_board.status == Referral.Status.ANSWERED
    assert to_board.answer == statement
    assert "Remissen till Socialnämnden är besvarad." in messages_of(response)
    assert audited("referral.answered", to_board)


def test_answering_another_boards_referral_is_forbidden(client, muni, motion_case):
    # given
    to_school_board = next(r for r in referred_motion(muni, motion_case) if r.to_body == muni.school_board)
    login(client, muni.users.board_member)

    # when
    response = client.get(reverse("referral_answer", args=[to_school_board.pk]))

    # then
    assert response.status_code == 403


# --- meetings and minutes --------------------------------------------------------------------------


def test_meeting_list_shows_the_public_only_approved_minutes(client, muni):
    # given
    approved = meeting_at(muni, muni.kf, Meeting.Status.MINUTES_APPROVED, on=today() - timedelta(days=7))
    held = meeting_at(muni, muni.board, Meeting.Status.HELD)
    planned = meeting_at(muni, muni.board, Meeting.Status.PLANNED, on=today() + timedelta(days=7))

    # when
    response = client.get(reverse("meeting_list"))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [approved]
    assert reverse("meeting_detail", args=[held.pk]) not in page
    assert reverse("meeting_detail", args=[planned.pk]) not in page
    assert reverse("meeting_create") not in page


def test_meeting_list_shows_the_registrar_every_meeting_and_the_create_button(client, muni):
    # given
    meeting_at(muni, muni.kf, Meeting.Status.MINUTES_APPROVED, on=today() - timedelta(days=7))
    meeting_at(muni, muni.board, Meeting.Status.HELD)
    login(client, muni.users.registrar)

    # when
    response = client.get(reverse("meeting_list"))

    # then
    assert len(response.context["page"].object_list) == 2
    assert reverse("meeting_create") in response.content.decode()


def test_registrar_creates_a_meeting(client, muni):
    # given
    login(client, muni.users.registrar)

    # when
    response = client.post(
        reverse("meeting_create"),
        {"body": muni.board.pk, "date": "2025-03-12", "location": "Kommunhuset"},
        follow=True,
    )

    # then
    meeting = Meeting.objects.get()
    assert response.redirect_chain == [(reverse("meeting_detail", args=[meeting.pk]), 302)]
    assert (meeting.body, meeting.date, meeting.status) == (muni.board, date(2025, 3, 12), Meeting.Status.PLANNED)
    assert "Sammanträdet är skapat." in messages_of(response)
    assert audited("meeting.created", meeting)


def test_create_meeting_refuses_a_bad_date_in_swedish(client, muni):
    # given
    login(client, muni.users.registrar)

    # when
    response = client.post(reverse("meeting_create"), {"body": muni.board.pk, "date": "den tolfte"})

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == ["Fyll i ett giltigt datum."]
    assert not Meeting.objects.exists()


def test_create_meeting_is_forbidden_to_board_members(client, muni):
    # given
    login(client, muni.users.board_member)

    # when
    response = client.post(reverse("meeting_create"), {"body": muni.board.pk, "date": "2025-03-12"})

    # then
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_create_meeting_requires_login(client, muni):
    # when
    response = client.get(reverse("meeting_create"))

    # then
    assert_login_redirect(response)


def test_the_public_reads_approved_minutes(client, muni, motion_case):
    # given
    meeting = motion_case.kf_meeting
    services.approve_minutes(
        by=muni.users.registrar, meeting=meeting, approved_on=date(2023, 4, 28), adjusters="Anna Ordförande"
    )

    # when
    response = client.get(reverse("meeting_detail", args=[meeting.pk]))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "§ 49 Motion om intraprenader" in page
    assert "202300258-KF-§ 49" in page
    assert "Motionen överlämnas till kommunstyrelsen för beredning." in page
    assert "Anna Ordförande" in page
    assert reverse("paragraph_record", args=[meeting.pk]) not in page
    assert "meeting.minutes_approved" not in page


def test_minutes_that_are_not_approved_are_not_found_for_the_public(client, muni, motion_case):
    # when
    response = client.get(reverse("meeting_detail", args=[motion_case.ksau_meeting.pk]))

    # then
    assert response.status_code == 404


def test_board_member_sees_the_boards_held_meeting_with_the_record_button(client, muni):
    # given
    meeting = meeting_at(muni, muni.board, Meeting.Status.HELD)
    login(client, muni.users.board_member)

    # when
    response = client.get(reverse("meeting_detail", args=[meeting.pk]))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert reverse("paragraph_record", args=[meeting.pk]) in page
    assert reverse("meeting_approve", args=[meeting.pk]) not in page


def test_registrar_marks_a_meeting_as_held(client, muni):
    # given
    meeting = meeting_at(muni, muni.board, Meeting.Status.PLANNED)
    login(client, muni.users.registrar)

    # when
    response = client.post(reverse("meeting_hold", args=[meeting.pk]), follow=True)

    # then
    meeting.refresh_from_db()
    assert response.redirect_chain == [(reverse("meeting_detail", args=[meeting.pk]), 302)]
    assert meeting.status == Meeting.Status.HELD
    assert "Sammanträdet är markerat som genomfört." in messages_of(response)
    assert audited("meeting.held", meeting)


def test_a_future_meeting_cannot_be_marked_as_held(client, muni):
    # given
    meeting = meeting_at(muni, muni.board, Meeting.Status.PLANNED, on=today() + timedelta(days=1))
    login(client, muni.users.registrar)

    # when
    response = client.post(reverse("meeting_hold", args=[meeting.pk]), follow=True)

    # then
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    assert "Ett sammanträde kan inte markeras som genomfört före sitt datum." in messages_of(response)


def test_hold_meeting_is_forbidden_to_board_members(client, muni):
    # given
    meeting = meeting_at(muni, muni.board, Meeting.Status.PLANNED)
    login(client, muni.users.board_member)

    # when
    response = client.post(reverse("meeting_hold", args=[meeting.pk]))

    # then
    meeting.refresh_from_db()
    assert response.status_code == 403
    assert meeting.status == Meeting.Status.PLANNED


def test_hold_meeting_requires_login(client, muni):
    # given
    meeting = meeting_at(muni, muni.board, Meeting.Status.PLANNED)

    # when
    response = client.post(reverse("meeting_hold", args=[meeting.pk]))

    # then
    assert_login_redirect(response)


def test_registrar_approves_the_minutes(client, muni):
    # given
    meeting = meeting_at(muni, muni.board, Meeting.Status.HELD)
    login(client, muni.users.registrar)

    # when
    response = client.post(
        reverse("meeting_approve", args=[meeting.pk]),
        {"approved_on": today().isoformat(), "adjusters": "Anna Ordförande, Bo Ledamot"},
        follow=True,
    )

    # then
    meeting.refresh_from_db()
    assert response.redirect_chain == [(reverse("meeting_detail", args=[meeting.pk]), 302)]
    assert meeting.status == Meeting.Status.MINUTES_APPROVED
    assert meeting.adjusters == "Anna Ordförande, Bo Ledamot"
    assert "Protokollet är justerat och offentligt." in messages_of(response)
    assert audited("meeting.minutes_approved", meeting)


def test_approve_minutes_refuses_a_future_date_in_swedish(client, muni):
    # given
    meeting = meeting_at(muni, muni.board, Meeting.Status.HELD)
    login(client, muni.users.registrar)

    # when
    response = client.post(
        reverse("meeting_approve", args=[meeting.pk]),
        {"approved_on": (today() + timedelta(days=2)).isoformat(), "adjusters": "Anna Ordförande"},
    )

    # then
    meeting.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["approved_on"] == [
        "Protokollet kan inte justeras med ett datum i framtiden."
    ]
    assert meeting.status == Meeting.Status.HELD
    assert not AuditEvent.objects.filter(verb="meeting.minutes_approved").exists()


def test_approved_minutes_cannot_be_approved_again(client, muni):
    # given
    meeting = meeting_at(muni, muni.board, Meeting.Status.MINUTES_APPROVED)
    login(client, muni.users.registrar)

    # when
    response = client.get(reverse("meeting_approve", args=[meeting.pk]), follow=True)

    # then
    assert response.redirect_chain == [(reverse("meeting_detail", args=[meeting.pk]), 302)]
    assert "Protokollet är redan justerat." in messages_of(response)


def test_minutes_of_a_meeting_not_yet_held_cannot_be_approved(client, muni):
    # given
    meeting = meeting_at(muni, muni.board, Meeting.Status.PLANNED)
    login(client, muni.users.registrar)

    # when
    response = client.post(
        reverse("meeting_approve", args=[meeting.pk]),
        {"approved_on": today().isoformat(), "adjusters": "Anna Ordförande"},
        follow=True,
    )

    # then
    meeting.refresh_from_db()
    assert response.redirect_chain == [(reverse("meeting_detail", args=[meeting.pk]), 302)]
    assert meeting.status == Meeting.Status.PLANNED
    assert "Markera sammanträdet som genomfört innan protokollet justeras." in messages_of(response)


def test_approve_minutes_is_forbidden_to_board_members(client, muni):
    # given
    meeting = meeting_at(muni, muni.board, Meeting.Status.HELD)
    login(client, muni.users.board_member)

    # when
    response = client.get(reverse("meeting_approve", args=[meeting.pk]))

    # then
    assert response.status_code == 403


def test_board_member_records_a_paragraph_in_the_boards_minutes(client, muni, motion_case):
    # given
    meeting = meeting_at(muni, muni.board, Meeting.Status.HELD)
    login(client, muni.users.board_member)

    # when
    response = client.post(
        reverse("paragraph_record", args=[meeting.pk]),
        {
            "case_number": "ks 2023-258",
            "title": "Yttrande över motion om intraprenader",
            "outcome": Paragraph.Outcome.PROPOSE,
            "decision_text": "Nämnden föreslår att kommunstyrelsen avslår motionen.",
            "reasons": "Intraprenader kan prövas inom nuvarande regler.",
        },
        follow=True,
    )

    # then
    paragraph = Paragraph.objects.get(meeting=meeting)
    assert response.redirect_chain == [(reverse("meeting_detail", args=[meeting.pk]), 302)]
    assert paragraph.case == motion_case.case
    assert paragraph.recorded_by == muni.users.board_member
    assert "202300258-SN-§ 1 är protokollförd." in messages_of(response)
    assert audited("paragraph.recorded", paragraph)


def test_record_paragraph_refuses_an_unknown_case_number_in_swedish(client, muni):
    # given
    meeting = meeting_at(muni, muni.board, Meeting.Status.HELD)
    login(client, muni.users.board_member)

    # when
    response = client.post(
        reverse("paragraph_record", args=[meeting.pk]),
        {
            "case_number": "KS 2023-09999",
            "title": "Yttrande",
            "outcome": Paragraph.Outcome.PROPOSE,
            "decision_text": "Nämnden föreslår avslag.",
        },
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["case_number"] == ["Det finns inget ärende KS 2023-09999."]
    assert not Paragraph.objects.exists()


def test_record_paragraph_in_approved_minutes_is_refused_in_swedish(client, muni):
    # given
    meeting = meeting_at(muni, muni.board, Meeting.Status.MINUTES_APPROVED)
    login(client, muni.users.registrar)

    # when
    response = client.post(
        reverse("paragraph_record", args=[meeting.pk]),
        {"title": "Sent tillägg", "outcome": Paragraph.Outcome.NOTED, "decision_text": "Noteras."},
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Protokollet är justerat; ingen paragraf kan läggas till eller ändras."
    ]
    assert not Paragraph.objects.exists()


def test_record_paragraph_is_forbidden_to_staff(client, muni):
    # given: approved minutes are public, but staff may not record in them
    meeting = meeting_at(muni, muni.board, Meeting.Status.MINUTES_APPROVED)
    login(client, muni.users.staff)

    # when
    response = client.get(reverse("paragraph_record", args=[meeting.pk]))

    # then
    assert response.status_code == 403


def test_record_paragraph_requires_login(client, muni):
    # given
    meeting = meeting_at(muni, muni.board, Meeting.Status.HELD)

    # when
    response = client.get(reverse("paragraph_record", args=[meeting.pk]))

    # then
    assert_login_redirect(response)
