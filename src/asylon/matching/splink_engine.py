"""Duplicate detection on Splink, on one machine (DuckDB) or on a cluster (Spark).

Asylon's own scorer (`scorer.py`) is the default engine: on one machine it is faster and
more accurate (bench/dedup_persian.py). This module is the way past one machine: the same
probabilistic model, defined once here, runs on Splink's DuckDB backend or, for an operation
with tens of millions of records, on its Spark backend. Both get the help Asylon's scorer
has: names folded from any script to Latin, and phonetic keys to block on, so a name spelt
five ways in two scripts still lands in one block.

The model's parameters (m and u per comparison level, and the share of matching pairs) are
trained once on the synthetic registrations of `demo.synthetic.generate_population` and shipped in
`splink_parameters.json`, so every backend scores with exactly the same model and gives the
same pairs; `dedupe(..., train=True)` (`asylon duplicates find --engine splink --train`)
trains on the records themselves instead. `demo.splink_training.regenerate_parameters()`
rewrites the file.

Splink and the backends are optional imports: the register does not need them to run.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .names import fold, phonetic

BACKENDS = ("duckdb", "spark")
THRESHOLD = 0.5  # a pair is a probable duplicate at match probability >= 0.5, as for our scorer
PARAMETERS = Path(__file__).with_name("splink_parameters.json")


class EngineUnavailable(RuntimeError):
    """Splink, or the chosen backend, is not installed on this machine."""


def frame(records: Iterable[dict]):
    """The records as Splink reads them: folded names, phonetic keys, year of birth."""
    import pandas as pd

    def key(value: str) -> str | None:
        return phonetic(value).replace(" ", "") or None

    return pd.DataFrame(
        [
            {
                "unique_id": str(r["record_id"]),
                "given_name": fold(r.get("given_name") or "") or None,
                "fathers_name": fold(r.get("fathers_name") or "") or None,
                "family_name": fold(r.get("family_name") or "") or None,
                "given_key": key(r.get("given_name") or ""),
                "fathers_key": key(r.get("fathers_name") or ""),
                "family_key": key(r.get("family_name") or ""),
                "date_of_birth": (r.get("date_of_birth") or None),
                "year": (r.get("date_of_birth") or "")[:4] or None,
                "sex": r.get("sex") or None,
                "place_of_birth": fold(r.get("place_of_birth") or "") or None,
                "place_key": key(r.get("place_of_birth") or ""),
            }
            for r in records
        ],
        dtype="object",
    )


COMPARED = ("given_name", "fathers_name", "family_name", "date_of_birth", "sex", "place_of_birth")


def comparisons() -> list:
    """One comparison per field of COMPARED, in that order."""
    import splink.comparison_library as cl

    return [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("fathers_name"),
        cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
        cl.LevenshteinAtThresholds("date_of_birth", [1, 2]),
        cl.ExactMatch("sex"),
        cl.JaroWinklerAtThresholds("place_of_birth", [0.9]),
    ]


def settings(parameters: dict | None = None, n_records: int | None = None):
    """The model: which fields are compared and how, and the blocking rules that make pairs;
    with `parameters`, already trained.

    The shipped share of matching pairs was measured on `trained_on_records` records; it is
    rescaled to n_records on the assumption that the share of re-registrations stays the same
    (the number of pairs grows with n², the number of duplicates with n)."""
    from splink import SettingsCreator

    extra: dict[str, Any] = {}
    chosen = comparisons()
    if parameters is not None:
        trained = parameters["comparisons"]
        chosen = [
            c.configure(m_probabilities=trained[column]["m"], u_probabilities=trained[column]["u"])
            for column, c in zip(COMPARED, chosen, strict=True)
        ]
        trained_on = parameters["trained_on_records"]
        scale = (trained_on - 1) / max(1, (n_records or trained_on) - 1)
        extra["probability_two_random_records_match"] = min(
            0.5, parameters["probability_two_random_records_match"] * scale
        )
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=chosen,
        **extra,
        blocking_rules_to_generate_predictions=blocking_rules(),
    )


def blocking_rules() -> list:
    """The blocking of Asylon's own scorer (scorer.REGISTER_BLOCKING), rule for rule, on the
    phonetic keys: a typo in one field or a wrong year leaves another rule to pair a
    duplicate, and a record without a date of birth or a father's name meets on the names."""
    from splink import block_on
    from splink.blocking_rule_library import CustomRule

    month_day = "substr(date_of_birth, 6, 5)"

    def lacking(keys: tuple[str, ...], column: str) -> CustomRule:
        agree = " and ".join(f"l.{k} = r.{k}" for k in keys)
        return CustomRule(f"{agree} and (l.{column} is null or r.{column} is null)")

    return [
        block_on("given_key", "family_key", "year"),
        block_on("given_key", "family_key", "fathers_key"),
        block_on("given_key", "fathers_key", "year"),
        block_on("family_key", "fathers_key", "year"),
        block_on("family_key", "date_of_birth"),
        block_on("given_key", "date_of_birth"),
        block_on("given_key", "family_key", month_day),
        block_on("given_key", "fathers_key", month_day),
        block_on("family_key", "fathers_key", month_day),
        block_on("date_of_birth", "place_key"),
        lacking(("given_key", "family_key"), "date_of_birth"),
        lacking(("given_key", "family_key"), "fathers_key"),
        lacking(("given_key", "fathers_key"), "date_of_birth"),
    ]


