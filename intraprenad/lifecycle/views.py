"""The lifecycle pages: thin function views that fetch through `for_user`, validate a form and call
one service from `lifecycle.services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intraprenad.accounts import audit
from intraprenad.accounts.access import has_perm
from intraprenad.core.forms import show_errors
from intraprenad.documents import render as document_render
from intraprenad.policy import parameters
from intraprenad.policy.models import RequiredItem

from . import document_content, forms, queries, rules, services
from .models import (
    Agreement,
    Application,
    BudgetLine,
    Intraprenad,
    Memo,
    Termination,
    TrainingProgramme,
    TrainingSession,
)

DOWNLOAD_FORMATS = {
    "pdf": ("application/pdf", document_render.render_pdf),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        document_render.render_docx,
    ),
}


# --- fetching through for_user: what the user may not see is a 404 -------------------------------


def _visible(user):
    return Intraprenad.objects.for_user(user)


def _get_intraprenad(request, pk: int) -> Intraprenad:
    return get_object_or_404(_visible(request.user).select_related("unit", "board", "initiative"), pk=pk)


def _get_application(request, pk: int) -> Application:
    applications = Application.objects.filter(intraprenad__in=_visible(request.user))
    return get_object_or_404(applications.select_related("intraprenad__board", "case", "revision"), pk=pk)


def _get_agreement(request, pk: int) -> Agreement:
    agreements = Agreement.objects.filter(intraprenad__in=_visible(request.user))
    return get_object_or_404(agreements.select_related("intraprenad__board", "case", "revision"), pk=pk)


def _get_termination(request, pk: int) -> Termination:
    terminations = Termination.objects.filter(intraprenad__in=_visible(request.user))
    return get_object_or_404(terminations.select_related("intraprenad__board", "case", "agreement"), pk=pk)


def _get_programme(request, intraprenad: Intraprenad) -> TrainingProgramme:
    return get_object_or_404(TrainingProgramme.objects.select_related("revision"), intraprenad=intraprenad)


def _require(user, perm: str, obj) -> None:
    """Refuse a form page up front (the service checks again when the form is posted)."""
    if not has_perm(user, perm, obj):
        raise PermissionDenied


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _guidance(revision, kind: str) -> dict[str, str]:
    return dict(RequiredItem.objects.filter(revision=revision, kind=kind).values_list("key", "guidance"))


def _known_decision(paragraph, user, intraprenad):
    """The decision if `user` may know it yet (see queries.decision_visible), else None."""
    return paragraph if queries.decision_visible(paragraph, user, intraprenad) else None


def _document_url(document) -> str:
    """The registered document's file, or its case in the register when no file is attached."""
    if document.file:
        return reverse("document_file", kwargs={"pk": document.case_id, "serial": document.serial})
    return reverse("case_detail", kwargs={"pk": document.case_id})


def _today():
    return timezone.localdate()


# --- list, registration and detail ---------------------------------------------------------------


def intraprenad_list(request):
    signed = Agreement.objects.filter(status=Agreement.Status.SIGNED).order_by("-period_start")
    intraprenader = (
        _visible(request.user)
        .select_related("board", "unit")
        .prefetch_related(Prefetch("agreements", queryset=signed, to_attr="signed_agreements"))
    )
    filters = forms.IntraprenadFilterForm(request.GET or None)
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            intraprenader = intraprenader.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["board"]:
            intraprenader = intraprenader.filter(board=filters.cleaned_data["board"])
    return render(
        request,
        "lifecycle/intraprenad_list.html",
        {
            "intraprenader": intraprenader,
            "filters": filters,
            "can_register_interest": has_perm(request.user, "lifecycle.register_interest"),
            "can_start_by_board": has_perm(request.user, "lifecycle.prepare_case"),
        },
    )


@login_required
def intraprenad_register_interest(request):
    if not has_perm(request.user, "lifecycle.register_interest"):
        raise PermissionDenied
    form = forms.InterestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            intraprenad = services.register_interest(by=request.user, **form.cleaned_data)
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The expression of interest has been registered."))
            return redirect("intraprenad_detail", pk=intraprenad.pk)
    return render(request, "lifecycle/interest_form.html", {"form": form})


