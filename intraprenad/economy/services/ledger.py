"""Ledger changes: the mapping of units and accounts, imports of SIE and template files, and the monthly actuals.

Mapping. The economist chooses the ledger dimension that identifies result units (`set_unit_dimension`), which
units are followed and which ledger objects belong to each (`set_result_unit`), and how accounts map to
income-statement lines (`set_line_rules`; `ensure_default_line_rules` seeds the Kommun-Bas defaults). Every
change is audited and rebuilds the monthly actuals.

Imports. `import_ledger` reads a file and stores it in one transaction; `start_import` stores the upload and
queues `tasks.run_import`, which calls `run_queued_import` in the background and reports its progress. A file
is parsed and checked completely before anything is written, and its vouchers and transactions are written in
one transaction, so a refused or failed import leaves nothing behind. The same file imported again changes
nothing; a newer export of the same company and fiscal year replaces the older one; an older one is refused.

Storing is fast: the rows go from polars columns straight to the database through the DB-API of Django's own
connection, inside its transaction (SQLite: `executemany` of multi-row INSERTs with plain tuples; PostgreSQL:
`COPY ... FROM STDIN` with CSV written by polars). The importer gives the vouchers and the transactions their ids
itself, from blocks of consecutive ids it reserves (imports take turns on the lock of the ledger settings, and
nothing else writes these tables). The transactions are written ordered by object, month and file order, and the
id range of every object and month is recorded as a `TransactionBlock`: the drill-down reads a figure's rows by
those ranges of the primary key, and a replaced import's rows are deleted by them, so the million rows need no
index but the primary key and the voucher's (ADR 20).

Monthly actuals are derived: after an import, and after any mapping change, the affected years are rebuilt from
the transactions of all current imports by a GROUP BY (for a file without vouchers, from its #PSALDO per
object), mapped to result units by their ledger objects and to lines by the account rules, in result sign.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import polars as pl
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from intraprenad.accounts import audit
from intraprenad.accounts.access import require_perm
from intraprenad.accounts.models import OrgUnit
from intraprenad.economy import sie, table_import
from intraprenad.economy.lines import DEFAULT_RULES, Line, line_for
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
from intraprenad.economy.queries import ledger as queries
from intraprenad.economy.rules.money import format_kronor

logger = logging.getLogger(__name__)

MANAGE = "economy.manage_ledger"
S = LedgerImport.Status
# Exports that hold a whole fiscal year: a newer one of the same company and year replaces the older one.
# A 4I file is a batch of vouchers to add, never a replacement.
FULL_EXPORTS = frozenset({"1", "2", "3", "4E"})
LISTED = 20  # unbalanced vouchers and differences named in a refusal
KEPT = 200  # ... and kept in the import's reconciliation
FIELD_LIMITS = {"series": 20, "number": 40, "account": 20, "object": 40}
TEXT_LIMIT = 500
OBJECTS_LIMIT = 200
DIMENSION = re.compile(r"^\d{1,10}$")

Progress = Callable[[int], None]


# --- helpers ----------------------------------------------------------------------------------------


def _subject(result_unit: ResultUnit):
    """Whose history a mapping event belongs to: the unit's intraprenad if it has one, else the result unit."""
    from intraprenad.lifecycle.models import Intraprenad

    intraprenad = Intraprenad.objects.filter(unit_id=result_unit.org_unit_id).order_by("-created_at", "-id").first()
    return intraprenad or result_unit


def _lock_settings() -> LedgerSettings:
    """Lock the ledger settings row: imports, rebuilds and mapping changes run one at a time."""
    current = LedgerSettings.current()
    return LedgerSettings.objects.select_for_update().get(pk=current.pk)


def _clean_dimension(dimension) -> str:
    text = str(dimension).strip()
    if not DIMENSION.match(text):
        raise ValidationError(
            {
                "dimension": _("A dimension is a number, e.g. 1 for cost centre/responsibility (%(value)s).")
                % {"value": text}
            }
        )
    return text


def _kronor(ore: int) -> str:
    return format_kronor(int(ore), decimals=True)


# --- the mapping ------------------------------------------------------------------------------------


def ensure_default_line_rules() -> list[AccountLineRule]:
    """System action: give the municipality the Kommun-Bas account rules if it has none yet."""
    with transaction.atomic():
        current = _lock_settings()
        if AccountLineRule.objects.exists():
            return list(AccountLineRule.objects.order_by("prefix"))
        rules = AccountLineRule.objects.bulk_create(
            [AccountLineRule(prefix=prefix, line=line) for prefix, line in DEFAULT_RULES]
        )
        audit.record(
            actor=None,
            verb="ledger_settings.rules_seeded",
            target=current,
            changes={"rules": [[r.prefix, r.line] for r in rules]},
        )
    return sorted(rules, key=lambda r: r.prefix)


@transaction.atomic
def set_line_rules(*, by, rules: Sequence[tuple[str, str]]) -> list[AccountLineRule]:
    """Replace the account rules (prefix → line; the longest matching prefix wins) and rebuild the actuals."""
    require_perm(by, MANAGE)
    current = _lock_settings()
    cleaned: dict[str, str] = {}
    problems: list[str] = []
    for prefix, line in rules:
        prefix = str(prefix).strip()
        if not re.fullmatch(r"\d{1,10}", prefix):
            problems.append(_('"%(prefix)s" is not an account prefix (1–10 digits).') % {"prefix": prefix})
        elif line not in Line.values:
            problems.append(_('"%(line)s" is not a line.') % {"line": line})
        elif prefix in cleaned:
            problems.append(_("The prefix %(prefix)s is given twice.") % {"prefix": prefix})
        else:
            cleaned[prefix] = line
    if problems:
        raise ValidationError(problems)
    if not cleaned:
        raise ValidationError(_("Give at least one account rule."))
    before = queries.rule_table()
    after = sorted(cleaned.items())
    if before == after:
        return list(AccountLineRule.objects.order_by("prefix"))
    AccountLineRule.objects.all().delete()
    created = AccountLineRule.objects.bulk_create([AccountLineRule(prefix=p, line=line) for p, line in after])
    audit.record(
        actor=by,
        verb="ledger_settings.rules_changed",
        target=current,
        changes={"before": [list(r) for r in before], "after": [list(r) for r in after]},
    )
    _rebuild(_all_years())
    return sorted(created, key=lambda r: r.prefix)


