"""The careful SIE tokenizer and the field rules of every record (pure; see sie.py for the format decisions).

`tokenize(line)` splits one record into fields: a field is a `str` (quotes and escapes resolved) or,
for an object list, a `tuple` of strings. `read_record(label, fields)` checks the fields after the
label against the record's schema and converts them (dates, amounts in öre, object lists). Both raise
`FieldError` with a Swedish message; the caller adds the file name and line number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

Objects = tuple[tuple[str, str], ...]  # ((dimension, object), ...) in file order
Token = str | tuple[str, ...]


class FieldError(ValueError):
    """What is wrong with one record; the caller knows the line."""


_SPACE = " \t"
# The common tokens, matched in one step: a quoted field without backslashes whose closing quote is
# followed by a separator, "}" or the end; a bare word without backslashes; a brace.
_SIMPLE = re.compile(r'[ \t]*(?:"([^"\\]*)"(?=[ \t}]|$)|([^ \t{}"\\][^ \t{}\\]*)(?=[ \t{}]|$)|(\{)|(\}))')


def tokenize(line: str) -> list[Token]:
    """Split a record into fields: quoted strings, bare words and {object lists}.

    Fields are separated by spaces or tabs. A quoted field may hold spaces; inside it `\\"` is a
    quotation mark, any other backslash is taken literally, and a quotation mark ends the field only
    when a separator, `}` or the end of the line follows (otherwise it is part of the text, as in
    files whose writer turned "ö" into a quotation mark). A quoted field that never ends runs to the
    end of the line. Bare fields end at a separator or a brace; `\\"` in them is a quotation mark.
    An object list is `{` fields `}` and cannot nest.
    """
    tokens: list[Token] = []
    items: list[str] | None = None  # the open object list
    pos, end = 0, len(line)
    match_simple = _SIMPLE.match
    while pos < end:
        match = match_simple(line, pos)
        if match is not None and match.end() > pos:
            pos = match.end()
            quoted, bare, opening, closing = match.groups()
            if quoted is not None or bare is not None:
                (tokens if items is None else items).append(quoted if quoted is not None else bare)
            elif opening is not None:
                if items is not None:
                    raise FieldError("objektlistan innehåller en ny { (objektlistor kan inte nästlas)")
                items = []
            elif closing is not None:
                if items is None:
                    raise FieldError("} utan föregående {")
                tokens.append(tuple(items))
                items = None
            continue
        while pos < end and line[pos] in _SPACE:
            pos += 1
        if pos >= end:
            break
        token, pos = _quoted(line, pos) if line[pos] == '"' else _bare(line, pos)
        (tokens if items is None else items).append(token)
    if items is not None:
        raise FieldError("objektlistan saknar avslutande }")
    return tokens


def _quoted(line: str, pos: int) -> tuple[str, int]:
    """The quoted field starting at `pos`, read the careful way (escapes, stray quotes, no end)."""
    end = len(line)
    last = len(line.rstrip(_SPACE))
    parts: list[str] = []
    i = pos + 1
    while i < end:
        char = line[i]
        if char == "\\" and i + 1 < end and line[i + 1] == '"':
            if i + 2 >= last:
                # `\"` ending the line: a field that ends in a backslash ("C:\dir\").
                parts.append("\\")
                return "".join(parts), end
            parts.append('"')
            i += 2
            continue
        if char == '"' and (i + 1 == end or line[i + 1] in " \t}"):
            return "".join(parts), i + 1
        parts.append(char)
        i += 1
    return "".join(parts).rstrip(_SPACE), end


def _bare(line: str, pos: int) -> tuple[str, int]:
    end = len(line)
    parts: list[str] = []
    i = pos
    while i < end and line[i] not in " \t{}":
        if line[i] == "\\" and i + 1 < end and line[i + 1] == '"':
            parts.append('"')
            i += 2
        else:
            parts.append(line[i])
            i += 1
    return "".join(parts), i


def label_of(tokens: list[Token], line: str) -> str:
    """The record's label, upper-cased; FieldError if the line does not start with one."""
    first = tokens[0] if tokens else ""
    if isinstance(first, tuple) or not first.startswith("#") or line.lstrip(_SPACE).startswith('"'):
        shown = "{...}" if isinstance(first, tuple) else first
        raise FieldError(f'raden börjar inte med en etikett (#...) utan med "{shown}"')
    return first.upper()


# --- field conversions -----------------------------------------------------------------------


def _named(what: str, text: str) -> str:
    """`beloppet i #TRANS` and `12,5x` as `beloppet "12,5x" i #TRANS`."""
    name, _sep, label = what.rpartition(" i ")
    return f'{name} "{text}" i {label}' if name else f'{what} "{text}"'


_INT = re.compile(r"[+-]?\d{1,18}")
_AMOUNT = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?")
_DIGITS = re.compile(r"\d+")
MAX_ORE = 2**63 - 1


