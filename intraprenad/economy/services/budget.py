"""Budget changes: drafts (from scratch, from the previous year indexed, from the import template), changes to a
draft, approval, new versions, and the index table.

Each function locks what it changes, checks the permission on the budget's result unit (`scope_unit_id`), applies
`rules.budget`, saves and writes an audit row whose subject is the result unit (the index table's rows are their
own subject). An approved budget never changes: a change is a new version, which supersedes it when approved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intraprenad.accounts import audit
from intraprenad.accounts.access import has_perm, require_perm
from intraprenad.accounts.models import OrgUnit
from intraprenad.cases.models import Paragraph
from intraprenad.economy.budget_table import ParsedBudget
from intraprenad.economy.lines import LINE_ORDER
from intraprenad.economy.models import Budget, BudgetAmount, BudgetIndex, BudgetItem, ResultUnit
from intraprenad.economy.queries import budget as queries
from intraprenad.economy.rules import budget as rules

EDIT = "economy.edit_budget"
APPROVE = "economy.approve_budget"
# The index table is the municipality's: whoever may draft budgets somewhere may maintain it.
INDEX_PERM = "economy.manage_ledger"  # the municipality-wide index table is kept by the economists

S = Budget.Status
Annual = Mapping[str, int | Sequence[int]]


# --- helpers ------------------------------------------------------------------------------------


def _lock_unit(result_unit: ResultUnit) -> ResultUnit:
    """The result unit, locked: drafts and versions of its budgets are numbered one at a time."""
    return ResultUnit.objects.select_for_update(of=("self",)).select_related("org_unit").get(pk=result_unit.pk)


def _lock_budget(budget: Budget) -> Budget:
    return (
        Budget.objects.select_for_update(of=("self",))
        .select_related("result_unit__org_unit", "index")
        .get(pk=budget.pk)
    )


def _next_version(result_unit: ResultUnit, year: int) -> int:
    versions = Budget.objects.filter(result_unit=result_unit, year=year).values_list("version", flat=True)
    return max(versions, default=0) + 1


def _check_no_draft(result_unit: ResultUnit, year: int) -> None:
    draft = queries.open_draft(result_unit.pk, year)
    if draft is not None:
        raise ValidationError(
            _("%(unit)s already has a draft budget for %(year)s (version %(version)s); change that draft instead.")
            % {"unit": result_unit, "year": year, "version": draft.version}
        )


def _items(items: Iterable[Mapping | rules.Item]) -> list[rules.Item]:
    return [rules.Item.of(item) for item in items]


def _save_contents(budget: Budget, months: Mapping[str, Sequence[int]], items: Iterable[rules.Item]) -> None:
    """Replace the budget's monthly amounts (zero months are not stored) and one-time items."""
    budget.amounts.all().delete()
    budget.items.all().delete()
    BudgetAmount.objects.bulk_create(
        BudgetAmount(budget=budget, line=line, month=month, amount_ore=amount)
        for line, amounts in months.items()
        for month, amount in zip(rules.MONTHS, amounts, strict=True)
        if amount
    )
    BudgetItem.objects.bulk_create(
        BudgetItem(
            budget=budget, line=item.line, description=item.description, amount_ore=item.amount_ore, month=item.month
        )
        for item in items
    )


def _snapshot(index: BudgetIndex | None) -> dict:
    if index is None:
        return {}
    return {
        "index": index,
        "index_personnel_percent": index.personnel_percent,
        "index_other_percent": index.other_percent,
        "index_revenue_percent": index.revenue_percent,
        "index_source": index.source,
    }


def _annual(months: Mapping[str, Sequence[int]]) -> dict[str, int]:
    return {line: total for line, total in rules.annual_of(months).items() if total}


def _kronor(annual: Mapping[str, int]) -> dict[str, Decimal]:
    """Yearly amounts per line in kronor, for the audit log (read by people)."""
    return {line: queries.kronor(amount) for line, amount in annual.items()}


def _annual_change(before: Mapping[str, int], after: Mapping[str, int]) -> dict[str, list[Decimal]]:
    """[before, after] in kronor for each line whose yearly amount changed."""
    return {
        line: [queries.kronor(before.get(line, 0)), queries.kronor(after.get(line, 0))]
        for line in LINE_ORDER
        if before.get(line, 0) != after.get(line, 0)
    }


