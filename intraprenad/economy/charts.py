"""Charts for the follow-up and the result fund, as SVG text to inline in pages and PDF reports.

A pure file-format module: plain values in (months, years, amounts in öre), SVG text out; no
queries. Drawn with matplotlib's object API on the Agg/SVG backends (no pyplot state, so it is
safe in threads) with DejaVu Sans, the font matplotlib ships, so nothing is downloaded. Text
stays text (`svg.fonttype = "none"`): it is searchable and small, and WeasyPrint and browsers
render it with the same DejaVu font the PDF documents use.

Every SVG is an image with an accessible name: `role="img"` and `aria-labelledby` pointing at
its `<title>`. Pages and reports always put a table of the same figures next to a chart (WCAG
1.1.1); the chart is the quick look, the table the text alternative. Series differ in line style
and marker as well as colour (WCAG 1.4.1); every colour has at least 4.5:1 contrast on white.

Amounts on the value axis are shown in mnkr or tkr (whichever suits the largest figure) with the
active language's number format (Swedish: decimal comma, space as thousands separator, U+2212
minus). Rendering takes 20–60 ms; results are cached per language and input.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Sequence
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

from django.utils import translation  # noqa: E402
from django.utils.dates import MONTHS_3  # noqa: E402
from django.utils.formats import number_format  # noqa: E402
from django.utils.html import escape  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator  # noqa: E402

# Colours (contrast on white in brackets).
BUDGET = "#4d4d4d"  # dark grey (8.5:1), dashed
ACTUAL = "#0072b2"  # blue (5.2:1), solid with round markers
FORECAST = "#b34700"  # burnt orange (5.5:1), dash-dot; the band is a light tint of it between dotted edges
SURPLUS = "#005a46"  # green (8.2:1)
DEFICIT = "#a4000f"  # red (8.1:1)
GRID = "#d9d9d9"
TEXT = "#1a1a1a"

SIZE = (7.2, 3.4)  # inches; the SVG is scaled to its container (viewBox, no fixed width)
RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "svg.fonttype": "none",
    "svg.hashsalt": "intraprenad",
    "axes.edgecolor": "#595959",
    "axes.labelcolor": TEXT,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "text.color": TEXT,
}

MSEK = 100_000_000  # öre in a million kronor
TSEK = 100_000  # öre in a thousand kronor


# --- numbers ------------------------------------------------------------------------------------


def _minus(text: str) -> str:
    return text.replace("-", "\u2212")


def axis_scale(values_ore: Sequence[int | None]) -> tuple[int, str]:
    """The divisor and unit label for an axis showing these amounts: mnkr from one million kronor up, else tkr."""
    largest = max((abs(v) for v in values_ore if v is not None), default=0)
    return (MSEK, _("MSEK")) if largest >= MSEK else (TSEK, _("kSEK"))


def axis_label(value: float, decimals: int) -> str:
    """A tick label in the active language's number format (grouped, Unicode minus)."""
    if abs(value) < 10 ** -(decimals + 1):
        value = 0.0
    return _minus(number_format(round(value, decimals), decimals, force_grouping=True))


def _decimals(step: float) -> int:
    """Decimals needed to tell ticks `step` apart (0, 1 or 2)."""
    for decimals in (0, 1, 2):
        if abs(step * 10**decimals - round(step * 10**decimals)) < 1e-6:
            return decimals
    return 2


