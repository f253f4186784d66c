"""Reading the ledger: monthly actuals, the account rules, the mapping, the imports and the drill-down from a
figure to the transactions and vouchers behind it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import caches
from django.db.models import Prefetch, Q, QuerySet, Sum

from intraprenad.accounts.access import EVERYWHERE, has_perm, unit_ids_for
from intraprenad.economy.lines import DEFAULT_RULES, LINE_ORDER, line_for
from intraprenad.economy.models import (
    AccountLineRule,
    LedgerImport,
    LedgerObject,
    LedgerSettings,
    MonthlyActual,
    ResultUnit,
    Transaction,
    TransactionBlock,
    Voucher,
)
from intraprenad.economy.rules.ledger import merge_ranges

VIEW = "economy.view_economy"
MANAGE = "economy.manage_ledger"


# --- actuals and rules ------------------------------------------------------------------------------


def line_rules() -> list[tuple[str, str]]:
    """(prefix, line) pairs from the municipality's account rules, or the Kommun-Bas defaults if there are none."""
    rules = list(AccountLineRule.objects.order_by("prefix").values_list("prefix", "line"))
    return rules or list(DEFAULT_RULES)


def actuals(unit_ids: Iterable[int] | None, year: int) -> dict[int, dict[int, dict[str, int]]]:
    """result unit id -> month (1..12) -> line -> öre (result sign), from MonthlyActual. None = all units."""
    rows = MonthlyActual.objects.filter(year=year)
    if unit_ids is not None:
        rows = rows.filter(result_unit_id__in=list(unit_ids))
    result: dict[int, dict[int, dict[str, int]]] = {}
    for unit_id, month, line, amount in rows.values_list("result_unit_id", "month", "line", "amount_ore"):
        result.setdefault(unit_id, {}).setdefault(month, {})[line] = amount
    return result


def years_with_actuals(unit_id: int) -> list[int]:
    """The years in which the result unit has monthly actuals, oldest first."""
    years = MonthlyActual.objects.filter(result_unit_id=unit_id).values_list("year", flat=True).distinct()
    return sorted(set(years))


def object_map() -> dict[tuple[str, str], int]:
    """(dimension, object) -> result unit id, for every mapped ledger object."""
    return {
        (dimension, obj): unit_id
        for dimension, obj, unit_id in LedgerObject.objects.values_list("dimension", "object_id", "result_unit_id")
    }


def unit_dimension() -> str:
    return LedgerSettings.current().unit_dimension


# --- the mapping page -------------------------------------------------------------------------------


def result_units(user) -> QuerySet[ResultUnit]:
    """The result units `user` may see, with their units and ledger objects."""
    return (
        ResultUnit.objects.for_user(user, VIEW)
        .select_related("org_unit")
        .prefetch_related(Prefetch("ledger_objects", queryset=LedgerObject.objects.order_by("dimension", "object_id")))
        .order_by("is_comparison", "org_unit__name")
    )


@dataclass
class RuleRow:
    prefix: str
    line: str
    accounts_example: str = ""


def rule_table() -> list[tuple[str, str]]:
    """The rules as stored (empty when the defaults apply)."""
    return list(AccountLineRule.objects.order_by("prefix").values_list("prefix", "line"))


# --- imports ----------------------------------------------------------------------------------------


def imports() -> QuerySet[LedgerImport]:
    return LedgerImport.objects.select_related("imported_by", "replaces").order_by("-created_at", "-id")


def progress_key(import_id: int) -> str:
    return f"ledger-import-{import_id}"


def live_progress(ledger_import: LedgerImport) -> int:
    """The import's progress (0–100): while it runs, also what the worker could not yet write to the database
    (on SQLite the import's own transaction holds the only write lock while it writes the rows)."""
    if ledger_import.status != LedgerImport.Status.RUNNING:
        return ledger_import.progress
    try:
        reported = caches["progress"].get(progress_key(ledger_import.pk))
    except OSError:
        reported = None
    return max(ledger_import.progress, int(reported or 0))


def import_units(ledger_import: LedgerImport) -> list[ResultUnit]:
    """The result units whose ledger objects occur in the import (from the objects recorded at import)."""
    objects = (ledger_import.reconciliation or {}).get("objects") or []
    if not objects:
        return []
    unit_ids = LedgerObject.objects.filter(dimension=ledger_import.dimension, object_id__in=objects).values_list(
        "result_unit_id", flat=True
    )
    return list(ResultUnit.objects.filter(pk__in=unit_ids).select_related("org_unit").order_by("org_unit__name"))


