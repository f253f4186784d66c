"""Rules of the guidelines as plain functions (no queries): parameter values, required items,
the revision state machine, the adopting decision, and comparing two revisions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .parameters import BY_NAME, PARAMETERS, Parameter

if TYPE_CHECKING:
    from .guideline_file import GuidelineData

REVISION_TRANSITIONS: dict[str, set[str]] = {
    "draft": {"adopted"},
    "adopted": set(),
}
ADOPTING_OUTCOMES = frozenset({"approve", "adopt"})
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
KEY_MAX_LENGTH = 60
TITLE_MAX_LENGTH = 200


class ParameterError(ValueError):
    """A parameter value that cannot be accepted; `field` is the parameter name."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- parameter values -------------------------------------------------------------------------


def _number_text(value: Decimal | int) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _check_bounds(param: Parameter, value: Decimal | int) -> None:
    low, high = param.minimum, param.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            message = _("the value must be between %(min)s and %(max)s") % {
                "min": _number_text(low),
                "max": _number_text(high),
            }
        elif low is not None:
            message = _("the value must be at least %(min)s") % {"min": _number_text(low)}
        else:
            message = _("the value must be at most %(max)s") % {"max": _number_text(high)}
        raise ParameterError(param.name, message)


def clean_parameter(param: Parameter, raw: Any) -> Any:
    """The typed value of `raw` for `param`, or ParameterError saying what is wrong.

    Accepts what a file or a form gives: numbers, numeric strings (decimal comma allowed), and an
    empty string or None for "no value" on optional parameters.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if param.optional:
            return None
        raise ParameterError(param.name, _("a value is required"))
    if param.kind == "int":
        if isinstance(raw, bool | float | Decimal):
            raise ParameterError(param.name, _("the value must be a whole number"))
        try:
            value = int(raw.strip()) if isinstance(raw, str) else int(raw)
        except (TypeError, ValueError):
            raise ParameterError(param.name, _("the value must be a whole number")) from None
        _check_bounds(param, value)
        return value
    if param.kind in {"decimal", "percent"}:
        if isinstance(raw, bool):
            raise ParameterError(param.name, _("the value must be a number"))
        try:
            if isinstance(raw, str):
                value = Decimal(raw.strip().replace(",", ".").replace(" ", ""))
            elif isinstance(raw, float):
                value = Decimal(repr(raw))
            else:
                value = Decimal(raw)
        except (InvalidOperation, TypeError, ValueError):
            raise ParameterError(param.name, _("the value must be a number")) from None
        if not value.is_finite():
            raise ParameterError(param.name, _("the value must be a number"))
        _check_bounds(param, value)
        return value
    if param.kind == "bool":
        if not isinstance(raw, bool):
            raise ParameterError(param.name, _("the value must be true or false"))
        return raw
    if param.kind == "choice":
        allowed = [key for key, _label in param.choices]
        if raw not in allowed:
            raise ParameterError(
                param.name,
                _("the value must be one of: %(choices)s") % {"choices": ", ".join(f'"{c}"' for c in allowed)},
            )
        return raw
    raise ParameterError(param.name, _("unknown parameter type %(kind)s") % {"kind": param.kind})


def check_parameter_combination(values: dict[str, Any]) -> None:
    """Checks across parameters; raise ParameterError naming the parameter to correct."""
    low, high = values.get("training_sessions_min"), values.get("training_sessions_max")
    if low is not None and high is not None and low > high:
        raise ParameterError(
            "training_sessions_max",
            _("the most sessions (%(max)s) must not be fewer than the fewest sessions (%(min)s)")
            % {"max": high, "min": low},
        )
    notice, years = values.get("renewal_notice_months"), values.get("agreement_period_years")
    if notice is not None and years is not None and not 1 <= notice < years * 12:
        raise ParameterError(
            "renewal_notice_months",
            _("the renewal notice must be at least one month and shorter than the agreement period (%(months)s months)")
            % {"months": years * 12},
        )
    if values.get("staff_support_rule") == "share" and not values.get("staff_support_share"):
        raise ParameterError(
            "staff_support_share",
            _("a share of staff must be given (above 0) when the rule is 'at least a given share'"),
        )


def clean_parameters(raw: dict[str, Any]) -> dict[str, Any]:
    """Every declared parameter, typed and checked; missing ones take their default.

    Raises ParameterError for an unknown name, a bad value or a bad combination.
    """
    for name in raw:
        if name not in BY_NAME:
            raise ParameterError(name, _("unknown parameter"))
    values = {p.name: clean_parameter(p, raw[p.name]) if p.name in raw else p.default for p in PARAMETERS}
    check_parameter_combination(values)
    return values


def display_value(param: Parameter, value: Any) -> str:
    """A parameter value as a person reads it: labels for choices, "75 %" for shares."""
    if value is None:
        return _("(none)")
    if param.kind == "choice":
        return str(dict(param.choices).get(value, value))
    if param.kind == "bool":
        return _("yes") if value else _("no")
    if param.kind == "percent":
        return f"{number_format(value, use_l10n=True)} %"
    if param.kind == "decimal":
        return number_format(value, use_l10n=True)
    return str(value)


# --- required items ---------------------------------------------------------------------------


def item_problems(items: Sequence[tuple[str, str, str]]) -> list[tuple[int, str, str]]:
    """Problems of an ordered list of (key, title, guidance): (index, field, message) per problem."""
    problems: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for index, (key, title, _guidance) in enumerate(items):
        if not key:
            problems.append((index, "key", _("a key is required")))
        elif len(key) > KEY_MAX_LENGTH or not KEY_PATTERN.match(key):
            problems.append(
                (
                    index,
                    "key",
                    _(
                        "the key %(key)s may only contain lower-case letters a-z, digits, - and _ "
                        "(at most %(max)s characters)"
                    )
                    % {"key": f'"{key}"', "max": KEY_MAX_LENGTH},
                )
            )
        elif key in seen:
            problems.append((index, "key", _("the key %(key)s is used twice") % {"key": f'"{key}"'}))
        seen.add(key)
        if not title.strip():
            problems.append((index, "title", _("a title is required")))
        elif len(title) > TITLE_MAX_LENGTH:
            problems.append((index, "title", _("the title may be at most %(max)s characters") % {"max": 200}))
    return problems


# --- state machine and adoption ---------------------------------------------------------------


def _revision_label(status: str) -> str:
    # The same msgids as GuidelineRevision.Status, so the message names the states as the pages do.
    return {"draft": _("Draft"), "adopted": _("Adopted")}.get(status, status)


def check_revision_transition(current: str, target: str) -> None:
    if target not in REVISION_TRANSITIONS.get(current, set()):
        raise ValidationError(
            _("Guidelines cannot go from %(current)s to %(target)s.")
            % {"current": f"”{_revision_label(current)}”", "target": f"”{_revision_label(target)}”"}
        )


def check_is_draft(*, status: str, title: str) -> None:
    """Adopted guidelines never change: a change is a new draft adopted by a new decision."""
    if status != "draft":
        raise ValidationError(
            _(
                "The guidelines “%(title)s” are adopted and can no longer be changed. "
                "Create a new draft from them and have it adopted."
            )
            % {"title": title}
        )


def check_adopting_decision(
    *,
    outcome: str,
    decision_body_id: int,
    decision_body_is_decision_body: bool,
    revision_board_id: int | None,
    used_by_other_revision: bool,
    reference: str,
) -> None:
    """The decision adopting a revision: approved or adopted, by the revision's board (any
    decision body for municipality-wide guidelines), and not already adopting other guidelines."""
    if outcome not in ADOPTING_OUTCOMES:
        raise ValidationError(
            _("The decision %(ref)s did not approve or adopt anything; choose a paragraph that adopts the guidelines.")
            % {"ref": reference}
        )
    if revision_board_id is not None and decision_body_id != revision_board_id:
        raise ValidationError(
            _("The decision %(ref)s was taken by another body; these guidelines must be adopted by their own board.")
            % {"ref": reference}
        )
    if revision_board_id is None and not decision_body_is_decision_body:
        raise ValidationError(_("The decision %(ref)s was not taken by a decision-making body.") % {"ref": reference})
    if used_by_other_revision:
        raise ValidationError(_("The decision %(ref)s already adopted other guidelines.") % {"ref": reference})


# --- comparing revisions ----------------------------------------------------------------------

CHANGE_CLASSES = {
    "added": "diff-added",
    "removed": "diff-removed",
    "changed": "diff-changed",
    "renamed": "diff-changed",
    "moved": "diff-changed",
    "guidance": "diff-changed",
}


@dataclass(frozen=True)
class DiffRow:
    """One difference between two revisions, with display values."""

    section: str  # "metadata", "parameters", or an item list name such as "agreement_clauses"
    change: str  # one of CHANGE_CLASSES
    name: str  # field, parameter name or item key
    label: str  # what a person reads: field label, parameter label or item title
    old: str
    new: str

    @property
    def css_class(self) -> str:
        return CHANGE_CLASSES[self.change]

    @property
    def change_label(self) -> str:
        return {
            "added": _("Added"),
            "removed": _("Removed"),
            "changed": _("Changed"),
            "renamed": _("Renamed"),
            "moved": _("Moved"),
            "guidance": _("Guidance changed"),
        }[self.change]

    @property
    def section_label(self) -> str:
        from .guideline_file import LIST_LABELS

        if self.section == "metadata":
            return _("Guidelines")
        if self.section == "parameters":
            return _("Parameters")
        return str(LIST_LABELS[self.section])


def _longest_common_subsequence(a: list[str], b: list[str]) -> set[str]:
    lengths = [[0] * (len(b) + 1) for _row in range(len(a) + 1)]
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            lengths[i][j] = lengths[i + 1][j + 1] + 1 if a[i] == b[j] else max(lengths[i + 1][j], lengths[i][j + 1])
    kept: set[str] = set()
    i = j = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            kept.add(a[i])
            i, j = i + 1, j + 1
        elif lengths[i + 1][j] >= lengths[i][j + 1]:
            i += 1
        else:
            j += 1
    return kept


def _date_text(value: date) -> str:
    return value.isoformat()


def diff_revisions(a: GuidelineData, b: GuidelineData) -> list[DiffRow]:
    """What changed from `a` to `b`: metadata, parameters (old and new display values), and per
    item list the items added, removed, renamed, moved (relative order) or with new guidance."""
    from .guideline_file import LIST_NAMES

    rows: list[DiffRow] = []
    metadata = (
        ("title", _("Title"), a.title, b.title),
        ("board", _("Board"), a.board or _("Whole municipality"), b.board or _("Whole municipality")),
        ("valid_from", _("Valid from"), _date_text(a.valid_from), _date_text(b.valid_from)),
        ("description", _("Description"), a.description, b.description),
    )
    for name, label, old, new in metadata:
        if old != new:
            rows.append(DiffRow("metadata", "changed", name, str(label), str(old), str(new)))
    for param in PARAMETERS:
        old_value, new_value = a.parameters.get(param.name, param.default), b.parameters.get(param.name, param.default)
        if old_value != new_value:
            rows.append(
                DiffRow(
                    "parameters",
                    "changed",
                    param.name,
                    str(param.label),
                    display_value(param, old_value),
                    display_value(param, new_value),
                )
            )
    for list_name in LIST_NAMES:
        old_items, new_items = a.items_of(list_name), b.items_of(list_name)
        old_by_key = {item.key: (position, item) for position, item in enumerate(old_items, start=1)}
        new_by_key = {item.key: (position, item) for position, item in enumerate(new_items, start=1)}
        for key, (_position, item) in old_by_key.items():
            if key not in new_by_key:
                rows.append(DiffRow(list_name, "removed", key, item.title, item.title, ""))
        kept_in_order = _longest_common_subsequence(
            [item.key for item in old_items if item.key in new_by_key],
            [item.key for item in new_items if item.key in old_by_key],
        )
        for key, (position, item) in new_by_key.items():
            if key not in old_by_key:
                rows.append(DiffRow(list_name, "added", key, item.title, "", item.title))
                continue
            old_position, old_item = old_by_key[key]
            if old_item.title != item.title:
                rows.append(DiffRow(list_name, "renamed", key, item.title, old_item.title, item.title))
            if key not in kept_in_order:
                rows.append(
                    DiffRow(
                        list_name,
                        "moved",
                        key,
                        item.title,
                        _("position %(n)s") % {"n": old_position},
                        _("position %(n)s") % {"n": position},
                    )
                )
            if old_item.guidance != item.guidance:
                rows.append(DiffRow(list_name, "guidance", key, item.title, old_item.guidance, item.guidance))
    return rows
