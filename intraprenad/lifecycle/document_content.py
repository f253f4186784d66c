"""The content of the generated official memo (tjänsteskrivelse) and agreement (överenskommelse).

Reads the model rows and returns a `documents.render.DocumentContent`; the rendering to PDF/A
and DOCX is `documents.render`'s job. The generated documents are archived municipal documents
and are always in Swedish, so the fixed texts here are Swedish literals, not translated msgids.
"""

import re
from datetime import date

from django.conf import settings
from django.utils import timezone

from intraprenad.accounts.models import OrgUnit
from intraprenad.documents.render import DocumentContent, Section
from intraprenad.lifecycle.models import Agreement, Memo

MEMO = "Tjänsteskrivelse"
AGREEMENT = "Överenskommelse om intraprenad"
NOT_DECIDED = "Förslag – ej beslutat"
EMPTY_CLAUSE = "Ej ifylld."

_BLANK_LINE = re.compile(r"\n\s*\n")


def paragraphs(text: str) -> tuple[str, ...]:
    """Split a text field into paragraphs on blank lines; single line breaks stay in the paragraph."""
    normalised = text.replace("\r\n", "\n").strip()
    return tuple(part.strip() for part in _BLANK_LINE.split(normalised) if part.strip())


def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def municipality_name() -> str:
    """The root of the organisation tree, or the deployment's configured name before one exists."""
    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    return root.name if root else settings.MUNICIPALITY_NAME


def ancestors(unit: OrgUnit | None) -> list[OrgUnit]:
    """The unit itself and its ancestors, nearest first."""
    chain = []
    while unit is not None:
        chain.append(unit)
        unit = unit.parent
    return chain


def administration_of(unit: OrgUnit) -> OrgUnit | None:
    """The administration a unit belongs to, or the administration under a board."""
    for node in ancestors(unit):
        if node.kind == OrgUnit.Kind.ADMINISTRATION:
            return node
    return unit.children.filter(kind=OrgUnit.Kind.ADMINISTRATION).order_by("pk").first()


def board_of(unit: OrgUnit) -> OrgUnit | None:
    """The nearest decision-making body at or above a unit."""
    for node in ancestors(unit):
        if node.is_decision_body:
            return node
    return None


def person(user) -> str:
    name = user.get_full_name() or user.username
    return f"{name}, {user.title}" if user.title else name


def memo_content(memo: Memo) -> DocumentContent:
    """The official memo with the administration's proposed decision and the decision documents."""
    case = memo.case
    scope = case.subject_unit or case.org_unit
    administration = administration_of(scope)
    board = board_of(scope)
    issuer = administration.name if administration else (board.name if board else case.org_unit.name)

    meta = [("Diarienummer", case.case_number), ("Handläggare", person(memo.author)), ("Datum", iso(memo.drawn_up_on))]
    if board and board.name != issuer:
        meta.append(("Till", board.name))

    sections = [Section("Sammanfattning", paragraphs(memo.summary))]
    if memo.background.strip():
        sections.append(Section("Bakgrund", paragraphs(memo.background)))
    sections.append(Section("Förvaltningens bedömning", paragraphs(memo.assessment)))
    sections.append(Section("Förslag till beslut", paragraphs(memo.proposed_decision)))
    documents = case.documents.filter(corrections__isnull=True).order_by("serial")
    listed = tuple(
        f"{doc.public_description if doc.is_confidential else doc.description}, {iso(doc.document_date)}"
        for doc in documents
    )
    sections.append(Section("Beslutsunderlag", listed or ("Inga registrerade handlingar.",)))

    return DocumentContent(
        municipality=municipality_name(),
        issuer=issuer,
        doc_type=MEMO,
        title=memo.title,
        case_number=case.case_number,
        document_date=memo.drawn_up_on,
        meta=tuple(meta),
        sections=tuple(sections),
    )


def agreement_date(agreement: Agreement) -> date:
    """Signed date, else the decision's meeting date, else the day the case was registered."""
    if agreement.signed_on:
        return agreement.signed_on
    if agreement.decision_id:
        return agreement.decision.meeting.date
    return timezone.localdate(agreement.case.registered_at)


def agreement_content(agreement: Agreement) -> DocumentContent:
    """The agreement between the board and the intraprenad with every clause, numbered in order."""
    intraprenad = agreement.intraprenad
    board = intraprenad.board
    revision = agreement.revision
    reference = agreement.decision.reference if agreement.decision_id else NOT_DECIDED

    meta = [
        ("Diarienummer", agreement.case.case_number),
        ("Beslutsreferens", reference),
        ("Parter", f"{board.name}\nIntraprenaden {intraprenad.name}"),
        ("Avtalsperiod", f"{iso(agreement.period_start)} – {iso(agreement.period_end)}"),
        ("Riktlinjer", f"{revision.title}, gäller från {iso(revision.valid_from)}"),
    ]
    if intraprenad.service_type:
        meta.append(("Verksamhet", intraprenad.service_type))
    if agreement.renewal_of_id:
        previous = agreement.renewal_of
        meta.append(
            ("Förnyar", f"{previous.case.case_number} ({iso(previous.period_start)} – {iso(previous.period_end)})")
        )

    sections = tuple(
        Section(f"{number}. {clause.title}", paragraphs(clause.text) or (EMPTY_CLAUSE,))
        for number, clause in enumerate(agreement.clauses.order_by("order", "pk"), start=1)
    )

    signed = f"\n{iso(agreement.signed_on)}" if agreement.signed_on else "\nOrt och datum"
    signatures = (
        f"För {board.name}\n{agreement.board_signatory or 'Namnförtydligande'}{signed}",
        f"För intraprenaden {intraprenad.name}\n{agreement.unit_signatory or 'Namnförtydligande'}{signed}",
    )

    return DocumentContent(
        municipality=municipality_name(),
        issuer=board.name,
        doc_type=AGREEMENT,
        title=f"{AGREEMENT} – {intraprenad.name}",
        case_number=agreement.case.case_number,
        document_date=agreement_date(agreement),
        meta=tuple(meta),
        sections=sections,
        signatures=signatures,
        decision_reference=reference,
    )
