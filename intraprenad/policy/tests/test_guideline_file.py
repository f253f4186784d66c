from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from intraprenad.policy import parameters as P
from intraprenad.policy.guideline_file import (
    GuidelineData,
    GuidelineFileError,
    Item,
    dump_guideline_file,
    line_of,
    parse_guideline_file,
)

DEFAULTS = Path(__file__).resolve().parent.parent / "defaults"

MINIMAL = """\
title = "Riktlinjer"
valid_from = 2024-01-01

[parameters]
surplus_share_unit = 60

[[application_sections]]
key = "ide"
title = "Verksamhetsidé"

[[agreement_clauses]]
key = "innehall"
title = "Innehåll"
guidance = "Beskriv uppdraget."
"""


@pytest.mark.parametrize("name", ["ljusdal-2007", "socialnamnden-2021"])
def test_default_files_round_trip_exactly(name):
    # given
    text = (DEFAULTS / f"{name}.toml").read_text(encoding="utf-8")
    # when
    data = parse_guideline_file(text, f"{name}.toml")
    # then
    assert dump_guideline_file(data) == text
    assert parse_guideline_file(dump_guideline_file(data), "x.toml") == data


def test_ljusdal_file_holds_the_seed_guidelines():
    # given
    text = (DEFAULTS / "ljusdal-2007.toml").read_text(encoding="utf-8")
    # when
    data = parse_guideline_file(text, "ljusdal-2007.toml")
    # then
    assert len(data.application_sections) == 6
    assert len(data.agreement_clauses) == 15
    assert [item.title for item in data.fund_uses] == [
        "Kompetensutveckling",
        "Personalbefrämjande åtgärder",
        "Fondering för kommande behov",
    ]
    assert data.parameters["training_sessions_min"] == 6
    assert data.parameters["training_sessions_max"] == 8
    assert data.parameters["training_hours_per_session"] == Decimal("3")
    assert data.parameters["external_evaluator"] == "optional"
    assert data.valid_from == date(2007, 5, 1)


def test_socialnamnden_file_holds_the_eighteen_clauses_of_seed_002():
    # given
    text = (DEFAULTS / "socialnamnden-2021.toml").read_text(encoding="utf-8")
    # when
    data = parse_guideline_file(text, "socialnamnden-2021.toml")
    # then
    titles = [item.title for item in data.agreement_clauses]
    assert len(titles) == 18
    for expected in [
        "Kollektivavtal",
        "Hantering av hyra, lokaler och utrustning",
        "Hävning av avtal",
        "Villkor vid tvist",
        "Ansvar för personalfrågor",
    ]:
        assert expected in titles


def test_a_minimal_file_takes_defaults_for_parameters_it_leaves_out():
    # when
    data = parse_guideline_file(MINIMAL, "min.toml")
    # then
    assert data.parameters["surplus_share_unit"] == Decimal("60")
    assert data.parameters["agreement_period_years"] == P.BY_NAME["agreement_period_years"].default
    assert data.agreement_clauses == (Item("innehall", "Innehåll", "Beskriv uppdraget."),)
    assert data.board == ""


def test_text_with_quotes_backslashes_and_newlines_survives_a_round_trip():
    # given
    data = GuidelineData(
        title='Riktlinjer "2024" \\ utkast',
        valid_from=date(2024, 1, 1),
        description='Rad ett\nRad två med """ tre citattecken\n\tindrag',
        parameters=P.values({}) | {"fund_cap_amount": Decimal("1234567.89"), "fund_cap_share_of_turnover": None},
        application_sections=(Item("a", "A", "Flera\nrader"),),
        agreement_clauses=(Item("b", "B", ""),),
    )
    # when
    text = dump_guideline_file(data)
    # then
    assert parse_guideline_file(text, "x.toml") == data
    assert 'fund_cap_share_of_turnover = ""' in text


def test_export_explains_each_parameter_in_swedish():
    # when
    text = dump_guideline_file(parse_guideline_file(MINIMAL, "min.toml"))
    # then
    assert "# Andel av ett överskott som enheten behåller (%)" in text


def _replace(old: str, new: str) -> str:
    assert old in MINIMAL
    return MINIMAL.replace(old, new)


