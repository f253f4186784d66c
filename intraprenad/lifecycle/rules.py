"""Rules of the intraprenad lifecycle, as plain functions: no queries, `today` passed in, Decimal in and out.

Services in `lifecycle.services` collect the plain values, call these, and raise what they raise.
"""

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Agreement, Application, BudgetLine, Intraprenad, Termination

I = Intraprenad.Status  # noqa: E741
A = Application.Status
G = Agreement.Status
T = Termination.Status

INTRAPRENAD_TRANSITIONS: dict[str, set[str]] = {
    I.INTEREST: {I.TRAINING, I.WITHDRAWN},
    I.TRAINING: {I.APPLICATION, I.WITHDRAWN},
    I.APPLICATION: {I.AGREEMENT, I.REJECTED, I.WITHDRAWN},
    I.AGREEMENT: {I.ACTIVE, I.WITHDRAWN},
    I.ACTIVE: {I.ENDED},
    I.REJECTED: set(),
    I.WITHDRAWN: set(),
    I.ENDED: set(),
}

APPLICATION_TRANSITIONS: dict[str, set[str]] = {
    A.DRAFT: {A.SUBMITTED, A.WITHDRAWN},
    A.SUBMITTED: {A.PREPARED, A.WITHDRAWN},
    A.PREPARED: {A.GRANTED, A.REJECTED, A.WITHDRAWN},
    A.GRANTED: set(),
    A.REJECTED: set(),
    A.WITHDRAWN: set(),
}

AGREEMENT_TRANSITIONS: dict[str, set[str]] = {
    G.DRAFT: {G.DECIDED, G.CANCELLED},
    G.DECIDED: {G.SIGNED, G.CANCELLED},
    G.SIGNED: {G.REPLACED, G.EXPIRED, G.TERMINATED},
    G.REPLACED: set(),
    G.EXPIRED: set(),
    G.TERMINATED: set(),
    G.CANCELLED: set(),
}
# Agreements not yet in force; they are cancelled when the intraprenad is withdrawn or ended.
OPEN_AGREEMENT_STATUSES = (G.DRAFT, G.DECIDED)

TERMINATION_TRANSITIONS: dict[str, set[str]] = {
    T.PROPOSED: {T.DECIDED, T.REJECTED},
    T.DECIDED: set(),
    T.REJECTED: set(),
}

CENT = Decimal("0.01")

#: Statuses in which an intraprenad no longer blocks a new attempt by the same unit.
CLOSED_INTRAPRENAD_STATUSES = frozenset({I.REJECTED, I.WITHDRAWN, I.ENDED})
#: Application statuses that a withdrawal also withdraws.
OPEN_APPLICATION_STATUSES = frozenset({A.DRAFT, A.SUBMITTED, A.PREPARED})

_LABELS = {
    id(INTRAPRENAD_TRANSITIONS): dict(I.choices),
    id(APPLICATION_TRANSITIONS): dict(A.choices),
    id(AGREEMENT_TRANSITIONS): dict(G.choices),
    id(TERMINATION_TRANSITIONS): dict(T.choices),
}


def can_transition(table: Mapping[str, set[str]], current: str, target: str) -> bool:
    return target in table.get(current, set())


def check_transition(table: Mapping[str, set[str]], current: str, target: str) -> None:
    """Refuse a step the table does not allow: nothing can skip a step or go back."""
    if not can_transition(table, current, target):
        labels = _LABELS.get(id(table), {})
        raise ValidationError(
            _("This step is not possible now: it cannot go from “%(current)s” to “%(target)s”.")
            % {"current": labels.get(current, current), "target": labels.get(target, target)}
        )


def raise_problems(problems: list[str]) -> None:
    """Raise one ValidationError listing every problem, if there are any."""
    if problems:
        raise ValidationError(problems)


# Training ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionFacts:
    """What the completeness rule needs to know about one training session."""

    date: date
    attendees: int | None


def training_problems(
    *,
    sessions: Iterable[SessionFacts],
    presentation_on: date | None,
    sessions_min: int,
    sessions_max: int,
    today: date,
) -> list[str]:
    """Everything that stops a training programme from being completed on `today`."""
    problems = []
    held = [s for s in sessions if s.date <= today]
    if not sessions_min <= len(held) <= sessions_max:
        problems.append(
            _("%(held)s sessions have been held; the guidelines require between %(min)s and %(max)s.")
            % {"held": len(held), "min": sessions_min, "max": sessions_max}
        )
    for session in held:
        if session.attendees is None:
            problems.append(
                _("Attendance has not been recorded for the session on %(date)s.") % {"date": session.date.isoformat()}
            )
    if presentation_on is None:
        problems.append(_("The unit has not yet presented its business idea."))
    elif presentation_on > today:
        problems.append(_("The presentation of the business idea is dated in the future."))
    return problems


