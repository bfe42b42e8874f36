"""Batch duplicate detection over the register or a spreadsheet, with progress and resume."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import IO

import numpy as np
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from asylon.core import jobs
from asylon.core.models import Job
from asylon.core.scope import ensure
from asylon.core.types import Actor
from asylon.registry.models import PERSON_NAME_FIELDS, Membership, Person, Presence, Site

from .candidates import person_record, raise_candidate
from .models import DetectionRun
from .scorer import Deduplicator, Model, ScoredPair, chunks, register_deduplicator

CSV_COLUMNS = [
    "record_id",
    "given_name",
    "fathers_name",
    "family_name",
    "date_of_birth",
    "sex",
    "place_of_birth",
    "household_id",  # optional: the household the record is registered in
]
CHUNK = 20_000

Progress = Callable[[int, int], None]


ENGINES = ("asylon", "splink")


def dedupe_records(
    records: list[dict], *, threshold: float | None = None, engine: str = "asylon", backend: str = "duckdb"
) -> list[tuple[str, str, float]]:
    """(record_id_1, record_id_2, match_probability) of probable duplicates among the records.

    `engine="splink"` runs the Splink model on `backend` ("duckdb" here, "spark" on a cluster)."""
    if engine == "splink":
        from . import splink_engine

        return splink_engine.dedupe(records, backend=backend)
    if engine != "asylon":
        raise ValueError(f"Unknown engine {engine!r}: choose one of {', '.join(ENGINES)}.")
    dedup = register_deduplicator() if threshold is None else register_deduplicator(threshold)
    ids = [str(r.get("record_id", i)) for i, r in enumerate(records)]
    return [
        (*sorted((ids[p.i], ids[p.j])), p.probability)  # type: ignore[misc]
        for p in dedup.run(records)
    ]


def dedupe_csv(source: IO[str], out: IO[str], *, engine: str = "asylon", backend: str = "duckdb") -> int:
    reader = csv.DictReader(source)
    records = [{c: (row.get(c) or "").strip() for c in CSV_COLUMNS} for row in reader]
    pairs = dedupe_records(records, engine=engine, backend=backend)
    writer = csv.writer(out)
    writer.writerow(["record_id_1", "record_id_2", "match_probability"])
    for a, b, p in sorted(pairs):
        writer.writerow([a, b, f"{p:.6f}"])
    return len(pairs)


def find_duplicates_in_register(
    *,
    actor: Actor | None = None,
    site: Site | None = None,
    resume: bool = True,
    progress: Progress | None = None,
    engine: str = "asylon",
    backend: str = "duckdb",
) -> DetectionRun:
    """Score the register's candidate pairs and put the probable ones in the review queue.

    Resumable: the run records how many chunks of pairs it has written; a new call picks
    up an unfinished run of the same site where it stopped (the pairs and the model are
    recomputed the same way, deterministically). Pairs already in the queue (or decided)
    are left as they are. Nothing is merged.
    """
    persons = Person.objects.exclude(presence=Presence.MERGED).order_by("pk")
    if site is not None:
        persons = persons.filter(site=site)
    people = list(persons.only(*_FIELDS))
    records = [person_record(p) for p in people]
    if engine == "splink":
        return _splink_into_queue(actor, site, people, records, resume=resume, progress=progress, backend=backend)
    records = _with_households(persons, people, records)
    dedup = register_deduplicator()
    rows = dedup.prepare(records)
    pairs = dedup.candidate_pairs(rows)
    total_chunks = max(1, -(-len(pairs) // CHUNK))
    run = _open_run(actor, site, total_chunks, resume)
    levels = dedup.levels(rows, pairs)
    model = dedup.estimate(rows, levels)

    def scored(number: int, chunk: np.ndarray) -> Iterator[QueuedPair]:
        for p in _score_chunk(dedup, model, rows, chunk, levels[number * CHUNK : number * CHUNK + len(chunk)]):
            yield people[p.i], people[p.j], p.probability, p.weight, dedup.explain(model, p.levels)

    work = ((number, partial(scored, number, chunk)) for number, chunk in chunks(pairs, CHUNK))
    return _queue_chunks(run, total_chunks, work, progress)


QueuedPair = tuple[Person, Person, float, float, dict]


def _queue_chunks(
    run: DetectionRun,
    total_chunks: int,
    chunked: Iterable[tuple[int, Callable[[], Iterable[QueuedPair]]]],
    progress: Progress | None,
) -> DetectionRun:
    """Each chunk's pairs into the review queue in a transaction of its own; the chunks a run
    already wrote are skipped without being scored again (resume)."""
    for number, pairs_of_chunk in chunked:
        if number < run.blocks_done:
            continue
        with transaction.atomic():
            for person_a, person_b, probability, weight, explanation in pairs_of_chunk():
                _candidate, created = raise_candidate(
                    person_a,
                    person_b,
                    probability=probability,
                    match_weight=weight,
                    explanation=explanation,
                    source="batch",
                    run=run,
                )
                run.pairs_found += int(created)
            run.blocks_done = number + 1
            run.save(update_fields=["blocks_done", "pairs_found"])
        if progress:
            progress(run.blocks_done, total_chunks)
    return _finish_run(run, total_chunks)


def _open_run(actor: Actor | None, site: Site | None, total_chunks: int, resume: bool) -> DetectionRun:
    run = None
    if resume:
        run = DetectionRun.objects.filter(site=site, finished_at__isnull=True).order_by("-pk").first()
    return run or DetectionRun.objects.create(site=site, started_by=actor, blocks_total=total_chunks)


def _splink_into_queue(
    actor: Actor | None,
    site,
    people: list[Person],
    records: list[dict],
    *,
    resume: bool,
    progress: Progress | None,
    backend: str,
) -> DetectionRun:
    """The Splink engine's pairs into the review queue, in resumable chunks like our own."""
    from . import splink_engine

    by_reference = {p.reference: p for p in people}
    pairs = splink_engine.dedupe(records, backend=backend)
    total_chunks = max(1, -(-len(pairs) // CHUNK))
    run = _open_run(actor, site, total_chunks, resume)
    explanation = {"engine": f"Splink ({backend})"}

    def chunk(start: int) -> Iterator[QueuedPair]:
        for a, b, probability in pairs[start : start + CHUNK]:
            yield by_reference[a], by_reference[b], probability, _log2_odds(probability), explanation

    starts = range(0, len(pairs), CHUNK)
    work = ((number, partial(chunk, start)) for number, start in enumerate(starts))
    return _queue_chunks(run, total_chunks, work, progress)


def _finish_run(run: DetectionRun, total_chunks: int) -> DetectionRun:
    run.blocks_total = total_chunks
    run.finished_at = timezone.now()
    run.save(update_fields=["blocks_total", "finished_at"])
    return run


def _log2_odds(probability: float) -> float:
    p = min(max(probability, 1e-15), 1 - 1e-15)
    return math.log2(p / (1 - p))


_FIELDS = (
    "pk",
    "reference",
    "site_id",
    *PERSON_NAME_FIELDS,
    "date_of_birth",
    "sex",
)


def _with_households(persons: QuerySet[Person], people: list[Person], records: list[dict]) -> list[dict]:
    """The records with each person's current household (one query): two registrations of one
    name in one household are one person far more often than two in different households."""
    current = dict(
        Membership.objects.filter(person__in=persons.values("pk"), ended_on__isnull=True).values_list(
            "person_id", "household_id"
        )
    )
    for person, record in zip(people, records, strict=True):
        household = current.get(person.pk)
        record["household_id"] = str(household) if household is not None else ""
    return records


def _score_chunk(dedup: Deduplicator, model: Model, rows, pairs: np.ndarray, levels: np.ndarray) -> list[ScoredPair]:
    w = dedup.weights(model, rows, pairs, levels)
    prob = 1 / (1 + np.power(2.0, -np.clip(w, -60, 60)))
    keep = np.nonzero(prob >= dedup.threshold)[0]
    return [
        ScoredPair(int(pairs[k, 0]), int(pairs[k, 1]), float(w[k]), float(prob[k]), tuple(levels[k].tolist()))
        for k in keep
    ]


# --- on the queue: the page starts a run as a job (`core/jobs.py`, `matching.tasks`) -------


def start_detection(*, actor: Actor, site: Site) -> Job:
    """Record batch detection over `site`'s register as a job and enqueue it. Each chunk of
    pairs is written in a transaction of its own, so a run whose worker was lost is resumed
    where it stopped by the next one (the job itself reads failed)."""
    ensure(actor, "matching.decide_duplicatecandidate", site)
    from .tasks import find_duplicates

    job = jobs.create(actor=actor, kind="duplicates", params={"site": site.pk}, site_code=site.code)
    jobs.enqueue(job, find_duplicates)
    return job


def detection_work(job: Job, progress: jobs.Progress) -> dict:
    site = Site.objects.get(pk=job.params["site"])

    def report(done: int, total: int) -> None:
        progress(done, total, _("chunks of pairs scored"))

    run = find_duplicates_in_register(actor=job.actor, site=site, progress=report)
    return {"run": run.pk, "pairs_found": run.pairs_found, "done": run.blocks_done, "total": run.blocks_total}
