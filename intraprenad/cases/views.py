"""Pages of the case register and the minutes. The register and approved minutes are public."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from intraprenad.accounts import audit
from intraprenad.accounts.access import has_perm

from . import forms, queries, rules, services
from .models import Case, Meeting, Motion, Referral

PAGE_SIZE = 25


def _show_errors(form, error: ValidationError) -> None:
    """Put a service's refusal on the form: on the field it names, else as a non-field error."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _form_page(request, form, *, heading: str, cancel_url: str, submit_label: str, intro: str = ""):
    return render(
        request,
        "cases/form.html",
        {
            "form": form,
            "heading": heading,
            "intro": intro,
            "cancel_url": cancel_url,
            "submit_label": submit_label,
            "multipart": form.is_multipart(),
        },
    )


def _require_anywhere(user, perm: str) -> None:
    if not has_perm(user, perm):
        raise PermissionDenied


# The case register


def case_list(request):
    form = forms.CaseSearchForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "text": data["q"],
            "body_id": data["body"].pk if data["body"] else None,
            "kind": data["kind"],
            "year": data["year"],
            "status": data["status"],
        }
    cases = queries.case_register(request.user, **filters)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("sida"))
    queries.mask_titles(page.object_list, request.user)
    query = request.GET.copy()
    query.pop("sida", None)
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may_register_case": has_perm(request.user, "cases.register_case"),
        },
    )


def case_detail(request, pk: int):
    case = get_object_or_404(Case.objects.for_user(request.user).select_related("org_unit", "subject_unit"), pk=pk)
    user = request.user
    context = {
        "page": queries.case_page(case, user),
        "may_register_document": has_perm(user, "cases.register_document", case),
        "may_close": case.status == Case.Status.OPEN and has_perm(user, "cases.register_case", case),
        "may_refer": has_perm(user, "cases.refer_case"),
        "may_link_council_paragraph": has_perm(user, "cases.register_case", case),
        "answerable": {r.pk for r in case.referrals.all() if has_perm(user, "cases.record_decision", r)},
    }
    if _may_read_history(user, context["page"]):
        context["audit_events"] = audit.history(case)
        context["show_audit"] = True
    return render(request, "cases/case_detail.html", context)


def _may_read_history(user, page: queries.CasePage) -> bool:
    """The change log repeats titles and descriptions as registered, so where the case holds anything
    confidential it is shown only to those who may read the confidential details."""
    if not has_perm(user, "audit.view", page.case):
        return False
    has_confidential = page.case.is_confidential or any(row.document.is_confidential for row in page.documents)
    return page.may_view_confidential or not has_confidential


@login_required
def case_register(request):
    _require_anywhere(request.user, "cases.register_case")
    form = forms.CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.register_case(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Case %(number)s registered.") % {"number": case.case_number})
            return redirect("case_detail", pk=case.pk)
    return _form_page(
        request, form, heading=_("Register case"), cancel_url=reverse("case_list"), submit_label=_("Register")
    )


@login_required
@require_POST
def case_close(request, pk: int):
    case = get_object_or_404(Case.objects.for_user(request.user), pk=pk)
    try:
        services.close_case(by=request.user, case=case)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Case %(number)s closed.") % {"number": case.case_number})
    return redirect("case_detail", pk=case.pk)


@login_required
def document_register(request, pk: int):
    case = get_object_or_404(Case.objects.for_user(request.user), pk=pk)
    if not has_perm(request.user, "cases.register_document", case):
        raise PermissionDenied
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.register_document(by=request.user, case=case, **form.service_kwargs())
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Document %(serial)s registered.") % {"serial": document.serial})
            return redirect("case_detail", pk=case.pk)
    return _form_page(
        request,
        form,
        heading=_("Register document in %(number)s") % {"number": case.case_number},
        cancel_url=reverse("case_detail", args=[case.pk]),
        submit_label=_("Register"),
    )


@login_required
def document_correct(request, pk: int, serial: int):
    case = get_object_or_404(Case.objects.for_user(request.user), pk=pk)
    original = get_object_or_404(case.documents, serial=serial)
    if not has_perm(request.user, "cases.register_document", case):
        raise PermissionDenied
    initial = {
        "kind": original.kind,
        "direction": original.direction,
        "document_date": original.document_date,
        "counterpart": original.counterpart,
        "description": original.description,
        "is_confidential": original.is_confidential,
        "public_description": original.public_description,
    }
    form = forms.DocumentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            correction = services.correct_document(by=request.user, document=original, **form.service_kwargs())
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(
                request,
                _("Document %(serial)s registered as a correction of document %(original)s.")
                % {"serial": correction.serial, "original": original.serial},
            )
            return redirect("case_detail", pk=case.pk)
    return _form_page(
        request,
        form,
        heading=_("Correct document %(serial)s in %(number)s") % {"serial": serial, "number": case.case_number},
        intro=_("The original document stays in the register; the correction is registered as a new document."),
        cancel_url=reverse("case_detail", args=[case.pk]),
        submit_label=_("Register correction"),
    )


def document_file(request, pk: int, serial: int):
    """Download a registered document's file: public documents for everyone, confidential only for the cleared."""
    case = get_object_or_404(Case.objects.for_user(request.user), pk=pk)
    document = get_object_or_404(case.documents, serial=serial)
    allowed = rules.can_see_confidential_file(
        is_confidential=document.is_confidential,
        may_view_confidential=has_perm(request.user, "cases.view_confidential", case),
    )
    if not document.file or not allowed:
        raise Http404
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=Path(document.file.name).name)


# Motions and referrals


