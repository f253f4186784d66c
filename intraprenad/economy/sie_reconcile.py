"""What an SIE file says about itself against what its #TRANS rows add up to (pure).

A voucher belongs to the fiscal year (#RAR) whose dates contain the voucher date; when year 0 has
no dates (or there is no #RAR), vouchers outside every dated year belong to year 0. For year 0 and
every other year that has vouchers, the file's own records are checked:

- res_eq_sum_trans: each `#RES year account` equals the sum of the year's #TRANS on the account;
- ub_eq_ib_plus_sum_trans: each `#UB year account` equals its `#IB` (0 if absent) plus that sum;
- psaldo_eq_sum_trans_by_month: each `#PSALDO year period account {}` equals the sum of the #TRANS
  on the account in vouchers dated in that month;
- psaldo_objects_eq_sum_trans_by_month: the same for `#PSALDO` with an object list, against the
  #TRANS whose object lists contain all of its objects.

Counts are "matching/checked" (year 0 under the plain names, other years as `name@year`); every
mismatch is listed in `differences`. Checks without records to check are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl


@dataclass
class Reconciliation:
    """What the file says against what its #TRANS rows sum to; see the module docstring."""

    unbalanced_vouchers: list[tuple[str, str, int]] = field(default_factory=list)  # (series, number, öre)
    differences: list[dict] = field(default_factory=list)
    checked: dict[str, str] = field(default_factory=dict)
    ksumma: str = "absent"  # "absent" | "verified" | "mismatch"

    @property
    def ok(self) -> bool:
        return not self.unbalanced_vouchers and not self.differences and self.ksumma != "mismatch"

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "unbalanced_vouchers": [list(v) for v in self.unbalanced_vouchers],
            "differences": [dict(d) for d in self.differences],
            "checked": dict(self.checked),
            "ksumma": self.ksumma,
        }


def voucher_years(vouchers: pl.DataFrame, years: dict[int, tuple[date | None, date | None]]) -> pl.Series:
    """The fiscal-year index of every voucher (None if it lies in no year of the file)."""
    year = pl.lit(None, pl.Int64)
    for index, (start, end) in sorted(years.items(), key=lambda item: -item[0]):
        if start is not None and end is not None:
            year = pl.when(pl.col("date").is_between(start, end)).then(pl.lit(index, pl.Int64)).otherwise(year)
    start0, end0 = years.get(0, (None, None))
    if start0 is None or end0 is None:
        year = year.fill_null(0)
    return vouchers.with_columns(year=year).get_column("year")


def month_number(dates: pl.Expr | pl.Series) -> pl.Expr | pl.Series:
    """A date's month as the number YYYYMM (cheaper to carry than text)."""
    return (dates.dt.year() * 100 + dates.dt.month()).cast(pl.Int32)


def month_text(numbers: pl.Expr) -> pl.Expr:
    return numbers.cast(pl.String).str.slice(0, 4) + "-" + numbers.cast(pl.String).str.slice(4, 2)


def reconcile(
    *,
    vouchers: pl.DataFrame,
    transactions: pl.DataFrame,
    years: dict[int, tuple[date | None, date | None]],
    balances: dict[str, dict[tuple[int, str], int]],
    period_balances: pl.DataFrame,
) -> Reconciliation:
    result = Reconciliation(unbalanced_vouchers=unbalanced(vouchers, transactions))
    if vouchers.height == 0:
        return result
    # Year and month of every row, looked up by voucher index (vouchers are numbered 0, 1, 2, ...).
    per_voucher = vouchers.select(year=voucher_years(vouchers, years), month=month_number(pl.col("date")))
    rows = transactions.lazy().select(
        "account",
        "objects",
        "amount_ore",
        year=per_voucher.get_column("year").gather(transactions.get_column("voucher")),
        month=per_voucher.get_column("month").gather(transactions.get_column("voucher")),
    )
    # Summed per account, month and objects first: a few thousand groups, whose text columns are cheap to compare.
    rows = (
        rows.group_by("year", "account", "month", "objects")
        .agg(pl.col("amount_ore").sum())
        .with_columns(pl.col("account").cast(pl.String), pl.col("objects").cast(pl.String))
        .collect()
        .lazy()
    )
    by_account = rows.group_by("year", "account").agg(pl.col("amount_ore").sum()).collect()
    by_month = rows.group_by("year", "account", "month").agg(trans_ore=pl.col("amount_ore").sum())
    by_month = by_month.with_columns(month=month_text(pl.col("month"))).collect()
    checked_years = sorted({y for y in by_account.get_column("year").to_list() if y is not None} | {0}, reverse=True)
    for year in checked_years:
        sums = dict(by_account.filter(pl.col("year") == year).select("account", "amount_ore").iter_rows())
        periods = period_balances.filter(pl.col("year") == year)
        _check_year(result, year, sums, balances)
        if periods.height:
            months = by_month.filter(pl.col("year") == year).drop("year")
            _check_periods(result, year, months, rows.filter(pl.col("year") == year), periods)
    return result


