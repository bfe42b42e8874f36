"""Synthetic Persian-name registrations (`synthetic.generate_population`): Asylon's scorer
against Splink 5 + DuckDB on the same records, both at match probability >= 0.5.

    /work/main/.venv/bin/python bench/dedup_persian.py [N]      (default 20000)
"""

from __future__ import annotations

import sys
import time

import pandas as pd
from _linkage import THRESHOLD, f1, splink_pairs

from asylon.matching.names import fold, phonetic
from asylon.matching.scorer import register_deduplicator
from asylon.matching.synthetic import generate_population


def run_splink(records: list[dict]) -> set:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    # Splink gets the same help ours has: folded names (any script to Latin) and phonetic keys.
    frame = pd.DataFrame(
        [
            {
                "unique_id": r["record_id"],
                "given_name": fold(r["given_name"]) or None,
                "fathers_name": fold(r["fathers_name"]) or None,
                "family_name": fold(r["family_name"]) or None,
                "given_key": phonetic(r["given_name"]).replace(" ", "") or None,
                "fathers_key": phonetic(r["fathers_name"]).replace(" ", "") or None,
                "family_key": phonetic(r["family_name"]).replace(" ", "") or None,
                "date_of_birth": r["date_of_birth"] or None,
                "year": r["date_of_birth"][:4] or None,
                "sex": r["sex"] or None,
                "place_of_birth": fold(r["place_of_birth"]) or None,
            }
            for r in records
        ]
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("fathers_name"),
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.ExactMatch("sex"),
            cl.JaroWinklerAtThresholds("place_of_birth", [0.9]),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_key", "family_key", "year"),
            block_on("given_key", "family_key", "fathers_key"),
            block_on("given_key", "fathers_key", "year"),
            block_on("family_key", "fathers_key", "year"),
            block_on("family_key", "date_of_birth"),
            block_on("given_key", "date_of_birth"),
            block_on("given_key", "family_key"),
        ],
    )
    return splink_pairs(
        [frame],
        settings,
        [block_on("given_name", "family_name", "date_of_birth")],
        [block_on("family_key"), block_on("given_key", "year")],
    )


def ours_pairs(records: list[dict]) -> set:
    ids = [r["record_id"] for r in records]
    return {tuple(sorted((ids[p.i], ids[p.j]))) for p in register_deduplicator().run(records)}


def measure(fn):
    start = time.perf_counter()
    pairs = fn()
    return pairs, time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    records, truth_pairs = generate_population(n, seed=2024)
    truth = set(truth_pairs)
    print(f"{n} records, {len(truth)} true pairs; threshold: match probability >= {THRESHOLD}")
    results = {}
    for engine, fn in (
        ("asylon", lambda: ours_pairs(records)),
        ("splink+duckdb", lambda: run_splink(records)),
    ):
        pairs, seconds = measure(fn)
        p, r, score = f1(pairs, truth)
        results[engine] = (score, seconds)
        print(f"{engine:14} P={p:.4f} R={r:.4f} F1={score:.4f} time={seconds:.2f}s")
    ours, theirs = results["asylon"], results["splink+duckdb"]
    print(
        f"asylon / splink+duckdb: F1 ratio {ours[0] / max(theirs[0], 1e-9):.3f}, time ratio {ours[1] / theirs[1]:.2f}"
    )


if __name__ == "__main__":
    main()
