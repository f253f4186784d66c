from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from intraprenad.accounts.models import AuditEvent
from intraprenad.cases.models import Meeting, Paragraph
from intraprenad.policy import parameters as P
from intraprenad.policy import services
from intraprenad.policy.guideline_file import GuidelineFileError
from intraprenad.policy.models import GuidelineRevision, RequiredItem
from intraprenad.policy.queries import revision_data
from intraprenad.policy.tests.factories import adopted_revision, adoption_paragraph

TEXT = """\
title = "Riktlinjer för intraprenader"
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
"""

ITEMS = {
    "application_section": [("ide", "Verksamhetsidé", "")],
    "agreement_clause": [("innehall", "Innehåll", "Beskriv uppdraget."), ("tvist", "Villkor vid tvist", "")],
}


def _draft(muni) -> GuidelineRevision:
    return services.import_revision(by=muni.users.officer, text=TEXT, filename="riktlinjer.toml")


def _paragraph(body, outcome=Paragraph.Outcome.ADOPT, on=date(2024, 2, 1)) -> Paragraph:
    meeting = Meeting.objects.create(body=body, date=on, status=Meeting.Status.HELD)
    return Paragraph.objects.create(
        meeting=meeting,
        body=body,
        year=on.year,
        number=Paragraph.objects.filter(body=body, year=on.year).count() + 1,
        title="Riktlinjer för intraprenader",
        outcome=outcome,
        decision_text="Nämnden beslutar.",
        recorded_at=timezone.now(),
    )


def _update(by, revision, **changes):
    arguments = {
        "title": "Nya riktlinjer",
        "valid_from": date(2024, 7, 1),
        "description": "Ändrade",
        "parameters": {"surplus_share_unit": "70", "agreement_period_years": 4},
        "items": ITEMS,
    } | changes
    return services.update_draft(by=by, revision=revision, **arguments)


def test_an_officer_imports_a_file_as_a_draft_for_the_board_it_names(muni):
    # when
    revision = _draft(muni)
    # then
    assert revision.status == GuidelineRevision.Status.DRAFT
    assert revision.board == muni.board
    assert revision.created_by == muni.users.officer
    assert P.values(revision)["surplus_share_unit"] == Decimal("60")
    assert list(revision.items_of(RequiredItem.Kind.AGREEMENT_CLAUSE).values_list("key", flat=True)) == ["innehall"]


def test_import_is_audited(muni):
    # when
    revision = _draft(muni)
    # then
    event = AuditEvent.objects.get(verb="revision.imported")
    assert event.actor == muni.users.officer
    assert event.target_id == str(revision.pk)
    assert event.changes["filename"] == "riktlinjer.toml"
    assert event.changes["agreement_clauses"] == 1


def test_a_bad_file_is_refused_and_nothing_is_stored(muni):
    # given
    text = TEXT.replace("surplus_share_unit = 60", "surplus_share_unit = 160")
    # when
    with pytest.raises(GuidelineFileError) as caught:
        services.import_revision(by=muni.users.officer, text=text, filename="riktlinjer.toml")
    # then
    assert caught.value.line == 6
    assert not GuidelineRevision.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_file_naming_an_unknown_board_is_refused_at_the_board_line(muni):
    # given
    text = TEXT.replace('board = "SN"', 'board = "XYZ"')
    # when
    with pytest.raises(GuidelineFileError) as caught:
        services.import_revision(by=muni.users.officer, text=text, filename="riktlinjer.toml")
    # then
    assert caught.value.messages == ['riktlinjer.toml, rad 2, fält board: ingen nämnd har kortnamnet "XYZ"']


def test_staff_of_a_unit_may_not_import_guidelines(muni):
    with pytest.raises(PermissionDenied):
        services.import_revision(by=muni.users.staff, text=TEXT, filename="riktlinjer.toml")