@transaction.atomic
def set_unit_dimension(*, by, dimension: str) -> LedgerSettings:
    """Choose the ledger dimension whose objects identify result units (for imports from now on)."""
    require_perm(by, MANAGE)
    current = _lock_settings()
    dimension = _clean_dimension(dimension)
    if dimension == current.unit_dimension:
        return current
    before = current.unit_dimension
    current.unit_dimension = dimension
    current.save(update_fields=["unit_dimension"])
    audit.record(
        actor=by, verb="ledger_settings.changed", target=current, changes={"unit_dimension": [before, dimension]}
    )
    return current


@transaction.atomic
def set_result_unit(*, by, org_unit: OrgUnit, is_comparison: bool, objects: list[str]) -> ResultUnit:
    """Follow `org_unit` as a result unit (an intraprenad's unit, or a comparable unit) with these ledger objects of
    the current unit dimension. An object belongs to one unit only. Rebuilds the actuals."""
    settings_row = _lock_settings()
    dimension = settings_row.unit_dimension
    result_unit = ResultUnit.objects.select_for_update().filter(org_unit=org_unit).first()
    candidate = result_unit or ResultUnit(org_unit=org_unit)
    require_perm(by, MANAGE, candidate)
    if org_unit.kind != OrgUnit.Kind.UNIT:
        raise ValidationError(_("Only units can be result units; %(unit)s is not a unit.") % {"unit": org_unit.name})
    wanted: list[str] = []
    for obj in objects:
        obj = str(obj).strip()
        if obj and obj not in wanted:
            wanted.append(obj)
    too_long = [obj for obj in wanted if len(obj) > FIELD_LIMITS["object"]]
    if too_long:
        raise ValidationError(
            {"objects": _("A ledger object has at most 40 characters: %(objects)s") % {"objects": ", ".join(too_long)}}
        )
    taken = LedgerObject.objects.filter(dimension=dimension, object_id__in=wanted).select_related(
        "result_unit__org_unit"
    )
    if result_unit is not None:
        taken = taken.exclude(result_unit=result_unit)
    clashes = [f"{o.object_id} ({o.result_unit.org_unit.name})" for o in taken]
    if clashes:
        raise ValidationError(
            {
                "objects": _("These ledger objects already belong to another unit: %(objects)s")
                % {"objects": ", ".join(clashes)}
            }
        )
    before_comparison = result_unit.is_comparison if result_unit else None
    if result_unit is None:
        result_unit = ResultUnit.objects.create(org_unit=org_unit, is_comparison=is_comparison)
    elif result_unit.is_comparison != is_comparison:
        result_unit.is_comparison = is_comparison
        result_unit.save(update_fields=["is_comparison"])
    mine = result_unit.ledger_objects.filter(dimension=dimension)
    before = sorted(mine.values_list("object_id", flat=True))
    mine.exclude(object_id__in=wanted).delete()
    LedgerObject.objects.bulk_create(
        [LedgerObject(result_unit=result_unit, dimension=dimension, object_id=o) for o in wanted if o not in before]
    )
    after = sorted(wanted)
    if before_comparison == is_comparison and before == after:
        return result_unit
    audit.record(
        actor=by,
        verb="result_unit.mapped",
        target=result_unit,
        subject=_subject(result_unit),
        changes={
            "is_comparison": [before_comparison, is_comparison],
            "dimension": dimension,
            "objects": [before, after],
        },
    )
    if before != after:
        _rebuild(_all_years())
    return result_unit


# --- reading a file ---------------------------------------------------------------------------------


@dataclass
class ParsedFile:
    """A file read and checked, ready to store (or to show, in a dry run)."""

    source: str
    file_name: str
    sha256: str
    dimension: str
    vouchers: pl.DataFrame
    transactions: pl.DataFrame
    reconciliation: dict
    sie_type: str = ""
    company: str = ""
    orgnr: str = ""
    generated_on: date | None = None
    fiscal_year_start: date | None = None
    fiscal_year_end: date | None = None
    period_balances: list[list] = field(default_factory=list)  # [object, "YYYY-MM", account, öre] without vouchers
    summary: dict | None = None

    @property
    def years(self) -> list[int]:
        years: set[int] = set()
        if self.vouchers.height:
            dates = self.vouchers.get_column("date")
            years.update(range(dates.min().year, dates.max().year + 1))
        years.update(int(period[:4]) for _obj, period, _account, _ore in self.period_balances)
        return sorted(years)

    @property
    def objects(self) -> list[str]:
        found = set(self.transactions.get_column("object").unique().to_list()) if self.transactions.height else set()
        found.update(obj for obj, *_rest in self.period_balances)
        found.discard("")
        found.discard(None)
        return sorted(found)