def to_int(text: str, what: str) -> int:
    if not _INT.fullmatch(text):
        raise FieldError(f"{_named(what, text)} är inte ett heltal")
    return int(text)


def to_date(text: str, what: str) -> date:
    if len(text) == 8 and text.isdigit():
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
    raise FieldError(f"{_named(what, text)} är inte ett giltigt datum (ÅÅÅÅMMDD)")


def to_optional_date(text: str, what: str) -> date | None:
    return None if text == "" else to_date(text, what)


def is_period(text: str) -> bool:
    return len(text) == 6 and text.isdigit() and 1 <= int(text[4:]) <= 12 and text[:4] != "0000"


def to_period(text: str, what: str) -> str:
    if is_period(text):
        return f"{text[:4]}-{text[4:]}"
    raise FieldError(f"{_named(what, text)} är inte en giltig period (ÅÅÅÅMM)")


def to_ore(text: str, what: str) -> int:
    """An amount in kronor with a decimal point ("-128.00", "12", "1.5", "-0.5") as integer öre, exactly."""
    match = _AMOUNT.fullmatch(text)
    if match is None or not (match.group(2) or match.group(3)):
        raise FieldError(f"{_named(what, text)} är inte ett tal")
    sign, whole, decimals = match.group(1), match.group(2) or "0", match.group(3) or ""
    if len(decimals) > 2 and decimals[2:].strip("0"):
        raise FieldError(f"{_named(what, text)} har fler än två decimaler")
    if len(whole) > 17:
        raise FieldError(f"{_named(what, text)} är för stort")
    ore = int(whole) * 100 + int((decimals[:2] or "0").ljust(2, "0"))
    return -ore if sign == "-" else ore


def check_quantity(text: str, what: str) -> None:
    if text != "":
        match = _AMOUNT.fullmatch(text)
        if match is None or not (match.group(2) or match.group(3)):
            raise FieldError(f"{_named(what, text)} är inte ett tal")


def to_account(text: str, what: str) -> str:
    """Account numbers are usually digits, but the format's own test files use e.g. "DIFF"."""
    if text == "" or " " in text or "\t" in text:
        raise FieldError(f"{_named(what, text)} är inte ett kontonummer")
    return text


def to_dimension(text: str, what: str) -> str:
    if not _DIGITS.fullmatch(text):
        raise FieldError(f"{_named(what, text)} är inte ett nummer")
    return str(int(text))


def to_objects(items: tuple[str, ...], label: str) -> Objects:
    """An object list as (dimension, object) pairs; dimensions are numbers and appear once."""
    if len(items) % 2:
        raise FieldError(f"objektlistan i {label} har ett udda antal element (ska vara par av dimension och objekt)")
    pairs: list[tuple[str, str]] = []
    for index in range(0, len(items), 2):
        dimension, obj = items[index], items[index + 1]
        if not _DIGITS.fullmatch(dimension):
            raise FieldError(f'dimensionen "{dimension}" i objektlistan i {label} är inte ett nummer')
        dimension = str(int(dimension))
        if any(d == dimension for d, _o in pairs):
            raise FieldError(f"dimension {dimension} förekommer två gånger i objektlistan i {label}")
        if obj == "":
            raise FieldError(f"objektet för dimension {dimension} i objektlistan i {label} är tomt")
        pairs.append((dimension, obj))
    return tuple(pairs)


def normalise_objects(pairs: Objects) -> str:
    """The canonical text of an object list: "1=Nord;6=P1", dimensions in numeric order; "" if empty."""
    if len(pairs) > 1:
        pairs = tuple(sorted(pairs, key=lambda pair: int(pair[0])))
    return ";".join(f"{d}={o}" for d, o in pairs)


def object_of(pairs: Objects, dimension: str) -> str:
    for d, o in pairs:
        if d == dimension:
            return o
    return ""


# --- record schemas --------------------------------------------------------------------------
# Each field: (name, converter or None for text, required). The converter gets the field's text
# (or its object list) and a description for messages. Fields after the schema are ignored (the
# format allows later additions).

_FIELD_NAMES = {
    "account": "kontonumret",
    "amount": "beloppet",
    "date": "datumet",
    "start": "startdatumet",
    "end": "slutdatumet",
    "registered": "registreringsdatumet",
    "year": "årsnumret",
    "period": "perioden",
    "quantity": "kvantiteten",
    "dimension": "dimensionsnumret",
    "parent": "huvuddimensionen",
    "flag": "flaggan",
    "type": "SIE-typen",
    "objects": "objektlistan",
}
_OBJECTS = "objects"
Converter = Callable[[str, str], object] | None

