"""FEBRL3 (deduplication) and FEBRL4 (linkage of two files), shipped in `recordlinkage`:
Asylon's scorer against Splink 5 + DuckDB and recordlinkage (ECM), all at a threshold fixed
in advance (match probability 0.5), in the same run. Prints F1 and time, and the ratios.

    .venv/bin/pip install -e '.[dev,bench]'    # recordlinkage and its FEBRL data: not in `make install`
    .venv/bin/python bench/dedup_febrl.py
"""

from __future__ import annotations

import time

import pandas as pd
from _linkage import THRESHOLD, f1, splink_pairs

from asylon.matching.scorer import Deduplicator, Field

FIELDS = [
    Field("given_name", "name"),
    Field("surname", "name"),
    Field("date_of_birth", "date"),
    Field("soc_sec_id", "code"),
    Field("street_number", "exact"),
    Field("address_1", "string"),
    Field("suburb", "string"),
    Field("postcode", "code"),
    Field("state", "exact"),
]
BLOCKING = [
    ["given_name", "surname"],
    ["surname", "date_of_birth"],
    ["given_name", "date_of_birth"],
    ["soc_sec_id"],
    ["postcode", "date_of_birth:year"],
    ["given_name", "postcode"],
    ["surname", "postcode"],
]


def asylon_pairs(frames: list[pd.DataFrame]) -> set:
    records = []
    for index, frame in enumerate(frames):
        for rec_id, row in frame.iterrows():
            records.append({"record_id": str(rec_id), "__src": index, **row.to_dict()})
    dedup = Deduplicator(FIELDS, BLOCKING, threshold=THRESHOLD, source="__src" if len(frames) > 1 else None)
    ids = [r["record_id"] for r in records]
    return {tuple(sorted((ids[p.i], ids[p.j]))) for p in dedup.run(records)}


def splink_settings(link: bool):
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="link_only" if link else "dedupe_only",
        unique_id_column_name="rec_id",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.8]),
            cl.JaroWinklerAtThresholds("suburb", [0.9, 0.8]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]),
            cl.ExactMatch("state"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("surname", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "substr(date_of_birth, 1, 4)"),
            block_on("given_name", "postcode"),
            block_on("surname", "postcode"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def run_splink(frames: list[pd.DataFrame], link: bool) -> set:
    from splink import block_on

    prepared = [f.reset_index() for f in frames]
    return splink_pairs(
        prepared,
        splink_settings(link),
        [block_on("given_name", "surname", "date_of_birth"), block_on("soc_sec_id", "date_of_birth")],
        [block_on("given_name", "surname"), block_on("date_of_birth"), block_on("postcode")],
        uid="rec_id",
    )


def run_recordlinkage(frames: list[pd.DataFrame]) -> set:
    import recordlinkage as rl

    indexer = rl.Index()
    for key in (
        ["given_name", "surname"],
        ["surname", "date_of_birth"],
        ["given_name", "date_of_birth"],
        ["soc_sec_id"],
        ["given_name", "postcode"],
        ["surname", "postcode"],
    ):
        indexer.block(key)
    candidates = indexer.index(*frames)
    compare = rl.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("soc_sec_id", "soc_sec_id", label="soc_sec_id")
    compare.exact("street_number", "street_number", label="street_number")
    compare.string("address_1", "address_1", threshold=0.85, label="address_1")
    compare.string("suburb", "suburb", threshold=0.85, label="suburb")
    compare.exact("postcode", "postcode", label="postcode")
    compare.exact("state", "state", label="state")
    features = compare.compute(candidates, *frames)
    matches = rl.ECMClassifier(binarize=0.5).fit_predict(features)
    return {tuple(sorted((str(a), str(b)))) for a, b in matches}


def measure(name: str, fn) -> tuple[set, float]:
    start = time.perf_counter()
    pairs = fn()
    return pairs, time.perf_counter() - start


def main() -> None:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    df3, links3 = load_febrl3(return_links=True)
    a4, b4, links4 = load_febrl4(return_links=True)
    tasks = {
        "FEBRL3 dedupe": ([df3], {tuple(sorted(p)) for p in links3}, False),
        "FEBRL4 link": ([a4, b4], {tuple(sorted(p)) for p in links4}, True),
    }
    print(f"threshold: match probability >= {THRESHOLD} for every engine")
    for task, (frames, truth, link) in tasks.items():
        results = {}
        for engine, fn in (
            ("asylon", lambda frames=frames: asylon_pairs(frames)),
            ("splink+duckdb", lambda frames=frames, link=link: run_splink(frames, link)),
            ("recordlinkage", lambda frames=frames: run_recordlinkage(frames)),
        ):
            pairs, seconds = measure(engine, fn)
            p, r, score = f1(pairs, truth)
            results[engine] = (score, seconds)
            print(f"{task:14} {engine:14} P={p:.4f} R={r:.4f} F1={score:.4f} time={seconds:.2f}s")
        ours = results["asylon"]
        for anchor in ("splink+duckdb", "recordlinkage"):
            theirs = results[anchor]
            print(
                f"{task:14} asylon / {anchor}: F1 ratio {ours[0] / max(theirs[0], 1e-9):.3f}, "
                f"time ratio {ours[1] / max(theirs[1], 1e-9):.2f}"
            )


if __name__ == "__main__":
    main()
