"""Forms of the lifecycle pages. They validate input only; the services decide and save."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intraprenad.accounts.access import EVERYWHERE, unit_ids_for
from intraprenad.accounts.models import OrgUnit
from intraprenad.cases.models import Meeting, Paragraph

from .models import BudgetLine, Intraprenad, Memo, Termination

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _units_where(user, perm: str):
    """Active units (kind unit) on which `user` holds `perm`."""
    units = OrgUnit.objects.filter(kind=OrgUnit.Kind.UNIT, is_active=True).order_by("name")
    scope = unit_ids_for(user, perm)
    return units if scope is EVERYWHERE else units.filter(pk__in=scope)


class InterestForm(forms.Form):
    """A unit's expression of interest, registered by its staff or an officer."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    received_on = forms.DateField(label=_("Received"), widget=DATE)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    staff_count = forms.IntegerField(label=_("Number of staff"), min_value=0)
    motivation = forms.CharField(
        label=_("Why the unit is interested"),
        widget=forms.Textarea,
        help_text=_("A few sentences are enough. Registering interest commits the unit to nothing."),
    )
    name = forms.CharField(
        label=_("Name of the intraprenad"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the unit's name."),
    )
    service_type = forms.CharField(
        label=_("Type of service"),
        max_length=120,
        required=False,
        help_text=_("Leave empty to use the unit's type of service."),
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units_where(user, "lifecycle.register_interest")


class BoardInitiativeForm(forms.Form):
    """An intraprenad started by a board decision, e.g. when a new operation starts."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    initiative = forms.ModelChoiceField(
        label=_("The board's decision"),
        queryset=Paragraph.objects.none(),
        help_text=_("The paragraph in the board's minutes that decided to start the intraprenad."),
    )
    one_time_frame_increase = forms.DecimalField(
        label=_("One-time frame increase (SEK)"),
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        initial=Decimal("0"),
        help_text=_("Start-up funding, e.g. extra staffing and administration."),
    )
    received_on = forms.DateField(label=_("Date"), widget=DATE)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200)
    staff_count = forms.IntegerField(label=_("Number of staff"), min_value=0)
    motivation = forms.CharField(label=_("Motivation"), widget=forms.Textarea)

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units_where(user, "lifecycle.prepare_case")
        self.fields["initiative"].queryset = (
            Paragraph.objects.filter(body__kind=OrgUnit.Kind.BOARD)
            .select_related("body", "case", "meeting")
            .order_by("-meeting__date", "-number")
        )


class WithdrawForm(forms.Form):
    """Withdrawing an intraprenad before it is active."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)


class TrainingSessionForm(forms.Form):
    """A planned or held session of the training programme."""

    date = forms.DateField(label=_("Date"), widget=DATE)
    hours = forms.DecimalField(label=_("Hours"), min_value=Decimal("0.5"), max_digits=4, decimal_places=1)
    topic = forms.CharField(label=_("Topic"), max_length=200)


class AttendanceForm(forms.Form):
    """How many attended one session (the form is prefixed with the session's id)."""

    attendees = forms.IntegerField(label=_("Attendees"), min_value=0)


class PresentationForm(forms.Form):
    """The unit's presentation of its business idea, which ends the training."""

    presented_on = forms.DateField(label=_("Presented on"), widget=DATE)
    summary = forms.CharField(label=_("The business idea in brief"), widget=forms.Textarea)


class ApplicationForm(forms.Form):
    """The application's texts (one field per required section) and the staff figures."""

    staff_total = forms.IntegerField(label=_("Staff in the unit"), min_value=0)
    staff_in_favour = forms.IntegerField(
        label=_("Staff in favour"), min_value=0, help_text=_("How many of the staff support the application.")
    )
    years_positive_result = forms.IntegerField(label=_("Consecutive years with a positive result"), min_value=0)

    def __init__(self, *args, sections, guidance: dict[str, str], **kwargs):
        """`sections` are the application's ApplicationSection rows, in order."""
        super().__init__(*args, **kwargs)
        section_fields = {}
        for section in sections:
            section_fields[f"section_{section.key}"] = forms.CharField(
                label=section.title,
                required=False,
                initial=section.text,
                widget=forms.Textarea,
                help_text=guidance.get(section.key, ""),
            )
        self.section_keys = [s.key for s in sections]
        self.fields = {**section_fields, **self.fields}

    def clean(self):
        data = super().clean()
        total, in_favour = data.get("staff_total"), data.get("staff_in_favour")
        if total is not None and in_favour is not None and in_favour > total:
            self.add_error("staff_in_favour", _("More staff in favour than there are staff in the unit."))
        return data

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"section_{key}"] for key in self.section_keys}


