"""Rules of the case register and the minutes, as plain functions (no queries)."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MEETING_TRANSITIONS = {
    "planned": {"held"},
    "held": {"approved"},
    "approved": set(),
}

DIRECTIONS = {"in", "out", "internal"}
OUTCOMES = {"approve", "reject", "refer", "propose", "adopt", "noted"}

_CASE_NUMBER = re.compile(r"^\s*(?P<series>[A-ZÅÄÖ]+)?\s*(?P<year>\d{4})\s*-\s*(?P<number>\d{1,5})\s*$", re.IGNORECASE)


def format_case_number(*, series: str, year: int, number: int) -> str:
    """`KS 2023-00258`: series, year and the number padded to five digits."""
    return f"{series} {year}-{number:05d}"


def format_decision_reference(*, case_year: int | None, case_number: int | None, body: str, paragraph: int) -> str:
    """`202300258-KSAU-§ 103`, or `KSAU § 103` for a paragraph without a case."""
    if case_year is None or case_number is None:
        return f"{body} § {paragraph}"
    return f"{case_year}{case_number:05d}-{body}-§ {paragraph}"


def parse_case_number(text: str) -> tuple[str, int, int] | None:
    """Read `KS 2023-00258` (or `2023-258`) as (series, year, number); series is "" when left out."""
    match = _CASE_NUMBER.match(text or "")
    if not match:
        return None
    return (match["series"] or "").upper(), int(match["year"]), int(match["number"])


def _meeting_label(status: str) -> str:
    # The same msgids as Meeting.Status, so the message names the states as the pages do.
    return {"planned": _("Planned"), "held": _("Held"), "approved": _("Minutes approved")}.get(status, status)


def check_meeting_transition(current: str, target: str) -> None:
    if target not in MEETING_TRANSITIONS.get(current, set()):
        raise ValidationError(
            _("A meeting cannot go from %(current)s to %(target)s.")
            % {"current": f"”{_meeting_label(current)}”", "target": f"”{_meeting_label(target)}”"}
        )


def check_meeting_can_be_held(*, meeting_date: date, today: date) -> None:
    if meeting_date > today:
        raise ValidationError(_("A meeting cannot be marked as held before its date."))


def check_paragraph_can_be_added(*, meeting_status: str) -> None:
    if meeting_status == "approved":
        raise ValidationError(_("The minutes are approved; no paragraph can be added or changed."))


def check_registration_date(*, registered_on: date, today: date) -> None:
    if registered_on > today:
        raise ValidationError(_("A case cannot be registered on a day in the future."))


def check_meeting_has_taken_place(*, meeting_date: date, today: date) -> None:
    """A decision is recorded in the minutes of a meeting that has been held, never ahead of it."""
    if meeting_date > today:
        raise ValidationError(
            _("The meeting on %(date)s has not taken place yet; its decisions can be recorded from that day.")
            % {"date": meeting_date.isoformat()}
        )


def check_paragraph_fields(*, title: str, outcome: str, decision_text: str) -> None:
    if not title.strip() or not decision_text.strip():
        raise ValidationError(_("A paragraph needs a title and a decision text."))
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": _("Unknown decision outcome.")})


def check_minutes_approval(*, meeting_date: date, approved_on: date, adjusters: str, today: date) -> None:
    """The minutes are adjusted by named persons, on or after the meeting and not in the future."""
    if not adjusters.strip():
        raise ValidationError({"adjusters": _("State who adjusted the minutes.")})
    if approved_on < meeting_date:
        raise ValidationError({"approved_on": _("The minutes cannot be approved before the meeting was held.")})
    if approved_on > today:
        raise ValidationError({"approved_on": _("The minutes cannot be approved on a future date.")})


def check_case_fields(*, series: str, title: str, is_confidential: bool, public_title: str) -> None:
    if not series:
        raise ValidationError(_("The body has no case series; set one in the organisation before registering."))
    if not title.strip():
        raise ValidationError({"title": _("A case needs a title.")})
    if is_confidential and not public_title.strip():
        raise ValidationError({"public_title": _("A confidential case needs a public title.")})


def check_document_fields(*, description: str, is_confidential: bool, public_description: str, direction: str) -> None:
    if not description.strip():
        raise ValidationError({"description": _("A document needs a short description.")})
    if is_confidential and not public_description.strip():
        raise ValidationError({"public_description": _("A confidential document needs a public description.")})
    if direction not in DIRECTIONS:
        raise ValidationError({"direction": _("Unknown direction.")})


def check_document_date(*, document_date: date, today: date) -> None:
    """A document is received or drawn up on a day that has come."""
    if document_date > today:
        raise ValidationError({"document_date": _("The date received or drawn up cannot be in the future.")})


def check_correction(*, same_case: bool, corrected_by_serial: int | None) -> None:
    """A correction is registered in the same case and corrects the latest version of a document."""
    if not same_case:
        raise ValidationError(_("A correction must be registered in the same case as the document it corrects."))
    if corrected_by_serial is not None:
        raise ValidationError(
            _("The document is already corrected by document %(serial)s; correct that one instead.")
            % {"serial": corrected_by_serial}
        )


def check_motion_fields(*, council_kind: str, movers: str, text: str) -> None:
    if council_kind != "council":
        raise ValidationError({"council": _("A motion is filed with the municipal council.")})
    if not movers.strip():
        raise ValidationError({"movers": _("A motion must name its movers.")})
    if not text.strip():
        raise ValidationError({"text": _("A motion needs its text.")})


def check_referral(
    *,
    decision_in_case: bool,
    decision_outcome: str,
    decision_date: date,
    due_on: date | None,
    body_count: int,
    non_bodies: list[str],
) -> None:
    """A referral is made by a referral decision (§) in the same case, to decision-making bodies."""
    if not decision_in_case:
        raise ValidationError(_("The referral decision must belong to the case being referred."))
    if decision_outcome != "refer":
        raise ValidationError(_("The chosen paragraph is not a referral decision."))
    if body_count == 0:
        raise ValidationError(_("Choose at least one body to refer the case to."))
    if non_bodies:
        raise ValidationError(
            _("Only decision-making bodies can answer a referral: %(units)s.") % {"units": ", ".join(non_bodies)}
        )
    if due_on is not None and due_on < decision_date:
        raise ValidationError({"due_on": _("The answer cannot be due before the referral decision.")})


def check_referral_answer(*, status: str, same_body: bool, same_case: bool) -> None:
    if status != "sent":
        raise ValidationError(_("The referral has already been answered."))
    if not same_body or not same_case:
        raise ValidationError(_("The answer must be a decision of the referred body in the same case."))


def check_case_can_close(*, status: str, unanswered_referrals: int) -> None:
    if status == "closed":
        raise ValidationError(_("The case is already closed."))
    if unanswered_referrals:
        raise ValidationError(
            ngettext(
                "The case cannot be closed while %(count)s referral is unanswered.",
                "The case cannot be closed while %(count)s referrals are unanswered.",
                unanswered_referrals,
            )
            % {"count": unanswered_referrals}
        )


def can_see_confidential_file(*, is_confidential: bool, may_view_confidential: bool) -> bool:
    """A file of a public document is public; a confidential one only for those cleared for it."""
    return not is_confidential or may_view_confidential
