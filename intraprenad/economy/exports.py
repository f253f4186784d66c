"""The follow-up reports as files: PDF (HTML rendered by WeasyPrint as PDF/A, with the charts inline as
SVG) and Excel (openpyxl: real numbers with number formats, a header row, frozen panes).

A file-format module: it takes the report data from `queries.followup` and returns bytes. Like the
generated documents (`documents.render`), the files are written in Swedish whatever the language of
the user interface.
"""

from __future__ import annotations

import base64
import html
import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intraprenad.documents import render as documents
from intraprenad.economy.lines import LINE_ORDER
from intraprenad.economy.queries.followup import Overview, UnitReport, line_label, month_name

KRONOR = "#,##0;[Red]\\-#,##0"
PERCENT = '0.0" %";[Red]\\-0.0" %"'
_BASE_URL = str(Path(__file__).resolve().parent)


def _kr(ore: int | None) -> Decimal | None:
    return None if ore is None else Decimal(ore) / 100


def _pdf(template: str, context: dict) -> bytes:
    """HTML from `template`, rendered in Swedish, as an archivable PDF/A (the same settings as documents.render)."""
    from weasyprint import HTML

    with translation.override(documents.LANGUAGE):
        html = render_to_string(template, {**context, "language": documents.LANGUAGE, "today": timezone.localdate()})
    return HTML(string=html, base_url=_BASE_URL).write_pdf(
        pdf_variant=documents.PDF_VARIANT, pdf_tags=True, custom_metadata=True
    )


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.S)


def _image(svg: str) -> dict[str, str]:
    """An inline SVG chart as an image for the PDF: a data URI, and its title as the alternative text. (As an
    image WeasyPrint draws it without running the page's CSS over every SVG element.)"""
    title = _TITLE.search(svg)
    return {
        "src": "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode(),
        "alt": html.unescape(title.group(1)) if title else "",
    }


def unit_pdf(report: UnitReport, charts: dict[str, str]) -> bytes:
    """The unit's follow-up with its two charts, each followed by a table of the same figures."""
    from intraprenad.accounts.models import OrgUnit

    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    images = {name: _image(svg) for name, svg in charts.items()}
    return _pdf(
        "economy/followup/unit_pdf.html",
        {"report": report, "unit": report.unit, "charts": images, "municipality": root.name if root else ""},
    )


def overview_pdf(overview: Overview) -> bytes:
    from intraprenad.accounts.models import OrgUnit

    root = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    return _pdf("economy/followup/overview_pdf.html", {"overview": overview, "municipality": root.name if root else ""})


# --- Excel ------------------------------------------------------------------------------------------


def _sheet(workbook, title: str, header: list[str], widths: list[int], *, first: bool = False):
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F4F5")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    sheet.freeze_panes = "B2"
    return sheet


def _formats(sheet, columns: dict[int, str], *, first_row: int = 2) -> None:
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if cell.column in columns:
                cell.number_format = columns[cell.column]


