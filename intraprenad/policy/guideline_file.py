"""The guidelines file: one revision as human-readable TOML (pure: no database).

    title = "Riktlinjer för intraprenader"
    board = "SN"                      # short name of the board; empty or left out: whole municipality
    valid_from = 2007-05-01
    description = "..."

    [parameters]
    # Andel av ett överskott som enheten behåller (%)
    surplus_share_unit = 100
    fund_cap_amount = ""              # optional parameters: "" means no value

    [[application_sections]]          # ordered; also agreement_clauses, evaluation_areas, fund_uses
    key = "verksamhetside"
    title = "Verksamhetsidé"
    guidance = "..."

`parse_guideline_file` checks everything and raises GuidelineFileError naming file, line and field;
`dump_guideline_file` writes the same format with Swedish comments; parse(dump(x)) == x.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import rules
from .parameters import GROUPS, PARAMETERS, Parameter

# (name of the list in the file, RequiredItem.Kind value, label)
ITEM_LISTS = (
    ("application_sections", "application_section", gettext_lazy("Application sections")),
    ("agreement_clauses", "agreement_clause", gettext_lazy("Agreement clauses")),
    ("evaluation_areas", "evaluation_area", gettext_lazy("Evaluation areas")),
    ("fund_uses", "fund_use", gettext_lazy("Permitted uses of the result fund")),
)
LIST_NAMES = tuple(name for name, _kind, _label in ITEM_LISTS)
LIST_LABELS = {name: label for name, _kind, label in ITEM_LISTS}
KIND_OF_LIST = {name: kind for name, kind, _label in ITEM_LISTS}
LIST_OF_KIND = {kind: name for name, kind, _label in ITEM_LISTS}
REQUIRED_LISTS = ("application_sections", "agreement_clauses")
TOP_LEVEL_KEYS = ("title", "board", "valid_from", "description", "parameters", *LIST_NAMES)
ITEM_KEYS = ("key", "title", "guidance")


@dataclass(frozen=True)
class Item:
    """One required item: a section, clause, evaluation area or permitted use of the fund."""

    key: str
    title: str
    guidance: str = ""


@dataclass(frozen=True)
class GuidelineData:
    """One revision's content, independent of the database."""

    title: str
    valid_from: date
    board: str = ""
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    application_sections: tuple[Item, ...] = ()
    agreement_clauses: tuple[Item, ...] = ()
    evaluation_areas: tuple[Item, ...] = ()
    fund_uses: tuple[Item, ...] = ()

    def items_of(self, list_name: str) -> tuple[Item, ...]:
        return getattr(self, list_name)


class GuidelineFileError(ValidationError):
    """A guidelines file that cannot be accepted; the message names file, line and field."""

    def __init__(self, *, filename: str, line: int, field: str | None, problem: str):
        self.filename, self.line, self.field, self.problem = filename, line, field, problem
        if field:
            message = _("%(filename)s, line %(line)s, field %(field)s: %(problem)s") % {
                "filename": filename,
                "line": line,
                "field": field,
                "problem": problem,
            }
        else:
            message = _("%(filename)s, line %(line)s: %(problem)s") % {
                "filename": filename,
                "line": line,
                "problem": problem,
            }
        super().__init__(message)


# --- finding the line of a field ---------------------------------------------------------------

_ARRAY_HEADER = re.compile(r"^\[\[\s*([A-Za-z0-9_-]+)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\[\s*([A-Za-z0-9_-]+)\s*\]")
_KEY_LINE = re.compile(r"^(?:\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_-]+))\s*=")


def _scan(text: str) -> tuple[dict[tuple, int], dict[tuple, int]]:
    """Line numbers of headers and of keys, by context: () for the top level, ("parameters",) for a
    table, ("agreement_clauses", 2) for the third item of a list."""
    headers: dict[tuple, int] = {}
    keys: dict[tuple, int] = {}
    context: tuple = ()
    counts: dict[str, int] = {}
    in_multiline: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        if match := _ARRAY_HEADER.match(line):
            name = match.group(1)
            index = counts.get(name, 0)
            counts[name] = index + 1
            context = (name, index)
            headers.setdefault(context, number)
            headers.setdefault((name,), number)
            continue
        if match := _TABLE_HEADER.match(line):
            context = (match.group(1),)
            headers.setdefault(context, number)
            continue
        if match := _KEY_LINE.match(line):
            key = next(group for group in match.groups() if group is not None)
            keys.setdefault((*context, key), number)
            if context == ():
                headers.setdefault((key,), number)
        for quote in ('"""', "'''"):
            if line.count(quote) % 2 == 1:
                in_multiline = quote
    return headers, keys


def line_of(text: str, path: tuple) -> int:
    """The line of `path` in `text`, e.g. ("parameters", "surplus_share_unit") or
    ("agreement_clauses", 3, "key"); the nearest enclosing header when the key is missing."""
    headers, keys = _scan(text)
    for length in range(len(path), 0, -1):
        prefix = path[:length]
        if prefix in keys:
            return keys[prefix]
        if prefix in headers:
            return headers[prefix]
    return 1


def _field_name(path: tuple) -> str:
    name = ""
    for part in path:
        if isinstance(part, int):
            name += f"[{part + 1}]"
        else:
            name += f".{part}" if name else part
    return name


# --- parsing -----------------------------------------------------------------------------------


