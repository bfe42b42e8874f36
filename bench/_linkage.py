"""Shared pieces of the duplicate-detection benchmarks: F1, and the Splink anchor."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

# Fixed in advance for every engine: a pair is a duplicate when its match probability is >= 0.5.
THRESHOLD = 0.5


def f1(found: set, truth: set) -> tuple[float, float, float]:
    tp = len(found & truth)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(truth) if truth else 0.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, score


def splink_pairs(
    frames, settings, deterministic: list, em_blocks: list, recall: float = 0.7, uid: str = "unique_id"
) -> set:
    """Pairs Splink (DuckDB backend) predicts at THRESHOLD, trained the way its tutorials train."""
    from splink import Linker
    from splink.backends.duckdb import DuckDBAPI

    db_api = DuckDBAPI()
    tables = [db_api.register(f) for f in frames]
    linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in em_blocks:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    df = linker.inference.predict(threshold_match_probability=THRESHOLD).as_pandas_dataframe()
    return {tuple(sorted((str(a), str(b)))) for a, b in zip(df[f"{uid}_l"], df[f"{uid}_r"], strict=True)}