def _read(data: bytes, file_name: str, dimension: str, progress: Callable[[float], None] | None) -> ParsedFile:
    """Parse an SIE or template file; ValidationError (Swedish, with the line or row) if it cannot be read."""
    sha = hashlib.sha256(data).hexdigest()
    if not data:
        raise ValidationError(_("The file is empty."))
    if table_import.is_table(data, file_name):
        try:
            table = table_import.read_table(data, file_name)
        except table_import.TableError as error:
            raise ValidationError(error.errors) from None
        vouchers, transactions = table.frames(dimension)
        dates = vouchers.get_column("date")
        return ParsedFile(
            source=LedgerImport.Source.TABLE,
            file_name=file_name,
            sha256=sha,
            dimension=dimension,
            vouchers=vouchers,
            transactions=transactions,
            reconciliation={
                "ok": True,
                "unbalanced_vouchers": [],
                "differences": [],
                "checked": {},
                "ksumma": "absent",
            },
            fiscal_year_start=dates.min(),
            fiscal_year_end=dates.max(),
        )
    try:
        ledger = sie.parse(data, file_name=file_name, dimension=dimension, progress=progress)
    except sie.SieError as error:
        raise ValidationError(str(error)) from None
    year0 = next((y for y in ledger.fiscal_years if y.index == 0), None)
    balances: list[list] = []
    if ledger.vouchers.height == 0 and ledger.period_balances.height:
        balances = [
            list(row)
            for row in ledger.period_balances.filter(
                (pl.col("year") == 0) & (pl.col("object") != "") & ~pl.col("objects").str.contains(";", literal=True)
            )
            .select("object", "period", "account", "amount_ore")
            .iter_rows()
        ]
    return ParsedFile(
        source=LedgerImport.Source.SIE,
        file_name=file_name,
        sha256=sha,
        dimension=dimension,
        vouchers=ledger.vouchers,
        transactions=ledger.transactions,
        reconciliation=ledger.reconciliation.as_dict(),
        sie_type=ledger.sie_type,
        company=ledger.company,
        orgnr=ledger.orgnr,
        generated_on=ledger.generated_on,
        fiscal_year_start=year0.start if year0 else None,
        fiscal_year_end=year0.end if year0 else None,
        period_balances=balances,
        summary=ledger.summary(),
    )


# --- checking a file against what is stored ---------------------------------------------------------


class Unchanged(Exception):
    """The same file is already imported: nothing changes."""

    def __init__(self, existing: LedgerImport):
        super().__init__(existing.pk)
        self.existing = existing


def _problems(parsed: ParsedFile) -> tuple[int, list[str]]:
    """What the file's reconciliation found: how many unbalanced vouchers and differences, and the first LISTED."""
    rec = parsed.reconciliation
    unbalanced, differences = rec.get("unbalanced_vouchers", []), rec.get("differences", [])
    listed: list[str] = []
    for series, number, ore in unbalanced[:LISTED]:
        listed.append(
            _("voucher %(voucher)s does not balance (%(amount)s)")
            % {"voucher": f"{series} {number}".strip() or '""', "amount": _kronor(ore)}
        )
    for d in differences[: LISTED - len(listed)]:
        where = (
            d["account"]
            + (f" {d['month']}" if d.get("month") else "")
            + (f" {{{d['objects']}}}" if d.get("objects") else "")
        )
        listed.append(
            _("%(kind)s %(where)s, year %(year)s: the file says %(file)s, its transactions add up to %(transactions)s")
            % {
                "kind": d["kind"],
                "where": where,
                "year": d["year"],
                "file": _kronor(d["file_ore"]),
                "transactions": _kronor(d["trans_ore"]),
            }
        )
    return len(unbalanced) + len(differences), listed


def _check_file(parsed: ParsedFile, *, allow_differences: bool) -> None:
    """Refuse a file whose checksum fails, whose fields do not fit, or (unless allowed) that does not reconcile."""
    if parsed.reconciliation.get("ksumma") == "mismatch":
        raise ValidationError(
            _(
                "The file's checksum (#KSUMMA) does not match its content: the file has been changed or damaged "
                "after it was exported. Export it again."
            )
        )
    for frame, columns in ((parsed.vouchers, ("series", "number")), (parsed.transactions, ("account", "object"))):
        for column in columns:
            if not frame.height:
                continue
            limit = FIELD_LIMITS[column]
            long = frame.filter(pl.col(column).cast(pl.String).str.len_chars() > limit)
            if long.height:
                raise ValidationError(
                    _('Line %(line)s: the %(field)s "%(value)s" is longer than %(limit)s characters.')
                    % {
                        "line": long.get_column("line")[0],
                        # as users know the field: the ledger template's column, or in words (no column)
                        "field": {
                            "series": _("voucher series"),
                            "number": "verifikation",
                            "account": "konto",
                            "object": "objekt",
                        }[column],
                        "value": long.get_column(column)[0][:60],
                        "limit": limit,
                    }
                )
    count, problems = _problems(parsed)
    if count and not allow_differences:
        shown = "; ".join(problems) + ("; …" if count > len(problems) else "")
        raise ValidationError(
            _(
                "The file does not agree with itself, so it was not imported (%(count)s problems): %(problems)s. "
                "If the differences are expected, import it anyway and they are recorded with the import."
            )
            % {"count": count, "problems": shown}
        )


def _company_key(orgnr: str, company: str) -> str:
    digits = re.sub(r"\D", "", orgnr or "")
    if digits:
        return f"orgnr:{digits}"
    name = (company or "").strip().casefold()
    return f"name:{name}" if name else ""


