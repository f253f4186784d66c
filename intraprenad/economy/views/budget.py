"""The budget pages: a unit's budgets over the years, one budget by line and month, the index table, and the
template import. Thin views: fetch through `for_user`, validate a form, call one service, redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intraprenad.accounts.access import denied_message, has_perm
from intraprenad.core.forms import show_errors
from intraprenad.economy import budget_table
from intraprenad.economy.forms import budget as forms
from intraprenad.economy.models import Budget, ResultUnit
from intraprenad.economy.queries import budget as queries
from intraprenad.economy.rules import budget as rules
from intraprenad.economy.services import budget as services

VIEW = "economy.view_economy"
S = Budget.Status

TEMPLATE_FORMATS = {
    "csv": ("text/csv; charset=utf-8", budget_table.template_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", budget_table.template_xlsx),
}


# --- fetching: what the user may not see is a 404 -----------------------------------------------


def _result_unit(request, pk: int) -> ResultUnit:
    return get_object_or_404(ResultUnit.objects.for_user(request.user).select_related("org_unit"), pk=pk)


def _budget(request, pk: int) -> Budget:
    budgets = Budget.objects.for_user(request.user).select_related(
        "result_unit__org_unit", "created_by", "approved_by", "decision__body", "decision__case", "based_on", "index"
    )
    return get_object_or_404(budgets, pk=pk)


def _require_anywhere(user, perm: str) -> None:
    """Refuse a municipality-wide page up front unless the user holds `perm` on some unit."""
    if not has_perm(user, perm):
        raise PermissionDenied


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _body_ids(result_unit: ResultUnit) -> set[int]:
    """The decision-making bodies above the unit (its board and upwards), whose paragraphs may adopt a budget."""
    ids, unit = set(), result_unit.org_unit
    while unit is not None:
        if unit.is_decision_body:
            ids.add(unit.pk)
        unit = unit.parent
    return ids


# --- a unit's budgets over the years ------------------------------------------------------------


@login_required
def budget_list(request, pk, *, new_form=None):
    unit = _result_unit(request, pk)
    offer = queries.start_up_offer(unit)
    context = {
        "unit": unit,
        "multi_year": queries.multi_year(unit.pk),
        "versions": queries.versions(unit.pk),
        "can_edit": has_perm(request.user, services.EDIT, unit),
        "start_up": offer,
        "new_form": new_form
        or forms.NewBudgetForm(
            initial={"year": queries.next_budget_year(unit.pk, timezone.localdate())},
            start_up_year=offer["year"] if offer else None,
        ),
    }
    return render(request, "economy/budget/budget_list.html", context)


@login_required
@require_POST
def budget_create(request, pk):
    unit = _result_unit(request, pk)
    if not has_perm(request.user, services.EDIT, unit):
        raise PermissionDenied(denied_message(services.EDIT))
    offer = queries.start_up_offer(unit)
    form = forms.NewBudgetForm(request.POST, start_up_year=offer["year"] if offer else None)
    if form.is_valid():
        year = form.cleaned_data["year"]
        items = queries.suggested_items(unit, year) if form.cleaned_data.get("include_start_up") else []
        try:
            if form.cleaned_data["start"] == form.START_PREVIOUS:
                budget = services.draft_from_previous(by=request.user, result_unit=unit, year=year, items=items)
            else:
                budget = services.draft_budget(by=request.user, result_unit=unit, year=year, annual={}, items=items)
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The draft budget for %(year)s has been created.") % {"year": year})
            return redirect("economy_budget_detail", pk=budget.pk)
    return budget_list(request, pk, new_form=form)


# --- one budget ---------------------------------------------------------------------------------


def _edit_forms(budget: Budget, data=None):
    months = queries.budget_months(budget)
    items = queries.budget_items(budget)
    base = rules.annual_of(rules.base_months(months, items))
    form = forms.BudgetEditForm(data, initial=forms.BudgetEditForm.initial_for(base, budget.comment))
    formset = forms.BudgetItemFormSet(
        data,
        prefix="items",
        initial=[
            {
                "description": item["description"],
                "line": item["line"],
                "amount": queries.kronor(item["amount_ore"]),
                "month": item["month"],
            }
            for item in items
        ],
    )
    return form, formset


@login_required
def budget_detail(request, pk, *, edit_form=None, item_formset=None, approve_form=None):
    budget = _budget(request, pk)
    user = request.user
    is_draft = budget.status == S.DRAFT
    can_edit = has_perm(user, services.EDIT, budget)
    can_approve = is_draft and has_perm(user, services.APPROVE, budget)
    open_draft = queries.open_draft(budget.result_unit_id, budget.year)
    context = {
        "budget": budget,
        "unit": budget.result_unit,
        "table": queries.budget_table(budget),
        "month_names": [(MONTHS_3[m], MONTHS[m]) for m in rules.MONTHS],
        "versions": queries.versions(budget.result_unit_id, budget.year),
        "can_edit": is_draft and can_edit,
        "can_approve": can_approve,
        "can_new_version": budget.status == S.APPROVED and can_edit and open_draft is None,
        "open_draft": open_draft if open_draft != budget else None,
        "can_view_audit": has_perm(user, "audit.view", budget),
    }
    if context["can_edit"]:
        if edit_form is None:
            edit_form, item_formset = _edit_forms(budget)
        context.update(edit_form=edit_form, item_formset=item_formset)
    if can_approve:
        context["approve_form"] = approve_form or forms.ApproveBudgetForm(body_ids=_body_ids(budget.result_unit))
    if context["can_view_audit"]:
        context["change_log"] = queries.change_log(budget)
    return render(request, "economy/budget/budget_detail.html", context)


def _profiles(budget: Budget, distribution: str) -> dict[str, list[int]] | None:
    if distribution == "keep":
        return rules.base_months(queries.budget_months(budget), queries.budget_items(budget))
    if distribution == "actuals":
        return queries.actual_profiles(budget.result_unit_id, budget.year - 1)
    return None


@login_required
@require_POST
def budget_update(request, pk):
    budget = _budget(request, pk)
    if not has_perm(request.user, services.EDIT, budget):
        raise PermissionDenied
    form, formset = _edit_forms(budget, data=request.POST)
    if form.is_valid() and formset.is_valid():
        try:
            services.update_draft(
                by=request.user,
                budget=budget,
                annual=form.annual(),
                items=formset.items(),
                comment=form.cleaned_data["comment"],
                profiles=_profiles(budget, form.cleaned_data["distribution"]),
            )
        except ValidationError as e:
            if budget.status != S.DRAFT:
                _refused(request, e)
                return redirect("economy_budget_detail", pk=budget.pk)
            show_errors(form, e)
        else:
            messages.success(request, _("The draft budget has been saved."))
            return redirect("economy_budget_detail", pk=budget.pk)
    return budget_detail(request, pk, edit_form=form, item_formset=formset)


@login_required
@require_POST
def budget_approve(request, pk):
    budget = _budget(request, pk)
    if not has_perm(request.user, services.APPROVE, budget):
        raise PermissionDenied
    form = forms.ApproveBudgetForm(request.POST, body_ids=_body_ids(budget.result_unit))
    if form.is_valid():
        try:
            services.approve_budget(by=request.user, budget=budget, decision=form.cleaned_data["decision"])
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The budget has been approved. It can no longer be changed."))
            return redirect("economy_budget_detail", pk=budget.pk)
    return budget_detail(request, pk, approve_form=form)


@login_required
@require_POST
def budget_new_version(request, pk):
    budget = _budget(request, pk)
    try:
        copy = services.new_version(by=request.user, budget=budget)
    except ValidationError as e:
        _refused(request, e)
        return redirect("economy_budget_detail", pk=budget.pk)
    messages.success(request, _("Version %(version)s has been created as a draft.") % {"version": copy.version})
    return redirect("economy_budget_detail", pk=copy.pk)


@login_required
@require_POST
def budget_delete(request, pk):
    budget = _budget(request, pk)
    unit_pk = budget.result_unit_id
    try:
        services.delete_draft(by=request.user, budget=budget)
    except ValidationError as e:
        _refused(request, e)
        return redirect("economy_budget_detail", pk=budget.pk)
    messages.success(request, _("The draft budget has been deleted."))
    return redirect("economy_budgets", pk=unit_pk)


# --- the index table ----------------------------------------------------------------------------


@login_required
def index_table(request):
    _require_anywhere(request.user, VIEW)
    can_edit = has_perm(request.user, services.INDEX_PERM)
    form = None
    if can_edit:
        year = request.GET.get("year")
        initial = {}
        index = queries.indexes().filter(year=year).first() if year and year.isdigit() else None
        if index is not None:
            initial = {
                "year": index.year,
                "personnel_percent": index.personnel_percent,
                "other_percent": index.other_percent,
                "revenue_percent": index.revenue_percent,
                "source": index.source,
            }
        form = forms.BudgetIndexForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                index = services.set_budget_index(by=request.user, **form.cleaned_data)
            except ValidationError as e:
                show_errors(form, e)
            else:
                messages.success(request, _("The index for %(year)s has been saved.") % {"year": index.year})
                return redirect("economy_index")
    return render(
        request, "economy/budget/index_table.html", {"indexes": queries.indexes(), "form": form, "can_edit": can_edit}
    )


# --- the template import ------------------------------------------------------------------------


@login_required
def budget_import(request):
    _require_anywhere(request.user, services.EDIT)
    form = forms.BudgetImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = budget_table.read_budget_table(upload.read(), upload.name)
            budgets = services.import_budgets(
                by=request.user,
                budgets=parsed,
                file_name=upload.name,
                replace_drafts=form.cleaned_data["replace_drafts"],
            )
        except budget_table.BudgetTableError as e:
            for message in e.errors:
                form.add_error("file", message)
        except ValidationError as e:
            for message in e.messages:
                form.add_error("file", message)
        else:
            messages.success(
                request,
                _("%(count)s draft budgets have been imported from %(file)s: %(budgets)s.")
                % {
                    "count": len(budgets),
                    "file": upload.name,
                    "budgets": ", ".join(f"{b.result_unit} {b.year}" for b in budgets),
                },
            )
            if len(budgets) == 1:
                return redirect("economy_budget_detail", pk=budgets[0].pk)
            return redirect("economy_budget_import")
    return render(request, "economy/budget/import_form.html", {"form": form, "columns": budget_table.COLUMNS})


@login_required
def budget_template(request, fmt):
    _require_anywhere(request.user, services.EDIT)
    if fmt not in TEMPLATE_FORMATS:
        raise Http404
    content_type, build = TEMPLATE_FORMATS[fmt]
    response = HttpResponse(build(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="budgetmall.{fmt}"'
    return response
