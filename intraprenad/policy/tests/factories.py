"""Adopted guideline revisions for tests, built like the real thing (adopted by a recorded paragraph)."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from intraprenad.accounts.models import OrgUnit
from intraprenad.cases.models import Meeting, Paragraph
from intraprenad.core.sequences import next_number
from intraprenad.policy import parameters as P
from intraprenad.policy.models import GuidelineRevision, RequiredItem

LJUSDAL_SECTIONS = [
    ("verksamhetside", "Verksamhetsidé"),
    ("uppdrag", "Uppdragets innehåll och omfattning"),
    ("mal", "Verksamhetens mål"),
    ("kvalitet", "Kvalitetsutveckling och kvalitetsmätning"),
    ("kompetens", "Kompetens- och personalutveckling"),
    ("ekonomi", "Ekonomi, verksamhets- och personalbudget"),
]
LJUSDAL_CLAUSES = [
    ("innehall", "Verksamhetens innehåll och omfattning"),
    ("krav", "Förvaltningens krav på mål och riktlinjer"),
    ("forvaltningens-ataganden", "Förvaltningens åtaganden"),
    ("intraprenadens-ataganden", "Intraprenadens åtaganden"),
    ("ledning", "Ledning och placering i organisationen"),
    ("administration", "Administration"),
    ("fortbildning", "Fortbildning och kompetensutveckling"),
    ("kvalitetssystem", "Kvalitetssystem"),
    ("brukarinflytande", "Brukar-/kundinflytande"),
    ("ersattning", "Ekonomisk ersättning"),
    ("service", "Tillgång till kommun- och förvaltningsgemensam service"),
    ("uppfoljning", "Uppföljning och utvärdering"),
    ("tid", "Tidsomfattning och förnyelse av överenskommelse"),
    ("forandringar", "Vad som händer vid stora förändringar"),
    ("upphavande", "Villkor för att överenskommelsen ska kunna upphävas under perioden"),
]


def adoption_paragraph(body: OrgUnit, on: date, title: str = "Riktlinjer för intraprenader") -> Paragraph:
    meeting = Meeting.objects.create(body=body, date=on, status=Meeting.Status.HELD)
    with transaction.atomic():  # the body's § sequence, as cases.services.record_paragraph numbers it
        number = next_number(key=f"paragraph:{body.pk}", year=on.year)
    return Paragraph.objects.create(
        meeting=meeting,
        body=body,
        year=on.year,
        number=number,
        title=title,
        outcome=Paragraph.Outcome.ADOPT,
        decision_text="Nämnden antar riktlinjerna.",
        recorded_at=timezone.now(),
    )


def adopted_revision(
    *,
    board: OrgUnit | None = None,
    adopting_body: OrgUnit | None = None,
    valid_from: date = date(2020, 1, 1),
    title: str = "Riktlinjer för intraprenader",
    sections=None,
    clauses=None,
    **parameter_overrides,
) -> GuidelineRevision:
    """An adopted revision with the Ljusdal sections and clauses and the given parameter values."""
    body = adopting_body or board or OrgUnit.objects.filter(kind=OrgUnit.Kind.COUNCIL).first()
    params = {p.name: P.to_json(p, p.default) for p in P.PARAMETERS}
    for name, value in parameter_overrides.items():
        params[name] = P.to_json(P.BY_NAME[name], value)
    revision = GuidelineRevision.objects.create(
        title=title,
        board=board,
        status=GuidelineRevision.Status.ADOPTED,
        valid_from=valid_from,
        parameters=params,
        adopted_by=adoption_paragraph(body, valid_from),
        adopted_at=timezone.now(),
        created_at=timezone.now(),
    )
    kinds = [
        (RequiredItem.Kind.APPLICATION_SECTION, sections or LJUSDAL_SECTIONS),
        (RequiredItem.Kind.AGREEMENT_CLAUSE, clauses or LJUSDAL_CLAUSES),
    ]
    for kind, items in kinds:
        for order, (key, item_title) in enumerate(items, start=1):
            RequiredItem.objects.create(revision=revision, kind=kind, key=key, title=item_title, order=order)
    return revision