def _create(
    *,
    by,
    result_unit: ResultUnit,
    year: int,
    months: Mapping[str, Sequence[int]],
    items: list[rules.Item],
    comment: str,
    based_on: Budget | None = None,
    index: BudgetIndex | None = None,
) -> Budget:
    budget = Budget.objects.create(
        result_unit=result_unit,
        year=year,
        version=_next_version(result_unit, year),
        status=S.DRAFT,
        based_on=based_on,
        comment=comment,
        created_by=by,
        created_at=timezone.now(),
        **_snapshot(index),
    )
    _save_contents(budget, months, items)
    return budget


def _ancestor_ids(unit: OrgUnit) -> set[int]:
    ids, current = set(), unit
    while current is not None:
        ids.add(current.pk)
        current = current.parent
    return ids


# --- drafts -------------------------------------------------------------------------------------


@transaction.atomic
def draft_budget(
    *,
    by,
    result_unit: ResultUnit,
    year: int,
    annual: Annual,
    items: Iterable[Mapping] = (),
    comment: str = "",
    profiles: Mapping[str, Sequence[int]] | None = None,
) -> Budget:
    """A new draft for the unit and year. `annual` gives per line a yearly amount (öre, result sign), spread over
    the months evenly or by `profiles[line]`, or twelve monthly amounts; `items` are one-time items
    (`line`, `description`, `amount_ore`, `month`)."""
    result_unit = _lock_unit(result_unit)
    require_perm(by, EDIT, result_unit)
    rules.check_year(year)
    items = _items(items)
    rules.check_budget(annual, items)
    _check_no_draft(result_unit, year)
    months = rules.monthly_amounts(annual, items, profiles)
    budget = _create(by=by, result_unit=result_unit, year=year, months=months, items=items, comment=comment)
    audit.record(
        actor=by,
        verb="budget.drafted",
        target=budget,
        subject=result_unit,
        changes={"year": year, "version": budget.version, "annual": _kronor(_annual(months)), "items": len(items)},
    )
    return budget


@transaction.atomic
def draft_from_previous(
    *, by, result_unit: ResultUnit, year: int, items: Iterable[Mapping] = (), comment: str = ""
) -> Budget:
    """A new draft built from the previous year's approved budget without its one-time items, indexed by the
    index table's rates for `year` (financial items are not indexed) and spread like the previous year's months."""
    result_unit = _lock_unit(result_unit)
    require_perm(by, EDIT, result_unit)
    rules.check_year(year)
    previous = queries.approved_budget(result_unit.pk, year - 1)
    index = BudgetIndex.objects.filter(year=year).first()
    missing = []
    if previous is None:
        missing.append(
            _("There is no approved budget for %(year)s to build on.") % {"year": year - 1},
        )
    if index is None:
        missing.append(_("The index table has no rates for %(year)s; enter them first.") % {"year": year})
    if missing:
        raise ValidationError(missing)
    items = _items(items)
    base = rules.base_months(queries.budget_months(previous), queries.budget_items(previous))
    indexed = rules.index_annual(rules.annual_of(base), rules.Rates.of(index))
    rules.check_budget(indexed, items)
    _check_no_draft(result_unit, year)
    months = rules.monthly_amounts(indexed, items, profiles=base)
    budget = _create(
        by=by,
        result_unit=result_unit,
        year=year,
        months=months,
        items=items,
        comment=comment,
        based_on=previous,
        index=index,
    )
    audit.record(
        actor=by,
        verb="budget.drafted_from_previous",
        target=budget,
        subject=result_unit,
        changes={
            "year": year,
            "version": budget.version,
            "based_on": str(previous),
            "index": f"{index.source}: {index.personnel_percent} / {index.other_percent} / {index.revenue_percent} %",
            "annual": _kronor(_annual(months)),
        },
    )
    return budget


@transaction.atomic
def update_draft(
    *,
    by,
    budget: Budget,
    annual: Annual,
    items: Iterable[Mapping],
    comment: str,
    profiles: Mapping[str, Sequence[int]] | None = None,
) -> Budget:
    """Replace a draft's amounts, one-time items and comment (see `draft_budget` for `annual` and `profiles`)."""
    budget = _lock_budget(budget)
    require_perm(by, EDIT, budget)
    rules.check_editable(budget.status)
    items = _items(items)
    rules.check_budget(annual, items)
    before = _annual(queries.budget_months(budget))
    months = rules.monthly_amounts(annual, items, profiles)
    _save_contents(budget, months, items)
    budget.comment = comment
    budget.save(update_fields=["comment"])
    audit.record(
        actor=by,
        verb="budget.updated",
        target=budget,
        subject=budget.result_unit,
        changes={"annual": _annual_change(before, _annual(months)), "items": len(items)},
    )
    return budget


