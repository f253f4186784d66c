"""The follow-up pages: one success and one permission test per view, the forecast form's refusals, warnings
acknowledged through the page, and the exports (PDF with the unit's name and charts, Excel with the figures)."""

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from intraprenad.economy.models import EarlyWarning, ForecastEntry
from intraprenad.economy.tests.test_followup_data import KR, YEAR, add_actuals, approved_budget, home_care, result_unit


def login(client, user):
    client.force_login(user)
    return client


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def unit_url(unit, name="economy_unit", **kwargs):
    return reverse(name, kwargs={"pk": unit.pk, **kwargs}) + f"?year={YEAR}"


def warning_for(unit, month=2):
    return EarlyWarning.objects.create(
        result_unit=unit,
        year=YEAR,
        month=month,
        method="run_rate",
        forecast_ore=-2_400_000 * KR,
        threshold_ore=120_000 * KR,
        created_at=timezone.now(),
    )


# --- the board overview ------------------------------------------------------------------------------


def test_the_overview_lists_the_units_with_forecast_and_links(client, muni):
    unit = home_care(muni)
    warning_for(unit)
    response = login(client, muni.users.board_member).get(reverse("economy_overview") + f"?year={YEAR}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Hemvården Norr" in page
    assert reverse("economy_unit", kwargs={"pk": unit.pk}) in page
    assert "<caption" in page and 'scope="row"' in page
    assert "−2\xa0400\xa0000\xa0kr" in page  # the forecast
    assert response.context["overview"].month == 2
    assert response.context["open_warnings"] == 1
    assert reverse("economy_overview_export", kwargs={"fmt": "xlsx"}) in page


def test_the_overview_month_can_be_chosen(client, muni):
    home_care(muni)
    response = login(client, muni.users.economist).get(reverse("economy_overview") + f"?year={YEAR}&month=1")
    assert response.context["overview"].month == 1
    assert response.context["overview"].totals.actual_ytd_ore == -200_000 * KR


@pytest.mark.parametrize("role", ["no_role", "evaluator", "registrar"])
def test_the_overview_is_refused_without_the_economy(client, muni, role):
    response = login(client, getattr(muni.users, role)).get(reverse("economy_overview"))
    assert response.status_code == 403


def test_the_overview_needs_a_login(client, muni):
    assert_login_redirect(client.get(reverse("economy_overview")))


# --- one unit -----------------------------------------------------------------------------------------


def test_the_unit_page_shows_summary_tables_charts_and_the_forecast_form(client, muni):
    unit = home_care(muni)
    response = login(client, muni.users.unit_head).get(unit_url(unit))
    assert response.status_code == 200
    page = response.content.decode()
    report = response.context["report"]
    assert report.forecast.result_ore == -2_400_000 * KR
    assert "februari" in page
    assert "−0,4\xa0mnkr" in page and "−2,4\xa0mnkr" in page  # result after February, forecast for the year
    assert str(report.forecast.method_label) in page
    assert page.count('role="img"') == 2  # the cumulative chart and the forecast band
    assert "<title id=" in page
    assert response.context["forecast_form"] is not None
    assert reverse("economy_forecast", kwargs={"pk": unit.pk}) in page
    assert reverse("economy_unit_export", kwargs={"pk": unit.pk, "fmt": "pdf"}) in page


def test_figures_link_to_the_drilldown(client, muni):
    unit = home_care(muni)
    page = login(client, muni.users.economist).get(unit_url(unit)).content.decode()
    drilldown = reverse("economy_drilldown")
    assert f"{drilldown}?unit={unit.pk}&amp;year={YEAR}&amp;month=2&amp;line=personnel" in page


def test_board_members_and_staff_see_the_unit_without_the_forecast_form(client, muni):
    unit = home_care(muni)
    for user in (muni.users.board_member, muni.users.staff):
        response = login(client, user).get(unit_url(unit))
        assert response.status_code == 200
        assert response.context["forecast_form"] is None


def test_a_finished_year_shows_no_forecast_band_and_no_forecast_form(client, muni):
    # given a unit whose ledger has all twelve months of the year, December included
    unit = result_unit(muni.unit)
    approved_budget(unit)
    add_actuals(unit, months=range(1, 13))
    # when the unit head, who may enter forecasts, opens the year
    response = login(client, muni.users.unit_head).get(unit_url(unit))
    # then the outcome is final: only the cumulative chart, no forecast form, a sentence saying so instead
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["report"].is_finished
    assert page.count('role="img"') == 1
    assert "band" not in response.context["charts"]
    assert response.context["forecast_form"] is None
    assert reverse("economy_forecast", kwargs={"pk": unit.pk}) not in page
    assert f"Året {YEAR} är avslutat" in page
    # and the headline gives the year's result as final, with no forecast against the budget
    assert f"Resultat för helåret {YEAR}:" in page and "(slutligt)" in page
    assert "prognos för helåret" not in page.lower() and "Prognosen mot årets budget" not in page


def test_a_finished_year_looked_at_after_an_earlier_month_still_has_no_forecast_band(client, muni):
    unit = result_unit(muni.unit)
    approved_budget(unit)
    add_actuals(unit, months=range(1, 13))
    response = login(client, muni.users.unit_head).get(unit_url(unit) + "&month=6")
    assert response.context["report"].month == 6
    assert "band" not in response.context["charts"]
    assert response.context["forecast_form"] is None


def test_the_month_table_links_actuals_on_the_page_only(client, muni):
    # given the unit page and its PDF share one month-by-month table
    unit = home_care(muni)
    client = login(client, muni.users.economist)
    page = client.get(unit_url(unit)).content.decode()
    drilldown = reverse("economy_drilldown")
    # then the page's month rows link to the drill-down (the net result of a month: no line)
    assert f'{drilldown}?unit={unit.pk}&amp;year={YEAR}&amp;month=1">' in page
    assert f"Resultat per månad {YEAR}" in page
    # and the PDF has the same table without links
    text = pdf_text(client.get(unit_url(unit, "economy_unit_export", fmt="pdf")).content)
    assert f"Resultat per månad {YEAR}" in text
    assert "januari −200 000 kr" in text


@pytest.mark.parametrize("role", ["other_unit_head", "school_officer", "evaluator", "no_role"])
def test_a_unit_outside_ones_scope_is_not_found(client, muni, role):
    unit = home_care(muni)
    assert login(client, getattr(muni.users, role)).get(unit_url(unit)).status_code == 404


# --- the forecast form ----------------------------------------------------------------------------------


def forecast_data(**overrides):
    return {
        "year": YEAR,
        "month": 2,
        "result": "−3 500 000",
        "comment": "Fler brukare med dubbelbemanning.",
        **overrides,
    }


def test_the_unit_head_enters_a_forecast(client, muni):
    unit = home_care(muni)
    response = login(client, muni.users.unit_head).post(unit_url(unit, "economy_forecast"), forecast_data())
    assert response.status_code == 302
    assert response["Location"].endswith(f"?year={YEAR}&month=2")
    entry = ForecastEntry.objects.get()
    assert entry.result_ore == -3_500_000 * KR
    page = client.get(response["Location"]).content.decode()
    assert "Fler brukare med dubbelbemanning." in page
    assert "−3,5\xa0mnkr" in page


def test_a_forecast_without_a_comment_shows_the_form_again(client, muni):
    unit = home_care(muni)
    response = login(client, muni.users.unit_head).post(unit_url(unit, "economy_forecast"), forecast_data(comment=""))
    assert response.status_code == 200
    assert response.context["forecast_form"].errors["comment"]
    assert not ForecastEntry.objects.exists()


def test_an_amount_that_is_not_a_number_is_refused(client, muni):
    unit = home_care(muni)
    response = login(client, muni.users.unit_head).post(
        unit_url(unit, "economy_forecast"), forecast_data(result="mycket")
    )
    assert response.context["forecast_form"].errors["result"]
    assert not ForecastEntry.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("board_member", 403), ("staff", 403), ("other_unit_head", 404)])
