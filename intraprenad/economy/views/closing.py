"""The year-end closing, result fund and action plan pages: thin views that fetch through `for_user` (what the user
may not see is a 404), validate a form and call one service of `economy.services.closing`."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intraprenad.accounts.access import EVERYWHERE, has_perm, unit_ids_for
from intraprenad.core.forms import show_errors
from intraprenad.economy.forms import closing as forms
from intraprenad.economy.models import ActionMeasure, ActionPlan, ResultUnit, YearEndClosing
from intraprenad.economy.queries import closing as queries
from intraprenad.economy.services import closing as services
from intraprenad.lifecycle.models import Intraprenad

VIEW = "economy.view_economy"


def _today():
    return timezone.localdate()


def _require(user, perm: str, obj=None) -> None:
    """Refuse a page or a step up front (the service checks again)."""
    if not has_perm(user, perm, obj):
        raise PermissionDenied


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _get_closing(request, pk: int) -> YearEndClosing:
    closings = YearEndClosing.objects.for_user(request.user).select_related(
        "intraprenad__board",
        "intraprenad__unit",
        "result_unit__org_unit",
        "revision",
        "case",
        "decision__meeting",
        "decision__body",
        "decision__case",
        "reopen_decision__meeting",
        "reopen_decision__body",
        "reopen_decision__case",
        "prepared_by",
    )
    return get_object_or_404(closings, pk=pk)


def _get_plan(request, pk: int) -> ActionPlan:
    plans = ActionPlan.objects.for_user(request.user).select_related(
        "intraprenad__board",
        "closing__decision__meeting",
        "closing__decision__body",
        "closing__decision__case",
        "result_unit__org_unit",
        "termination__case",
    )
    return get_object_or_404(plans, pk=pk)


def _visible_intraprenader(user):
    units = unit_ids_for(user, VIEW)
    intraprenader = Intraprenad.objects.select_related("board", "unit")
    return intraprenader if units is EVERYWHERE else intraprenader.filter(unit_id__in=units)


# --- closings ------------------------------------------------------------------------------------------------


@login_required
def closing_list(request):
    user = request.user
    _require(user, VIEW)
    chooser = forms.YearForm(request.GET or None, initial={"year": forms.default_year(_today())})
    year = chooser.cleaned_data["year"] if chooser.is_valid() else forms.default_year(_today())
    rows = [
        {
            "row": row,
            "reference": queries.decision_reference(row.closing.decision, user) if row.closing else None,
            "can_prepare": row.result_unit is not None
            and (row.closing is None or row.closing.status == YearEndClosing.Status.DRAFT)
            and has_perm(user, "economy.prepare_closing", row.intraprenad),
        }
        for row in queries.closings_for_year(user, year)
    ]
    context = {
        "year": year,
        "chooser": chooser,
        "years": queries.closing_years(user),
        "rows": rows,
        "plans": queries.action_plans_for(user).filter(status=ActionPlan.Status.OPEN),
        "funds": queries.result_units_with_fund(user).select_related("org_unit").distinct(),
    }
    return render(request, "economy/closing/closing_list.html", context)


@login_required
def closing_detail(request, pk, *, prepare_form=None):
    closing = _get_closing(request, pk)
    user = request.user
    draft = closing.status == YearEndClosing.Status.DRAFT
    context = {
        "closing": closing,
        "detail": queries.closing_detail(closing, user),
        "intraprenad": closing.intraprenad,
        "plan": ActionPlan.objects.filter(closing=closing).first(),
        "documents": closing.case.documents.filter(corrections__isnull=True).order_by("serial")
        if closing.case_id and has_perm(user, "cases.view_case", closing.case)
        else [],
        "can_prepare": draft and has_perm(user, "economy.prepare_closing", closing),
        "can_decide": draft and has_perm(user, "economy.decide", closing),
        "can_reopen": closing.status == YearEndClosing.Status.DECIDED and has_perm(user, "economy.decide", closing),
        "prepare_form": prepare_form
        or forms.PrepareForm(
            initial={"intraprenad": closing.intraprenad_id, "year": closing.year, "comment": closing.comment}
        ),
    }
    return render(request, "economy/closing/closing_detail.html", context)


@login_required
@require_POST
def closing_prepare(request):
    _require(request.user, "economy.prepare_closing")  # held somewhere; the scope is checked below
    form = forms.PrepareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the intraprenad and the year to close."))
        return redirect("economy_closings")
    data = form.cleaned_data
    intraprenad = get_object_or_404(_visible_intraprenader(request.user), pk=data["intraprenad"])
    _require(request.user, "economy.prepare_closing", intraprenad)
    try:
        closing = services.prepare_closing(
            by=request.user, intraprenad=intraprenad, year=data["year"], today=_today(), comment=data["comment"]
        )
    except ValidationError as e:
        _refused(request, e)
        existing = (
            YearEndClosing.objects.filter(intraprenad=intraprenad, year=data["year"])
            .exclude(status=YearEndClosing.Status.REOPENED)
            .first()
        )
        if existing is not None:
            return redirect("economy_closing_detail", pk=existing.pk)
        return redirect(f"{reverse('economy_closings')}?year={data['year']}")
    messages.success(request, _("The closing of %(year)s has been prepared.") % {"year": closing.year})
    return redirect("economy_closing_detail", pk=closing.pk)


def _year_end(closing: YearEndClosing) -> date:
    return date(closing.year, 12, 31)


def _decision_page(request, closing, form, *, heading: str, action: str):
    return render(
        request,
        "economy/closing/decision_form.html",
        {
            "form": form,
            "closing": closing,
            "intraprenad": closing.intraprenad,
            "heading": heading,
            "action": action,
            "back_url": reverse("economy_closing_detail", kwargs={"pk": closing.pk}),
        },
    )


@login_required
def closing_decide(request, pk):
    closing = _get_closing(request, pk)
    _require(request.user, "economy.decide", closing)
    form = forms.BoardDecisionForm(request.POST or None, board=closing.intraprenad.board, after=_year_end(closing))
    if request.method == "POST" and form.is_valid():
        try:
            paragraph = services.decide_closing(by=request.user, closing=closing, **form.cleaned_data)
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The decision has been recorded as %(ref)s.") % {"ref": paragraph.reference})
            return redirect("economy_closing_detail", pk=closing.pk)
    return _decision_page(request, closing, form, heading=_("Decide on the year-end closing"), action="decide")


@login_required
def closing_reopen(request, pk):
    closing = _get_closing(request, pk)
    _require(request.user, "economy.decide", closing)
    form = forms.ReopenForm(request.POST or None, board=closing.intraprenad.board, after=_year_end(closing))
    if request.method == "POST" and form.is_valid():
        try:
            paragraph = services.reopen_closing(by=request.user, closing=closing, **form.cleaned_data)
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(
                request,
                _("The closing has been reopened by %(ref)s; a new closing of the year can now be prepared.")
                % {"ref": paragraph.reference},
            )
            return redirect("economy_closing_detail", pk=closing.pk)
    return _decision_page(request, closing, form, heading=_("Reopen the year-end closing"), action="reopen")


# --- the result fund -----------------------------------------------------------------------------------------


def _fund_use_form(data, result_unit: ResultUnit, intraprenad: Intraprenad | None):
    if intraprenad is None:
        return None
    revision = queries.revision_for_year(intraprenad, _today().year)
    return forms.FundUseForm(data, board=intraprenad.board, purposes=queries.permitted_fund_uses(revision))


def _fund_chart(ledger) -> str:
    from intraprenad.economy import charts

    if not ledger:
        return ""
    return charts.fund_balance_svg(
        [year.year for year in ledger], [year.closing_ore for year in ledger], title=_("Result fund at year end")
    )


@login_required
def fund_detail(request, pk, *, use_form=None):
    result_unit = get_object_or_404(ResultUnit.objects.for_user(request.user).select_related("org_unit"), pk=pk)
    user = request.user
    ledger = queries.fund_ledger(result_unit.pk, user)
    intraprenad = queries.active_intraprenad_of(result_unit)
    can_use = intraprenad is not None and has_perm(user, "economy.decide", result_unit)
    context = {
        "result_unit": result_unit,
        "intraprenad": intraprenad,
        "ledger": ledger,
        "balance_ore": ledger[-1].closing_ore if ledger else 0,
        "chart": _fund_chart(ledger),
        "can_use": can_use,
        "use_form": use_form or (_fund_use_form(None, result_unit, intraprenad) if can_use else None),
        "closings": YearEndClosing.objects.filter(result_unit=result_unit).order_by("-year", "-prepared_at"),
    }
    return render(request, "economy/closing/fund.html", context)


@login_required
@require_POST
def fund_use(request, pk):
    result_unit = get_object_or_404(ResultUnit.objects.for_user(request.user), pk=pk)
    _require(request.user, "economy.decide", result_unit)
    intraprenad = queries.active_intraprenad_of(result_unit)
    if intraprenad is None:
        messages.error(request, _("The unit runs no intraprenad now; its fund cannot be used."))
        return redirect("economy_fund", pk=result_unit.pk)
    form = _fund_use_form(request.POST, result_unit, intraprenad)
    if form.is_valid():
        try:
            services.record_fund_use(by=request.user, intraprenad=intraprenad, **form.service_arguments())
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The use of the result fund has been recorded."))
            return redirect("economy_fund", pk=result_unit.pk)
    return fund_detail(request, pk, use_form=form)


# --- action plans --------------------------------------------------------------------------------------------


@login_required
def action_plan_detail(request, pk, *, summary_form=None, measure_form=None, follow_up_form=None):
    plan = _get_plan(request, pk)
    user = request.user
    can_manage = plan.status == ActionPlan.Status.OPEN and has_perm(user, "economy.manage_action_plan", plan)
    detail = queries.action_plan_detail(plan, user, today=_today())
    context = {
        "plan": plan,
        "detail": detail,
        "intraprenad": plan.intraprenad,
        "can_manage": can_manage,
        "can_close": can_manage and detail.restored,
        "summary_form": summary_form or forms.ActionPlanSummaryForm(initial={"summary": plan.summary}),
        "measure_form": measure_form or forms.MeasureForm(),
        "follow_up_form": follow_up_form or forms.FollowUpForm(),
        "measure_rows": [
            {"measure": m, "form": forms.MeasureStatusForm(prefix=f"m{m.pk}", initial={"status": m.status})}
            for m in detail.measures
        ],
    }
    return render(request, "economy/closing/action_plan.html", context)


def _plan_step(request, pk, form_class, call, success: str, form_key: str):
    plan = _get_plan(request, pk)
    _require(request.user, "economy.manage_action_plan", plan)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(plan, form)
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, success)
            return redirect("economy_action_plan", pk=plan.pk)
    return action_plan_detail(request, pk, **{form_key: form})


@login_required
@require_POST
def action_plan_update(request, pk):
    return _plan_step(
        request,
        pk,
        forms.ActionPlanSummaryForm,
        lambda plan, form: services.update_action_plan(by=request.user, plan=plan, **form.cleaned_data),
        _("The action plan has been saved."),
        "summary_form",
    )


@login_required
@require_POST
def action_measure_add(request, pk):
    return _plan_step(
        request,
        pk,
        forms.MeasureForm,
        lambda plan, form: services.add_measure(by=request.user, plan=plan, **form.service_arguments()),
        _("The measure has been added."),
        "measure_form",
    )


@login_required
@require_POST
def action_follow_up_add(request, pk):
    return _plan_step(
        request,
        pk,
        forms.FollowUpForm,
        lambda plan, form: services.record_follow_up(
            by=request.user, plan=plan, today=_today(), **form.service_arguments()
        ),
        _("The follow-up has been recorded."),
        "follow_up_form",
    )


@login_required
@require_POST
def action_measure_update(request, pk):
    measures = ActionMeasure.objects.filter(plan__in=ActionPlan.objects.for_user(request.user))
    measure = get_object_or_404(measures.select_related("plan"), pk=pk)
    _require(request.user, "economy.manage_action_plan", measure.plan)
    form = forms.MeasureStatusForm(request.POST, prefix=f"m{measure.pk}")
    if form.is_valid():
        try:
            services.update_measure(by=request.user, measure=measure, status=form.cleaned_data["status"])
        except ValidationError as e:
            _refused(request, e)
        else:
            messages.success(request, _("The measure's status has been saved."))
    else:
        messages.error(request, _("Choose the measure's status."))
    return redirect("economy_action_plan", pk=measure.plan_id)


@login_required
@require_POST
def action_plan_restore(request, pk):
    plan = _get_plan(request, pk)
    _require(request.user, "economy.manage_action_plan", plan)
    try:
        services.close_action_plan_restored(by=request.user, plan=plan, today=_today())
    except ValidationError as e:
        _refused(request, e)
    else:
        messages.success(request, _("The action plan has been closed: balance is restored."))
    return redirect("economy_action_plan", pk=plan.pk)
