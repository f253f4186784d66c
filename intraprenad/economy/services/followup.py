"""The follow-up's changes of state: a forecast entered by the unit, early warnings raised by the
system when the forecast shows too large a deficit, and warnings acknowledged.

Each function runs in one transaction and writes one audit row per change (the early-warning check
one per warning it raises). The warning e-mails go out only when the transaction commits.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intraprenad.accounts import audit
from intraprenad.accounts.access import require_perm
from intraprenad.accounts.models import OrgUnit, Role, RoleAssignment
from intraprenad.economy.models import Budget, EarlyWarning, ForecastEntry, ResultUnit
from intraprenad.economy.queries import followup as queries
from intraprenad.economy.rules import forecast as rules
from intraprenad.economy.rules.money import format_kronor

# The e-mail is an outgoing municipal message and always Swedish, like the generated documents.
METHOD_NAMES_SV = {
    rules.RUN_RATE: "rak framskrivning av året hittills",
    rules.SEASONAL: "säsongsprofil från tidigare år",
    rules.MANUAL: "prognos inlagd av enheten",
}
WARNING_ROLES = (Role.UNIT_HEAD, Role.ECONOMIST)


def audit_subject(result_unit: ResultUnit):
    """Whose history an event belongs to: the unit's intraprenad if it has one, else the result unit."""
    from intraprenad.lifecycle.models import Intraprenad

    intraprenad = Intraprenad.objects.filter(unit_id=result_unit.org_unit_id).order_by("-created_at", "-id").first()
    return intraprenad or result_unit


@transaction.atomic
def enter_forecast(
    *, by, result_unit: ResultUnit, year: int, month: int, result_ore: int, comment: str
) -> ForecastEntry:
    """Record the unit's own full-year forecast of the net result after `month`, with the reasoning behind it."""
    result_unit = ResultUnit.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=result_unit.pk)
    require_perm(by, "economy.enter_forecast", result_unit)
    comment = (comment or "").strip()
    errors = {}
    if not comment:
        errors["comment"] = _("Explain the forecast in a comment: what it builds on and what has changed.")
    if not 1 <= month <= 12:
        errors["month"] = _("The month must be between 1 and 12.")
    if errors:
        raise ValidationError(errors)
    entry = ForecastEntry.objects.create(
        result_unit=result_unit,
        year=year,
        month=month,
        result_ore=result_ore,
        comment=comment,
        entered_by=by,
        entered_at=timezone.now(),
    )
    audit.record(
        actor=by,
        verb="forecastentry.entered",
        target=entry,
        subject=audit_subject(result_unit),
        changes={"year": year, "month": month, "result_ore": result_ore, "comment": comment},
    )
    return entry


@transaction.atomic
def acknowledge_warning(*, by, warning: EarlyWarning) -> EarlyWarning:
    """The unit head or economist has seen the warning (it leaves the list of open warnings)."""
    warning = EarlyWarning.objects.select_for_update(of=("self",)).select_related("result_unit").get(pk=warning.pk)
    require_perm(by, "economy.enter_forecast", warning)
    if warning.acknowledged_at is not None:
        raise ValidationError(_("The warning has already been acknowledged."))
    warning.acknowledged_by = by
    warning.acknowledged_at = timezone.now()
    warning.save(update_fields=["acknowledged_by", "acknowledged_at"])
    audit.record(
        actor=by,
        verb="earlywarning.acknowledged",
        target=warning,
        subject=audit_subject(warning.result_unit),
        changes={"year": warning.year, "month": warning.month},
    )
    return warning


