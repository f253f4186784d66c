"""Forms of the budget pages: amounts are entered in kronor (result sign) and handed to the services in öre."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from intraprenad.cases.models import Paragraph
from intraprenad.economy.lines import LINE_ORDER, Line
from intraprenad.economy.rules.budget import FIRST_YEAR, LAST_YEAR, MONTHS, RATE_LIMIT

KRONOR = {"max_digits": 15, "decimal_places": 2}
RATE = {"max_digits": 6, "decimal_places": 2, "min_value": -RATE_LIMIT, "max_value": RATE_LIMIT}
SIGN_HELP = _("Revenue as a positive amount, costs as negative amounts (for example −9 500 000).")


def ore(kronor: Decimal | None) -> int:
    return int((kronor or Decimal(0)) * 100)


class SwedishDecimalField(forms.DecimalField):
    """A number as people type it here: decimal comma or point, spaces between thousands, a real minus sign."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f]", "", value).replace("\u2212", "-").replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget):
        # no min/max/step: the widget is text, and the limits are checked (and explained) on the server
        return {}


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Budget year"))
        super().__init__(min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)


class BudgetIndexForm(forms.Form):
    """One year of the index table."""

    year = YearField()
    personnel_percent = SwedishDecimalField(label=_("Personnel costs (%)"), **RATE)
    other_percent = SwedishDecimalField(label=_("Other operating costs (%)"), **RATE)
    revenue_percent = SwedishDecimalField(
        label=_("Revenue and frame (%)"),
        initial=Decimal("0"),
        help_text=_("How much the unit's revenue and budget frame are raised."),
        **RATE,
    )
    source = forms.CharField(
        label=_("Source"), max_length=200, help_text=_("Where the rates come from, e.g. “SKR PKV October 2024”.")
    )


class NewBudgetForm(forms.Form):
    """Start a draft for a year: from scratch, or from the previous year's approved budget, indexed."""

    START_EMPTY = "empty"
    START_PREVIOUS = "previous"

    year = YearField()
    start = forms.ChoiceField(
        label=_("Start from"),
        choices=[
            (START_PREVIOUS, _("The previous year's approved budget, without its one-time items, indexed")),
            (START_EMPTY, _("An empty budget")),
        ],
        initial=START_PREVIOUS,
        widget=forms.RadioSelect,
    )
    include_start_up = forms.BooleanField(
        label=_("Include the start-up frame increase as a one-time item in the intraprenad's first year"),
        required=False,
    )

    def __init__(self, *args, start_up_year: int | None = None, **kwargs):
        """`start_up_year`: the intraprenad's first budget year when the unit has a start-up frame increase to
        offer (the box is then shown, and ticked when the form opens on that year), else None."""
        super().__init__(*args, **kwargs)
        if start_up_year is None:
            del self.fields["include_start_up"]
        else:
            opens_on = self.get_initial_for_field(self.fields["year"], "year")
            self.fields["include_start_up"].initial = opens_on == start_up_year


class BudgetEditForm(forms.Form):
    """A draft's yearly amount per line, how to spread it over the months, and the comment."""

    DISTRIBUTIONS = [
        ("even", _("Evenly over the twelve months")),
        ("keep", _("Like the draft's months now")),
        ("actuals", _("Like last year's actual months")),
    ]

    distribution = forms.ChoiceField(
        label=_("Spread over the months"), choices=DISTRIBUTIONS, initial="keep", widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lines = {
            f"line_{line}": SwedishDecimalField(
                label=_("%(line)s, kronor per year") % {"line": Line(line).label},
                required=False,
                help_text=SIGN_HELP if line == LINE_ORDER[0] else "",
                **KRONOR,
            )
            for line in LINE_ORDER
        }
        self.fields = {**lines, **self.fields}

    @staticmethod
    def initial_for(annual_ore: dict[str, int], comment: str) -> dict:
        return {
            **{f"line_{line}": Decimal(annual_ore.get(line, 0)) / 100 for line in LINE_ORDER},
            "comment": comment,
            "distribution": "keep",
        }

    def annual(self) -> dict[str, int]:
        return {line: ore(self.cleaned_data[f"line_{line}"]) for line in LINE_ORDER}


class BudgetItemForm(forms.Form):
    """A one-time item: a description, the line, the amount in kronor and the month."""

    description = forms.CharField(label=_("Description"), max_length=200)
    line = forms.ChoiceField(label=_("Line"), choices=[("", "---------"), *Line.choices])
    amount = SwedishDecimalField(label=_("Amount (kronor)"), **KRONOR)
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, choices=[(m, str(m)) for m in MONTHS], initial=1)

    def has_changed(self) -> bool:
        """A row left blank is no item; saving replaces all the items."""
        return any(self.data.get(self.add_prefix(name)) not in (None, "") for name in ("description", "line", "amount"))

    def item(self) -> dict:
        data = self.cleaned_data
        return {
            "line": data["line"],
            "description": data["description"],
            "amount_ore": ore(data["amount"]),
            "month": data["month"],
        }


class BaseItemFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        kwargs["empty_permitted"] = True
        return super()._construct_form(i, **kwargs)

    def items(self) -> list[dict]:
        return [
            form.item()
            for form in self.forms
            if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


BudgetItemFormSet = forms.formset_factory(BudgetItemForm, formset=BaseItemFormSet, extra=2, can_delete=True)


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, paragraph: Paragraph) -> str:
        return f"{paragraph.short_reference} {paragraph.meeting.date:%Y-%m-%d} – {paragraph.title}"


class ApproveBudgetForm(forms.Form):
    decision = DecisionChoiceField(
        label=_("Decision (optional)"),
        queryset=Paragraph.objects.none(),
        required=False,
        help_text=_("The paragraph of the board's minutes that adopted this budget, if there is one."),
    )

    def __init__(self, *args, body_ids: set[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = (
            Paragraph.objects.filter(body_id__in=body_ids)
            .select_related("meeting", "body")
            .order_by("-meeting__date", "-number")
        )


class BudgetImportForm(forms.Form):
    file = forms.FileField(
        label=_("Budget file (CSV or Excel)"),
        help_text=_("Filled-in copy of the template: one row per amount, the first row naming the columns."),
    )
    replace_drafts = forms.BooleanField(
        label=_("Replace a unit's existing draft for the year"),
        required=False,
        help_text=_("Without this, a unit that already has a draft for the year stops the whole import."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file made from the template."))
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB; a budget file is much smaller."))
        return upload
