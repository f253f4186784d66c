"""The income-statement lines of a result unit and how ledger accounts map to them.

A municipality maps accounts to lines by account-number prefix (the longest matching prefix
wins). The defaults follow the Kommun-Bas chart of accounts: class 3 revenue, 4 purchases and
grants, 5 personnel, 6–7 other operating costs, 8 financial items. Classes 1–2 are balance-sheet
accounts and belong to no line.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Line(models.TextChoices):
    REVENUE = "revenue", _("Revenue")
    PURCHASES = "purchases", _("Purchases and grants")
    PERSONNEL = "personnel", _("Personnel costs")
    OTHER = "other", _("Other operating costs")
    FINANCIAL = "financial", _("Financial items")


LINE_ORDER: tuple[str, ...] = tuple(Line.values)
COST_LINES: frozenset[str] = frozenset({Line.PURCHASES, Line.PERSONNEL, Line.OTHER})

DEFAULT_RULES: tuple[tuple[str, str], ...] = (
    ("3", Line.REVENUE),
    ("4", Line.PURCHASES),
    ("5", Line.PERSONNEL),
    ("6", Line.OTHER),
    ("7", Line.OTHER),
    ("8", Line.FINANCIAL),
)


def line_for(account: str, rules: Iterable[tuple[str, str]]) -> str | None:
    """The line of `account` under `rules` ((prefix, line) pairs), or None if no prefix matches."""
    best: tuple[int, str] | None = None
    for prefix, line in rules:
        if account.startswith(prefix) and (best is None or len(prefix) > best[0]):
            best = (len(prefix), line)
    return best[1] if best else None


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"
