"""Time the SIE parser on a large ledger: parse time, peak memory and rows per second.

    python benchmarks/bench_parse.py [FILE] [--runs 3] [--bytes]

Without FILE, the 1,000,000-row ledger from generate_ledger.py (seed 1) is used, generated into
benchmarks/data/ first if it is not there. Each run parses the file in a fresh Python process, so
the peak resident memory (ru_maxrss of the child, read with getrusage(RUSAGE_CHILDREN)) includes
polars' own allocations and nothing left over from earlier runs. Printed: the best run's time, the
CPU time of that run (user + system, both threads), the highest peak memory, and rows per second.

By default the parser is given the file's path, as the background import does with a stored
upload (the file is read in chunks and never held whole). `--bytes` reads the file first and
parses the bytes, as for a small upload in memory; the bytes then count in the peak as well.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT = HERE / "data" / "ledger_1000000_1.se"

CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
import polars
from intraprenad.economy.sie import parse
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if {as_bytes!r}:
    with open({path!r}, "rb") as handle:
        source = handle.read()
else:
    source = {path!r}
before = resource.getrusage(resource.RUSAGE_SELF)
started = time.perf_counter()
ledger = parse(source, file_name={name!r})
parsed = time.perf_counter() - started
after = resource.getrusage(resource.RUSAGE_SELF)
cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
parse_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
summarised = None
if {summary!r}:
    started = time.perf_counter()
    units = len(ledger.summary()["units"])
    summarised = time.perf_counter() - started
print(json.dumps({{
    "parse_s": parsed,
    "cpu_s": cpu,
    "summary_s": summarised,
    "baseline_kb": baseline,
    "transactions": ledger.transactions.height,
    "vouchers": ledger.vouchers.height,
    "parse_peak_kb": parse_peak,
    "summary_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "units": units if summarised is not None else None,
    "ok": ledger.reconciliation.ok,
    "checked": ledger.reconciliation.checked,
    "polars": polars.__version__,
}}))
"""


def run_once(path: Path, as_bytes: bool, summary: bool = False) -> dict:
    code = CHILD.format(root=str(ROOT), path=str(path), name=path.name, as_bytes=as_bytes, summary=summary)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(completed.stdout)
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far; children are alike, so take it as this one's.
    result["peak_kb"] = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bytes", action="store_true", help="parse the bytes in memory instead of the path")
    args = parser.parse_args(argv)
    path = args.file or DEFAULT
    if args.file is None and not path.exists():
        print(f"generating {path} ...", file=sys.stderr)
        subprocess.run([sys.executable, str(HERE / "generate_ledger.py"), "--out", str(path)], check=True)
    runs = [run_once(path, args.bytes) for _ in range(args.runs)]  # parse only: the peak is the parse's
    summarised = run_once(path, args.bytes, summary=True)
    best = min(runs, key=lambda run: run["parse_s"])
    peak_mb = max(run["peak_kb"] for run in runs) / 1024
    size_mb = path.stat().st_size / 1e6
    rows = best["transactions"]
    print(f"file:           {path} ({size_mb:.1f} MB, {rows:,} #TRANS rows, {best['vouchers']:,} vouchers)")
    times = ", ".join(f"{run['parse_s']:.2f}" for run in runs)
    print(f"input:          {'bytes in memory' if args.bytes else 'path (read in chunks)'}")
    print(f"parse time:     {best['parse_s']:.2f} s (best of {len(runs)}: {times}), CPU {best['cpu_s']:.2f} s")
    print(f"rows/s:         {rows / best['parse_s']:,.0f}")
    print(f"peak memory:    {peak_mb:.0f} MB resident (interpreter with polars: {best['baseline_kb'] / 1024:.0f} MB)")
    print(
        f"summary():      {summarised['summary_s']:.2f} s for {summarised['units']} units "
        f"(peak with it {summarised['summary_peak_kb'] / 1024:.0f} MB)"
    )
    print(f"reconciliation: {'ok' if best['ok'] else 'NOT ok'} {best['checked']}")
    print(f"polars:         {best['polars']}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
