"""The content of the generated memo and agreement, assembled from real model rows."""

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader

from intraprenad.accounts.models import OrgUnit
from intraprenad.cases.models import Case, Document, Meeting, Paragraph
from intraprenad.documents.render import Section, render_docx, render_pdf
from intraprenad.lifecycle.document_content import agreement_content, memo_content, municipality_name, paragraphs
from intraprenad.lifecycle.models import Agreement, AgreementClause, Application, Intraprenad, Memo
from intraprenad.policy.tests.factories import LJUSDAL_CLAUSES, adopted_revision

REGISTERED = datetime(2024, 2, 5, 9, 0, tzinfo=UTC)


def make_case(muni, *, number: int, kind: str, title: str) -> Case:
    return Case.objects.create(
        series="SN",
        year=2024,
        number=number,
        kind=kind,
        title=title,
        org_unit=muni.board,
        subject_unit=muni.unit,
        registered_at=REGISTERED,
    )


def make_document(case: Case, serial: int, description: str, on: date, **fields) -> Document:
    return Document.objects.create(
        case=case,
        serial=serial,
        kind=fields.pop("kind", Document.Kind.OTHER),
        direction=Document.Direction.INCOMING,
        document_date=on,
        description=description,
        registered_at=REGISTERED,
        **fields,
    )


def make_decision(muni, case: Case, *, number: int, on: date) -> Paragraph:
    meeting = Meeting.objects.create(body=muni.board, date=on, status=Meeting.Status.HELD)
    return Paragraph.objects.create(
        meeting=meeting,
        body=muni.board,
        year=on.year,
        number=number,
        case=case,
        title="Överenskommelse om intraprenad",
        outcome=Paragraph.Outcome.APPROVE,
        decision_text="Nämnden godkänner överenskommelsen.",
        recorded_at=REGISTERED,
    )


def make_memo(muni, **fields) -> Memo:
    case = make_case(muni, number=7, kind=Case.Kind.APPLICATION, title="Ansökan om intraprenad, Hemvården Norr")
    author = muni.users.officer
    author.first_name, author.last_name, author.title = "Eva", "Sjöström", "utredare"
    author.save()
    values = {
        "case": case,
        "title": "Ansökan om intraprenad för Hemvården Norr",
        "summary": "Hemvården Norr ansöker om att drivas som intraprenad.",
        "background": "Enheten har gått utbildningen.\n\nEn majoritet av medarbetarna står bakom ansökan.",
        "assessment": "Förvaltningen bedömer att ansökan uppfyller riktlinjerna.",
        "proposal": Memo.Proposal.APPROVE,
        "proposed_decision": "Socialnämnden beviljar ansökan.",
        "author": author,
        "drawn_up_on": date(2024, 3, 1),
    }
    values.update(fields)
    return Memo.objects.create(**values)


def make_agreement(muni, *, decided: bool = True, signed: bool = False) -> Agreement:
    revision = adopted_revision(board=muni.board, valid_from=date(2023, 1, 1), title="Riktlinjer för intraprenader")
    intraprenad = Intraprenad.objects.create(
        name="Hemvården Norr",
        unit=muni.unit,
        board=muni.board,
        service_type="Hemtjänst",
        status=Intraprenad.Status.AGREEMENT,
        created_at=REGISTERED,
    )
    application = Application.objects.create(intraprenad=intraprenad, revision=revision)
    case = make_case(muni, number=12, kind=Case.Kind.AGREEMENT, title="Överenskommelse, Hemvården Norr")
    decision = make_decision(muni, case, number=45, on=date(2024, 3, 20)) if decided else None
    agreement = Agreement.objects.create(
        intraprenad=intraprenad,
        application=application,
        revision=revision,
        case=case,
        period_start=date(2024, 4, 1),
        period_end=date(2027, 3, 31),
        status=Agreement.Status.SIGNED if signed else (Agreement.Status.DECIDED if decided else Agreement.Status.DRAFT),
        decision=decision,
        signed_on=date(2024, 3, 25) if signed else None,
        board_signatory="Karin Öberg, ordförande" if signed else "",
        unit_signatory="Åke Ärlig, intraprenadchef" if signed else "",
    )
    # stored out of order on purpose: the document must follow `order`
    for order, (key, title) in reversed(list(enumerate(LJUSDAL_CLAUSES, start=1))):
        AgreementClause.objects.create(
            agreement=agreement, key=key, title=title, order=order, text=f"Text för {title}.\n\nAndra stycket."
        )
    return agreement


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ett stycke.", ("Ett stycke.",)),
        ("Första.\n\nAndra.", ("Första.", "Andra.")),
        ("Rad ett\nrad två\r\n\r\n  \nTredje.", ("Rad ett\nrad två", "Tredje.")),
        ("   ", ()),
    ],
)
def test_paragraphs_split_text_on_blank_lines(text, expected):
    # given a text field value
    # when it is split into paragraphs
    result = paragraphs(text)

    # then blank lines separate paragraphs and single line breaks are kept
    assert result == expected


