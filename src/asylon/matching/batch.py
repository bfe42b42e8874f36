"""Batch duplicate detection over the register or a spreadsheet, with progress and resume."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import IO

import numpy as np
from django.db import transaction
from django.utils import timezone

from asylon.registry.models import Person, Presence, Site

from .candidates import person_record, raise_candidate
from .models import DetectionRun
from .scorer import Deduplicator, Model, ScoredPair, chunks, register_deduplicator

CSV_COLUMNS = ["record_id", "given_name", "fathers_name", "family_name", "date_of_birth", "sex", "place_of_birth"]
CHUNK = 20_000

Progress = Callable[[int, int], None]


def dedupe_records(records: list[dict], *, threshold: float | None = None) -> list[tuple[str, str, float]]:
    """(record_id_1, record_id_2, match_probability) of probable duplicates among the records."""
    dedup = register_deduplicator() if threshold is None else register_deduplicator(threshold)
    ids = [str(r.get("record_id", i)) for i, r in enumerate(records)]
    return [
        (*sorted((ids[p.i], ids[p.j])), p.probability)  # type: ignore[misc]
        for p in dedup.run(records)
    ]


def dedupe_csv(source: IO[str], out: IO[str]) -> int:
    reader = csv.DictReader(source)
    records = [{c: (row.get(c) or "").strip() for c in CSV_COLUMNS} for row in reader]
    pairs = dedupe_records(records)
    writer = csv.writer(out)
    writer.writerow(["record_id_1", "record_id_2", "match_probability"])
    for a, b, p in sorted(pairs):
        writer.writerow([a, b, f"{p:.6f}"])
    return len(pairs)


def find_duplicates_in_register(
    *, actor=None, site: Site | None = None, resume: bool = True, progress: Progress | None = None
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
    dedup = register_deduplicator()
    rows = dedup.prepare(records)
    pairs = dedup.candidate_pairs(rows)
    run = None
    if resume:
        run = DetectionRun.objects.filter(site=site, finished_at__isnull=True).order_by("-pk").first()
    total_chunks = max(1, -(-len(pairs) // CHUNK))
    if run is None:
        run = DetectionRun.objects.create(site=site, started_by=actor, blocks_total=total_chunks)
    levels = dedup.levels(rows, pairs)
    model = dedup.estimate(rows, levels)
    for number, chunk in chunks(pairs, CHUNK):
        if number < run.blocks_done:
            continue
        scored = _score_chunk(dedup, model, rows, chunk, levels[number * CHUNK : number * CHUNK + len(chunk)])
        with transaction.atomic():
            for p in scored:
                _candidate, created = raise_candidate(
                    people[p.i],
                    people[p.j],
                    probability=p.probability,
                    match_weight=p.weight,
                    explanation=dedup.explain(model, p.levels),
                    source="batch",
                    run=run,
                )
                run.pairs_found += int(created)
            run.blocks_done = number + 1
            run.save(update_fields=["blocks_done", "pairs_found"])
        if progress:
            progress(run.blocks_done, total_chunks)
    run.blocks_total = total_chunks
    run.finished_at = timezone.now()
    run.save(update_fields=["blocks_total", "finished_at"])
    return run


_FIELDS = (
    "pk",
    "reference",
    "site_id",
    "given_name",
    "fathers_name",
    "family_name",
    "given_name_original",
    "fathers_name_original",
    "family_name_original",
    "date_of_birth",
    "sex",
)


def _score_chunk(dedup: Deduplicator, model: Model, rows, pairs: np.ndarray, levels: np.ndarray) -> list[ScoredPair]:
    w = dedup.weights(model, rows, pairs, levels)
    prob = 1 / (1 + np.power(2.0, -np.clip(w, -60, 60)))
    keep = np.nonzero(prob >= dedup.threshold)[0]
    return [
        ScoredPair(int(pairs[k, 0]), int(pairs[k, 1]), float(w[k]), float(prob[k]), tuple(levels[k].tolist()))
        for k in keep
    ]