@login_required
def intraprenad_start_by_board(request):
    if not has_perm(request.user, "lifecycle.prepare_case"):
        raise PermissionDenied
    form = forms.BoardInitiativeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            intraprenad = services.start_by_board_initiative(by=request.user, **form.cleaned_data)
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The intraprenad decided by the board has been registered."))
            return redirect("intraprenad_detail", pk=intraprenad.pk)
    return render(request, "lifecycle/board_initiative_form.html", {"form": form})


def intraprenad_detail(request, pk):
    intraprenad = _get_intraprenad(request, pk)
    user = request.user
    entries = queries.timeline_for(intraprenad, user)
    timeline = [
        {"entry": entry, "document_url": _document_url(entry.document) if entry.document else None} for entry in entries
    ]
    applications = intraprenad.applications.select_related("case").order_by("id")
    agreements = intraprenad.agreements.select_related("case", "decision__body", "decision__case").order_by("id")
    terminations = intraprenad.terminations.select_related("case").order_by("id")
    memos = Memo.objects.filter(
        Q(case__application__intraprenad=intraprenad)
        | Q(case__agreement__intraprenad=intraprenad)
        | Q(case__termination__intraprenad=intraprenad)
    ).select_related("case")
    context = {
        "intraprenad": intraprenad,
        "initiative": _known_decision(intraprenad.initiative, user, intraprenad),
        "timeline": timeline,
        "actions": stage_actions(intraprenad, user),
        "training": TrainingProgramme.objects.filter(intraprenad=intraprenad).first(),
        "applications": applications,
        "agreements": agreements,
        "terminations": terminations,
        "memos": memos,
        "can_view_audit": has_perm(user, "audit.view", intraprenad),
        "is_open": intraprenad.status not in rules.CLOSED_INTRAPRENAD_STATUSES,
        "pending_termination": queries.pending_termination(intraprenad),
    }
    if context["can_view_audit"]:
        context["audit_events"] = audit.history(intraprenad)
    return render(request, "lifecycle/intraprenad_detail.html", context)


def stage_actions(intraprenad: Intraprenad, user) -> list[dict]:
    """The steps `user` may take now, each a link to a page or a one-button form."""
    S = Intraprenad.Status
    actions: list[dict] = []

    def add(label, url_name, pk, *, post=False, perm, obj=intraprenad):
        if has_perm(user, perm, obj):
            actions.append({"label": label, "url": reverse(url_name, kwargs={"pk": pk}), "post": post})

    status = intraprenad.status
    if status == S.INTEREST:
        add(_("Offer training"), "training_offer", intraprenad.pk, post=True, perm="lifecycle.manage_training")
    if status == S.TRAINING:
        programme = TrainingProgramme.objects.filter(intraprenad=intraprenad).first()
        actions.append(
            {
                "label": _("Open the training programme"),
                "url": reverse("training_detail", kwargs={"pk": intraprenad.pk}),
            }
        )
        if programme and programme.completed_at:
            add(
                _("Start the application"),
                "application_start",
                intraprenad.pk,
                post=True,
                perm="lifecycle.edit_application",
            )
    application = intraprenad.applications.order_by("-id").first()
    if status == S.APPLICATION and application:
        A = Application.Status
        actions.append(
            {"label": _("Open the application"), "url": reverse("application_detail", kwargs={"pk": application.pk})}
        )
        if application.status == A.DRAFT:
            add(_("Edit the application"), "application_edit", application.pk, perm="lifecycle.edit_application")
            add(
                _("Submit the application"),
                "application_submit",
                application.pk,
                post=True,
                perm="lifecycle.submit_application",
            )
        if application.status == A.SUBMITTED:
            add(_("Prepare the case (memo)"), "application_prepare", application.pk, perm="lifecycle.prepare_case")
        if application.status == A.PREPARED:
            add(_("Decide on the application"), "application_decide", application.pk, perm="lifecycle.decide")
    # Once the board has decided to end an active intraprenad from a later day, nothing is left to do but wait.
    pending = queries.pending_termination(intraprenad) if status == S.ACTIVE else None
    if status in (S.AGREEMENT, S.ACTIVE) and pending is None:
        actions.extend(_agreement_actions(intraprenad, user, application))
    if status == S.ACTIVE and pending is None:
        termination = intraprenad.terminations.filter(status=Termination.Status.PROPOSED).first()
        if termination is None:
            add(_("Propose termination"), "termination_propose", intraprenad.pk, perm="lifecycle.propose_termination")
        else:
            add(
                _("Write the memo on the termination"),
                "termination_memo",
                termination.pk,
                perm="lifecycle.prepare_case",
            )
            if Memo.objects.filter(case=termination.case_id).exists():
                add(_("Decide on the termination"), "termination_decide", termination.pk, perm="lifecycle.decide")
    if status in (S.INTEREST, S.TRAINING, S.APPLICATION, S.AGREEMENT):
        add(_("Withdraw"), "intraprenad_withdraw", intraprenad.pk, perm="lifecycle.withdraw")
    return actions