@transaction.atomic
def delete_draft(*, by, budget: Budget) -> None:
    """Remove a draft that will not be used. Approved and superseded versions stay for ever."""
    budget = _lock_budget(budget)
    require_perm(by, EDIT, budget)
    rules.check_editable(budget.status)
    audit.record(
        actor=by,
        verb="budget.draft_deleted",
        target=budget,
        subject=budget.result_unit,
        changes={"year": budget.year, "version": budget.version},
    )
    budget.delete()


# --- approval and versions ----------------------------------------------------------------------


@transaction.atomic
def approve_budget(*, by, budget: Budget, decision: Paragraph | None = None) -> Budget:
    """Approve a draft. The unit's approved version for the same year, if any, becomes superseded; the approved
    budget never changes again. `decision` is the paragraph of a body above the unit that adopted it, if any."""
    budget = _lock_budget(budget)
    require_perm(by, APPROVE, budget)
    rules.check_editable(budget.status)
    rules.check_transition(budget.status, S.APPROVED)
    if not budget.amounts.exists():
        raise ValidationError(_("An empty budget cannot be approved; enter its amounts first."))
    unit = budget.result_unit
    if decision is not None and decision.body_id not in _ancestor_ids(unit.org_unit):
        message = _("%(decision)s is not a decision of a body responsible for %(unit)s.") % {
            "decision": decision.short_reference,
            "unit": unit,
        }
        raise ValidationError({"decision": message})
    current = (
        Budget.objects.select_for_update(of=("self",))
        .filter(result_unit=unit, year=budget.year, status=S.APPROVED)
        .first()
    )
    if current is not None:
        rules.check_transition(current.status, S.SUPERSEDED)
        current.status = S.SUPERSEDED
        current.save(update_fields=["status"])
    budget.status = S.APPROVED
    budget.approved_by = by
    budget.approved_at = timezone.now()
    budget.decision = decision
    budget.save(update_fields=["status", "approved_by", "approved_at", "decision"])
    audit.record(
        actor=by,
        verb="budget.approved",
        target=budget,
        subject=unit,
        changes={
            "year": budget.year,
            "version": budget.version,
            "superseded_version": current.version if current else None,
            "decision": decision.short_reference if decision else None,
        },
    )
    return budget


@transaction.atomic
def new_version(*, by, budget: Budget) -> Budget:
    """A new draft (version + 1) copying the approved budget's amounts and one-time items, to be changed and
    approved in its place."""
    unit = _lock_unit(budget.result_unit)
    budget = _lock_budget(budget)
    require_perm(by, EDIT, budget)
    if budget.status != S.APPROVED:
        raise ValidationError(_("A new version is made from the approved budget."))
    _check_no_draft(unit, budget.year)
    copy = Budget.objects.create(
        result_unit=unit,
        year=budget.year,
        version=_next_version(unit, budget.year),
        based_on=budget,
        index=budget.index,
        index_personnel_percent=budget.index_personnel_percent,
        index_other_percent=budget.index_other_percent,
        index_revenue_percent=budget.index_revenue_percent,
        index_source=budget.index_source,
        comment=budget.comment,
        created_by=by,
        created_at=timezone.now(),
    )
    _save_contents(copy, queries.budget_months(budget), _items(queries.budget_items(budget)))
    audit.record(
        actor=by,
        verb="budget.version_created",
        target=copy,
        subject=unit,
        changes={"year": copy.year, "version": copy.version, "from_version": budget.version},
    )
    return copy


# --- the index table ----------------------------------------------------------------------------


