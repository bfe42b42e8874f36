"""A million synthetic registrations: Asylon's scorer against Splink 5 + DuckDB on the same
records, both at match probability >= 0.5, each in its own process so that its time and
peak memory are its own.

    /work/main/.venv/bin/python bench/dedup_million.py [N] [--seed S]     (default 1000000)

Each engine's process generates the same population (`generate_population(N, seed)`),
then resets its peak-memory mark (/proc/self/clear_refs) so that the peak it reports is
the one of deduplication, the records it was given included. Splink gets the same help
as in dedup_persian.py (folded names, phonetic keys), prepared inside its timed run as
ours is inside ours. Prints time, peak memory, precision, recall and F1 of each, the
ratios ours / Splink, and whether the issue's targets are met.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _linkage import THRESHOLD, f1

from asylon.matching.synthetic import generate_population

ENGINES = ("asylon", "splink+duckdb")
TARGET_RECALL = 0.95


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _reset_peak() -> None:
    """Make VmHWM the current RSS, so that the peak measured next is the engine's."""
    Path("/proc/self/clear_refs").write_text("5")


def _engine_pairs(engine: str, records: list[dict]) -> set:
    if engine == "asylon":
        from dedup_persian import ours_pairs

        return ours_pairs(records)
    from dedup_persian import run_splink

    return run_splink(records)


def run_child(engine: str, n: int, seed: int, out: str) -> None:
    records, truth_pairs = generate_population(n, seed=seed)
    truth = set(truth_pairs)
    gc.collect()
    input_kib = _status_kib("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    pairs = _engine_pairs(engine, records)
    seconds = time.perf_counter() - start
    peak_kib = _status_kib("VmHWM")
    precision, recall, score = f1(pairs, truth)
    result = {
        "engine": engine,
        "seconds": seconds,
        "peak_kib": peak_kib,
        "input_kib": input_kib,
        "precision": precision,
        "recall": recall,
        "f1": score,
        "found": len(pairs),
        "truth": len(truth),
    }
    Path(out).write_text(json.dumps(result))


def run_engine(engine: str, n: int, seed: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    try:
        command = [sys.executable, __file__, str(n), "--seed", str(seed), "--engine", engine, "--out", out]
        subprocess.run(command, check=True)
        return json.loads(Path(out).read_text())
    finally:
        Path(out).unlink(missing_ok=True)


def _mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--engine", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine:
        run_child(args.engine, args.n, args.seed, args.out)
        return

    print(f"{args.n:,} synthetic records (seed {args.seed}); threshold: match probability >= {THRESHOLD}")
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    results = {engine: run_engine(engine, args.n, args.seed) for engine in ENGINES}
    print(f"{results['asylon']['truth']:,} true pairs")
    for engine, r in results.items():
        print(
            f"{engine:14} time={r['seconds']:7.1f}s peak memory={_mib(r['peak_kib']):>10} "
            f"(records alone {_mib(r['input_kib'])}) found={r['found']:,} "
            f"P={r['precision']:.4f} R={r['recall']:.4f} F1={r['f1']:.4f}"
        )
    ours, theirs = results["asylon"], results["splink+duckdb"]
    time_ratio = ours["seconds"] / theirs["seconds"]
    memory_ratio = ours["peak_kib"] / theirs["peak_kib"]
    print(f"asylon / splink+duckdb: time ratio {time_ratio:.2f}, peak memory ratio {memory_ratio:.2f}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    recall_met = ours["recall"] >= TARGET_RECALL
    faster_met = time_ratio < 1 and memory_ratio < 1
    print(f"target recall >= {TARGET_RECALL}: {'met' if recall_met else 'NOT met'} (R={ours['recall']:.4f})")
    print(f"target less time and memory than splink+duckdb: {'met' if faster_met else 'NOT met'}")


if __name__ == "__main__":
    main()