def _agreement_actions(intraprenad: Intraprenad, user, application) -> list[dict]:
    AS = Agreement.Status
    actions = []

    def add(label, url_name, pk, *, post=False, perm):
        if has_perm(user, perm, intraprenad):
            actions.append({"label": label, "url": reverse(url_name, kwargs={"pk": pk}), "post": post})

    open_agreement = intraprenad.agreements.filter(status__in=[AS.DRAFT, AS.DECIDED]).order_by("-id").first()
    if open_agreement:
        actions.append(
            {"label": _("Open the agreement"), "url": reverse("agreement_detail", kwargs={"pk": open_agreement.pk})}
        )
        if open_agreement.status == AS.DRAFT:
            add(_("Edit the agreement"), "agreement_edit", open_agreement.pk, perm="lifecycle.edit_agreement")
            add(_("Decide on the agreement"), "agreement_decide", open_agreement.pk, perm="lifecycle.decide")
        else:
            add(_("Register the signatures"), "agreement_sign", open_agreement.pk, perm="lifecycle.sign_agreement")
        return actions
    if intraprenad.status == Intraprenad.Status.AGREEMENT and application:
        add(_("Draft the agreement"), "agreement_start", application.pk, perm="lifecycle.edit_agreement")
    signed = intraprenad.agreements.filter(status=AS.SIGNED).order_by("-id").first()
    if intraprenad.status == Intraprenad.Status.ACTIVE and signed:
        actions.append({"label": _("Open the agreement"), "url": reverse("agreement_detail", kwargs={"pk": signed.pk})})
        window_start, window_end = _renewal_window(signed)
        if window_start <= _today() <= window_end:
            add(_("Start the renewal"), "agreement_renew", signed.pk, post=True, perm="lifecycle.edit_agreement")
    return actions


def _renewal_window(agreement: Agreement):
    notice = parameters.values(agreement.revision)["renewal_notice_months"]
    return rules.renewal_window(period_end=agreement.period_end, notice_months=notice)


@login_required
def intraprenad_withdraw(request, pk):
    intraprenad = _get_intraprenad(request, pk)
    _require(request.user, "lifecycle.withdraw", intraprenad)
    form = forms.WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(by=request.user, intraprenad=intraprenad, reason=form.cleaned_data["reason"])
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The intraprenad has been withdrawn."))
            return redirect("intraprenad_detail", pk=intraprenad.pk)
    return render(request, "lifecycle/withdraw_form.html", {"form": form, "intraprenad": intraprenad})


# --- training ------------------------------------------------------------------------------------


@login_required
@require_POST
def training_offer(request, pk):
    intraprenad = _get_intraprenad(request, pk)
    try:
        services.offer_training(by=request.user, intraprenad=intraprenad, today=_today())
    except ValidationError as e:
        _refused(request, e)
    else:
        messages.success(request, _("Training has been offered to the unit."))
    return redirect("intraprenad_detail", pk=intraprenad.pk)


def training_detail(request, pk, *, session_form=None, presentation_form=None):
    intraprenad = _get_intraprenad(request, pk)
    programme = _get_programme(request, intraprenad)
    values = parameters.values(programme.revision)
    sessions = list(programme.sessions.all())
    user = request.user
    can_manage = programme.completed_at is None and has_perm(user, "lifecycle.manage_training", programme)
    can_present = programme.completed_at is None and has_perm(user, "lifecycle.record_presentation", programme)
    today = _today()
    rows = [
        {
            "session": s,
            "held": s.date <= today,
            "form": forms.AttendanceForm(prefix=f"s{s.pk}", initial={"attendees": s.attendees}),
        }
        for s in sessions
    ]
    context = {
        "intraprenad": intraprenad,
        "programme": programme,
        "rows": rows,
        "sessions_min": values["training_sessions_min"],
        "sessions_max": values["training_sessions_max"],
        "hours_per_session": values["training_hours_per_session"],
        "total_hours": sum((s.hours for s in sessions), start=0),
        "can_manage": can_manage,
        "can_present": can_present,
        "session_form": session_form
        or forms.TrainingSessionForm(initial={"hours": values["training_hours_per_session"]}),
        "presentation_form": presentation_form
        or forms.PresentationForm(
            initial={"presented_on": programme.presentation_on or today, "summary": programme.presentation_summary}
        ),
    }
    return render(request, "lifecycle/training_detail.html", context)


