"""Writes to the case register, meetings and decisions. Every function is one audited change."""

import hashlib
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intraprenad.accounts import audit
from intraprenad.accounts.access import require_perm
from intraprenad.accounts.models import OrgUnit
from intraprenad.core.sequences import next_number

from . import rules
from .models import Case, Document, Meeting, Motion, Paragraph, Referral


@transaction.atomic
def register_case(
    *,
    by,
    org_unit: OrgUnit,
    title: str,
    kind: str = Case.Kind.OTHER,
    subject_unit: OrgUnit | None = None,
    is_confidential: bool = False,
    public_title: str = "",
    year: int | None = None,
    number: int | None = None,
    registered_on: date | None = None,
    check_perm: bool = True,
) -> Case:
    """Open a case in the body's series with the next gapless number of the year.

    `registered_on` is the day of registration when the caller passes its `today` (the lifecycle steps) or
    registers a historical case; it cannot be in the future, and the year defaults to its year.
    `number` is only for registering a historical case with a known number (e.g. importing
    `KS 2023-00258`); it must be above every number used so far, and the sequence moves past it.
    `check_perm=False` is for callers that already checked a stronger permission (a lifecycle step).
    """
    if check_perm:
        require_perm(by, "cases.register_case", _Scope(subject_unit or org_unit))
    rules.check_case_fields(
        series=org_unit.case_series, title=title, is_confidential=is_confidential, public_title=public_title
    )
    now = timezone.now()
    if registered_on is not None and registered_on != timezone.localdate(now):
        rules.check_registration_date(registered_on=registered_on, today=timezone.localdate(now))
        now = timezone.make_aware(datetime.combine(registered_on, time.min))
    year = year or timezone.localdate(now).year
    if number is None:
        number = next_number(key=f"case:{org_unit.case_series}", year=year)
    else:
        _claim_number(key=f"case:{org_unit.case_series}", year=year, number=number)
    case = Case.objects.create(
        series=org_unit.case_series,
        year=year,
        number=number,
        kind=kind,
        title=title,
        is_confidential=is_confidential,
        public_title=public_title,
        org_unit=org_unit,
        subject_unit=subject_unit,
        registered_at=now,
        registered_by=by if by and by.is_authenticated else None,
    )
    audit.record(
        actor=by,
        verb="case.registered",
        target=case,
        changes={"case_number": case.case_number, "title": case.title_for(by)},
    )
    return case


def _claim_number(*, key: str, year: int, number: int) -> None:
    from intraprenad.core.models import Counter

    Counter.objects.bulk_create([Counter(key=key, year=year, value=0)], ignore_conflicts=True)
    counter = Counter.objects.select_for_update(of=("self",)).get(key=key, year=year)
    if number <= counter.value:
        raise ValidationError(
            _("Number %(number)s is already used in series %(key)s %(year)s.")
            % {"number": number, "key": key.split(":", 1)[1], "year": year}
        )
    counter.value = number
    counter.save(update_fields=["value"])


class _Scope:
    """Adapter so a bare organisational unit can be checked with require_perm."""

    def __init__(self, unit: OrgUnit):
        self.scope_unit_id = unit.pk


@transaction.atomic
def register_document(
    *,
    by,
    case: Case,
    kind: str,
    direction: str,
    description: str,
    document_date: date,
    counterpart: str = "",
    is_confidential: bool = False,
    public_description: str = "",
    file_name: str = "",
    content: bytes | None = None,
    supersedes: Document | None = None,
    check_perm: bool = True,
) -> Document:
    """Register a document in a case with the next document number of that case."""
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if check_perm:
        require_perm(by, "cases.register_document", case)
    rules.check_document_fields(
        description=description,
        is_confidential=is_confidential,
        public_description=public_description,
        direction=direction,
    )
    rules.check_document_date(document_date=document_date, today=timezone.localdate())
    if supersedes is not None:
        rules.check_correction(
            same_case=supersedes.case_id == case.pk,
            corrected_by_serial=supersedes.corrections.order_by("serial").values_list("serial", flat=True).first(),
        )
    serial = (case.documents.order_by("-serial").values_list("serial", flat=True).first() or 0) + 1
    document = Document(
        case=case,
        serial=serial,
        kind=kind,
        direction=direction,
        document_date=document_date,
        counterpart=counterpart,
        description=description,
        is_confidential=is_confidential,
        public_description=public_description,
        supersedes=supersedes,
        registered_at=timezone.now(),
        registered_by=by if by and by.is_authenticated else None,
    )
    if content is not None:
        document.file_sha256 = hashlib.sha256(content).hexdigest()
        document.file.save(file_name or f"{case.compact_number}-{serial}.bin", ContentFile(content), save=False)
    document.save()
    audit.record(
        actor=by,
        verb="document.registered",
        target=document,
        subject=case,
        changes={
            "serial": serial,
            "kind": kind,
            "description": document.description_for(by),
            "supersedes": supersedes.serial if supersedes else None,
        },
    )
    return document


