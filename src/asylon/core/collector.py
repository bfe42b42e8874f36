"""Python's garbage collector in the `asylon` command's batch work and at its end.

The cyclic collector walks every tracked object of the generation it collects, and a full
collection walks them all: the modules, models and URLconf loaded at start as much as the
rows a batch creates and drops. In a short batch command (`asylon demo` seeds 3,000
residents in a few seconds) those walks cost about a tenth of the run, and as much again
when the interpreter shuts down, for objects whose memory the operating system takes back
anyway. `asylon serve` freezes its workers' loaded objects for the same reason.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Young objects collected after this many allocations instead of 700: a batch's rows are
# acyclic and die young, so most of those collections found nothing to free. Memory grows by
# at most that many objects' worth before a collection, a few MB.
BATCH_THRESHOLD = 50_000


@contextmanager
def batch() -> Iterator[None]:
    """For a batch in one process: what is loaded so far (modules, models, settings) lives
    as long as the process and leaves the collector's sight; the young generation is
    collected less often during the batch, as before after it."""
    gc.freeze()
    threshold = gc.get_threshold()
    gc.set_threshold(BATCH_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


def leave_to_the_os() -> None:
    """The command is done and its process ends: no collection walks its objects on the
    way out (objects still alive are finalised by reference count as before; only garbage
    in reference cycles is left for the operating system to reclaim)."""
    gc.freeze()
