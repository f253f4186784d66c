"""Services of the register, meetings, motions and referrals: the happy path, each refusal, the audit row."""

import hashlib
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from intraprenad.accounts.models import AuditEvent
from intraprenad.cases import services
from intraprenad.cases.models import Case, Document, Meeting, Paragraph, Referral

from .conftest import held_meeting


def _verbs(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).order_by("id").values_list("verb", flat=True))


@pytest.fixture
def case(muni) -> Case:
    return services.register_case(
        by=muni.users.officer, org_unit=muni.board, subject_unit=muni.unit, title="Ansökan om intraprenad", year=2024
    )


def _document(muni, case, **overrides) -> Document:
    fields = {
        "by": muni.users.registrar,
        "case": case,
        "kind": Document.Kind.LETTER,
        "direction": Document.Direction.INCOMING,
        "description": "Brev från enheten",
        "document_date": date(2024, 2, 1),
        "counterpart": "Hemvården Norr",
    }
    return services.register_document(**(fields | overrides))


# register_case


def test_register_case_numbers_the_case_and_writes_an_audit_row(muni):
    # given an officer of the social administration
    # when a case about one of its units is registered
    case = services.register_case(
        by=muni.users.officer, org_unit=muni.board, subject_unit=muni.unit, title="Ansökan", year=2024
    )
    # then it is open, numbered in SN, and audited
    assert (case.case_number, case.status, case.registered_by) == ("SN 2024-00001", "open", muni.users.officer)
    event = AuditEvent.objects.get(verb="case.registered")
    assert (event.actor, event.target_id, event.changes["case_number"]) == (
        muni.users.officer,
        str(case.pk),
        "SN 2024-00001",
    )


def test_register_case_is_refused_without_permission(muni):
    # given a staff member
    # when registering a case / then access is refused
    with pytest.raises(PermissionDenied):
        services.register_case(by=muni.users.staff, org_unit=muni.board, title="Ärende")


def test_register_case_is_refused_for_a_body_without_series(muni):
    # given an administration without a case series
    # when registering / then refused
    with pytest.raises(ValidationError, match="diarieserie"):
        services.register_case(by=muni.users.registrar, org_unit=muni.administration, title="Ärende")


def test_register_confidential_case_needs_a_public_title(muni):
    # given / when a confidential case has no public title / then refused, nothing numbered
    with pytest.raises(ValidationError, match="offentlig rubrik"):
        services.register_case(
            by=muni.users.registrar, org_unit=muni.board, title="Ärende om N.N.", is_confidential=True
        )
    assert not Case.objects.exists()


# register_document and correct_document


def test_register_document_numbers_documents_per_case_and_audits(muni, case):
    # given a case
    # when two documents are registered
    first = _document(muni, case)
    second = _document(muni, case, direction=Document.Direction.OUTGOING, description="Svar")
    # then they are numbered 1 and 2 with an audit row each, shown in the case's history
    assert (first.serial, second.serial) == (1, 2)
    assert _verbs(subject_id=str(case.pk), verb="document.registered") == ["document.registered"] * 2


def test_register_document_stores_the_file_with_its_checksum(muni, case, tmp_path, settings):
    # given a media root
    settings.MEDIA_ROOT = tmp_path
    # when a document is registered with a file
    document = _document(muni, case, file_name="ansokan.pdf", content=b"%PDF-1.4 test")
    # then the file is stored and its SHA-256 recorded
    assert document.file.read() == b"%PDF-1.4 test"
    assert document.file_sha256 == hashlib.sha256(b"%PDF-1.4 test").hexdigest()


def test_register_document_is_refused_without_permission(muni, case):
    # given the unit head of the unit the case concerns
    # when registering a document / then refused
    with pytest.raises(PermissionDenied):
        _document(muni, case, by=muni.users.unit_head)


def test_register_document_is_refused_with_a_future_date(muni, case):
    # given / when the date received is tomorrow / then refused
    with pytest.raises(ValidationError, match="framtiden"):
        _document(muni, case, document_date=timezone.localdate() + timedelta(days=1))


def test_register_confidential_document_needs_a_public_description(muni, case):
    # given / when / then
    with pytest.raises(ValidationError, match="offentlig beskrivning"):
        _document(muni, case, is_confidential=True)


