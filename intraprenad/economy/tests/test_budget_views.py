"""The budget pages: one success and one permission test per view, and the walk from the index table through an
indexed draft, a change, approval and a new version, through the browser's POSTs."""

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from intraprenad.economy.forms import budget as forms
from intraprenad.economy.lines import Line
from intraprenad.economy.models import Budget, BudgetIndex
from intraprenad.economy.queries import budget as queries
from intraprenad.economy.services import budget as services
from intraprenad.economy.tests.test_budget_services import ANNUAL, START_UP, approved, index_for, result_unit

L = Line
S = Budget.Status


def login(client, user):
    client.force_login(user)
    return client


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def edit_data(**overrides) -> dict:
    data = {
        "line_revenue": "1200",
        "line_purchases": "",
        "line_personnel": "-600",
        "line_other": "-120",
        "line_financial": "0",
        "distribution": "even",
        "comment": "Justerad",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-description": "Ramförstärkning",
        "items-0-line": "revenue",
        "items-0-amount": "300",
        "items-0-month": "2",
    }
    data.update(overrides)
    return data


# --- the unit's budgets -------------------------------------------------------------------------


def test_budgets_page_shows_the_years_side_by_side_with_index_and_change(client, muni):
    # given approved budgets for 2025 and 2026, the latter indexed
    first = approved(muni, 2025)
    index_for(2026)
    draft = services.draft_from_previous(by=muni.users.economist, result_unit=first.result_unit, year=2026)
    services.approve_budget(by=muni.users.economist, budget=draft)
    # when the unit head opens the unit's budgets
    response = login(client, muni.users.unit_head).get(reverse("economy_budgets", args=[first.result_unit_id]))
    # then both years are shown with amounts in kronor, the index and the change in per cent
    assert response.status_code == 200
    page = response.content.decode()
    assert "<caption" in page and 'scope="row"' in page
    multi = response.context["multi_year"]
    assert [c.year for c in multi.columns] == [2025, 2026]
    assert multi.columns[1].source == "SKR PKV oktober"
    personnel = dict(multi.rows)[str(L.PERSONNEL.label)]
    assert personnel[0].amount_ore == -900_000_000
    assert "\u22129\u00a0000\u00a0000\u00a0kr" in page  # in kronor with a real minus sign, like the other pages
    assert personnel[1].change_percent == Decimal("3.1")
    assert "9\xa0000\xa0000" in page
    assert response.context["can_edit"] is True


def test_budgets_page_is_hidden_from_another_units_head_and_anonymous(client, muni):
    unit = result_unit(muni)
    url = reverse("economy_budgets", args=[unit.pk])
    assert_login_redirect(client.get(url))
    assert login(client, muni.users.other_unit_head).get(url).status_code == 404
    assert login(client, muni.users.evaluator).get(url).status_code == 404


def test_staff_see_budgets_but_get_no_form(client, muni):
    approved(muni, 2025)
    response = login(client, muni.users.staff).get(reverse("economy_budgets", args=[result_unit(muni).pk]))
    assert response.status_code == 200
    assert response.context["can_edit"] is False
    assert reverse("economy_budget_create", args=[result_unit(muni).pk]) not in response.content.decode()


def test_create_a_draft_from_the_previous_year(client, muni):
    previous = approved(muni, 2025)
    index_for(2026)
    response = login(client, muni.users.unit_head).post(
        reverse("economy_budget_create", args=[previous.result_unit_id]), {"year": "2026", "start": "previous"}
    )
    budget = Budget.objects.get(year=2026)
    assert response.status_code == 302
    assert response["Location"] == reverse("economy_budget_detail", args=[budget.pk])
    assert budget.based_on == previous


def test_create_shows_the_refusal_in_the_form(client, muni):
    unit = result_unit(muni)
    response = login(client, muni.users.unit_head).post(
        reverse("economy_budget_create", args=[unit.pk]), {"year": "2026", "start": "previous"}
    )
    assert response.status_code == 200
    errors = response.context["new_form"].non_field_errors()
    assert len(errors) == 2
    assert not Budget.objects.exists()