def test_municipality_name_is_the_root_of_the_organisation(muni):
    # given the test municipality's organisation tree (fixture)
    # when the municipality name is asked for
    name = municipality_name()

    # then the root unit names it
    assert name == "Testkommun"


@pytest.mark.django_db
def test_municipality_name_falls_back_to_the_setting_without_an_organisation(settings):
    # given no organisation tree and a configured name
    settings.MUNICIPALITY_NAME = "Ljusdals kommun"

    # when the municipality name is asked for
    name = municipality_name()

    # then the setting is used
    assert OrgUnit.objects.count() == 0
    assert name == "Ljusdals kommun"


def test_memo_content_has_the_municipality_administration_case_number_and_author(muni):
    # given a memo in a case concerning a unit under Socialförvaltningen
    memo = make_memo(muni)

    # when its content is assembled
    content = memo_content(memo)

    # then the header data identify the municipality, administration, case and author
    assert content.municipality == "Testkommun"
    assert content.issuer == "Socialförvaltningen"
    assert content.doc_type == "Tjänsteskrivelse"
    assert content.title == "Ansökan om intraprenad för Hemvården Norr"
    assert content.case_number == "SN 2024-00007"
    assert content.document_date == date(2024, 3, 1)
    assert content.meta == (
        ("Diarienummer", "SN 2024-00007"),
        ("Handläggare", "Eva Sjöström, utredare"),
        ("Datum", "2024-03-01"),
        ("Till", "Socialnämnden"),
    )


def test_memo_content_has_the_sections_of_an_official_memo_in_order(muni):
    # given a memo with a background of two paragraphs
    memo = make_memo(muni)

    # when its content is assembled
    content = memo_content(memo)

    # then summary, background, assessment, proposed decision and decision documents follow in order
    assert [s.heading for s in content.sections] == [
        "Sammanfattning",
        "Bakgrund",
        "Förvaltningens bedömning",
        "Förslag till beslut",
        "Beslutsunderlag",
    ]
    assert content.sections[1].paragraphs == (
        "Enheten har gått utbildningen.",
        "En majoritet av medarbetarna står bakom ansökan.",
    )
    assert content.sections[3] == Section("Förslag till beslut", ("Socialnämnden beviljar ansökan.",))


def test_memo_content_leaves_out_an_empty_background(muni):
    # given a memo without background
    memo = make_memo(muni, background="")

    # when its content is assembled
    content = memo_content(memo)

    # then there is no Bakgrund section
    assert "Bakgrund" not in [s.heading for s in content.sections]


def test_memo_decision_documents_list_current_registered_documents_with_dates(muni):
    # given a case with an application, a corrected letter and its correction, and a confidential document
    memo = make_memo(muni)
    make_document(memo.case, 1, "Ansökan från Hemvården Norr", date(2024, 2, 5), kind=Document.Kind.APPLICATION)
    wrong = make_document(memo.case, 2, "Skrivelse med fel", date(2024, 2, 6))
    make_document(memo.case, 3, "Rättad skrivelse", date(2024, 2, 7), supersedes=wrong)
    make_document(
        memo.case,
        4,
        "Läkarintyg för Anna A",
        date(2024, 2, 8),
        is_confidential=True,
        public_description="Sekretessbelagd handling",
    )

    # when the memo's content is assembled
    decision_documents = memo_content(memo).sections[-1]

    # then the documents are listed in order with their dates, corrected and confidential text left out
    assert decision_documents == Section(
        "Beslutsunderlag",
        (
            "Ansökan från Hemvården Norr, 2024-02-05",
            "Rättad skrivelse, 2024-02-07",
            "Sekretessbelagd handling, 2024-02-08",
        ),
    )


