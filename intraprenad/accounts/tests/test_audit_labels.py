import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from intraprenad.accounts import audit
from intraprenad.accounts.audit_labels import (
    VERB_LABELS,
    change_rows,
    choice_labels,
    display_value,
    field_label,
    verb_label,
)
from intraprenad.cases.models import Case, Document
from intraprenad.lifecycle.models import Agreement, Application, BudgetLine, Intraprenad, Memo, Termination

PACKAGE = Path(__file__).resolve().parents[2]
VERB_ARGUMENT = re.compile(r"""\bverb\s*=\s*(f?)(["'])(.+?)\2""")

# Verbs built in f-strings, with every verb each can produce. A new f-string verb fails the scan
# below until it is listed here and its verbs are labelled.
FORMATTED_VERBS = {
    "application.{target}": {f"application.{s}" for s in (Application.Status.GRANTED, Application.Status.REJECTED)},
    "termination.{target}": {f"termination.{s}" for s in (Termination.Status.DECIDED, Termination.Status.REJECTED)},
}


def verbs_in_source() -> tuple[set[str], set[str]]:
    """The literal verbs and the f-string verb templates passed as `verb=` outside the tests."""
    literals, templates = set(), set()
    for path in PACKAGE.rglob("*.py"):
        if "tests" in path.relative_to(PACKAGE).parts:
            continue
        for is_fstring, _quote, text in VERB_ARGUMENT.findall(path.read_text(encoding="utf-8")):
            (templates if is_fstring else literals).add(text)
    return literals, templates


# --- verbs -----------------------------------------------------------------------------------------


def test_the_scan_finds_the_verbs_of_every_domain_app():
    literals, templates = verbs_in_source()
    assert {"case.registered", "revision.adopted", "intraprenad.registered", "agreement.signed"} <= literals
    assert "application.{target}" in templates


def test_every_verb_written_in_the_code_has_a_label():
    # given every verb passed to audit.record outside the tests
    literals, templates = verbs_in_source()
    unknown_templates = templates - FORMATTED_VERBS.keys()
    assert not unknown_templates, f"list the verbs these f-strings produce in FORMATTED_VERBS: {unknown_templates}"
    verbs = literals.union(*(FORMATTED_VERBS[t] for t in templates))

    # then each has a label in audit_labels.VERB_LABELS
    missing = sorted(verbs - VERB_LABELS.keys())
    assert not missing, f"add a label to accounts/audit_labels.py VERB_LABELS for {missing}"


def test_every_verb_label_is_translated_to_swedish():
    with translation.override("en"):
        english = {verb: str(label) for verb, label in VERB_LABELS.items()}
    untranslated = sorted(verb for verb, label in VERB_LABELS.items() if str(label) == english[verb])
    assert not untranslated


def test_verb_label_reads_the_verb_in_swedish_and_falls_back_to_the_raw_verb():
    assert verb_label("intraprenad.registered") == "Intresseanmälan registrerad"
    assert verb_label("something.unheard_of") == "something.unheard_of"


def test_field_label_falls_back_to_the_raw_key():
    assert field_label("staff_in_favour") == "Medarbetare som är för"
    assert field_label("parameters.surplus_share") == "parameters.surplus_share"


# --- values ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["12", "14"], "12 → 14"),
        ([None, 12], "– → 12"),
        (["a", "b", "c"], "a, b, c"),
        (["changed", "50 %", "60 %"], "Ändrad: 50 % → 60 %"),
        (["added", "", "Lokaler"], "Tillagd: Lokaler"),
        ([], "–"),
        ({"description": "Bilar", "amount": "100.00"}, "Beskrivning: Bilar, Belopp (kr): 100.00"),
        ([{"amount": "1"}, {"amount": "2"}], "Belopp (kr): 1; Belopp (kr): 2"),
        (None, "–"),
        ("", "–"),
        (True, "Ja"),
        (False, "Nej"),
        (7, "7"),
        ("2025-01-01", "2025-01-01"),
    ],
)
def test_display_value(value, expected):
    assert display_value(value) == expected


def test_display_value_reads_codes_as_their_labels():
    labels = dict(Application.Status.choices)
    assert display_value(["draft", "submitted"], labels) == "Utkast → Inlämnad"
    assert display_value("granted", labels) == "Beviljad"


def test_display_value_reads_a_two_item_plain_list_as_a_list():
    assert display_value(["budget", "goals"], pair=False) == "budget, goals"


def test_status_codes_are_read_with_the_targets_choices():
    labels = choice_labels([Application, Intraprenad], "status", ["draft", "submitted"])
    assert display_value(["draft", "submitted"], labels) == "Utkast → Inlämnad"


def test_status_codes_the_target_does_not_know_are_read_with_the_subjects_choices():
    # application.started records the intraprenad's move under "status"
    labels = choice_labels([Application, Intraprenad], "status", ["training", "application"])
    assert display_value(["training", "application"], labels) == "Utbildning → Ansökan"


def test_a_relation_key_reads_the_related_objects_status():
    # agreement.signed records {"intraprenad": ["agreement", "active"]}
    labels = choice_labels([Agreement, Intraprenad], "intraprenad", ["agreement", "active"])
    assert display_value(["agreement", "active"], labels) == "Överenskommelse under framtagande → Aktiv"


def test_other_coded_fields_read_their_choices():
    assert choice_labels([Document, Case], "kind", "memo")["memo"] == Document.Kind.MEMO.label
    assert str(choice_labels([Termination], "ground", "breach")["breach"]) == str(Termination.Ground.BREACH.label)


def test_codes_recorded_away_from_their_model_are_read_with_the_one_field_that_knows_them():
    # application.prepared records the memo's proposal on the application
    labels = choice_labels([Application, Intraprenad], "proposal", "approve")
    assert display_value("approve", labels) == str(Memo.Proposal.APPROVE.label)
    # application.budget_set records budget lines as dicts
    assert display_value([{"kind": "staff"}]) == f"Typ: {BudgetLine.Kind.STAFF.label}"


def test_codes_that_mean_different_things_in_different_models_stay_as_they_are():
    # "rejected" is a status of an intraprenad, an application and a termination, each with its own label
    assert choice_labels([], "status", "rejected") == {}


def test_values_that_are_not_codes_stay_as_they_are():
    assert choice_labels([Application, Intraprenad], "case", "SN 2025-00001") == {}
    assert choice_labels([Application], "status", ["draft", "unheard_of"]) == {}
    assert choice_labels([Application], "staff_total", 12) == {}


def test_change_rows_keeps_plain_lists_of_two_as_lists():
    rows = change_rows({"sections": ["budget", "goals"], "status": ["draft", "submitted"]}, models=[Application])
    assert rows == [("Ändrade avsnitt", "budget, goals"), ("Status", "Utkast → Inlämnad")]


# --- the change log on a page ----------------------------------------------------------------------


def test_change_log_shows_labels_readable_changes_and_the_raw_verb(muni):
    # given an audit row with a transition
    event = audit.record(
        actor=muni.users.officer,
        verb="intraprenad.registered",
        target=muni.unit,
        changes={"staff_in_favour": [3, 9], "reason": ""},
    )

    # when the change log is rendered
    html = render_to_string("includes/audit.html", {"audit_events": [event]})

    # then it reads in Swedish, keeps the raw verb for officers, and has row headers
    assert "Intresseanmälan registrerad" in html
    assert "<code>intraprenad.registered</code>" in html
    assert "<dt>Medarbetare som är för</dt><dd>3 → 9</dd>" in html
    assert '<th scope="row">' in html
    assert "<caption" in html