def test_an_officer_of_another_board_may_not_import_guidelines_for_this_board(muni):
    with pytest.raises(PermissionDenied):
        services.import_revision(by=muni.users.school_officer, text=TEXT, filename="riktlinjer.toml")


def test_a_unit_is_refused_as_the_board_of_guidelines(muni):
    with pytest.raises(ValidationError) as caught:
        services.import_revision(by=muni.users.admin, text=TEXT, filename="riktlinjer.toml", board=muni.unit)
    assert "inget beslutande organ" in caught.value.messages[0]


@pytest.mark.parametrize(("name", "clauses"), [("ljusdal-2007", 15), ("socialnamnden-2021", 18)])
def test_import_default_loads_the_shipped_guidelines(muni, name, clauses):
    # when
    revision = services.import_default(by=muni.users.admin, name=name)
    # then
    assert revision.board is None
    assert revision.items_of(RequiredItem.Kind.AGREEMENT_CLAUSE).count() == clauses
    assert revision.items_of(RequiredItem.Kind.APPLICATION_SECTION).count() == 6


def test_import_default_refuses_an_unknown_name(muni):
    with pytest.raises(ValidationError):
        services.import_default(by=muni.users.admin, name="okand")


def test_a_new_draft_copies_an_adopted_revision(muni):
    # given
    adopted = adopted_revision(board=muni.board, surplus_share_unit=Decimal("40"))
    # when
    draft = services.create_draft_from(by=muni.users.officer, revision=adopted)
    # then
    assert draft.status == GuidelineRevision.Status.DRAFT
    assert draft.based_on == adopted
    assert P.values(draft)["surplus_share_unit"] == Decimal("40")
    assert revision_data(draft) == revision_data(adopted)
    assert AuditEvent.objects.get(verb="revision.created").target_id == str(draft.pk)


def test_a_new_draft_needs_permission(muni):
    adopted = adopted_revision(board=muni.board)
    with pytest.raises(PermissionDenied):
        services.create_draft_from(by=muni.users.unit_head, revision=adopted)


def test_update_draft_replaces_metadata_parameters_and_items(muni):
    # given
    draft = _draft(muni)
    # when
    _update(muni.users.officer, draft)
    # then
    draft.refresh_from_db()
    assert (draft.title, draft.valid_from, draft.description) == ("Nya riktlinjer", date(2024, 7, 1), "Ändrade")
    assert P.values(draft)["surplus_share_unit"] == Decimal("70")
    assert P.values(draft)["agreement_period_years"] == 4
    clauses = draft.items_of(RequiredItem.Kind.AGREEMENT_CLAUSE)
    assert [(c.key, c.order, c.guidance) for c in clauses] == [("innehall", 1, "Beskriv uppdraget."), ("tvist", 2, "")]


def test_update_draft_is_audited_with_what_changed(muni):
    # given
    draft = _draft(muni)
    # when
    _update(muni.users.officer, draft)
    # then
    event = AuditEvent.objects.get(verb="revision.updated")
    assert event.changes["parameters.surplus_share_unit"] == ["changed", "60 %", "70 %"]
    assert event.changes["agreement_clauses.tvist"] == ["added", "", "Villkor vid tvist"]


def test_update_draft_refuses_a_bad_parameter_value(muni):
    # given
    draft = _draft(muni)
    # when
    with pytest.raises(ValidationError) as caught:
        _update(muni.users.officer, draft, parameters={"surplus_share_unit": "120"})
    # then
    assert caught.value.message_dict == {"surplus_share_unit": ["värdet måste vara mellan 0 och 100"]}


def test_update_draft_refuses_duplicate_item_keys_and_missing_clauses(muni):
    # given
    draft = _draft(muni)
    items = {"application_section": [("ide", "Idé", ""), ("ide", "Idé igen", "")], "agreement_clause": []}
    # when
    with pytest.raises(ValidationError) as caught:
        _update(muni.users.officer, draft, items=items)
    # then
    assert caught.value.message_dict == {
        "application_section": ['Rad 2, key: nyckeln "ide" används två gånger'],
        "agreement_clause": ["Minst en punkt krävs."],
    }


