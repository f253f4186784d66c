r"""SIE 1–4 (4E and 4I) ledger files, parsed into a `Ledger` (pure: no Django, no database).

`parse(data, file_name=..., dimension="1", progress=...)` takes the file's bytes, or its path (then
it is read in chunks and never held whole). It returns the whole file or raises `SieError` with the
line and what is wrong, in Swedish; never part of a file, never another exception for bad input.

Format decisions (what is accepted and what is refused):

Encoding. Files declare `#FORMAT PC8` (code page 437) but are not always CP437. A file that is
valid UTF-8 and not plain ASCII is read as UTF-8 (also when a few bytes are broken and nearly all
high bytes form UTF-8 sequences; the broken bytes become U+FFFD). Otherwise the bytes above 127
decide: if more of them are Swedish letters in Latin-1 (å = E5) than in CP437 (å = 86), the file is
Latin-1, or ISO-8859-15 if it uses one of the eight bytes where the two differ; else it is CP437,
so a CP437 file with one stray Latin-1 byte stays CP437. `#FORMAT` is not used to decide. A UTF-8
byte-order mark and trailing DOS end-of-file bytes (1A) are dropped; a NUL byte is refused.

Lines and fields. Lines end in LF or CRLF; empty lines are ignored. Fields are separated by runs
of spaces and tabs. A field with spaces is quoted; inside it `\"` is a quotation mark and any other
backslash is literal (`"1820\A022 Cykel"`; `\"` ending the line ends a field in a backslash). A
quotation mark ends a quoted field only when a separator, `}` or the end of the line follows, so
files whose writer turned "ö" into `"` still read (`"Fordringar hos leverant"r"`), and a quoted
field that never ends runs to the end of the line. In a bare field `\"` is a quotation mark.
Object lists are `{dim obj dim obj ...}`; `{}` and `{ }` are empty, dimension numbers may be quoted
or zero-padded, a dimension may appear once per list and an object may not be empty. Lists are
normalised to "1=Nord;6=P1" (dimensions in numeric order). Fields after the ones a record has are
ignored, as the format asks. Account numbers are any non-empty word (the format's own test files
have "DIFF").

Records. Any word starting with `#` is a label, compared in upper case. The first record must be
#FLAGGA. Records the format defines but this parser does not interpret (#ADRESS, #KTYP, #SRU,
#PROSA ...) are tokenized (a broken object list is refused); unknown labels are ignored entirely,
also inside a voucher. #SIETYP is 1–4 (missing means 1), and #VER is only allowed in type 4. Type 4
is reported as "4I" (an import file) when it has no balance records (#IB, #UB, #OIB, #OUB, #RES,
#PSALDO, #PBUDGET) and "4E" otherwise; the file name is not used, as an upload may lose it and a
4E file named .SI exists in the wild. #RAR may lack both dates (`#RAR 0` in import files), not one;
each year index appears once. #FLAGGA, #SIETYP, #FORMAT, #GEN, #PROGRAM, #FNAMN, #ORGNR and #VALUTA
appear once, #IB/#UB/#RES once per year and account. #PSALDO/#PBUDGET without an object list (BL
Administration writes #PBUDGET so, sometimes with account and period swapped) are read as having an
empty one. Amounts are kronor with a decimal point ("-128.00", "12", "1.5", "-0.5", "+5", ".5")
and become integer öre exactly; more than two decimals are refused unless they are zeros, and so is
a comma. Dates are ÅÅÅÅMMDD and must exist, periods ÅÅÅÅMM. Quantities must be numbers and are
otherwise ignored.

Vouchers. `#VER serie vernr verdatum [vertext [regdatum [sign]]]` is followed by a line `{`, its
rows and a line `}`. Series and number may be empty ("" "" in import files), 0 is a number like any
other. One writer (e-conomic) leaves out the `{` line: a #VER followed directly by #TRANS rows is
read as if the `{` were there, and its rows end at the next `}`. Only #TRANS rows count: #RTRANS (a
row added later, also written as the #TRANS after it) and #BTRANS (a removed row) are checked and
left out. A voucher whose rows do not sum to zero is not an error; it is listed in the
reconciliation, and the import decides.

#KSUMMA. A #KSUMMA record with no value starts the checksum and `#KSUMMA checksum` must be the last
record. The CRC-32 covers every record between them: label and field values without separators,
quotes or braces (escapes resolved), records simply concatenated; the `{` and `}` lines add nothing.
It is computed over the CP437 bytes as the format says, and also accepted over the file's own bytes
(a UTF-8 file has been seen with the CP437 checksum). Status: "absent", "verified" or "mismatch".

Reconciliation: see sie_reconcile.py.

How it is fast. The file is read in chunks of whole lines (CHUNK_BYTES), two chunks at a time on two
threads (polars works outside the GIL; a file with #KSUMMA is read in order). Each chunk becomes a
polars column of lines; lines are classified by their label, #TRANS and #VER lines are cut into
fields with column operations, and the parts that repeat (`#TRANS account {objects}`) are parsed
once per distinct value. Lines the fast path is not certain about (escaped quotes, stray quotes,
odd object lists, anything invalid) go through the careful tokenizer in sie_tokens.py, the same
one that reads every other record and writes every error message. Single-byte files are carried
through as Latin-1 "transport text" and turned into real characters only where text is kept
(sie_encoding.py). The rows' account, objects and text columns are categorical (4 bytes a row instead
of 16 for a string): use `.cast(pl.String)` before string operations on them.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from . import sie_fast as fast
from .sie_encoding import Checksum, scan
from .sie_reconcile import Reconciliation, month_number, month_text, reconcile
from .sie_tokens import (
    KNOWN_LABELS,
    SCHEMAS,
    FieldError,
    Objects,
    label_of,
    normalise_objects,
    object_of,
    read_record,
    tokenize,
)

__all__ = ["FiscalYear", "Ledger", "Reconciliation", "SieError", "parse"]


class SieError(ValueError):
    """A file that cannot be read: which file, which line (None if no line is to blame) and what is wrong."""

    def __init__(self, file_name: str, line: int | None, message: str) -> None:
        self.file_name = file_name
        self.line = line
        self.message = message
        where = ", ".join(part for part in (file_name, f"rad {line}" if line else "") if part)
        super().__init__(f"{where}: {message}" if where else message)


@dataclass(frozen=True)
class FiscalYear:
    index: int
    start: date | None
    end: date | None


_PERIOD_SCHEMA = {
    "year": pl.Int64,
    "period": pl.String,
    "account": pl.String,
    "object": pl.String,
    "objects": pl.String,
    "amount_ore": pl.Int64,
}
_OBJECT_BALANCE_SCHEMA = {
    "kind": pl.String,
    "year": pl.Int64,
    "account": pl.String,
    "object": pl.String,
    "objects": pl.String,
    "amount_ore": pl.Int64,
}


@dataclass
class Ledger:
    """Everything read from one SIE file. Amounts are integer öre with the ledger's own sign."""

    file_name: str
    encoding: str
    sie_type: str  # "1", "2", "3", "4E" or "4I"
    company: str
    orgnr: str
    program: str
    generated_on: date | None
    currency: str
    fiscal_years: list[FiscalYear]
    dimensions: dict[str, str]  # #DIM and #UNDERDIM: "1" -> "Kostnadsställe"
    objects: dict[tuple[str, str], str]  # ("1", "Nord") -> name
    accounts: dict[str, str]
    dimension: str  # the dimension whose object identifies a result unit
    vouchers: pl.DataFrame  # voucher, series, number, date, text, line
    # voucher, account, object, objects, amount_ore, date, text, line; the four text columns are categorical
    transactions: pl.DataFrame
    period_balances: pl.DataFrame  # #PSALDO: year, period, account, object, objects, amount_ore
    period_budgets: pl.DataFrame  # #PBUDGET, same columns
    balances: dict[str, dict[tuple[int, str], int]]  # "IB"/"UB"/"RES" -> {(year, account): öre}
    object_balances: pl.DataFrame  # #OIB/#OUB: kind, year, account, object, objects, amount_ore
    reconciliation: Reconciliation
    _unit_totals: dict[str, dict[str, dict[str, int]]] | None = field(default=None, repr=False)

    def unit_totals(self) -> dict[str, dict[str, dict[str, int]]]:
        """{object of `dimension` ("" = none): {voucher month "YYYY-MM": {first digit of account: öre}}}."""
        if self._unit_totals is None:
            # The voucher month of every row, looked up by voucher index (vouchers are numbered 0, 1, 2, ...).
            months = month_number(self.vouchers.get_column("date")).gather(self.transactions.get_column("voucher"))
            sums = (
                self.transactions.lazy()
                .select("object", "account", "amount_ore", month=months)
                .group_by("object", "month", "account")
                .agg(pl.col("amount_ore").sum())
                .select(
                    pl.col("object").cast(pl.String),
                    "month",
                    "amount_ore",
                    cls=pl.col("account").cast(pl.String).str.head(1),
                )
                .group_by("object", "month", "cls")
                .agg(pl.col("amount_ore").sum())
                .with_columns(month=month_text(pl.col("month")))
                .sort("object", "month", "cls")
                .collect()
            )
            totals: dict[str, dict[str, dict[str, int]]] = {}
            for obj, month, cls, ore in sums.iter_rows():
                totals.setdefault(obj, {}).setdefault(month, {})[cls] = ore
            self._unit_totals = totals
        return self._unit_totals

    def summary(self) -> dict:
        """The import summary (JSON-serialisable)."""
        return {
            "sie_type": self.sie_type,
            "fiscal_years": [
                {"index": y.index, "start": fast.iso(y.start), "end": fast.iso(y.end)} for y in self.fiscal_years
            ],
            "vouchers": self.vouchers.height,
            "transactions": self.transactions.height,
            "units": self.unit_totals(),
            "reconciliation": self.reconciliation.as_dict(),
            "company": self.company,
            "orgnr": self.orgnr,
            "encoding": self.encoding,
            "dimension": self.dimension,
        }


