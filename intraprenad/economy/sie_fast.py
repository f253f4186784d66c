"""The vectorised paths of the SIE parser (pure; see sie.py for the format decisions).

Each chunk of the file is read as a polars column of lines. Lines are classified by their first
characters, parsed distinct value by distinct value where the values repeat (the `#TRANS account
{objects}` prefix; parsed parts are kept for the next chunk) and with column operations where they
do not (amounts, dates, texts). Every line the fast path is not certain about (escaped quotes, odd
spacing, unusual object lists, anything invalid) is marked `ok = False` and goes through the careful
tokenizer in sie_tokens.py instead, which also writes the error message: the fast path never
rejects a line on its own.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import date

import polars as pl

from .sie_encoding import Decoded
from .sie_tokens import normalise_objects, object_of

# Kinds of line.
BLANK, OTHER, VER, OPEN, CLOSE, TRANS, RTRANS, BTRANS = range(8)
ROW_KINDS = (TRANS, RTRANS, BTRANS)
_LABEL_KINDS = {"#VER": VER, "#TRANS": TRANS, "#RTRANS": RTRANS, "#BTRANS": BTRANS}
_HEAD = 9  # characters looked at to classify a line, from where its first word starts


def read_lines(utf8: bytes) -> pl.Series:
    """One string per line (line n is row n-1), None for an empty line; "\\r\\n" counts as "\\n"."""
    try:
        frame = pl.read_csv(
            utf8,
            has_header=False,
            separator="\x00",
            quote_char=None,
            schema={"line": pl.String},
            infer_schema=False,
            raise_if_empty=False,
        )
        lines = frame.get_column("line")
    except pl.exceptions.PolarsError:
        lines = None
    expected = utf8.count(b"\n") + (0 if utf8.endswith(b"\n") else 1)
    if lines is None or lines.len() != expected:
        # The CSV reader is only a fast line splitter; if it ever disagrees, split in Python.
        text = utf8.decode("utf-8")
        parts = text.split("\n")
        if text.endswith("\n"):
            parts.pop()
        lines = pl.Series("line", [part.removesuffix("\r") or None for part in parts], dtype=pl.String)
    return lines


def classify(lines: pl.Series, cache: dict[str, int | None]) -> tuple[pl.Series, pl.Series]:
    """The kind of every line (Int8) and the lines without leading spaces and tabs.

    The kind is decided from the first few characters from where the label starts, distinct value
    by distinct value; they repeat a lot, and `cache` keeps the decisions for the next chunk."""
    stripped = lines.str.strip_chars_start(" \t")
    head = stripped.str.head(_HEAD)
    for value in head.unique().drop_nulls().to_list():
        if value not in cache:
            cache[value] = _classify_head(value)
    codes = {value: -1 if code is None else code for value, code in cache.items()}
    kinds = head.replace_strict(list(codes), list(codes.values()), return_dtype=pl.Int8, default=-1).fill_null(BLANK)
    undecided = kinds == -1
    if undecided.any():
        positions = undecided.arg_true()
        resolved = [_classify_line(line) for line in lines.gather(positions).to_list()]
        kinds = kinds.scatter(positions, pl.Series(resolved, dtype=pl.Int8))
    return kinds, stripped


_WORD = re.compile(r"[^ \t\r]*")
_WS = " \t\r"


def _classify_head(head: str) -> int | None:
    """The kind of a line from the first characters of its first word, or None if they do not tell."""
    whole = len(head) < _HEAD
    word = _WORD.match(head).group(0)  # type: ignore[union-attr]
    if not whole and len(word) == len(head):
        # The first word may go on beyond the head.
        if word in ("{", "}") or any(
            label.startswith(word.upper()) or word.upper().startswith(label) for label in _LABEL_KINDS
        ):
            return None
        return OTHER
    if word == "":
        return BLANK if not head.strip(_WS) else OTHER  # a line of only spaces and a CR
    if word in ("{", "}"):
        if head.rstrip(_WS) != word:
            return OTHER
        if not whole:
            return None
        return OPEN if word == "{" else CLOSE
    return _LABEL_KINDS.get(word.upper(), OTHER)


def _classify_line(line: str | None) -> int:
    stripped = (line or "").strip(_WS)
    if not stripped:
        return BLANK
    if stripped in ("{", "}"):
        return OPEN if stripped == "{" else CLOSE
    return _LABEL_KINDS.get(_WORD.match(stripped).group(0).upper(), OTHER)  # type: ignore[union-attr]


# --- #TRANS ---------------------------------------------------------------------------------------

_Q = r'"[^"\\]*"'  # a quoted field without escapes
_B = r'[^ \t"{}\\]+'  # a bare field without quotes, braces or backslashes
_HEAD_RE = re.compile(rf"[ \t]*(#[A-Za-z]+)[ \t]+({_Q}|{_B})[ \t]+")
_DIM = r'(?:"\d+"|\d+)'
_OBJECTS_RE = re.compile(rf"[ \t]*(?:{_DIM}[ \t]+(?:{_Q}|{_B})(?:[ \t]+{_DIM}[ \t]+(?:{_Q}|{_B}))*)?[ \t]*")
_AMOUNT_RE = r"^-?\d{1,13}(?:\.\d{1,2})?$"
# What may follow the amount: [transdat [transtext [kvantitet [sign]]]], every field well formed.
_REST_RE = (
    rf'^[ \t]*$|^[ \t]+(?:"\d{{8}}"|\d{{8}}|"")(?:[ \t]+(?:{_Q}|{_B})(?:[ \t]+(?:-?\d+(?:\.\d+)?|"")'
    rf"(?:[ \t]+(?:{_Q}|{_B}))?)?)?[ \t]*$"
)


def parse_trans_head(head: str, label: str = "#TRANS") -> str | None:
    """The account of `ws #TRANS ws account ws` (the part before the object list), or None."""
    match = _HEAD_RE.fullmatch(head)
    if match is None or match.group(1).upper() != label:
        return None
    return match.group(2).strip('"') or None


_PAIR = re.compile(r'[ \t]*(?:"(\d+)"|(\d+))[ \t]+(?:"([^"\\]*)"|([^ \t"{}\\]+))')


_ONE_PAIR = re.compile(_PAIR.pattern + r"[ \t]*")


def parse_trans_objects(objects: str, dimension: str) -> tuple[str, str] | None:
    """(object of `dimension`, normalised objects) of the inside of a plain object list, or None."""
    one = _ONE_PAIR.fullmatch(objects)
    if one is not None:
        dim, quoted_dim, quoted, bare = one.groups()
        dim = str(int(dim or quoted_dim))
        obj = quoted if quoted is not None else bare
        if not obj:
            return None
        return (obj if dim == dimension else ""), f"{dim}={obj}"
    if _OBJECTS_RE.fullmatch(objects) is None:
        return None
    pairs: list[tuple[str, str]] = []
    for match in _PAIR.finditer(objects):
        dim, quoted_dim, quoted, bare = match.groups()
        dim = str(int(dim or quoted_dim))
        obj = quoted if quoted is not None else bare
        if not obj or any(d == dim for d, _o in pairs):
            return None  # the tokenizer says what is wrong
        pairs.append((dim, obj))
    return object_of(tuple(pairs), dimension), normalise_objects(tuple(pairs))


class PrefixCache:
    """What the distinct `#TRANS account` and `{objects}` parts of a file parse to, kept from chunk to chunk."""

    def __init__(self, dimension: str, decoded: Decoded) -> None:
        self.dimension = dimension
        self.decoded = decoded
        self.lock = threading.Lock()  # chunks are read by two threads
        # The parsed parts are categorical: the rows take them by a join, 4 bytes a row instead of 16.
        self.head_table = pl.DataFrame(schema={"head": pl.String, "account": pl.Categorical()})
        self.inside_table = pl.DataFrame(
            schema={"inside": pl.String, "object": pl.Categorical(), "objects": pl.Categorical()}
        )

    def table(self, prefixes: pl.Series) -> pl.DataFrame:
        """account, object and objects of each of the distinct `prefixes` (None where invalid).

        Heads and object lists repeat across chunks: only the ones not seen before are parsed."""
        halves = pl.col("prefix").str.splitn("{", 2)
        frame = pl.DataFrame({"prefix": prefixes}).with_columns(
            head=halves.struct.field("field_0"), inside=halves.struct.field("field_1")
        )
        with self.lock:
            heads = frame.get_column("head").unique()
            new_heads = heads.filter(~heads.is_in(self.head_table.get_column("head").implode())).to_list()
            if new_heads:
                parsed = [parse_trans_head(head) for head in new_heads]
                accounts = [self.decoded.text(a) if a else None for a in parsed]
                table = pl.DataFrame({"head": new_heads, "account": accounts}, schema=self.head_table.schema)
                self.head_table = pl.concat([self.head_table, table])
            insides = frame.get_column("inside").unique().drop_nulls()
            new_insides = insides.filter(~insides.is_in(self.inside_table.get_column("inside").implode()))
            if new_insides.len():
                parsed_insides = self._parse_insides(new_insides)
                table = pl.DataFrame(
                    {
                        "inside": list(parsed_insides),
                        "object": [p[0] if p else None for p in parsed_insides.values()],
                        "objects": [p[1] if p else None for p in parsed_insides.values()],
                    },
                    schema=self.inside_table.schema,
                )
                self.inside_table = pl.concat([self.inside_table, table])
            heads_known, insides_known = self.head_table, self.inside_table
        valid = pl.col("account").is_not_null() & pl.col("objects").is_not_null()
        return (
            frame.lazy()
            .join(heads_known.lazy(), on="head", how="left", validate="m:1")
            .join(insides_known.lazy(), on="inside", how="left", validate="m:1")
            .select(
                "prefix",
                account=pl.when(valid).then(pl.col("account")),
                object=pl.when(valid).then(pl.col("object")),
                objects=pl.when(valid).then(pl.col("objects")),
            )
            .collect()
        )

    def _parse_insides(self, insides: pl.Series) -> dict[str, tuple[str, str] | None]:
        """Object lists with one or two plain pairs are parsed as a column; the rest one by one."""
        groups = insides.str.extract_groups(_ONE_OR_TWO_PAIRS)
        frame = pl.DataFrame({"inside": insides}).with_columns(
            d1=pl.coalesce(groups.struct.field("d1"), groups.struct.field("qd1")).cast(pl.Int64, strict=False),
            o1=pl.coalesce(groups.struct.field("qo1"), groups.struct.field("o1")),
            d2=pl.coalesce(groups.struct.field("d2"), groups.struct.field("qd2")).cast(pl.Int64, strict=False),
            o2=pl.coalesce(groups.struct.field("qo2"), groups.struct.field("o2")),
            blank=pl.col("inside").str.strip_chars(" \t") == "",
        )
        two = pl.col("d2").is_not_null()
        simple = pl.col("blank") | (
            pl.col("d1").is_not_null()
            & (pl.col("o1") != "")
            & (~two | ((pl.col("o2") != "") & (pl.col("d2") > pl.col("d1"))))
        ).fill_null(False)
        first = pl.col("d1").cast(pl.String) + "=" + pl.col("o1")
        second = pl.col("d2").cast(pl.String) + "=" + pl.col("o2")
        wanted = int(self.dimension) if self.dimension.isdigit() else -1
        frame = frame.select(
            "inside",
            simple=simple,
            object=pl.when(pl.col("blank"))
            .then(pl.lit(""))
            .when(pl.col("d1") == wanted)
            .then(pl.col("o1"))
            .when(pl.col("d2") == wanted)
            .then(pl.col("o2"))
            .otherwise(pl.lit("")),
            objects=pl.when(pl.col("blank")).then(pl.lit("")).when(two).then(first + ";" + second).otherwise(first),
        )
        result: dict[str, tuple[str, str] | None] = {}
        for inside, is_simple, obj, objs in frame.iter_rows():
            if is_simple:
                result[inside] = (self.decoded.text(obj), self.decoded.text(objs))
            else:
                parsed = parse_trans_objects(inside, self.dimension)
                result[inside] = (self.decoded.text(parsed[0]), self.decoded.text(parsed[1])) if parsed else None
        return result


_QDIM = r'(?:"(?P<qd{n}>\d+)"|(?P<d{n}>\d+))'
_OBJ = r'(?:"(?P<qo{n}>[^"\\]*)"|(?P<o{n}>[^ \t"{{}}\\]+))'
_ONE_OR_TWO_PAIRS = (
    rf"^[ \t]*(?:{_QDIM.format(n=1)}[ \t]+{_OBJ.format(n=1)}"
    rf"(?:[ \t]+{_QDIM.format(n=2)}[ \t]+{_OBJ.format(n=2)})?)?[ \t]*$"
)


def fast_trans(lines: pl.Series, cache: PrefixCache) -> pl.DataFrame:
    """Parse #TRANS lines: account, object, objects, amount_ore, date, text and ok (False = use the tokenizer)."""
    split = pl.col("line").str.splitn("}", 2)
    frame = (
        pl.DataFrame({"line": lines})
        .lazy()
        .select(prefix=split.struct.field("field_0"), tail=split.struct.field("field_1").str.strip_chars_start(" \t"))
        .collect()
    )
    table = cache.table(frame.get_column("prefix").unique().drop_nulls())
    # ` amount [rest]`: the amount ends at the first separator. Offsets are bytes, slices characters;
    # they agree because everything before the offset is ASCII whenever the amount is valid.
    end = pl.col("tail").str.find(r"[ \t]")
    amount = pl.when(end.is_null()).then(pl.col("tail")).otherwise(pl.col("tail").str.slice(0, end))
    valid_amount = pl.when(amount.str.contains(_AMOUNT_RE)).then(amount)
    frame = (
        frame.lazy()
        .join(table.lazy(), on="prefix", how="left", maintain_order="left", validate="m:1")
        .select(
            "account",
            "object",
            "objects",
            amount_ore=valid_amount.str.to_decimal(scale=2).to_physical().cast(pl.Int64),
            rest=pl.when(end.is_not_null()).then(pl.col("tail").str.slice(end)),
        )
        .collect()
    )
    date, text, rest_ok = _trans_rest(frame.get_column("rest"), cache.decoded)
    return frame.select(
        "account",
        "object",
        "objects",
        "amount_ore",
        date=date,
        text=text,
        ok=pl.col("account").is_not_null() & pl.col("amount_ore").is_not_null() & rest_ok,
    )