def _predecessor(parsed: ParsedFile) -> LedgerImport | None:
    """The stored import this file replaces (None if it adds to what is stored). Raises Unchanged for the same
    file, and ValidationError for an older export than the stored one."""
    same = (
        LedgerImport.objects.filter(status=S.DONE, sha256=parsed.sha256).select_related("imported_by").order_by("-id")
    )
    for existing in same:
        if existing.dimension == parsed.dimension:
            raise Unchanged(existing)
    for existing in same:  # the same file read with another dimension: read anew, replacing the old reading
        return existing
    key = _company_key(parsed.orgnr, parsed.company)
    if (
        parsed.source != LedgerImport.Source.SIE
        or parsed.sie_type not in FULL_EXPORTS
        or not key
        or parsed.fiscal_year_start is None
    ):
        return None
    candidates = LedgerImport.objects.filter(
        status=S.DONE,
        source=LedgerImport.Source.SIE,
        sie_type__in=FULL_EXPORTS,
        fiscal_year_start=parsed.fiscal_year_start,
        fiscal_year_end=parsed.fiscal_year_end,
    ).order_by("-id")
    for existing in candidates:
        if _company_key(existing.orgnr, existing.company) != key:
            continue
        stored = (existing.reconciliation or {}).get("generated_on")
        if stored and parsed.generated_on and parsed.generated_on.isoformat() < stored:
            raise ValidationError(
                _(
                    "This export (generated %(new)s) is older than the imported export of the same fiscal year "
                    "(generated %(old)s, import %(id)s); the older export is not imported."
                )
                % {"new": parsed.generated_on.isoformat(), "old": stored, "id": existing.pk}
            )
        return existing
    return None


def _stored_reconciliation(parsed: ParsedFile, *, allow_differences: bool) -> dict:
    rec = dict(parsed.reconciliation)
    unbalanced, differences = rec.get("unbalanced_vouchers", []), rec.get("differences", [])
    rec.update(
        unbalanced_count=len(unbalanced),
        difference_count=len(differences),
        unbalanced_vouchers=unbalanced[:KEPT],
        differences=differences[:KEPT],
        accepted_with_differences=bool(allow_differences and (unbalanced or differences)),
        generated_on=parsed.generated_on.isoformat() if parsed.generated_on else None,
        years=parsed.years,
        objects=parsed.objects[:5000],
    )
    if parsed.period_balances:
        rec["period_balances"] = parsed.period_balances
    return rec


def _describe(ledger_import: LedgerImport, parsed: ParsedFile) -> str:
    parts = [
        _("%(vouchers)s vouchers and %(transactions)s transactions.")
        % {"vouchers": ledger_import.voucher_count, "transactions": ledger_import.transaction_count}
    ]
    if not parsed.vouchers.height and parsed.source == LedgerImport.Source.SIE:
        if parsed.period_balances:
            parts.append(
                _(
                    "The file has no vouchers: the actuals come from its period balances (#PSALDO) per object of "
                    "dimension %(dimension)s, and cannot be drilled down to vouchers."
                )
                % {"dimension": parsed.dimension}
            )
        else:
            parts.append(
                _("The file has neither vouchers nor period balances per object of dimension %(dimension)s.")
                % {"dimension": parsed.dimension}
            )
    if ledger_import.replaces_id:
        parts.append(_("Replaces import %(id)s.") % {"id": ledger_import.replaces_id})
    if ledger_import.reconciliation.get("accepted_with_differences"):
        parts.append(_("Imported with the differences recorded below."))
    return " ".join(str(p) for p in parts)


# --- writing rows -----------------------------------------------------------------------------------

VOUCHER_COLUMNS = ("id", "ledger_import_id", "series", "number", "date", "text", "line")
TRANSACTION_COLUMNS = (
    "id",
    "ledger_import_id",
    "voucher_id",
    "position",
    "account",
    "object_id",
    "object_list",
    "period",
    "amount_ore",
    "trans_date",
    "text",
)
BLOCK_COLUMNS = ("ledger_import_id", "object_id", "period", "first_id", "last_id")
CHUNK = 100_000  # rows per progress step


def _insert(table: str, columns: Sequence[str], frame: pl.DataFrame, progress: Callable[[float], None]) -> None:
    """Insert the frame's rows (columns in order) with the DB-API of Django's connection, in its transaction:
    PostgreSQL `COPY ... FROM STDIN` fed with CSV from polars; otherwise `executemany` of multi-row INSERTs with
    plain tuples, on the driver's own cursor (Django's wrapper costs twice the time for a million rows)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    total = frame.height
    if connection.vendor == "postgresql":
        copy_sql = f"COPY {quote(table)} ({names}) FROM STDIN (FORMAT csv)"
        with connection.cursor() as cursor:
            for offset in range(0, total, CHUNK):  # one COPY per chunk: the constraints are checked as it goes
                chunk = frame.slice(offset, CHUNK)
                with cursor.cursor.copy(copy_sql) as copy:
                    copy.write(chunk.write_csv(include_header=False, quote_style="non_numeric", null_value=""))
                progress(min(1.0, (offset + chunk.height) / total))
        return
    width = len(columns)
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        mark = "?"
    else:  # pragma: no cover - the project runs on SQLite and PostgreSQL
        limit = connection.features.max_query_params or 999
        mark = "%s"
    per_statement = max(1, min(100, limit // width))
    row_sql = "(" + ", ".join([mark] * width) + ")"

    def insert_sql(count: int) -> str:
        return f"INSERT INTO {quote(table)} ({names}) VALUES " + ", ".join([row_sql] * count)

    sql, step = insert_sql(per_statement), per_statement * width
    cursor = connection.connection.cursor()
    try:
        for offset in range(0, total, CHUNK):
            chunk = frame.slice(offset, CHUNK)
            whole = chunk.height - chunk.height % per_statement
            flat = _flat(chunk.head(whole))
            cursor.executemany(sql, [flat[i : i + step] for i in range(0, len(flat), step)])
            if whole < chunk.height:
                cursor.execute(insert_sql(chunk.height - whole), _flat(chunk.slice(whole)))
            progress(min(1.0, (offset + chunk.height) / total))
    finally:
        cursor.close()


def _flat(frame: pl.DataFrame) -> list:
    """The frame's values row by row in one flat list, filled a column at a time (half the time of
    `chain.from_iterable(frame.rows())`)."""
    width = frame.width
    flat = [None] * (frame.height * width)
    for i, column in enumerate(frame.get_columns()):
        flat[i::width] = column.to_list()
    return flat


def _iso(column: str) -> pl.Expr:
    return pl.col(column).dt.strftime("%Y-%m-%d")


@contextmanager
def _bulk_writes():
    """SQLite: a page cache big enough that a large import never spills to disk before it commits (a spill
    needs the exclusive lock and a sync). It is restored when the transaction commits, not when the rows are
    written: shrinking the cache while it holds the import's dirty pages would spill them at the next page the
    monthly actuals need. If the writing fails it is restored at once (the transaction will roll back)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB, taken only as pages are used

    def restore() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")

    try:
        yield
    except BaseException:
        restore()
        raise
    transaction.on_commit(restore)


