"""The Splink engine: the same model on DuckDB and on Spark (local mode) gives the same pairs.

The Spark backend is how an operation past one machine runs duplicate detection; this test
proves that path is real. CI sets ASYLON_REQUIRE_SPARK=1, so a missing Java or pyspark is a
failure there, not a skip."""

from __future__ import annotations

import csv
import os
import shutil
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from asylon.demo.synthetic import generate_population
from asylon.matching import splink_engine
from asylon.matching.batch import find_duplicates_in_register
from asylon.matching.models import DuplicateCandidate


def _require_spark():
    missing = None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing = "Java"
    else:
        try:
            import pyspark  # noqa: F401
        except ImportError:
            missing = "pyspark"
    if missing:
        if os.environ.get("ASYLON_REQUIRE_SPARK"):
            pytest.fail(f"{missing} is missing: the Spark backend cannot run")
        pytest.skip(f"{missing} is not installed")


@pytest.fixture(scope="module")
def population():
    return generate_population(400, seed=5)


@pytest.fixture(scope="module")
def duckdb_pairs(population):
    records, _truth = population
    return splink_engine.dedupe(records, backend="duckdb")


def test_spark_local_mode_finds_the_same_pairs_as_duckdb(population, duckdb_pairs, monkeypatch):
    _require_spark()
    monkeypatch.setenv("SPARK_MASTER", "local[1]")
    monkeypatch.setenv("ASYLON_SPARK_PARTITIONS", "1")
    records, truth = population
    session = splink_engine.local_spark_session()
    try:
        spark_pairs = splink_engine.dedupe(records, backend="spark", spark_session=session)
    finally:
        session.stop()
    assert [(a, b) for a, b, _p in spark_pairs] == [(a, b) for a, b, _p in duckdb_pairs]
    for (_a, _b, p_spark), (_c, _d, p_duck) in zip(spark_pairs, duckdb_pairs, strict=True):
        assert p_spark == pytest.approx(p_duck, abs=1e-6)
    found = {(a, b) for a, b, _p in duckdb_pairs}
    assert len(found & set(truth)) / len(truth) > 0.8  # real duplicates, not an empty agreement


def test_splink_engine_on_a_spreadsheet(tmp_path, population, duckdb_pairs):
    records, _truth = population
    src = tmp_path / "people.csv"
    with src.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)
    out = tmp_path / "pairs.csv"
    call_command("duplicates", "find", "--csv", str(src), "--out", str(out), "--engine", "splink", "--quiet")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["record_id_1"], r["record_id_2"]) for r in rows] == [(a, b) for a, b, _p in duckdb_pairs]
    assert all(float(r["match_probability"]) >= 0.5 for r in rows)


def test_an_unknown_backend_is_a_clear_error(tmp_path):
    src = tmp_path / "people.csv"
    src.write_text("record_id,given_name\n1,Ali\n", encoding="utf-8")
    with pytest.raises(splink_engine.EngineUnavailable, match="Unknown backend"):
        splink_engine.database_api("oracle")
    with pytest.raises(CommandError, match="oracle"):
        call_command("duplicates", "find", "--csv", str(src), "--out", str(tmp_path / "o.csv"), "--backend", "oracle")


@pytest.mark.django_db
def test_splink_engine_fills_the_review_queue(clerk, site_a):
    from tests.conftest import member

    from asylon.registry import services

    # The same man twice, among others: term frequencies need a register, not a pair.
    others = ["Ali Karimi", "Zahra Ahmadi", "Reza Moradi", "Sara Jafari", "Mehdi Rahimi", "Maryam Tehrani"]
    for n, spelling in enumerate(["Mohammad Hosseini", "Muhammad Husseini", *others]):
        given, family = spelling.split()
        born = date(1980, 3, 1) if n < 2 else date(1960 + 5 * n, 1 + n, 10 + n)
        services.register_household(
            actor=clerk,
            site=site_a,
            members=[member(given_name=given, family_name=family, fathers_name="Kamran", date_of_birth=born)],
        )
    run = find_duplicates_in_register(site=site_a, engine="splink", backend="duckdb")
    assert run.finished_at is not None
    pair = DuplicateCandidate.objects.get()
    assert {pair.person_a.given_name, pair.person_b.given_name} == {"Mohammad", "Muhammad"}
    assert pair.explanation == {"engine": "Splink (duckdb)"}