@transaction.atomic
def check_early_warnings(*, year: int, today: date) -> list[EarlyWarning]:
    """System action (after each ledger import): raise a warning for every result unit whose forecast after its
    latest month with actuals falls short of its approved budget's net result by more than the threshold in
    the guidelines in force for its board. At most one warning per unit, year and month; the new ones are
    audited and e-mailed (on commit) to the unit heads and economists whose scope covers the unit."""
    budgeted = set(
        Budget.objects.filter(year=year, status=Budget.Status.APPROVED).values_list("result_unit_id", flat=True)
    )
    # A year whose December is in the ledger is over: its result goes to the closing, not to a warning.
    latest = {
        unit_id: month
        for unit_id, month in queries.latest_months(None, year).items()
        if unit_id in budgeted and not rules.is_finished_year(month)
    }
    existing = set(EarlyWarning.objects.filter(year=year).values_list("result_unit_id", "month"))
    by_month: dict[int, list[int]] = {}
    for unit_id, month in latest.items():
        if (unit_id, month) not in existing:
            by_month.setdefault(month, []).append(unit_id)
    if not by_month:
        return []
    units = {u.pk: u for u in ResultUnit.objects.filter(pk__in=list(latest)).select_related("org_unit")}
    tree = queries.org_tree()
    shares: dict[int | None, Decimal] = {}
    raised = []
    for month, unit_ids in sorted(by_month.items()):
        for unit_id, figures in queries.unit_figures(unit_ids, year, month).items():
            if figures.forecast is None:
                continue
            board_id = queries.board_of(units[unit_id].org_unit_id, tree)
            if board_id not in shares:
                board = OrgUnit.objects.get(pk=board_id) if board_id else None
                shares[board_id] = queries.warning_share(board, today)
            threshold = rules.warning_threshold(rules.annual_costs(figures.budget_year), shares[board_id])
            if not rules.needs_warning(figures.forecast_deviation_ore, threshold):
                continue
            warning, created = EarlyWarning.objects.get_or_create(
                result_unit_id=unit_id,
                year=year,
                month=month,
                defaults={
                    "method": figures.forecast.method,
                    "forecast_ore": figures.forecast.result_ore,
                    "threshold_ore": threshold,
                    "created_at": timezone.now(),
                },
            )
            if not created:
                continue
            unit = units[unit_id]
            audit.record(
                actor=None,
                verb="earlywarning.raised",
                target=warning,
                subject=audit_subject(unit),
                changes={
                    "year": year,
                    "month": month,
                    "method": warning.method,
                    "forecast_ore": warning.forecast_ore,
                    "budget_ore": figures.budget_year_ore,
                    "threshold_ore": threshold,
                },
            )
            transaction.on_commit(lambda pk=warning.pk, budget=figures.budget_year_ore: _mail_warning(pk, budget))
            raised.append(warning)
    return raised


def warning_recipients(result_unit: ResultUnit) -> list[str]:
    """E-mail addresses of the active unit heads and economists whose scope covers the unit."""
    ancestors, node = [], result_unit.org_unit
    while node is not None:
        ancestors.append(node.pk)
        node = node.parent
    addresses = (
        RoleAssignment.objects.filter(role__in=WARNING_ROLES, org_unit_id__in=ancestors, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(addresses))


def warning_message(warning: EarlyWarning, budget_ore: int) -> tuple[str, str]:
    """The warning e-mail's subject and body (Swedish)."""
    unit = warning.result_unit
    with translation.override("sv"):
        month = queries.month_name(warning.month)
    path = reverse("economy_unit", kwargs={"pk": unit.pk}) + f"?year={warning.year}&month={warning.month}"
    link = getattr(settings, "SITE_URL", "").rstrip("/") + path
    deviation = warning.forecast_ore - budget_ore
    subject = f"Tidig varning: prognostiserat underskott för {unit} {warning.year}"
    body = (
        f"Hej!\n\n"
        f"Helårsprognosen för {unit} efter {month} {warning.year} är {format_kronor(warning.forecast_ore)} "
        f"(metod: {METHOD_NAMES_SV.get(warning.method, warning.method)}). Budgeterat resultat för året är "
        f"{format_kronor(budget_ore)}. Prognosen ligger {format_kronor(-deviation)} under budget, mer än "
        f"gränsen för tidig varning i riktlinjerna ({format_kronor(warning.threshold_ore)}).\n\n"
        f"Se uppföljningen och lägg gärna in en egen prognos med kommentar:\n{link}\n\n"
        f"Meddelandet skickades automatiskt av systemet för intraprenader."
    )
    return subject, body


def _mail_warning(warning_id: int, budget_ore: int) -> None:
    warning = EarlyWarning.objects.select_related("result_unit__org_unit").get(pk=warning_id)
    subject, body = warning_message(warning, budget_ore)
    for address in warning_recipients(warning.result_unit):
        send_mail(subject, body, None, [address])
