"""The audit log in words: a label for every verb, and the recorded changes made readable.

Every verb passed to `audit.record` needs a label here; `tests/test_audit_labels.py` scans the source
and fails until a new verb has one. Keep labels for verbs that are no longer written: old rows keep
their verb for ever.
"""

import functools

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

VERB_LABELS = {
    # cases
    "case.registered": _("Case registered"),
    "case.closed": _("Case closed"),
    "document.registered": _("Document registered"),
    "document.corrected": _("Document corrected"),
    "meeting.created": _("Meeting scheduled"),
    "meeting.held": _("Meeting held"),
    "meeting.minutes_approved": _("Minutes approved"),
    "paragraph.recorded": _("Paragraph recorded in the minutes"),
    "motion.registered": _("Motion registered"),
    "motion.council_paragraph_linked": _("Council paragraph linked to the motion"),
    "referral.sent": _("Case referred for comment"),
    "referral.answered": _("Referral answered"),
    # policy
    "revision.imported": _("Guidelines imported as a draft"),
    "revision.created": _("New guidelines draft created"),
    "revision.updated": _("Guidelines draft changed"),
    "revision.adopted": _("Guidelines adopted"),
    # lifecycle
    "intraprenad.registered": _("Expression of interest registered"),
    "intraprenad.initiated": _("Started by board initiative"),
    "intraprenad.withdrawn": _("Withdrawn"),
    "training_programme.offered": _("Training offered"),
    "training_session.added": _("Training session added"),
    "training_session.attendance_recorded": _("Training attendance recorded"),
    "training_programme.presentation_recorded": _("Business idea presented"),
    "training_programme.completed": _("Training completed"),
    "application.started": _("Application started"),
    "application.updated": _("Application changed"),
    "application.budget_set": _("Application budget set"),
    "application.submitted": _("Application submitted"),
    "application.prepared": _("Application prepared for decision"),
    "application.granted": _("The board granted the application"),
    "application.rejected": _("The board rejected the application"),
    "memo.written": _("Official memo written"),
    "agreement.drafted": _("Agreement drafted"),
    "agreement.updated": _("Agreement changed"),
    "agreement.decided": _("The board decided the agreement"),
    "agreement.signed": _("Agreement signed"),
    "agreement.renewal_started": _("Renewal of the agreement started"),
    "agreement.expired": _("The agreement period ended without renewal: the intraprenad ended"),
    "termination.proposed": _("Termination proposed"),
    "termination.decided": _("The board ended the intraprenad"),
    "termination.rejected": _("The board rejected the termination"),
    "termination.took_effect": _("The termination took effect: the intraprenad ended"),
    # economy: ledger
    "ledger_import.uploaded": _("Ledger uploaded for import"),
    "ledger_import.imported": _("Ledger imported"),
    "ledger_import.refused": _("Ledger import refused"),
    "result_unit.mapped": _("Result unit mapped to the ledger"),
    "ledger_settings.changed": _("Dimension for result units changed"),
    "ledger_settings.rules_changed": _("Account mapping to the income statement changed"),
    "ledger_settings.rules_seeded": _("Standard accounts (Kommun-Bas) entered"),
    # economy: budgets
    "budget.drafted": _("Budget drafted"),
    "budget.drafted_from_previous": _("Budget drafted from the previous year, indexed"),
    "budget.imported": _("Budget imported from a file"),
    "budget.updated": _("Draft budget changed"),
    "budget.approved": _("Budget approved"),
    "budget.version_created": _("New budget version created"),
    "budget.draft_deleted": _("Draft budget deleted"),
    "budget_index.created": _("Budget index entered"),
    "budget_index.updated": _("Budget index revised"),
    # economy: follow-up
    "forecastentry.entered": _("Forecast entered"),
    "earlywarning.raised": _("Early warning raised"),
    "earlywarning.acknowledged": _("Early warning acknowledged"),
    # economy: year-end
    "year_end_closing.prepared": _("Year-end closing prepared"),
    "year_end_closing.decided": _("The board decided the year-end closing"),
    "year_end_closing.reopened": _("The board reopened the year-end closing"),
    "fund_movement.recorded": _("Use of the result fund recorded"),
    "action_plan.updated": _("Action plan changed"),
    "action_measure.added": _("Measure added"),
    "action_measure.updated": _("Measure status changed"),
    "action_follow_up.recorded": _("Action plan follow-up recorded"),
    "action_plan.restored": _("Action plan closed: balance restored"),
    "action_plan.escalated": _("Action plan past its deadline: ending raised with the board"),
}