def _store_rows(ledger_import: LedgerImport, parsed: ParsedFile, progress: Callable[[float], None]) -> None:
    if connection.vendor == "postgresql":
        # Check the foreign keys statement by statement rather than all at the commit, so that the progress bar
        # moves while they are checked (the work is the same).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with _bulk_writes():
        _write_rows(ledger_import, parsed, progress)


def _reserve_ids(model, count: int) -> int:
    """The first of `count` consecutive new ids of `model`'s table, for this transaction's rows.

    The caller holds the lock of the ledger settings (`_lock_settings`), so no other import reserves at the same
    time, and only imports write these tables. PostgreSQL: the identity sequence is moved past the block.
    SQLite: the block starts after both the highest id and the highest ever handed out (AUTOINCREMENT), and
    SQLite moves its counter itself when the rows are written."""
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = int(cursor.fetchone()[0])
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quote(table)}")
            first = max(first, int(cursor.fetchone()[0]) + 1)
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + max(count, 1) - 1])
            return first
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quote(table)}")
        highest = int(cursor.fetchone()[0])
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            highest = max(highest, int(row[0]) if row else 0)
        return highest + 1


def _write_rows(ledger_import: LedgerImport, parsed: ParsedFile, progress: Callable[[float], None]) -> None:
    first_voucher = _reserve_ids(Voucher, parsed.vouchers.height)
    vouchers = parsed.vouchers.select(
        (pl.int_range(pl.len(), dtype=pl.Int64) + first_voucher).alias("id"),
        pl.lit(ledger_import.pk, pl.Int64).alias("ledger_import_id"),
        pl.col("series").fill_null(""),
        pl.col("number").fill_null(""),
        _iso("date").alias("date"),
        pl.col("text").fill_null("").str.slice(0, TEXT_LIMIT),
        pl.col("line").fill_null(0),
    )
    _insert(Voucher._meta.db_table, VOUCHER_COLUMNS, vouchers, lambda f: progress(0.1 * f))
    if not parsed.transactions.height:
        return
    first_row = _reserve_ids(Transaction, parsed.transactions.height)
    voucher = parsed.transactions.get_column("voucher")
    periods = parsed.vouchers.select(period=pl.col("date").dt.year() * 100 + pl.col("date").dt.month()).to_series()
    rows = (
        parsed.transactions.select(
            pl.lit(ledger_import.pk, pl.Int64).alias("ledger_import_id"),
            (voucher.cast(pl.Int64) + first_voucher).alias("voucher_id"),
            pl.int_range(pl.len(), dtype=pl.Int64).alias("position"),
            pl.col("account").cast(pl.String),
            pl.col("object").cast(pl.String).fill_null("").alias("object_id"),
            pl.col("objects").cast(pl.String).fill_null("").str.slice(0, OBJECTS_LIMIT).alias("object_list"),
            periods.cast(pl.Int64).gather(voucher).alias("period"),
            pl.col("amount_ore"),
            _iso("date").alias("trans_date"),
            pl.col("text").cast(pl.String).fill_null("").str.slice(0, TEXT_LIMIT),
        )
        .sort("object_id", "period", "position")
        .with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + first_row).alias("id"))
        .select(TRANSACTION_COLUMNS)
    )
    blocks = (
        rows.group_by("object_id", "period")
        .agg(first_id=pl.col("id").first(), last_id=pl.col("id").last())
        .sort("first_id")
        .select(
            pl.lit(ledger_import.pk, pl.Int64).alias("ledger_import_id"), "object_id", "period", "first_id", "last_id"
        )
    )
    _insert(TransactionBlock._meta.db_table, BLOCK_COLUMNS, blocks, lambda f: None)
    _insert(Transaction._meta.db_table, TRANSACTION_COLUMNS, rows, lambda f: progress(0.1 + 0.9 * f))


def import_id_ranges(import_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """The first and last transaction id of each import that has rows."""
    ranges = (
        TransactionBlock.objects.filter(ledger_import_id__in=list(import_ids))
        .values("ledger_import_id")
        .annotate(first=Min("first_id"), last=Max("last_id"))
        .values_list("ledger_import_id", "first", "last")
    )
    return {pk: (first, last) for pk, first, last in ranges}


def _delete_rows(ledger_import: LedgerImport) -> None:
    quote = connection.ops.quote_name
    rows = quote(Transaction._meta.db_table)
    with connection.cursor() as cursor:
        for first, last in import_id_ranges([ledger_import.pk]).values():
            cursor.execute(
                f"DELETE FROM {rows} WHERE id >= %s AND id <= %s AND ledger_import_id = %s",
                [first, last, ledger_import.pk],
            )
        for model in (TransactionBlock, Voucher):
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} WHERE ledger_import_id = %s", [ledger_import.pk])


# --- monthly actuals --------------------------------------------------------------------------------

SUM_SCHEMA = {"dimension": pl.String, "object": pl.String, "period": pl.Int64, "account": pl.String, "ore": pl.Int64}


