"""Time to build the board overview of the follow-up for many result units.

    python benchmarks/bench_overview.py [--units 500] [--runs 9] [--backend all|sqlite|postgres]
                                        [--index both|models|covering]

Creates, in a throw-away database, one board with `--units` result units (half intraprenader, half
comparable units, five types of service), each with an approved budget of 12 months × 5 lines and
monthly actuals of 12 months × 5 lines for the year and the two years before (so the seasonal
profile is used), a few manual forecasts and open warnings. It then times
`queries.followup.overview(economist, year=…)` (the figures behind the overview page: every unit's
budget and actual to date, deviation, full-year forecast with method, warning flag, group and grand
totals) and prints the median of `--runs` runs after one warm-up run, with the number of queries.

SQLite uses a temporary file. PostgreSQL is used if a server answers at postgres://postgres@127.0.0.1:5432
(override with BENCH_POSTGRES_URL); a temporary database is created and dropped. Each backend runs in
its own process because Django's settings are read once per process. The tables are created from the
current models (no migrations), like `pytest --no-migrations`.

`--index covering` adds two covering indexes that the overview's aggregates can be answered from
without reading the table rows (MonthlyActual (year, result_unit, line, month, amount_ore) and
BudgetAmount (budget, line, month, amount_ore)); `both` (the default) times the models' own indexes
and then the covering ones. CPU time is the benchmark process's own (on SQLite it includes the
database's work; on PostgreSQL the server's work is not in it). The load average is printed because
the wall time on a shared 2-core machine depends on what else runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2025
LINES = {  # öre per month and unit, result sign (before a per-unit scale factor)
    "revenue": 1_000_000_00,
    "purchases": -120_000_00,
    "personnel": -700_000_00,
    "other": -170_000_00,
    "financial": -2_000_00,
}
SEASON = [1.0, 1.0, 1.05, 1.0, 1.0, 1.15, 0.8, 0.85, 1.0, 1.0, 1.0, 1.1]  # personnel costs over the year
SERVICE_TYPES = ["Hemtjänst", "Förskola", "Grundskola", "Särskilt boende", "Daglig verksamhet"]
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
COVERING_INDEXES = (
    "CREATE INDEX bench_actual_cover ON economy_monthlyactual (year, result_unit_id, line, month, amount_ore)",
    "CREATE INDEX bench_budgetamount_cover ON economy_budgetamount (budget_id, line, month, amount_ore)",
)


# --- the child process: one backend ------------------------------------------------------------------------


class _NoMigrations(dict):
    def __contains__(self, item) -> bool:
        return True

    def __getitem__(self, item):
        return None


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    settings.MIGRATION_MODULES = _NoMigrations()
    settings.DEBUG = False
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


def _populate(units: int) -> object:
    """The board, its units and their figures; returns the economist who sees them all."""
    from django.utils import timezone

    from intraprenad.accounts.models import OrgUnit, Role, RoleAssignment, User
    from intraprenad.economy.models import (
        Budget,
        BudgetAmount,
        EarlyWarning,
        ForecastEntry,
        MonthlyActual,
        ResultUnit,
    )

    K = OrgUnit.Kind
    now = timezone.now()
    root = OrgUnit.objects.create(name="Benchkommun", kind=K.MUNICIPALITY)
    board = OrgUnit.objects.create(name="Socialnämnden", kind=K.BOARD, parent=root, short_name="SN")
    administration = OrgUnit.objects.create(name="Socialförvaltningen", kind=K.ADMINISTRATION, parent=board)
    OrgUnit.objects.bulk_create(
        OrgUnit(
            name=f"Enhet {n:04d}",
            kind=K.UNIT,
            parent=administration,
            service_type=SERVICE_TYPES[n % len(SERVICE_TYPES)],
        )
        for n in range(units)
    )
    org_ids = list(OrgUnit.objects.filter(kind=K.UNIT).order_by("id").values_list("id", flat=True))
    ResultUnit.objects.bulk_create(
        ResultUnit(org_unit_id=org_id, is_comparison=n % 2 == 1) for n, org_id in enumerate(org_ids)
    )
    unit_ids = list(ResultUnit.objects.order_by("id").values_list("id", flat=True))
    Budget.objects.bulk_create(
        Budget(result_unit_id=uid, year=YEAR, status=Budget.Status.APPROVED, created_at=now, approved_at=now)
        for uid in unit_ids
    )
    budgets = dict(Budget.objects.values_list("result_unit_id", "id"))
    scale = {uid: 0.5 + (n % 20) / 10 for n, uid in enumerate(unit_ids)}
    BudgetAmount.objects.bulk_create(
        (
            BudgetAmount(budget_id=budgets[uid], line=line, month=month, amount_ore=int(amount * scale[uid]))
            for uid in unit_ids
            for month in range(1, 13)
            for line, amount in LINES.items()
        ),
        batch_size=5000,
    )
    actuals = []
    for n, uid in enumerate(unit_ids):
        overrun = 1 + (n % 7 - 2) / 100  # some units over budget, some under
        for year in (YEAR - 2, YEAR - 1, YEAR):
            for month in range(1, 13):
                for line, amount in LINES.items():
                    season = SEASON[month - 1] if line == "personnel" else 1.0
                    factor = overrun if line != "revenue" else 1.0
                    value = int(amount * scale[uid] * season * factor * (1 + (year - YEAR) / 50))
                    actuals.append(
                        MonthlyActual(result_unit_id=uid, year=year, month=month, line=line, amount_ore=value)
                    )
    MonthlyActual.objects.bulk_create(actuals, batch_size=5000)
    economist = User.objects.create(username="ekonom")
    RoleAssignment.objects.create(user=economist, role=Role.ECONOMIST, org_unit=administration)
    ForecastEntry.objects.bulk_create(
        ForecastEntry(
            result_unit_id=uid, year=YEAR, month=12, result_ore=-1, comment="x", entered_by=economist, entered_at=now
        )
        for uid in unit_ids[::10]
    )
    EarlyWarning.objects.bulk_create(
        EarlyWarning(
            result_unit_id=uid, year=YEAR, month=6, method="run_rate", forecast_ore=-1, threshold_ore=0, created_at=now
        )
        for uid in unit_ids[::7]
    )
    return economist


def _child(units: int, runs: int, covering: bool) -> dict:
    _setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from intraprenad.accounts.models import User
    from intraprenad.economy.queries import followup as queries

    started = time.perf_counter()
    economist = _populate(units)
    with connection.cursor() as cursor:
        for statement in COVERING_INDEXES if covering else ():
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")  # what autovacuum does after a bulk load
    populate_s = time.perf_counter() - started

    def build(month: int | None):
        user = User.objects.get(pk=economist.pk)  # a fresh user per "request": role scopes are read again
        started, cpu = time.perf_counter(), time.process_time()
        overview = queries.overview(user, year=YEAR, month=month)
        return time.perf_counter() - started, time.process_time() - cpu, overview

    results = {}
    for label, month in (("after December (12 months)", None), ("after June", 6)):
        *_times, overview = build(month)  # warm-up
        with CaptureQueriesContext(connection) as captured:
            build(month)
        measured = [build(month)[:2] for _ in range(runs)]
        wall = [w for w, _cpu in measured]
        results[label] = {
            "median_ms": round(statistics.median(wall) * 1000, 1),
            "min_ms": round(min(wall) * 1000, 1),
            "max_ms": round(max(wall) * 1000, 1),
            "cpu_median_ms": round(statistics.median(cpu for _w, cpu in measured) * 1000, 1),
            "queries": len(captured) - 1,  # less the user's own row
            "units": overview.totals.units,
            "month": overview.month,
        }
    return {
        "backend": connection.vendor,
        "units": units,
        "runs": runs,
        "covering": covering,
        "populate_s": round(populate_s, 1),
        **results,
    }


# --- the parent process -------------------------------------------------------------------------------------


def _postgres_reachable() -> bool:
    try:
        import psycopg

        with psycopg.connect(_pg_dsn(POSTGRES_URL), connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def _pg_dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1)


def _run(backend: str, units: int, runs: int, covering: bool) -> dict:
    env = dict(os.environ)
    cleanup = None
    if backend == "sqlite":
        handle, path = tempfile.mkstemp(suffix=".sqlite3", prefix="bench_overview_")
        os.close(handle)
        env.pop("DATABASE_URL", None)
        env["INTRAPRENAD_SQLITE_PATH"] = path

        def cleanup():
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(path + suffix).unlink(missing_ok=True)

    else:
        import psycopg

        name = f"bench_overview_{os.getpid()}"
        with psycopg.connect(_pg_dsn(POSTGRES_URL), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base = urlparse(POSTGRES_URL)
        env["DATABASE_URL"] = base._replace(path=f"/{name}").geturl()

        def cleanup():
            with psycopg.connect(_pg_dsn(POSTGRES_URL), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    try:
        output = subprocess.run(
            [sys.executable, __file__, "--child", "--units", str(units), "--runs", str(runs)]
            + (["--index", "covering"] if covering else []),
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return json.loads(output.strip().splitlines()[-1])
    finally:
        cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--backend", choices=["all", "sqlite", "postgres"], default="all")
    parser.add_argument("--index", choices=["both", "models", "covering"], default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.units, args.runs, args.index == "covering")))
        return
    backends = ["sqlite", "postgres"] if args.backend == "all" else [args.backend]
    variants = {"both": [False, True], "models": [False], "covering": [True]}[args.index]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for backend in backends:
        if backend == "postgres" and not _postgres_reachable():
            print(f"postgresql: not reachable at {POSTGRES_URL}, skipped")
            continue
        for covering in variants:
            result = _run(backend, args.units, args.runs, covering)
            indexes = "with the suggested covering indexes" if covering else "with the models' indexes"
            print(
                f"{result['backend']}, {indexes}: {result['units']} units × 12 months × 5 lines "
                f"(+ 2 earlier years; data created in {result['populate_s']} s)"
            )
            for label in ("after December (12 months)", "after June"):
                r = result[label]
                print(
                    f"  overview {label}: median {r['median_ms']} ms (min {r['min_ms']}, max {r['max_ms']}; "
                    f"process CPU {r['cpu_median_ms']} ms; {args.runs} runs), "
                    f"{r['queries']} queries, {r['units']} units"
                )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