@transaction.atomic
def correct_document(
    *,
    by,
    document: Document,
    description: str,
    document_date: date,
    direction: str | None = None,
    kind: str | None = None,
    counterpart: str | None = None,
    is_confidential: bool | None = None,
    public_description: str | None = None,
    file_name: str = "",
    content: bytes | None = None,
) -> Document:
    """Register a correction: a new document in the same case that supersedes `document`.

    The original stays in the register unchanged; fields left out are carried over from it.
    """
    original = Document.objects.select_related("case").get(pk=document.pk)
    correction = register_document(
        by=by,
        case=original.case,
        kind=kind if kind is not None else original.kind,
        direction=direction if direction is not None else original.direction,
        description=description,
        document_date=document_date,
        counterpart=counterpart if counterpart is not None else original.counterpart,
        is_confidential=is_confidential if is_confidential is not None else original.is_confidential,
        public_description=public_description if public_description is not None else original.public_description,
        file_name=file_name,
        content=content,
        supersedes=original,
    )
    audit.record(
        actor=by,
        verb="document.corrected",
        target=original,
        subject=original.case,
        changes={"serial": original.serial, "corrected_by": correction.serial},
    )
    return correction


@transaction.atomic
def create_meeting(*, by, body: OrgUnit, date: date, location: str = "") -> Meeting:
    """Plan a meeting of a decision-making body; its minutes are the paragraphs recorded in it."""
    require_perm(by, "cases.manage_meeting", _Scope(body))
    if not body.is_decision_body:
        raise ValidationError(_("%(unit)s is not a decision-making body.") % {"unit": body})
    meeting = Meeting.objects.create(body=body, date=date, location=location)
    audit.record(actor=by, verb="meeting.created", target=meeting, changes={"date": date, "body": body})
    return meeting


@transaction.atomic
def record_paragraph(
    *,
    by,
    meeting: Meeting,
    title: str,
    outcome: str,
    decision_text: str,
    case: Case | None = None,
    reasons: str = "",
    number: int | None = None,
    check_perm: bool = True,
) -> Paragraph:
    """Record a decision (§) in a meeting's minutes, numbered per body and year without gaps.

    `number` is only for recording a historical paragraph with a known number (e.g. KF § 49).
    """
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    if check_perm:
        require_perm(by, "cases.record_decision", meeting)
    rules.check_paragraph_can_be_added(meeting_status=meeting.status)
    rules.check_meeting_has_taken_place(meeting_date=meeting.date, today=timezone.localdate())
    rules.check_paragraph_fields(title=title, outcome=outcome, decision_text=decision_text)
    year = meeting.date.year
    key = f"paragraph:{meeting.body_id}"
    if number is None:
        number = next_number(key=key, year=year)
    else:
        _claim_number(key=key, year=year, number=number)
    paragraph = Paragraph.objects.create(
        meeting=meeting,
        body=meeting.body,
        year=year,
        number=number,
        case=case,
        title=title,
        outcome=outcome,
        decision_text=decision_text,
        reasons=reasons,
        recorded_at=timezone.now(),
        recorded_by=by if by and by.is_authenticated else None,
    )
    audit.record(
        actor=by,
        verb="paragraph.recorded",
        target=paragraph,
        subject=case or meeting,
        changes={"reference": paragraph.reference, "outcome": outcome, "title": title},
    )
    return paragraph


@transaction.atomic
def hold_meeting(*, by, meeting: Meeting) -> Meeting:
    """Mark a planned meeting as held; paragraphs can still be recorded until the minutes are approved."""
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    require_perm(by, "cases.manage_meeting", meeting)
    rules.check_meeting_transition(meeting.status, Meeting.Status.HELD)
    rules.check_meeting_can_be_held(meeting_date=meeting.date, today=timezone.localdate())
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    audit.record(actor=by, verb="meeting.held", target=meeting)
    return meeting


@transaction.atomic
def approve_minutes(*, by, meeting: Meeting, approved_on: date, adjusters: str) -> Meeting:
    """Adjust (justera) the minutes: from now on they are public and cannot change."""
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    require_perm(by, "cases.manage_meeting", meeting)
    rules.check_meeting_transition(meeting.status, Meeting.Status.MINUTES_APPROVED)
    rules.check_minutes_approval(
        meeting_date=meeting.date, approved_on=approved_on, adjusters=adjusters, today=timezone.localdate()
    )
    meeting.status = Meeting.Status.MINUTES_APPROVED
    meeting.minutes_approved_at = approved_on
    meeting.adjusters = adjusters
    meeting.save(update_fields=["status", "minutes_approved_at", "adjusters"])
    audit.record(
        actor=by,
        verb="meeting.minutes_approved",
        target=meeting,
        changes={"approved_on": approved_on, "adjusters": adjusters},
    )
    return meeting


