"""Probabilistic duplicate detection (Fellegi-Sunter), fast on one machine.

1. **Blocking.** Candidate pairs are records that agree on one of several keys built from
   the name keys (`names.phonetic`) and the year of birth: a typo in one field or a wrong
   year leaves another rule to bring the pair together.
2. **Comparison.** Each field of a pair gets an agreement level (exact, same skeleton,
   same phonetic key, close, different; dates: exact, day and month swapped, same month,
   same year, adjacent year, different); an empty value is no evidence either way.
   Levels of repeated value pairs are cached, so a register of common names is cheap.
3. **Weights.** u-probabilities (how often two random records agree at each level) are
   counted on random pairs; m-probabilities (how often one person's two records do) are
   estimated with expectation-maximisation on the candidate pairs, as Splink does.
   Exact agreement on a name weighs by the name's own frequency (Mohammad proves less
   than Siavash).
4. **Decision.** A pair whose match probability reaches the threshold (fixed: 0.5) is a
   probable duplicate, for a person to review. Nothing is merged automatically.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from .names import name_keys
from .similarity import name_similarity, parse_birth_date

DEFAULT_THRESHOLD = 0.5
NULL = -1

# --- comparisons -------------------------------------------------------------------------


@lru_cache(maxsize=262144)
def _name_level(a: str, b: str) -> int:
    s = name_similarity(a, b)
    if s >= 1.0:
        return 0
    if s >= 0.95:
        return 1  # same skeleton: one name spelled two ways (or across scripts)
    if s >= 0.88:
        return 2
    if s >= 0.75:
        return 3
    return 4


@lru_cache(maxsize=262144)
def _date_level(a: tuple, b: tuple) -> int:
    (ya, ma, da), (yb, mb, db) = a, b
    if ya == yb and ma == mb and da == db and ma is not None and da is not None:
        return 0
    if ya == yb and ma is not None and da is not None and (ma, da) == (db, mb):
        return 1
    if ya == yb and ma is not None and ma == mb:
        return 2
    if ya == yb:
        return 3
    if abs(ya - yb) == 1:
        return 4
    return 5


@lru_cache(maxsize=262144)
def _string_level(a: str, b: str) -> int:
    if a == b:
        return 0
    s = JaroWinkler.similarity(a, b)
    if s >= 0.92:
        return 1
    if s >= 0.8:
        return 2
    return 3


@lru_cache(maxsize=262144)
def _code_level(a: str, b: str) -> int:
    if a == b:
        return 0
    d = DamerauLevenshtein.distance(a, b)
    return 1 if d <= 1 else 2 if d <= 2 else 3


# How often two registrations of one person agree at each level: how clerks and
# romanisers err, not a property of one register. Best level first.
M_PRIORS: dict[str, list[float]] = {
    "name": [0.6, 0.25, 0.07, 0.05, 0.03],
    "date": [0.65, 0.07, 0.05, 0.08, 0.08, 0.07],
    "string": [0.7, 0.15, 0.08, 0.07],
    "code": [0.75, 0.15, 0.05, 0.05],
    "exact": [0.95, 0.05],
}
LEVELS = {"name": 5, "date": 6, "string": 4, "code": 4, "exact": 2}
LEVEL_LABELS = {
    "name": ["exact", "same skeleton", "close", "similar", "different"],
    "date": ["exact", "day/month swapped", "same month", "same year", "adjacent year", "different"],
    "string": ["exact", "very close", "close", "different"],
    "code": ["exact", "one edit", "two edits", "different"],
    "exact": ["equal", "different"],
}


@dataclass(frozen=True)
class Field:
    """One compared column: `kind` is name, date, string, code or exact."""

    column: str
    kind: str
    label: str = ""

    @property
    def levels(self) -> int:
        return LEVELS[self.kind]


def _prepare_value(kind: str, raw: Any) -> Any:
    if raw is None:
        return None
    if kind == "date":
        if isinstance(raw, dt.date):
            return (raw.year, raw.month, raw.day)
        text = str(raw).strip()
        if not text:
            return None
        if len(text) == 8 and text.isdigit():  # 19790502
            text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        try:
            return parse_birth_date(text)
        except ValueError:
            return None
    text = " ".join(str(raw).split())
    if not text or text.lower() in {"nan", "none"}:
        return None
    if kind in ("string", "code", "exact"):
        return text.casefold()
    return text


def _compare(kind: str, a: Any, b: Any) -> int:
    if a is None or b is None:
        return NULL
    if kind == "name":
        return _name_level(a, b) if a <= b else _name_level(b, a)
    if kind == "date":
        return _date_level(a, b) if a <= b else _date_level(b, a)
    if kind == "string":
        return _string_level(a, b) if a <= b else _string_level(b, a)
    if kind == "code":
        return _code_level(a, b) if a <= b else _code_level(b, a)
    return 0 if a == b else 1


# --- blocking ----------------------------------------------------------------------------


@lru_cache(maxsize=262144)
def _fold(name: Any) -> Any:
    return name_keys(name).fold if isinstance(name, str) else name


@lru_cache(maxsize=262144)
def _phonetic_compact(name: str) -> str:
    return name_keys(name).phonetic.replace(" ", "")


def block_key_functions(fields: Sequence[Field], rules: Sequence[Sequence[str]]) -> list[Callable]:
    """Key functions for blocking rules; a rule names columns, and `col:year` / `col:md` parts
    of dates. Names block on their phonetic key, dates on the part named, other columns as written."""
    kinds = {f.column: f.kind for f in fields}

    def part(spec: str) -> Callable[[dict], Any]:
        column, _sep, which = spec.partition(":")
        kind = kinds.get(column, "exact")
        if kind == "name":
            return lambda r: _phonetic_compact(r[column]) if r[column] else None
        if kind == "date":
            if which == "year":
                return lambda r: r[column][0] if r[column] else None
            if which == "md":
                return lambda r: (r[column][1], r[column][2]) if r[column] and r[column][2] else None
            return lambda r: r[column] if r[column] and r[column][2] else None
        return lambda r: r[column] or None

    functions = []
    for rule in rules:
        parts = [part(s) for s in rule]

        def key(r: dict, parts=parts) -> tuple | None:
            values = tuple(p(r) for p in parts)
            return None if any(v is None for v in values) else values

        functions.append(key)
    return functions


def _missing_fn(rule: Sequence[str]) -> Callable[[dict], bool] | None:
    columns = [c[1:] for c in rule if c.startswith("!")]
    if not columns:
        return None
    return lambda r: any(r.get(c) is None for c in columns)


# --- the model ---------------------------------------------------------------------------


@dataclass
class Model:
    fields: list[Field]
    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float  # probability that a candidate pair is a match
    tf: dict[str, dict[Any, float]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "m": [x.tolist() for x in self.m],
            "u": [x.tolist() for x in self.u],
            "prior": self.prior,
            "tf": {c: [[k, v] for k, v in t.items()] for c, t in self.tf.items()},
        }

    @classmethod
    def from_json(cls, fields: list[Field], data: dict) -> Model:
        tf = {c: {(k if not isinstance(k, list) else tuple(k)): v for k, v in rows} for c, rows in data["tf"].items()}
        return cls(fields, [np.array(x) for x in data["m"]], [np.array(x) for x in data["u"]], data["prior"], tf)


@dataclass
class ScoredPair:
    i: int
    j: int
    weight: float
    probability: float
    levels: tuple[int, ...]


class Deduplicator:
    """Scores candidate pairs of records (dicts) with a Fellegi-Sunter model.

    `source` (a column name) turns deduplication into linkage: only pairs across sources.
    """

    def __init__(
        self,
        fields: Sequence[Field],
        blocking: Sequence[Sequence[str]],
        *,
        threshold: float = DEFAULT_THRESHOLD,
        max_block: int = 400,
        source: str | None = None,
        seed: int = 42,
        tf_columns: Iterable[str] | None = None,
    ) -> None:
        self.fields = list(fields)
        self.rules = [list(r) for r in blocking]
        self.threshold = threshold
        self.max_block = max_block
        self.source = source
        self.seed = seed
        self.tf_columns = list(tf_columns) if tf_columns is not None else [f.column for f in fields if f.kind == "name"]

    # records ----------------------------------------------------------------------------

    def prepare(self, records: Sequence[dict]) -> list[dict]:
        rows = []
        for r in records:
            row = {f.column: _prepare_value(f.kind, r.get(f.column)) for f in self.fields}
            for rule in self.rules:
                for spec in rule:
                    column = spec.lstrip("!").partition(":")[0]
                    if column not in row:
                        row[column] = _prepare_value("exact", r.get(column))
            if self.source:
                row["__source"] = r.get(self.source)
            rows.append(row)
        return rows

    # blocking ---------------------------------------------------------------------------

    def candidate_pairs(self, rows: list[dict]) -> np.ndarray:
        """Distinct (i, j), i < j, of records that share a blocking key; sorted."""
        found: set[int] = set()
        n = len(rows)
        missing_fns = [_missing_fn(rule) for rule in self.rules]
        keyed_rules = [[c for c in rule if not c.startswith("!")] for rule in self.rules]
        for rule_index, key_fn in enumerate(block_key_functions(self.fields, keyed_rules)):
            groups: dict[Any, list[int]] = defaultdict(list)
            for index, row in enumerate(rows):
                key = key_fn(row)
                if key is not None:
                    groups[key].append(index)
            missing_in = missing_fns[rule_index]
            for members in groups.values():
                if len(members) < 2:
                    continue
                if missing_in is not None:
                    # Only pairs where one side lacks the column: the rule exists for them.
                    lacking = [i for i in members if missing_in(rows[i])]
                    if len(lacking) > self.max_block:
                        continue
                    for ia in lacking:
                        for ib in members:
                            if ia != ib:
                                found.add(min(ia, ib) * n + max(ia, ib))
                    continue
                if len(members) > self.max_block:
                    continue
                for a in range(len(members)):
                    ia = members[a]
                    for ib in members[a + 1 :]:
                        found.add(ia * n + ib)
        codes = np.fromiter(found, dtype=np.int64, count=len(found))
        codes.sort()
        pairs = np.stack([codes // n, codes % n], axis=1) if len(codes) else np.zeros((0, 2), dtype=np.int64)
        if self.source and len(pairs):
            sources = np.array([r["__source"] for r in rows], dtype=object)
            pairs = pairs[sources[pairs[:, 0]] != sources[pairs[:, 1]]]
        return pairs

    # comparison -------------------------------------------------------------------------

    def levels(self, rows: list[dict], pairs: np.ndarray) -> np.ndarray:
        out = np.empty((len(pairs), len(self.fields)), dtype=np.int8)
        for f_index, f in enumerate(self.fields):
            column, kind = f.column, f.kind
            values = [r[column] for r in rows]
            out[:, f_index] = [_compare(kind, values[i], values[j]) for i, j in pairs.tolist()]
        return out

    # estimation -------------------------------------------------------------------------

    def _random_pairs(self, rows: list[dict], count: int) -> np.ndarray:
        rng = random.Random(self.seed)
        n = len(rows)
        pairs: list[tuple[int, int]] = []
        tries = 0
        while len(pairs) < count and tries < count * 4 and n > 1:
            tries += 1
            i, j = rng.randrange(n), rng.randrange(n)
            if i == j:
                continue
            if self.source and rows[i]["__source"] == rows[j]["__source"]:
                continue
            pairs.append((min(i, j), max(i, j)))
        return np.array(pairs, dtype=np.int64).reshape(-1, 2)

    def estimate(self, rows: list[dict], levels: np.ndarray, *, iterations: int = 30) -> Model:
        """u from random pairs, m from how registrations err (M_PRIORS), the prior by EM.

        Only the share of true pairs among the candidates is estimated by EM: with m and u
        held, that one-parameter problem is well posed, where a full EM on pairs that already
        agree on their blocking keys drifts towards "same family" instead of "same person".
        """
        random_levels = self.levels(rows, self._random_pairs(rows, min(100_000, max(20_000, len(rows) * 2))))
        u = []
        for f_index, f in enumerate(self.fields):
            col = random_levels[:, f_index]
            counts = np.array([(col == k).sum() for k in range(f.levels)], dtype=float) + 0.5
            u.append(counts / counts.sum())
        m = [np.array(M_PRIORS[f.kind]) for f in self.fields]
        # EM for the one parameter over all pairs: pairs no blocking rule brought together
        # are taken as non-matches, so the expected matches are the candidates' posteriors.
        all_pairs = self._all_pairs(rows)
        prior = min(0.5, max(len(levels), 1) / all_pairs)
        for _ in range(iterations):
            expected = float(self._posterior(levels, m, u, prior).sum())
            prior = float(np.clip(expected / all_pairs, 1e-12, 0.5))
        tf = {}
        for column in self.tf_columns:
            counter = Counter(_fold(r[column]) for r in rows if r.get(column) is not None)
            total_count = sum(counter.values()) or 1
            tf[column] = {value: c / total_count for value, c in counter.items()}
        return Model(self.fields, m, u, prior, tf)

    def _all_pairs(self, rows: list[dict]) -> int:
        if self.source:
            sizes = Counter(r["__source"] for r in rows)
            return max(1, math.prod(sizes.values())) if len(sizes) > 1 else 1
        return max(1, len(rows) * (len(rows) - 1) // 2)

    @staticmethod
    def _posterior(
        levels: np.ndarray, m: list[np.ndarray], u: list[np.ndarray], prior: float, active: list[int] | None = None
    ) -> np.ndarray:
        logit = np.full(len(levels), math.log(prior / (1 - prior)))
        for f_index in active if active is not None else range(levels.shape[1]):
            col = levels[:, f_index]
            ratio = np.log(m[f_index] / u[f_index])
            known = col != NULL
            logit[known] += ratio[col[known]]
        return 1 / (1 + np.exp(-np.clip(logit, -50, 50)))

    # scoring ----------------------------------------------------------------------------

    def weights(self, model: Model, rows: list[dict], pairs: np.ndarray, levels: np.ndarray) -> np.ndarray:
        """Match weights (bits), with term-frequency adjustment of exact name agreement."""
        w = np.full(len(levels), math.log2(model.prior / (1 - model.prior)))
        for f_index, f in enumerate(self.fields):
            col = levels[:, f_index]
            ratio = np.log2(model.m[f_index] / model.u[f_index])
            known = col != NULL
            w[known] += ratio[col[known]]
            tf = model.tf.get(f.column)
            if tf:
                exact = np.nonzero(col == 0)[0]
                if len(exact):
                    values = [_fold(rows[i][f.column]) for i in pairs[exact, 0].tolist()]
                    freq = np.array([tf.get(v, 0.0) for v in values])
                    u_exact = model.u[f_index][0]
                    # Splink's adjustment: replace u of "exact" by the value's own frequency.
                    w[exact] += np.log2(u_exact / np.maximum(freq, 1e-6))
        return w

    def score(self, rows: list[dict], pairs: np.ndarray, model: Model | None = None) -> tuple[Model, list[ScoredPair]]:
        levels = self.levels(rows, pairs)
        model = model or self.estimate(rows, levels)
        w = self.weights(model, rows, pairs, levels)
        prob = 1 / (1 + np.power(2.0, -np.clip(w, -60, 60)))
        keep = np.nonzero(prob >= self.threshold)[0]
        scored = [
            ScoredPair(int(pairs[k, 0]), int(pairs[k, 1]), float(w[k]), float(prob[k]), tuple(levels[k].tolist()))
            for k in keep
        ]
        return model, scored

    def run(self, records: Sequence[dict]) -> list[ScoredPair]:
        rows = self.prepare(records)
        _model, scored = self.score(rows, self.candidate_pairs(rows))
        return scored

    def explain(self, model: Model, levels: tuple[int, ...]) -> dict[str, str]:
        out = {}
        for f_index, f in enumerate(self.fields):
            level = levels[f_index]
            if level == NULL:
                out[f.label or f.column] = "missing"
            else:
                weight = math.log2(model.m[f_index][level] / model.u[f_index][level])
                out[f.label or f.column] = f"{LEVEL_LABELS[f.kind][level]} ({weight:+.1f})"
        return out


def chunks(array: np.ndarray, size: int) -> Iterator[tuple[int, np.ndarray]]:
    for number, start in enumerate(range(0, len(array), size)):
        yield number, array[start : start + size]


# --- the register's own fields -----------------------------------------------------------

REGISTER_FIELDS = [
    Field("given_name", "name", "given name"),
    Field("fathers_name", "name", "father's name"),
    Field("family_name", "name", "family name"),
    Field("date_of_birth", "date", "date of birth"),
    Field("sex", "exact", "sex"),
    Field("place_of_birth", "name", "place of birth"),
]
REGISTER_BLOCKING = [
    ["given_name", "family_name", "date_of_birth:year"],
    ["given_name", "family_name", "fathers_name"],
    ["given_name", "fathers_name", "date_of_birth:year"],
    ["family_name", "fathers_name", "date_of_birth:year"],
    ["family_name", "date_of_birth"],
    ["given_name", "date_of_birth"],
    ["given_name", "family_name", "date_of_birth:md"],
    # Pairs where one record has no date of birth, or no father's name, meet on the name.
    ["given_name", "family_name", "!date_of_birth"],
    ["given_name", "family_name", "!fathers_name"],
]


def register_deduplicator(threshold: float = DEFAULT_THRESHOLD) -> Deduplicator:
    return Deduplicator(
        REGISTER_FIELDS,
        REGISTER_BLOCKING,
        threshold=threshold,
        tf_columns=["given_name", "family_name"],
    )
