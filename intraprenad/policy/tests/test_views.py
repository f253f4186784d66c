"""The guidelines pages: one success and one permission test per view. Adopted guidelines are public;
drafts are read by the organisation, written by officers and adopted by a board's recorded decision."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from intraprenad.accounts.models import AuditEvent
from intraprenad.policy import parameters as P
from intraprenad.policy import services
from intraprenad.policy.forms import RevisionForm
from intraprenad.policy.models import GuidelineRevision, RequiredItem
from intraprenad.policy.queries import revision_data
from intraprenad.policy.tests.factories import adopted_revision, adoption_paragraph

TEXT = """\
title = "Riktlinjer för intraprenader i Socialnämnden"
board = "SN"
valid_from = 2024-01-01

[parameters]
surplus_share_unit = 60

[[application_sections]]
key = "ide"
title = "Verksamhetsidé"

[[agreement_clauses]]
key = "innehall"
title = "Innehåll och omfattning"
guidance = "Beskriv uppdraget."
"""


def login(client, user):
    client.force_login(user)
    return client


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def audited(verb: str, target) -> bool:
    return AuditEvent.objects.filter(verb=verb, target_id=str(target.pk)).exists()


def draft(muni) -> GuidelineRevision:
    return services.import_revision(by=muni.users.officer, text=TEXT, filename="riktlinjer.toml")


def adopted(muni) -> GuidelineRevision:
    return adopted_revision(board=muni.board, title="Antagna riktlinjer för intraprenader", valid_from=date(2020, 1, 1))


def upload(text: str | bytes, name: str = "riktlinjer.toml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text)


def edit_data(revision: GuidelineRevision, **overrides) -> dict:
    """What the edit page posts when nothing is changed, with `overrides`."""
    form = RevisionForm(revision=revision)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = "" if value is None else str(value)
    return {**data, **overrides}


# --- list ------------------------------------------------------------------------------------------


def test_list_shows_the_officer_drafts_and_adopted_guidelines_and_the_import_link(client, muni):
    # given
    adopted(muni)
    draft(muni)
    login(client, muni.users.officer)

    # when
    response = client.get(reverse("revision_list"))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Antagna riktlinjer för intraprenader" in page
    assert "Riktlinjer för intraprenader i Socialnämnden" in page
    assert "Utkast" in page
    assert reverse("revision_import") in page


def test_list_shows_the_public_only_adopted_guidelines(client, muni):
    # given
    adopted(muni)
    draft(muni)

    # when
    response = client.get(reverse("revision_list"))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Antagna riktlinjer för intraprenader" in page
    assert "Riktlinjer för intraprenader i Socialnämnden" not in page
    assert reverse("revision_import") not in page


# --- import ----------------------------------------------------------------------------------------


def test_officer_imports_a_guidelines_file_as_a_draft(client, muni):
    # given
    login(client, muni.users.officer)

    # when
    response = client.post(reverse("revision_import"), {"file": upload(TEXT), "board": ""}, follow=True)

    # then
    revision = GuidelineRevision.objects.get()
    assert response.redirect_chain == [(reverse("revision_detail", args=[revision.pk]), 302)]
    assert revision.status == GuidelineRevision.Status.DRAFT
    assert revision.board == muni.board
    assert P.values(revision)["surplus_share_unit"] == Decimal("60")
    assert "Riktlinjerna har importerats som ett utkast." in messages_of(response)
    assert audited("revision.imported", revision)


def test_import_refuses_a_bad_file_in_swedish_naming_line_and_field(client, muni):
    # given
    login(client, muni.users.officer)

    # when
    response = client.post(reverse("revision_import"), {"file": upload(TEXT.replace("= 60", "= 160")), "board": ""})

    # then
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert len(errors) == 1
    assert errors[0].startswith("riktlinjer.toml, rad 6, fält ")
    assert "värdet måste vara mellan 0 och 100" in errors[0]
    assert "värdet måste vara mellan 0 och 100" in response.content.decode()
    assert not GuidelineRevision.objects.exists()
    assert not AuditEvent.objects.exists()


def test_import_refuses_a_file_that_is_not_utf8_in_swedish(client, muni):
    # given
    login(client, muni.users.officer)

    # when
    response = client.post(reverse("revision_import"), {"file": upload(TEXT.encode("utf-16")), "board": ""})

    # then
    assert response.context["form"].errors["file"] == ["Filen måste vara en textfil i UTF-8."]
    assert not GuidelineRevision.objects.exists()


def test_import_is_forbidden_to_board_members(client, muni):
    # given
    login(client, muni.users.board_member)

    # when
    response = client.post(reverse("revision_import"), {"file": upload(TEXT), "board": ""})

    # then
    assert response.status_code == 403
    assert not GuidelineRevision.objects.exists()


def test_import_requires_login(client, muni):
    # when
    response = client.get(reverse("revision_import"))

    # then
    assert_login_redirect(response)


# --- detail ----------------------------------------------------------------------------------------


def test_detail_shows_the_officer_a_draft_with_parameters_items_and_actions(client, muni):
    # given
    revision = draft(muni)
    login(client, muni.users.officer)

    # when
    response = client.get(reverse("revision_detail", args=[revision.pk]))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Andel av ett överskott som enheten behåller (%)" in page
    assert "60 %" in page
    assert "Innehåll och omfattning" in page
    assert "Beskriv uppdraget." in page
    assert reverse("revision_export", args=[revision.pk]) in page
    assert reverse("revision_edit", args=[revision.pk]) in page
    assert reverse("revision_draft", args=[revision.pk]) in page
    assert reverse("revision_adopt", args=[revision.pk]) not in page


def test_detail_offers_the_board_member_to_adopt_a_draft_and_shows_the_change_log(client, muni):
    # given
    revision = draft(muni)
    login(client, muni.users.board_member)

    # when
    response = client.get(reverse("revision_detail", args=[revision.pk]))

    # then
    page = response.content.decode()
    assert reverse("revision_adopt", args=[revision.pk]) in page
    assert reverse("revision_edit", args=[revision.pk]) not in page
    assert "revision.imported" in page


def test_detail_shows_the_public_adopted_guidelines_without_actions(client, muni):
    # given
    revision = adopted(muni)

    # when
    response = client.get(reverse("revision_detail", args=[revision.pk]))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Antagna riktlinjer för intraprenader" in page
    assert "Förvaltningens åtaganden" in page
    assert reverse("revision_export", args=[revision.pk]) in page
    assert reverse("revision_draft", args=[revision.pk]) not in page
    assert reverse("revision_adopt", args=[revision.pk]) not in page
    assert not response.context.get("show_audit")


def test_detail_tells_a_new_draft_from_the_version_it_was_copied_from_in_the_compare_choice(client, muni):
    # given
    revision = adopted(muni)
    services.create_draft_from(by=muni.users.officer, revision=revision)
    login(client, muni.users.officer)

    # when
    response = client.get(reverse("revision_detail", args=[revision.pk]))

    # then
    assert "Antagna riktlinjer för intraprenader (2020-01-01) – Utkast" in response.content.decode()


def test_list_query_count_does_not_grow_with_the_number_of_guidelines(client, muni, django_assert_num_queries):
    # given
    adopted(muni)
    adopted_revision(board=muni.board, title="Antagna riktlinjer 2024", valid_from=date(2024, 1, 1))
    draft(muni)
    login(client, muni.users.officer)
    client.get(reverse("revision_list"))

    # when / then: session, user, roles, tree, revisions with board and adopting decision
    with django_assert_num_queries(5):
        response = client.get(reverse("revision_list"))
    assert len(response.context["revisions"]) == 3


def test_detail_does_not_show_the_public_the_draft_that_adopted_guidelines_were_based_on(client, muni):
    # given
    first_draft = draft(muni)
    second_draft = services.create_draft_from(by=muni.users.officer, revision=first_draft)
    services.update_draft(
        by=muni.users.officer,
        revision=second_draft,
        title="Antagna riktlinjer för Socialnämnden",
        valid_from=date(2024, 1, 1),
        description="",
        parameters={},
        items={
            "application_section": [("ide", "Verksamhetsidé", "")],
            "agreement_clause": [("innehall", "Innehåll och omfattning", "")],
        },
    )
    services.adopt_revision(
        by=muni.users.board_member, revision=second_draft, decision=adoption_paragraph(muni.board, date(2024, 2, 1))
    )

    # when
    public = client.get(reverse("revision_detail", args=[second_draft.pk]))
    login(client, muni.users.officer)
    officer = client.get(reverse("revision_detail", args=[second_draft.pk]))

    # then
    assert "Riktlinjer för intraprenader i Socialnämnden" not in public.content.decode()
    assert reverse("revision_detail", args=[first_draft.pk]) in officer.content.decode()


def test_detail_of_a_draft_is_not_found_for_the_public(client, muni):
    # given
    revision = draft(muni)

    # when
    response = client.get(reverse("revision_detail", args=[revision.pk]))

    # then
    assert response.status_code == 404


# --- edit ------------------------------------------------------------------------------------------


def test_officer_edits_a_draft(client, muni):
    # given
    revision = draft(muni)
    login(client, muni.users.officer)

    # when
    form_page = client.get(reverse("revision_edit", args=[revision.pk]))
    response = client.post(
        reverse("revision_edit", args=[revision.pk]),
        edit_data(
            revision,
            title="Reviderade riktlinjer",
            surplus_share_unit="70",
            items_agreement_clause="innehall | Innehåll och omfattning | Beskriv uppdraget.\ntvist | Villkor vid tvist",
        ),
        follow=True,
    )

    # then
    revision.refresh_from_db()
    assert "innehall | Innehåll och omfattning | Beskriv uppdraget." in form_page.content.decode()
    assert response.redirect_chain == [(reverse("revision_detail", args=[revision.pk]), 302)]
    assert revision.title == "Reviderade riktlinjer"
    assert P.values(revision)["surplus_share_unit"] == Decimal("70")
    assert list(revision.items_of(RequiredItem.Kind.AGREEMENT_CLAUSE).values_list("key", flat=True)) == [
        "innehall",
        "tvist",
    ]
    assert "Utkastet har sparats." in messages_of(response)
    assert audited("revision.updated", revision)


def test_edit_page_points_every_field_to_its_help_text_and_errors(client, muni):
    # given
    revision = draft(muni)
    login(client, muni.users.officer)

    # when
    response = client.post(reverse("revision_edit", args=[revision.pk]), edit_data(revision, title=""))

    # then
    page = response.content.decode()
    described_by = {ref for refs in re.findall(r'aria-describedby="([^"]+)"', page) for ref in refs.split()}
    assert "id_title_error" in described_by
    for ref in described_by:
        assert f'id="{ref}"' in page, ref


def test_edit_refuses_an_item_line_without_a_title_in_swedish(client, muni):
    # given
    revision = draft(muni)
    login(client, muni.users.officer)

    # when
    response = client.post(
        reverse("revision_edit", args=[revision.pk]),
        edit_data(revision, title="Ändrad rubrik", items_agreement_clause="innehall"),
    )

    # then
    revision.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["items_agreement_clause"] == [
        'Rad 1: skriv "nyckel | rubrik | vägledning" (vägledningen kan utelämnas).'
    ]
    assert revision.title == "Riktlinjer för intraprenader i Socialnämnden"
    assert not AuditEvent.objects.filter(verb="revision.updated").exists()


def test_edit_shows_the_services_refusal_on_the_field_it_names(client, muni):
    # given
    revision = draft(muni)
    login(client, muni.users.officer)

    # when: the training may not have fewer sessions at most than at least
    response = client.post(
        reverse("revision_edit", args=[revision.pk]),
        edit_data(revision, training_sessions_min="8", training_sessions_max="6"),
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["training_sessions_max"] == [
        "största antalet tillfällen (6) får inte vara färre än minsta antalet (8)"
    ]
    assert P.values(revision)["training_sessions_max"] == 8


def test_adopted_guidelines_cannot_be_edited(client, muni):
    # given
    revision = adopted(muni)
    login(client, muni.users.officer)

    # when
    response = client.get(reverse("revision_edit", args=[revision.pk]), follow=True)

    # then
    assert response.redirect_chain == [(reverse("revision_detail", args=[revision.pk]), 302)]
    assert "Antagna riktlinjer kan inte ändras; skapa ett nytt utkast från dem." in messages_of(response)


def test_edit_is_forbidden_to_board_members(client, muni):
    # given
    revision = draft(muni)
    login(client, muni.users.board_member)

    # when
    response = client.post(reverse("revision_edit", args=[revision.pk]), edit_data(revision, title="Nej"))

    # then
    revision.refresh_from_db()
    assert response.status_code == 403
    assert revision.title == "Riktlinjer för intraprenader i Socialnämnden"


def test_edit_requires_login(client, muni):
    # given
    revision = draft(muni)

    # when
    response = client.get(reverse("revision_edit", args=[revision.pk]))

    # then
    assert_login_redirect(response)


# --- new draft -------------------------------------------------------------------------------------


def test_officer_creates_a_new_draft_from_adopted_guidelines(client, muni):
    # given
    revision = adopted(muni)
    login(client, muni.users.officer)

    # when
    response = client.post(reverse("revision_draft", args=[revision.pk]), follow=True)

    # then
    new = GuidelineRevision.objects.exclude(pk=revision.pk).get()
    assert response.redirect_chain == [(reverse("revision_edit", args=[new.pk]), 302)]
    assert new.status == GuidelineRevision.Status.DRAFT
    assert new.based_on == revision
    assert revision_data(new) == revision_data(revision)
    assert "Ett nytt utkast har skapats från riktlinjerna." in messages_of(response)
    assert audited("revision.created", new)


def test_new_draft_is_forbidden_to_board_members(client, muni):
    # given
    revision = adopted(muni)
    login(client, muni.users.board_member)

    # when
    response = client.post(reverse("revision_draft", args=[revision.pk]))

    # then
    assert response.status_code == 403
    assert GuidelineRevision.objects.count() == 1


def test_new_draft_requires_login_and_post(client, muni):
    # given
    revision = adopted(muni)

    # when
    anonymous = client.post(reverse("revision_draft", args=[revision.pk]))
    login(client, muni.users.officer)
    by_get = client.get(reverse("revision_draft", args=[revision.pk]))

    # then
    assert_login_redirect(anonymous)
    assert by_get.status_code == 405
    assert GuidelineRevision.objects.count() == 1


# --- export ----------------------------------------------------------------------------------------


def test_export_gives_a_toml_file_that_import_guidelines_accepts(client, muni, tmp_path, capsys):
    # given
    revision = adopted(muni)

    # when
    response = client.get(reverse("revision_export", args=[revision.pk]))

    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="riktlinjer-{revision.pk}-2020-01-01.toml"'
    path = tmp_path / "export.toml"
    path.write_bytes(response.content)
    call_command("import_guidelines", str(path), user=muni.users.officer.username)
    imported = GuidelineRevision.objects.get(pk=int(capsys.readouterr().out))
    assert imported.status == GuidelineRevision.Status.DRAFT
    assert revision_data(imported) == revision_data(revision)


def test_export_of_a_draft_is_not_found_for_the_public(client, muni):
    # given
    revision = draft(muni)

    # when
    response = client.get(reverse("revision_export", args=[revision.pk]))

    # then
    assert response.status_code == 404


# --- adopt -----------------------------------------------------------------------------------------


def test_board_member_adopts_a_draft_by_the_boards_decision(client, muni):
    # given
    revision = draft(muni)
    decision = adoption_paragraph(muni.board, date(2024, 2, 1))
    login(client, muni.users.board_member)

    # when
    form_page = client.get(reverse("revision_adopt", args=[revision.pk]))
    response = client.post(reverse("revision_adopt", args=[revision.pk]), {"decision": decision.pk}, follow=True)

    # then
    revision.refresh_from_db()
    assert decision.reference in form_page.content.decode()
    assert response.redirect_chain == [(reverse("revision_detail", args=[revision.pk]), 302)]
    assert revision.status == GuidelineRevision.Status.ADOPTED
    assert revision.adopted_by == decision
    assert "Riktlinjerna har antagits." in messages_of(response)
    assert audited("revision.adopted", revision)


def test_adopt_refuses_another_bodys_decision_in_swedish(client, muni):
    # given
    revision = draft(muni)
    other_bodys_decision = adoption_paragraph(muni.school_board, date(2024, 2, 1))
    adoption_paragraph(muni.board, date(2024, 2, 1))
    login(client, muni.users.board_member)

    # when
    response = client.post(reverse("revision_adopt", args=[revision.pk]), {"decision": other_bodys_decision.pk})

    # then
    revision.refresh_from_db()
    assert response.status_code == 200
    assert response.context["form"].errors["decision"] == [
        "Välj ett giltigt alternativ. Det valet finns inte bland tillgängliga alternativ."
    ]
    assert revision.status == GuidelineRevision.Status.DRAFT


def test_adopted_guidelines_cannot_be_adopted_again(client, muni):
    # given
    revision = adopted(muni)
    login(client, muni.users.board_member)

    # when
    response = client.get(reverse("revision_adopt", args=[revision.pk]), follow=True)

    # then
    assert response.redirect_chain == [(reverse("revision_detail", args=[revision.pk]), 302)]
    assert "Riktlinjerna är redan antagna." in messages_of(response)


def test_adopt_is_forbidden_to_officers(client, muni):
    # given
    revision = draft(muni)
    decision = adoption_paragraph(muni.board, date(2024, 2, 1))
    login(client, muni.users.officer)

    # when
    response = client.post(reverse("revision_adopt", args=[revision.pk]), {"decision": decision.pk})

    # then
    revision.refresh_from_db()
    assert response.status_code == 403
    assert revision.status == GuidelineRevision.Status.DRAFT


def test_adopt_requires_login(client, muni):
    # given
    revision = draft(muni)

    # when
    response = client.get(reverse("revision_adopt", args=[revision.pk]))

    # then
    assert_login_redirect(response)


# --- compare ---------------------------------------------------------------------------------------


def revised_draft(muni, revision: GuidelineRevision) -> GuidelineRevision:
    new = services.create_draft_from(by=muni.users.officer, revision=revision)

    def rows(kind):
        return [(item.key, item.title, item.guidance) for item in revision.items_of(kind)]

    return services.update_draft(
        by=muni.users.officer,
        revision=new,
        title="Reviderade riktlinjer för intraprenader",
        valid_from=date(2025, 1, 1),
        description="",
        parameters={"surplus_share_unit": Decimal("70")},
        items={
            "application_section": rows(RequiredItem.Kind.APPLICATION_SECTION),
            "agreement_clause": [*rows(RequiredItem.Kind.AGREEMENT_CLAUSE), ("tvist", "Villkor vid tvist", "")],
        },
    )


def test_choosing_guidelines_to_compare_with_leads_to_the_comparison(client, muni):
    # given
    old = adopted(muni)
    new = revised_draft(muni, old)
    login(client, muni.users.officer)

    # when
    response = client.get(reverse("revision_compare_choose", args=[old.pk]), {"other": new.pk})

    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("revision_compare", args=[old.pk, new.pk])


def test_comparing_without_a_choice_says_so_in_swedish(client, muni):
    # given
    old = adopted(muni)
    login(client, muni.users.officer)

    # when
    response = client.get(reverse("revision_compare_choose", args=[old.pk]), follow=True)

    # then
    assert response.redirect_chain == [(reverse("revision_detail", args=[old.pk]), 302)]
    assert "Välj riktlinjer att jämföra med." in messages_of(response)


def test_the_public_cannot_choose_a_draft_to_compare_with(client, muni):
    # given
    old = adopted(muni)
    new = revised_draft(muni, old)

    # when
    response = client.get(reverse("revision_compare_choose", args=[old.pk]), {"other": new.pk}, follow=True)

    # then
    assert response.redirect_chain == [(reverse("revision_detail", args=[old.pk]), 302)]
    assert "Välj riktlinjer att jämföra med." in messages_of(response)


def test_compare_shows_a_readable_diff(client, muni):
    # given
    old = adopted(muni)
    new = revised_draft(muni, old)
    login(client, muni.users.officer)

    # when
    response = client.get(reverse("revision_compare", args=[old.pk, new.pk]))

    # then
    page = response.content.decode()
    assert response.status_code == 200
    rows = {(row.section_label, row.change_label, row.label, row.old, row.new) for row in response.context["rows"]}
    assert rows == {
        (
            "Riktlinjer",
            "Ändrad",
            "Rubrik",
            "Antagna riktlinjer för intraprenader",
            "Reviderade riktlinjer för intraprenader",
        ),
        ("Riktlinjer", "Ändrad", "Gäller från", "2020-01-01", "2025-01-01"),
        ("Parametrar", "Ändrad", "Andel av ett överskott som enheten behåller (%)", "100 %", "70 %"),
        ("Överenskommelsens innehåll", "Tillagd", "Villkor vid tvist", "", "Villkor vid tvist"),
    }
    assert "4 skillnader" in page
    assert "Andel av ett överskott som enheten behåller (%)" in page
    assert "100 %" in page and "70 %" in page
    assert "Villkor vid tvist" in page


def test_compare_with_a_draft_is_not_found_for_the_public(client, muni):
    # given
    old = adopted(muni)
    new = revised_draft(muni, old)

    # when
    response = client.get(reverse("revision_compare", args=[old.pk, new.pk]))

    # then
    assert response.status_code == 404


@pytest.mark.parametrize("user", ["no_role", None])
def test_the_public_compares_two_adopted_versions(client, muni, user):
    # given
    old = adopted(muni)
    new = adopted_revision(board=muni.board, title="Antagna riktlinjer 2024", valid_from=date(2024, 1, 1))
    if user:
        login(client, getattr(muni.users, user))

    # when
    response = client.get(reverse("revision_compare", args=[old.pk, new.pk]))

    # then
    assert response.status_code == 200
    assert "Antagna riktlinjer 2024" in response.content.decode()