def test_the_forecast_is_refused_to_others(client, muni, role, status):
    unit = home_care(muni)
    response = login(client, getattr(muni.users, role)).post(unit_url(unit, "economy_forecast"), forecast_data())
    assert response.status_code == status
    assert not ForecastEntry.objects.exists()


def test_the_forecast_is_post_only(client, muni):
    unit = home_care(muni)
    assert login(client, muni.users.unit_head).get(unit_url(unit, "economy_forecast")).status_code == 405


# --- warnings ----------------------------------------------------------------------------------------------


def test_the_warnings_page_lists_open_warnings_in_scope(client, muni):
    norr = home_care(muni)
    syd = result_unit(muni.other_unit)
    warning_for(norr)
    warning_for(syd)
    response = login(client, muni.users.unit_head).get(reverse("economy_warnings"))
    assert response.status_code == 200
    assert [w.result_unit for w in response.context["warnings"]] == [norr]
    assert response.context["warnings"][0].can_acknowledge


def test_the_warnings_page_is_refused_without_the_economy(client, muni):
    assert login(client, muni.users.no_role).get(reverse("economy_warnings")).status_code == 403


def test_a_warning_is_acknowledged_from_the_page(client, muni):
    unit = home_care(muni)
    warning = warning_for(unit)
    url = reverse("economy_warning_acknowledge", kwargs={"pk": warning.pk})
    response = login(client, muni.users.economist).post(url, {"next": unit_url(unit)})
    assert response.status_code == 302
    assert response["Location"] == unit_url(unit)
    warning.refresh_from_db()
    assert warning.acknowledged_by == muni.users.economist


