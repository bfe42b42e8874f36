"""References: the human-readable numbers every record carries (LIB-000124, LIB-MV-000007).

The one counter for every prefix: persons, households, movements, RSD cases, incidents,
resettlement cases. A number is taken under a row lock and never reused, even after a merge
or a rollback of the record that took it; gaps are harmless, a reference used twice is not.
"""

from __future__ import annotations

from .models import ReferenceCounter


def next_references(prefix: str, count: int = 1) -> list[str]:
    """The next `count` never-used references under `prefix`. Call inside a transaction."""
    ReferenceCounter.objects.get_or_create(prefix=prefix)
    counter = ReferenceCounter.objects.select_for_update().get(prefix=prefix)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return [f"{prefix}-{n:06d}" for n in range(first, first + count)]


def next_reference(prefix: str) -> str:
    return next_references(prefix)[0]
