"""Every tunable of the guidelines, declared once: name, label, type, default, help.

A revision stores its values in `GuidelineRevision.parameters` as JSON (decimals as strings).
Read them through `values(revision)`, which fills in defaults and converts types.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Parameter:
    name: str
    label: Any
    kind: str  # "int" | "decimal" | "percent" | "bool" | "choice"
    default: Any
    help: Any = ""
    choices: tuple[tuple[str, Any], ...] = ()
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    optional: bool = False  # None allowed (e.g. "no cap")
    group: str = ""


STAFF_SUPPORT_CHOICES = (
    ("none", _("No staff support required")),
    ("majority", _("A majority of the staff")),
    ("share", _("At least a given share of the staff")),
)
EXTERNAL_EVALUATOR_CHOICES = (
    ("none", _("No external evaluator")),
    ("optional", _("The administration may engage an external evaluator")),
    ("required", _("An external evaluator is always engaged")),
)

PARAMETERS: tuple[Parameter, ...] = (
    # training
    Parameter(
        "training_sessions_min", _("Training: fewest sessions"), "int", 6, minimum=0, maximum=50, group="training"
    ),
    Parameter("training_sessions_max", _("Training: most sessions"), "int", 8, minimum=0, maximum=50, group="training"),
    Parameter(
        "training_hours_per_session",
        _("Training: hours per session"),
        "decimal",
        Decimal("3"),
        minimum=Decimal("0.5"),
        maximum=Decimal("12"),
        group="training",
    ),
    # application
    Parameter(
        "staff_support_rule",
        _("Staff support for an application"),
        "choice",
        "majority",
        choices=STAFF_SUPPORT_CHOICES,
        group="application",
    ),
    Parameter(
        "staff_support_share",
        _("Required share of staff in favour (%)"),
        "percent",
        Decimal("50"),
        help=_("Used when the rule is 'at least a given share'."),
        minimum=Decimal("0"),
        maximum=Decimal("100"),
        group="application",
    ),
    Parameter(
        "min_years_positive_result",
        _("Eligibility: consecutive years with a positive result"),
        "int",
        0,
        minimum=0,
        maximum=20,
        group="application",
    ),
    Parameter(
        "min_unit_staff",
        _("Eligibility: smallest number of staff in the unit"),
        "int",
        0,
        minimum=0,
        maximum=10000,
        group="application",
    ),
    # agreement
    Parameter(
        "agreement_period_years", _("Agreement period (years)"), "int", 3, minimum=1, maximum=10, group="agreement"
    ),
    Parameter(
        "renewal_notice_months",
        _("Renewal notice before the period ends (months)"),
        "int",
        6,
        minimum=0,
        maximum=36,
        group="agreement",
    ),
    # year-end
    Parameter(
        "surplus_share_unit",
        _("Share of a surplus kept by the unit (%)"),
        "percent",
        Decimal("100"),
        minimum=Decimal("0"),
        maximum=Decimal("100"),
        group="year_end",
    ),
    Parameter(
        "fund_cap_share_of_turnover",
        _("Result fund cap as a share of turnover (%)"),
        "percent",
        None,
        optional=True,
        minimum=Decimal("0"),
        maximum=Decimal("100"),
        group="year_end",
        help=_("Empty: no cap as a share of turnover."),
    ),
    Parameter(
        "fund_cap_amount",
        _("Result fund cap (SEK)"),
        "decimal",
        None,
        optional=True,
        minimum=Decimal("0"),
        group="year_end",
        help=_("Empty: no cap as an amount."),
    ),
    Parameter(
        "deficit_share_unit",
        _("Share of a deficit borne by the unit (%)"),
        "percent",
        Decimal("100"),
        minimum=Decimal("0"),
        maximum=Decimal("100"),
        group="year_end",
    ),
    Parameter(
        "forecast_warning_share",
        _("Early warning: forecast deficit larger than this share of the year's costs (%)"),
        "percent",
        Decimal("1"),
        minimum=Decimal("0"),
        maximum=Decimal("100"),
        group="year_end",
        help=_("The unit head and the economist are warned when the full-year forecast shows a larger deficit."),
    ),
    Parameter(
        "action_plan_deadline_months",
        _("Action plan: months to restore balance"),
        "int",
        12,
        minimum=1,
        maximum=60,
        group="year_end",
    ),
    # evaluation
    Parameter(
        "evaluation_cadence_months",
        _("Evaluation every (months)"),
        "int",
        12,
        minimum=1,
        maximum=60,
        group="evaluation",
    ),
    Parameter(
        "external_evaluator",
        _("External evaluator"),
        "choice",
        "optional",
        choices=EXTERNAL_EVALUATOR_CHOICES,
        group="evaluation",
    ),
)

BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}
GROUPS = (
    ("training", _("Training programme")),
    ("application", _("Application and eligibility")),
    ("agreement", _("Agreement")),
    ("year_end", _("Year-end: surplus, deficit and result fund")),
    ("evaluation", _("Follow-up and evaluation")),
)


def to_python(param: Parameter, raw: Any) -> Any:
    """Convert a stored JSON value to its Python type (no validation)."""
    if raw is None:
        return None
    if param.kind in {"decimal", "percent"}:
        return Decimal(str(raw))
    if param.kind == "int":
        return int(raw)
    if param.kind == "bool":
        return bool(raw)
    return str(raw)


def to_json(param: Parameter, value: Any) -> Any:
    if value is None:
        return None
    if param.kind in {"decimal", "percent"}:
        return str(Decimal(value))
    return value


def values(revision_or_dict) -> dict[str, Any]:
    """All parameter values of a revision (or a stored dict), defaults filled in, typed."""
    stored = getattr(revision_or_dict, "parameters", revision_or_dict) or {}
    return {p.name: to_python(p, stored[p.name]) if p.name in stored else p.default for p in PARAMETERS}