def _all_years() -> set[int]:
    """Every year with actuals or with rows in a current import."""
    years = set(MonthlyActual.objects.values_list("year", flat=True).distinct())
    for reconciliation in LedgerImport.objects.filter(status=S.DONE).values_list("reconciliation", flat=True):
        years.update((reconciliation or {}).get("years") or [])
    return years


def _fresh_sums(parsed: ParsedFile) -> pl.DataFrame:
    """The new import's sums per object, month and account, from the frames in memory (same as the GROUP BY)."""
    if parsed.transactions.height:
        periods = parsed.vouchers.select(
            "voucher", period=(pl.col("date").dt.year() * 100 + pl.col("date").dt.month()).cast(pl.Int64)
        )
        return (
            parsed.transactions.filter(pl.col("object") != "")
            .join(periods, on="voucher", how="left")
            .group_by("object", "period", "account")
            .agg(ore=pl.col("amount_ore").sum())
            .select(pl.lit(parsed.dimension).alias("dimension"), "object", "period", "account", "ore")
            .cast(SUM_SCHEMA)
        )
    return _balance_sums(parsed.dimension, parsed.period_balances)


def _balance_sums(dimension: str, balances: list[list]) -> pl.DataFrame:
    rows = [
        (dimension, obj, int(period[:4]) * 100 + int(period[5:7]), account, ore)
        for obj, period, account, ore in balances
    ]
    return pl.DataFrame(rows, schema=SUM_SCHEMA, orient="row")


def _stored_sums(years: set[int], exclude: int | None) -> pl.DataFrame:
    """Sums per object, month and account of the current imports touching `years`, by a GROUP BY in the database
    (for files without vouchers, from the period balances kept with the import)."""
    first, last = min(years) * 100 + 1, max(years) * 100 + 12
    with_rows: dict[int, str] = {}
    parts: list[pl.DataFrame] = []
    current = (
        LedgerImport.objects.filter(status=S.DONE)
        .exclude(pk=exclude)
        .values_list("pk", "dimension", "transaction_count", "reconciliation")
    )
    for pk, dimension, count, reconciliation in current:
        reconciliation = reconciliation or {}
        if not years.intersection(reconciliation.get("years") or []):
            continue
        if count:
            with_rows[pk] = dimension
        elif reconciliation.get("period_balances"):
            parts.append(_balance_sums(dimension, reconciliation["period_balances"]))
    ranges = import_id_ranges(with_rows)
    if ranges:
        within = " OR ".join(["(id >= %s AND id <= %s AND ledger_import_id = %s)"] * len(ranges))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ledger_import_id, object_id, period, account, SUM(amount_ore) "
                f"FROM {connection.ops.quote_name(Transaction._meta.db_table)} "
                f"WHERE ({within}) AND period >= %s AND period <= %s AND object_id <> '' "
                "GROUP BY ledger_import_id, object_id, period, account",
                [*(value for pk, (a, b) in ranges.items() for value in (a, b, pk)), first, last],
            )
            rows = [
                (with_rows[pk], obj, period, account, int(ore)) for pk, obj, period, account, ore in cursor.fetchall()
            ]
        parts.append(pl.DataFrame(rows, schema=SUM_SCHEMA, orient="row"))
    return pl.concat(parts) if parts else pl.DataFrame(schema=SUM_SCHEMA)


