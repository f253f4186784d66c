"""Database-free tests of the lifecycle rules."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from intraprenad.lifecycle import rules
from intraprenad.lifecycle.rules import (
    AGREEMENT_TRANSITIONS,
    APPLICATION_TRANSITIONS,
    INTRAPRENAD_TRANSITIONS,
    TERMINATION_TRANSITIONS,
    SessionFacts,
)
from intraprenad.policy import parameters as P

TABLES = {
    "intraprenad": INTRAPRENAD_TRANSITIONS,
    "application": APPLICATION_TRANSITIONS,
    "agreement": AGREEMENT_TRANSITIONS,
    "termination": TERMINATION_TRANSITIONS,
}

ALLOWED = [
    ("intraprenad", "interest", "training"),
    ("intraprenad", "interest", "withdrawn"),
    ("intraprenad", "training", "application"),
    ("intraprenad", "training", "withdrawn"),
    ("intraprenad", "application", "agreement"),
    ("intraprenad", "application", "rejected"),
    ("intraprenad", "application", "withdrawn"),
    ("intraprenad", "agreement", "active"),
    ("intraprenad", "agreement", "withdrawn"),
    ("intraprenad", "active", "ended"),
    ("application", "draft", "submitted"),
    ("application", "draft", "withdrawn"),
    ("application", "submitted", "prepared"),
    ("application", "submitted", "withdrawn"),
    ("application", "prepared", "granted"),
    ("application", "prepared", "rejected"),
    ("application", "prepared", "withdrawn"),
    ("agreement", "draft", "decided"),
    ("agreement", "decided", "signed"),
    ("agreement", "signed", "replaced"),
    ("agreement", "signed", "expired"),
    ("agreement", "signed", "terminated"),
    ("agreement", "draft", "cancelled"),
    ("agreement", "decided", "cancelled"),
    ("termination", "proposed", "decided"),
    ("termination", "proposed", "rejected"),
]

FORBIDDEN = [
    ("intraprenad", "interest", "application"),
    ("intraprenad", "interest", "active"),
    ("intraprenad", "training", "agreement"),
    ("intraprenad", "application", "active"),
    ("intraprenad", "active", "withdrawn"),
    ("intraprenad", "active", "interest"),
    ("intraprenad", "rejected", "application"),
    ("intraprenad", "withdrawn", "interest"),
    ("intraprenad", "ended", "active"),
    ("application", "draft", "prepared"),
    ("application", "draft", "granted"),
    ("application", "submitted", "granted"),
    ("application", "granted", "withdrawn"),
    ("application", "rejected", "granted"),
    ("agreement", "draft", "signed"),
    ("agreement", "decided", "draft"),
    ("agreement", "terminated", "signed"),
    ("agreement", "replaced", "signed"),
    ("agreement", "signed", "cancelled"),
    ("agreement", "cancelled", "draft"),
    ("termination", "decided", "rejected"),
    ("termination", "rejected", "decided"),
]


def test_every_allowed_transition_is_listed_in_the_test_table():
    # given the transition tables
    # when every allowed (table, from, to) is collected
    listed = {
        (name, current, target)
        for name, table in TABLES.items()
        for current, targets in table.items()
        for target in targets
    }
    # then the tests below cover exactly those
    assert listed == set(ALLOWED)


@pytest.mark.parametrize(("table", "current", "target"), ALLOWED)
def test_allowed_transition_passes(table, current, target):
    # given an allowed step
    # when it is checked
    rules.check_transition(TABLES[table], current, target)
    # then no error is raised and the predicate agrees
    assert rules.can_transition(TABLES[table], current, target)


@pytest.mark.parametrize(("table", "current", "target"), FORBIDDEN)
def test_forbidden_transition_is_refused_in_swedish(table, current, target):
    # given a step the table does not allow (skipping a step or going back)
    # when it is checked
    with pytest.raises(ValidationError) as refused:
        rules.check_transition(TABLES[table], current, target)
    # then it is refused with a Swedish message
    assert "Steget är inte möjligt nu" in refused.value.messages[0]


def test_refusal_names_the_stages_by_their_labels():
    # given an intraprenad at the interest stage
    # when it tries to become active
    with pytest.raises(ValidationError) as refused:
        rules.check_transition(INTRAPRENAD_TRANSITIONS, "interest", "active")
    # then the message names both stages in Swedish
    assert "Intresseanmälan" in refused.value.messages[0]
    assert "Aktiv" in refused.value.messages[0]


# Staff support ------------------------------------------------------------------------------

SUPPORT_CASES = [
    # rule, share %, staff, in favour, met
    ("none", Decimal("50"), 0, 0, True),
    ("none", Decimal("50"), 9, 0, True),
    ("majority", Decimal("50"), 10, 5, False),  # exactly half is not a majority
    ("majority", Decimal("50"), 10, 6, True),
    ("majority", Decimal("50"), 9, 5, True),
    ("majority", Decimal("50"), 9, 4, False),
    ("majority", Decimal("50"), 1, 1, True),
    ("majority", Decimal("50"), 0, 0, False),  # no staff, no support
    ("share", Decimal("66.67"), 9, 6, True),  # two thirds: 66.67 % to two decimals
    ("share", Decimal("66.67"), 9, 5, False),
    ("share", Decimal("66.67"), 3, 2, True),
    ("share", Decimal("66.68"), 9, 6, False),
    ("share", Decimal("75"), 8, 6, True),  # exactly the share
    ("share", Decimal("75"), 8, 5, False),
    ("share", Decimal("50"), 10, 5, True),  # exactly half meets a 50 % share
    ("share", Decimal("0"), 5, 0, True),
    ("share", Decimal("100"), 5, 5, True),
    ("share", Decimal("100"), 5, 4, False),
    ("share", Decimal("50"), 0, 0, False),
]


@pytest.mark.parametrize(("rule", "share", "total", "favour", "met"), SUPPORT_CASES)
def test_staff_support_threshold(rule, share, total, favour, met):
    # given a staff support rule and a count of staff in favour
    # when the rule is applied
    result = rules.staff_support_met(rule=rule, share_pct=share, staff_total=total, staff_in_favour=favour)
    # then it is met exactly when expected
    assert result is met


def test_unknown_staff_support_rule_is_a_programming_error():
    # given a rule name nobody declared
    # when it is applied
    # then it fails loudly
    with pytest.raises(ValueError):
        rules.staff_support_met(rule="plurality", share_pct=Decimal("50"), staff_total=3, staff_in_favour=2)


def test_staff_support_message_states_the_numbers_and_the_share():
    # given a two-thirds rule and 5 of 9 in favour
    # when the problem is described
    message = rules.staff_support_problem(rule="share", share_pct=Decimal("66.67"), staff_total=9, staff_in_favour=5)
    # then it says how many of how many and the share required, in Swedish
    assert message == "5 av 9 medarbetare är för; riktlinjerna kräver minst 66,67 %."


# Application completeness -------------------------------------------------------------------


def _params(**overrides):
    values = P.values({})
    values.update(overrides)
    return values


def _application(**overrides):
    arguments = {
        "sections": [("Verksamhetsidé", "Fasta team."), ("Mål", "Nöjda brukare.")],
        "budget_kinds": ["staff", "operating", "revenue"],
        "staff_total": 9,
        "staff_in_favour": 6,
        "years_positive_result": 2,
        "parameters": _params(),
    }
    arguments.update(overrides)
    return rules.application_problems(**arguments)


def test_complete_application_has_no_problems():
    # given a complete application under the default guidelines
    # when it is checked
    problems = _application()
    # then nothing stops it
    assert problems == []


def test_every_empty_section_is_named():
    # given two empty sections (one only whitespace)
    # when the application is checked
    problems = _application(sections=[("Verksamhetsidé", ""), ("Mål", "  \n"), ("Kvalitet", "Mätningar.")])
    # then both are listed by title
    assert problems == ["Avsnittet ”Verksamhetsidé” är tomt.", "Avsnittet ”Mål” är tomt."]


@pytest.mark.parametrize("kinds", [[], ["staff"], ["operating", "revenue"], ["revenue", "one_time"]])
def test_budget_needs_staff_and_operating_lines(kinds):
    # given a budget missing staff or operating costs
    # when the application is checked
    problems = _application(budget_kinds=kinds)
    # then the budget is named as the problem
    assert problems == ["Budgeten behöver minst en rad med personalkostnader och en rad med övriga driftskostnader."]


@pytest.mark.parametrize(
    ("years", "required", "refused"), [(0, 0, False), (1, 2, True), (2, 2, False), (5, 2, False), (0, 1, True)]
)
def test_eligibility_gate_of_years_with_positive_result(years, required, refused):
    # given a gate of `required` consecutive years with a positive result
    # when a unit with `years` applies
    problems = _application(years_positive_result=years, parameters=_params(min_years_positive_result=required))
    # then it is refused exactly when below the gate
    assert bool(problems) is refused


def test_eligibility_gate_of_unit_size():
    # given a gate of at least 10 staff
    # when a unit of 9 applies
    problems = _application(parameters=_params(min_unit_staff=10))
    # then the size is the problem
    assert problems == ["Enheten har 9 medarbetare; riktlinjerna kräver minst 10."]


def test_all_problems_are_listed_together():
    # given an application wrong in every way
    # when it is checked
    problems = _application(
        sections=[("Mål", "")],
        budget_kinds=[],
        staff_in_favour=2,
        years_positive_result=0,
        parameters=_params(min_years_positive_result=2, min_unit_staff=20),
    )
    # then every problem is listed at once
    assert len(problems) == 5


@pytest.mark.parametrize(("total", "favour"), [(-1, 0), (3, 4)])
def test_staff_numbers_must_be_consistent(total, favour):
    # given impossible staff numbers
    # when they are checked
    # then they are refused
    with pytest.raises(ValidationError):
        rules.check_staff_numbers(staff_total=total, staff_in_favour=favour)


def test_budget_lines_are_checked_one_by_one():
    # given one good and one bad budget line
    lines = [
        {"kind": "staff", "description": "Löner", "amount": Decimal("100")},
        {"kind": "travel", "description": " ", "amount": Decimal("-1")},
    ]
    # when they are checked
    problems = rules.budget_line_problems(lines)
    # then each problem of the second line is named with its number
    assert problems == [
        "Budgetrad 2: okänd typ.",
        "Budgetrad 2: en beskrivning behövs.",
        "Budgetrad 2: beloppet måste vara noll eller mer.",
    ]


# Training completeness ----------------------------------------------------------------------

TODAY = date(2024, 5, 1)


def _sessions(count, attendees=8, start=date(2024, 2, 1)):
    return [SessionFacts(date(start.year, start.month, start.day + n), attendees) for n in range(count)]


@pytest.mark.parametrize(("held", "ok"), [(5, False), (6, True), (8, True), (9, False)])
def test_training_needs_the_guidelines_number_of_sessions(held, ok):
    # given a programme with `held` sessions held, attended and a presentation
    # when completion is checked against 6..8
    problems = rules.training_problems(
        sessions=_sessions(held), presentation_on=date(2024, 4, 1), sessions_min=6, sessions_max=8, today=TODAY
    )
    # then only a count inside the range passes
    assert (problems == []) is ok


def test_planned_sessions_do_not_count_as_held():
    # given six sessions of which one is after today
    sessions = _sessions(5) + [SessionFacts(date(2024, 6, 1), None)]
    # when completion is checked
    problems = rules.training_problems(
        sessions=sessions, presentation_on=date(2024, 4, 1), sessions_min=6, sessions_max=8, today=TODAY
    )
    # then only five are held, and the future one needs no attendance yet
    assert problems == ["5 tillfällen har hållits; riktlinjerna kräver mellan 6 och 8."]


def test_training_lists_missing_attendance_and_presentation():
    # given six held sessions, one without attendance, and no presentation
    sessions = _sessions(5) + [SessionFacts(date(2024, 3, 1), None)]
    # when completion is checked
    problems = rules.training_problems(
        sessions=sessions, presentation_on=None, sessions_min=6, sessions_max=8, today=TODAY
    )
    # then both problems are listed
    assert problems == [
        "Närvaron har inte registrerats för tillfället 2024-03-01.",
        "Enheten har ännu inte presenterat sin affärsidé.",
    ]


def test_presentation_cannot_be_in_the_future():
    # given a presentation dated after today
    # when completion is checked
    problems = rules.training_problems(
        sessions=_sessions(6), presentation_on=date(2024, 6, 1), sessions_min=6, sessions_max=8, today=TODAY
    )
    # then it is refused
    assert problems == ["Presentationen av affärsidén är daterad i framtiden."]


# Agreement period and renewal ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "years", "end"),
    [
        (date(2025, 1, 1), 3, date(2027, 12, 31)),
        (date(2025, 1, 1), 1, date(2025, 12, 31)),
        (date(2024, 7, 1), 4, date(2028, 6, 30)),
        (date(2024, 2, 29), 3, date(2027, 2, 28)),  # leap day start, non-leap end year
        (date(2024, 2, 29), 4, date(2028, 2, 28)),  # leap day start, leap end year
        (date(2023, 3, 1), 1, date(2024, 2, 29)),  # period running over a leap day
    ],
)
def test_period_end_is_the_day_before_the_next_period(start, years, end):
    # given a period start and length
    # when the end is computed
    result = rules.period_end(start, years)
    # then it is the last day of the period
    assert result == end


def test_period_must_be_at_least_a_year():
    # given a period of zero years
    # when the end is computed
    # then it fails
    with pytest.raises(ValueError):
        rules.period_end(date(2025, 1, 1), 0)


@pytest.mark.parametrize(
    ("day", "months", "result"),
    [
        (date(2027, 12, 31), -6, date(2027, 6, 30)),
        (date(2027, 8, 31), -6, date(2027, 2, 28)),
        (date(2028, 8, 31), -6, date(2028, 2, 29)),
        (date(2027, 1, 15), -1, date(2026, 12, 15)),
        (date(2027, 1, 15), 0, date(2027, 1, 15)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, result):
    # given a day and a number of months
    # when they are added
    # then the day is clamped to the month
    assert rules.add_months(day, months) == result


END = date(2027, 12, 31)


@pytest.mark.parametrize(
    ("today", "allowed"),
    [
        (date(2027, 6, 29), False),  # the day before the window opens
        (date(2027, 6, 30), True),  # first day of the window
        (date(2027, 12, 31), True),  # last day of the period
        (date(2028, 1, 1), False),  # after the period
    ],
)
def test_renewal_window_edges(today, allowed):
    # given a period ending 2027-12-31 and six months' notice
    # when a renewal is started on `today`
    # then it is allowed only inside the window
    if allowed:
        rules.check_renewal_window(today=today, period_end=END, notice_months=6)
    else:
        with pytest.raises(ValidationError):
            rules.check_renewal_window(today=today, period_end=END, notice_months=6)
    assert rules.renewal_window(period_end=END, notice_months=6) == (date(2027, 6, 30), END)


def test_early_renewal_says_when_it_opens():
    # given a renewal started too early
    # when it is checked
    with pytest.raises(ValidationError) as refused:
        rules.check_renewal_window(today=date(2027, 1, 1), period_end=END, notice_months=6)
    # then the message gives the opening day
    assert "2027-06-30" in refused.value.messages[0]


def test_empty_clauses_are_named():
    # given clauses of which one is empty
    # when they are checked
    problems = rules.empty_clause_problems([("Ekonomisk ersättning", ""), ("Administration", "Delad.")])
    # then the empty one is named
    assert problems == ["Klausulen ”Ekonomisk ersättning” är inte skriven."]


def test_period_must_end_after_it_starts():
    # given an end on the start day
    # when it is checked
    # then it is refused
    with pytest.raises(ValidationError):
        rules.check_period(period_start=date(2025, 1, 1), period_end=date(2025, 1, 1), years=3)


@pytest.mark.parametrize(
    ("start", "end", "years", "follows", "message"),
    [
        (date(2022, 1, 1), date(2024, 12, 31), 3, None, None),
        (date(2022, 3, 15), date(2025, 3, 14), 3, None, None),
        (date(2024, 2, 29), date(2026, 2, 28), 2, None, None),
        (date(2025, 1, 1), date(2027, 12, 31), 3, date(2024, 12, 31), None),
        (date(2022, 1, 1), date(2023, 12, 31), 3, None, "perioden 3 år: från 2022-01-01 slutar den 2024-12-31"),
        (date(2025, 2, 1), date(2028, 1, 31), 3, date(2024, 12, 31), "dagen efter att den förra slutar, 2025-01-01"),
    ],
)
def test_the_period_is_as_long_as_the_guidelines_say_and_a_renewal_follows_on(start, end, years, follows, message):
    # given a period / when it is checked against the guidelines' years (and the agreement it renews) / then
    if message is None:
        rules.check_period(period_start=start, period_end=end, years=years, follows=follows)
    else:
        with pytest.raises(ValidationError) as refused:
            rules.check_period(period_start=start, period_end=end, years=years, follows=follows)
        assert message in " ".join(refused.value.messages)


@pytest.mark.parametrize(
    ("hours", "minimum", "problem"),
    [("3", "3", None), ("4.5", "3", None), ("2.5", "3", "minst 3 timmar"), ("0", "3", "längre än noll timmar")],
)
def test_a_session_lasts_at_least_the_guidelines_hours(hours, minimum, problem):
    # given a session's hours / when checked against the guidelines / then
    problems = rules.session_hours_problems(hours=Decimal(hours), minimum=Decimal(minimum))
    assert (problem is None and problems == []) or (problem is not None and problem in problems[0])


@pytest.mark.parametrize(
    ("outcome", "reasons", "required_for", "refused"),
    [
        ("reject", "", "reject", True),
        ("approve", "", "reject", False),
        ("approve", "", "approve", True),
        ("approve", "Åtgärdsplanen har inte räckt.", "approve", False),
        ("reject", "", "approve", False),
    ],
)
def test_the_decision_against_the_unit_gives_its_reasons(outcome, reasons, required_for, refused):
    # given a decision / when checked / then the outcome that goes against the unit needs reasons
    check = {"outcome": outcome, "decision_text": "Beslut.", "reasons": reasons, "reasons_required_for": required_for}
    if refused:
        with pytest.raises(ValidationError, match="motiv"):
            rules.check_decision(**check)
    else:
        rules.check_decision(**check)


def test_signing_needs_both_signatories_and_a_date_after_the_decision():
    # given a signing without signatories before the decision
    # when it is checked
    with pytest.raises(ValidationError) as refused:
        rules.check_signing(
            signed_on=date(2024, 1, 1), decided_on=date(2024, 2, 1), board_signatory="", unit_signatory=" "
        )
    # then all three problems are listed
    assert len(refused.value.messages) == 3


# Decisions and termination ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "text", "reasons", "ok"),
    [
        ("approve", "Bifall.", "", True),
        ("reject", "Avslag.", "Budgeten är inte i balans.", True),
        ("reject", "Avslag.", "", False),
        ("approve", "", "", False),
        ("refer", "Remiss.", "", False),
    ],
)
def test_decision_needs_text_and_a_rejection_needs_reasons(outcome, text, reasons, ok):
    # given a decision
    # when it is checked
    if ok:
        rules.check_decision(outcome=outcome, decision_text=text, reasons=reasons)
    # then it passes only when complete
    else:
        with pytest.raises(ValidationError):
            rules.check_decision(outcome=outcome, decision_text=text, reasons=reasons)
    assert ok is (outcome in rules.DECISION_OUTCOMES and bool(text) and (outcome == "approve" or bool(reasons)))


def test_meeting_must_be_the_boards_and_not_approved():
    # given a meeting of another body and one with approved minutes
    # when they are checked
    # then both are refused
    with pytest.raises(ValidationError):
        rules.check_meeting_for_decision(meeting_body_id=1, board_id=2, meeting_status="planned")
    with pytest.raises(ValidationError):
        rules.check_meeting_for_decision(meeting_body_id=2, board_id=2, meeting_status="approved")
    rules.check_meeting_for_decision(meeting_body_id=2, board_id=2, meeting_status="held")


@pytest.mark.parametrize(
    ("ground", "motivation", "effective", "count"),
    [
        ("breach", "Avtalet följs inte.", date(2025, 1, 1), 0),
        ("economy", "Åtgärdsplanen nådde inte balans.", date(2024, 6, 1), 0),
        ("purpose", "", date(2025, 1, 1), 1),
        ("whim", "Därför.", date(2025, 1, 1), 1),
        ("breach", "Avtalet följs inte.", date(2024, 5, 31), 1),
    ],
)
def test_termination_proposal_needs_ground_motivation_and_a_date_not_past(ground, motivation, effective, count):
    # given a termination proposal on 2024-06-01
    # when it is checked
    try:
        rules.check_termination_proposal(
            ground=ground, motivation=motivation, effective_on=effective, today=date(2024, 6, 1)
        )
        problems = []
    except ValidationError as error:
        problems = error.messages
    # then the expected number of problems is found
    assert len(problems) == count


# Due dates (the daily job) -------------------------------------------------------------------

PERIOD_END = date(2024, 12, 31)  # the agreement period's last day


@pytest.mark.parametrize(
    ("effective_on", "decided_on", "at_once"),
    [
        (date(2023, 1, 1), date(2022, 10, 14), False),  # a notice period: it waits
        (date(2023, 1, 1), date(2023, 1, 1), True),  # decided on the day it takes effect
        (date(2023, 1, 1), date(2023, 1, 10), True),  # decided late: at once
    ],
)
def test_a_termination_takes_effect_at_once_only_from_its_effective_day(effective_on, decided_on, at_once):
    assert rules.takes_effect_at_once(effective_on=effective_on, decided_on=decided_on) is at_once


@pytest.mark.parametrize(
    ("status", "renewal", "effective_on", "today", "expected"),
    [
        # nothing due while the period runs and no termination is decided
        ("active", None, None, PERIOD_END, None),
        # the day after the period: it expires, ended from that day
        ("active", None, None, date(2025, 1, 1), ("expire", date(2025, 1, 1))),
        ("active", None, None, date(2025, 3, 1), ("expire", date(2025, 1, 1))),
        # a renewal drafted or decided but not signed: held, reported
        ("active", "draft", None, date(2025, 1, 1), ("hold", None)),
        ("active", "decided", None, date(2025, 1, 1), ("hold", None)),
        # a renewal cancelled: nothing holds it
        ("active", "cancelled", None, date(2025, 1, 1), ("expire", date(2025, 1, 1))),
        # a decided termination: waits for its day, then ends it from that day
        ("active", None, date(2024, 6, 1), date(2024, 5, 31), None),
        ("active", None, date(2024, 6, 1), date(2024, 6, 1), ("terminate", date(2024, 6, 1))),
        ("active", None, date(2024, 6, 1), date(2024, 7, 1), ("terminate", date(2024, 6, 1))),
        # on the day the agreement would expire, the board's decision wins
        ("active", None, date(2025, 1, 1), date(2025, 1, 1), ("terminate", date(2025, 1, 1))),
        # a termination effective after the period: the period ends first
        ("active", None, date(2025, 2, 1), date(2025, 1, 1), ("expire", date(2025, 1, 1))),
        ("active", None, date(2025, 2, 1), date(2025, 2, 1), ("expire", date(2025, 1, 1))),
        # a decided termination means a renewal will never be signed: no hold
        ("active", "decided", date(2025, 2, 1), date(2025, 1, 1), ("expire", date(2025, 1, 1))),
        # only an active intraprenad has anything due
        ("ended", None, date(2024, 6, 1), date(2025, 6, 1), None),
        ("withdrawn", None, None, date(2025, 6, 1), None),
    ],
)
def test_what_is_due_on_a_day(status, renewal, effective_on, today, expected):
    action = rules.due_action(
        intraprenad_status=status,
        agreement=rules.AgreementFacts(period_end=PERIOD_END, renewal_status=renewal),
        termination_effective_on=effective_on,
        today=today,
    )
    assert (None if action is None else (action.kind, action.ended_on)) == expected


def test_without_an_agreement_in_force_only_a_decided_termination_can_be_due():
    due = rules.due_action(
        intraprenad_status="active", agreement=None, termination_effective_on=date(2024, 6, 1), today=date(2024, 6, 1)
    )
    assert (due.kind, due.ended_on) == ("terminate", date(2024, 6, 1))
    nothing = rules.due_action(
        intraprenad_status="active", agreement=None, termination_effective_on=None, today=PERIOD_END
    )
    assert nothing is None


@given(
    period_end=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    renewal=st.sampled_from([None, "draft", "decided", "signed", "cancelled"]),
    effective_offset=st.one_of(st.none(), st.integers(min_value=-800, max_value=800)),
    today_offset=st.integers(min_value=-800, max_value=800),
)
def test_due_actions_never_end_an_intraprenad_in_the_future_or_before_its_time(
    period_end, renewal, effective_offset, today_offset
):
    effective_on = None if effective_offset is None else period_end + timedelta(days=effective_offset)
    today = period_end + timedelta(days=today_offset)
    action = rules.due_action(
        intraprenad_status="active",
        agreement=rules.AgreementFacts(period_end=period_end, renewal_status=renewal),
        termination_effective_on=effective_on,
        today=today,
    )
    if action is None:
        # nothing due: the period still runs and no decided termination has reached its day
        assert today <= period_end and (effective_on is None or effective_on > today)
    elif action.kind == rules.DueAction.HOLD:
        assert today > period_end and renewal in ("draft", "decided") and effective_on is None
    else:
        # it ends on the first of the due days, never after today and never after the period
        candidates = [period_end + timedelta(days=1)] + ([effective_on] if effective_on else [])
        assert action.ended_on == min(candidates) <= today
        assert action.ended_on <= period_end + timedelta(days=1)
        assert action.kind == (rules.DueAction.TERMINATE if action.ended_on == effective_on else rules.DueAction.EXPIRE)