def train(linker) -> None:
    """Train as Splink's tutorials do: λ from near-certain matches, u from random pairs (seeded),
    m by expectation maximisation on two blocks that leave every comparison free once."""
    from splink import block_on

    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("family_key"), block_on("given_key", "year")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)


def dedupe(
    records: list[dict], *, backend: str = "duckdb", train_model: bool = False, spark_session=None
) -> list[tuple[str, str, float]]:
    """(record_id_1, record_id_2, match_probability) of the probable duplicates, ids sorted in each pair."""
    if not records:
        return []
    db_api = database_api(backend, spark_session=spark_session)
    from splink import Linker

    model = settings() if train_model else settings(json.loads(PARAMETERS.read_text()), len(records))
    linker = Linker(db_api.register(frame(records)), model, log_level=logging.WARNING)
    if train_model:
        train(linker)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD).as_pandas_dataframe()
    return sorted(
        (*sorted((str(a), str(b))), float(p))  # type: ignore[misc]
        for a, b, p in zip(
            predictions["unique_id_l"], predictions["unique_id_r"], predictions["match_probability"], strict=True
        )
    )


def database_api(backend: str, *, spark_session=None) -> Any:
    if backend not in BACKENDS:
        raise EngineUnavailable(f"Unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}.")
    try:
        if backend == "duckdb":
            from splink.backends.duckdb import DuckDBAPI

            return DuckDBAPI()
        from splink.backends.spark import SparkAPI

        return SparkAPI(spark_session=spark_session or local_spark_session())
    except ImportError as exc:
        raise EngineUnavailable(
            f"The Splink engine on {backend} needs {exc.name}: pip install -e '.[dev]' installs it."
        ) from exc


def local_spark_session():
    """A Spark session: the cluster named by SPARK_MASTER if set (as spark-submit sets it),
    else local mode on this machine's cores. Splink's similarity functions come from its jar."""
    import shutil

    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise EngineUnavailable("The Spark backend needs Java 17 or newer (JAVA_HOME or java on the PATH).")
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master(os.environ.get("SPARK_MASTER", "local[*]"))
        .appName("asylon-duplicates")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", os.environ.get("ASYLON_SPARK_PARTITIONS", "8"))
        .config("spark.ui.enabled", "false")
        .config("spark.driver.memory", os.environ.get("ASYLON_SPARK_DRIVER_MEMORY", "2g"))
        .getOrCreate()
    )
    # Splink writes its intermediate tables as parquet under the checkpoint directory.
    if session.sparkContext.getCheckpointDir() is None:
        session.sparkContext.setCheckpointDir(os.environ.get("ASYLON_SPARK_CHECKPOINTS") or tempfile.mkdtemp())
    return session