def _trans_rest(rest: pl.Series, decoded: Decoded) -> tuple[pl.Series, pl.Series, pl.Series]:
    """date, text and whether it is plain, of what follows the amount (only rows with something there are parsed)."""
    count = rest.len()
    dates = pl.repeat(None, count, dtype=pl.Date, eager=True).alias("date")
    texts = pl.repeat("", count, dtype=pl.String, eager=True).cast(pl.Categorical).alias("text")
    oks = pl.repeat(True, count, dtype=pl.Boolean, eager=True).alias("rest_ok")
    positions = rest.is_not_null().arg_true()
    if not positions.len():
        return dates, texts, oks
    # The date field is `""`, `"ÅÅÅÅMMDD"` or `ÅÅÅÅMMDD` (ASCII, so characters = bytes).
    stripped = pl.col("rest").str.strip_chars(" \t")
    width = pl.when(stripped.str.starts_with('""')).then(2).when(stripped.str.starts_with('"')).then(10).otherwise(8)
    after = pl.col("after")
    quoted_text = after.str.splitn('"', 3).struct.field("field_1")
    bare_text = after.str.replace_all("\t", " ", literal=True).str.splitn(" ", 2).struct.field("field_0")
    sub = (
        pl.DataFrame({"rest": rest.gather(positions)})
        .lazy()
        .select(
            shape_ok=pl.col("rest").str.contains(_REST_RE),
            date_field=stripped.str.slice(0, width).str.strip_chars('"'),
            after=stripped.str.slice(width).str.strip_chars_start(" \t"),
        )
        .select(
            date=pl.col("date_field").str.to_date("%Y%m%d", strict=False),
            text=pl.when(after == "")
            .then(pl.lit(""))
            .when(after.str.starts_with('"'))
            .then(quoted_text)
            .otherwise(bare_text),
            ok=pl.col("shape_ok")
            & ((pl.col("date_field") == "") | pl.col("date_field").str.to_date("%Y%m%d", strict=False).is_not_null()),
        )
        .collect()
    )
    dates = dates.scatter(positions, sub.get_column("date"))
    texts = texts.scatter(positions, decoded.fix(sub.get_column("text").fill_null("")).cast(pl.Categorical))
    oks = oks.scatter(positions, sub.get_column("ok"))
    return dates, texts, oks