def parse(
    data: bytes | str | os.PathLike[str],
    *,
    file_name: str = "",
    dimension: str = "1",
    progress: Callable[[float], None] | None = None,
) -> Ledger:
    """Read an SIE file: its bytes as uploaded, or the path of a file (read in pieces, so the whole
    file is never held in memory). Raises SieError if it is not a valid SIE file."""
    with _Source(data) as source:
        return _Parser(source, file_name or source.name, str(dimension), progress).run()


class _Source:
    """The file's bytes, from memory or read from disk on demand (os.pread: safe from two threads)."""

    def __init__(self, data: bytes | str | os.PathLike[str]) -> None:
        self.fd: int | None = None
        if isinstance(data, (bytes, bytearray, memoryview)):
            self.data: bytes | None = bytes(data)
            self.size = len(self.data)
            self.name = ""
        else:
            self.data = None
            self.fd = os.open(data, os.O_RDONLY)
            self.size = os.fstat(self.fd).st_size
            self.name = os.path.basename(os.fspath(data))

    def read(self, start: int, end: int) -> bytes:
        if self.data is not None:
            return self.data[start:end]
        assert self.fd is not None
        return os.pread(self.fd, max(0, end - start), start)

    def __enter__(self) -> _Source:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)


_LABEL = re.compile(r"[ \t]*(#[^ \t]*)")
_SINGLE_HEADERS = ("#FLAGGA", "#SIETYP", "#FORMAT", "#GEN", "#PROGRAM", "#FNAMN", "#ORGNR", "#VALUTA")
_BALANCE_LABELS = ("#IB", "#UB", "#OIB", "#OUB", "#RES", "#PSALDO", "#PBUDGET")
CHUNK_BYTES = 2 << 20  # the file is read in pieces of about this size, cut at line ends