def test_correct_document_registers_a_new_document_and_keeps_the_original(muni, case):
    # given a registered document
    original = _document(muni, case, description="Brev med fel datum")
    # when it is corrected
    correction = services.correct_document(
        by=muni.users.registrar, document=original, description="Brev från enheten", document_date=date(2024, 2, 2)
    )
    # then a new document supersedes it, the original is unchanged, and both events are audited
    original.refresh_from_db()
    assert (correction.serial, correction.supersedes, correction.counterpart) == (2, original, "Hemvården Norr")
    assert (original.description, original.document_date) == ("Brev med fel datum", date(2024, 2, 1))
    assert _verbs(subject_id=str(case.pk))[-2:] == ["document.registered", "document.corrected"]
    assert AuditEvent.objects.get(verb="document.corrected").changes == {"serial": 1, "corrected_by": 2}


def test_correct_document_is_refused_for_an_already_corrected_document(muni, case):
    # given a document that has been corrected
    original = _document(muni, case)
    services.correct_document(
        by=muni.users.registrar, document=original, description="Rätt", document_date=date(2024, 2, 1)
    )
    # when it is corrected again / then the registrar is pointed at the correction
    with pytest.raises(ValidationError, match="handling 2"):
        services.correct_document(
            by=muni.users.registrar, document=original, description="Igen", document_date=date(2024, 2, 1)
        )


def test_correct_document_is_refused_without_permission(muni, case):
    # given a document
    original = _document(muni, case)
    # when a board member corrects it / then refused
    with pytest.raises(PermissionDenied):
        services.correct_document(
            by=muni.users.board_member, document=original, description="Rätt", document_date=date(2024, 2, 1)
        )


# meetings and paragraphs


def test_create_meeting_plans_a_meeting_and_audits(muni):
    # given the registrar
    # when a board meeting is created
    meeting = services.create_meeting(
        by=muni.users.registrar, body=muni.board, date=date(2024, 3, 14), location="Rum 1"
    )
    # then it is planned and audited
    assert meeting.status == Meeting.Status.PLANNED
    assert _verbs(target_id=str(meeting.pk)) == ["meeting.created"]


def test_create_meeting_is_refused_for_a_unit_that_decides_nothing(muni):
    # given / when / then
    with pytest.raises(ValidationError, match="beslutande organ"):
        services.create_meeting(by=muni.users.registrar, body=muni.unit, date=date(2024, 3, 14))


def test_create_meeting_is_refused_without_permission(muni):
    # given a board member (who decides but does not manage meetings) / when / then
    with pytest.raises(PermissionDenied):
        services.create_meeting(by=muni.users.board_member, body=muni.board, date=date(2024, 3, 14))


def test_hold_meeting_marks_it_held_and_audits(muni):
    # given a planned meeting
    meeting = services.create_meeting(by=muni.users.registrar, body=muni.board, date=date(2024, 3, 14))
    # when it is marked held
    meeting = services.hold_meeting(by=muni.users.registrar, meeting=meeting)
    # then
    assert meeting.status == Meeting.Status.HELD
    assert _verbs(target_id=str(meeting.pk)) == ["meeting.created", "meeting.held"]


def test_hold_meeting_is_refused_before_the_meeting_date(muni):
    # given a meeting next week / when marked held / then refused
    meeting = services.create_meeting(
        by=muni.users.registrar, body=muni.board, date=timezone.localdate() + timedelta(days=7)
    )
    with pytest.raises(ValidationError, match="före sitt datum"):
        services.hold_meeting(by=muni.users.registrar, meeting=meeting)


def test_hold_meeting_is_refused_without_permission(muni):
    # given / when an officer marks it held / then refused
    meeting = services.create_meeting(by=muni.users.registrar, body=muni.board, date=date(2024, 3, 14))
    with pytest.raises(PermissionDenied):
        services.hold_meeting(by=muni.users.officer, meeting=meeting)