def test_update_draft_needs_permission(muni):
    draft = _draft(muni)
    with pytest.raises(PermissionDenied):
        _update(muni.users.board_member, draft)


def test_a_board_member_adopts_a_draft_by_a_recorded_decision(muni):
    # given
    draft = _draft(muni)
    decision = _paragraph(muni.board)
    # when
    services.adopt_revision(by=muni.users.board_member, revision=draft, decision=decision)
    # then
    draft.refresh_from_db()
    assert draft.status == GuidelineRevision.Status.ADOPTED
    assert draft.adopted_by == decision
    assert draft.adopted_at is not None
    event = AuditEvent.objects.get(verb="revision.adopted")
    assert event.actor == muni.users.board_member
    assert event.changes["decision"] == decision.reference


def test_municipality_wide_guidelines_may_be_adopted_by_the_council(muni):
    # given
    draft = services.import_default(by=muni.users.admin, name="ljusdal-2007")
    # when
    services.adopt_revision(by=muni.users.registrar, revision=draft, decision=_paragraph(muni.kf))
    # then
    assert GuidelineRevision.objects.get(pk=draft.pk).is_adopted


@pytest.mark.parametrize(
    ("body", "outcome", "message"),
    [
        ("board", Paragraph.Outcome.REJECT, "var varken bifall eller antagande"),
        ("school_board", Paragraph.Outcome.ADOPT, "fattades av ett annat organ"),
    ],
)
def test_adoption_needs_an_approving_decision_of_the_board(muni, body, outcome, message):
    # given
    draft = _draft(muni)
    # when
    with pytest.raises(ValidationError) as caught:
        services.adopt_revision(
            by=muni.users.registrar, revision=draft, decision=_paragraph(getattr(muni, body), outcome)
        )
    # then
    assert message in caught.value.messages[0]
    assert not GuidelineRevision.objects.get(pk=draft.pk).is_adopted


def test_a_decision_cannot_adopt_two_revisions(muni):
    # given
    decision = _paragraph(muni.board)
    services.adopt_revision(by=muni.users.board_member, revision=_draft(muni), decision=decision)
    # when
    with pytest.raises(ValidationError) as caught:
        services.adopt_revision(by=muni.users.board_member, revision=_draft(muni), decision=decision)
    # then
    assert "har redan andra riktlinjer antagits" in caught.value.messages[0]


def test_an_officer_may_not_adopt_guidelines(muni):
    draft = _draft(muni)
    with pytest.raises(PermissionDenied):
        services.adopt_revision(by=muni.users.officer, revision=draft, decision=_paragraph(muni.board))


def test_adopted_guidelines_cannot_be_adopted_again(muni):
    # given
    adopted = adopted_revision(board=muni.board)
    # when
    with pytest.raises(ValidationError):
        services.adopt_revision(by=muni.users.board_member, revision=adopted, decision=_paragraph(muni.board))
    # then
    assert AuditEvent.objects.filter(verb="revision.adopted").count() == 0


def test_adopted_guidelines_never_change(muni):
    # given
    draft = _draft(muni)
    services.adopt_revision(by=muni.users.board_member, revision=draft, decision=_paragraph(muni.board))
    before = revision_data(draft)
    # when
    with pytest.raises(ValidationError) as caught:
        _update(muni.users.officer, draft)
    # then
    assert "är antagna och kan inte längre ändras" in caught.value.messages[0]
    assert revision_data(GuidelineRevision.objects.get(pk=draft.pk)) == before


def test_the_factory_revision_is_adopted_by_a_paragraph(muni):
    # when
    revision = adopted_revision(board=muni.board)
    # then
    assert revision.adopted_by.body == muni.board
    assert adoption_paragraph(muni.board, date(2021, 1, 1)).outcome == Paragraph.Outcome.ADOPT