@transaction.atomic
def set_budget_index(
    *,
    by,
    year: int,
    personnel_percent: Decimal,
    other_percent: Decimal,
    revenue_percent: Decimal = Decimal("0"),
    source: str,
) -> BudgetIndex:
    """Enter or revise the index for a budget year (e.g. SKR's PKV): the rates for personnel costs, other operating
    costs and revenue/frame, and where they come from. Budgets already indexed keep the rates they were built on."""
    if not has_perm(by, INDEX_PERM):
        raise PermissionDenied(_("You do not have permission to change the index table."))
    rules.check_year(year)
    rates = rules.Rates(Decimal(personnel_percent), Decimal(other_percent), Decimal(revenue_percent))
    errors = rules.rate_errors(rates)
    source = source.strip()
    if not source:
        errors.append(_("Give the source of the index, e.g. “SKR PKV October 2024”."))
    if errors:
        raise ValidationError(errors)
    index = BudgetIndex.objects.select_for_update(of=("self",)).filter(year=year).first()
    values = {
        "personnel_percent": rates.personnel,
        "other_percent": rates.other,
        "revenue_percent": rates.revenue,
        "source": source,
    }
    if index is None:
        index = BudgetIndex.objects.create(year=year, **values)
        audit.record(actor=by, verb="budget_index.created", target=index, changes={"year": year, **values})
        return index
    before = {name: getattr(index, name) for name in values}
    for name, value in values.items():
        setattr(index, name, value)
    index.save()
    changed = {name: [before[name], value] for name, value in values.items() if before[name] != value}
    audit.record(actor=by, verb="budget_index.updated", target=index, changes=changed)
    return index


# --- the import template ------------------------------------------------------------------------


@transaction.atomic
def import_budgets(
    *, by, budgets: Sequence[ParsedBudget], file_name: str = "", replace_drafts: bool = False
) -> list[Budget]:
    """Drafts for every unit and year in a read template (see `budget_table`), all or none. A unit is named by its
    ledger object or its name; the user must be allowed to draft budgets for each. A unit's existing draft for the
    year is refused, or replaced when `replace_drafts`."""
    errors: list[str] = []
    resolved: list[tuple[ParsedBudget, ResultUnit]] = []
    seen: dict[tuple[int, int], ParsedBudget] = {}
    resolve = queries.unit_resolver()
    for parsed in budgets:
        where = {"row": parsed.first_row, "unit": parsed.unit, "year": parsed.year}
        unit = resolve(parsed.unit)
        if unit is None:
            errors.append(
                _("Row %(row)s, column “enhet”: no result unit has the ledger object or name “%(unit)s”.") % where
            )
            continue
        if not has_perm(by, EDIT, unit):
            errors.append(
                _("Row %(row)s, column “enhet”: you may not draft budgets for %(name)s.") % {**where, "name": unit}
            )
            continue
        other = seen.setdefault((unit.pk, parsed.year), parsed)
        if other is not parsed:
            errors.append(
                _("Row %(row)s, column “enhet”: %(name)s %(year)s is also given as “%(other)s” on row %(other_row)s.")
                % {**where, "name": unit, "other": other.unit, "other_row": other.first_row}
            )
            continue
        resolved.append((parsed, _lock_unit(unit)))
    for parsed, unit in resolved:
        where = {"row": parsed.first_row, "unit": unit, "year": parsed.year}
        for problem in rules.budget_errors(parsed.annual, parsed.items):
            errors.append(_("Row %(row)s: %(unit)s %(year)s: %(problem)s") % {**where, "problem": problem})
        draft = queries.open_draft(unit.pk, parsed.year)
        if draft is not None and not replace_drafts:
            errors.append(
                _(
                    "Row %(row)s: %(unit)s already has a draft budget for %(year)s (version %(version)s); "
                    "choose to replace drafts, or delete that draft first."
                )
                % {**where, "version": draft.version}
            )
    if errors:
        raise ValidationError(errors)
    created = []
    for parsed, unit in resolved:
        items = _items(parsed.items)
        months = rules.monthly_amounts(parsed.annual, items)
        draft = queries.open_draft(unit.pk, parsed.year)
        if draft is not None:
            draft = _lock_budget(draft)
            _save_contents(draft, months, items)
            budget = draft
        else:
            budget = _create(by=by, result_unit=unit, year=parsed.year, months=months, items=items, comment="")
        audit.record(
            actor=by,
            verb="budget.imported",
            target=budget,
            subject=unit,
            changes={
                "file": file_name,
                "year": budget.year,
                "version": budget.version,
                "replaced_draft": draft is not None,
                "annual": _kronor(_annual(months)),
            },
        )
        created.append(budget)
    return created
