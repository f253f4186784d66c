"""Forms of the case register and the minutes. They only validate input; services do the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from intraprenad.accounts.models import OrgUnit

from . import queries, rules
from .models import Case, Document, Paragraph, Referral

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ParagraphChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Paragraph) -> str:
        return f"{obj.reference} {obj.title}"


def _series_bodies():
    return OrgUnit.objects.exclude(case_series="").filter(is_active=True).order_by("name")


class CaseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Case number (e.g. KS 2023-00258) or words in the title."),
    )
    body = forms.ModelChoiceField(label=_("Responsible body"), queryset=OrgUnit.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All"))] + Case.Kind.choices, required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2999)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All"))] + Case.Status.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = _series_bodies()


class CaseForm(forms.Form):
    org_unit = forms.ModelChoiceField(
        label=_("Responsible body"),
        queryset=OrgUnit.objects.none(),
        help_text=_("The case is numbered in this body's case series."),
    )
    subject_unit = forms.ModelChoiceField(label=_("Concerns unit"), queryset=OrgUnit.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Case.Kind.choices, initial=Case.Kind.OTHER)
    title = forms.CharField(label=_("Title"), max_length=300)
    is_confidential = forms.BooleanField(label=_("Confidential"), required=False)
    public_title = forms.CharField(
        label=_("Public title"),
        max_length=300,
        required=False,
        help_text=_("Shown to those who may not see the confidential title. Required for confidential cases."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = _series_bodies()
        self.fields["subject_unit"].queryset = OrgUnit.objects.filter(is_active=True).order_by("name")


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices, initial=Document.Kind.OTHER)
    direction = forms.ChoiceField(label=_("Direction"), choices=Document.Direction.choices)
    document_date = forms.DateField(label=_("Date received or drawn up"), widget=DATE)
    counterpart = forms.CharField(label=_("Sender or recipient"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), max_length=300)
    is_confidential = forms.BooleanField(label=_("Confidential"), required=False)
    public_description = forms.CharField(
        label=_("Public description"),
        max_length=300,
        required=False,
        help_text=_(
            "Shown to those who may not see the confidential description. Required for confidential documents."
        ),
    )
    file = forms.FileField(label=_("File"), required=False)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        upload = data.pop("file")
        if upload:
            data["file_name"] = upload.name
            data["content"] = upload.read()
        return data


class MotionForm(forms.Form):
    council = forms.ModelChoiceField(label=_("Municipal council"), queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("Title"), max_length=300)
    movers = forms.CharField(
        label=_("Movers"), max_length=500, help_text=_("Names and party, e.g. Anna Andersson (S).")
    )
    filed_on = forms.DateField(label=_("Filed"), widget=DATE)
    text = forms.CharField(label=_("Motion text"), widget=forms.Textarea)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        councils = OrgUnit.objects.filter(kind=OrgUnit.Kind.COUNCIL, is_active=True).exclude(case_series="")
        self.fields["council"].queryset = councils
        if councils.count() == 1:
            self.fields["council"].initial = councils.first()


class CouncilParagraphForm(forms.Form):
    paragraph = ParagraphChoiceField(label=_("Council paragraph"), queryset=Paragraph.objects.none())

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].queryset = case.paragraphs.filter(body__kind=OrgUnit.Kind.COUNCIL).select_related(
            "body", "case"
        )


class ReferForm(forms.Form):
    decision = ParagraphChoiceField(
        label=_("Referral decision"),
        queryset=Paragraph.objects.none(),
        help_text=_("The paragraph in this case by which the case is referred."),
    )
    to_bodies = forms.ModelMultipleChoiceField(
        label=_("Refer to"),
        queryset=OrgUnit.objects.none(),
        help_text=_("Hold Ctrl (or Cmd) to choose several bodies."),
    )
    due_on = forms.DateField(label=_("Answer due"), required=False, widget=DATE)

    def __init__(self, *args, case: Case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = case.paragraphs.filter(outcome=Paragraph.Outcome.REFER).select_related(
            "body", "case"
        )
        self.fields["to_bodies"].queryset = queries.decision_bodies()


class AnswerReferralForm(forms.Form):
    answer = ParagraphChoiceField(
        label=_("Statement decision"),
        queryset=Paragraph.objects.none(),
        help_text=_("The referred body's paragraph in this case."),
    )

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].queryset = Paragraph.objects.filter(
            case_id=referral.case_id, body_id=referral.to_body_id
        ).select_related("body", "case")


class MeetingForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=OrgUnit.objects.none())
    date = forms.DateField(label=_("Date"), widget=DATE)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = queries.decision_bodies()


class ParagraphForm(forms.Form):
    case_number = forms.CharField(
        label=_("Case number"),
        required=False,
        help_text=_(
            "The case the paragraph belongs to, e.g. KS 2023-00258. Leave empty for a paragraph without a case."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Paragraph.Outcome.choices)
    decision_text = forms.CharField(label=_("Decision"), widget=forms.Textarea)
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea, required=False)

    def clean_case_number(self) -> Case | None:
        text = self.cleaned_data["case_number"].strip()
        if not text:
            return None
        parsed = rules.parse_case_number(text)
        if parsed is None or not parsed[0]:
            raise forms.ValidationError(_("Write the case number as SERIES YEAR-NUMBER, e.g. KS 2023-00258."))
        series, year, number = parsed
        case = Case.objects.filter(series__iexact=series, year=year, number=number).first()
        if case is None:
            raise forms.ValidationError(_("There is no case %(number)s.") % {"number": text})
        return case

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["case"] = data.pop("case_number")
        return data


class MinutesApprovalForm(forms.Form):
    approved_on = forms.DateField(label=_("Minutes approved"), widget=DATE)
    adjusters = forms.CharField(
        label=_("Adjusted by"), max_length=300, help_text=_("The chair and the members who adjusted the minutes.")
    )