def test_record_paragraph_numbers_it_and_audits_in_the_case(muni, case):
    # given a held board meeting
    meeting = held_meeting(muni, muni.board, date(2024, 3, 14))
    # when a board member records a decision in the case
    paragraph = services.record_paragraph(
        by=muni.users.board_member,
        meeting=meeting,
        case=case,
        title="Ansökan om intraprenad",
        outcome=Paragraph.Outcome.APPROVE,
        decision_text="Nämnden bifaller ansökan.",
        reasons="Ansökan uppfyller riktlinjerna.",
    )
    # then it is § 1 of SN 2024, referenced with the case, and audited on the case
    assert paragraph.reference == "202400001-SN-§ 1"
    event = AuditEvent.objects.get(verb="paragraph.recorded")
    assert (event.subject_id, event.changes["reference"]) == (str(case.pk), "202400001-SN-§ 1")


def test_record_paragraph_is_refused_after_the_minutes_are_approved(muni):
    # given approved minutes
    meeting = held_meeting(muni, muni.board, date(2024, 3, 14))
    services.approve_minutes(by=muni.users.registrar, meeting=meeting, approved_on=date(2024, 3, 18), adjusters="A, B")
    # when a paragraph is added / then refused
    with pytest.raises(ValidationError, match="justerat"):
        services.record_paragraph(
            by=muni.users.registrar, meeting=meeting, title="Sent", outcome="noted", decision_text="Noteras."
        )


def test_record_paragraph_is_refused_with_an_unknown_outcome(muni):
    # given / when / then
    meeting = held_meeting(muni, muni.board, date(2024, 3, 14))
    with pytest.raises(ValidationError, match="beslutsutfall"):
        services.record_paragraph(
            by=muni.users.registrar, meeting=meeting, title="X", outcome="perhaps", decision_text="Y"
        )


def test_record_paragraph_is_refused_without_permission(muni):
    # given an officer (prepares but does not decide) / when / then
    meeting = held_meeting(muni, muni.board, date(2024, 3, 14))
    with pytest.raises(PermissionDenied):
        services.record_paragraph(by=muni.users.officer, meeting=meeting, title="X", outcome="noted", decision_text="Y")


def test_approve_minutes_makes_the_meeting_public_and_audits(muni):
    # given a held meeting
    meeting = held_meeting(muni, muni.board, date(2024, 3, 14))
    # when the minutes are approved
    meeting = services.approve_minutes(
        by=muni.users.registrar, meeting=meeting, approved_on=date(2024, 3, 18), adjusters="Anna A, Bo B"
    )
    # then the meeting is public, with adjusters and date, and audited
    assert (meeting.is_public, meeting.adjusters, meeting.minutes_approved_at) == (
        True,
        "Anna A, Bo B",
        date(2024, 3, 18),
    )
    assert AuditEvent.objects.get(verb="meeting.minutes_approved").changes["adjusters"] == "Anna A, Bo B"


def test_approve_minutes_is_refused_before_the_meeting_is_held(muni):
    # given a planned meeting / when approved / then refused
    meeting = services.create_meeting(by=muni.users.registrar, body=muni.board, date=date(2024, 3, 14))
    with pytest.raises(ValidationError):
        services.approve_minutes(by=muni.users.registrar, meeting=meeting, approved_on=date(2024, 3, 18), adjusters="A")


def test_approve_minutes_is_refused_without_adjusters(muni):
    # given / when / then
    meeting = held_meeting(muni, muni.board, date(2024, 3, 14))
    with pytest.raises(ValidationError, match="justerat protokollet"):
        services.approve_minutes(by=muni.users.registrar, meeting=meeting, approved_on=date(2024, 3, 18), adjusters=" ")


def test_approve_minutes_is_refused_without_permission(muni):
    # given / when a board member approves / then refused
    meeting = held_meeting(muni, muni.board, date(2024, 3, 14))
    with pytest.raises(PermissionDenied):
        services.approve_minutes(
            by=muni.users.board_member, meeting=meeting, approved_on=date(2024, 3, 18), adjusters="A"
        )


# motions


def test_register_motion_opens_a_motion_case_with_the_motion_as_document_1(motion_case):
    # given the motion of seed 000
    case = motion_case.case
    # when it is read back / then it is a motion case with the motion registered as received
    document = case.documents.get()
    assert (case.kind, case.org_unit.short_name) == ("motion", "KF")
    assert (document.serial, document.direction, document.kind) == (1, "in", "motion")
    assert document.counterpart.startswith("Ermin Škoric (S)")
    assert _verbs(subject_id=str(case.pk))[:3] == ["case.registered", "document.registered", "motion.registered"]