_TRANS = (
    ("account", to_account, True),
    ("objects", _OBJECTS, True),
    ("amount", to_ore, True),
    ("date", to_optional_date, False),
    ("text", None, False),
    ("quantity", check_quantity, False),
    ("sign", None, False),
)
_BALANCE = (
    ("year", to_int, True),
    ("account", to_account, True),
    ("amount", to_ore, True),
    ("quantity", check_quantity, False),
)
_OBJECT_BALANCE = (
    ("year", to_int, True),
    ("account", to_account, True),
    ("objects", _OBJECTS, True),
    ("amount", to_ore, True),
    ("quantity", check_quantity, False),
)
_PERIOD_BALANCE = (
    ("year", to_int, True),
    ("period", to_period, True),
    ("account", to_account, True),
    ("objects", _OBJECTS, True),
    ("amount", to_ore, True),
    ("quantity", check_quantity, False),
)

SCHEMAS: dict[str, tuple[tuple[str, object, bool], ...]] = {
    "#FLAGGA": (("flag", to_int, True),),
    "#KSUMMA": (("checksum", None, False),),
    "#FORMAT": (("format", None, True),),
    "#SIETYP": (("type", to_int, True),),
    "#PROGRAM": (("name", None, True), ("version", None, False)),
    "#GEN": (("date", to_date, True), ("sign", None, False)),
    "#FNAMN": (("name", None, True),),
    "#ORGNR": (("orgnr", None, False), ("unit", None, False), ("activity", None, False)),
    "#VALUTA": (("currency", None, True),),
    "#RAR": (("year", to_int, True), ("start", to_optional_date, False), ("end", to_optional_date, False)),
    "#DIM": (("dimension", to_dimension, True), ("name", None, False)),
    "#UNDERDIM": (("dimension", to_dimension, True), ("name", None, False), ("parent", to_dimension, True)),
    "#OBJEKT": (("dimension", to_dimension, True), ("object", None, True), ("name", None, False)),
    "#KONTO": (("account", to_account, True), ("name", None, False)),
    "#IB": _BALANCE,
    "#UB": _BALANCE,
    "#RES": _BALANCE,
    "#OIB": _OBJECT_BALANCE,
    "#OUB": _OBJECT_BALANCE,
    "#PSALDO": _PERIOD_BALANCE,
    "#PBUDGET": _PERIOD_BALANCE,
    "#VER": (
        ("series", None, True),
        ("number", None, True),
        ("date", to_date, True),
        ("text", None, False),
        ("registered", to_optional_date, False),
        ("sign", None, False),
    ),
    "#TRANS": _TRANS,
    "#RTRANS": _TRANS,
    "#BTRANS": _TRANS,
}

# Records of the format whose content this parser does not use; they are tokenized (so a broken
# object list is still an error) but not interpreted. Labels in neither table are unknown and ignored.
OTHER_LABELS = frozenset(
    {
        "#ADRESS",
        "#BKOD",
        "#BUDGET",
        "#ENHET",
        "#FNR",
        "#FTYP",
        "#KPTYP",
        "#KTYP",
        "#OMFATTN",
        "#PROSA",
        "#SRU",
        "#TAXAR",
    }
)
KNOWN_LABELS = frozenset(SCHEMAS) | OTHER_LABELS


def read_record(label: str, tokens: list[Token]) -> dict[str, object]:
    """The fields of a known record, checked and converted; `tokens` excludes the label."""
    schema = SCHEMAS[label]
    if label == "#PSALDO" or label == "#PBUDGET":
        tokens = _period_record_without_objects(tokens)
    values: dict[str, object] = {}
    count = len(tokens)
    for index, (name, converter, required) in enumerate(schema):
        if index >= count:
            if required:
                wanted = ", ".join(_FIELD_NAMES.get(n, n) for n, _c, r in schema if r)
                raise FieldError(f"{label} saknar fält {index + 1} ({_FIELD_NAMES.get(name, name)}); krävs: {wanted}")
            values[name] = None
            continue
        token = tokens[index]
        if converter == _OBJECTS:
            if not isinstance(token, tuple):
                raise FieldError(f'fält {index + 1} i {label} ska vara en objektlista {{...}}, inte "{token}"')
            values[name] = to_objects(token, label)
        elif isinstance(token, tuple):
            raise FieldError(f"fält {index + 1} i {label} ({_FIELD_NAMES.get(name, name)}) är en objektlista")
        elif converter is None:
            values[name] = token
        else:
            values[name] = converter(token, f"{_FIELD_NAMES.get(name, name)} i {label}")  # type: ignore[operator]
    return values


def _period_record_without_objects(tokens: list[Token]) -> list[Token]:
    """BL Administration writes #PBUDGET without the object list, sometimes also with account and period
    swapped (`year account period amount`). Read exactly those shapes as `year period account {} amount`."""
    if len(tokens) >= 4 and not any(isinstance(token, tuple) for token in tokens[:4]):
        first, second = tokens[1], tokens[2]
        assert isinstance(first, str) and isinstance(second, str)
        if is_period(first):
            return [*tokens[:3], (), *tokens[3:]]
        if is_period(second):
            return [tokens[0], tokens[2], tokens[1], (), *tokens[3:]]
    return tokens
