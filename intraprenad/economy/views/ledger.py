"""The ledger pages: imports (upload, progress, result), the mapping of units and accounts, the CSV/Excel template,
and the drill-down from a figure to its transactions and vouchers. Thin views over `services.ledger` and
`queries.ledger`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intraprenad.accounts.access import has_perm
from intraprenad.core.forms import show_errors
from intraprenad.economy import table_import
from intraprenad.economy.forms import ledger as forms
from intraprenad.economy.lines import DEFAULT_RULES, Line, month_key
from intraprenad.economy.models import LedgerImport, LedgerSettings, ResultUnit, Voucher
from intraprenad.economy.queries import ledger as queries
from intraprenad.economy.services import ledger as services

MANAGE = services.MANAGE
VIEW = queries.VIEW
TEMPLATE_FORMATS = {
    "csv": ("text/csv; charset=utf-8", table_import.template_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", table_import.template_xlsx),
}
FINISHED = {LedgerImport.Status.DONE, LedgerImport.Status.FAILED, LedgerImport.Status.REPLACED}


def _require_manage(user) -> None:
    if not has_perm(user, MANAGE):
        raise PermissionDenied


def _get_import(request, pk: int) -> LedgerImport:
    _require_manage(request.user)
    return get_object_or_404(queries.imports(), pk=pk)


# --- imports ----------------------------------------------------------------------------------------


@login_required
def ledger_imports(request):
    _require_manage(request.user)
    current = LedgerSettings.current().unit_dimension
    form = forms.UploadForm(request.POST or None, request.FILES or None, current_dimension=current)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            ledger_import = services.start_import(
                by=request.user,
                data=upload.read(),
                file_name=upload.name,
                dimension=form.cleaned_data["dimension"],
                allow_differences=form.cleaned_data["allow_differences"],
            )
        except ValidationError as e:
            show_errors(form, e)
        else:
            if getattr(ledger_import, "unchanged", False):
                messages.info(request, ledger_import.message)
            else:
                messages.success(
                    request, _("%(file)s has been uploaded and is being imported.") % {"file": upload.name}
                )
            return redirect("economy_import_detail", pk=ledger_import.pk)
    page = Paginator(queries.imports(), 25).get_page(request.GET.get("page"))
    for shown in page.object_list:
        shown.progress = queries.live_progress(shown)
    return render(
        request,
        "economy/ledger/imports.html",
        {"form": form, "page": page, "imports": page.object_list, "dimension": current},
    )


@login_required
def import_detail(request, pk):
    ledger_import = _get_import(request, pk)
    return render(
        request,
        "economy/ledger/import_detail.html",
        {
            "ledger_import": ledger_import,
            "progress": queries.live_progress(ledger_import),
            "finished": ledger_import.status in FINISHED,
            "units": queries.import_units(ledger_import) if ledger_import.status == LedgerImport.Status.DONE else [],
            "years": (ledger_import.reconciliation or {}).get("years") or [],
            "rec": ledger_import.reconciliation or {},
        },
    )


@login_required
def import_status(request, pk):
    ledger_import = _get_import(request, pk)
    return JsonResponse(
        {
            "id": ledger_import.pk,
            "status": ledger_import.status,
            "status_display": str(ledger_import.get_status_display()),
            "progress": queries.live_progress(ledger_import),
            "finished": ledger_import.status in FINISHED,
            "message": ledger_import.message,
            "vouchers": ledger_import.voucher_count,
            "transactions": ledger_import.transaction_count,
        }
    )


@login_required
def ledger_template(request, fmt):
    _require_manage(request.user)
    if fmt not in TEMPLATE_FORMATS:
        raise Http404
    content_type, build = TEMPLATE_FORMATS[fmt]
    response = HttpResponse(build(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="utfallsmall.{fmt}"'
    return response


# --- mapping ----------------------------------------------------------------------------------------


def _mapping_page(request, *, dimension_form=None, rule_formset=None, status=200):
    settings_row = LedgerSettings.current()
    rules = queries.rule_table() or list(DEFAULT_RULES)
    return render(
        request,
        "economy/ledger/mapping.html",
        {
            "settings": settings_row,
            "dimension_form": dimension_form
            or forms.DimensionForm(initial={"unit_dimension": settings_row.unit_dimension}),
            "rule_formset": rule_formset
            or forms.RuleFormSet(initial=[{"prefix": prefix, "line": line} for prefix, line in rules], prefix="rules"),
            "result_units": queries.result_units(request.user),
            "using_defaults": not queries.rule_table(),
            "lines": Line,
        },
        status=status,
    )


@login_required
def mapping(request):
    _require_manage(request.user)
    return _mapping_page(request)


@login_required
@require_POST
def mapping_dimension(request):
    _require_manage(request.user)
    form = forms.DimensionForm(request.POST)
    if form.is_valid():
        try:
            services.set_unit_dimension(by=request.user, dimension=form.cleaned_data["unit_dimension"])
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The dimension for result units has been saved."))
            return redirect("economy_mapping")
    return _mapping_page(request, dimension_form=form, status=400)


@login_required
@require_POST
def mapping_rules(request):
    _require_manage(request.user)
    formset = forms.RuleFormSet(request.POST, prefix="rules")
    if formset.is_valid():
        try:
            services.set_line_rules(by=request.user, rules=formset.rules())
        except ValidationError as e:
            for message in e.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The account rules have been saved and the actuals rebuilt."))
            return redirect("economy_mapping")
    return _mapping_page(request, rule_formset=formset, status=400)


@login_required
def mapping_unit(request):
    _require_manage(request.user)
    initial = {}
    existing = None
    if request.method == "GET" and request.GET.get("unit"):
        existing = ResultUnit.objects.for_user(request.user, MANAGE).filter(pk=request.GET["unit"]).first()
        if existing is None:
            raise Http404
        initial = {
            "org_unit": existing.org_unit_id,
            "is_comparison": existing.is_comparison,
            "objects": ", ".join(
                existing.ledger_objects.filter(dimension=LedgerSettings.current().unit_dimension).values_list(
                    "object_id", flat=True
                )
            ),
        }
    form = forms.ResultUnitForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            result_unit = services.set_result_unit(
                by=request.user,
                org_unit=form.cleaned_data["org_unit"],
                is_comparison=form.cleaned_data["is_comparison"],
                objects=form.cleaned_data["objects"],
            )
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("%(unit)s has been saved.") % {"unit": result_unit.org_unit.name})
            return redirect("economy_mapping")
    return render(
        request,
        "economy/ledger/unit_form.html",
        {"form": form, "existing": existing, "dimension": LedgerSettings.current().unit_dimension},
    )


# --- drill-down -------------------------------------------------------------------------------------


def _line_label(line: str | None) -> str:
    return str(Line(line).label) if line in Line.values else ""


@login_required
def drilldown(request):
    form = forms.DrilldownForm(request.GET)
    if not form.is_valid():
        return render(request, "economy/ledger/drilldown.html", {"form": form, "result": None}, status=400)
    data = form.cleaned_data
    unit = get_object_or_404(
        ResultUnit.objects.for_user(request.user, VIEW).select_related("org_unit"), pk=data["unit"]
    )
    result = queries.drilldown(unit, data["year"], data["month"], data["line"] or None)
    page = Paginator(result.transactions, 50).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for row in page.object_list:
        row.report_ore = -row.amount_ore  # result sign, as in the follow-up
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "economy/ledger/drilldown.html",
        {
            "form": form,
            "result": result,
            "unit": unit,
            "page": page,
            "query": query.urlencode(),
            "period": month_key(data["year"], data["month"]) if data["month"] else str(data["year"]),
            "line_label": _line_label(data["line"]),
        },
    )


@login_required
def voucher_detail(request, pk):
    voucher = get_object_or_404(Voucher.objects.select_related("ledger_import"), pk=pk)
    if not queries.voucher_visible(request.user, voucher):
        raise Http404
    rows = list(queries.voucher_rows(voucher))
    return render(
        request,
        "economy/ledger/voucher.html",
        {
            "voucher": voucher,
            "rows": rows,
            "total": sum(row.amount_ore for row in rows),
            "units": queries.voucher_units(voucher),
            "can_manage": has_perm(request.user, MANAGE),
        },
    )
