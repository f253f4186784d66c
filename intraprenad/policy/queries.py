"""Guidelines assembled for pages, exports and other apps."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from intraprenad.accounts.models import OrgUnit
from intraprenad.cases.models import Paragraph

from . import parameters as P
from . import rules
from .guideline_file import ITEM_LISTS, KIND_OF_LIST, LIST_NAMES, GuidelineData, Item
from .models import GuidelineRevision, RequiredItem


def current_revision(*, board: OrgUnit, on: date) -> GuidelineRevision:
    """The adopted revision in force for `board` on `on`: the board's own if any, else the
    municipality-wide one; the latest `valid_from` not after `on` wins."""
    candidates = GuidelineRevision.objects.adopted().filter(valid_from__lte=on)
    revision = (
        candidates.filter(board=board).order_by("-valid_from", "-id").first()
        or candidates.filter(Q(board__isnull=True)).order_by("-valid_from", "-id").first()
    )
    if revision is None:
        raise ValidationError(
            _("No adopted guidelines apply to %(board)s on %(date)s.") % {"board": board, "date": on.isoformat()}
        )
    return revision


def revision_list(user) -> QuerySet[GuidelineRevision]:
    """The revisions `user` may see, with what the list shows."""
    return GuidelineRevision.objects.for_user(user).select_related(
        "board", "adopted_by__body", "adopted_by__case", "based_on"
    )


def revision_data(revision: GuidelineRevision) -> GuidelineData:
    """A stored revision as file data (for export and comparison)."""
    by_list: dict[str, list[Item]] = {list_name: [] for list_name in LIST_NAMES}
    list_of_kind = {kind: list_name for list_name, kind in KIND_OF_LIST.items()}
    for item in RequiredItem.objects.filter(revision=revision).order_by("kind", "order"):
        by_list[list_of_kind[item.kind]].append(Item(key=item.key, title=item.title, guidance=item.guidance))
    board = revision.board.reference_name if revision.board_id else ""
    return GuidelineData(
        title=revision.title,
        valid_from=revision.valid_from,
        board=board,
        description=revision.description,
        parameters=P.values(revision),
        **{list_name: tuple(items) for list_name, items in by_list.items()},
    )


@dataclass(frozen=True)
class ParameterRow:
    name: str
    label: str
    help: str
    value: Any
    display: str


@dataclass(frozen=True)
class ParameterGroup:
    key: str
    label: str
    rows: list[ParameterRow]


def parameter_groups(revision: GuidelineRevision) -> list[ParameterGroup]:
    """The revision's parameter values grouped as `parameters.GROUPS`, with labels and display values."""
    values = P.values(revision)
    return [
        ParameterGroup(
            key=group,
            label=str(label),
            rows=[
                ParameterRow(p.name, str(p.label), str(p.help), values[p.name], rules.display_value(p, values[p.name]))
                for p in P.PARAMETERS
                if p.group == group
            ],
        )
        for group, label in P.GROUPS
    ]


@dataclass(frozen=True)
class ItemList:
    list_name: str
    kind: str
    label: str
    items: list[RequiredItem]


def item_lists(revision: GuidelineRevision) -> list[ItemList]:
    """The revision's required items per kind, in order (one query)."""
    items = list(RequiredItem.objects.filter(revision=revision).order_by("kind", "order"))
    return [
        ItemList(list_name, kind, str(label), [item for item in items if item.kind == kind])
        for list_name, kind, label in ITEM_LISTS
    ]


def adoptable_decisions(revision: GuidelineRevision) -> QuerySet[Paragraph]:
    """Paragraphs that may adopt `revision`: approved or adopted, by its board (any decision body
    for municipality-wide guidelines), and not already adopting other guidelines."""
    used = GuidelineRevision.objects.filter(adopted_by__isnull=False).values("adopted_by")
    paragraphs = Paragraph.objects.filter(outcome__in=rules.ADOPTING_OUTCOMES).exclude(pk__in=used)
    if revision.board_id is not None:
        paragraphs = paragraphs.filter(body_id=revision.board_id)
    else:
        paragraphs = paragraphs.filter(body__kind__in=OrgUnit.DECISION_BODIES)
    return paragraphs.select_related("body", "case", "meeting").order_by("-year", "-number")