# --- #VER -----------------------------------------------------------------------------------------

_SIMPLE_Q = r'"[^"\\ \t]*"'  # quoted without escapes or spaces
_VER_RE = (
    rf"^#VER (?:{_SIMPLE_Q}|{_B}) (?:{_SIMPLE_Q}|{_B}) (?:\d{{8}}|\"\d{{8}}\")"
    rf'(?: (?:{_Q}|{_B})(?: (?:\d{{8}}|"\d{{8}}"|"")(?: (?:{_Q}|{_B}))?)?)?$'
)


def fast_ver(lines: pl.Series, decoded: Decoded) -> pl.DataFrame:
    """Parse #VER lines written the usual way (single spaces): series, number, date, text, ok.

    The shape is checked by _VER_RE; what remains is to cut the fields out and check the dates."""
    split = pl.col("line").str.splitn(" ", 5)
    rest = pl.col("rest")
    quoted = rest.str.starts_with('"')
    frame = (
        pl.DataFrame({"line": lines})
        .lazy()
        .select(
            shape_ok=pl.col("line").str.contains(_VER_RE),
            series=split.struct.field("field_1").str.strip_chars('"'),
            number=split.struct.field("field_2").str.strip_chars('"'),
            date=split.struct.field("field_3").str.strip_chars('"').str.to_date("%Y%m%d", strict=False),
            rest=split.struct.field("field_4"),
        )
        .with_columns(
            pieces=pl.when(quoted)
            .then(rest.str.splitn('"', 3))
            .otherwise(rest.str.splitn(" ", 2).struct.rename_fields(["field_1", "field_2"]))
        )
        .select(
            # `+ ""` copies: no view into the chunk's lines stays alive in the result
            decoded_expr(pl.col("series"), decoded) + "",
            decoded_expr(pl.col("number"), decoded) + "",
            "date",
            text=decoded_expr(pl.col("pieces").struct.field("field_1"), decoded).fill_null("") + "",
            after=pl.col("pieces").struct.field("field_2").str.strip_chars_start(" "),
            ok=pl.col("shape_ok") & pl.col("date").is_not_null(),
        )
        .collect()
    )
    # A registration date (after the text) must be a real date; check it only where there is one.
    after = frame.get_column("after")
    registered = pl.select(
        pl.when(after.str.starts_with('""'))
        .then(pl.lit(""))
        .when(after.str.starts_with('"'))
        .then(after.str.slice(1, 8))
        .otherwise(after.str.head(8))
    ).to_series()
    present = registered.str.len_bytes().fill_null(0) > 0
    if present.any():
        bad = present & registered.str.to_date("%Y%m%d", strict=False).is_null()
        frame = frame.with_columns(ok=pl.col("ok") & ~bad)
    return frame.drop("after")


