"""The demo municipality's ledger: deterministic SIE 4E exports, one per year, built from planned results.

The demo imports these through the real import service, as an economist would upload the
municipality's monthly export. Each unit's planned result per income-statement line (result sign:
revenue +, costs −) is spread over the months with a seasonal pattern and booked as realistic
vouchers: the monthly frame, fees, payroll with employer contributions, supplier invoices and
capital costs, each balanced against a balance-sheet account.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

ACCOUNTS = {
    "1930": "Bank",
    "2440": "Leverantörsskulder",
    "2710": "Personalens källskatt",
    "2940": "Upplupna sociala avgifter",
    "1790": "Interna fordringar",
    "3510": "Kommunbidrag, intern ram",
    "3610": "Avgifter och ersättningar",
    "4610": "Köpta tjänster",
    "4950": "Förbrukningsmaterial",
    "5010": "Löner tillsvidareanställda",
    "5110": "Löner timavlönade",
    "5410": "Arbetsgivaravgifter",
    "6110": "Lokalhyra",
    "7010": "Kontorsmaterial",
    "7410": "Resor och transporter",
    "8410": "Internränta",
}

# A monthly pattern per line (weights; summer months cost more in staff and earn less in fees).
PERSONNEL_PATTERN = (8, 8, 8, 8, 8, 9, 12, 10, 8, 8, 8, 9)
EVEN = (1,) * 12


@dataclass(frozen=True)
class UnitPlan:
    object_id: str
    name: str
    lines: dict[str, int]  # line -> annual amount in öre, result sign


def _spread(total: int, weights) -> list[int]:
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def _amount(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    ore = abs(ore)
    return f"{sign}{ore // 100}.{ore % 100:02d}"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sie_export(*, year: int, through_month: int, plans: list[UnitPlan], generated_on: date, seed: int) -> bytes:
    """An SIE 4E export of the demo municipality's ledger for `year`, months 1..through_month."""
    rng = random.Random(seed * 10_000 + year)
    header = [
        "#FLAGGA 0",
        '#PROGRAM "Demo kommun ekonomisystem" 1.0',
        "#FORMAT PC8",
        f"#GEN {generated_on:%Y%m%d}",
        "#SIETYP 4",
        '#FNAMN "Demo kommun"',
        "#ORGNR 212000-0000",
        f"#RAR 0 {year}0101 {year}1231",
        "#KPTYP KOMMUN",
        '#DIM 1 "Ansvar"',
    ]
    header += [f"#OBJEKT 1 {_quote(p.object_id)} {_quote(p.name)}" for p in plans]
    header += [f"#KONTO {account} {_quote(name)}" for account, name in ACCOUNTS.items()]
    vouchers: list[str] = []
    sums: dict[str, int] = {}
    counters: dict[str, int] = {}

    def voucher(series: str, day: date, text: str, rows: list[tuple[str, str, int]]) -> None:
        if not any(amount for _account, _object, amount in rows):
            return
        counters[series] = counters.get(series, 0) + 1
        vouchers.append(f"#VER {series} {counters[series]} {day:%Y%m%d} {_quote(text)}")
        vouchers.append("{")
        for account, obj, amount in rows:
            objects = f'{{1 "{obj}"}}' if obj else "{}"
            vouchers.append(f"   #TRANS {account} {objects} {_amount(amount)}")
            sums[account] = sums.get(account, 0) + amount
        vouchers.append("}")

    for plan in plans:
        months = {
            line: _spread(total, PERSONNEL_PATTERN if line == "personnel" else EVEN)
            for line, total in plan.lines.items()
        }
        for m in range(1, through_month + 1):
            day = date(year, m, 25)
            month_name = f"{year}-{m:02d}"
            obj = plan.object_id
            revenue = months.get("revenue", [0] * 12)[m - 1]
            frame = revenue * 9 // 10
            fees = revenue - frame
            voucher(
                "I",
                date(year, m, 1),
                f"Intern ram {month_name} {plan.name}",
                [
                    ("3510", obj, -frame),
                    ("1790", "", frame),
                ],
            )
            voucher(
                "K",
                date(year, m, 20),
                f"Avgifter {month_name} {plan.name}",
                [
                    ("3610", obj, -fees),
                    ("1930", "", fees),
                ],
            )
            personnel = -months.get("personnel", [0] * 12)[m - 1]
            wages = personnel * 76 // 100
            hourly = wages // 8
            contributions = personnel - wages
            voucher(
                "L",
                day,
                f"Lönekörning {month_name} {plan.name}",
                [
                    ("5010", obj, wages - hourly),
                    ("5110", obj, hourly),
                    ("5410", obj, contributions),
                    ("2710", "", -(wages * 30 // 100)),
                    ("2940", "", -contributions),
                    ("1930", "", -(wages - wages * 30 // 100)),
                ],
            )
            purchases = -months.get("purchases", [0] * 12)[m - 1]
            split = rng.randint(55, 75)
            services = purchases * split // 100
            voucher(
                "LF",
                date(year, m, rng.randint(3, 18)),
                f'Leverantörsfakturor {month_name} - "köpta tjänster"',
                [
                    ("4610", obj, services),
                    ("4950", obj, purchases - services),
                    ("2440", "", -purchases),
                ],
            )
            other = -months.get("other", [0] * 12)[m - 1]
            rent = other * 6 // 10
            office = (other - rent) // 2
            voucher(
                "LF",
                date(year, m, rng.randint(3, 18)),
                f"Hyra och övrigt {month_name} {plan.name}",
                [
                    ("6110", obj, rent),
                    ("7010", obj, office),
                    ("7410", obj, other - rent - office),
                    ("2440", "", -other),
                ],
            )
            financial = -months.get("financial", [0] * 12)[m - 1]
            voucher(
                "M",
                date(year, m, 28),
                f"Kapitalkostnad {month_name} {plan.name}",
                [
                    ("8410", obj, financial),
                    ("1790", "", -financial),
                ],
            )

    balances = []
    for account in ACCOUNTS:
        if account[0] in "12":
            balances.append(f"#IB 0 {account} 0.00")
            balances.append(f"#UB 0 {account} {_amount(sums.get(account, 0))}")
        elif account in sums:
            balances.append(f"#RES 0 {account} {_amount(sums[account])}")
    text = "\n".join(header + balances + vouchers) + "\n"
    return text.encode("cp437")
