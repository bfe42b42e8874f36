"""Statistical disclosure control for the aggregates that leave the system (DOMAIN.md 4, D5).

Pure functions, no ORM. A 2-D table is its interior cells (rows x columns of counts); what is
published is the table *with its margins*: row totals, column totals and the grand total.
Positions are given in the augmented grid of (R+1) x (C+1) cells: row index R is the row of
column totals, column index C the column of row totals, (R, C) the grand total.

Rules:

* **Primary suppression.** A cell (margins included) with 0 < n < threshold is hidden. A true
  zero is published by default (`zeros_safe=True`): it says that nobody in the camp has that
  combination, which is usually harmless. In a small closed camp a "0" can itself disclose
  (e.g. "no man over 60 in block 7" tells who the one old man seen there is not); with
  `zeros_safe=False` zeros are treated as small cells too.
* **Secondary suppression.** Hidden cells must not be recoverable from what is published. The
  auditor `recoverable_cells` works out, for every hidden cell, the exact interval of values
  that agree with the published figures (the table's linear relations plus non-negativity);
  a hidden cell is *exposed* when that interval is a single value, or when it is a small cell
  (or a zero, if zeros are not safe) whose upper bound is still below the threshold, i.e.
  anyone could tell it is a small cell. Secondary suppression is greedy: while the auditor finds
  an exposed cell, hide one more cell from the same row or column (one that protects it if
  possible, inner cells before totals, smallest first), and audit again. It always ends: with
  every cell hidden nothing can be worked out.
* The grand total can be marked as published elsewhere (`total_public=True`, the default):
  the headline population figure is printed in every report, so it is never a useful hiding
  place and is never chosen as a complementary cell.

How the auditor works: every published relation "cells of a line sum to its margin" is a node
of a graph, and every hidden cell an edge between the two lines it lies on (the ground node
stands in for the missing second line of a 1-D table). Changes to hidden cells that keep all
published figures are exactly the circulations on that graph, so the largest possible increase
(decrease) of a hidden cell is a maximum flow around it, with a decrease of any other hidden
cell capped by its value. This gives exact bounds (the linear programme over a transportation
polytope has integral optima) without a solver.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

Pos = tuple[int, int]
UNBOUNDED = 10**15

__all__ = [
    "Bounds",
    "PublishedTable",
    "PublishedVector",
    "augmented",
    "bounds_of_hidden",
    "protect_table",
    "protect_vector",
    "recoverable_cells",
    "recoverable_in_vector",
    "suppress_table",
    "suppress_vector",
]


# --- the auditor -------------------------------------------------------------------------


@dataclass(frozen=True)
class Bounds:
    low: int
    high: int  # UNBOUNDED when nothing published caps the cell


def augmented(cells: Sequence[Sequence[int]]) -> list[list[int]]:
    """The interior cells with a column of row totals, a row of column totals and the grand total."""
    rows = [list(r) + [sum(r)] for r in cells]
    width = len(rows[0]) if rows else 1
    totals = [sum(r[j] for r in rows) for j in range(width)]
    return [*rows, totals]


def _edge_2d(i: int, j: int, n_rows: int, n_cols: int) -> tuple[str, str]:
    """The two lines a cell lies on, oriented so that raising the cell is a flow tail -> head.

    Row equations i < R and the column-of-totals equation keep their sign (interior + row total
    = 0 written as interior - total); column equations j < C and the totals row are negated, so
    that every cell has +1 in one equation and -1 in the other.
    """
    if i < n_rows and j < n_cols:
        return f"c{j}", f"r{i}"
    if i < n_rows:  # row total
        return f"r{i}", "cT"
    if j < n_cols:  # column total
        return "rT", f"c{j}"
    return "cT", "rT"  # grand total


def _max_flow(edges: list[tuple[str, str, int]], source: str, sink: str, limit: int) -> int:
    """Edmonds-Karp on a small multigraph; stops once `limit` is reached."""
    if source == sink:
        return limit
    cap: dict[str, dict[str, int]] = {}
    for u, v, c in edges:
        cap.setdefault(u, {}).setdefault(v, 0)
        cap.setdefault(v, {}).setdefault(u, 0)
        cap[u][v] = min(UNBOUNDED, cap[u][v] + c)
    flow = 0
    while flow < limit:
        parent: dict[str, str] = {source: source}
        queue = deque([source])
        while queue and sink not in parent:
            u = queue.popleft()
            for v, c in cap.get(u, {}).items():
                if c > 0 and v not in parent:
                    parent[v] = u
                    queue.append(v)
        if sink not in parent:
            break
        push, v = limit - flow, sink
        while v != source:
            push = min(push, cap[parent[v]][v])
            v = parent[v]
        v = sink
        while v != source:
            u = parent[v]
            cap[u][v] -= push
            cap[v][u] = min(UNBOUNDED, cap[v][u] + push)
            v = u
        flow += push
    return flow


def _bounds(hidden: dict[object, tuple[str, str, int]], key: object, need_high: int | None = None) -> Bounds:
    tail, head, value = hidden[key]
    others: list[tuple[str, str, int]] = []
    for k, (u, v, x) in hidden.items():
        if k == key:
            continue
        others.append((u, v, UNBOUNDED))  # this cell may grow without limit
        others.append((v, u, x))  # ... and shrink down to zero
    up_limit = UNBOUNDED if need_high is None else need_high
    up = _max_flow(others, head, tail, up_limit)  # raise the cell: flow comes back head -> tail
    down = _max_flow(others, tail, head, value) if value else 0
    high = UNBOUNDED if up >= UNBOUNDED else value + up
    return Bounds(value - down, high)


def _hidden_2d(aug: list[list[int]], suppressed: Iterable[Pos]) -> dict[object, tuple[str, str, int]]:
    n_rows, n_cols = len(aug) - 1, len(aug[0]) - 1
    return {(i, j): (*_edge_2d(i, j, n_rows, n_cols), aug[i][j]) for i, j in suppressed}


def bounds_of_hidden(cells: Sequence[Sequence[int]], suppressed: Iterable[Pos]) -> dict[Pos, Bounds]:
    """For each hidden position, the values it can take given everything else published."""
    hidden = _hidden_2d(augmented(cells), suppressed)
    return {k: _bounds(hidden, k) for k in hidden}  # type: ignore[misc]


def _exposed(value: int, b: Bounds, threshold: int, zeros_safe: bool) -> bool:
    if b.low == b.high:
        return True
    small = 0 < value < threshold or (value == 0 and not zeros_safe)
    return small and b.high < threshold


def _exposed_keys(hidden, threshold: int, zeros_safe: bool, only=None) -> list:
    out = []
    for key in only if only is not None else hidden:
        value = hidden[key][2]
        b = _bounds(hidden, key, need_high=max(threshold - value, 1) if value < threshold else 1)
        if _exposed(value, b, threshold, zeros_safe):
            out.append(key)
    return out


def recoverable_cells(
    table: Sequence[Sequence[int]], suppressed: Iterable[Pos], *, threshold: int = 5, zeros_safe: bool = True
) -> set[Pos]:
    """Hidden positions (in the augmented grid) that the published figures give away.

    A hidden cell is given away when the published table pins it to one value, or when it is
    a small cell (0 < n < threshold; also 0 when zeros are not safe) that anyone can bound
    below the threshold. An empty result means the publication passes the audit.
    """
    hidden = _hidden_2d(augmented(table), suppressed)
    return set(_exposed_keys(hidden, threshold, zeros_safe))


def recoverable_in_vector(
    values: Sequence[int], suppressed: Iterable[int], *, threshold: int = 5, zeros_safe: bool = True
) -> set[int]:
    """The same audit for a 1-D table published with its total; index len(values) is the total."""
    hidden = _hidden_1d([*values, sum(values)], suppressed)
    return set(_exposed_keys(hidden, threshold, zeros_safe))


def _hidden_1d(full: list[int], suppressed: Iterable[int]) -> dict[object, tuple[str, str, int]]:
    last = len(full) - 1
    return {k: (("t", "g") if k == last else ("g", "t")) + (full[k],) for k in suppressed}


# --- suppression -------------------------------------------------------------------------


def _small(n: int, threshold: int, zeros_safe: bool) -> bool:
    return 0 < n < threshold or (n == 0 and not zeros_safe)


def _complete(
    values: dict,
    primary: set,
    edge_of,
    groups,
    *,
    threshold: int,
    zeros_safe: bool,
    never: set,
    margins: set,
) -> set:
    """Greedy secondary suppression until the auditor finds nothing.

    For the first exposed cell, try each candidate group of cells that could shield it (a
    rectangle through it in a 2-D table, one more cell of the line in a 1-D table, or one more
    cell of its row or column), and hide the group that shields it with the fewest new hidden
    figures, totals last, smallest values first. If no group shields it alone, the best of them
    is hidden anyway and the loop goes on; it ends at the latest when everything is hidden.
    """
    hidden_keys = set(primary)

    def hidden_map(keys):
        return {k: (*edge_of(k), values[k]) for k in keys}

    while True:
        exposed = _exposed_keys(hidden_map(hidden_keys), threshold, zeros_safe)
        if not exposed:
            return hidden_keys
        target = exposed[0]
        options = []
        for group in groups(target):
            new = frozenset(k for k in group if k not in hidden_keys)
            if new and not new & never:
                options.append(new)
        if not options:
            rest = [k for k in values if k not in hidden_keys and k not in never] or [
                k for k in values if k not in hidden_keys
            ]
            if not rest:
                return hidden_keys
            options = [frozenset([k]) for k in rest]

        def score(new, target=target, current=frozenset(hidden_keys)):
            still = bool(_exposed_keys(hidden_map(current | new), threshold, zeros_safe, only=[target]))
            return (still, len(new), len(new & margins), sum(values[k] for k in new), sorted(map(str, new)))

        hidden_keys |= min(options, key=score)


@dataclass
class PublishedTable:
    """A 2-D table ready to publish: None marks a hidden figure."""

    row_labels: list[str]
    col_labels: list[str]
    cells: list[list[int | None]]
    row_totals: list[int | None]
    col_totals: list[int | None]
    total: int | None
    threshold: int
    hidden: int  # how many figures are hidden (margins included)

    def rows(self):
        """(label, cells, row total) per row, for templates."""
        return list(zip(self.row_labels, self.cells, self.row_totals, strict=True))


@dataclass
class PublishedVector:
    """A 1-D table ready to publish (total optional): None marks a hidden figure."""

    labels: list[str]
    values: list[int | None]
    total: int | None
    threshold: int
    hidden: int
    keys: list[str] = field(default_factory=list)  # stable codes of the rows, when the caller has them

    def rows(self):
        return list(zip(self.labels, self.values, strict=True))

    def by_key(self) -> dict[str, int | None]:
        return dict(zip(self.keys, self.values, strict=True))


def suppress_table(
    cells: Sequence[Sequence[int]], *, threshold: int = 5, zeros_safe: bool = True, total_public: bool = True
) -> set[Pos]:
    """Positions (augmented grid) to hide so that no small cell shows or can be worked out."""
    aug = augmented(cells)
    n_rows, n_cols = len(aug) - 1, len(aug[0]) - 1
    values = {(i, j): aug[i][j] for i in range(n_rows + 1) for j in range(n_cols + 1)}
    primary = {k for k, v in values.items() if _small(v, threshold, zeros_safe)}
    grand = (n_rows, n_cols)
    never = {grand} if total_public and grand not in primary else set()
    margins = {k for k in values if k[0] == n_rows or k[1] == n_cols}

    def groups(target: Pos):
        i, j = target
        for k in range(n_rows + 1):
            for m in range(n_cols + 1):
                if k != i and m != j:
                    yield [(i, m), (k, j), (k, m)]
                elif (k == i) != (m == j):
                    yield [(k, m)]

    return _complete(
        values,
        primary,
        lambda k: _edge_2d(k[0], k[1], n_rows, n_cols),
        groups,
        threshold=threshold,
        zeros_safe=zeros_safe,
        never=never,
        margins=margins,
    )


def suppress_vector(
    values: Sequence[int], *, threshold: int = 5, zeros_safe: bool = True, total_public: bool = True
) -> set[int]:
    """Indexes to hide in a 1-D table published with its total (index len(values))."""
    full = [*values, sum(values)]
    last = len(full) - 1
    vals = dict(enumerate(full))
    primary = {k for k, v in vals.items() if _small(v, threshold, zeros_safe)}
    never = {last} if total_public and last not in primary else set()
    return _complete(
        vals,
        primary,
        lambda k: ("t", "g") if k == last else ("g", "t"),
        lambda target: ([k] for k in vals if k != target),
        threshold=threshold,
        zeros_safe=zeros_safe,
        never=never,
        margins={last},
    )


def protect_table(
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    cells: Sequence[Sequence[int]],
    *,
    threshold: int = 5,
    zeros_safe: bool = True,
    total_public: bool = True,
    suppress: bool = True,
) -> PublishedTable:
    """The table as it may be published. With `suppress=False` (internal use by roles that see
    the records anyway) every figure is shown."""
    aug = augmented(cells) if cells else [[0]]
    hidden = (
        suppress_table(cells, threshold=threshold, zeros_safe=zeros_safe, total_public=total_public)
        if suppress and cells
        else set()
    )
    n_rows, n_cols = len(aug) - 1, len(aug[0]) - 1

    def show(i, j):
        return None if (i, j) in hidden else aug[i][j]

    return PublishedTable(
        row_labels=list(row_labels),
        col_labels=list(col_labels),
        cells=[[show(i, j) for j in range(n_cols)] for i in range(n_rows)],
        row_totals=[show(i, n_cols) for i in range(n_rows)],
        col_totals=[show(n_rows, j) for j in range(n_cols)],
        total=show(n_rows, n_cols),
        threshold=threshold,
        hidden=len(hidden),
    )


def protect_vector(
    labels: Sequence[str],
    values: Sequence[int],
    *,
    threshold: int = 5,
    zeros_safe: bool = True,
    with_total: bool = True,
    total_public: bool = True,
    suppress: bool = True,
) -> PublishedVector:
    """A 1-D table as it may be published. Without a total (`with_total=False`, e.g. categories
    that overlap) there is no relation between the figures, so primary suppression is enough."""
    if not suppress:
        hidden: set[int] = set()
    elif with_total:
        hidden = suppress_vector(values, threshold=threshold, zeros_safe=zeros_safe, total_public=total_public)
    else:
        hidden = {i for i, v in enumerate(values) if _small(v, threshold, zeros_safe)}
    total = sum(values) if with_total and len(values) not in hidden else None
    return PublishedVector(
        labels=list(labels),
        values=[None if i in hidden else v for i, v in enumerate(values)],
        total=total,
        threshold=threshold,
        hidden=len(hidden),
    )
