"""Write a realistic municipal ledger as an SIE 4E file, deterministically from a seed.

    python benchmarks/generate_ledger.py [--rows 1000000] [--seed 1] [--units 500] [--out FILE]

The file looks like an export from a municipal ledger: CP437 (#FORMAT PC8), the Kommun-Bas chart
of accounts by first digit (revenue 3, purchases and grants 4, personnel 5, other costs 6–7,
financial items 8, with counter-entries on accounts 1 and 2), dimension 1 "Ansvar" with several hundred
result units (objects like "41020") on every result-account row, dimension 6 "Projekt" on some
rows, #RAR 0 = one calendar year, vouchers of 2–10 rows that balance to zero spread over twelve
months, quoted texts with å/ä/ö and an occasional escaped quote, #IB/#UB/#RES consistent with the
vouchers and #PSALDO per account and month. The same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

YEAR = 2025

REVENUE = {
    "3111": "Taxor och avgifter, barnomsorg",
    "3121": "Avgifter hemtjänst",
    "3311": "Hyror och arrenden",
    "3411": "Riktade statsbidrag",
    "3511": "Försäljning av verksamhet",
    "3591": "Interna intäkter",
}
PURCHASES = {
    "4011": "Köp av huvudverksamhet",
    "4511": "Bidrag till föreningar",
    "4611": "Köp av stödtjänster",
}
PERSONNEL = {
    "5011": "Månadsavlönad personal",
    "5111": "Timavlönad personal",
    "5511": "Ersättning för förtroendevalda",
    "5611": "Lagstadgade arbetsgivaravgifter",
    "5711": "Pensionskostnader",
    "5811": "Utbildning och kurser",
}
OTHER = {
    "6111": "Lokalhyror",
    "6211": "Fastighetsservice",
    "6411": "Förbrukningsinventarier",
    "6511": "Kontorsmaterial och trycksaker",
    "6611": "Tele och IT-tjänster",
    "6911": "Övriga verksamhetskostnader",
    "7011": "Resor och transporter",
    "7311": "Köp av konsulttjänster",
    "7411": "Försäkringar",
    "7591": "Interna kostnader",
    "7811": "Avskrivningar inventarier",
}
FINANCIAL = {
    "8311": "Ränteintäkter",
    "8411": "Räntekostnader",
}
BALANCE = {
    "1231": "Maskiner och inventarier",
    "1511": "Kundfordringar",
    "1641": "Ingående mervärdesskatt",
    "1931": "Bank",
    "2011": "Eget kapital",
    "2411": "Leverantörsskulder",
    "2711": "Personalens källskatt",
    "2911": "Upplupna löner och semesterlöner",
}
COST_ACCOUNTS = [*PURCHASES, *OTHER]
ACCOUNTS = {**BALANCE, **REVENUE, **PURCHASES, **PERSONNEL, **OTHER, **FINANCIAL}

AREAS = [
    "Hemtjänst",
    "Särskilt boende",
    "Förskola",
    "Grundskola",
    "Fritidshem",
    "Gymnasieskola",
    "Individ- och familjeomsorg",
    "LSS-boende",
    "Daglig verksamhet",
    "Kultur och fritid",
    "Bibliotek",
    "Måltidsservice",
    "Lokalvård",
    "Gata och park",
]
PLACES = [
    "Norr",
    "Söder",
    "Öster",
    "Väster",
    "Centrum",
    "Åsa",
    "Älvdalen",
    "Björkö",
    "Strömsund",
    "Lövsta",
    "Hällby",
    "Kåge",
]
SUPPLIERS = [
    "Städ & Fönster AB",
    "Livsmedelsgrossisten i Mälardalen",
    "Kontorsvaror Öst",
    "IT-Partner Syd",
    "Bussbolaget Väst",
    "Läromedelsförlaget",
    "Fastighetsbolaget Kåge",
    "Vårdmaterial Norden",
]
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def ore_text(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    ore = abs(ore)
    return f"{sign}{ore // 100}.{ore % 100:02d}"


def quoted(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


class Ledger:
    """Builds the voucher lines and keeps the sums the balances must agree with."""

    def __init__(self, *, rows: int, seed: int, units: int) -> None:
        self.rng = random.Random(seed)
        self.rows = rows
        self.units = self._units(units)
        self.projects = [f"P{n:03d}" for n in range(1, 41)]
        self.lines: list[str] = []
        self.sums: dict[str, int] = {}
        self.month_sums: dict[tuple[str, int], int] = {}
        self.numbers: dict[str, int] = {}
        self.written = 0
        self.year_days = (date(YEAR, 12, 31) - date(YEAR, 1, 1)).days

    def _units(self, count: int) -> list[tuple[str, str]]:
        rng = self.rng
        seen: set[str] = set()
        units: list[tuple[str, str]] = []
        while len(units) < count:
            code = f"{rng.randint(1, 9)}{rng.randint(0, 9999):04d}"
            if code in seen:
                continue
            seen.add(code)
            units.append((code, f"{rng.choice(AREAS)} {rng.choice(PLACES)} {len(units) % 7 + 1}"))
        return units

    def objects(self) -> str:
        unit = self.rng.choice(self.units)[0]
        if self.rng.random() < 0.12:
            return f'{{1 "{unit}" 6 "{self.rng.choice(self.projects)}"}}'
        return f'{{1 "{unit}"}}'

    def amount(self, low: int, high: int) -> int:
        return self.rng.randint(low, high) * 100 + self.rng.choice((0, 0, 0, 50, self.rng.randint(1, 99)))

    def voucher(self, series: str, text: str, day: date, rows: list[tuple[str, str, int, str]]) -> None:
        number = self.numbers.get(series, 0) + 1
        self.numbers[series] = number
        self.lines.append(f"#VER {series} {number} {day:%Y%m%d} {quoted(text)}")
        self.lines.append("{")
        for account, objects, ore, trans_text in rows:
            tail = f" {day:%Y%m%d} {quoted(trans_text)}" if trans_text else ""
            self.lines.append(f"\t#TRANS {account} {objects} {ore_text(ore)}{tail}")
            self.sums[account] = self.sums.get(account, 0) + ore
            key = (account, day.month)
            self.month_sums[key] = self.month_sums.get(key, 0) + ore
        self.lines.append("}")
        self.written += len(rows)

    def supplier_invoice(self, size: int, day: date) -> None:
        rng = self.rng
        supplier = rng.choice(SUPPLIERS)
        costs = COST_ACCOUNTS
        rows = []
        net = 0
        for _ in range(max(1, size - 2)):
            ore = self.amount(50, 40000)
            net += ore
            rows.append((rng.choice(costs), self.objects(), ore, ""))
        if size >= 3:
            vat = net * rng.choice((25, 12, 6)) // 100
            rows.append(("1641", "{}", vat, ""))
            net += vat
        invoice = rng.randint(10000, 99999)
        rows.append(("2411", "{}", -net, f"Faktura {invoice}" if rng.random() < 0.3 else ""))
        text = f'Faktura {invoice} "{supplier}"' if rng.random() < 0.01 else f"Faktura {invoice} {supplier}"
        self.voucher("A", text, day, rows)

    def payroll(self, size: int, day: date) -> None:
        rng = self.rng
        rows = []
        gross = 0
        for _ in range(max(1, size - 2)):
            account = rng.choice(("5011", "5011", "5111", "5611", "5711", "5811"))
            ore = self.amount(2000, 90000)
            gross += ore
            rows.append((account, self.objects(), ore, ""))
        if size >= 3:
            tax = gross * 30 // 100
            rows.append(("2711", "{}", -tax, ""))
            gross -= tax
        rows.append(("1931", "{}", -gross, ""))
        self.voucher("L", f"Lön {MONTHS[day.month - 1]} {day.year}", day, rows)

    def customer_invoice(self, size: int, day: date) -> None:
        rng = self.rng
        rows = []
        total = 0
        for _ in range(size - 1):
            ore = self.amount(100, 60000)
            total += ore
            account = rng.choice(("3111", "3121", "3311", "3411", "3511"))
            rows.append((account, self.objects(), -ore, "Avgift omsorg" if account == "3121" else ""))
        rows.append(("1511", "{}", total, ""))
        self.voucher("K", f"Kundfakturor {day:%Y-%m-%d}, {rng.choice(AREAS).lower()}", day, rows)

    def internal(self, size: int, day: date) -> None:
        rng = self.rng
        rows = []
        for _ in range(size // 2):
            ore = self.amount(500, 25000)
            rows.append(("7591", self.objects(), ore, "Intern debitering"))
            rows.append(("3591", self.objects(), -ore, "Intern debitering"))
        if size % 2:
            ore = self.amount(100, 2000)
            rows[-1] = ("3591", rows[-1][1], rows[-1][2] - ore, rows[-1][3])
            rows.append(("8411", self.objects(), ore, "Räntefördelning"))
        self.voucher("M", f"Internfördelning {rng.choice(AREAS).lower()} - {MONTHS[day.month - 1]}", day, rows)

    def payment(self, size: int, day: date) -> None:
        rng = self.rng
        rows = []
        total = 0
        for _ in range(size - 1):
            ore = self.amount(100, 50000)
            total += ore
            rows.append(("2411", "{}", ore, ""))
        rows.append(("1931", "{}", -total, f"Betalning {rng.randint(1000, 9999)}"))
        self.voucher("B", "Utbetalning leverantörer, bankgiro", day, rows)

    def build(self) -> None:
        kinds = (
            [self.supplier_invoice] * 40 + [self.payroll] * 20 + [self.customer_invoice] * 20 + [self.internal] * 10
        ) + [self.payment] * 10
        while self.written < self.rows:
            remaining = self.rows - self.written
            size = self.rng.randint(2, 10)
            if remaining <= 10:
                size = remaining
            elif remaining - size < 2:
                size = remaining - 2
            day = date(YEAR, 1, 1) + timedelta(days=self.year_days * self.written // self.rows)
            self.rng.choice(kinds)(size, day)


def header(ledger: Ledger, units: list[tuple[str, str]]) -> list[str]:
    rng = random.Random(ledger.rows * 7919 + len(units))
    lines = [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        '#PROGRAM "Intraprenad benchmark" 1.0',
        f"#GEN {YEAR + 1}0115",
        '#FNAMN "Exempelkommunen"',
        "#ORGNR 212000-0000",
        '#ADRESS "Ekonomiavdelningen" "Storgatan 1" "123 45 Exempelstad" "010-123 45 67"',
        f"#RAR 0 {YEAR}0101 {YEAR}1231",
        f"#RAR -1 {YEAR - 1}0101 {YEAR - 1}1231",
        '#KPTYP "Kommun-Bas 25"',
        "#VALUTA SEK",
        '#DIM 1 "Ansvar"',
        '#DIM 6 "Projekt"',
    ]
    lines += [f'#OBJEKT 1 "{code}" {quoted(name)}' for code, name in units]
    lines += [f'#OBJEKT 6 "{code}" "Projekt {code[1:]}"' for code in ledger.projects]
    for account, name in sorted(ACCOUNTS.items()):
        lines.append(f"#KONTO {account} {quoted(name)}")
        kind = "T" if account < "2" else "S" if account < "3" else "I" if account < "4" else "K"
        lines.append(f"#KTYP {account} {kind}")
    opening: dict[str, int] = {}
    for account in BALANCE:
        if account == "2011":
            continue
        value = rng.randint(1_000_000, 50_000_000) * 100
        opening[account] = value if account < "2" else -value // 4
    opening["2011"] = -sum(opening.values())
    for account in sorted(opening):
        lines.append(f"#IB 0 {account} {ore_text(opening[account])}")
        lines.append(f"#UB -1 {account} {ore_text(opening[account])}")
    for account in sorted(BALANCE):
        lines.append(f"#UB 0 {account} {ore_text(opening[account] + ledger.sums.get(account, 0))}")
    for account in sorted(ACCOUNTS):
        if account >= "3" and account in ledger.sums:
            lines.append(f"#RES 0 {account} {ore_text(ledger.sums[account])}")
    for (account, month), ore in sorted(ledger.month_sums.items()):
        lines.append(f"#PSALDO 0 {YEAR}{month:02d} {account} {{}} {ore_text(ore)}")
    return lines


def generate(*, rows: int, seed: int, units: int) -> bytes:
    ledger = Ledger(rows=rows, seed=seed, units=units)
    ledger.build()
    text = "\n".join([*header(ledger, ledger.units), *ledger.lines]) + "\n"
    return text.encode("cp437")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="number of #TRANS rows (at least 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--units", type=int, default=500, help="number of result units in dimension 1")
    parser.add_argument("--out", type=Path, default=None, help="default: benchmarks/data/ledger_<rows>_<seed>.se")
    args = parser.parse_args(argv)
    if args.rows < 2:
        parser.error("--rows must be at least 2")
    out = args.out or Path(__file__).resolve().parent / "data" / f"ledger_{args.rows}_{args.seed}.se"
    out.parent.mkdir(parents=True, exist_ok=True)
    data = generate(rows=args.rows, seed=args.seed, units=args.units)
    out.write_bytes(data)
    print(f"{out}: {len(data) / 1e6:.1f} MB, {args.rows} #TRANS rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
