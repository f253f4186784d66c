from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from intraprenad.policy import parameters as P
from intraprenad.policy import rules
from intraprenad.policy.guideline_file import GuidelineData, Item


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("surplus_share_unit", 60, Decimal("60")),
        ("surplus_share_unit", 66.67, Decimal("66.67")),
        ("surplus_share_unit", "75,5", Decimal("75.5")),
        ("agreement_period_years", 3, 3),
        ("agreement_period_years", "4", 4),
        ("fund_cap_amount", "", None),
        ("fund_cap_amount", None, None),
        ("staff_support_rule", "share", "share"),
    ],
)
def test_clean_parameter_accepts_and_types_good_values(name, raw, expected):
    # when
    value = rules.clean_parameter(P.BY_NAME[name], raw)
    # then
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("surplus_share_unit", 101, "värdet måste vara mellan 0 och 100"),
        ("surplus_share_unit", -1, "värdet måste vara mellan 0 och 100"),
        ("fund_cap_amount", -5, "värdet måste vara minst 0"),
        ("surplus_share_unit", "mycket", "värdet måste vara ett tal"),
        ("surplus_share_unit", True, "värdet måste vara ett tal"),
        ("agreement_period_years", 2.5, "värdet måste vara ett heltal"),
        ("agreement_period_years", "", "ett värde krävs"),
        ("external_evaluator", "ibland", 'värdet måste vara ett av: "none", "optional", "required"'),
    ],
)
def test_clean_parameter_refuses_bad_values_with_a_swedish_message(name, raw, message):
    # when
    with pytest.raises(rules.ParameterError) as caught:
        rules.clean_parameter(P.BY_NAME[name], raw)
    # then
    assert caught.value.field == name
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"training_sessions_min": 9, "training_sessions_max": 8}, "training_sessions_max"),
        ({"staff_support_rule": "share", "staff_support_share": 0}, "staff_support_share"),
        ({"no_such_parameter": 1}, "no_such_parameter"),
        ({"agreement_period_years": 1, "renewal_notice_months": 12}, "renewal_notice_months"),
        ({"agreement_period_years": 3, "renewal_notice_months": 0}, "renewal_notice_months"),
    ],
)
def test_clean_parameters_refuses_unknown_names_and_bad_combinations(raw, field):
    # when
    with pytest.raises(rules.ParameterError) as caught:
        rules.clean_parameters(raw)
    # then
    assert caught.value.field == field


def test_clean_parameters_fills_in_defaults():
    # when
    values = rules.clean_parameters({"agreement_period_years": 4})
    # then
    assert values["agreement_period_years"] == 4
    assert values["surplus_share_unit"] == P.BY_NAME["surplus_share_unit"].default
    assert set(values) == set(P.BY_NAME)


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("surplus_share_unit", Decimal("66.67"), "66,67 %"),
        ("fund_cap_amount", None, "(inget)"),
        ("staff_support_rule", "majority", "En majoritet av personalen"),
        ("agreement_period_years", 3, "3"),
    ],
)
def test_display_value_is_readable(name, value, shown):
    assert rules.display_value(P.BY_NAME[name], value) == shown


@pytest.mark.parametrize(
    ("items", "problems"),
    [
        ([("a", "A", ""), ("b", "B", "")], []),
        ([("a", "A", ""), ("a", "B", "")], [(1, "key")]),
        ([("Stor bokstav", "A", "")], [(0, "key")]),
        ([("", "A", "")], [(0, "key")]),
        ([("a", " ", "")], [(0, "title")]),
    ],
)
def test_item_problems_finds_bad_and_duplicate_keys_and_empty_titles(items, problems):
    assert [(index, field) for index, field, _message in rules.item_problems(items)] == problems


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [("draft", "adopted", True), ("adopted", "draft", False), ("adopted", "adopted", False)],
)
def test_revision_transitions(current, target, allowed):
    if allowed:
        rules.check_revision_transition(current, target)
    else:
        with pytest.raises(ValidationError):
            rules.check_revision_transition(current, target)