def _rebuild(years: Iterable[int], fresh: tuple[int, pl.DataFrame] | None = None) -> None:
    """Rebuild MonthlyActual for `years` from every current import (the new one's sums given as `fresh`)."""
    years = {int(y) for y in years}
    if not years:
        return
    sums = [_stored_sums(years, fresh[0] if fresh else None)]
    if fresh is not None:
        sums.append(fresh[1])
    frame = pl.concat(sums)
    objects = queries.object_map()
    rules = queries.line_rules()
    accounts = frame.get_column("account").unique().to_list()
    lines = pl.DataFrame(
        [(a, line_for(a, rules)) for a in accounts], schema={"account": pl.String, "line": pl.String}, orient="row"
    )
    units = pl.DataFrame(
        [(d, o, unit) for (d, o), unit in objects.items()],
        schema={"dimension": pl.String, "object": pl.String, "unit": pl.Int64},
        orient="row",
    )
    totals = (
        frame.join(units, on=["dimension", "object"], how="inner")
        .join(lines.filter(pl.col("line").is_not_null()), on="account", how="inner")
        .with_columns(year=pl.col("period") // 100, month=pl.col("period") % 100)
        .filter(pl.col("year").is_in(list(years)) & pl.col("month").is_between(1, 12))
        .group_by("unit", "year", "month", "line")
        .agg(amount=-pl.col("ore").sum())
        .sort("unit", "year", "month", "line")  # the unique index's order: appended, not scattered
    )
    MonthlyActual.objects.filter(year__in=years).delete()
    _insert(
        MonthlyActual._meta.db_table,
        ("result_unit_id", "year", "month", "line", "amount_ore"),
        totals.select("unit", "year", "month", "line", "amount"),
        lambda fraction: None,
    )
    transaction.on_commit(partial(_check_warnings, sorted(years)), robust=True)


def _check_warnings(years: list[int]) -> None:
    from intraprenad.economy.services import followup

    today = timezone.localdate()
    for year in years:
        followup.check_early_warnings(year=year, today=today)


def rebuild_actuals(*, years: Iterable[int] | None = None) -> None:
    """System action: rebuild the monthly actuals of `years` (None: every year) from the current imports."""
    with transaction.atomic():
        _lock_settings()
        _rebuild(_all_years() if years is None else years)


# --- importing --------------------------------------------------------------------------------------


class _Reporter:
    """An import's progress (0–100), written where the pages can see it while the job runs.

    Outside a transaction every step is committed at once. Inside the one transaction that writes the rows,
    PostgreSQL gets the step through a second connection (committed at once; it only touches `progress`, which
    the import's own transaction leaves alone until it finishes); SQLite allows one writer only, so there the step
    goes to the "progress" cache (files shared by the processes of the machine), which the pages read while the
    import runs (`queries.ledger.live_progress`).
    """

    def __init__(self, import_id: int | None, callback: Progress | None = None):
        self.import_id = import_id
        self.callback = callback
        self.last = -1
        self.side = None
        self.side_failed = False

    def __call__(self, percent: float) -> None:
        percent = max(0, min(100, int(percent)))
        if percent <= self.last:
            return
        self.last = percent
        if self.callback is not None:
            self.callback(percent)
        if self.import_id is None:
            return
        if not connection.in_atomic_block:
            LedgerImport.objects.filter(pk=self.import_id).update(progress=percent)
        elif connection.vendor == "postgresql" and not self.side_failed:
            self._side_write(percent)
        elif connection.vendor != "postgresql":
            try:
                caches["progress"].set(queries.progress_key(self.import_id), percent)
            except OSError:  # progress is a courtesy; the import goes on
                logger.warning("could not record the progress of import %s", self.import_id)

    def span(self, start: int, end: int) -> Callable[[float], None]:
        return lambda fraction: self(start + (end - start) * fraction)

    def _side_write(self, percent: int) -> None:
        try:
            if self.side is None:
                self.side = connections.create_connection(DEFAULT_DB_ALIAS)
                with self.side.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '200ms'")
            with self.side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {connection.ops.quote_name(LedgerImport._meta.db_table)} SET progress = %s WHERE id = %s",
                    [percent, self.import_id],
                )
        except DatabaseError:
            self.side_failed = True  # progress is a courtesy; the import goes on

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def _store(
    ledger_import: LedgerImport, parsed: ParsedFile, *, by, allow_differences: bool, report: _Reporter
) -> LedgerImport:
    """Check the parsed file against what is stored and write it (inside the caller's transaction)."""
    _lock_settings()
    old = _predecessor(parsed)
    _check_file(parsed, allow_differences=allow_differences)
    if ledger_import.pk is None:
        ledger_import.status = S.RUNNING
        ledger_import.save()
    years = set(parsed.years)
    if old is not None:
        old = LedgerImport.objects.select_for_update().get(pk=old.pk)
        years.update((old.reconciliation or {}).get("years") or [])
        _delete_rows(old)
        old.status = S.REPLACED
        old.message = _("Replaced by import %(id)s.") % {"id": ledger_import.pk}
        old.save(update_fields=["status", "message"])
    report(56)
    _store_rows(ledger_import, parsed, report.span(56, 92))
    ledger_import.replaces = old
    ledger_import.sie_type = parsed.sie_type
    ledger_import.company = parsed.company[:200]
    ledger_import.orgnr = parsed.orgnr[:20]
    ledger_import.fiscal_year_start = parsed.fiscal_year_start
    ledger_import.fiscal_year_end = parsed.fiscal_year_end
    ledger_import.voucher_count = parsed.vouchers.height
    ledger_import.transaction_count = parsed.transactions.height
    ledger_import.reconciliation = _stored_reconciliation(parsed, allow_differences=allow_differences)
    ledger_import.message = _describe(ledger_import, parsed)
    _rebuild(years, fresh=(ledger_import.pk, _fresh_sums(parsed)))
    report(98)
    ledger_import.status = S.DONE
    ledger_import.progress = 100
    ledger_import.finished_at = timezone.now()
    ledger_import.save()
    audit.record(
        actor=by,
        verb="ledger_import.imported",
        target=ledger_import,
        changes={
            "file_name": ledger_import.file_name,
            "sha256": ledger_import.sha256,
            "dimension": ledger_import.dimension,
            "vouchers": ledger_import.voucher_count,
            "transactions": ledger_import.transaction_count,
            "replaces": old.pk if old else None,
            "reconciliation_ok": bool(parsed.reconciliation.get("ok")),
            "allow_differences": allow_differences,
        },
    )
    ledger_import.summary = parsed.summary
    return ledger_import


def _dimension(dimension) -> str:
    return LedgerSettings.current().unit_dimension if dimension in (None, "") else _clean_dimension(dimension)


def _unchanged_message(existing: LedgerImport) -> str:
    return _("The same file was already imported (import %(id)s, %(when)s); nothing was changed.") % {
        "id": existing.pk,
        "when": timezone.localtime(existing.finished_at or existing.created_at).strftime("%Y-%m-%d %H:%M"),
    }


@transaction.atomic
def import_ledger(
    *,
    by,
    data: bytes,
    file_name: str,
    dimension: str | None = None,
    dry_run: bool = False,
    allow_differences: bool = False,
    progress: Progress | None = None,
) -> LedgerImport:
    """Import an SIE file (or a CSV/Excel template file) in one transaction and return the import.

    `dry_run` reads and checks the file and returns an unsaved import with the counts, the reconciliation and
    (in `message`) what a real import would do. The same file again returns the stored import, unchanged, with
    `message` saying so. The returned import carries the parser's `summary` (None for template files).
    Refusals raise ValidationError with a Swedish message, and nothing is stored.
    """
    require_perm(by, MANAGE)
    dimension = _dimension(dimension)
    report = _Reporter(None, progress)
    parsed = _read(bytes(data), os.path.basename(file_name), dimension, report.span(0, 50))
    preview = LedgerImport(
        source=parsed.source,
        status=S.QUEUED,
        file_name=parsed.file_name[:255],
        sha256=parsed.sha256,
        dimension=dimension,
        imported_by=by if getattr(by, "is_authenticated", False) else None,
        created_at=timezone.now(),
    )
    if dry_run:
        return _dry_run(preview, parsed, allow_differences=allow_differences)
    try:
        return _store(preview, parsed, by=by, allow_differences=allow_differences, report=report)
    except Unchanged as unchanged:
        existing = unchanged.existing
        existing.message = _unchanged_message(existing)
        existing.unchanged = True
        existing.summary = parsed.summary
        return existing