@login_required
def motion_register(request):
    _require_anywhere(request.user, "cases.register_case")
    form = forms.MotionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            motion = services.register_motion(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Motion registered as %(number)s.") % {"number": motion.case.case_number})
            return redirect("case_detail", pk=motion.case_id)
    return _form_page(
        request, form, heading=_("Register motion"), cancel_url=reverse("case_list"), submit_label=_("Register")
    )


@login_required
def motion_link_paragraph(request, pk: int):
    case = get_object_or_404(Case.objects.for_user(request.user), pk=pk)
    motion = get_object_or_404(Motion, case=case)
    if not has_perm(request.user, "cases.register_case", case):
        raise PermissionDenied
    form = forms.CouncilParagraphForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_council_paragraph(by=request.user, motion=motion, paragraph=form.cleaned_data["paragraph"])
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Council paragraph recorded."))
            return redirect("case_detail", pk=case.pk)
    return _form_page(
        request,
        form,
        heading=_("Council paragraph of motion %(number)s") % {"number": case.case_number},
        cancel_url=reverse("case_detail", args=[case.pk]),
        submit_label=_("Save"),
    )


@login_required
def case_refer(request, pk: int):
    case = get_object_or_404(Case.objects.for_user(request.user), pk=pk)
    _require_anywhere(request.user, "cases.refer_case")
    form = forms.ReferForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referrals = services.refer_case(
                by=request.user,
                case=case,
                decision=data["decision"],
                to_bodies=list(data["to_bodies"]),
                due_on=data["due_on"],
            )
        except ValidationError as error:
            _show_errors(form, error)
        else:
            count = len(referrals)
            messages.success(
                request,
                ngettext("The case is referred to %(count)s body.", "The case is referred to %(count)s bodies.", count)
                % {"count": count},
            )
            return redirect("case_detail", pk=case.pk)
    return _form_page(
        request,
        form,
        heading=_("Refer case %(number)s") % {"number": case.case_number},
        cancel_url=reverse("case_detail", args=[case.pk]),
        submit_label=_("Refer"),
    )


@login_required
def referral_answer(request, pk: int):
    referral = get_object_or_404(Referral.objects.select_related("case", "to_body"), pk=pk)
    case = get_object_or_404(Case.objects.for_user(request.user), pk=referral.case_id)
    if not has_perm(request.user, "cases.record_decision", referral):
        raise PermissionDenied
    form = forms.AnswerReferralForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_referral(by=request.user, referral=referral, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The referral to %(body)s is answered.") % {"body": referral.to_body})
            return redirect("case_detail", pk=case.pk)
    return _form_page(
        request,
        form,
        heading=_("Answer referral to %(body)s in %(number)s") % {"body": referral.to_body, "number": case.case_number},
        cancel_url=reverse("case_detail", args=[case.pk]),
        submit_label=_("Save answer"),
    )


# Meetings and minutes


def meeting_list(request):
    meetings = queries.meeting_list(request.user)
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(
        request,
        "cases/meeting_list.html",
        {"page": page, "may_create_meeting": has_perm(request.user, "cases.manage_meeting")},
    )


def meeting_detail(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.for_user(request.user).select_related("body"), pk=pk)
    user = request.user
    context = {
        "meeting": meeting,
        "paragraphs": queries.minutes(meeting),
        "may_manage": has_perm(user, "cases.manage_meeting", meeting),
        "may_record": meeting.status != Meeting.Status.MINUTES_APPROVED
        and has_perm(user, "cases.record_decision", meeting),
    }
    if has_perm(user, "audit.view", meeting):
        context["audit_events"] = audit.history(meeting)
        context["show_audit"] = True
    return render(request, "cases/meeting_detail.html", context)


@login_required
def meeting_create(request):
    _require_anywhere(request.user, "cases.manage_meeting")
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("Meeting created."))
            return redirect("meeting_detail", pk=meeting.pk)
    return _form_page(
        request, form, heading=_("New meeting"), cancel_url=reverse("meeting_list"), submit_label=_("Create")
    )


@login_required
@require_POST
def meeting_hold(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.for_user(request.user), pk=pk)
    try:
        services.hold_meeting(by=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The meeting is marked as held."))
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
def meeting_approve(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.for_user(request.user), pk=pk)
    if not has_perm(request.user, "cases.manage_meeting", meeting):
        raise PermissionDenied
    if meeting.status != Meeting.Status.HELD:
        if meeting.is_public:
            messages.error(request, _("The minutes are already approved."))
        else:
            messages.error(request, _("Mark the meeting as held before approving its minutes."))
        return redirect("meeting_detail", pk=meeting.pk)
    form = forms.MinutesApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.approve_minutes(by=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("The minutes are approved and public."))
            return redirect("meeting_detail", pk=meeting.pk)
    return _form_page(
        request,
        form,
        heading=_("Approve the minutes of %(meeting)s") % {"meeting": meeting},
        intro=_("Once approved, the minutes are public and no paragraph can be added or changed."),
        cancel_url=reverse("meeting_detail", args=[meeting.pk]),
        submit_label=_("Approve minutes"),
    )


@login_required
def paragraph_record(request, pk: int):
    meeting = get_object_or_404(Meeting.objects.for_user(request.user), pk=pk)
    if not has_perm(request.user, "cases.record_decision", meeting):
        raise PermissionDenied
    form = forms.ParagraphForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            paragraph = services.record_paragraph(by=request.user, meeting=meeting, **form.service_kwargs())
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, _("%(reference)s recorded.") % {"reference": paragraph.reference})
            return redirect("meeting_detail", pk=meeting.pk)
    return _form_page(
        request,
        form,
        heading=_("Record paragraph in %(meeting)s") % {"meeting": meeting},
        cancel_url=reverse("meeting_detail", args=[meeting.pk]),
        submit_label=_("Record"),
    )
