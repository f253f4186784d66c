"""Forms of the ledger pages: upload, the unit dimension, a result unit's ledger objects, the account rules and the
drill-down's parameters."""

import re

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from intraprenad.accounts.access import EVERYWHERE, unit_ids_for
from intraprenad.accounts.models import OrgUnit
from intraprenad.economy.lines import LINE_ORDER, Line

# The dimensions the SIE format reserves (SIE 4B, section 8.17); any other number can be set on the mapping page.
SIE_DIMENSIONS = {
    "1": _("cost centre / result unit"),
    "2": _("cost unit"),
    "6": _("project"),
    "7": _("employee"),
    "8": _("customer"),
    "9": _("supplier"),
    "10": _("invoice"),
}


def dimension_choices(current: str) -> list[tuple[str, str]]:
    choices = [(number, f"{number} – {label}") for number, label in SIE_DIMENSIONS.items()]
    if current not in SIE_DIMENSIONS:
        choices.insert(0, (current, current))
    return [
        (value, _("%(dimension)s (the setting)") % {"dimension": label} if value == current else label)
        for value, label in choices
    ]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Ledger file"),
        help_text=_("An SIE file (types 1–4, .se/.si), or the CSV or Excel template below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".se,.si,.sie,.SE,.SI,.csv,.xlsx,.txt"}),
    )
    dimension = forms.ChoiceField(
        label=_("Dimension that identifies result units"),
        help_text=_("Whose objects (e.g. responsibility 41020) the transactions are summed by."),
    )
    allow_differences = forms.BooleanField(
        label=_("Import anyway if the file does not agree with itself"),
        help_text=_(
            "Unbalanced vouchers and differences against the file's own balances are then recorded with the "
            "import instead of refusing it. A wrong checksum is always refused."
        ),
        required=False,
    )

    def __init__(self, *args, current_dimension: str = "1", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dimension"].choices = dimension_choices(current_dimension)
        self.fields["dimension"].initial = current_dimension

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.LEDGER_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.LEDGER_UPLOAD_MAX_BYTES // 1_000_000}
            )
        return upload


class DimensionForm(forms.Form):
    unit_dimension = forms.RegexField(
        label=_("Dimension for result units"),
        regex=r"^\d{1,10}$",
        max_length=10,
        help_text=_("The SIE dimension number; 1 is cost centre/responsibility. Applies to imports from now on."),
        error_messages={"invalid": _("A dimension is a number, e.g. 1.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )


class ResultUnitForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none())
    is_comparison = forms.BooleanField(
        label=_("Comparable unit"),
        required=False,
        help_text=_("A unit run by the administration, followed for comparison (not an intraprenad)."),
    )
    objects = forms.CharField(
        label=_("Ledger objects"),
        required=False,
        help_text=_(
            "The unit's objects in the result-unit dimension, separated by commas or spaces (e.g. 41020, "
            "41021). Leave empty to stop following the unit's ledger."
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.filter(kind=OrgUnit.Kind.UNIT, is_active=True).order_by("name")
        scope = unit_ids_for(user, "economy.manage_ledger") if user is not None else set()
        if scope is not EVERYWHERE:
            units = units.filter(pk__in=scope)
        self.fields["org_unit"].queryset = units

    def clean_objects(self) -> list[str]:
        return [part for part in re.split(r"[\s,;]+", self.cleaned_data["objects"]) if part]


class RuleForm(forms.Form):
    prefix = forms.RegexField(
        label=_("Account prefix"),
        regex=r"^\d{1,10}$",
        max_length=10,
        error_messages={"invalid": _("Give the first digits of the accounts, e.g. 3 or 4530.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 8}),
    )
    line = forms.ChoiceField(label=_("Line"), choices=Line.choices)


class BaseRuleFormSet(forms.BaseFormSet):
    def rules(self) -> list[tuple[str, str]]:
        """The rules of the filled-in rows that are not ticked for removal (blank extra rows are left out)."""
        rules = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if self.can_delete and self._should_delete_form(form) or not data.get("prefix"):
                continue
            rules.append((data["prefix"], data["line"]))
        return rules


RuleFormSet = forms.formset_factory(RuleForm, formset=BaseRuleFormSet, extra=3, can_delete=True)


class DrilldownForm(forms.Form):
    unit = forms.IntegerField(min_value=1)
    year = forms.IntegerField(min_value=1900, max_value=2200)
    month = forms.IntegerField(min_value=1, max_value=12, required=False)
    line = forms.ChoiceField(choices=[("", "")] + [(code, code) for code in LINE_ORDER], required=False)
    page = forms.IntegerField(min_value=1, required=False)