def decoded_expr(expr: pl.Expr, decoded: Decoded) -> pl.Expr:
    """The real text of a transport-text expression (see sie_encoding.py)."""
    if not decoded.mapping:
        return expr
    return expr.str.replace_many(list(decoded.mapping), list(decoded.mapping.values()))


# --- #KSUMMA --------------------------------------------------------------------------------------

# A line whose tokens are all plain: quoted fields without backslashes that end at a separator, "}" or
# the end, bare fields without quotes or backslashes, and braces. For such lines the checksummed
# characters are the line without separators, quotes and braces.
_PLAIN_LINE = r'^(?:[ \t]+|"[^"\\]*"(?:[ \t}]|$)|[^ \t{}"\\]+(?:[ \t{}]|$)|[{}])*$'


def checksum_content(lines: pl.Series, tokenized: Callable[[str], str]) -> str:
    """The characters #KSUMMA covers for `lines`: each record's label and field values without
    separators, quotes or braces, records concatenated (empty and `{`/`}` lines add nothing)."""
    frame = pl.DataFrame({"line": lines.fill_null("")}).with_columns(plain=pl.col("line").str.contains(_PLAIN_LINE))
    frame = frame.with_columns(content=pl.col("line").str.replace_all(r'"([^"\\]*)"|[ \t{}]', "${1}"))
    contents = frame.get_column("content")
    plain = frame.get_column("plain")
    if not plain.all():
        positions = (~plain).arg_true()
        careful = [tokenized(line) for line in frame.get_column("line").gather(positions).to_list()]
        contents = contents.scatter(positions, pl.Series(careful, dtype=pl.String))
    return contents.str.join("").item()


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
