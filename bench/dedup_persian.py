"""Synthetic Persian-name registrations (`synthetic.generate_population`): Asylon's scorer
against Splink 5 + DuckDB on the same records, both at match probability >= 0.5.

    .venv/bin/python bench/dedup_persian.py [N] [--no-splink]     (default 20000)
"""

from __future__ import annotations

import sys
import time

from _linkage import THRESHOLD, f1

from asylon.demo.synthetic import generate_population
from asylon.matching import splink_engine
from asylon.matching.scorer import register_deduplicator


def run_splink(records: list[dict]) -> set:
    """Splink + DuckDB with the same help ours has (folded names, phonetic keys): the app's own
    Splink model (asylon.matching.splink_engine), trained on these records as Splink's
    tutorials train."""
    pairs = splink_engine.dedupe(records, backend="duckdb", train_model=True)
    return {(a, b) for a, b, _p in pairs}


def ours_pairs(records: list[dict]) -> set:
    ids = [r["record_id"] for r in records]
    return {tuple(sorted((ids[p.i], ids[p.j]))) for p in register_deduplicator().run(records)}


def measure(fn):
    start = time.perf_counter()
    pairs = fn()
    return pairs, time.perf_counter() - start


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 20_000
    with_splink = "--no-splink" not in sys.argv
    records, truth_pairs = generate_population(n, seed=2024)
    truth = set(truth_pairs)
    print(f"{n} records, {len(truth)} true pairs; threshold: match probability >= {THRESHOLD}")
    results = {}
    engines = [("asylon", lambda: ours_pairs(records))]
    if with_splink:
        engines.append(("splink+duckdb", lambda: run_splink(records)))
    for engine, fn in engines:
        pairs, seconds = measure(fn)
        p, r, score = f1(pairs, truth)
        results[engine] = (score, seconds)
        print(f"{engine:14} P={p:.4f} R={r:.4f} F1={score:.4f} time={seconds:.2f}s")
    if not with_splink:
        return
    ours, theirs = results["asylon"], results["splink+duckdb"]
    print(
        f"asylon / splink+duckdb: F1 ratio {ours[0] / max(theirs[0], 1e-9):.3f}, time ratio {ours[1] / theirs[1]:.2f}"
    )


if __name__ == "__main__":
    main()