@transaction.atomic
def register_motion(
    *,
    by,
    council: OrgUnit,
    title: str,
    movers: str,
    filed_on: date,
    text: str,
    number: int | None = None,
) -> Motion:
    """Register a motion filed with the council, as a case of its own with the motion as document 1."""
    require_perm(by, "cases.register_case", _Scope(council))
    rules.check_motion_fields(council_kind=council.kind, movers=movers, text=text)
    case = register_case(
        by=by, org_unit=council, title=title, kind=Case.Kind.MOTION, registered_on=filed_on, number=number
    )
    motion = Motion.objects.create(case=case, movers=movers, filed_on=filed_on, text=text)
    register_document(
        by=by, case=case, kind="motion", direction="in", description=title, document_date=filed_on, counterpart=movers
    )
    audit.record(actor=by, verb="motion.registered", target=motion, subject=case, changes={"movers": movers})
    return motion


@transaction.atomic
def link_council_paragraph(*, by, motion: Motion, paragraph: Paragraph) -> Motion:
    """Record the council paragraph (e.g. KF § 49) at which the motion was filed."""
    motion = Motion.objects.select_for_update(of=("self",)).select_related("case").get(pk=motion.pk)
    require_perm(by, "cases.register_case", motion)
    if paragraph.case_id != motion.case_id or paragraph.body.kind != OrgUnit.Kind.COUNCIL:
        raise ValidationError(_("Choose a paragraph of the municipal council in the motion's case."))
    if motion.council_paragraph_id is not None:
        raise ValidationError(
            _("The motion is already linked to %(reference)s.") % {"reference": motion.council_paragraph.reference}
        )
    motion.council_paragraph = paragraph
    motion.save(update_fields=["council_paragraph"])
    audit.record(
        actor=by,
        verb="motion.council_paragraph_linked",
        target=motion,
        subject=motion.case,
        changes={"paragraph": paragraph.reference},
    )
    return motion


@transaction.atomic
def refer_case(
    *, by, case: Case, decision: Paragraph, to_bodies: list[OrgUnit], due_on: date | None = None
) -> list[Referral]:
    """Refer a case to boards for a statement, by a recorded referral decision (e.g. KSAU § 103)."""
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    decision = Paragraph.objects.select_related("meeting").get(pk=decision.pk)
    require_perm(by, "cases.refer_case", decision)
    rules.check_referral(
        decision_in_case=decision.case_id == case.pk,
        decision_outcome=decision.outcome,
        decision_date=decision.meeting.date,
        due_on=due_on,
        body_count=len(to_bodies),
        non_bodies=[str(body) for body in to_bodies if not body.is_decision_body],
    )
    referrals = []
    for body in to_bodies:
        if Referral.objects.filter(case=case, to_body=body).exists():
            raise ValidationError(_("The case is already referred to %(body)s.") % {"body": body})
        referral = Referral.objects.create(case=case, referred_by=decision, to_body=body, due_on=due_on)
        audit.record(
            actor=by,
            verb="referral.sent",
            target=referral,
            subject=case,
            changes={"to": body, "decision": decision.reference},
        )
        referrals.append(referral)
    return referrals


@transaction.atomic
def answer_referral(*, by, referral: Referral, answer: Paragraph) -> Referral:
    """Record the referred body's statement decision as the answer to a referral."""
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    require_perm(by, "cases.record_decision", referral)
    rules.check_referral_answer(
        status=referral.status,
        same_body=answer.body_id == referral.to_body_id,
        same_case=answer.case_id == referral.case_id,
    )
    referral.status = Referral.Status.ANSWERED
    referral.answer = answer
    referral.save(update_fields=["status", "answer"])
    audit.record(
        actor=by, verb="referral.answered", target=referral, subject=referral.case, changes={"answer": answer.reference}
    )
    return referral


@transaction.atomic
def close_case(*, by, case: Case) -> Case:
    """Close (avsluta) a case; it stays in the register with all its documents."""
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    require_perm(by, "cases.register_case", case)
    rules.check_case_can_close(
        status=case.status,
        unanswered_referrals=case.referrals.filter(status=Referral.Status.SENT).count(),
    )
    case.status = Case.Status.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "closed_at"])
    audit.record(actor=by, verb="case.closed", target=case, changes={"status": case.status})
    return case