def test_check_is_draft_refuses_adopted_guidelines():
    with pytest.raises(ValidationError) as caught:
        rules.check_is_draft(status="adopted", title="Riktlinjer 2007")
    assert "är antagna och kan inte längre ändras" in caught.value.messages[0]


DECISION = {
    "outcome": "adopt",
    "decision_body_id": 5,
    "decision_body_is_decision_body": True,
    "revision_board_id": 5,
    "used_by_other_revision": False,
    "reference": "SN § 12",
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({}, None),
        ({"outcome": "approve"}, None),
        ({"revision_board_id": None, "decision_body_id": 1}, None),
        ({"outcome": "reject"}, "var varken bifall eller antagande"),
        ({"decision_body_id": 6}, "fattades av ett annat organ"),
        ({"revision_board_id": None, "decision_body_is_decision_body": False}, "fattades inte av ett beslutande organ"),
        ({"used_by_other_revision": True}, "har redan andra riktlinjer antagits"),
    ],
)
def test_check_adopting_decision(changes, message):
    arguments = DECISION | changes
    if message is None:
        rules.check_adopting_decision(**arguments)
    else:
        with pytest.raises(ValidationError) as caught:
            rules.check_adopting_decision(**arguments)
        assert message in caught.value.messages[0]


BASE = GuidelineData(
    title="Riktlinjer",
    valid_from=date(2020, 1, 1),
    parameters=P.values({}),
    application_sections=(Item("ide", "Idé"),),
    agreement_clauses=(Item("a", "A"), Item("b", "B"), Item("c", "C"), Item("d", "D")),
)


def _rows(new: GuidelineData) -> list[tuple[str, str, str, str, str]]:
    return [(r.section, r.change, r.name, r.old, r.new) for r in rules.diff_revisions(BASE, new)]


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (BASE, []),
        (
            replace(BASE, parameters=BASE.parameters | {"surplus_share_unit": Decimal("60")}),
            [("parameters", "changed", "surplus_share_unit", "100 %", "60 %")],
        ),
        (
            replace(BASE, parameters=BASE.parameters | {"fund_cap_amount": Decimal("500000")}),
            [("parameters", "changed", "fund_cap_amount", "(inget)", "500000")],
        ),
        (
            replace(BASE, valid_from=date(2021, 1, 1)),
            [("metadata", "changed", "valid_from", "2020-01-01", "2021-01-01")],
        ),
        (
            replace(BASE, agreement_clauses=BASE.agreement_clauses + (Item("e", "E"),)),
            [("agreement_clauses", "added", "e", "", "E")],
        ),
        (
            replace(BASE, agreement_clauses=BASE.agreement_clauses[1:]),
            [("agreement_clauses", "removed", "a", "A", "")],
        ),
        (
            replace(BASE, agreement_clauses=(Item("a", "A nytt"), *BASE.agreement_clauses[1:])),
            [("agreement_clauses", "renamed", "a", "A", "A nytt")],
        ),
        (
            replace(BASE, agreement_clauses=(Item("a", "A", "Gör så här"), *BASE.agreement_clauses[1:])),
            [("agreement_clauses", "guidance", "a", "", "Gör så här")],
        ),
        (
            replace(BASE, agreement_clauses=(Item("b", "B"), Item("c", "C"), Item("d", "D"), Item("a", "A"))),
            [("agreement_clauses", "moved", "a", "plats 1", "plats 4")],
        ),
        (
            replace(BASE, fund_uses=(Item("kompetens", "Kompetensutveckling"),)),
            [("fund_uses", "added", "kompetens", "", "Kompetensutveckling")],
        ),
    ],
)
def test_diff_revisions_reports_each_kind_of_change(new, expected):
    assert _rows(new) == expected


def test_an_insertion_does_not_mark_the_following_items_as_moved():
    # given
    new = replace(BASE, agreement_clauses=(Item("x", "X"), *BASE.agreement_clauses))
    # when
    rows = rules.diff_revisions(BASE, new)
    # then
    assert [(r.change, r.name) for r in rows] == [("added", "x")]
    assert rows[0].css_class == "diff-added"
    assert rows[0].change_label == "Tillagd"
    assert rows[0].section_label == "Överenskommelsens innehåll"