@login_required
@require_POST
def training_session_add(request, pk):
    intraprenad = _get_intraprenad(request, pk)
    programme = _get_programme(request, intraprenad)
    _require(request.user, "lifecycle.manage_training", programme)
    form = forms.TrainingSessionForm(request.POST)
    if form.is_valid():
        try:
            services.add_training_session(by=request.user, programme=programme, **form.cleaned_data)
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The session has been added."))
            return redirect("training_detail", pk=intraprenad.pk)
    return training_detail(request, pk, session_form=form)


@login_required
@require_POST
def training_session_attendance(request, pk):
    sessions = TrainingSession.objects.filter(programme__intraprenad__in=_visible(request.user))
    session = get_object_or_404(sessions.select_related("programme__intraprenad"), pk=pk)
    _require(request.user, "lifecycle.manage_training", session)
    form = forms.AttendanceForm(request.POST, prefix=f"s{session.pk}")
    if form.is_valid():
        try:
            services.record_attendance(by=request.user, session=session, attendees=form.cleaned_data["attendees"])
        except ValidationError as e:
            _refused(request, e)
        else:
            messages.success(request, _("Attendance has been recorded."))
    else:
        messages.error(request, _("Enter the number of attendees as a whole number, zero or more."))
    return redirect("training_detail", pk=session.programme.intraprenad_id)


@login_required
@require_POST
def training_presentation(request, pk):
    intraprenad = _get_intraprenad(request, pk)
    programme = _get_programme(request, intraprenad)
    _require(request.user, "lifecycle.record_presentation", programme)
    form = forms.PresentationForm(request.POST)
    if form.is_valid():
        try:
            services.record_presentation(by=request.user, programme=programme, **form.cleaned_data)
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The presentation of the business idea has been recorded."))
            return redirect("training_detail", pk=intraprenad.pk)
    return training_detail(request, pk, presentation_form=form)


@login_required
@require_POST
def training_complete(request, pk):
    intraprenad = _get_intraprenad(request, pk)
    programme = _get_programme(request, intraprenad)
    try:
        services.complete_training(by=request.user, programme=programme, today=_today())
    except ValidationError as e:
        _refused(request, e)
        return redirect("training_detail", pk=intraprenad.pk)
    messages.success(request, _("The training is completed. The unit may now apply, but is not obliged to."))
    return redirect("intraprenad_detail", pk=intraprenad.pk)


# --- application ---------------------------------------------------------------------------------


@login_required
@require_POST
def application_start(request, pk):
    intraprenad = _get_intraprenad(request, pk)
    try:
        application = services.start_application(by=request.user, intraprenad=intraprenad, today=_today())
    except ValidationError as e:
        _refused(request, e)
        return redirect("intraprenad_detail", pk=intraprenad.pk)
    messages.success(request, _("The application has been started. Fill in every section and the budget."))
    return redirect("application_edit", pk=application.pk)


def _budget_totals(application) -> list[dict]:
    """The application's budget summed per kind, in the order of BudgetLine.Kind."""
    sums = dict(application.budget_lines.order_by().values_list("kind").annotate(total=Sum("amount")))
    return [{"label": label, "total": sums[kind]} for kind, label in BudgetLine.Kind.choices if kind in sums]


def application_detail(request, pk):
    application = _get_application(request, pk)
    lines = application.budget_lines.all()
    context = {
        "application": application,
        "decision": _known_decision(application.decision, request.user, application.intraprenad),
        "intraprenad": application.intraprenad,
        "sections": application.sections.all(),
        "budget_lines": lines,
        "budget_totals": _budget_totals(application),
        "memos": application.case.memos.select_related("case") if application.case_id else [],
        "can_edit": application.status == Application.Status.DRAFT
        and has_perm(request.user, "lifecycle.edit_application", application),
        "can_submit": application.status == Application.Status.DRAFT
        and has_perm(request.user, "lifecycle.submit_application", application),
        "can_prepare": application.status == Application.Status.SUBMITTED
        and has_perm(request.user, "lifecycle.prepare_case", application),
        "can_decide": application.status == Application.Status.PREPARED
        and has_perm(request.user, "lifecycle.decide", application),
    }
    return render(request, "lifecycle/application_detail.html", context)