def parse_guideline_file(text: str, filename: str) -> GuidelineData:
    """Read and check a guidelines file; raise GuidelineFileError at the first problem."""

    def fail(path: tuple, problem: str) -> GuidelineFileError:
        return GuidelineFileError(
            filename=filename, line=line_of(text, path), field=_field_name(path) or None, problem=problem
        )

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        found = re.search(r"at line (\d+)", message)
        raise GuidelineFileError(
            filename=filename,
            line=int(found.group(1)) if found else 1,
            field=None,
            problem=_("the file is not valid TOML (%(error)s)") % {"error": message},
        ) from None

    for key in document:
        if key not in TOP_LEVEL_KEYS:
            raise fail((key,), _("unknown field"))

    title = document.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail(("title",), _("a title is required"))
    board = document.get("board", "")
    if not isinstance(board, str):
        raise fail(("board",), _("the value must be text (the board's short name)"))
    description = document.get("description", "")
    if not isinstance(description, str):
        raise fail(("description",), _("the value must be text"))
    valid_from = _parse_date(document.get("valid_from"))
    if valid_from is None:
        raise fail(("valid_from",), _("the value must be a date written as YYYY-MM-DD"))

    raw_parameters = document.get("parameters", {})
    if not isinstance(raw_parameters, dict):
        raise fail(("parameters",), _("the parameters must be a table [parameters]"))
    try:
        parameters = rules.clean_parameters(raw_parameters)
    except rules.ParameterError as error:
        raise fail(("parameters", error.field), error.message) from None

    lists: dict[str, tuple[Item, ...]] = {}
    for list_name in LIST_NAMES:
        lists[list_name] = _parse_items(document.get(list_name, []), list_name, fail)
    return GuidelineData(
        title=title.strip(),
        valid_from=valid_from,
        board=board.strip(),
        description=description,
        parameters=parameters,
        **lists,
    )


def _parse_date(value: Any) -> date | None:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _parse_items(raw: Any, list_name: str, fail) -> tuple[Item, ...]:
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        raise fail(
            (list_name,),
            _("the list must be written as [[%(name)s]] blocks with key, title and guidance") % {"name": list_name},
        )
    if not raw and list_name in REQUIRED_LISTS:
        raise fail((list_name,), _("at least one item is required"))
    items: list[Item] = []
    for index, entry in enumerate(raw):
        for key in entry:
            if key not in ITEM_KEYS:
                raise fail((list_name, index, key), _("unknown field"))
        values = []
        for key in ITEM_KEYS:
            value = entry.get(key, "")
            if not isinstance(value, str):
                raise fail((list_name, index, key), _("the value must be text"))
            values.append(value)
        items.append(Item(key=values[0].strip(), title=values[1].strip(), guidance=values[2]))
    problems = rules.item_problems([(item.key, item.title, item.guidance) for item in items])
    if problems:
        index, field_name, message = problems[0]
        raise fail((list_name, index, field_name), message)
    return tuple(items)


# --- writing -----------------------------------------------------------------------------------


def _escape(text: str, *, multiline: bool) -> str:
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n" and multiline:
            out.append("\n")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return "".join(out)


def _string(text: str) -> str:
    if "\n" in text:
        return '"""\n' + _escape(text, multiline=True) + '"""'
    return '"' + _escape(text, multiline=False) + '"'


def _value(param: Parameter, value: Any) -> str:
    if value is None:
        return '""'
    if param.kind == "bool":
        return "true" if value else "false"
    if param.kind == "choice":
        return _string(str(value))
    if param.kind in {"decimal", "percent"}:
        text = format(Decimal(value), "f")
        if "." not in text:
            return text
        if len(text.replace("-", "").replace(".", "").lstrip("0")) > 15:
            return _string(text)
        return text
    return str(value)


def _comment(text: str) -> str:
    return "\n".join(f"# {line}".rstrip() for line in str(text).splitlines())


def dump_guideline_file(data: GuidelineData) -> str:
    """Write `data` as a guidelines file, with Swedish comments giving each parameter's meaning."""
    with translation.override("sv"):
        return _dump(data)


def _dump(data: GuidelineData) -> str:
    out: list[str] = [
        _comment(_("Guidelines for intraprenader (TOML). Lines starting with # are comments.")),
        _comment(_("board: the board's short name; empty for guidelines of the whole municipality.")),
        f"title = {_string(data.title)}",
        f"board = {_string(data.board)}",
        f"valid_from = {data.valid_from.isoformat()}",
        f"description = {_string(data.description)}",
        "",
        "[parameters]",
    ]
    for group, group_label in GROUPS:
        out.append("")
        out.append(_comment(f"--- {group_label} ---"))
        for param in PARAMETERS:
            if param.group != group:
                continue
            out.append(_comment(str(param.label)))
            if param.help:
                out.append(_comment(str(param.help)))
            if param.choices:
                choices = ", ".join(f'"{key}" = {label}' for key, label in param.choices)
                out.append(_comment(_("Allowed values: %(choices)s") % {"choices": choices}))
            if param.optional and not param.help:
                out.append(_comment(_('"" means no value.')))
            out.append(f"{param.name} = {_value(param, data.parameters.get(param.name, param.default))}")
    for list_name in LIST_NAMES:
        items = data.items_of(list_name)
        if not items:
            continue
        out.append("")
        out.append(_comment(f"--- {LIST_LABELS[list_name]} ---"))
        for item in items:
            out.append("")
            out.append(f"[[{list_name}]]")
            out.append(f"key = {_string(item.key)}")
            out.append(f"title = {_string(item.title)}")
            out.append(f"guidance = {_string(item.guidance)}")
    return "\n".join(out) + "\n"