# Application ---------------------------------------------------------------------------------


def support_pct(*, staff_total: int, staff_in_favour: int) -> Decimal:
    """The share of the staff in favour, in per cent to two decimals (6 of 9 is 66.67), as guidelines state it."""
    return (Decimal(staff_in_favour) * 100 / Decimal(staff_total)).quantize(CENT, ROUND_HALF_UP)


def staff_support_met(*, rule: str, share_pct: Decimal, staff_total: int, staff_in_favour: int) -> bool:
    """Whether the staff support meets the revision's rule.

    `none`: always; `majority`: strictly more than half; `share`: at least `share_pct` % of the staff,
    comparing the share to two decimals (so "two thirds" is written 66.67). With no staff at all only
    `none` is met.
    """
    if rule == "none":
        return True
    if staff_total <= 0:
        return False
    if rule == "majority":
        return staff_in_favour * 2 > staff_total
    if rule == "share":
        return support_pct(staff_total=staff_total, staff_in_favour=staff_in_favour) >= Decimal(share_pct)
    raise ValueError(f"Unknown staff support rule {rule!r}")


def staff_support_problem(*, rule: str, share_pct: Decimal, staff_total: int, staff_in_favour: int) -> str | None:
    if staff_support_met(rule=rule, share_pct=share_pct, staff_total=staff_total, staff_in_favour=staff_in_favour):
        return None
    if staff_total <= 0:
        return _("State how many staff the unit has; an application needs the support of its staff.")
    if rule == "majority":
        return _("%(favour)s of %(total)s staff are in favour; the guidelines require a majority (more than half).") % {
            "favour": staff_in_favour,
            "total": staff_total,
        }
    return _("%(favour)s of %(total)s staff are in favour; the guidelines require at least %(share)s %%.") % {
        "favour": staff_in_favour,
        "total": staff_total,
        "share": _format_pct(share_pct),
    }


def _format_pct(value: Decimal) -> str:
    value = Decimal(value)
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
    return text.replace(".", ",")


def application_problems(
    *,
    sections: Iterable[tuple[str, str]],
    budget_kinds: Iterable[str],
    staff_total: int,
    staff_in_favour: int,
    years_positive_result: int,
    parameters: Mapping,
) -> list[str]:
    """Everything that stops an application from being submitted.

    `sections` are (title, text) pairs of the required sections; `parameters` are the revision's
    values (`policy.parameters.values(revision)`).
    """
    problems = []
    for title, text in sections:
        if not text.strip():
            problems.append(_("The section “%(title)s” is empty.") % {"title": title})
    kinds = set(budget_kinds)
    if BudgetLine.Kind.STAFF not in kinds or BudgetLine.Kind.OPERATING not in kinds:
        problems.append(_("The budget needs at least one line of staff costs and one line of other operating costs."))
    support = staff_support_problem(
        rule=parameters["staff_support_rule"],
        share_pct=parameters["staff_support_share"],
        staff_total=staff_total,
        staff_in_favour=staff_in_favour,
    )
    if support:
        problems.append(support)
    min_years = parameters["min_years_positive_result"]
    if years_positive_result < min_years:
        problems.append(
            _(
                "The unit has %(years)s consecutive years with a positive result; the guidelines require at least "
                "%(min)s."
            )
            % {"years": years_positive_result, "min": min_years}
        )
    min_staff = parameters["min_unit_staff"]
    if staff_total < min_staff:
        problems.append(
            _("The unit has %(staff)s staff; the guidelines require at least %(min)s.")
            % {"staff": staff_total, "min": min_staff}
        )
    return problems


def check_staff_numbers(*, staff_total: int, staff_in_favour: int) -> None:
    if staff_total < 0 or staff_in_favour < 0:
        raise ValidationError(_("The number of staff cannot be negative."))
    if staff_in_favour > staff_total:
        raise ValidationError(
            _("More staff in favour (%(favour)s) than staff in the unit (%(total)s).")
            % {"favour": staff_in_favour, "total": staff_total}
        )


def budget_line_problems(lines: Iterable[Mapping]) -> list[str]:
    """Problems with budget lines given as dicts of kind, description and amount."""
    problems = []
    kinds = set(BudgetLine.Kind.values)
    for number, line in enumerate(lines, start=1):
        if line.get("kind") not in kinds:
            problems.append(_("Budget line %(n)s: unknown kind.") % {"n": number})
        if not str(line.get("description", "")).strip():
            problems.append(_("Budget line %(n)s: a description is needed.") % {"n": number})
        amount = line.get("amount")
        if not isinstance(amount, Decimal | int) or Decimal(amount) < 0:
            problems.append(_("Budget line %(n)s: the amount must be zero or more.") % {"n": number})
    return problems