def _bold_row(sheet) -> None:
    from openpyxl.styles import Font

    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def _save(workbook, title: str) -> bytes:
    workbook.properties.title = title
    workbook.properties.creator = "Intraprenad"
    workbook.properties.language = "sv-SE"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def unit_xlsx(report: UnitReport) -> bytes:
    """Three sheets: per line (year to date, full-year budget and forecast), per month (net), per month and line."""
    from openpyxl import Workbook

    name = report.unit.org_unit.name
    with translation.override(documents.LANGUAGE):
        workbook = Workbook()
        after = report.month_name or "–"
        lines = _sheet(
            workbook,
            _("Per line"),
            [
                _("Line"),
                _("Budget to date"),
                _("Actual to date"),
                _("Deviation"),
                _("Deviation %"),
                _("Budget, full year"),
                _("Forecast, full year"),
            ],
            [28, 16, 16, 16, 13, 16, 18],
            first=True,
        )
        for row in [*report.lines, report.net]:
            lines.append(
                [
                    row.label,
                    _kr(row.ytd.budget_ore),
                    _kr(row.ytd.actual_ore),
                    _kr(row.ytd.deviation_ore),
                    row.ytd.deviation_percent,
                    _kr(row.budget_year_ore),
                    _kr(row.forecast_ore),
                ]
            )
        _bold_row(lines)
        _formats(lines, {2: KRONOR, 3: KRONOR, 4: KRONOR, 5: PERCENT, 6: KRONOR, 7: KRONOR})
        lines.append([])
        facts = [
            (_("Unit"), name),
            (_("Year"), report.year),
            (_("After month"), after),
        ]
        if report.forecast is not None:
            facts += [
                (_("Forecast method"), report.forecast.method_label),
                (_("Range, low"), _kr(report.band[0])),
                (_("Range, high"), _kr(report.band[1])),
            ]
            if report.manual is not None:
                facts.append((_("The unit's comment"), report.manual.comment))
        for label, value in facts:
            lines.append([label, value])
            if isinstance(value, Decimal):
                lines.cell(row=lines.max_row, column=2).number_format = KRONOR

        months = _sheet(
            workbook,
            _("Per month"),
            [
                _("Month"),
                _("Budget"),
                _("Actual"),
                _("Deviation"),
                _("Deviation %"),
                _("Budget, cumulative"),
                _("Actual, cumulative"),
                _("Forecast, cumulative"),
            ],
            [14, 16, 16, 16, 13, 18, 18, 18],
        )
        for row, forecast in zip(report.months, report.forecast_path, strict=True):
            months.append(
                [
                    row.name,
                    _kr(row.net.budget_ore),
                    _kr(row.net.actual_ore),
                    _kr(row.net.deviation_ore),
                    row.net.deviation_percent,
                    _kr(row.budget_cum_ore),
                    _kr(row.actual_cum_ore),
                    _kr(forecast),
                ]
            )
        _formats(months, {2: KRONOR, 3: KRONOR, 4: KRONOR, 5: PERCENT, 6: KRONOR, 7: KRONOR, 8: KRONOR})

        header = [_("Month")]
        for line in LINE_ORDER:
            header += [
                _("%(line)s: Budget") % {"line": line_label(line)},
                _("%(line)s: Actual") % {"line": line_label(line)},
            ]
        detail = _sheet(workbook, _("Per month and line"), header, [14] + [16] * (2 * len(LINE_ORDER)))
        for row in report.months:
            values: list = [row.name]
            for cell in row.cells:
                values += [_kr(cell.budget_ore), _kr(cell.actual_ore)]
            detail.append(values)
        _formats(detail, {column: KRONOR for column in range(2, 2 + 2 * len(LINE_ORDER))})
        return _save(workbook, _("Follow-up %(unit)s %(year)s") % {"unit": name, "year": report.year})


def overview_xlsx(overview: Overview) -> bytes:
    """One row per unit with its board and type of service, then the totals."""
    from openpyxl import Workbook

    with translation.override(documents.LANGUAGE):
        workbook = Workbook()
        sheet = _sheet(
            workbook,
            _("Overview %(year)s-%(month)s") % {"year": overview.year, "month": f"{overview.month:02d}"},
            [
                _("Unit"),
                _("Board"),
                _("Type of service"),
                _("Form"),
                _("Budget to date"),
                _("Actual to date"),
                _("Deviation"),
                _("Deviation %"),
                _("Budget, full year"),
                _("Forecast, full year"),
                _("Method"),
                _("Forecast against budget"),
                _("Warning"),
            ],
            [30, 26, 18, 16, 16, 16, 16, 13, 16, 18, 18, 18, 10],
            first=True,
        )
        intraprenad, comparable = _("Intraprenad"), _("Comparable unit")
        for row in overview.rows:
            sheet.append(
                [
                    row.name,
                    row.board,
                    row.service_type,
                    comparable if row.is_comparison else intraprenad,
                    _kr(row.budget_ytd_ore),
                    _kr(row.actual_ytd_ore),
                    _kr(row.deviation_ore),
                    row.deviation_percent,
                    _kr(row.budget_year_ore),
                    _kr(row.forecast.result_ore) if row.forecast else None,
                    row.forecast.method_short_label if row.forecast else "",
                    _kr(row.forecast_deviation_ore),
                    _("Yes") if row.has_open_warning else "",
                ]
            )
        if overview.rows:
            sheet.auto_filter.ref = f"A1:M{sheet.max_row}"
        for label, totals in (
            (_("Intraprenader"), overview.intraprenad_totals),
            (_("Comparable units"), overview.comparison_totals),
            (_("All units"), overview.totals),
        ):
            sheet.append(
                [
                    label,
                    "",
                    "",
                    "",
                    _kr(totals.budget_ytd_ore),
                    _kr(totals.actual_ytd_ore),
                    _kr(totals.deviation_ore),
                    totals.deviation_percent,
                    _kr(totals.budget_year_ore),
                    _kr(totals.forecast_ore),
                    "",
                    _kr(totals.forecast_deviation_ore),
                    "",
                ]
            )
            _bold_row(sheet)
        _formats(sheet, {5: KRONOR, 6: KRONOR, 7: KRONOR, 8: PERCENT, 9: KRONOR, 10: KRONOR, 12: KRONOR})
        return _save(
            workbook,
            _("Board overview %(year)s, %(month)s") % {"year": overview.year, "month": month_name(overview.month)},
        )
