"""The follow-up pages: the board overview, a unit's monthly follow-up with its charts and forecast,
the early warnings, and their PDF and Excel exports. Thin: fetch through `for_user`, validate a form,
call one service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intraprenad.accounts.access import has_perm
from intraprenad.core.forms import show_errors
from intraprenad.economy import charts, exports
from intraprenad.economy.forms.followup import ForecastForm, PeriodForm
from intraprenad.economy.models import EarlyWarning, ResultUnit
from intraprenad.economy.queries import followup as queries
from intraprenad.economy.rules import forecast as rules
from intraprenad.economy.rules.money import round_kronor
from intraprenad.economy.services import followup as services

VIEW = "economy.view_economy"
FORECAST = "economy.enter_forecast"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _require_anywhere(user, perm: str) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied


def _period(request) -> tuple[int, int | None, PeriodForm]:
    """The year and month asked for (this year and the latest month with actuals by default)."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"year": today.year})
    if request.GET and form.is_valid():
        return form.cleaned_data["year"] or today.year, form.cleaned_data["month"], form
    if request.GET:  # invalid: show the defaults, and the form its errors
        return today.year, None, form
    return today.year, None, PeriodForm(initial={"year": today.year})


def _unit(request, pk: int) -> ResultUnit:
    return get_object_or_404(queries.visible_units(request.user).select_related("org_unit"), pk=pk)


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _check_format(fmt: str) -> None:
    if fmt not in CONTENT_TYPES:
        raise Http404


# --- the board overview ------------------------------------------------------------------------------


@login_required
def economy_overview(request):
    _require_anywhere(request.user, VIEW)
    year, month, form = _period(request)
    overview = queries.overview(request.user, year=year, month=month)
    return render(
        request,
        "economy/followup/overview.html",
        {
            "overview": overview,
            "form": form,
            "open_warnings": queries.open_warnings(request.user).count(),
            "query": f"year={overview.year}&month={overview.month}" if overview.month else f"year={overview.year}",
        },
    )


@login_required
def economy_overview_export(request, fmt: str):
    _check_format(fmt)
    _require_anywhere(request.user, VIEW)
    year, month, _form = _period(request)
    overview = queries.overview(request.user, year=year, month=month)
    content = exports.overview_pdf(overview) if fmt == "pdf" else exports.overview_xlsx(overview)
    return _download(content, fmt, f"uppfoljning-{overview.year}-{overview.month:02d}")


# --- one unit -----------------------------------------------------------------------------------------


def unit_charts(report: queries.UnitReport) -> dict[str, str]:
    """The unit page's two charts as inline SVG (each followed on the page by a table of its figures)."""
    months = list(range(1, 13))
    name = report.unit.org_unit.name
    result = {
        "cumulative": charts.cumulative_svg(
            months,
            report.budget_cum,
            report.actual_cum,
            title=_("%(unit)s %(year)s: net result, cumulative budget and actual")
            % {"unit": name, "year": report.year},
        )
    }
    if report.forecast is not None and not report.is_finished:
        result["band"] = charts.forecast_band_svg(
            months,
            report.actual_cum,
            report.low_path,
            report.high_path,
            report.forecast_path,
            title=_("%(unit)s %(year)s: forecast of the net result with its range")
            % {"unit": name, "year": report.year},
        )
    return {key: mark_safe(svg) for key, svg in result.items()}  # our own SVG; its title is escaped


def _unit_page(request, unit: ResultUnit, *, year: int, month: int | None, period_form, forecast_form=None):
    report = queries.unit_report(unit, year=year, month=month)
    can_forecast = has_perm(request.user, FORECAST, unit)
    may_enter = can_forecast and not report.is_finished
    if may_enter and forecast_form is None:
        initial = {"year": report.year, "month": report.month or timezone.localdate().month}
        if report.forecast is not None:
            initial["result"] = str(round_kronor(report.forecast.result_ore))
        forecast_form = ForecastForm(initial=initial)
    query = f"year={report.year}&month={report.month}" if report.month else f"year={report.year}"
    return render(
        request,
        "economy/followup/unit.html",
        {
            "unit": unit,
            "report": report,
            "charts": unit_charts(report),
            "form": period_form,
            "forecast_form": forecast_form if may_enter else None,
            "can_acknowledge": can_forecast,
            "query": query,
            "fallback_lines": [queries.line_label(line) for line in report.forecast.run_rate_lines]
            if report.forecast
            else [],
        },
    )


@login_required
def economy_unit(request, pk: int):
    unit = _unit(request, pk)
    year, month, form = _period(request)
    return _unit_page(request, unit, year=year, month=month, period_form=form)


@login_required
def economy_unit_export(request, pk: int, fmt: str):
    _check_format(fmt)
    unit = _unit(request, pk)
    year, month, _form = _period(request)
    report = queries.unit_report(unit, year=year, month=month)
    content = exports.unit_pdf(report, unit_charts(report)) if fmt == "pdf" else exports.unit_xlsx(report)
    return _download(content, fmt, f"uppfoljning-{unit.pk}-{report.year}-{report.month:02d}")


@login_required
@require_POST
def economy_forecast(request, pk: int):
    unit = _unit(request, pk)
    if not has_perm(request.user, FORECAST, unit):
        raise PermissionDenied
    form = ForecastForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.enter_forecast(
                by=request.user,
                result_unit=unit,
                year=data["year"],
                month=data["month"],
                result_ore=data["result"],
                comment=data["comment"],
            )
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The forecast has been saved."))
            url = reverse("economy_unit", kwargs={"pk": unit.pk})
            return redirect(f"{url}?year={data['year']}&month={data['month']}")
    year = form.cleaned_data.get("year") or timezone.localdate().year
    month = form.cleaned_data.get("month")
    return _unit_page(
        request,
        unit,
        year=year,
        month=month,
        period_form=PeriodForm(initial={"year": year, "month": month}),
        forecast_form=form,
    )


# --- early warnings -------------------------------------------------------------------------------------


@login_required
def economy_warnings(request):
    _require_anywhere(request.user, VIEW)
    warnings = list(queries.open_warnings(request.user))
    for warning in warnings:
        warning.can_acknowledge = has_perm(request.user, FORECAST, warning)
        warning.method_label = rules.METHOD_LABELS.get(warning.method, warning.method)
    return render(request, "economy/followup/warnings.html", {"warnings": warnings})


@login_required
@require_POST
def economy_warning_acknowledge(request, pk: int):
    warning = get_object_or_404(EarlyWarning.objects.for_user(request.user).select_related("result_unit"), pk=pk)
    if not has_perm(request.user, FORECAST, warning):
        raise PermissionDenied
    try:
        services.acknowledge_warning(by=request.user, warning=warning)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The warning has been acknowledged."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("economy_warnings")
    return redirect(target)
