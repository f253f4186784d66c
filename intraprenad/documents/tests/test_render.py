"""Rendering of generated documents to HTML, PDF/A and DOCX. No database: content is plain values."""

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from docx import Document as DocxDocument
from pypdf import PdfReader

from intraprenad.documents.render import DocumentContent, Section, render_docx, render_html, render_pdf

CLAUSE_TITLES = [
    "Verksamhetens innehåll och omfattning",
    "Förvaltningens krav på mål och riktlinjer",
    "Förvaltningens åtaganden",
    "Intraprenadens åtaganden",
    "Ledning och placering i organisationen",
    "Administration",
    "Fortbildning och kompetensutveckling",
    "Kvalitetssystem",
    "Brukar-/kundinflytande",
    "Ekonomisk ersättning",
    "Tillgång till kommun- och förvaltningsgemensam service",
    "Uppföljning och utvärdering",
    "Tidsomfattning och förnyelse av överenskommelse",
    "Vad som händer vid stora förändringar",
    "Villkor för att överenskommelsen ska kunna upphävas under perioden",
]
LONG_TEXT = (
    "Intraprenaden ansvarar för verksamhetens ekonomi, personal och kvalitet inom den ram som "
    "nämnden beslutar. Överskott och underskott hanteras enligt nämndens riktlinjer. "
) * 4


def agreement() -> DocumentContent:
    return DocumentContent(
        municipality="Ljusdals kommun",
        issuer="Omsorgsnämnden",
        doc_type="Överenskommelse om intraprenad",
        title="Överenskommelse om intraprenad – Hemtjänsten Färila",
        case_number="ON 2024-00017",
        document_date=date(2024, 3, 14),
        meta=(
            ("Diarienummer", "ON 2024-00017"),
            ("Beslutsreferens", "202400017-ON-§ 23"),
            ("Parter", "Omsorgsnämnden\nIntraprenaden Hemtjänsten Färila"),
            ("Avtalsperiod", "2024-04-01 – 2027-03-31"),
        ),
        sections=tuple(
            Section(f"{number}. {title}", (LONG_TEXT, f"Andra stycket i punkt {number}."))
            for number, title in enumerate(CLAUSE_TITLES, start=1)
        ),
        signatures=("För Omsorgsnämnden\nKarin Öberg", "För intraprenaden Hemtjänsten Färila\nÅke Ärlig"),
        decision_reference="202400017-ON-§ 23",
    )


@pytest.fixture(scope="module")
def pdf() -> PdfReader:
    return PdfReader(BytesIO(render_pdf(agreement())))


@pytest.fixture(scope="module")
def docx():
    return DocxDocument(BytesIO(render_docx(agreement())))