def unbalanced(vouchers: pl.DataFrame, transactions: pl.DataFrame) -> list[tuple[str, str, int]]:
    """(series, number, sum) of the vouchers whose rows do not sum to zero, in file order.

    Rows come in voucher order, so each voucher's sum is a difference of the running total."""
    if transactions.height == 0:
        return []
    voucher = transactions.get_column("voucher")
    last_rows = (voucher != voucher.shift(-1)).fill_null(True).arg_true()
    running = transactions.get_column("amount_ore").cum_sum().gather(last_rows)
    sums = pl.DataFrame({"voucher": voucher.gather(last_rows), "total": running - running.shift(1).fill_null(0)})
    sums = sums.filter(pl.col("total") != 0)
    if sums.height == 0:
        return []
    found = sums.join(vouchers.select("voucher", "series", "number"), on="voucher").sort("voucher")
    return [(s, n, t) for s, n, t in found.select("series", "number", "total").iter_rows()]


def _check_year(
    result: Reconciliation, year: int, by_account: dict[str, int], balances: dict[str, dict[tuple[int, str], int]]
) -> None:
    suffix = "" if year == 0 else f"@{year}"
    res = {account: ore for (y, account), ore in balances["RES"].items() if y == year}
    if res:
        matching = 0
        for account, file_ore in sorted(res.items()):
            trans_ore = by_account.get(account, 0)
            matching += file_ore == trans_ore
            if file_ore != trans_ore:
                result.differences.append(_difference("RES", year, account, None, "", file_ore, trans_ore))
        result.checked["res_eq_sum_trans" + suffix] = f"{matching}/{len(res)}"
    ub = {account: ore for (y, account), ore in balances["UB"].items() if y == year}
    if ub:
        matching = 0
        for account, file_ore in sorted(ub.items()):
            trans_ore = balances["IB"].get((year, account), 0) + by_account.get(account, 0)
            matching += file_ore == trans_ore
            if file_ore != trans_ore:
                result.differences.append(_difference("UB", year, account, None, "", file_ore, trans_ore))
        result.checked["ub_eq_ib_plus_sum_trans" + suffix] = f"{matching}/{len(ub)}"


def _check_periods(
    result: Reconciliation, year: int, by_month: pl.DataFrame, rows: pl.LazyFrame, periods: pl.DataFrame
) -> None:
    suffix = "" if year == 0 else f"@{year}"
    totals = periods.filter(pl.col("objects") == "")
    if totals.height:
        joined = totals.join(by_month, left_on=["account", "period"], right_on=["account", "month"], how="left")
        _count(result, year, "psaldo_eq_sum_trans_by_month" + suffix, joined)
    with_objects = periods.filter(pl.col("objects") != "")
    if not with_objects.height:
        return
    rows = rows.filter(pl.col("objects") != "").with_columns(month=month_text(pl.col("month")))
    parts = []
    single = with_objects.filter(~pl.col("objects").str.contains(";", literal=True))
    if single.height:
        pairs = (
            rows.select("account", "month", "amount_ore", pair=pl.col("objects").str.split(";"))
            .explode("pair")
            .group_by("account", "month", "pair")
            .agg(trans_ore=pl.col("amount_ore").sum())
            .collect()
        )
        parts.append(
            single.join(
                pairs, left_on=["account", "period", "objects"], right_on=["account", "month", "pair"], how="left"
            )
        )
    multi = with_objects.filter(pl.col("objects").str.contains(";", literal=True))
    for combination in multi.get_column("objects").unique().sort().to_list():
        padded = pl.lit(";") + pl.col("objects") + pl.lit(";")
        matches = pl.all_horizontal([padded.str.contains(f";{pair};", literal=True) for pair in combination.split(";")])
        sums = rows.filter(matches).group_by("account", "month").agg(trans_ore=pl.col("amount_ore").sum()).collect()
        parts.append(
            multi.filter(pl.col("objects") == combination).join(
                sums, left_on=["account", "period"], right_on=["account", "month"], how="left"
            )
        )
    _count(result, year, "psaldo_objects_eq_sum_trans_by_month" + suffix, pl.concat(parts, how="diagonal"))


def _count(result: Reconciliation, year: int, key: str, joined: pl.DataFrame) -> None:
    joined = joined.with_columns(pl.col("trans_ore").fill_null(0)).sort("account", "period", "objects")
    matching = 0
    for account, period, objects, file_ore, trans_ore in joined.select(
        "account", "period", "objects", "amount_ore", "trans_ore"
    ).iter_rows():
        matching += file_ore == trans_ore
        if file_ore != trans_ore:
            result.differences.append(_difference("PSALDO", year, account, period, objects, file_ore, trans_ore))
    result.checked[key] = f"{matching}/{joined.height}"


def _difference(
    kind: str, year: int, account: str, month: str | None, objects: str, file_ore: int, trans_ore: int
) -> dict:
    return {
        "kind": kind,
        "year": year,
        "account": account,
        "month": month,
        "objects": objects,
        "file_ore": file_ore,
        "trans_ore": trans_ore,
    }
