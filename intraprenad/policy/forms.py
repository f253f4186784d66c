from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intraprenad.accounts.models import OrgUnit
from intraprenad.cases.models import Paragraph

from . import parameters as P
from .guideline_file import ITEM_LISTS
from .models import GuidelineRevision


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Guidelines file (TOML)"),
        help_text=gettext_lazy("A file exported from this system or written in the same format."),
    )
    board = forms.ModelChoiceField(
        label=gettext_lazy("Board"),
        queryset=OrgUnit.objects.filter(kind__in=OrgUnit.DECISION_BODIES),
        required=False,
        empty_label=gettext_lazy("As given in the file"),
        help_text=gettext_lazy("Leave empty to use the board named in the file (none: the whole municipality)."),
    )


def _parameter_field(param: P.Parameter) -> forms.Field:
    common = {"label": param.label, "help_text": param.help, "required": not param.optional}
    if param.kind == "int":
        return forms.IntegerField(min_value=param.minimum, max_value=param.maximum, **common)
    if param.kind in {"decimal", "percent"}:
        return forms.DecimalField(min_value=param.minimum, max_value=param.maximum, max_digits=14, **common)
    if param.kind == "bool":
        return forms.BooleanField(label=param.label, help_text=param.help, required=False)
    return forms.ChoiceField(choices=param.choices, **common)


def items_text(items) -> str:
    """Items as the textarea shows them: one per line, "key | title | guidance"."""
    lines = []
    for item in items:
        guidance = " ".join(item.guidance.split())
        lines.append(f"{item.key} | {item.title} | {guidance}" if guidance else f"{item.key} | {item.title}")
    return "\n".join(lines)


class RevisionForm(forms.Form):
    """A draft's metadata, every declared parameter, and its items as one textarea per kind."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    valid_from = forms.DateField(
        label=gettext_lazy("Valid from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, revision: GuidelineRevision, **kwargs):
        values = P.values(revision)
        initial = {
            "title": revision.title,
            "valid_from": revision.valid_from,
            "description": revision.description,
            **values,
        }
        items = list(revision.items.order_by("kind", "order"))
        for _list_name, kind, _label in ITEM_LISTS:
            initial[f"items_{kind}"] = items_text(item for item in items if item.kind == kind)
        super().__init__(*args, initial=initial, **kwargs)
        for param in P.PARAMETERS:
            self.fields[param.name] = _parameter_field(param)
        for _list_name, kind, label in ITEM_LISTS:
            self.fields[f"items_{kind}"] = forms.CharField(
                label=label,
                required=False,
                widget=forms.Textarea(attrs={"rows": 8}),
                help_text=gettext_lazy('One item per line: "key | title | guidance". The order of the lines is kept.'),
            )

    def fieldsets(self) -> list[tuple[str, list]]:
        """(legend, bound fields) in the order the page shows them."""
        sets = [(_("Guidelines"), [self["title"], self["valid_from"], self["description"]])]
        for group, label in P.GROUPS:
            sets.append((str(label), [self[p.name] for p in P.PARAMETERS if p.group == group]))
        sets.append((_("Required items"), [self[f"items_{kind}"] for _name, kind, _label in ITEM_LISTS]))
        return sets

    def clean(self):
        cleaned = super().clean()
        for _list_name, kind, _label in ITEM_LISTS:
            name = f"items_{kind}"
            if name not in cleaned:
                continue
            rows = []
            for number, line in enumerate(cleaned[name].splitlines(), start=1):
                if not line.strip():
                    continue
                parts = [part.strip() for part in line.split("|", 2)]
                if len(parts) < 2:
                    self.add_error(
                        name,
                        _('Line %(line)s: write "key | title | guidance" (guidance may be left out).')
                        % {"line": number},
                    )
                    break
                rows.append((parts[0], parts[1], parts[2] if len(parts) == 3 else ""))
            cleaned[name] = rows
        return cleaned

    def parameter_values(self) -> dict:
        return {p.name: self.cleaned_data.get(p.name) for p in P.PARAMETERS}

    def item_rows(self) -> dict[str, list[tuple[str, str, str]]]:
        return {kind: self.cleaned_data[f"items_{kind}"] for _name, kind, _label in ITEM_LISTS}


class DecisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Paragraph) -> str:
        return f"{obj.reference} – {obj.title} ({obj.meeting.date:%Y-%m-%d})"


class AdoptForm(forms.Form):
    decision = DecisionChoiceField(
        label=gettext_lazy("Adopting decision"),
        queryset=Paragraph.objects.none(),
        help_text=gettext_lazy("A paragraph of the minutes that approved or adopted these guidelines."),
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions


class RevisionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: GuidelineRevision) -> str:
        # A new draft starts as a copy, so title and date alone do not tell it from the version it came from.
        return f"{obj} – {obj.get_status_display()}"


class CompareForm(forms.Form):
    other = RevisionChoiceField(label=gettext_lazy("Compare with"), queryset=GuidelineRevision.objects.none())

    def __init__(self, *args, revisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = revisions