@dataclass
class Chunk:
    """What one chunk of the file gave (see _Parser.read_chunk)."""

    structure: pl.DataFrame  # line, kind: the lines that matter for the voucher structure
    vouchers: pl.DataFrame
    transactions: pl.DataFrame
    records: list[tuple[int, str]]  # (line, text) of the other records, if not read yet


class _Parser:
    def __init__(self, source: _Source, file_name: str, dimension: str, progress: Callable[[float], None] | None):
        self.source = source
        self.file_name = file_name
        self.dimension = dimension
        self.progress = progress
        self.errors: list[tuple[int, str]] = []  # (line, message): the earliest one is raised
        self.headers: dict[str, tuple[int, dict]] = {}
        self.years: dict[int, tuple[date | None, date | None]] = {}
        self.year_lines: dict[int, int] = {}
        self.dimensions: dict[str, str] = {}
        self.objects: dict[tuple[str, str], str] = {}
        self.accounts: dict[str, str] = {}
        self.balances: dict[str, dict[tuple[int, str], int]] = {"IB": {}, "UB": {}, "RES": {}}
        self.balance_lines: dict[tuple[str, int, str], int] = {}
        self.periods: dict[str, list[tuple]] = {"#PSALDO": [], "#PBUDGET": []}
        self.object_balances: list[tuple] = []
        self.ksumma: list[tuple[int, str | None]] = []
        self.labels_seen: set[str] = set()
        self.known_records: list[tuple[int, str]] = []  # (line, label) of the known records that are not rows
        self.kind_cache: dict[str, int | None] = {}
        self.lock = threading.Lock()

    # -- helpers ------------------------------------------------------------------------------------

    def error(self, line: int | None, message: str) -> SieError:
        return SieError(self.file_name, line, message)

    def note(self, line: int, message: str) -> None:
        self.errors.append((line, message))

    def report(self, fraction: float) -> None:
        if self.progress is not None:
            self.progress(fraction)

    def raise_first_error(self) -> None:
        if self.errors:
            line, message = min(self.errors)
            raise self.error(line, message)

    def line_text(self, line: int) -> str:
        """Line number `line` as transport text (for messages; reads its chunk again)."""
        for first, start, end in reversed(self.scan.chunks):
            if line >= first:
                lines = self.source.read(start, end).split(b"\n")
                raw = lines[line - first] if line - first < len(lines) else b""
                return self.decoded.transport(raw.removesuffix(b"\r"))
        return ""

    # -- the parse ----------------------------------------------------------------------------------

    def run(self) -> Ledger:
        self.report(0.0)
        self.scan = scan(self.source.read, self.source.size, CHUNK_BYTES)
        if self.scan.empty:
            raise self.error(None, "filen är tom")
        if self.scan.nul_line is not None:
            raise self.error(self.scan.nul_line, "raden innehåller ett NUL-tecken (filen är ingen textfil)")
        self.decoded = self.scan.decoded
        self.prefixes = fast.PrefixCache(self.dimension, self.decoded)
        self.checksum: Checksum | None = None  # started at the first #KSUMMA record
        chunks_total = len(self.scan.chunks)
        # Chunks are independent, so two threads read them (polars works outside the GIL). A file
        # with #KSUMMA is read in order instead: its checksum runs through the records in sequence.
        in_order = chunks_total < 2 or self.scan.has_checksum
        # Progress is reported from the calling thread only (a caller may write it to the database).
        if in_order:
            chunks = []
            for number, (first, start, end) in enumerate(self.scan.chunks):
                chunks.append(self.read_chunk(self.source.read(start, end), first, records_now=True))
                self.report(0.05 + 0.8 * (number + 1) / chunks_total)
        else:
            # The calling thread reads every other chunk and one worker the rest: the memory the calling thread
            # frees is used again for what comes after the chunks (memory freed by a thread mostly stays with it).
            with ThreadPoolExecutor(max_workers=1) as pool:
                read = lambda f, a, b: self.read_chunk(self.source.read(a, b), f, records_now=False)  # noqa: E731
                futures = {
                    number: pool.submit(read, *bounds)
                    for number, bounds in enumerate(self.scan.chunks)
                    if number % 2 == 1
                }
                chunks = []
                try:
                    for number, bounds in enumerate(self.scan.chunks):
                        chunks.append(futures[number].result() if number in futures else read(*bounds))
                        self.report(0.05 + 0.8 * (number + 1) / chunks_total)
                except BaseException:
                    for future in futures.values():  # a failure (or a cancelled import) stops the worker too
                        future.cancel()
                    raise
        voucher_count = 0
        for chunk in chunks:
            for line, text in chunk.records:
                self.read_other_record(line, text)
            chunk.vouchers = chunk.vouchers.with_columns(pl.col("voucher") + voucher_count)
            chunk.transactions = chunk.transactions.with_columns(pl.col("voucher") + voucher_count)
            voucher_count += chunk.vouchers.height
        if self.ksumma and self.checksum is None:
            self.checksum = Checksum(self.decoded)  # a #KSUMMA the quick test did not see: checksum it now
            for first, start, end in self.scan.chunks:
                self.add_to_checksum(self.chunk_text(start, end), first)
        structure = pl.concat([chunk.structure for chunk in chunks])
        vouchers = pl.concat([chunk.vouchers for chunk in chunks], rechunk=False)
        transactions = pl.concat([chunk.transactions for chunk in chunks], rechunk=False)
        transactions = transactions.with_columns(transactions.get_column("voucher").set_sorted())
        del chunks
        self.check_structure(structure, self.scan.line_count)
        self.check_records(structure, vouchers)
        self.raise_first_error()
        ledger = self.build(vouchers, transactions)
        if self.checksum is not None:
            value = self.ksumma[-1][1]
            ledger.reconciliation.ksumma = "verified" if self.checksum.matches(int(value or 0)) else "mismatch"
        self.report(1.0)
        return ledger

    def chunk_text(self, start: int, end: int) -> pl.Series:
        chunk = self.source.read(start, end)
        lines = fast.read_lines(self.decoded.transcode(chunk))
        return lines.str.strip_chars_end("\r") if b"\r" in chunk else lines

    def read_chunk(self, chunk: bytes, first_line: int, *, records_now: bool) -> Chunk:
        """Parse the whole lines in `chunk`, whose first line is number `first_line`.

        Voucher indexes start at 0 in every chunk (the caller adds the vouchers before it); rows
        before the chunk's first #VER belong to voucher -1, the last one of the chunk before.
        Records that are not vouchers are read now, or returned to be read in file order."""
        lines = fast.read_lines(self.decoded.transcode(chunk))
        if b"\r" in chunk and chunk.count(b"\r") != chunk.count(b"\r\n"):
            lines = lines.str.strip_chars_end("\r")  # a CR that ends no line
        with self.lock:
            known = dict(self.kind_cache)
        kinds, stripped = fast.classify(lines, known)
        with self.lock:
            self.kind_cache.update(known)
        is_ver = kinds == fast.VER
        positions = (kinds == fast.OTHER).arg_true()
        records = list(zip((positions + first_line).to_list(), lines.gather(positions).to_list(), strict=True))
        if records_now:
            for line, text in records:
                self.read_other_record(line, text)
            records = []
        vouchers = self.read_vouchers(lines, stripped, is_ver.arg_true(), first_line)
        rows = kinds == fast.TRANS
        voucher = (is_ver.cast(pl.Int64).cum_sum() - 1).filter(rows)
        transactions = self.read_transactions(lines, stripped, rows.arg_true(), voucher, first_line)
        del stripped
        for row in kinds.is_in(RTRANS_KINDS).arg_true().to_list():
            self.careful(lines[row] or "", first_line + row, None)  # checked, not kept
        if records_now and self.ksumma:
            self.add_to_checksum(lines, first_line)
        # For the structure only lines that are not blank count, and of a run of #TRANS only the first.
        structure = (
            pl.DataFrame({"kind": kinds})
            .with_row_index("line", offset=first_line)
            .filter(pl.col("kind") != fast.BLANK)
            .filter((pl.col("kind") != fast.TRANS) | (pl.col("kind").shift(1) != fast.TRANS).fill_null(True))
        )
        return Chunk(structure, vouchers, transactions, records)

    # -- the records that are not vouchers ----------------------------------------------------------

    def read_other_record(self, number: int, line: str) -> None:
        """A line that is neither a voucher, a row nor a brace: a header, balance or other record."""
        match = _LABEL.match(line)
        if match is None:
            shown = line.strip(" \t")[:40]
            self.note(number, f'raden börjar inte med en etikett (#...) utan med "{self.decoded.text(shown)}"')
            return
        label = match.group(1).upper()
        if label not in KNOWN_LABELS:
            return  # unknown records are ignored, as the format asks
        self.known_records.append((number, label))
        try:
            tokens = tokenize(line)
            if label in SCHEMAS:
                self.record(number, label, read_record(label, tokens[1:]))
        except FieldError as problem:
            self.note(number, self.decoded.text(str(problem)))

    def record(self, line: int, label: str, values: dict) -> None:
        """Keep what a header or balance record says."""
        self.labels_seen.add(label)
        text = self.decoded.text
        if label in _SINGLE_HEADERS:
            if label in self.headers:
                self.note(line, f"{label} förekommer redan på rad {self.headers[label][0]}")
                return
            self.headers[label] = (line, values)
            if label == "#SIETYP" and values["type"] not in (1, 2, 3, 4):
                self.note(line, f"SIE-typ {values['type']} finns inte (typerna är 1, 2, 3 och 4)")
        elif label == "#KSUMMA":
            self.ksumma.append((line, values["checksum"] or None))
        elif label == "#RAR":
            self.fiscal_year(line, values)
        elif label in ("#DIM", "#UNDERDIM"):
            self.dimensions[values["dimension"]] = text(values["name"] or "")
        elif label == "#OBJEKT":
            self.objects[(values["dimension"], text(values["object"]))] = text(values["name"] or "")
        elif label == "#KONTO":
            self.accounts[text(values["account"])] = text(values["name"] or "")
        elif label in ("#IB", "#UB", "#RES"):
            kind, key = label[1:], (values["year"], text(values["account"]))
            earlier = self.balance_lines.get((kind, *key))
            if earlier is not None:
                self.note(line, f"{label} för år {key[0]} och konto {key[1]} förekommer redan på rad {earlier}")
                return
            self.balance_lines[(kind, *key)] = line
            self.balances[kind][key] = values["amount"]
        elif label in ("#OIB", "#OUB"):
            pairs = self.text_pairs(values["objects"])
            self.object_balances.append(
                (
                    label[1:],
                    values["year"],
                    text(values["account"]),
                    object_of(pairs, self.dimension),
                    normalise_objects(pairs),
                    values["amount"],
                )
            )
        elif label in self.periods:
            pairs = self.text_pairs(values["objects"])
            self.periods[label].append(
                (
                    values["year"],
                    values["period"],
                    text(values["account"]),
                    object_of(pairs, self.dimension),
                    normalise_objects(pairs),
                    values["amount"],
                )
            )

    def text_pairs(self, pairs: Objects) -> Objects:
        return tuple((d, self.decoded.text(o)) for d, o in pairs)

    def fiscal_year(self, line: int, values: dict) -> None:
        index, start, end = values["year"], values["start"], values["end"]
        if index in self.years:
            self.note(line, f"#RAR för år {index} förekommer redan på rad {self.year_lines[index]}")
        elif (start is None) != (end is None):
            self.note(line, f"#RAR {index} har bara ett av start- och slutdatum")
        elif start is not None and end is not None and start > end:
            self.note(line, f"#RAR {index}: startdatumet {start:%Y%m%d} är efter slutdatumet {end:%Y%m%d}")
        else:
            self.years[index] = (start, end)
            self.year_lines[index] = line

    # -- vouchers and their rows --------------------------------------------------------------------

    def read_vouchers(
        self, lines: pl.Series, stripped: pl.Series, positions: pl.Series, first_line: int
    ) -> pl.DataFrame:
        frame = fast.fast_ver(stripped.gather(positions), self.decoded)
        frame = frame.with_columns(line=pl.Series(positions, dtype=pl.Int64) + first_line)
        slow = frame.get_column("ok").not_().arg_true()
        if slow.len():
            values: dict[str, list] = {"series": [], "number": [], "date": [], "text": []}
            for index in slow.to_list():
                row = int(positions[index])
                record = self.careful(lines[row] or "", first_line + row, "#VER") or dict.fromkeys(values)
                for name in values:
                    value = record[name]
                    values[name].append(value if name == "date" else self.decoded.text(value or ""))
            frame = _scatter(frame, slow, values)
        return frame.select(
            pl.int_range(pl.len(), dtype=pl.Int64).alias("voucher"),
            "series",
            "number",
            "date",
            "text",
            "line",
        )

    def read_transactions(
        self, lines: pl.Series, stripped: pl.Series, positions: pl.Series, voucher: pl.Series, first_line: int
    ) -> pl.DataFrame:
        frame = fast.fast_trans(stripped.gather(positions), self.prefixes)
        frame = frame.with_columns(voucher=voucher, line=pl.Series(positions, dtype=pl.Int64) + first_line)
        slow = frame.get_column("ok").not_().arg_true()
        if slow.len():
            rows: dict[str, list] = {
                name: [] for name in ("account", "object", "objects", "amount_ore", "date", "text")
            }
            for index in slow.to_list():
                row = int(positions[index])
                values = self.careful(lines[row] or "", first_line + row, "#TRANS")
                if values is None:
                    for column in rows.values():
                        column.append(None)
                    continue
                pairs = self.text_pairs(values["objects"])
                rows["account"].append(self.decoded.text(values["account"]))
                rows["object"].append(object_of(pairs, self.dimension))
                rows["objects"].append(normalise_objects(pairs))
                rows["amount_ore"].append(values["amount"])
                rows["date"].append(values["date"])
                rows["text"].append(self.decoded.text(values["text"] or ""))
            frame = _scatter(frame, slow, rows)
        return frame.select("voucher", "account", "object", "objects", "amount_ore", "date", "text", "line")

    def careful(self, text: str, line: int, expected: str | None) -> dict | None:
        """Read one record with the tokenizer; note the problem and return None if it is invalid."""
        try:
            tokens = tokenize(text)
            label = label_of(tokens, text)
            if expected is not None and label != expected:
                raise FieldError(f"{label} i stället för {expected}")
            return read_record(label, tokens[1:])
        except FieldError as problem:
            self.note(line, self.decoded.text(str(problem)))
            return None

    # -- whole-file rules ---------------------------------------------------------------------------

    def check_structure(self, structure: pl.DataFrame, line_count: int) -> None:
        """Vouchers are `#VER`, `{`, rows, `}`; note the first place where that does not hold.

        `structure` has the line number and kind of the lines that matter (see read_chunk)."""
        frame = structure.with_columns(previous=pl.col("kind").shift(1), next=pl.col("kind").shift(-1))
        is_ver = pl.col("kind") == fast.VER
        implicit = (is_ver & pl.col("next").is_in(fast.ROW_KINDS)).fill_null(False)
        opens = (pl.col("kind") == fast.OPEN) | implicit
        closes = pl.col("kind") == fast.CLOSE
        frame = frame.with_columns(
            depth=opens.cast(pl.Int32).cum_sum() - closes.cast(pl.Int32).cum_sum(),
            ver_line=pl.when(is_ver).then(pl.col("line")).forward_fill(),
            bad_ver=is_ver & (pl.col("next") != fast.OPEN).fill_null(True) & ~implicit,
        )
        frame = frame.with_columns(before=pl.col("depth") - opens.cast(pl.Int32) + closes.cast(pl.Int32))
        checks = [
            (is_ver & (pl.col("before") >= 1), "unclosed"),
            (pl.col("bad_ver"), "no_open"),
            ((pl.col("kind") == fast.OPEN) & (pl.col("previous") != fast.VER).fill_null(True), "stray_open"),
            (closes & (pl.col("before") <= 0), "stray_close"),
            (pl.col("kind").is_in(fast.ROW_KINDS) & (pl.col("depth") <= 0), "outside"),
        ]
        flagged = frame.select(*[pl.when(mask).then(pl.col("line")).min().alias(name) for mask, name in checks])
        for name, line in flagged.row(0, named=True).items():
            if line is not None:
                message = self.structure_message(name, line, frame)
                if name == "unclosed":  # blame the voucher that is not closed
                    line = frame.filter(pl.col("line") < line).get_column("ver_line")[-1] or line
                self.note(line, message)
        self.last_line = int(frame.get_column("line")[-1]) if frame.height else 0
        if frame.height and frame.get_column("depth")[-1] >= 1 and frame.get_column("ver_line")[-1] is not None:
            start = frame.get_column("ver_line")[-1]
            name = self.voucher_name(start)
            self.note(line_count, f"filen slutar mitt i verifikation {name} som började på rad {start}")
        if self.known_records:
            lines = pl.Series([line for line, _label in self.known_records], dtype=pl.UInt32)
            inside = frame.filter(pl.col("line").is_in(lines.implode()) & (pl.col("depth") >= 1)).get_column("line")
            if inside.len():
                line = int(inside.min())  # type: ignore[arg-type]
                label = dict(self.known_records)[line]
                self.note(line, f"{label} får inte stå inuti en verifikation")

    def structure_message(self, name: str, line: int, frame: pl.DataFrame) -> str:
        if name == "unclosed":
            start = frame.filter(pl.col("line") < line).get_column("ver_line")[-1]
            name = self.voucher_name(start)
            return f"verifikation {name} som började på rad {start} saknar avslutande }} före nästa #VER"
        if name == "no_open":
            return f"efter #VER {self.voucher_name(line)} ska en rad med {{ följa"
        if name == "stray_open":
            return "{ utan föregående #VER"
        if name == "stray_close":
            return "} utan öppnande {"
        return f"{self.label_at(line)} står utanför en verifikation (saknas #VER och {{?)"

    def label_at(self, line: int) -> str:
        match = _LABEL.match(self.line_text(line))
        return match.group(1).upper() if match else "raden"

    def voucher_name(self, line: int | None) -> str:
        """`series number` of the #VER on `line`, for messages."""
        if line is None:
            return "(utan #VER)"
        try:
            tokens = tokenize(self.line_text(line))
        except FieldError:
            return "(oläslig)"
        name = " ".join(t if isinstance(t, str) and t else '""' for t in tokens[1:3])
        return self.decoded.text(name) or "(utan nummer)"

    def check_records(self, structure: pl.DataFrame, vouchers: pl.DataFrame) -> None:
        if structure.height:
            first = int(structure.get_column("line")[0])
            if self.label_at(first) != "#FLAGGA":
                self.note(first, "filen börjar inte med en SIE-post (#FLAGGA)")
        sie_type = self.headers.get("#SIETYP", (0, {"type": 1}))[1]["type"]
        if vouchers.height and sie_type != 4:
            self.note(
                int(vouchers.get_column("line")[0]), f"#VER får bara förekomma i SIE typ 4, filen är typ {sie_type}"
            )
        if self.ksumma:
            self.check_checksum_records()

    def check_checksum_records(self) -> None:
        (start_line, start_value), (end_line, end_value) = self.ksumma[0], self.ksumma[-1]
        if len(self.ksumma) == 1:
            self.note(start_line, "#KSUMMA ska finnas två gånger: först utan och sist med kontrollsumma")
        elif len(self.ksumma) > 2:
            self.note(self.ksumma[1][0], "#KSUMMA förekommer fler än två gånger")
        elif start_value is not None:
            self.note(start_line, "den första #KSUMMA ska inte ha någon kontrollsumma")
        elif end_value is None or not end_value.isdigit() or int(end_value) >= 2**32:
            self.note(end_line, f'kontrollsumman "{end_value or ""}" i #KSUMMA är inte ett tal mellan 0 och 4294967295')
        elif end_line != self.last_line:
            self.note(end_line, "#KSUMMA med kontrollsumma ska vara filens sista post")

    def add_to_checksum(self, lines: pl.Series, first_line: int) -> None:
        """Add the lines of this chunk after the first #KSUMMA record (other than #KSUMMA records) to the checksum."""
        if self.checksum is None:
            self.checksum = Checksum(self.decoded)
        start = self.ksumma[0][0]
        skip = {line - first_line for line, _value in self.ksumma}
        offset = max(0, start + 1 - first_line)
        covered = lines.slice(offset)
        if any(offset <= row < lines.len() for row in skip):
            keep = pl.Series([row + offset not in skip for row in range(covered.len())])
            covered = covered.filter(keep)
        self.checksum.add(fast.checksum_content(covered, self.checksum_text))

    @staticmethod
    def checksum_text(line: str) -> str:
        stripped = line.strip(" \t")
        if stripped in ("", "{", "}"):
            return ""
        try:
            return "".join(token if isinstance(token, str) else "".join(token) for token in tokenize(line))
        except FieldError:
            return line  # the record itself is refused elsewhere

    # -- the result ---------------------------------------------------------------------------------

    def build(self, vouchers: pl.DataFrame, transactions: pl.DataFrame) -> Ledger:
        header = {label: values for label, (_line, values) in self.headers.items()}
        text = self.decoded.text
        sie_type = str(header.get("#SIETYP", {"type": 1})["type"])
        if sie_type == "4":
            sie_type = "4E" if self.labels_seen.intersection(_BALANCE_LABELS) else "4I"
        periods = {
            label: pl.DataFrame(rows, schema=_PERIOD_SCHEMA, orient="row") for label, rows in self.periods.items()
        }
        balances = {kind: dict(values) for kind, values in self.balances.items()}
        reconciliation = reconcile(
            vouchers=vouchers,
            transactions=transactions,
            years=self.years,
            balances=balances,
            period_balances=periods["#PSALDO"],
        )
        program = header.get("#PROGRAM", {})
        return Ledger(
            file_name=self.file_name,
            encoding=self.decoded.encoding,
            sie_type=sie_type,
            company=text(header.get("#FNAMN", {}).get("name") or ""),
            orgnr=text(header.get("#ORGNR", {}).get("orgnr") or ""),
            program=text(" ".join(part for part in (program.get("name"), program.get("version")) if part)),
            generated_on=header.get("#GEN", {}).get("date"),
            currency=text(header.get("#VALUTA", {}).get("currency") or "SEK"),
            fiscal_years=[FiscalYear(index, *dates) for index, dates in sorted(self.years.items(), reverse=True)],
            dimensions=self.dimensions,
            objects=self.objects,
            accounts=self.accounts,
            dimension=self.dimension,
            vouchers=vouchers,
            transactions=transactions,
            period_balances=periods["#PSALDO"],
            period_budgets=periods["#PBUDGET"],
            balances=balances,
            object_balances=pl.DataFrame(self.object_balances, schema=_OBJECT_BALANCE_SCHEMA, orient="row"),
            reconciliation=reconciliation,
        )


RTRANS_KINDS = (fast.RTRANS, fast.BTRANS)


def _scatter(frame: pl.DataFrame, positions: pl.Series, values: dict[str, list]) -> pl.DataFrame:
    """`frame` with the rows at `positions` replaced by `values` (column name -> one value per position)."""
    return frame.with_columns(
        frame.get_column(name).scatter(positions, pl.Series(name, column, dtype=frame.schema[name]))
        for name, column in values.items()
    )