@pytest.mark.parametrize(("role", "status"), [("board_member", 403), ("other_unit_head", 404)])
def test_acknowledging_is_refused_to_others(client, muni, role, status):
    warning = warning_for(home_care(muni))
    url = reverse("economy_warning_acknowledge", kwargs={"pk": warning.pk})
    assert login(client, getattr(muni.users, role)).post(url).status_code == status
    warning.refresh_from_db()
    assert warning.acknowledged_at is None


def test_an_unsafe_next_address_is_not_followed(client, muni):
    warning = warning_for(home_care(muni))
    url = reverse("economy_warning_acknowledge", kwargs={"pk": warning.pk})
    response = login(client, muni.users.unit_head).post(url, {"next": "https://example.com/"})
    assert response["Location"] == reverse("economy_warnings")


# --- exports ------------------------------------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    """The PDF's text with runs of white space (line breaks in narrow cells) as single spaces."""
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    return " ".join(text.replace("\xa0", " ").split())


def test_the_unit_pdf_has_the_unit_the_figures_and_the_charts(client, muni):
    unit = home_care(muni)
    response = login(client, muni.users.unit_head).get(unit_url(unit, "economy_unit_export", fmt="pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert "Hemvården Norr" in text
    assert "−2 400 000" in text  # the forecast
    assert "februari" in text
    assert "jan" in text and "dec" in text  # the charts' month axis is text


def test_the_unit_excel_has_the_figures_as_numbers(client, muni):
    unit = home_care(muni)
    response = login(client, muni.users.economist).get(unit_url(unit, "economy_unit_export", fmt="xlsx"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(response.content))
    lines, months, detail = workbook.worksheets
    assert lines.freeze_panes == "B2" and months.freeze_panes == "B2"
    assert lines["A1"].font.bold
    rows = {row[0]: row for row in lines.iter_rows(min_row=2, values_only=True) if row and row[0]}
    personnel = next(row for label, row in rows.items() if label in ("Personnel costs", "Personalkostnader"))
    assert personnel[1] == -1_600_000 and personnel[2] == -1_900_000 and personnel[6] == -11_400_000
    assert lines["B2"].number_format.startswith("#,##0")
    assert months["C2"].value == -200_000  # January's net result
    assert months["C4"].value is None  # March: no actuals yet
    assert detail.max_column == 11


def test_the_overview_exports(client, muni):
    home_care(muni)
    school = result_unit(muni.school, is_comparison=True)
    approved_budget(school)
    add_actuals(school)
    user = login(client, muni.users.admin)
    pdf = user.get(reverse("economy_overview_export", kwargs={"fmt": "pdf"}) + f"?year={YEAR}")
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert "Hemvården Norr" in text and "Åsa skola" in text
    xlsx = user.get(reverse("economy_overview_export", kwargs={"fmt": "xlsx"}) + f"?year={YEAR}")
    sheet = load_workbook(BytesIO(xlsx.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names[:2] == ["Åsa skola", "Hemvården Norr"]
    assert sheet.freeze_panes == "B2"
    assert sheet.cell(row=2, column=6).value == -400_000  # Åsa skola's actual to date, in kronor
    assert sheet.cell(row=sheet.max_row, column=6).value == -800_000  # all units


def test_exports_follow_the_same_permissions(client, muni):
    unit = home_care(muni)
    other = login(client, muni.users.other_unit_head)
    assert other.get(unit_url(unit, "economy_unit_export", fmt="pdf")).status_code == 404
    assert other.get(unit_url(unit, "economy_unit_export", fmt="doc")).status_code == 404
    assert (
        login(client, muni.users.no_role).get(reverse("economy_overview_export", kwargs={"fmt": "xlsx"})).status_code
        == 403
    )


def test_the_period_defaults_and_refuses_a_bad_month(client, muni):
    unit = home_care(muni)
    user = login(client, muni.users.unit_head)
    url = reverse("economy_unit", kwargs={"pk": unit.pk})
    assert user.get(url + "?month=1").context["report"].month == 1  # the year defaults to this year's
    response = user.get(url + f"?year={YEAR}&month=13")
    assert response.status_code == 200
    assert response.context["form"].errors["month"]
