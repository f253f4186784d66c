"""The charts as inline SVG: no XML prolog, an accessible name, ids unique per chart, Swedish numbers on the
value axis, month names on the time axis; the same input gives the same SVG."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from intraprenad.economy import charts

MONTHS = list(range(1, 13))
SVG = "{http://www.w3.org/2000/svg}"


def cumulative(title="Hemvården Norr 2025: nettoresultat, ackumulerat"):
    budget = [-200_000_000 * m for m in MONTHS]
    actual = [-230_000_000 * m for m in (1, 2)] + [None] * 10
    return charts.cumulative_svg(MONTHS, budget, actual, title=title)


def band():
    actual = [-100_000, -250_000] + [None] * 10
    forecast = [None, -250_000] + [-250_000 - 50_000 * k for k in range(1, 11)]
    low = [None, -250_000] + [-250_000 - 70_000 * k for k in range(1, 11)]
    high = [None, -250_000] + [-250_000 - 30_000 * k for k in range(1, 11)]
    return charts.forecast_band_svg(MONTHS, actual, low, high, forecast, title="Prognos <2025>")


def test_the_svg_can_be_inlined_and_has_an_accessible_name():
    svg = cumulative()
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<metadata>" not in svg
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.get("id") == root.get("aria-labelledby")
    assert title.text == "Hemvården Norr 2025: nettoresultat, ackumulerat"
    assert root.get("width") is None and root.get("viewBox")


def test_the_title_is_escaped():
    root = ET.fromstring(band())
    assert root.find(f"{SVG}title").text == "Prognos <2025>"


def test_ids_differ_between_charts_on_the_same_page():
    ids_a = set(re.findall(r' id="([^"]+)"', cumulative()))
    ids_b = set(re.findall(r' id="([^"]+)"', band()))
    assert ids_a and ids_b
    assert not ids_a & ids_b
    # every internal reference points at an id of its own chart
    for svg, ids in ((cumulative(), ids_a), (band(), ids_b)):
        assert set(re.findall(r"url\(#([^)]+)\)", svg)) <= ids


def test_the_value_axis_uses_swedish_numbers_in_mnkr_or_tkr():
    with translation.override("sv"):
        big = cumulative()
        small = band()
    # millions: "−20" with a real minus sign; thousands with a decimal comma where needed
    assert "−20" in big
    assert re.search(r">−\d", small)
    assert "-20<" not in big
    assert ">jan<" in big and ">dec<" in big and ">maj<" in big


def test_the_same_input_gives_the_same_svg():
    assert cumulative() == cumulative()
    assert cumulative() != cumulative(title="Annan titel")


@pytest.mark.parametrize(
    ("values", "divisor"),
    [([100_000_000], charts.MSEK), ([-250_000_000, None], charts.MSEK), ([99_999_999], charts.TSEK), ([], charts.TSEK)],
)
def test_the_axis_unit_suits_the_largest_amount(values, divisor):
    assert charts.axis_scale(values)[0] == divisor


def test_the_fund_balance_chart_has_one_bar_per_year():
    svg = charts.fund_balance_svg([2022, 2023, 2024], [1_500_000_00, 2_300_000_00, -500_000_00], title="Resultatfond")
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == "Resultatfond"
    assert ">2022<" in svg and ">2024<" in svg
    assert charts.SURPLUS in svg and charts.DEFICIT in svg  # surplus and deficit years differ in colour
    assert "−0,5" in svg  # the deficit year's label, in mnkr with a decimal comma