@pytest.mark.parametrize(
    ("text", "line", "field", "problem"),
    [
        (
            _replace("surplus_share_unit = 60", "surplus_share_unit = 160"),
            5,
            "parameters.surplus_share_unit",
            "värdet måste vara mellan 0 och 100",
        ),
        (
            _replace("surplus_share_unit = 60", 'surplus_share_unit = "mycket"'),
            5,
            "parameters.surplus_share_unit",
            "värdet måste vara ett tal",
        ),
        (_replace("surplus_share_unit = 60", "surplus_share = 60"), 5, "parameters.surplus_share", "okänd parameter"),
        (
            _replace("surplus_share_unit = 60", "agreement_period_years = 2.5"),
            5,
            "parameters.agreement_period_years",
            "värdet måste vara ett heltal",
        ),
        (
            _replace("surplus_share_unit = 60", 'agreement_period_years = ""'),
            5,
            "parameters.agreement_period_years",
            "ett värde krävs",
        ),
        (
            _replace("surplus_share_unit = 60", 'external_evaluator = "ibland"'),
            5,
            "parameters.external_evaluator",
            "värdet måste vara ett av",
        ),
        (
            _replace("surplus_share_unit = 60", "training_sessions_min = 9\ntraining_sessions_max = 8"),
            6,
            "parameters.training_sessions_max",
            "får inte vara färre",
        ),
        (
            _replace('key = "innehall"', 'key = "Innehåll och mer"'),
            12,
            "agreement_clauses[1].key",
            "får bara innehålla",
        ),
        (
            MINIMAL + '[[agreement_clauses]]\nkey = "innehall"\ntitle = "Igen"\n',
            16,
            "agreement_clauses[2].key",
            "används två gånger",
        ),
        (_replace('title = "Innehåll"', 'title = "  "'), 13, "agreement_clauses[1].title", "en rubrik krävs"),
        (_replace('title = "Innehåll"', 'titel = "Innehåll"'), 13, "agreement_clauses[1].titel", "okänt fält"),
        (_replace("valid_from = 2024-01-01", 'valid_from = "första maj"'), 2, "valid_from", "ÅÅÅÅ-MM-DD"),
        (_replace('title = "Riktlinjer"', 'title = ""'), 1, "title", "en rubrik krävs"),
        (
            _replace('[[application_sections]]\nkey = "ide"\ntitle = "Verksamhetsidé"\n', ""),
            1,
            "application_sections",
            "minst en punkt krävs",
        ),
        (_replace("valid_from = 2024-01-01", 'valid_from = 2024-01-01\nfarg = "blå"'), 3, "farg", "okänt fält"),
    ],
)
def test_a_bad_file_is_refused_naming_line_and_field(text, line, field, problem):
    # when
    with pytest.raises(GuidelineFileError) as caught:
        parse_guideline_file(text, "riktlinjer.toml")
    # then
    error = caught.value
    assert (error.line, error.field) == (line, field)
    assert problem in error.messages[0]
    assert error.messages[0].startswith(f"riktlinjer.toml, rad {line}, fält {field}: ")


def test_a_toml_syntax_error_keeps_the_line_tomllib_reports():
    # given
    text = _replace("surplus_share_unit = 60", "surplus_share_unit = = 60")
    # when
    with pytest.raises(GuidelineFileError) as caught:
        parse_guideline_file(text, "riktlinjer.toml")
    # then
    assert caught.value.line == 5
    assert caught.value.field is None
    assert caught.value.messages[0].startswith("riktlinjer.toml, rad 5: ")


def test_the_message_has_the_documented_shape():
    # given
    text = _replace("surplus_share_unit = 60", "surplus_share_unit = 160")
    # when
    with pytest.raises(GuidelineFileError) as caught:
        parse_guideline_file(text, "riktlinjer.toml")
    # then
    assert caught.value.messages == [
        "riktlinjer.toml, rad 5, fält parameters.surplus_share_unit: värdet måste vara mellan 0 och 100"
    ]


def test_line_of_finds_keys_inside_the_nth_item_and_skips_multiline_strings():
    # given
    text = 'description = """\n[[agreement_clauses]]\nkey = "falsk"\n"""\n[[agreement_clauses]]\nkey = "a"\n'
    # then
    assert line_of(text, ("agreement_clauses", 0, "key")) == 6
    assert line_of(text, ("agreement_clauses", 0, "title")) == 5
    assert line_of(text, ("parameters", "x")) == 1