# --- drill-down -------------------------------------------------------------------------------------


@dataclass
class Drilldown:
    """The transactions behind one figure: a unit's year, optionally one month and one line."""

    result_unit: ResultUnit
    year: int
    month: int | None
    line: str | None
    transactions: QuerySet[Transaction]
    accounts: list[str]
    total_ore: int  # result sign: minus the sum of the transactions
    figure_ore: int  # the same figure from MonthlyActual
    lines: list[str] = field(default_factory=list)

    @property
    def without_vouchers_ore(self) -> int:
        """The part of the figure that has no transactions (from period balances of files without vouchers)."""
        return self.figure_ore - self.total_ore


def _periods(year: int, month: int | None) -> tuple[int, int]:
    if month:
        return year * 100 + month, year * 100 + month
    return year * 100 + 1, year * 100 + 12


def unit_transactions(result_unit: ResultUnit, year: int, month: int | None = None) -> QuerySet[Transaction]:
    """The counted transactions of the unit's ledger objects in the year (or month), from current imports: the
    id ranges of their blocks (ADR 20)."""
    first, last = _periods(year, month)
    by_dimension: dict[str, list[str]] = {}
    for dimension, obj in result_unit.ledger_objects.values_list("dimension", "object_id"):
        by_dimension.setdefault(dimension, []).append(obj)
    objects = Q()
    for dimension, objs in by_dimension.items():
        objects |= Q(ledger_import__dimension=dimension, object_id__in=objs)
    blocks = TransactionBlock.objects.filter(
        objects, period__gte=first, period__lte=last, ledger_import__status=LedgerImport.Status.DONE
    ).values_list("first_id", "last_id")
    ranges = merge_ranges(blocks) if by_dimension else []
    if not ranges:
        return Transaction.objects.none()
    within = Q()
    for low, high in ranges:
        within |= Q(id__gte=low, id__lte=high)
    return Transaction.objects.filter(within)


def drilldown(result_unit: ResultUnit, year: int, month: int | None = None, line: str | None = None) -> Drilldown:
    """The transactions behind the unit's figure for the year (or month), all lines or one line."""
    rows = unit_transactions(result_unit, year, month)
    rules = line_rules()
    present = sorted(set(rows.values_list("account", flat=True).distinct()))
    lines = {account: line_for(account, rules) for account in present}
    wanted = [
        account for account, account_line in lines.items() if account_line and (line is None or account_line == line)
    ]
    rows = rows.filter(account__in=wanted)
    total = -(rows.aggregate(total=Sum("amount_ore"))["total"] or 0)
    figures = MonthlyActual.objects.filter(result_unit=result_unit, year=year)
    if month:
        figures = figures.filter(month=month)
    if line:
        figures = figures.filter(line=line)
    figure = figures.aggregate(total=Sum("amount_ore"))["total"] or 0
    return Drilldown(
        result_unit=result_unit,
        year=year,
        month=month,
        line=line,
        transactions=rows.select_related("voucher", "ledger_import").order_by("voucher__date", "voucher_id", "id"),
        accounts=wanted,
        total_ore=total,
        figure_ore=figure,
        lines=[code for code in LINE_ORDER if code in set(lines.values())],
    )


def voucher_units(voucher: Voucher) -> list[ResultUnit]:
    """The result units whose ledger objects appear on the voucher's rows."""
    objects = set(voucher.transactions.exclude(object_id="").values_list("object_id", flat=True))
    if not objects:
        return []
    unit_ids = LedgerObject.objects.filter(
        dimension=voucher.ledger_import.dimension, object_id__in=objects
    ).values_list("result_unit_id", flat=True)
    return list(ResultUnit.objects.filter(pk__in=unit_ids).select_related("org_unit").order_by("org_unit__name"))


def voucher_visible(user, voucher: Voucher) -> bool:
    """Whoever manages the ledger sees every voucher; others a voucher with a row on a unit in their scope."""
    if has_perm(user, MANAGE):
        return True
    scope = unit_ids_for(user, VIEW)
    if scope is EVERYWHERE:
        return True
    return any(unit.org_unit_id in scope for unit in voucher_units(voucher))


def voucher_rows(voucher: Voucher) -> QuerySet[Transaction]:
    """The voucher's rows in the order of the file."""
    return voucher.transactions.order_by("position", "id")