def test_memo_decision_documents_say_so_when_none_are_registered(muni):
    # given a memo in a case without registered documents
    memo = make_memo(muni)

    # when its content is assembled
    decision_documents = memo_content(memo).sections[-1]

    # then the section says there are none
    assert decision_documents.paragraphs == ("Inga registrerade handlingar.",)


def test_agreement_content_names_parties_period_decision_and_guidelines(muni):
    # given an agreement decided by the board in § 45
    agreement = make_agreement(muni)

    # when its content is assembled
    content = agreement_content(agreement)

    # then the meta rows carry the case number, decision reference, parties, period and guidelines
    assert content.doc_type == "Överenskommelse om intraprenad"
    assert content.issuer == "Socialnämnden"
    assert content.case_number == "SN 2024-00012"
    assert content.decision_reference == "202400012-SN-§ 45"
    assert content.document_date == date(2024, 3, 20)
    meta = dict(content.meta)
    assert meta["Beslutsreferens"] == "202400012-SN-§ 45"
    assert meta["Parter"] == "Socialnämnden\nIntraprenaden Hemvården Norr"
    assert meta["Avtalsperiod"] == "2024-04-01 – 2027-03-31"
    assert meta["Riktlinjer"] == "Riktlinjer för intraprenader, gäller från 2023-01-01"


def test_agreement_content_numbers_every_clause_in_order_and_splits_paragraphs(muni):
    # given an agreement with the fifteen Ljusdal clauses stored out of order
    agreement = make_agreement(muni)

    # when its content is assembled
    content = agreement_content(agreement)

    # then every clause is a numbered section in clause order, its text split on blank lines
    assert [s.heading for s in content.sections] == [
        f"{number}. {title}" for number, (_key, title) in enumerate(LJUSDAL_CLAUSES, start=1)
    ]
    assert content.sections[0].paragraphs == ("Text för Verksamhetens innehåll och omfattning.", "Andra stycket.")


def test_draft_agreement_is_marked_as_a_proposal_and_has_empty_signature_lines(muni):
    # given an agreement not yet decided
    agreement = make_agreement(muni, decided=False)

    # when its content is assembled
    content = agreement_content(agreement)

    # then the decision reference says it is a proposal, and the signature lines await names
    assert content.decision_reference == "Förslag – ej beslutat"
    assert dict(content.meta)["Beslutsreferens"] == "Förslag – ej beslutat"
    assert content.document_date == date(2024, 2, 5)
    assert content.signatures == (
        "För Socialnämnden\nNamnförtydligande\nOrt och datum",
        "För intraprenaden Hemvården Norr\nNamnförtydligande\nOrt och datum",
    )


def test_signed_agreement_has_signatories_and_signing_date(muni):
    # given a signed agreement
    agreement = make_agreement(muni, signed=True)

    # when its content is assembled
    content = agreement_content(agreement)

    # then both parties' signatories and the date are under the signature lines
    assert content.document_date == date(2024, 3, 25)
    assert content.signatures == (
        "För Socialnämnden\nKarin Öberg, ordförande\n2024-03-25",
        "För intraprenaden Hemvården Norr\nÅke Ärlig, intraprenadchef\n2024-03-25",
    )


def test_agreement_content_renders_to_pdf_and_docx_with_every_clause(muni):
    # given a decided agreement
    content = agreement_content(make_agreement(muni))

    # when it is rendered to PDF and DOCX
    reader = PdfReader(BytesIO(render_pdf(content)))
    pdf_text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    docx = DocxDocument(BytesIO(render_docx(content)))
    cells = [cell.text for table in docx.tables for row in table.rows for cell in row.cells]
    docx_text = "\n".join([p.text for p in docx.paragraphs] + cells)

    # then both carry the municipality, case number, decision reference and every clause title
    for text in (pdf_text, docx_text):
        assert "202400012-SN-§ 45" in text
        for _key, title in LJUSDAL_CLAUSES:
            assert title in text
    assert "Testkommun" in pdf_text and "SN 2024-00012" in pdf_text
    assert "SN 2024-00012" in docx_text