# Decisions -----------------------------------------------------------------------------------

DECISION_OUTCOMES = ("approve", "reject")


def check_decision(*, outcome: str, decision_text: str, reasons: str, reasons_required_for: str = "reject") -> None:
    """`reasons_required_for`: the outcome that goes against the unit ("reject" for an application, "approve"
    for a termination) must give its reasons."""
    if outcome not in DECISION_OUTCOMES:
        raise ValidationError(_("Choose whether the board approves or rejects."))
    problems = []
    if not decision_text.strip():
        problems.append(_("Write the text of the decision."))
    if outcome == reasons_required_for and not reasons.strip():
        if outcome == "reject":
            problems.append(_("A rejection must give its reasons."))
        else:
            problems.append(_("A decision to end the intraprenad must give its reasons."))
    raise_problems(problems)


def check_meeting_for_decision(*, meeting_body_id: int, board_id: int, meeting_status: str) -> None:
    """The decision must be taken at a meeting of the intraprenad's own board, before its minutes are approved."""
    if meeting_body_id != board_id:
        raise ValidationError(_("The decision must be taken at a meeting of the intraprenad's board."))
    if meeting_status == "approved":
        raise ValidationError(_("The minutes of that meeting are already approved; choose another meeting."))


# Agreement -----------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 1 March in a year without it."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return day.replace(year=year)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (negative: earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: date, years: int) -> date:
    """Last day of an agreement period of `years` starting on `start`: the day before the next period starts."""
    if years < 1:
        raise ValueError("An agreement period is at least one year.")
    return add_years(start, years) - timedelta(days=1)


_last_day = period_end  # for functions whose `period_end` argument shadows it


def renewal_window(*, period_end: date, notice_months: int) -> tuple[date, date]:
    """First and last day on which a renewal may be started."""
    return add_months(period_end, -notice_months), period_end


def check_renewal_window(*, today: date, period_end: date, notice_months: int) -> None:
    opens, closes = renewal_window(period_end=period_end, notice_months=notice_months)
    if today < opens:
        raise ValidationError(
            _("A renewal can be started from %(opens)s, %(months)s months before the period ends on %(end)s.")
            % {"opens": opens.isoformat(), "months": notice_months, "end": closes.isoformat()}
        )
    if today > closes:
        raise ValidationError(
            _("The agreement period ended on %(end)s; it can no longer be renewed.") % {"end": closes.isoformat()}
        )


def check_period(*, period_start: date, period_end: date, years: int, follows: date | None = None) -> None:
    """The period is as long as the guidelines say; a renewal starts the day after the agreement it renews ends."""
    if period_end <= period_start:
        raise ValidationError(_("The agreement period must end after it starts."))
    problems = []
    if follows is not None and period_start != follows + timedelta(days=1):
        problems.append(
            _("A renewed agreement starts the day after the previous one ends, on %(day)s.")
            % {"day": (follows + timedelta(days=1)).isoformat()}
        )
    expected_end = _last_day(period_start, years)
    if period_end != expected_end:
        problems.append(
            _("The guidelines set an agreement period of %(years)s years: from %(start)s it ends on %(end)s.")
            % {"years": years, "start": period_start.isoformat(), "end": expected_end.isoformat()}
        )
    raise_problems(problems)


def session_hours_problems(*, hours: Decimal, minimum: Decimal) -> list[str]:
    """A session shorter than the guidelines' hours per session does not count as one."""
    if hours <= 0:
        return [_("A session must last more than zero hours.")]
    if hours < minimum:
        return [_("A training session lasts at least %(hours)s hours under the guidelines.") % {"hours": minimum}]
    return []


def empty_clause_problems(clauses: Iterable[tuple[str, str]]) -> list[str]:
    """One problem per required clause (title, text) with no text."""
    return [
        _("The clause “%(title)s” is not written.") % {"title": title} for title, text in clauses if not text.strip()
    ]


def check_signing(*, signed_on: date, decided_on: date, board_signatory: str, unit_signatory: str) -> None:
    problems = []
    if not board_signatory.strip():
        problems.append(_("State who signed for the board."))
    if not unit_signatory.strip():
        problems.append(_("State who signed for the intraprenad."))
    if signed_on < decided_on:
        problems.append(
            _("The agreement cannot be signed before the board decided it (%(date)s).")
            % {"date": decided_on.isoformat()}
        )
    raise_problems(problems)


# Termination ---------------------------------------------------------------------------------