def _value_axis(ax, divisor: int, unit: str) -> None:
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ticks = ax.yaxis.get_major_locator().tick_values(*ax.get_ylim())
    step = float(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    decimals = _decimals(step)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: axis_label(value, decimals)))
    ax.set_ylabel(unit)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.axhline(0, color="#595959", linewidth=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _month_axis(ax, months: Sequence[int]) -> None:
    ax.xaxis.set_major_locator(FixedLocator(list(months)))
    ax.set_xticks(list(months), [str(MONTHS_3[m]) for m in months])
    ax.set_xlim(min(months) - 0.5, max(months) + 0.5)


def _scaled(values: Sequence[int | None], divisor: int) -> list[float]:
    # Floats only for drawing; the figures themselves stay integer öre in the tables beside the chart.
    return [float("nan") if v is None else v / divisor for v in values]


# --- SVG text -----------------------------------------------------------------------------------

_PROLOG = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_GLOBAL_STYLE = re.compile(r"\s*<style type=\"text/css\">\*\{[^}]*\}</style>", re.S)
_SIZE = re.compile(r'\s(width|height)="[^"]*"')


def _svg(figure: Figure, title: str, key: str) -> str:
    """The figure as inline SVG: no XML prolog or metadata, scalable, with an accessible name."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = _PROLOG.sub("", buffer.getvalue(), count=1)
    text = _METADATA.sub("", text, count=1)
    text = _GLOBAL_STYLE.sub("", text, count=1)  # `*{…}` would style the whole HTML page
    prefix = f"chart-{hashlib.sha1(key.encode()).hexdigest()[:10]}"
    # matplotlib numbers its ids (text_1, clip paths) per figure: make them unique in a page with several charts
    text = text.replace(' id="', f' id="{prefix}-').replace("url(#", f"url(#{prefix}-")
    text = text.replace('href="#', f'href="#{prefix}-')
    title_id = f"{prefix}-title"
    head_end = text.index(">") + 1
    head = _SIZE.sub("", text[:head_end], count=2)
    head = head.replace(
        "<svg ",
        f'<svg class="chart" role="img" aria-labelledby="{title_id}" style="width:100%;height:auto" ',
        1,
    )
    return f'{head}\n <title id="{title_id}">{escape(title)}</title>{text[head_end:]}'


def _figure() -> tuple[Figure, object]:
    # Fixed margins (room for tick labels such as "−3 500,5" and the unit) instead of a layout engine:
    # constrained layout measures every text twice and triples the rendering time.
    figure = Figure(figsize=SIZE)
    figure.subplots_adjust(left=0.12, right=0.985, top=0.96, bottom=0.11)
    return figure, figure.add_subplot()


def _legend(ax) -> None:
    ax.legend(loc="best", frameon=False, fontsize=8.5, handlelength=3)


# --- the charts ----------------------------------------------------------------------------------


def cumulative_svg(
    months: Sequence[int],
    budget_cum_ore: Sequence[int | None],
    actual_cum_ore: Sequence[int | None],
    *,
    title: str,
) -> str:
    """Cumulative budget against cumulative actual, month by month (e.g. the net result).

    The three sequences are aligned; `None` where a month has no figure (e.g. actuals after the
    latest imported month).
    """
    return _cumulative(
        tuple(months),
        tuple(budget_cum_ore),
        tuple(actual_cum_ore),
        title,
        translation.get_language() or "",
    )


def _plot_actual(ax, months, actual, divisor) -> None:
    """The cumulative actual, drawn the same way in every chart that has it."""
    ax.plot(
        months,
        _scaled(actual, divisor),
        color=ACTUAL,
        linestyle="-",
        linewidth=2.2,
        marker="o",
        markersize=4,
        label=_("Actual, cumulative"),
    )


@lru_cache(maxsize=256)
def _cumulative(months, budget, actual, title, language) -> str:
    divisor, unit = axis_scale([*budget, *actual])
    with matplotlib.rc_context(RC):
        figure, ax = _figure()
        ax.plot(
            months, _scaled(budget, divisor), color=BUDGET, linestyle="--", linewidth=1.8, label=_("Budget, cumulative")
        )
        _plot_actual(ax, months, actual, divisor)
        _month_axis(ax, months)
        _value_axis(ax, divisor, unit)
        _legend(ax)
        return _svg(figure, title, f"cumulative|{title}|{months}|{budget}|{actual}")


def forecast_band_svg(
    months: Sequence[int],
    actual_cum_ore: Sequence[int | None],
    forecast_low_ore: Sequence[int | None],
    forecast_high_ore: Sequence[int | None],
    forecast_ore: Sequence[int | None],
    *,
    title: str,
) -> str:
    """Cumulative actual so far, then the forecast path to the year's end inside its low–high band.

    The sequences are aligned with `months`: actuals are `None` after the latest month with actuals,
    the forecast series `None` before it (they start at that month, so the lines join).
    """
    return _band(
        tuple(months),
        tuple(actual_cum_ore),
        tuple(forecast_low_ore),
        tuple(forecast_high_ore),
        tuple(forecast_ore),
        title,
        translation.get_language() or "",
    )


@lru_cache(maxsize=256)
def _band(months, actual, low, high, forecast, title, language) -> str:
    divisor, unit = axis_scale([*actual, *low, *high, *forecast])
    with matplotlib.rc_context(RC):
        figure, ax = _figure()
        band_months = [m for m, lo, hi in zip(months, low, high, strict=True) if lo is not None and hi is not None]
        if band_months:
            lows = [v / divisor for v in low if v is not None]
            highs = [v / divisor for v in high if v is not None]
            ax.fill_between(
                band_months, lows, highs, color=FORECAST, alpha=0.15, linewidth=0, label=_("Forecast range")
            )
            ax.plot(band_months, lows, color=FORECAST, linestyle=":", linewidth=1)
            ax.plot(band_months, highs, color=FORECAST, linestyle=":", linewidth=1)
        _plot_actual(ax, months, actual, divisor)
        ax.plot(
            months,
            _scaled(forecast, divisor),
            color=FORECAST,
            linestyle="-.",
            linewidth=2,
            marker="s",
            markersize=3.5,
            label=_("Forecast"),
        )
        _month_axis(ax, months)
        _value_axis(ax, divisor, unit)
        _legend(ax)
        return _svg(figure, title, f"band|{title}|{months}|{actual}|{low}|{high}|{forecast}")


def fund_balance_svg(years: list[int], balances_ore: list[int], *, title: str) -> str:
    """The result fund's closing balance year by year, as bars (green above zero, red below)."""
    return _fund(tuple(years), tuple(balances_ore), title, translation.get_language() or "")


@lru_cache(maxsize=256)
def _fund(years, balances, title, language) -> str:
    divisor, unit = axis_scale(balances)
    with matplotlib.rc_context(RC):
        figure, ax = _figure()
        positions = list(range(len(years)))
        values = _scaled(balances, divisor)
        colours = [SURPLUS if v >= 0 else DEFICIT for v in balances]
        bars = ax.bar(positions, values, color=colours, width=0.6, label=_("Closing balance"))
        ax.set_xticks(positions, [str(y) for y in years])
        if years:
            ax.set_xlim(-0.6, len(years) - 0.4)
        ax.margins(y=0.15)
        _value_axis(ax, divisor, unit)
        decimals = 1 if divisor == MSEK else 0
        ax.bar_label(bars, labels=[axis_label(v, decimals) for v in values], padding=2, fontsize=8)
        return _svg(figure, title, f"fund|{title}|{years}|{balances}")
