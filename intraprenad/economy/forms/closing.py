"""Forms of the year-end closing, result fund and action plan pages. Amounts are entered in kronor and handed to the
services in öre; the forms validate input only, the services decide."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intraprenad.accounts.models import OrgUnit
from intraprenad.cases.models import Meeting
from intraprenad.economy.models import ActionMeasure

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
KRONOR = {"max_digits": 15, "decimal_places": 2}


def to_ore(kronor: Decimal | None) -> int | None:
    if kronor is None:
        return None
    return int((kronor * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


class YearForm(forms.Form):
    """The year chooser of the closings list."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class PrepareForm(forms.Form):
    """Prepare (or prepare again) the closing of an intraprenad's year."""

    intraprenad = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("For the board: what explains the result."),
    )


class MeetingChoiceField(forms.ModelChoiceField):
    """A meeting by body, date and place (a board may meet twice on one day)."""

    def label_from_instance(self, meeting) -> str:
        return f"{meeting} – {meeting.location}" if meeting.location else str(meeting)


def open_meetings(board: OrgUnit, after: date | None = None):
    """The board's meetings whose minutes are not yet approved, where a decision can still be recorded (only those
    after `after`, e.g. the end of the year being closed)."""
    meetings = Meeting.objects.filter(body=board).exclude(status=Meeting.Status.MINUTES_APPROVED)
    if after is not None:
        meetings = meetings.filter(date__gt=after)
    return meetings.select_related("body").order_by("date")


class BoardDecisionForm(forms.Form):
    """A decision of the intraprenad's board, recorded as a paragraph of one of its open meetings."""

    meeting = MeetingChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        help_text=_("Meetings of the board whose minutes are not yet approved."),
    )
    decision_text = forms.CharField(label=_("Decision text"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, board: OrgUnit, after: date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = open_meetings(board, after)


class ReopenForm(BoardDecisionForm):
    """The board's decision to reopen a decided closing, with its reasons."""

    reasons = forms.CharField(
        label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Why the closing is reopened.")
    )


class FundUseForm(BoardDecisionForm):
    """The board approves a use of the result fund for a purpose the guidelines permit."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=())
    amount = forms.DecimalField(label=_("Amount (SEK)"), min_value=Decimal("0.01"), **KRONOR)
    description = forms.CharField(label=_("What the money is used for"), max_length=300)
    date = forms.DateField(label=_("Date of the use"), widget=DATE, help_text=_("The year of this date is charged."))
    field_order = ["meeting", "purpose", "amount", "description", "date"]

    def __init__(self, *args, board: OrgUnit, purposes: list[tuple[str, str]], **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, board=board, **kwargs)
        self.fields["purpose"].choices = [("", _("Choose a permitted purpose")), *purposes]
        del self.fields["decision_text"]  # the decision text is written from the use itself

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "meeting": data["meeting"],
            "purpose": data["purpose"],
            "amount_ore": to_ore(data["amount"]),
            "description": data["description"],
            "date": data["date"],
        }


class ActionPlanSummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Analysis and summary"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What caused the deficit and how balance will be restored."),
    )


class MeasureForm(forms.Form):
    description = forms.CharField(label=_("Measure"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label=_("Owner"), max_length=120, help_text=_("Who is responsible for the measure."))
    due_on = forms.DateField(label=_("Due"), widget=DATE)
    effect = forms.DecimalField(label=_("Expected effect (SEK)"), required=False, min_value=Decimal("0"), **KRONOR)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "description": data["description"],
            "owner": data["owner"],
            "due_on": data["due_on"],
            "effect_ore": to_ore(data["effect"]) or 0,
        }


class MeasureStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionMeasure.Status.choices)


class FollowUpForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    note = forms.CharField(label=_("Follow-up"), widget=forms.Textarea(attrs={"rows": 3}))
    result_to_date = forms.DecimalField(
        label=_("Result so far this year (SEK)"),
        required=False,
        help_text=_("A surplus as a positive amount, a deficit as a negative one."),
        **KRONOR,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"date": data["date"], "note": data["note"], "result_to_date_ore": to_ore(data["result_to_date"])}


def default_year(today: date) -> int:
    """The year most likely being closed: last year."""
    return today.year - 1