def check_termination_proposal(*, ground: str, motivation: str, effective_on: date, today: date) -> None:
    problems = []
    if ground not in Termination.Ground.values:
        problems.append(_("Choose the ground for ending the intraprenad."))
    if not motivation.strip():
        problems.append(_("Give the motivation for ending the intraprenad."))
    if effective_on < today:
        problems.append(_("The termination cannot take effect before today."))
    raise_problems(problems)


def takes_effect_at_once(*, effective_on: date, decided_on: date) -> bool:
    """A termination the board approves ends the intraprenad at once if its effective day is the day of the
    decision (the meeting day) or earlier; otherwise the intraprenad stays active until that day (a notice period)."""
    return effective_on <= decided_on


# Due dates (the daily job) -------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementFacts:
    """What the daily job needs to know about the agreement in force (signed)."""

    period_end: date
    #: Status of the agreement that renews this one, if a renewal has been started.
    renewal_status: str | None = None


@dataclass(frozen=True)
class DueAction:
    """What is due for one intraprenad on a day.

    `kind` is TERMINATE (a decided termination takes effect), EXPIRE (the period ended without renewal) or
    HOLD (the period has ended but a renewal is under way: nothing changes, the job reports it). `ended_on`
    is the first day the unit is back under ordinary management (None for HOLD).
    """

    TERMINATE = "terminate"
    EXPIRE = "expire"
    HOLD = "hold"

    kind: str
    ended_on: date | None = None
    renewal_status: str | None = None


def expiry_day(period_end: date) -> date:
    """The day an agreement expires: the day after its period's last day. It is also the intraprenad's `ended_on`,
    as a termination's effective day is: the first day the unit runs under ordinary management again."""
    return period_end + timedelta(days=1)


def due_action(
    *,
    intraprenad_status: str,
    agreement: AgreementFacts | None,
    termination_effective_on: date | None,
    today: date,
) -> DueAction | None:
    """What the daily job must do for an intraprenad on `today`, or None.

    `agreement` is the agreement in force (signed), `termination_effective_on` the day from which a termination
    the board has decided (but that has not yet taken effect) applies. Only an active intraprenad has anything due.
    Whichever comes first ends it: the decided termination on its effective day (on a tie the board's decision
    wins), or the end of the period on the day after its last day. A period that has ended while a renewal is
    drafted or decided but not yet signed is held and reported rather than expired, unless the board has decided
    to end the intraprenad (then the renewal can never be signed).
    """
    if intraprenad_status != I.ACTIVE:
        return None
    expires_on = expiry_day(agreement.period_end) if agreement is not None else None
    terminates = termination_effective_on is not None and termination_effective_on <= today
    if terminates and (expires_on is None or termination_effective_on <= expires_on):
        return DueAction(DueAction.TERMINATE, ended_on=termination_effective_on)
    if expires_on is None or expires_on > today:
        return None
    if termination_effective_on is None and agreement.renewal_status in OPEN_AGREEMENT_STATUSES:
        return DueAction(DueAction.HOLD, renewal_status=agreement.renewal_status)
    return DueAction(DueAction.EXPIRE, ended_on=expires_on)


# Year-end ------------------------------------------------------------------------------------


def fund_cap(*, fund_cap_pct: Decimal | None, fund_cap_amount: Decimal | None, turnover: Decimal) -> Decimal | None:
    """The largest result fund the guidelines allow: the lower of the caps set, or None if none is."""
    caps = []
    if fund_cap_pct is not None:
        caps.append((Decimal(turnover) * Decimal(fund_cap_pct) / 100).quantize(CENT, ROUND_HALF_UP))
    if fund_cap_amount is not None:
        caps.append(Decimal(fund_cap_amount))
    return min(caps) if caps else None


def split_surplus(
    surplus: Decimal,
    share_unit_pct: Decimal,
    fund_cap_pct: Decimal | None,
    fund_cap_amount: Decimal | None,
    turnover: Decimal,
    fund_balance: Decimal,
) -> tuple[Decimal, Decimal]:
    """Split a year's surplus into (to the unit's result fund, to the board).

    The unit keeps `share_unit_pct` % (to the öre), but never so much that the fund would exceed
    its cap; the rest goes to the board. No money is lost: to_unit + to_board == surplus.
    """
    surplus = Decimal(surplus)
    if surplus < 0:
        raise ValueError("A surplus cannot be negative.")
    to_unit = (surplus * Decimal(share_unit_pct) / 100).quantize(CENT, ROUND_HALF_UP)
    to_unit = min(to_unit, surplus)
    cap = fund_cap(fund_cap_pct=fund_cap_pct, fund_cap_amount=fund_cap_amount, turnover=turnover)
    if cap is not None:
        room = max(Decimal("0"), cap - Decimal(fund_balance))
        to_unit = min(to_unit, room)
    return to_unit, surplus - to_unit
