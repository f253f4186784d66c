"""Data for the case register and minutes pages, masked for the user who reads them."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from intraprenad.accounts.access import EVERYWHERE, Everywhere, has_perm, unit_ids_for
from intraprenad.accounts.models import OrgUnit

from . import rules
from .models import Case, Document, Meeting, Motion, Paragraph, Referral


def _confidential_scope(units: set[int] | Everywhere) -> Q:
    """Cases whose confidential title the holder of view_confidential on `units` may read.

    Everywhere is a condition that always holds, not an empty `Q()`: `Q(a) | Q()` is just `Q(a)`.
    """
    if units is EVERYWHERE:
        return Q(pk__isnull=False)
    return Q(subject_unit__isnull=False, subject_unit_id__in=units) | Q(
        subject_unit__isnull=True, org_unit_id__in=units
    )


def case_register(
    user,
    *,
    text: str = "",
    body_id: int | None = None,
    kind: str = "",
    year: int | None = None,
    status: str = "",
) -> QuerySet[Case]:
    """The public register, filtered. A text search matches case numbers, public titles, and
    confidential titles only where the user may read them, so a search reveals nothing hidden."""
    cases = Case.objects.for_user(user).select_related("org_unit")
    text = text.strip()
    if text:
        units = unit_ids_for(user, "cases.view_confidential")
        readable = Q(is_confidential=False) | (_confidential_scope(units) if units else Q(pk__in=[]))
        match = Q(public_title__icontains=text) | (Q(title__icontains=text) & readable)
        parsed = rules.parse_case_number(text)
        if parsed:
            series, number_year, number = parsed
            by_number = Q(year=number_year, number=number)
            if series:
                by_number &= Q(series__iexact=series)
            match |= by_number
        else:
            match |= Q(series__iexact=text)
        cases = cases.filter(match)
    if body_id:
        cases = cases.filter(org_unit_id=body_id)
    if kind:
        cases = cases.filter(kind=kind)
    if year:
        cases = cases.filter(year=year)
    if status:
        cases = cases.filter(status=status)
    return cases


def mask_titles(cases, user) -> None:
    """Set `display_title` on each case of a page, with one permission lookup for the page."""
    units = unit_ids_for(user, "cases.view_confidential")
    for case in cases:
        case.display_title = (
            case.title if not case.is_confidential or case.scope_unit_id in units else case.public_title
        )


@dataclass
class DocumentRow:
    document: Document
    description: str
    counterpart: str
    may_download: bool
    corrected_by: list[Document] = field(default_factory=list)


@dataclass
class CasePage:
    case: Case
    title: str
    may_view_confidential: bool
    documents: list[DocumentRow]
    paragraphs: list[Paragraph]
    motion: Motion | None
    referrals: list[Referral]


def _masked(document: Document, may_view_confidential: bool) -> bool:
    return document.is_confidential and not may_view_confidential


def case_page(case: Case, user) -> CasePage:
    """A case with its documents (masked), its public paragraphs, its motion and referrals."""
    may_view_confidential = has_perm(user, "cases.view_confidential", case)
    documents = list(case.documents.select_related("supersedes").prefetch_related("corrections"))
    rows = [
        DocumentRow(
            document=document,
            description=document.public_description
            if _masked(document, may_view_confidential)
            else document.description,
            counterpart="" if _masked(document, may_view_confidential) else document.counterpart,
            may_download=bool(document.file)
            and rules.can_see_confidential_file(
                is_confidential=document.is_confidential, may_view_confidential=may_view_confidential
            ),
            corrected_by=list(document.corrections.all()),
        )
        for document in documents
    ]
    visible_meetings = Meeting.objects.for_user(user).values("pk")
    paragraphs = list(
        case.paragraphs.filter(meeting__in=visible_meetings)
        .select_related("body", "meeting", "case")
        .order_by("meeting__date", "number")
    )
    motion = (
        Motion.objects.filter(case=case).select_related("council_paragraph__body", "council_paragraph__case").first()
    )
    referrals = list(
        case.referrals.select_related(
            "to_body", "referred_by__body", "referred_by__case", "answer__body", "answer__case"
        ).order_by("to_body__name")
    )
    return CasePage(
        case=case,
        title=case.title if not case.is_confidential or may_view_confidential else case.public_title,
        may_view_confidential=may_view_confidential,
        documents=rows,
        paragraphs=paragraphs,
        motion=motion,
        referrals=referrals,
    )


def minutes(meeting: Meeting) -> QuerySet[Paragraph]:
    """The paragraphs of a meeting's minutes in order, with what their references need."""
    return meeting.paragraphs.select_related("body", "case").order_by("number")


def meeting_list(user) -> QuerySet[Meeting]:
    """Meetings the user may see: approved minutes for everyone, more for members and registrars."""
    return Meeting.objects.for_user(user).select_related("body")


def decision_bodies() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(kind__in=OrgUnit.DECISION_BODIES, is_active=True).order_by("name")
