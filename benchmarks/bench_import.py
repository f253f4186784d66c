"""Full import time of a large SIE file (parse + store + monthly actuals) into SQLite and into PostgreSQL.

    python benchmarks/bench_import.py [--rows 1000000] [--seed 1] [--db sqlite,postgres]
                                      [--pg-url postgres://postgres@127.0.0.1:5432/postgres]

Makes the file with `benchmarks/generate_ledger.py` (kept in benchmarks/data/), then for each database runs a
child process with its own settings: a fresh database (a temporary SQLite file; a throwaway PostgreSQL database,
dropped afterwards), migrated, with every dimension-1 object of the file mapped to a result unit, and times
`services.ledger.import_ledger` as the import page and the `import_sie` command call it. The phases are read
off the import's progress reports: parse (to 50 %), checks (to 56 %), vouchers and transactions written (to
92 %), monthly actuals rebuilt (to 98 %), and the rest (saving the import, the audit row and the commit).
Each phase gets its wall time, this process's CPU time and, for a local PostgreSQL, the CPU time of the session's
server process. The schema is the migrated one (Transaction.voucher and .ledger_import have no database
constraints, ADR 19). BENCH_PROFILE=FILE writes a cProfile of the import.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
TARGET_SECONDS = 10.0
PHASES = ((50, "parse"), (56, "checks"), (92, "rows"), (98, "actuals"))


def ledger_file(rows: int, seed: int) -> Path:
    path = DATA / f"ledger_{rows}_{seed}.se"
    if not path.exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "generate_ledger.py"),
                "--rows",
                str(rows),
                "--seed",
                str(seed),
                "--out",
                str(path),
            ],
            check=True,
        )
    return path


# --- the child: one database ------------------------------------------------------------------------


def child(path: Path) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from intraprenad.accounts.models import OrgUnit, User
    from intraprenad.economy.models import LedgerObject, MonthlyActual, ResultUnit, Transaction
    from intraprenad.economy.services import ledger

    call_command("migrate", verbosity=0, interactive=False)
    data = path.read_bytes()
    objects = sorted(set(re.findall(rb'^#OBJEKT 1 "([^"]+)"', data, flags=re.MULTILINE)))
    root = OrgUnit.objects.create(name="Benchmark kommun", kind=OrgUnit.Kind.MUNICIPALITY)
    administration = OrgUnit.objects.create(name="Förvaltningen", kind=OrgUnit.Kind.ADMINISTRATION, parent=root)
    units = OrgUnit.objects.bulk_create(
        [OrgUnit(name=f"Enhet {o.decode()}", kind=OrgUnit.Kind.UNIT, parent=administration) for o in objects]
    )
    result_units = ResultUnit.objects.bulk_create([ResultUnit(org_unit=u) for u in units])
    LedgerObject.objects.bulk_create(
        [
            LedgerObject(result_unit=r, dimension="1", object_id=o.decode())
            for r, o in zip(result_units, objects, strict=True)
        ]
    )
    user = User.objects.create_superuser("bench", password="bench-bench-bench")

    server = server_clock(connection)
    marks: dict[str, tuple[float, float, float]] = {}
    start = clocks(server)

    def progress(percent: int) -> None:
        for limit, name in PHASES:
            if percent >= limit and name not in marks:
                marks[name] = clocks(server)

    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    result = ledger.import_ledger(by=user, data=data, file_name=path.name, progress=progress)
    if os.environ.get("BENCH_PROFILE"):
        profiler.disable()
        profiler.dump_stats(os.environ["BENCH_PROFILE"])
    end = clocks(server)
    phases, before = {}, start
    for _limit, name in PHASES:
        phases[name] = [round(b - a, 2) for a, b in zip(before, marks.get(name, before), strict=True)]
        before = marks.get(name, before)
    phases["finish"] = [round(b - a, 2) for a, b in zip(before, end, strict=True)]
    total = [round(b - a, 2) for a, b in zip(start, end, strict=True)]
    return {
        "database": f"sqlite {connection.Database.sqlite_version}"
        if connection.vendor == "sqlite"
        else f"postgresql {connection.pg_version // 10000}",
        "status": result.status,
        "transactions": Transaction.objects.count(),
        "vouchers": result.voucher_count,
        "monthly_actuals": MonthlyActual.objects.count(),
        "units": len(objects),
        "seconds": total[0],
        "cpu": total[1],
        "server_cpu": total[2] if server else None,
        "phases": phases,
    }


def server_clock(connection):
    """PostgreSQL on this machine: a function giving the CPU seconds of this session's server process (COPY and
    the index updates run there, not in Python); otherwise None."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    if not stat.exists():
        return None
    tick = os.sysconf("SC_CLK_TCK")

    def seconds() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    return seconds


def clocks(server) -> tuple[float, float, float]:
    """Wall time, this process's CPU time (all threads) and the server process's CPU time."""
    return time.perf_counter(), time.process_time(), server() if server else 0.0


# --- the parent: one child per database -------------------------------------------------------------


def run_child(path: Path, env: dict) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def on_sqlite(path: Path) -> dict:
    with tempfile.TemporaryDirectory() as directory:
        env = {"INTRAPRENAD_SQLITE_PATH": str(Path(directory) / "bench.sqlite3"), "DATABASE_URL": ""}
        return run_child(path, env)


def on_postgres(path: Path, admin_url: str) -> dict:
    import psycopg

    name = f"intraprenad_bench_{os.getpid()}"
    base = admin_url.rsplit("/", 1)[0]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name}")
        admin.execute(f"CREATE DATABASE {name}")
    try:
        return run_child(path, {"DATABASE_URL": f"{base}/{name}"})
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    path = ledger_file(args.rows, args.seed)
    print(f"{path.name}: {path.stat().st_size / 1e6:.1f} MB, {args.rows} #TRANS rows; load {os.getloadavg()[0]:.1f}")
    failed = False
    for db in args.db.split(","):
        result = on_sqlite(path) if db == "sqlite" else on_postgres(path, args.pg_url)
        verdict = "ok" if result["seconds"] <= TARGET_SECONDS else f"over the {TARGET_SECONDS:.0f} s target"
        server = result["server_cpu"] is not None
        print(
            f"{result['database']}: full import {result['seconds']:.2f} s ({verdict}); CPU {result['cpu']:.2f} s"
            + (f" + server {result['server_cpu']:.2f} s" if server else "")
            + f"; {result['transactions']} transactions, {result['vouchers']} vouchers, "
            f"{result['monthly_actuals']} monthly actuals for {result['units']} units, status {result['status']}; "
            f"load {os.getloadavg()[0]:.1f}"
        )
        for name, (wall, cpu, server_cpu) in result["phases"].items():
            on_server = f" + server {server_cpu:5.2f} s" if server else ""
            print(f"  {name:>8}: {wall:6.2f} s, CPU {cpu:5.2f} s{on_server}")
        failed |= result["status"] != "done"
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