class BudgetLineForm(forms.Form):
    """One line of the operating and staff budget."""

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *BudgetLine.Kind.choices])
    description = forms.CharField(label=_("Description"), max_length=200)
    amount = forms.DecimalField(
        label=_("Amount (SEK per year)"), min_value=Decimal("0"), max_digits=14, decimal_places=2
    )

    def has_changed(self) -> bool:
        """A line left blank is no line, whatever it held before: saving replaces the whole budget."""
        return any(self.data.get(self.add_prefix(name)) not in (None, "") for name in ("kind", "description", "amount"))


class BaseBudgetLineFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        kwargs["empty_permitted"] = True
        return super()._construct_form(i, **kwargs)


BudgetLineFormSet = forms.formset_factory(BudgetLineForm, formset=BaseBudgetLineFormSet, extra=3, can_delete=True)


class MemoForm(forms.Form):
    """The administration's official memo with its proposed decision."""

    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea)
    background = forms.CharField(label=_("Background"), widget=forms.Textarea, required=False)
    assessment = forms.CharField(label=_("The administration's assessment"), widget=forms.Textarea)
    proposal = forms.ChoiceField(label=_("Proposed outcome"), choices=Memo.Proposal.choices)
    proposed_decision = forms.CharField(
        label=_("Proposed decision"),
        widget=forms.Textarea,
        help_text=_("Written as the board's decision, e.g. 'The board grants the application …'."),
    )


class TitledMemoForm(MemoForm):
    """A memo for any case, with its own title (used for terminations)."""

    title = forms.CharField(label=_("Title"), max_length=300)
    field_order = ["title", "summary", "background", "assessment", "proposal", "proposed_decision"]


class MeetingChoiceField(forms.ModelChoiceField):
    """A meeting by body, date and place (a board may meet twice on one day)."""

    def label_from_instance(self, meeting) -> str:
        return f"{meeting} – {meeting.location}" if meeting.location else str(meeting)


def _open_meetings(board: OrgUnit):
    return Meeting.objects.filter(body=board).exclude(status=Meeting.Status.MINUTES_APPROVED).order_by("date")


class DecisionForm(forms.Form):
    """The board's decision to approve or reject, recorded as a paragraph of a meeting."""

    meeting = MeetingChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        help_text=_("Meetings of the board whose minutes are not yet approved."),
    )
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    decision_text = forms.CharField(label=_("Decision text"), widget=forms.Textarea)
    reasons = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea, required=False, help_text=_("Required when rejecting.")
    )

    def __init__(self, *args, board: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = _open_meetings(board).select_related("body")

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "reject" and not (data.get("reasons") or "").strip():
            self.add_error("reasons", _("Give the reasons for rejecting."))
        return data


class AgreementStartForm(forms.Form):
    """When the first (or renewed) agreement period starts."""

    period_start = forms.DateField(label=_("The agreement period starts"), widget=DATE)


class AgreementForm(forms.Form):
    """The agreement's period and its clauses (one field per required clause)."""

    period_start = forms.DateField(label=_("Period starts"), widget=DATE)
    period_end = forms.DateField(label=_("Period ends"), widget=DATE)

    def __init__(self, *args, clauses, guidance: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for clause in clauses:
            self.fields[f"clause_{clause.key}"] = forms.CharField(
                label=clause.title,
                required=False,
                initial=clause.text,
                widget=forms.Textarea,
                help_text=guidance.get(clause.key, ""),
            )
        self.clause_keys = [c.key for c in clauses]

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end <= start:
            self.add_error("period_end", _("The period must end after it starts."))
        return data

    def clauses(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"clause_{key}"] for key in self.clause_keys}


class AgreementDecisionForm(forms.Form):
    """The board's decision that the unit shall run as an intraprenad under the agreement."""

    meeting = MeetingChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        help_text=_("Meetings of the board whose minutes are not yet approved."),
    )
    decision_text = forms.CharField(label=_("Decision text"), widget=forms.Textarea)

    def __init__(self, *args, board: OrgUnit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = _open_meetings(board).select_related("body")


class SignForm(forms.Form):
    """The signatures that put a decided agreement in force."""

    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    board_signatory = forms.CharField(label=_("Signed for the board"), max_length=200)
    unit_signatory = forms.CharField(label=_("Signed for the intraprenad"), max_length=200)


class TerminationForm(forms.Form):
    """A proposal to end the intraprenad and fold the unit back into the administration."""

    ground = forms.ChoiceField(label=_("Ground"), choices=Termination.Ground.choices)
    motivation = forms.CharField(label=_("Motivation"), widget=forms.Textarea)
    effective_on = forms.DateField(label=_("Effective from"), widget=DATE)


class IntraprenadFilterForm(forms.Form):
    """Filters of the intraprenad list."""

    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Intraprenad.Status.choices]
    )
    board = forms.ModelChoiceField(
        label=_("Board"),
        required=False,
        empty_label=_("All boards"),
        queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.BOARD).order_by("name"),
    )