def test_create_an_empty_draft_with_the_start_up_item(client, muni):
    from intraprenad.lifecycle.models import Intraprenad

    # given an intraprenad on the unit, started in 2021 with a frame increase of 1.5 MSEK and no agreement yet
    Intraprenad.objects.create(
        name="Hemvården Norr",
        unit=muni.unit,
        board=muni.board,
        service_type="Hemtjänst",
        one_time_frame_increase=Decimal("1500000"),
        created_at=datetime(2021, 6, 1, 10, tzinfo=UTC),
    )
    unit = result_unit(muni)
    client = login(client, muni.users.economist)
    page = client.get(reverse("economy_budgets", args=[unit.pk]))
    assert page.context["start_up"]["year"] == 2022
    assert "include_start_up" in page.context["new_form"].fields
    # when the economist starts an empty 2022 budget with the start-up item ticked
    client.post(
        reverse("economy_budget_create", args=[unit.pk]), {"year": "2022", "start": "empty", "include_start_up": "on"}
    )
    # then the draft has the frame increase as revenue in January
    budget = Budget.objects.get(year=2022)
    assert queries.budget_items(budget) == [
        {"line": L.REVENUE, "description": _("Start-up frame increase"), "amount_ore": 150_000_000, "month": 1}
    ]


def test_the_start_up_item_is_ticked_only_when_the_form_opens_on_the_first_year(client, muni):
    from intraprenad.lifecycle.models import Intraprenad

    # given an intraprenad started in 2021, so its first budget year is 2022
    Intraprenad.objects.create(
        name="Hemvården Norr",
        unit=muni.unit,
        board=muni.board,
        service_type="Hemtjänst",
        one_time_frame_increase=Decimal("1500000"),
        created_at=datetime(2021, 6, 1, 10, tzinfo=UTC),
    )
    unit = result_unit(muni)
    client = login(client, muni.users.economist)
    # when the unit has budgets up to 2023, the form opens on 2024: the box is offered but not ticked
    approved(muni, 2023)
    page = client.get(reverse("economy_budgets", args=[unit.pk]))
    form = page.context["new_form"]
    assert form["year"].value() == 2024
    assert form["include_start_up"].value() is False
    # the amount is shown in kronor
    assert "1\u00a0500\u00a0000\u00a0kr" in page.content.decode()


@pytest.mark.parametrize(("opens_on", "ticked"), [(2022, True), (2023, False), (2021, False)])
def test_the_start_up_box_is_ticked_for_the_first_budget_year_only(opens_on, ticked):
    form = forms.NewBudgetForm(initial={"year": opens_on}, start_up_year=2022)
    assert form["include_start_up"].value() is ticked


def test_without_a_start_up_increase_there_is_no_box():
    assert "include_start_up" not in forms.NewBudgetForm(initial={"year": 2022}).fields


def test_create_is_refused_for_staff(client, muni):
    unit = result_unit(muni)
    response = login(client, muni.users.staff).post(
        reverse("economy_budget_create", args=[unit.pk]), {"year": "2026", "start": "empty"}
    )
    assert response.status_code == 403
    assert not Budget.objects.exists()


# --- one budget ---------------------------------------------------------------------------------