def test_register_motion_is_refused_for_a_board(muni):
    # given / when a motion is filed with a board / then refused, nothing registered
    with pytest.raises(ValidationError, match="kommunfullmäktige"):
        services.register_motion(
            by=muni.users.registrar, council=muni.board, title="M", movers="A (S)", filed_on=date(2023, 4, 4), text="T"
        )
    assert not Case.objects.exists()


def test_register_motion_is_refused_without_permission(muni):
    # given a board member / when / then
    with pytest.raises(PermissionDenied):
        services.register_motion(
            by=muni.users.board_member, council=muni.kf, title="M", movers="A (S)", filed_on=date(2023, 4, 4), text="T"
        )


def test_link_council_paragraph_records_kf_49_and_audits(muni, motion_case):
    # given the motion and the council paragraph
    # when linked
    motion = services.link_council_paragraph(
        by=muni.users.registrar, motion=motion_case.motion, paragraph=motion_case.kf_paragraph
    )
    # then
    assert motion.council_paragraph.reference == "202300258-KF-§ 49"
    assert AuditEvent.objects.get(verb="motion.council_paragraph_linked").changes == {"paragraph": "202300258-KF-§ 49"}


def test_link_council_paragraph_is_refused_for_a_committee_paragraph(muni, motion_case):
    # given / when the KSAU paragraph is chosen / then refused
    with pytest.raises(ValidationError, match="kommunfullmäktiges"):
        services.link_council_paragraph(
            by=muni.users.registrar, motion=motion_case.motion, paragraph=motion_case.referral_paragraph
        )


def test_link_council_paragraph_is_refused_twice(muni, motion_case):
    # given a linked motion
    services.link_council_paragraph(
        by=muni.users.registrar, motion=motion_case.motion, paragraph=motion_case.kf_paragraph
    )
    # when linked again / then refused
    with pytest.raises(ValidationError, match="redan kopplad"):
        services.link_council_paragraph(
            by=muni.users.registrar, motion=motion_case.motion, paragraph=motion_case.kf_paragraph
        )


def test_link_council_paragraph_is_refused_without_permission(muni, motion_case):
    # given / when / then
    with pytest.raises(PermissionDenied):
        services.link_council_paragraph(
            by=muni.users.board_member, motion=motion_case.motion, paragraph=motion_case.kf_paragraph
        )


# referrals


def test_refer_case_sends_one_referral_per_board_and_audits(muni, motion_case):
    # given KSAU § 103
    # when the motion is referred to two boards
    referrals = services.refer_case(
        by=muni.users.registrar,
        case=motion_case.case,
        decision=motion_case.referral_paragraph,
        to_bodies=[muni.board, muni.school_board],
        due_on=date(2023, 8, 31),
    )
    # then two referrals are sent and each is audited in the case
    assert sorted(r.to_body.short_name for r in referrals) == ["BUN", "SN"]
    assert all(r.status == Referral.Status.SENT for r in referrals)
    events = AuditEvent.objects.filter(verb="referral.sent", subject_id=str(motion_case.case.pk))
    assert {e.changes["decision"] for e in events} == {"202300258-KSAU-§ 103"}
    assert events.count() == 2


def test_refer_case_is_refused_by_a_paragraph_that_is_not_a_referral(muni, motion_case):
    # given a noting paragraph in the case
    paragraph = services.record_paragraph(
        by=muni.users.registrar,
        meeting=motion_case.ksau_meeting,
        case=motion_case.case,
        title="Information",
        outcome=Paragraph.Outcome.NOTED,
        decision_text="Noteras.",
    )
    # when used as a referral decision / then refused
    with pytest.raises(ValidationError, match="inte ett remissbeslut"):
        services.refer_case(by=muni.users.registrar, case=motion_case.case, decision=paragraph, to_bodies=[muni.board])


def test_refer_case_is_refused_to_a_unit_that_is_not_a_body(muni, motion_case):
    # given / when / then
    with pytest.raises(ValidationError, match="Hemvården Norr"):
        services.refer_case(
            by=muni.users.registrar,
            case=motion_case.case,
            decision=motion_case.referral_paragraph,
            to_bodies=[muni.unit],
        )


