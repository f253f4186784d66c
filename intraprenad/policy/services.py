"""Writes to the guidelines. Every function is one audited change.

A revision is drafted (imported from a file, copied from another revision, edited) and then adopted
by a recorded decision; an adopted revision never changes.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from intraprenad.accounts import audit
from intraprenad.accounts.access import denied_message, has_perm, require_perm
from intraprenad.accounts.models import OrgUnit
from intraprenad.cases.models import Paragraph

from . import rules
from .guideline_file import (
    KIND_OF_LIST,
    LIST_NAMES,
    LIST_OF_KIND,
    GuidelineData,
    GuidelineFileError,
    Item,
    line_of,
    parse_guideline_file,
)
from .models import GuidelineRevision, RequiredItem
from .parameters import BY_NAME, to_json
from .queries import revision_data

DEFAULTS_DIR = Path(__file__).resolve().parent / "defaults"
DEFAULT_GUIDELINES = ("ljusdal-2007", "socialnamnden-2021")


class _Scope:
    """Adapter so an organisational unit can be checked with require_perm."""

    def __init__(self, unit_id: int | None):
        self.scope_unit_id = unit_id


def _root_id() -> int | None:
    return OrgUnit.objects.filter(parent__isnull=True).values_list("pk", flat=True).first()


def can_draft(user, board: OrgUnit | None) -> bool:
    """May `user` draft guidelines for `board` (None: the whole municipality)?

    Guidelines are prepared by the administration that serves the board, so `policy.change_revision`
    held on the board itself or on an administration directly under it is enough.
    """
    scope_id = board.pk if board is not None else _root_id()
    candidates = [
        scope_id,
        *OrgUnit.objects.filter(parent_id=scope_id, kind=OrgUnit.Kind.ADMINISTRATION).values_list("pk", flat=True),
    ]
    return any(has_perm(user, "policy.change_revision", _Scope(pk)) for pk in candidates)


def require_draft_perm(user, board: OrgUnit | None) -> None:
    if not can_draft(user, board):
        raise PermissionDenied(denied_message("policy.change_revision"))


def _check_board(board: OrgUnit | None) -> None:
    if board is not None and not board.is_decision_body:
        raise ValidationError(
            _("%(unit)s is not a decision-making body; guidelines belong to a board or the whole municipality.")
            % {"unit": board}
        )


def _resolve_board(data: GuidelineData, text: str, filename: str) -> OrgUnit | None:
    if not data.board:
        return None
    bodies = OrgUnit.objects.filter(kind__in=OrgUnit.DECISION_BODIES)
    board = bodies.filter(short_name=data.board).first() or bodies.filter(name=data.board).first()
    if board is None:
        raise GuidelineFileError(
            filename=filename,
            line=line_of(text, ("board",)),
            field="board",
            problem=_("no board with the short name %(board)s") % {"board": f'"{data.board}"'},
        )
    return board


def _create_items(revision: GuidelineRevision, data: GuidelineData) -> None:
    RequiredItem.objects.bulk_create(
        RequiredItem(
            revision=revision,
            kind=KIND_OF_LIST[list_name],
            key=item.key,
            title=item.title,
            guidance=item.guidance,
            order=order,
        )
        for list_name in LIST_NAMES
        for order, item in enumerate(data.items_of(list_name), start=1)
    )


def _stored_parameters(values: dict) -> dict:
    return {name: to_json(BY_NAME[name], value) for name, value in values.items()}


def _item_counts(data: GuidelineData) -> dict[str, int]:
    return {list_name: len(data.items_of(list_name)) for list_name in LIST_NAMES}


@transaction.atomic
def import_revision(*, by, text: str, filename: str, board: OrgUnit | None = None) -> GuidelineRevision:
    """A new draft from a guidelines file; all or nothing. `board` overrides the file's board."""
    data = parse_guideline_file(text, filename)
    if board is None:
        board = _resolve_board(data, text, filename)
    _check_board(board)
    require_draft_perm(by, board)
    revision = GuidelineRevision.objects.create(
        title=data.title,
        board=board,
        description=data.description,
        valid_from=data.valid_from,
        parameters=_stored_parameters(data.parameters),
        created_at=timezone.now(),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    _create_items(revision, data)
    audit.record(
        actor=by,
        verb="revision.imported",
        target=revision,
        changes={"filename": filename, "board": board.reference_name if board else "", **_item_counts(data)},
    )
    return revision


def import_default(*, by, name: str, board: OrgUnit | None = None) -> GuidelineRevision:
    """A new draft from one of the shipped guideline files: "ljusdal-2007" or "socialnamnden-2021"."""
    if name not in DEFAULT_GUIDELINES:
        raise ValidationError(
            _("There are no shipped guidelines called %(name)s; choose one of %(names)s.")
            % {"name": name, "names": ", ".join(DEFAULT_GUIDELINES)}
        )
    filename = f"{name}.toml"
    text = (DEFAULTS_DIR / filename).read_text(encoding="utf-8")
    return import_revision(by=by, text=text, filename=filename, board=board)


@transaction.atomic
def create_draft_from(*, by, revision: GuidelineRevision) -> GuidelineRevision:
    """A new draft copying the parameters and items of `revision`, which it is based on."""
    revision = GuidelineRevision.objects.select_for_update().get(pk=revision.pk)
    require_draft_perm(by, revision.board)
    draft = GuidelineRevision.objects.create(
        title=revision.title,
        board=revision.board,
        description=revision.description,
        valid_from=revision.valid_from,
        parameters=dict(revision.parameters),
        based_on=revision,
        created_at=timezone.now(),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    _create_items(draft, revision_data(revision))
    audit.record(actor=by, verb="revision.created", target=draft, changes={"based_on": str(revision)})
    return draft


def _clean_items(items: dict[str, list[tuple[str, str, str]]]) -> dict[str, tuple[Item, ...]]:
    cleaned: dict[str, tuple[Item, ...]] = {}
    errors: dict[str, list[str]] = {}
    for kind, entries in items.items():
        if kind not in LIST_OF_KIND:
            raise ValidationError(_("Unknown kind of item: %(kind)s.") % {"kind": kind})
        entries = [(key.strip(), title.strip(), guidance.strip()) for key, title, guidance in entries]
        for index, field_name, message in rules.item_problems(entries):
            errors.setdefault(kind, []).append(
                _("Row %(row)s, %(field)s: %(problem)s") % {"row": index + 1, "field": field_name, "problem": message}
            )
        cleaned[LIST_OF_KIND[kind]] = tuple(Item(*entry) for entry in entries)
    for list_name in ("application_sections", "agreement_clauses"):
        kind = KIND_OF_LIST[list_name]
        if not cleaned.get(list_name) and kind not in errors:
            errors.setdefault(kind, []).append(_("At least one item is required."))
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def update_draft(
    *,
    by,
    revision: GuidelineRevision,
    title: str,
    valid_from,
    description: str,
    parameters: dict,
    items: dict[str, list[tuple[str, str, str]]],
) -> GuidelineRevision:
    """Replace a draft's metadata, parameter values and items. Adopted revisions refuse.

    `items` maps a RequiredItem kind to its ordered (key, title, guidance) rows; kinds left out keep
    their items.
    """
    revision = GuidelineRevision.objects.select_for_update().get(pk=revision.pk)
    require_draft_perm(by, revision.board)
    rules.check_is_draft(status=revision.status, title=revision.title)
    if not title.strip():
        raise ValidationError({"title": _("A title is required.")})
    if valid_from is None:
        raise ValidationError({"valid_from": _("A date from which the guidelines apply is required.")})
    try:
        values = rules.clean_parameters(parameters)
    except rules.ParameterError as error:
        raise ValidationError({error.field: error.message}) from None
    before = revision_data(revision)
    lists = {list_name: before.items_of(list_name) for list_name in LIST_NAMES}
    lists.update(_clean_items(items))
    after = GuidelineData(
        title=title.strip(),
        valid_from=valid_from,
        board=before.board,
        description=description,
        parameters=values,
        **lists,
    )
    revision.title = after.title
    revision.valid_from = after.valid_from
    revision.description = after.description
    revision.parameters = _stored_parameters(values)
    revision.full_clean(exclude=["board", "based_on", "adopted_by", "created_by", "created_at", "status"])
    revision.save(update_fields=["title", "valid_from", "description", "parameters"])
    revision.items.all().delete()
    _create_items(revision, after)
    changes = {
        f"{row.section}.{row.name}": [row.change, row.old, row.new] for row in rules.diff_revisions(before, after)
    }
    audit.record(actor=by, verb="revision.updated", target=revision, changes=changes)
    return revision


@transaction.atomic
def adopt_revision(*, by, revision: GuidelineRevision, decision: Paragraph) -> GuidelineRevision:
    """Adopt a draft by a recorded decision; from now on it never changes."""
    revision = GuidelineRevision.objects.select_for_update().get(pk=revision.pk)
    require_perm(by, "policy.adopt_revision", revision)
    rules.check_revision_transition(revision.status, GuidelineRevision.Status.ADOPTED)
    decision = Paragraph.objects.select_related("body", "case").get(pk=decision.pk)
    rules.check_adopting_decision(
        outcome=decision.outcome,
        decision_body_id=decision.body_id,
        decision_body_is_decision_body=decision.body.is_decision_body,
        revision_board_id=revision.board_id,
        used_by_other_revision=GuidelineRevision.objects.filter(Q(adopted_by=decision) & ~Q(pk=revision.pk)).exists(),
        reference=decision.reference,
    )
    revision.status = GuidelineRevision.Status.ADOPTED
    revision.adopted_by = decision
    revision.adopted_at = timezone.now()
    revision.save(update_fields=["status", "adopted_by", "adopted_at"])
    audit.record(
        actor=by,
        verb="revision.adopted",
        target=revision,
        changes={"decision": decision.reference, "valid_from": revision.valid_from.isoformat()},
    )
    return revision