def pdf_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def docx_text(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_pdf_declares_pdf_a_in_its_xmp_metadata(pdf):
    # given a rendered agreement (fixture)
    # when the XMP metadata stream is read
    xmp = pdf.xmp_metadata.stream.get_data().decode()

    # then it declares PDF/A-2b
    assert 'pdfaid:part="2"' in xmp
    assert 'pdfaid:conformance="B"' in xmp


def test_pdf_is_tagged_for_screen_readers(pdf):
    # given a rendered agreement (fixture)
    # when the document catalogue is read
    catalogue = pdf.trailer["/Root"]

    # then it is marked as tagged and has a structure tree
    assert bool(catalogue["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalogue


def test_pdf_has_swedish_title_author_and_language(pdf):
    # given a rendered agreement (fixture)
    # when the document information and catalogue are read
    info = pdf.metadata
    language = pdf.trailer["/Root"]["/Lang"]

    # then the title, author and language describe the document
    assert info.title == "Överenskommelse om intraprenad – Hemtjänsten Färila"
    assert info.author == "Omsorgsnämnden, Ljusdals kommun"
    assert language == "sv"


def test_pdf_embeds_every_font_and_uses_dejavu(pdf):
    # given a rendered agreement (fixture)
    # when the fonts of every page are listed
    fonts = [font.get_object() for page in pdf.pages for font in page["/Resources"]["/Font"].values()]
    descendants = [font["/DescendantFonts"][0].get_object() for font in fonts]

    # then each is a DejaVu font whose program is embedded in the file
    assert fonts
    assert all("DejaVu" in font["/BaseFont"] for font in fonts)
    assert all("/FontFile2" in d["/FontDescriptor"].get_object() for d in descendants)


def test_pdf_text_contains_municipality_case_number_decision_reference_and_every_clause(pdf):
    # given a rendered agreement (fixture)
    # when its text is extracted
    text = pdf_text(pdf)

    # then the identifying data and every clause heading are there, with Swedish characters intact
    assert "Ljusdals kommun" in text
    assert "ON 2024-00017" in text
    assert "202400017-ON-§ 23" in text
    for number, title in enumerate(CLAUSE_TITLES, start=1):
        assert f"{number}. {title}" in " ".join(text.split())
    assert "Åke Ärlig" in text


def test_pdf_pages_are_numbered_sida_x_av_y_and_a4(pdf):
    # given a rendered agreement long enough for several pages (fixture)
    pages = len(pdf.pages)

    # when the first and last page are read
    first, last = pdf.pages[0], pdf.pages[-1]

    # then each carries "Sida X av Y" and is A4 (595 x 842 pt)
    assert pages > 1
    assert f"Sida 1 av {pages}" in first.extract_text()
    assert f"Sida {pages} av {pages}" in last.extract_text()
    assert (round(float(first.mediabox.width)), round(float(first.mediabox.height))) == (595, 842)


def test_pdf_pages_after_the_first_repeat_municipality_and_case_number_in_the_header(pdf):
    # given a rendered agreement of several pages (fixture)
    # when the second page is read
    text = pdf.pages[1].extract_text()

    # then its running header names the municipality, issuer and case number
    assert "Ljusdals kommun · Omsorgsnämnden" in text
    assert "ON 2024-00017" in text


def test_same_content_renders_the_same_pdf_text():
    # given the same content twice
    content = agreement()

    # when it is rendered twice
    first = pdf_text(PdfReader(BytesIO(render_pdf(content))))
    second = pdf_text(PdfReader(BytesIO(render_pdf(content))))

    # then the text is identical
    assert first == second


def test_html_escapes_markup_in_content():
    # given content whose title contains markup
    content = DocumentContent(
        municipality="Testkommun",
        issuer="Socialnämnden",
        doc_type="Tjänsteskrivelse",
        title="<script>alert(1)</script>",
        case_number="SN 2024-00001",
        document_date=date(2024, 1, 2),
        meta=(),
        sections=(),
    )

    # when it is rendered to HTML
    html = render_html(content)

    # then the markup is escaped, and the page is declared Swedish
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert '<html lang="sv">' in html


def test_docx_contains_municipality_case_number_decision_reference_and_every_clause(docx):
    # given a rendered agreement as DOCX (fixture)
    # when its body text is read
    text = docx_text(docx)

    # then it has the same identifying data and clause headings as the PDF
    assert "Ljusdals kommun" in "\n".join(p.text for p in docx.sections[0].header.paragraphs)
    assert "ON 2024-00017" in text
    assert "202400017-ON-§ 23" in text
    for number, title in enumerate(CLAUSE_TITLES, start=1):
        assert f"{number}. {title}" in text
    assert "Åke Ärlig" in text


def test_docx_uses_heading_styles_and_a_meta_table(docx):
    # given a rendered agreement as DOCX (fixture)
    # when the headings and the table rows are read
    headings = [p.text for p in docx.paragraphs if p.style.name == "Heading 2"]
    rows = [(row.cells[0].text, row.cells[1].text) for table in docx.tables for row in table.rows]

    # then each clause is a Heading 2 and the meta rows are a two-column table
    assert headings[: len(CLAUSE_TITLES)] == [f"{n}. {t}" for n, t in enumerate(CLAUSE_TITLES, start=1)]
    assert any(p.style.name == "Heading 1" and p.text.startswith("Överenskommelse") for p in docx.paragraphs)
    assert ("Beslutsreferens", "202400017-ON-§ 23") in rows


def test_docx_has_header_footer_and_core_properties(docx):
    # given a rendered agreement as DOCX (fixture)
    section = docx.sections[0]

    # when the header, footer and core properties are read
    header = "\n".join(p.text for p in section.header.paragraphs)
    footer = "\n".join(p.text for p in section.footer.paragraphs)
    properties = docx.core_properties

    # then they name the municipality and case number, number the pages, and the document is Swedish
    assert "Ljusdals kommun" in header and "ON 2024-00017" in header
    assert "ON 2024-00017" in footer and "Sida" in footer
    assert "NUMPAGES" in section.footer.paragraphs[0]._p.xml
    assert properties.created == properties.modified == datetime(2024, 3, 14, tzinfo=UTC)
    assert properties.title == "Överenskommelse om intraprenad – Hemtjänsten Färila"
    assert properties.language == "sv-SE"


def test_same_content_renders_the_same_docx_text():
    # given the same content twice
    content = agreement()

    # when it is rendered twice
    first = docx_text(DocxDocument(BytesIO(render_docx(content))))
    second = docx_text(DocxDocument(BytesIO(render_docx(content))))

    # then the text is identical
    assert first == second