FIELD_LABELS = {
    "status": _("Status"),
    "intraprenad": _("Intraprenad"),
    "case": _("Case"),
    "case_number": _("Case number"),
    "title": _("Title"),
    "decision": _("Decision"),
    "reason": _("Reason"),
    "reasons": _("Reasons"),
    "period_start": _("Period starts"),
    "period_end": _("Period ends"),
    "staff_count": _("Number of staff"),
    "staff_total": _("Staff in the unit"),
    "staff_in_favour": _("Staff in favour"),
    "years_positive_result": _("Consecutive years with a positive result"),
    "sections": _("Sections changed"),
    "clauses": _("Clauses changed"),
    "lines": _("Budget lines"),
    "applications": _("Applications withdrawn"),
    "unit": _("Unit"),
    "board": _("Board"),
    "body": _("Body"),
    "received_on": _("Received on"),
    "initiative": _("Board initiative decision"),
    "one_time_frame_increase": _("One-time frame increase (SEK)"),
    "revision": _("Guidelines"),
    "based_on": _("Based on"),
    "valid_from": _("Valid from"),
    "filename": _("File"),
    "date": _("Date"),
    "hours": _("Hours"),
    "topic": _("Topic"),
    "attendees": _("Attendees"),
    "sessions": _("Sessions held"),
    "presented_on": _("Presented on"),
    "kind": _("Kind"),
    "description": _("Description"),
    "amount": _("Amount (SEK)"),
    "serial": _("Document number"),
    "document": _("Document number"),
    "supersedes": _("Corrects document number"),
    "corrected_by": _("Corrected by document number"),
    "memo": _("Official memo"),
    "proposal": _("Proposed outcome"),
    "reference": _("Reference"),
    "paragraph": _("Paragraph"),
    "outcome": _("Outcome"),
    "approved_on": _("Minutes approved on"),
    "adjusters": _("Adjusted by"),
    "movers": _("Movers"),
    "to": _("Referred to"),
    "answer": _("Answered by decision"),
    "signed_on": _("Signed on"),
    "replaces": _("Replaces"),
    "renews": _("Renews"),
    "ground": _("Ground"),
    "effective_on": _("Effective from"),
    "ended_on": _("Ended on"),
    "takes_effect_on": _("Takes effect on"),
    "agreements_cancelled": _("Agreements cancelled"),
    "application_sections": _("Application sections"),
    "agreement_clauses": _("Agreement clauses"),
    "evaluation_areas": _("Evaluation areas"),
    "fund_uses": _("Permitted uses of the result fund"),
    # economy
    "year": _("Year"),
    "month": _("Month"),
    "version": _("Version"),
    "annual": _("Yearly amounts (SEK)"),
    "items": _("One-time items"),
    "index": _("Index"),
    "file": _("File"),
    "replaced_draft": _("Replaced draft"),
    "superseded_version": _("Superseded version"),
    "from_version": _("Copied from version"),
    "personnel_percent": _("Personnel costs (%)"),
    "other_percent": _("Other operating costs (%)"),
    "revenue_percent": _("Revenue (%)"),
    "source": _("Source"),
    "result_ore": _("Forecast net result (öre)"),
    "comment": _("Comment"),
    "method": _("Forecast method"),
    "forecast_ore": _("Forecast (öre)"),
    "budget_ore": _("Budget (öre)"),
    "threshold_ore": _("Threshold (öre)"),
    "recomputed": _("Recomputed"),
    "changed": _("Changed"),
    "budget": _("Budget"),
    "deviation_ore": _("Result against budget (öre)"),
    "unit_share_ore": _("Unit's share (öre)"),
    "board_share_ore": _("Board's share (öre)"),
    "fund_movement": _("Result fund movement (öre)"),
    "action_plan": _("Action plan"),
    "reversal_ore": _("Reversal (öre)"),
    "action_plan_cancelled": _("Action plan cancelled"),
    "action_plans_reopened": _("Action plans reopened"),
    "purpose": _("Purpose"),
    "amount_ore": _("Amount (öre)"),
    "plan": _("Action plan"),
    "owner": _("Owner"),
    "due_on": _("Due"),
    "effect_ore": _("Expected effect (öre)"),
    "result_to_date_ore": _("Result so far this year (öre)"),
    "closed_on": _("Closed on"),
    "deadline": _("Deadline"),
    "termination": _("Termination case"),
    "note": _("Note"),
}

