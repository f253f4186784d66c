"""Database-free tests of the register's rules."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from intraprenad.cases import rules

D = date(2023, 5, 9)


@pytest.mark.parametrize(
    ("series", "year", "number", "expected"),
    [
        ("KS", 2023, 258, "KS 2023-00258"),
        ("SN", 2024, 1, "SN 2024-00001"),
        ("BUN", 2025, 99999, "BUN 2025-99999"),
    ],
)
def test_case_number_is_series_year_and_five_digits(series, year, number, expected):
    # given a series, year and number / when formatted / then
    assert rules.format_case_number(series=series, year=year, number=number) == expected


@pytest.mark.parametrize(
    ("case_year", "case_number", "body", "paragraph", "expected"),
    [
        (2023, 258, "KSAU", 103, "202300258-KSAU-§ 103"),
        (2023, 258, "KF", 49, "202300258-KF-§ 49"),
        (None, None, "SN", 7, "SN § 7"),
    ],
)
def test_decision_reference_follows_the_seed_form(case_year, case_number, body, paragraph, expected):
    # given a paragraph / when referenced / then
    assert (
        rules.format_decision_reference(case_year=case_year, case_number=case_number, body=body, paragraph=paragraph)
        == expected
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KS 2023-00258", ("KS", 2023, 258)),
        ("ks 2023-258", ("KS", 2023, 258)),
        ("2023-00258", ("", 2023, 258)),
        ("SN2024-1", ("SN", 2024, 1)),
        ("intraprenad", None),
        ("", None),
    ],
)
def test_parse_case_number_reads_typed_numbers(text, expected):
    # given typed text / when parsed / then
    assert rules.parse_case_number(text) == expected


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("planned", "held", True),
        ("held", "approved", True),
        ("planned", "approved", False),
        ("approved", "held", False),
        ("held", "planned", False),
    ],
)
def test_meeting_transitions_follow_the_table(current, target, allowed):
    # given a transition / when checked / then it passes or is refused
    if allowed:
        rules.check_meeting_transition(current, target)
    else:
        with pytest.raises(ValidationError):
            rules.check_meeting_transition(current, target)


@pytest.mark.parametrize(("status", "allowed"), [("planned", True), ("held", True), ("approved", False)])
def test_paragraphs_can_only_be_added_before_the_minutes_are_approved(status, allowed):
    # given a meeting status / when a paragraph is added / then
    if allowed:
        rules.check_paragraph_can_be_added(meeting_status=status)
    else:
        with pytest.raises(ValidationError, match="justerat"):
            rules.check_paragraph_can_be_added(meeting_status=status)


@pytest.mark.parametrize(
    ("meeting_date", "allowed"),
    [(date(2023, 5, 7), True), (date(2023, 5, 8), True), (date(2023, 5, 9), False), (date(2024, 1, 1), False)],
)
def test_decisions_are_recorded_on_or_after_the_meeting_day(meeting_date, allowed):
    # given today is 2023-05-08 / when a paragraph is recorded in a meeting on `meeting_date` / then
    if allowed:
        rules.check_meeting_has_taken_place(meeting_date=meeting_date, today=date(2023, 5, 8))
    else:
        with pytest.raises(ValidationError, match="har inte ägt rum"):
            rules.check_meeting_has_taken_place(meeting_date=meeting_date, today=date(2023, 5, 8))


@pytest.mark.parametrize(
    ("title", "outcome", "text", "message"),
    [
        ("", "approve", "Beslut", "rubrik"),
        ("Rubrik", "approve", "  ", "rubrik"),
        ("Rubrik", "maybe", "Beslut", "beslutsutfall"),
    ],
)
def test_paragraph_fields_are_required_and_outcome_known(title, outcome, text, message):
    # given incomplete paragraph fields / when checked / then refused
    with pytest.raises(ValidationError, match=message):
        rules.check_paragraph_fields(title=title, outcome=outcome, decision_text=text)


@pytest.mark.parametrize(
    ("approved_on", "adjusters", "today", "field"),
    [
        (date(2023, 5, 10), "", date(2023, 6, 1), "adjusters"),
        (date(2023, 5, 8), "Anna A", date(2023, 6, 1), "approved_on"),
        (date(2023, 6, 2), "Anna A", date(2023, 6, 1), "approved_on"),
        (date(2023, 5, 9), "Anna A", date(2023, 6, 1), None),
    ],
)
def test_minutes_are_approved_by_named_adjusters_between_meeting_and_today(approved_on, adjusters, today, field):
    # given an approval / when checked / then the named field is refused, or it passes
    if field is None:
        rules.check_minutes_approval(meeting_date=D, approved_on=approved_on, adjusters=adjusters, today=today)
        return
    with pytest.raises(ValidationError) as error:
        rules.check_minutes_approval(meeting_date=D, approved_on=approved_on, adjusters=adjusters, today=today)
    assert field in error.value.error_dict


@pytest.mark.parametrize(
    ("series", "title", "confidential", "public_title", "message"),
    [
        ("", "Ärende", False, "", "diarieserie"),
        ("KS", " ", False, "", "rubrik"),
        ("KS", "Ärende om person", True, "", "offentlig rubrik"),
    ],
)
def test_case_fields_are_refused_when_incomplete(series, title, confidential, public_title, message):
    # given incomplete case fields / when checked / then refused with a Swedish message
    with pytest.raises(ValidationError, match=message):
        rules.check_case_fields(series=series, title=title, is_confidential=confidential, public_title=public_title)


def test_confidential_case_with_public_title_is_accepted():
    # given / when / then no exception
    rules.check_case_fields(series="SN", title="Ärende om X", is_confidential=True, public_title="Ärende om enskild")


@pytest.mark.parametrize(
    ("description", "confidential", "public", "direction", "field"),
    [
        ("", False, "", "in", "description"),
        ("Brev", True, "", "in", "public_description"),
        ("Brev", False, "", "sideways", "direction"),
    ],
)
def test_document_fields_are_refused_when_incomplete(description, confidential, public, direction, field):
    # given incomplete document fields / when checked / then the field is named
    with pytest.raises(ValidationError) as error:
        rules.check_document_fields(
            description=description, is_confidential=confidential, public_description=public, direction=direction
        )
    assert field in error.value.error_dict


@pytest.mark.parametrize(
    ("document_date", "allowed"), [(date(2023, 6, 1), True), (date(2023, 5, 1), True), (date(2023, 6, 2), False)]
)
def test_document_date_cannot_be_in_the_future(document_date, allowed):
    # given a date and today 2023-06-01 / when checked / then
    if allowed:
        rules.check_document_date(document_date=document_date, today=date(2023, 6, 1))
    else:
        with pytest.raises(ValidationError, match="framtiden"):
            rules.check_document_date(document_date=document_date, today=date(2023, 6, 1))


@pytest.mark.parametrize(
    ("same_case", "corrected_by", "message"),
    [(False, None, "samma ärende"), (True, 4, "handling 4")],
)
def test_correction_is_refused_in_another_case_or_of_a_corrected_document(same_case, corrected_by, message):
    # given / when / then
    with pytest.raises(ValidationError, match=message):
        rules.check_correction(same_case=same_case, corrected_by_serial=corrected_by)


def test_correction_of_the_latest_version_in_the_same_case_is_accepted():
    # given / when / then no exception
    rules.check_correction(same_case=True, corrected_by_serial=None)


@pytest.mark.parametrize(
    ("kind", "movers", "text", "field"),
    [
        ("board", "Anna (S)", "Text", "council"),
        ("council", " ", "Text", "movers"),
        ("council", "Anna (S)", "", "text"),
    ],
)
def test_motion_needs_the_council_movers_and_text(kind, movers, text, field):
    # given / when / then
    with pytest.raises(ValidationError) as error:
        rules.check_motion_fields(council_kind=kind, movers=movers, text=text)
    assert field in error.value.error_dict


REFERRAL_OK = {
    "decision_in_case": True,
    "decision_outcome": "refer",
    "decision_date": D,
    "due_on": date(2023, 8, 31),
    "body_count": 4,
    "non_bodies": [],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"decision_in_case": False}, "samma ärende"),
        ({"decision_outcome": "approve"}, "inte ett remissbeslut"),
        ({"body_count": 0}, "minst ett"),
        ({"non_bodies": ["Hemvården Norr"]}, "Hemvården Norr"),
        ({"due_on": date(2023, 5, 1)}, "före remissbeslutet"),
    ],
)
def test_referral_is_refused_when_the_decision_or_bodies_do_not_fit(change, message):
    # given a referral with one fault / when checked / then refused
    with pytest.raises(ValidationError, match=message):
        rules.check_referral(**(REFERRAL_OK | change))


def test_referral_by_a_referral_decision_to_bodies_is_accepted():
    # given / when / then no exception
    rules.check_referral(**REFERRAL_OK)


@pytest.mark.parametrize(
    ("status", "same_body", "same_case", "message"),
    [
        ("answered", True, True, "redan besvarats"),
        ("sent", False, True, "remitterade organets"),
        ("sent", True, False, "remitterade organets"),
    ],
)
def test_referral_answer_is_refused_when_answered_or_from_the_wrong_body(status, same_body, same_case, message):
    # given / when / then
    with pytest.raises(ValidationError, match=message):
        rules.check_referral_answer(status=status, same_body=same_body, same_case=same_case)


@pytest.mark.parametrize(
    ("status", "unanswered", "message"),
    [("closed", 0, "redan avslutat"), ("open", 2, "2 remisser")],
)
def test_case_cannot_be_closed_twice_or_with_unanswered_referrals(status, unanswered, message):
    # given / when / then
    with pytest.raises(ValidationError, match=message):
        rules.check_case_can_close(status=status, unanswered_referrals=unanswered)


@pytest.mark.parametrize(
    ("confidential", "cleared", "visible"),
    [(False, False, True), (False, True, True), (True, True, True), (True, False, False)],
)
def test_confidential_files_are_only_for_those_cleared(confidential, cleared, visible):
    # given / when / then
    assert rules.can_see_confidential_file(is_confidential=confidential, may_view_confidential=cleared) is visible


@pytest.mark.parametrize(("meeting_date", "allowed"), [(date(2023, 6, 1), True), (date(2023, 6, 2), False)])
def test_meeting_cannot_be_held_before_its_date(meeting_date, allowed):
    # given today 2023-06-01 / when checked / then
    if allowed:
        rules.check_meeting_can_be_held(meeting_date=meeting_date, today=date(2023, 6, 1))
    else:
        with pytest.raises(ValidationError):
            rules.check_meeting_can_be_held(meeting_date=meeting_date, today=date(2023, 6, 1))


@pytest.mark.parametrize(
    ("registered_on", "allowed"), [(date(2023, 5, 1), True), (date(2023, 5, 8), True), (date(2023, 5, 9), False)]
)
def test_a_case_is_registered_today_or_on_a_past_day(registered_on, allowed):
    # given today is 2023-05-08 / when a case is registered on `registered_on` / then
    if allowed:
        rules.check_registration_date(registered_on=registered_on, today=date(2023, 5, 8))
    else:
        with pytest.raises(ValidationError, match="framtiden"):
            rules.check_registration_date(registered_on=registered_on, today=date(2023, 5, 8))