def _dry_run(preview: LedgerImport, parsed: ParsedFile, *, allow_differences: bool) -> LedgerImport:
    preview.sie_type = parsed.sie_type
    preview.company, preview.orgnr = parsed.company[:200], parsed.orgnr[:20]
    preview.fiscal_year_start, preview.fiscal_year_end = parsed.fiscal_year_start, parsed.fiscal_year_end
    preview.voucher_count = parsed.vouchers.height
    preview.transaction_count = parsed.transactions.height
    preview.reconciliation = _stored_reconciliation(parsed, allow_differences=allow_differences)
    preview.summary = parsed.summary
    try:
        old = _predecessor(parsed)
        _check_file(parsed, allow_differences=allow_differences)
    except Unchanged as unchanged:
        preview.status = S.DONE
        preview.message = _unchanged_message(unchanged.existing)
    except ValidationError as error:
        preview.status = S.FAILED
        preview.message = " ".join(error.messages)
    else:
        preview.status = S.DONE
        preview.replaces = old
        preview.message = " ".join(
            [
                str(_("Dry run: nothing was stored.")),
                _describe(preview, parsed),
            ]
        )
    return preview


@transaction.atomic
def start_import(
    *, by, data: bytes, file_name: str, dimension: str | None = None, allow_differences: bool = False
) -> LedgerImport:
    """Store an upload and queue its import in the background (`tasks.run_import`); return the queued import.

    The same file already imported returns the stored import unchanged (with `message` saying so).
    """
    require_perm(by, MANAGE)
    dimension = _dimension(dimension)
    data = bytes(data)
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    if len(data) > settings.LEDGER_UPLOAD_MAX_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": settings.LEDGER_UPLOAD_MAX_BYTES // 1_000_000}}
        )
    file_name = os.path.basename(file_name)[:255] or "huvudbok.se"
    sha = hashlib.sha256(data).hexdigest()
    existing = LedgerImport.objects.filter(status=S.DONE, sha256=sha, dimension=dimension).order_by("-id").first()
    if existing is not None:
        existing.message = _unchanged_message(existing)
        existing.unchanged = True
        return existing
    source = LedgerImport.Source.TABLE if table_import.is_table(data, file_name) else LedgerImport.Source.SIE
    ledger_import = LedgerImport.objects.create(
        source=source,
        status=S.QUEUED,
        file_name=file_name,
        sha256=sha,
        dimension=dimension,
        imported_by=by,
        created_at=timezone.now(),
        message=_("Waiting to be imported."),
    )
    ledger_import.stored_file.save(f"{ledger_import.pk}-{file_name}", ContentFile(data), save=True)
    audit.record(
        actor=by,
        verb="ledger_import.uploaded",
        target=ledger_import,
        changes={
            "file_name": file_name,
            "sha256": sha,
            "bytes": len(data),
            "dimension": dimension,
            "allow_differences": allow_differences,
        },
    )
    transaction.on_commit(partial(_enqueue, ledger_import.pk, allow_differences))
    return ledger_import


def _enqueue(import_id: int, allow_differences: bool) -> None:
    from django_q.tasks import async_task

    async_task(
        "intraprenad.economy.tasks.run_import",
        import_id,
        allow_differences=allow_differences,
        task_name=f"ledger-import-{import_id}",
        sync=bool(settings.Q_CLUSTER.get("sync", False)),
    )


def run_queued_import(*, import_id: int, allow_differences: bool = False) -> LedgerImport:
    """Background job: import a queued upload, reporting progress; a refusal or error marks it failed."""
    with transaction.atomic():
        ledger_import = LedgerImport.objects.select_for_update().get(pk=import_id)
        if ledger_import.status != S.QUEUED:
            return ledger_import
        ledger_import.status = S.RUNNING
        ledger_import.progress = 1
        ledger_import.message = _("Reading the file.")
        ledger_import.save(update_fields=["status", "progress", "message"])
    by = ledger_import.imported_by
    report = _Reporter(ledger_import.pk)
    try:
        with ledger_import.stored_file.open("rb") as stored:
            data = stored.read()
        parsed = _read(data, ledger_import.file_name, ledger_import.dimension, report.span(1, 50))
        report(52)
        with transaction.atomic():
            return _store(ledger_import, parsed, by=by, allow_differences=allow_differences, report=report)
    except Unchanged as unchanged:
        return _fail(ledger_import, _unchanged_message(unchanged.existing))
    except ValidationError as error:
        return _fail(ledger_import, " ".join(error.messages))
    except Exception:
        logger.exception("Ledger import %s failed", import_id)
        _fail(ledger_import, _("The import stopped because of an unexpected error; nothing was stored."))
        raise
    finally:
        report.close()


def _fail(ledger_import: LedgerImport, message: str) -> LedgerImport:
    with transaction.atomic():
        ledger_import = LedgerImport.objects.select_for_update().get(pk=ledger_import.pk)
        ledger_import.status = S.FAILED
        ledger_import.message = message
        ledger_import.finished_at = timezone.now()
        ledger_import.save(update_fields=["status", "message", "finished_at"])
        audit.record(
            actor=ledger_import.imported_by,
            verb="ledger_import.refused",
            target=ledger_import,
            changes={"file_name": ledger_import.file_name, "message": message},
        )
    return ledger_import