def test_detail_shows_lines_by_month_with_totals_and_the_forms(client, muni):
    budget = services.draft_budget(
        by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual=ANNUAL, items=[START_UP]
    )
    response = login(client, muni.users.unit_head).get(reverse("economy_budget_detail", args=[budget.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    table = response.context["table"]
    assert table.total_ore == sum(ANNUAL.values()) + START_UP["amount_ore"]
    assert [row.line for row in table.rows][0] == L.REVENUE
    assert page.count('scope="col"') >= 14
    assert "Ramförstärkning vid uppstart" in page
    # the unit head may edit but not approve
    assert "edit_form" in response.context
    assert "approve_form" not in response.context
    assert response.context["edit_form"].initial["line_revenue"] == Decimal("12000000")


def test_the_month_table_shows_kronor_with_a_real_minus_sign(client, muni):
    budget = services.draft_budget(
        by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual=ANNUAL, items=[START_UP]
    )
    page = login(client, muni.users.unit_head).get(reverse("economy_budget_detail", args=[budget.pk])).content.decode()
    assert '<td class="num">\u2212750\u00a0000\u00a0kr</td>' in page  # personnel, a month
    assert "<strong>\u22129\u00a0000\u00a0000\u00a0kr</strong>" in page  # personnel, the year
    assert '<td class="num">1\u00a0500\u00a0000\u00a0kr</td>' in page  # the one-time item
    assert "-750000" not in page and "-750\u00a0000" not in page


def test_the_change_log_shows_the_yearly_amounts_in_kronor_per_line(client, muni):
    # given a draft whose revenue the economist then raised
    budget = services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    services.update_draft(
        by=muni.users.economist,
        budget=budget,
        annual={**ANNUAL, L.REVENUE: ANNUAL[L.REVENUE] + 100_000_00},
        items=[],
        comment="",
    )
    # when the economist opens the budget
    response = login(client, muni.users.economist).get(reverse("economy_budget_detail", args=[budget.pk]))
    # then the log names the lines and shows kronor, the change as before → after
    page = response.content.decode()
    page = page[page.index('<section class="audit"') :]
    assert "Personalkostnader: \u22129\u00a0000\u00a0000\u00a0kr" in page
    assert "Intäkter: 12\u00a0000\u00a0000\u00a0kr → 12\u00a0100\u00a0000\u00a0kr" in page
    assert "revenue:" not in page and "-9000000" not in page
    assert '<caption class="visually-hidden">Ändringslogg</caption>' in page


def test_detail_is_hidden_from_another_units_head(client, muni):
    budget = approved(muni)
    url = reverse("economy_budget_detail", args=[budget.pk])
    assert login(client, muni.users.other_unit_head).get(url).status_code == 404
    client.logout()
    assert_login_redirect(client.get(url))


def test_update_saves_the_draft(client, muni):
    budget = services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    response = login(client, muni.users.unit_head).post(reverse("economy_budget_update", args=[budget.pk]), edit_data())
    assert response.status_code == 302
    budget.refresh_from_db()
    months = queries.budget_months(budget)
    assert sum(months[L.REVENUE]) == 1200_00 + 300_00
    assert months[L.REVENUE][1] == 100_00 + 300_00
    assert sum(months[L.PURCHASES]) == 0
    assert budget.comment == "Justerad"


def test_update_shows_a_sign_error_naming_the_line(client, muni):
    budget = services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    response = login(client, muni.users.unit_head).post(
        reverse("economy_budget_update", args=[budget.pk]), edit_data(line_personnel="600")
    )
    assert response.status_code == 200
    [error] = response.context["edit_form"].non_field_errors()
    assert error.startswith(str(L.PERSONNEL.label))
    assert sum(queries.budget_months(budget)[L.PERSONNEL]) == -9 * 100_000_000


def test_update_is_refused_for_another_units_head_and_staff(client, muni):
    budget = services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    url = reverse("economy_budget_update", args=[budget.pk])
    assert login(client, muni.users.other_unit_head).post(url, edit_data()).status_code == 404
    assert login(client, muni.users.staff).post(url, edit_data()).status_code == 403


def test_update_of_an_approved_budget_is_refused_with_the_message(client, muni):
    budget = approved(muni)
    response = login(client, muni.users.economist).post(
        reverse("economy_budget_update", args=[budget.pk]), edit_data(), follow=True
    )
    assert response.redirect_chain == [(reverse("economy_budget_detail", args=[budget.pk]), 302)]
    assert messages_of(response) == [_("An approved budget cannot be changed; create a new version.")]
    budget.refresh_from_db()
    assert budget.status == S.APPROVED


def test_approve_and_make_a_new_version(client, muni):
    budget = services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    client = login(client, muni.users.board_member)
    page = client.get(reverse("economy_budget_detail", args=[budget.pk]))
    assert "approve_form" in page.context
    response = client.post(reverse("economy_budget_approve", args=[budget.pk]), {"decision": ""})
    assert response.status_code == 302
    budget.refresh_from_db()
    assert budget.status == S.APPROVED
    assert budget.approved_by == muni.users.board_member
    # the unit head makes a new version
    response = login(client, muni.users.unit_head).post(reverse("economy_budget_new_version", args=[budget.pk]))
    copy = Budget.objects.get(year=2025, version=2)
    assert response["Location"] == reverse("economy_budget_detail", args=[copy.pk])
    assert copy.status == S.DRAFT


def test_approve_is_refused_for_the_unit_head(client, muni):
    budget = services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    response = login(client, muni.users.unit_head).post(reverse("economy_budget_approve", args=[budget.pk]), {})
    assert response.status_code == 403
    budget.refresh_from_db()
    assert budget.status == S.DRAFT


def test_new_version_is_refused_for_staff(client, muni):
    budget = approved(muni)
    response = login(client, muni.users.staff).post(reverse("economy_budget_new_version", args=[budget.pk]))
    assert response.status_code == 403
    assert Budget.objects.count() == 1


def test_delete_a_draft(client, muni):
    budget = services.draft_budget(by=muni.users.unit_head, result_unit=result_unit(muni), year=2025, annual=ANNUAL)
    response = login(client, muni.users.unit_head).post(reverse("economy_budget_delete", args=[budget.pk]))
    assert response["Location"] == reverse("economy_budgets", args=[budget.result_unit_id])
    assert not Budget.objects.exists()


def test_delete_is_refused_for_staff_and_for_an_approved_budget(client, muni):
    budget = approved(muni)
    assert login(client, muni.users.staff).post(reverse("economy_budget_delete", args=[budget.pk])).status_code == 403
    response = login(client, muni.users.economist).post(reverse("economy_budget_delete", args=[budget.pk]), follow=True)
    assert messages_of(response)
    assert Budget.objects.filter(pk=budget.pk).exists()


# --- the index table ----------------------------------------------------------------------------


def test_economist_enters_an_index(client, muni):
    client = login(client, muni.users.economist)
    assert client.get(reverse("economy_index")).status_code == 200
    response = client.post(
        reverse("economy_index"),
        {
            "year": "2026",
            "personnel_percent": "3,1",
            "other_percent": "2.4",
            "revenue_percent": "2.9",
            "source": "SKR PKV oktober 2025",
        },
    )
    assert response.status_code == 302
    assert BudgetIndex.objects.get(year=2026).personnel_percent == Decimal("3.1")
    page = client.get(reverse("economy_index") + "?year=2026")
    assert page.context["form"].initial["source"] == "SKR PKV oktober 2025"


def test_the_index_table_is_read_only_for_the_board_and_closed_to_others(client, muni):
    index_for(2026)
    response = login(client, muni.users.board_member).get(reverse("economy_index"))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "SKR PKV oktober" in response.content.decode()
    post = {"year": "2027", "personnel_percent": "1", "other_percent": "1", "revenue_percent": "0", "source": "x"}
    assert login(client, muni.users.board_member).post(reverse("economy_index"), post).status_code == 403
    assert login(client, muni.users.evaluator).get(reverse("economy_index")).status_code == 403
    client.logout()
    assert_login_redirect(client.get(reverse("economy_index")))
    assert not BudgetIndex.objects.filter(year=2027).exists()


# --- the import ---------------------------------------------------------------------------------


def upload(text: str, name: str = "budget.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_import_creates_drafts(client, muni):
    result_unit(muni)
    result_unit(muni, muni.other_unit)
    text = "enhet;år;rad;belopp\nHemvården Norr;2026;Personalkostnader;-100\nHemvården Syd;2026;Intäkter;200\n"
    response = login(client, muni.users.economist).post(reverse("economy_budget_import"), {"file": upload(text)})
    assert response.status_code == 302
    assert Budget.objects.filter(year=2026, status=S.DRAFT).count() == 2


def test_import_shows_row_and_column_and_stores_nothing(client, muni):
    result_unit(muni)
    text = "enhet;år;rad;belopp\nHemvården Norr;2026;Personalkostnader;100\nOkänd;2026;Intäkter;200\n"
    response = login(client, muni.users.economist).post(reverse("economy_budget_import"), {"file": upload(text)})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1 and "Rad 2" in errors[0] and "belopp" in errors[0]
    text = "enhet;år;rad;belopp\nOkänd;2026;Intäkter;200\n"
    response = client.post(reverse("economy_budget_import"), {"file": upload(text)})
    assert "Okänd" in response.context["form"].errors["file"][0]
    assert not Budget.objects.exists()


def test_import_is_closed_to_roles_without_edit_budget(client, muni):
    assert login(client, muni.users.staff).get(reverse("economy_budget_import")).status_code == 403
    assert (
        login(client, muni.users.board_member).get(reverse("economy_budget_template", args=["csv"])).status_code == 403
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_downloads(client, muni, fmt):
    response = login(client, muni.users.unit_head).get(reverse("economy_budget_template", args=[fmt]))
    assert response.status_code == 200
    assert f"budgetmall.{fmt}" in response["Content-Disposition"]
    if fmt == "xlsx":
        assert load_workbook(io.BytesIO(response.content)).active["A1"].value == "enhet"
    else:
        assert response.content.decode("utf-8-sig").startswith("enhet;år;rad")
    assert client.get(reverse("economy_budget_template", args=["pdf"])).status_code == 404