def _application_forms(application, data=None, budget_data=None):
    form = forms.ApplicationForm(
        data,
        sections=list(application.sections.all()),
        guidance=_guidance(application.revision, RequiredItem.Kind.APPLICATION_SECTION),
        initial={
            "staff_total": application.staff_total,
            "staff_in_favour": application.staff_in_favour,
            "years_positive_result": application.years_positive_result,
        },
    )
    budget = forms.BudgetLineFormSet(
        budget_data,
        prefix="budget",
        initial=[
            {"kind": line.kind, "description": line.description, "amount": line.amount}
            for line in application.budget_lines.all()
        ],
    )
    return form, budget


def _render_application_edit(request, application, form, budget):
    return render(
        request,
        "lifecycle/application_form.html",
        {
            "application": application,
            "intraprenad": application.intraprenad,
            "form": form,
            "budget": budget,
            "budget_totals": _budget_totals(application),
            "budget_total": application.budget_lines.aggregate(total=Sum("amount"))["total"] or 0,
        },
    )


@login_required
def application_edit(request, pk):
    application = _get_application(request, pk)
    _require(request.user, "lifecycle.edit_application", application)
    if application.status != Application.Status.DRAFT:
        messages.error(request, _("Only a draft application can be changed."))
        return redirect("application_detail", pk=application.pk)
    form, budget = _application_forms(application, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_application(
                by=request.user,
                application=application,
                sections=form.sections(),
                staff_total=form.cleaned_data["staff_total"],
                staff_in_favour=form.cleaned_data["staff_in_favour"],
                years_positive_result=form.cleaned_data["years_positive_result"],
            )
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The application has been saved."))
            return redirect("application_edit", pk=application.pk)
    return _render_application_edit(request, application, form, budget)


@login_required
@require_POST
def application_budget(request, pk):
    application = _get_application(request, pk)
    _require(request.user, "lifecycle.edit_application", application)
    if application.status != Application.Status.DRAFT:
        messages.error(request, _("Only a draft application can be changed."))
        return redirect("application_detail", pk=application.pk)
    form, budget = _application_forms(application, budget_data=request.POST)
    if budget.is_valid():
        lines = [
            {
                "kind": f.cleaned_data["kind"],
                "description": f.cleaned_data["description"],
                "amount": f.cleaned_data["amount"],
            }
            for f in budget.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.set_budget_lines(by=request.user, application=application, lines=lines)
        except ValidationError as e:
            _refused(request, e)
        else:
            messages.success(request, _("The budget has been saved."))
            return redirect("application_edit", pk=application.pk)
    return _render_application_edit(request, application, form, budget)


@login_required
@require_POST
def application_submit(request, pk):
    application = _get_application(request, pk)
    try:
        application = services.submit_application(by=request.user, application=application, today=_today())
    except ValidationError as e:
        messages.error(request, _("The application could not be submitted. Correct the following:"))
        _refused(request, e)
        return redirect("application_detail", pk=application.pk)
    messages.success(
        request,
        _("The application has been submitted and registered as case %(case)s.")
        % {"case": application.case.case_number},
    )
    return redirect("intraprenad_detail", pk=application.intraprenad_id)


@login_required
def application_prepare(request, pk):
    application = _get_application(request, pk)
    _require(request.user, "lifecycle.prepare_case", application)
    form = forms.MemoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            memo = services.prepare_application(
                by=request.user, application=application, today=_today(), **form.cleaned_data
            )
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(
                request,
                _("The memo has been written and registered in case %(case)s.") % {"case": memo.case.case_number},
            )
            return redirect("intraprenad_detail", pk=application.intraprenad_id)
    return render(
        request,
        "lifecycle/memo_form.html",
        {
            "form": form,
            "intraprenad": application.intraprenad,
            "case": application.case,
            "heading": _("Prepare the application for decision"),
        },
    )


@login_required
def application_decide(request, pk):
    application = _get_application(request, pk)
    _require(request.user, "lifecycle.decide", application)
    form = forms.DecisionForm(request.POST or None, board=application.intraprenad.board)
    if request.method == "POST" and form.is_valid():
        try:
            paragraph = services.decide_application(by=request.user, application=application, **form.cleaned_data)
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The decision has been recorded as %(ref)s.") % {"ref": paragraph.reference})
            return redirect("intraprenad_detail", pk=application.intraprenad_id)
    return render(
        request,
        "lifecycle/decision_form.html",
        {
            "form": form,
            "intraprenad": application.intraprenad,
            "case": application.case,
            "memos": application.case.memos.all() if application.case_id else [],
            "heading": _("Decide on the application"),
            "back_url": reverse("application_detail", kwargs={"pk": application.pk}),
        },
    )


# --- agreement -----------------------------------------------------------------------------------


@login_required
def agreement_start(request, pk):
    application = _get_application(request, pk)
    _require(request.user, "lifecycle.edit_agreement", application)
    form = forms.AgreementStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.start_agreement(
                by=request.user, application=application, period_start=form.cleaned_data["period_start"], today=_today()
            )
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The agreement has been drafted. Fill in every clause."))
            return redirect("agreement_edit", pk=agreement.pk)
    return render(
        request, "lifecycle/agreement_start_form.html", {"form": form, "intraprenad": application.intraprenad}
    )


def agreement_detail(request, pk):
    agreement = _get_agreement(request, pk)
    user = request.user
    draft = agreement.status == Agreement.Status.DRAFT
    context = {
        "agreement": agreement,
        "intraprenad": agreement.intraprenad,
        "decision": _known_decision(agreement.decision, user, agreement.intraprenad),
        "clauses": agreement.clauses.all(),
        "document_url": _document_url(agreement.document) if agreement.document_id else None,
        "can_edit": draft and has_perm(user, "lifecycle.edit_agreement", agreement),
        "can_decide": draft and has_perm(user, "lifecycle.decide", agreement),
        "can_sign": agreement.status == Agreement.Status.DECIDED
        and has_perm(user, "lifecycle.sign_agreement", agreement),
        "renewal_window": _renewal_window(agreement) if agreement.status == Agreement.Status.SIGNED else None,
    }
    return render(request, "lifecycle/agreement_detail.html", context)


@login_required
def agreement_edit(request, pk):
    agreement = _get_agreement(request, pk)
    _require(request.user, "lifecycle.edit_agreement", agreement)
    if agreement.status != Agreement.Status.DRAFT:
        messages.error(request, _("Only a draft agreement can be changed."))
        return redirect("agreement_detail", pk=agreement.pk)
    form = forms.AgreementForm(
        request.POST or None,
        clauses=list(agreement.clauses.all()),
        guidance=_guidance(agreement.revision, RequiredItem.Kind.AGREEMENT_CLAUSE),
        initial={"period_start": agreement.period_start, "period_end": agreement.period_end},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_agreement(
                by=request.user,
                agreement=agreement,
                clauses=form.clauses(),
                period_start=form.cleaned_data["period_start"],
                period_end=form.cleaned_data["period_end"],
            )
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The agreement has been saved."))
            return redirect("agreement_detail", pk=agreement.pk)
    return render(
        request,
        "lifecycle/agreement_form.html",
        {"form": form, "agreement": agreement, "intraprenad": agreement.intraprenad},
    )


@login_required
def agreement_decide(request, pk):
    agreement = _get_agreement(request, pk)
    _require(request.user, "lifecycle.decide", agreement)
    form = forms.AgreementDecisionForm(request.POST or None, board=agreement.intraprenad.board)
    if request.method == "POST" and form.is_valid():
        try:
            paragraph = services.decide_agreement(by=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The decision has been recorded as %(ref)s.") % {"ref": paragraph.reference})
            return redirect("agreement_detail", pk=agreement.pk)
    return render(
        request,
        "lifecycle/decision_form.html",
        {
            "form": form,
            "intraprenad": agreement.intraprenad,
            "case": agreement.case,
            "memos": agreement.case.memos.all(),
            "heading": _("Decide on the agreement"),
            "back_url": reverse("agreement_detail", kwargs={"pk": agreement.pk}),
        },
    )


@login_required
def agreement_sign(request, pk):
    agreement = _get_agreement(request, pk)
    _require(request.user, "lifecycle.sign_agreement", agreement)
    form = forms.SignForm(request.POST or None, initial={"signed_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_agreement(by=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The agreement is signed and in force."))
            return redirect("intraprenad_detail", pk=agreement.intraprenad_id)
    return render(
        request,
        "lifecycle/sign_form.html",
        {"form": form, "agreement": agreement, "intraprenad": agreement.intraprenad},
    )


@login_required
@require_POST
def agreement_renew(request, pk):
    agreement = _get_agreement(request, pk)
    try:
        renewal = services.start_renewal(by=request.user, agreement=agreement, today=_today())
    except ValidationError as e:
        _refused(request, e)
        return redirect("intraprenad_detail", pk=agreement.intraprenad_id)
    messages.success(request, _("The renewal has been drafted from the current agreement."))
    return redirect("agreement_edit", pk=renewal.pk)


# --- termination ---------------------------------------------------------------------------------


@login_required
def termination_propose(request, pk):
    intraprenad = _get_intraprenad(request, pk)
    _require(request.user, "lifecycle.propose_termination", intraprenad)
    form = forms.TerminationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            termination = services.propose_termination(
                by=request.user, intraprenad=intraprenad, today=_today(), **form.cleaned_data
            )
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(
                request,
                _("The termination has been proposed and registered as case %(case)s. Write the memo next.")
                % {"case": termination.case.case_number},
            )
            return redirect("termination_memo", pk=termination.pk)
    return render(request, "lifecycle/termination_form.html", {"form": form, "intraprenad": intraprenad})


@login_required
def termination_memo(request, pk):
    termination = _get_termination(request, pk)
    _require(request.user, "lifecycle.prepare_case", termination)
    intraprenad = termination.intraprenad
    form = forms.TitledMemoForm(
        request.POST or None,
        initial={"title": _("Termination of the intraprenad %(name)s") % {"name": intraprenad.name}},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.write_memo(by=request.user, case=termination.case, today=_today(), **form.cleaned_data)
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(
                request,
                _("The memo has been written and registered in case %(case)s.")
                % {"case": termination.case.case_number},
            )
            return redirect("intraprenad_detail", pk=intraprenad.pk)
    return render(
        request,
        "lifecycle/memo_form.html",
        {
            "form": form,
            "intraprenad": intraprenad,
            "case": termination.case,
            "heading": _("Memo on the termination"),
        },
    )


@login_required
def termination_decide(request, pk):
    termination = _get_termination(request, pk)
    _require(request.user, "lifecycle.decide", termination)
    form = forms.DecisionForm(request.POST or None, board=termination.intraprenad.board)
    if request.method == "POST" and form.is_valid():
        try:
            paragraph = services.decide_termination(by=request.user, termination=termination, **form.cleaned_data)
        except ValidationError as e:
            show_errors(form, e)
        else:
            messages.success(request, _("The decision has been recorded as %(ref)s.") % {"ref": paragraph.reference})
            return redirect("intraprenad_detail", pk=termination.intraprenad_id)
    return render(
        request,
        "lifecycle/decision_form.html",
        {
            "form": form,
            "intraprenad": termination.intraprenad,
            "case": termination.case,
            "memos": termination.case.memos.all(),
            "termination": termination,
            "heading": _("Decide on the termination"),
            "back_url": reverse("intraprenad_detail", kwargs={"pk": termination.intraprenad_id}),
        },
    )


# --- documents generated on demand ---------------------------------------------------------------


def _file_response(content, fmt: str, case, suffix: str) -> HttpResponse:
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404
    content_type, render_file = DOWNLOAD_FORMATS[fmt]
    filename = f"{case.series}-{case.year}-{case.number:05d}-{suffix}.{fmt}"
    response = HttpResponse(render_file(content), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def memo_download(request, pk, fmt):
    """Memos are public documents: anyone who may see the intraprenad may download them."""
    visible = _visible(request.user)
    memos = Memo.objects.filter(
        Q(case__application__intraprenad__in=visible)
        | Q(case__agreement__intraprenad__in=visible)
        | Q(case__termination__intraprenad__in=visible)
    )
    memo = get_object_or_404(memos.select_related("case"), pk=pk)
    return _file_response(document_content.memo_content(memo), fmt, memo.case, "tjansteskrivelse")


def agreement_download(request, pk, fmt):
    agreement = _get_agreement(request, pk)
    return _file_response(document_content.agreement_content(agreement), fmt, agreement.case, "overenskommelse")