# The first item of a [change, old, new] row of a guidelines diff (revision.updated).
DIFF_CHANGES = {
    "added": _("Added"),
    "removed": _("Removed"),
    "changed": _("Changed"),
    "renamed": _("Renamed"),
    "moved": _("Moved"),
    "guidance": _("Guidance changed"),
}

# Keys whose value is a plain list, never an [old, new] pair.
LIST_KEYS = frozenset({"sections", "clauses", "lines", "applications", "agreements_cancelled"})

EMPTY = "–"
ARROW = " → "


def verb_label(verb: str) -> str:
    """What the verb means, in words; the raw verb if it has no label."""
    return VERB_LABELS.get(verb, verb)


def field_label(key: str) -> str:
    """The name of a change key, in words; the raw key if it has no label."""
    return FIELD_LABELS.get(key, key)


def choice_labels(models, key: str, value) -> dict:
    """The labels for the codes in `value` (a code or a list of codes) recorded under `key`.

    Looks at the field `key` of each of `models` in turn (for a relation, the status of the related
    object, as in {"intraprenad": ["active", "ended"]} on a termination) and takes the first whose
    choices hold every code. Failing that, any model's field named `key` will do if all such fields
    that hold the codes agree on their labels (a memo's "proposal" recorded on its application).
    {} if nothing explains the codes.
    """
    codes = value if isinstance(value, list) else [value]
    if not codes or not all(isinstance(code, str) and code for code in codes):
        return {}
    for model in models:
        labels = _field_choices(model, key)
        if labels and set(codes) <= labels.keys():
            return labels
    candidates = [labels for labels in _choices_by_field_name().get(key, ()) if set(codes) <= labels.keys()]
    if candidates and all(_same_labels(candidates[0], other, codes) for other in candidates[1:]):
        return candidates[0]
    return {}


@functools.cache
def _choices_by_field_name() -> dict[str, list[dict]]:
    index: dict[str, list[dict]] = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.choices:
                index.setdefault(field.name, []).append({str(code): label for code, label in field.flatchoices})
    return index


def _same_labels(a: dict, b: dict, codes) -> bool:
    return all(str(a[code]) == str(b[code]) for code in codes)


def _field_choices(model, key: str) -> dict:
    try:
        field = model._meta.get_field(key)
        if field.is_relation:
            if field.related_model is None:
                return {}
            field = field.related_model._meta.get_field("status")
    except FieldDoesNotExist:
        return {}
    return {str(code): label for code, label in field.flatchoices} if field.choices else {}


def display_value(value, labels: dict | None = None, *, pair: bool = True) -> str:
    """One recorded value in words: [old, new] as "old → new", a guidelines diff row [change, old, new]
    as "Changed: old → new", codes as their labels, lists joined by ", ", dicts as "key: value",
    nothing as a dash. `pair=False` reads a list as a plain list."""
    labels = labels or {}
    if isinstance(value, dict):
        if not value:
            return EMPTY
        return ", ".join(
            f"{field_label(k)}: {display_value(v, choice_labels((), k, v), pair=False)}" for k, v in value.items()
        )
    if isinstance(value, list):
        if not value:
            return EMPTY
        scalars = not any(isinstance(v, list | dict) for v in value)
        if pair and scalars and len(value) == 2:
            return display_value(value[0], labels) + ARROW + display_value(value[1], labels)
        if pair and scalars and len(value) == 3 and value[0] in DIFF_CHANGES:
            change, *old_new = value
            sides = ARROW.join(display_value(v, labels) for v in old_new if v not in ("", None))
            return f"{DIFF_CHANGES[change]}: {sides}" if sides else str(DIFF_CHANGES[change])
        separator = "; " if any(isinstance(v, list | dict) for v in value) else ", "
        return separator.join(display_value(v, labels, pair=False) for v in value)
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, str):
        return str(labels.get(value, value))
    return str(value)


def change_rows(changes, models=()) -> list[tuple[str, str]]:
    """An audit row's `changes` as (field, value) pairs in words.

    `models` are the model classes whose choices may explain status and other codes: the event's
    target first, then its subject.
    """
    if not isinstance(changes, dict):
        return [("", display_value(changes))] if changes else []
    return [
        (
            str(field_label(key)),
            display_value(value, choice_labels(models, key, value), pair=key not in LIST_KEYS),
        )
        for key, value in changes.items()
    ]
