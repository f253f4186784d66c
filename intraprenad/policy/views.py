from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intraprenad.accounts import audit
from intraprenad.accounts.access import has_perm

from . import queries, rules, services
from .forms import AdoptForm, CompareForm, ImportForm, RevisionForm
from .guideline_file import dump_guideline_file
from .models import GuidelineRevision


def _revision(request, pk: int) -> GuidelineRevision:
    return get_object_or_404(GuidelineRevision.objects.for_user(request.user).select_related("board"), pk=pk)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            name = field if field in form.fields else f"items_{field}"
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def revision_list(request):
    revisions = queries.revision_list(request.user)
    may_import = has_perm(request.user, "policy.change_revision")
    return render(request, "policy/revision_list.html", {"revisions": revisions, "may_import": may_import})


def revision_detail(request, pk: int):
    revision = get_object_or_404(
        queries.revision_list(request.user).select_related("adopted_by__meeting", "created_by"), pk=pk
    )
    others = queries.revision_list(request.user).exclude(pk=revision.pk)
    based_on = others.filter(pk=revision.based_on_id).first() if revision.based_on_id else None
    context = {
        "revision": revision,
        "based_on": based_on,
        "parameter_groups": queries.parameter_groups(revision),
        "item_lists": queries.item_lists(revision),
        "compare_form": CompareForm(revisions=others),
        "has_others": others.exists(),
        "may_draft": services.can_draft(request.user, revision.board),
        "may_adopt": not revision.is_adopted and has_perm(request.user, "policy.adopt_revision", revision),
    }
    if has_perm(request.user, "audit.view", revision):
        context["audit_events"] = audit.history(revision)
        context["show_audit"] = True
    return render(request, "policy/revision_detail.html", context)


@login_required
def revision_edit(request, pk: int):
    revision = _revision(request, pk)
    services.require_draft_perm(request.user, revision.board)
    if revision.is_adopted:
        messages.error(request, _("Adopted guidelines cannot be changed; create a new draft from them."))
        return redirect("revision_detail", pk=revision.pk)
    form = RevisionForm(request.POST or None, revision=revision)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(
                by=request.user,
                revision=revision,
                title=form.cleaned_data["title"],
                valid_from=form.cleaned_data["valid_from"],
                description=form.cleaned_data["description"],
                parameters=form.parameter_values(),
                items=form.item_rows(),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("revision_detail", pk=revision.pk)
    return render(request, "policy/revision_form.html", {"revision": revision, "form": form})


@login_required
@require_POST
def revision_draft(request, pk: int):
    revision = _revision(request, pk)
    draft = services.create_draft_from(by=request.user, revision=revision)
    messages.success(request, _("A new draft was created from the guidelines."))
    return redirect("revision_edit", pk=draft.pk)


@login_required
def revision_import(request):
    if not has_perm(request.user, "policy.change_revision"):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            form.add_error("file", _("The file must be a text file in UTF-8."))
        else:
            try:
                revision = services.import_revision(
                    by=request.user, text=text, filename=upload.name, board=form.cleaned_data["board"]
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                messages.success(request, _("The guidelines were imported as a draft."))
                return redirect("revision_detail", pk=revision.pk)
    return render(request, "policy/revision_import.html", {"form": form})


def revision_export(request, pk: int):
    revision = _revision(request, pk)
    text = dump_guideline_file(queries.revision_data(revision))
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="riktlinjer-{revision.pk}-{revision.valid_from:%Y-%m-%d}.toml"'
    )
    return response


def revision_compare_choose(request, pk: int):
    revision = _revision(request, pk)
    form = CompareForm(request.GET or None, revisions=GuidelineRevision.objects.for_user(request.user))
    if form.is_valid():
        return redirect("revision_compare", a=revision.pk, b=form.cleaned_data["other"].pk)
    messages.error(request, _("Choose guidelines to compare with."))
    return redirect("revision_detail", pk=revision.pk)


def revision_compare(request, a: int, b: int):
    old, new = _revision(request, a), _revision(request, b)
    rows = rules.diff_revisions(queries.revision_data(old), queries.revision_data(new))
    return render(request, "policy/revision_compare.html", {"old": old, "new": new, "rows": rows})


@login_required
def revision_adopt(request, pk: int):
    revision = _revision(request, pk)
    if not has_perm(request.user, "policy.adopt_revision", revision):
        raise PermissionDenied
    if revision.is_adopted:
        messages.error(request, _("The guidelines are already adopted."))
        return redirect("revision_detail", pk=revision.pk)
    form = AdoptForm(request.POST or None, decisions=queries.adoptable_decisions(revision))
    if request.method == "POST" and form.is_valid():
        try:
            services.adopt_revision(by=request.user, revision=revision, decision=form.cleaned_data["decision"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The guidelines were adopted."))
            return redirect("revision_detail", pk=revision.pk)
    return render(request, "policy/revision_adopt.html", {"revision": revision, "form": form})