def test_refer_case_is_refused_twice_to_the_same_board(muni, motion_case):
    # given a referral to SN
    kwargs = {"by": muni.users.registrar, "case": motion_case.case, "decision": motion_case.referral_paragraph}
    services.refer_case(**kwargs, to_bodies=[muni.board])
    # when referred to SN again / then refused
    with pytest.raises(ValidationError, match="redan remitterat"):
        services.refer_case(**kwargs, to_bodies=[muni.board])


def test_refer_case_is_refused_without_permission_on_the_deciding_body(muni, motion_case):
    # given a board member of SN (not of KSAU) / when / then
    with pytest.raises(PermissionDenied):
        services.refer_case(
            by=muni.users.board_member,
            case=motion_case.case,
            decision=motion_case.referral_paragraph,
            to_bodies=[muni.board],
        )


@pytest.fixture
def referral(muni, motion_case) -> Referral:
    (referral,) = services.refer_case(
        by=muni.users.registrar, case=motion_case.case, decision=motion_case.referral_paragraph, to_bodies=[muni.board]
    )
    return referral


def _board_statement(muni, motion_case, body) -> Paragraph:
    meeting = held_meeting(muni, body, date(2023, 6, 15))
    return services.record_paragraph(
        by=muni.users.registrar,
        meeting=meeting,
        case=motion_case.case,
        title="Yttrande över motion om intraprenader",
        outcome=Paragraph.Outcome.PROPOSE,
        decision_text="Nämnden föreslår kommunstyrelsen att avslå motionen.",
    )


def test_answer_referral_records_the_boards_statement_and_audits(muni, motion_case, referral):
    # given the board's statement decision
    statement = _board_statement(muni, motion_case, muni.board)
    # when a board member records it as the answer
    answered = services.answer_referral(by=muni.users.board_member, referral=referral, answer=statement)
    # then the referral is answered and audited
    assert (answered.status, answered.answer) == (Referral.Status.ANSWERED, statement)
    assert AuditEvent.objects.get(verb="referral.answered").changes == {"answer": "202300258-SN-§ 1"}


def test_answer_referral_is_refused_with_another_bodys_decision(muni, motion_case, referral):
    # given a BUN paragraph / when used to answer SN's referral / then refused
    with pytest.raises(ValidationError, match="remitterade organets"):
        services.answer_referral(
            by=muni.users.registrar, referral=referral, answer=_board_statement(muni, motion_case, muni.school_board)
        )


def test_answer_referral_is_refused_twice(muni, motion_case, referral):
    # given an answered referral
    statement = _board_statement(muni, motion_case, muni.board)
    services.answer_referral(by=muni.users.registrar, referral=referral, answer=statement)
    # when answered again / then refused
    with pytest.raises(ValidationError, match="redan besvarats"):
        services.answer_referral(by=muni.users.registrar, referral=referral, answer=statement)


def test_answer_referral_is_refused_without_permission(muni, motion_case, referral):
    # given an officer / when / then
    with pytest.raises(PermissionDenied):
        services.answer_referral(
            by=muni.users.officer, referral=referral, answer=_board_statement(muni, motion_case, muni.board)
        )


# close_case


def test_close_case_closes_and_audits(muni, case):
    # given an open case / when closed
    closed = services.close_case(by=muni.users.officer, case=case)
    # then it is closed, kept, and audited
    assert (closed.status, closed.closed_at is not None) == (Case.Status.CLOSED, True)
    assert _verbs(target_id=str(case.pk)) == ["case.registered", "case.closed"]


def test_close_case_is_refused_with_unanswered_referrals(muni, motion_case, referral):
    # given a referral still out / when closing / then refused
    with pytest.raises(ValidationError, match="1 remiss"):
        services.close_case(by=muni.users.registrar, case=motion_case.case)


def test_close_case_is_refused_when_already_closed(muni, case):
    # given a closed case / when closed again / then refused
    services.close_case(by=muni.users.officer, case=case)
    with pytest.raises(ValidationError, match="redan avslutat"):
        services.close_case(by=muni.users.officer, case=case)


def test_close_case_is_refused_without_permission(muni, case):
    # given / when the unit head closes it / then refused
    with pytest.raises(PermissionDenied):
        services.close_case(by=muni.users.unit_head, case=case)
