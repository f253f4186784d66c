"""Forms of the follow-up pages. They validate input only; the services decide and save."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

FIRST_YEAR, LAST_YEAR = 2000, 2100
MONTH_CHOICES = [(m, MONTHS[m]) for m in range(1, 13)]


class PeriodForm(forms.Form):
    """Which year, and after which month, a follow-up page shows (GET)."""

    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, required=False)
    month = forms.TypedChoiceField(
        label=_("After month"),
        choices=[("", _("Latest with actuals")), *MONTH_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )


def parse_kronor(text: str) -> Decimal:
    """An amount in kronor as people type it: "−35 000 000", "-1 234,50", "1234.5"."""
    cleaned = re.sub(r"[\s\u00a0\u202f]", "", text or "").replace("\u2212", "-").replace(",", ".")
    if cleaned.lower().endswith("kr"):
        cleaned = cleaned[:-2]
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(_("Enter an amount in kronor, for example −350 000.")) from None
    if not value.is_finite() or value.as_tuple().exponent < -2 or abs(value) >= Decimal("1e13"):
        raise ValidationError(_("Enter an amount in kronor, for example −350 000."))
    return value


class ForecastForm(forms.Form):
    """The unit's own full-year forecast of its net result after a month, with the reasoning."""

    year = forms.IntegerField(widget=forms.HiddenInput, min_value=FIRST_YEAR, max_value=LAST_YEAR)
    month = forms.TypedChoiceField(label=_("After month"), choices=MONTH_CHOICES, coerce=int)
    result = forms.CharField(
        label=_("Forecast net result for the year (SEK)"),
        help_text=_("A surplus as a positive amount, a deficit as a negative one, e.g. −350 000."),
        max_length=30,
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the forecast builds on and what has changed since the budget."),
    )

    def clean_result(self) -> int:
        """The amount in öre."""
        return int(parse_kronor(self.cleaned_data["result"]) * 100)
