"""The economy's Swedish: words that other apps translate differently keep their own meaning (contexts), messages
built from parts are extracted and translated whole, counts take the right plural, and no English code word
shows inside a Swedish message."""

import io
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from intraprenad.cases.models import Case, Paragraph
from intraprenad.economy.forms.ledger import dimension_choices
from intraprenad.economy.models import ActionFollowUp, FundMovement, Voucher
from intraprenad.economy.queries.closing import _display_parameter
from intraprenad.economy.services import ledger as ledger_services

from . import test_ledger_fixtures as fixtures
from .test_followup_data import YEAR, home_care
from .test_ledger_fixtures import NORR, on, sie_file, voucher

media = fixtures.media
mapped = fixtures.mapped


def swedish(field) -> str:
    with translation.override("sv"):
        return str(field.verbose_name)


# --- the same English word, different Swedish ----------------------------------------------------------------


def test_the_language_button_and_the_edit_column_are_not_the_same_change(client, muni):
    # when the economist opens the index table (which has a column of edit links) in Swedish
    client.force_login(muni.users.economist)
    page = client.get(reverse("economy_index")).content.decode()
    # then the language switcher says "Byt" and the column "Ändra"
    assert '<button type="submit" class="small">Byt</button>' in page
    assert '<span class="visually-hidden">Ändra</span>' in page


def test_ledger_words_are_not_the_case_registers_words():
    assert swedish(Voucher._meta.get_field("series")) == "serie"
    assert swedish(Case._meta.get_field("series")) == "diarieserie"
    assert swedish(FundMovement._meta.get_field("created_at")) == "bokförd"
    assert swedish(ActionFollowUp._meta.get_field("recorded_at")) == "registrerad"
    assert swedish(Paragraph._meta.get_field("recorded_at")) == "protokollfört"


# --- messages built from parts -------------------------------------------------------------------------------


def test_the_current_dimension_is_marked_as_the_setting_in_swedish():
    with translation.override("sv"):
        choices = dict(dimension_choices("1"))
    assert choices["1"] == "1 – kostnadsställe / resultatenhet (inställningen)"
    assert choices["6"] == "6 – projekt"


def test_the_overview_workbook_is_named_in_swedish(client, muni):
    home_care(muni)
    client.force_login(muni.users.economist)
    response = client.get(reverse("economy_overview_export", kwargs={"fmt": "xlsx"}) + f"?year={YEAR}")
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.worksheets[0].title == f"Översikt {YEAR}-02"
    assert workbook.properties.title == f"Nämndöversikt {YEAR}, februari"


@pytest.mark.parametrize(("months", "shown"), [(1, "1 månad"), (6, "6 månader"), (12, "12 månader")])
def test_the_action_plan_deadline_is_counted_in_months(months, shown):
    with translation.override("sv"):
        assert _display_parameter("action_plan_deadline_months", months) == shown


# --- no English code words inside Swedish messages ----------------------------------------------------------


@pytest.mark.parametrize(
    ("series", "account", "field"),
    [("A" * 21, "3010", "verifikationsserie"), ("A", "3" * 21, "konto")],
)
def test_a_field_too_long_is_named_in_swedish(mapped, series, account, field):
    data = sie_file(voucher(series, "1", "20250115", [(account, on(NORR), "-5000.00"), ("1930", "{}", "5000.00")]))
    with pytest.raises(ValidationError) as refused:
        ledger_services.import_ledger(by=mapped.users.economist, data=data, file_name="hb.se")
    message = " ".join(refused.value.messages)
    assert f": {field} ”" in message and "längre än" in message


def test_the_command_summary_gives_the_checksum_in_swedish(mapped, tmp_path):
    # given a file without a checksum whose voucher does not balance, imported anyway
    path = tmp_path / "hb.se"
    path.write_bytes(sie_file(voucher("A", "1", "20250115", [("3010", on(NORR), "-50.00"), ("1930", "{}", "40.00")])))
    out = io.StringIO()
    with translation.override("sv"):
        call_command("import_sie", str(path), "--allow-differences", "--user", "ekonom", stdout=out)
    # then the reconciliation line says the checksum is missing, in Swedish
    assert "kontrollsumma saknas." in out.getvalue()
    assert "absent" not in out.getvalue()


def test_every_checksum_state_has_swedish_words():
    from intraprenad.economy.management.commands.import_sie import CHECKSUM_STATES

    with translation.override("sv"):
        assert {state: str(words) for state, words in CHECKSUM_STATES.items()} == {
            "absent": "saknas",
            "verified": "verifierad",
            "mismatch": "stämmer inte",
        }
