"""Money formatting and rounding shared by the economy's parts (pure; integer öre in)."""

from decimal import ROUND_HALF_UP, Decimal

MINUS = "\u2212"
NBSP = "\u00a0"


def _group(digits: str) -> str:
    parts = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return NBSP.join(parts)


def round_kronor(ore: int) -> int:
    """Whole kronor, half away from zero."""
    q = Decimal(abs(ore)) / 100
    whole = int(q.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return -whole if ore < 0 else whole


def format_kronor(ore: int, *, decimals: bool = False) -> str:
    sign = MINUS if ore < 0 else ""
    if decimals:
        whole, rest = divmod(abs(ore), 100)
        return f"{sign}{_group(str(whole))},{rest:02d}{NBSP}kr"
    whole = abs(round_kronor(ore))
    return f"{sign if whole else ''}{_group(str(whole))}{NBSP}kr"


def format_millions(ore: int) -> str:
    millions = (Decimal(abs(ore)) / 100_000_000).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    sign = MINUS if ore < 0 and millions else ""
    return f"{sign}{str(millions).replace('.', ',')}{NBSP}mnkr"


def percent_of(part: int, whole: int) -> Decimal | None:
    """`part` as a percentage of `whole`, one decimal; None when `whole` is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(abs(whole))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
