"""Generated documents as HTML, archivable PDF (PDF/A) and DOCX.

A pure file-format module: it knows nothing of cases or agreements. Domain apps assemble a
`DocumentContent` (see `lifecycle.document_content`) and call `render_pdf` or `render_docx`.
The generated documents are always Swedish, whatever language the user interface is in.
"""

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

PDF_VARIANT = "pdf/a-2b"
LANGUAGE = "sv"
TEMPLATE = "documents/document.html"
_BASE_URL = str(Path(__file__).resolve().parent)


@dataclass(frozen=True)
class Section:
    """A heading and its paragraphs, in the order they appear in the document."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class DocumentContent:
    """Everything a generated document shows; plain values only, so rendering needs no database."""

    municipality: str
    issuer: str
    doc_type: str
    title: str
    case_number: str
    document_date: date
    meta: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    signatures: tuple[str, ...] = ()
    decision_reference: str = ""


def _context(content: DocumentContent) -> dict:
    return {
        "doc": content,
        "document_date": content.document_date.isoformat(),
        "language": LANGUAGE,
    }


def render_html(content: DocumentContent) -> str:
    """The document as a standalone HTML page (the source of the PDF)."""
    with translation.override(LANGUAGE):
        return render_to_string(TEMPLATE, _context(content))


def render_pdf(content: DocumentContent) -> bytes:
    """The document as an archivable PDF/A with embedded DejaVu fonts and Swedish metadata."""
    from weasyprint import HTML

    html = HTML(string=render_html(content), base_url=_BASE_URL)
    return html.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, custom_metadata=True)


def _add_lines(paragraph, text: str, *, bold: bool = False, size=None) -> None:
    """Add text to a paragraph, keeping single line breaks as breaks within it."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.bold = bold
        if size is not None:
            run.font.size = size
        if number < len(lines) - 1:
            run.add_break()


def _add_field(paragraph, instruction: str) -> None:
    """A Word field such as PAGE or NUMPAGES, updated by Word when the document is shown."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _footer(paragraph, content: DocumentContent) -> None:
    paragraph.text = f"{content.doc_type} · {content.case_number}\tSida "
    _add_field(paragraph, "PAGE")
    paragraph.add_run(" av ")
    _add_field(paragraph, "NUMPAGES")


def render_docx(content: DocumentContent) -> bytes:
    """The document as DOCX (Word), with the same text and layout as the PDF.

    The first page opens with the letterhead; later pages repeat municipality, issuer, case
    number and date in the header. Every page's footer has the document type, case number and
    "Sida X av Y" (Word fields).
    """
    from datetime import UTC, datetime, time

    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    document = Document()
    page = document.sections[0]
    page.page_width, page.page_height = Cm(21.0), Cm(29.7)
    page.left_margin, page.right_margin = Cm(2.5), Cm(2.2)
    page.top_margin, page.bottom_margin = Cm(2.5), Cm(2.0)
    text_width = page.page_width - page.left_margin - page.right_margin

    styles = document.styles
    styles["Normal"].font.name = "DejaVu Serif"
    styles["Normal"].font.size = Pt(10.5)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "sv-SE")
    styles["Normal"].element.get_or_add_rPr().append(language)
    for name, size in (("Title", 15), ("Heading 1", 16), ("Heading 2", 11.5), ("Header", 8), ("Footer", 8)):
        styles[name].font.name = "DejaVu Sans"
        styles[name].font.size = Pt(size)
        styles[name].font.color.rgb = RGBColor(0, 0, 0)
    for name in ("Header", "Footer"):
        tabs = styles[name].paragraph_format.tab_stops
        tabs.clear_all()
        tabs.add_tab_stop(text_width, WD_TAB_ALIGNMENT.RIGHT)

    page.different_first_page_header_footer = True
    page.header.paragraphs[
        0
    ].text = f"{content.municipality} · {content.issuer}\t{content.case_number} · {content.document_date.isoformat()}"
    _footer(page.footer.paragraphs[0], content)
    _footer(page.first_page_footer.paragraphs[0], content)

    letterhead = document.add_table(rows=1, cols=2)
    sender, info = letterhead.rows[0].cells
    sender.width, info.width = text_width // 2, text_width // 2
    run = sender.paragraphs[0].add_run(content.municipality)
    run.bold, run.font.name, run.font.size = True, "DejaVu Sans", Pt(15)
    sender.add_paragraph().add_run(content.issuer).font.name = "DejaVu Sans"
    run = info.paragraphs[0].add_run(content.doc_type.upper())
    run.bold, run.font.name = True, "DejaVu Sans"
    for label, value in (("Datum", content.document_date.isoformat()), ("Diarienummer", content.case_number)):
        run = info.add_paragraph().add_run(f"{label}: {value}")
        run.font.name, run.font.size = "DejaVu Sans", Pt(9)
    for paragraph in info.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    document.add_heading(content.title, level=1).paragraph_format.space_before = Pt(18)

    if content.meta:
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        table.autofit = False
        widths = (Cm(5.0), text_width - Cm(5.0))
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for label, value in content.meta:
            cells = table.add_row().cells
            for cell, width, text, bold in zip(cells, widths, (label, value), (True, False), strict=True):
                cell.width = width
                _add_lines(cell.paragraphs[0], text, bold=bold, size=Pt(9))

    for doc_section in content.sections:
        document.add_heading(doc_section.heading, level=2)
        for text in doc_section.paragraphs:
            _add_lines(document.add_paragraph(), text)

    if content.signatures:
        heading = document.add_heading("Underskrifter", level=2)
        heading.paragraph_format.keep_with_next = True
        grid = document.add_table(rows=(len(content.signatures) + 1) // 2, cols=2)
        for cell, signature in zip(grid._cells, content.signatures, strict=False):
            line = cell.paragraphs[0]
            line.paragraph_format.space_before = Pt(40)
            line.add_run("_" * 36)
            _add_lines(cell.add_paragraph(), signature, size=Pt(9.5))

    properties = document.core_properties
    stamp = datetime.combine(content.document_date, time(0, 0), tzinfo=UTC)
    properties.title = content.title
    properties.subject = f"{content.doc_type} {content.case_number}"
    properties.author = f"{content.issuer}, {content.municipality}"
    properties.last_modified_by = content.issuer
    properties.keywords = ", ".join(filter(None, (content.case_number, content.decision_reference)))
    properties.language = "sv-SE"
    properties.created = properties.modified = stamp
    properties.revision = 1

    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
