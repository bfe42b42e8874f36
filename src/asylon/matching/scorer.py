"""Probabilistic duplicate detection (Fellegi-Sunter), fast on one machine.

1. **Blocking.** Candidate pairs are records that agree on one of several keys built from
   the name keys (`names.phonetic`) and the year of birth: a typo in one field or a wrong
   year leaves another rule to bring the pair together. Columns are integer-coded once,
   and the pairs of every rule are built and merged with numpy, never one by one.
2. **Comparison.** Each field of a pair gets an agreement level (exact, same skeleton,
   same phonetic key, close, different; dates: exact, day and month swapped, same month,
   same year, same day and month with the year off by one or ten, adjacent year, different). A name in
   Persian script and its romanisation with one skeleton agree as one name spelled two
   ways, however short (علی, Ali). Each distinct pair of values is compared once
   (a register's names come from a small vocabulary), then spread to its pairs by index.
3. **Weights.** u-probabilities (how often two random records agree at each level) are
   counted on random pairs; m-probabilities (how often one person's two records do) of
   the names come from how clerks and romanisers err (M_PRIORS), those of the date of
   birth, sex and place are estimated by expectation-maximisation on the candidate pairs
   (as Splink does), started from and drawn towards M_PRIORS. Which fields are missing is
   evidence too (a re-registration often lacks the father's name), counted as one
   comparison whose m EM estimates alike, with the share of true pairs. Exact agreement
   on a name weighs by the name's own frequency (Mohammad proves less than Siavash).
   Pairs of one household (same family and father's name) have their other fields
   weighed against other households' pairs instead of random pairs: brothers and sisters
   share a place of birth and are born a few years apart, so those prove little there.
   A 1 January is an estimated age more often than a birthday: agreeing on it proves
   little, and against another day of the same year it is no contradiction.
   The household a record is registered in weighs too, but only where the given names
   agree: one name registered twice in one household is one person, while every member
   of a household shares its reference (`Deduplicator.unit`).
4. **Decision.** A pair whose match probability reaches the threshold (fixed: 0.5) is a
   probable duplicate, for a person to review. Nothing is merged automatically.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from .names import is_persian_script, name_keys, names_ending_apart
from .similarity import name_similarity, parse_birth_date

DEFAULT_THRESHOLD = 0.5
NULL = -1

# --- comparisons -------------------------------------------------------------------------


# Words a name may carry or drop without becoming another name: the article (Al-Tamimi,
# Tamimi; الكريمي, كريمي), "father of" and the marks of a lineage (Abu Risha, Mir Ahmadi).
_PARTICLES = frozenset(
    {"al", "el", "ul", "abu", "abou", "mir", "seyed", "seyyed", "sayed", "sayyid", "ال", "ابو", "میر"}
)


@lru_cache(maxsize=262144)
def name_core(text: str) -> str:
    """A name without a leading particle (`_PARTICLES`), joined (Alsaadi) or apart (Al Saadi)."""
    words = text.replace("-", " ").replace("\u200c", " ").split()
    if len(words) > 1 and words[0].casefold() in _PARTICLES:
        return " ".join(words[1:])
    if len(words) == 1:
        word = words[0]
        for prefix in ("al", "ال"):
            if word.casefold().startswith(prefix) and len(word) - len(prefix) >= 4:
                return word[len(prefix) :]
    return text


@lru_cache(maxsize=262144)
def _name_level(a: str, b: str) -> int:
    level = _spelling_level(a, b)
    if level >= 2:
        core_a, core_b = name_core(a), name_core(b)
        if (core_a, core_b) != (a, b):
            # One name with and without its particle: as close as the rest of it is.
            level = min(level, max(_spelling_level(core_a, core_b), 1))
    return level


def _spelling_level(a: str, b: str) -> int:
    s = name_similarity(a, b)
    if s >= 1.0:
        return 0
    if s >= 0.95:
        return 1  # same skeleton: one name spelled two ways (or across scripts)
    if names_ending_apart(a, b):
        return 1  # one name ending in ه or ة, read -a and -eh (Fatima, Fatemeh)
    if s >= 0.88:
        return 2
    if s >= 0.75:
        if _same_skeleton_across_scripts(a, b):
            return 1
        return 2 if _long_phonetic_across_scripts(a, b) else 3
    return 4


def _long_phonetic_across_scripts(a: str, b: str) -> bool:
    """Whether a name in Persian script and a romanised one sound alike at length, their
    skeletons parted by a letter one writes and the other does not (خوشنویس, Khoshnevis:
    the silent و). Short keys stay apart: Mohammad and محمود sound alike too."""
    if is_persian_script(a) == is_persian_script(b):
        return False
    phonetic = name_keys(a).phonetic.replace(" ", "")
    return len(phonetic) >= 5 and phonetic == name_keys(b).phonetic.replace(" ", "")


def _same_skeleton_across_scripts(a: str, b: str) -> bool:
    """Whether a name in Persian script and a romanised one have one skeleton. Persian
    script writes no short vowels, so equal skeletons are as close as the two can be
    however short the name (علی and Ali: "ly"), where the similarity of names leaves keys
    that short below its floor."""
    if is_persian_script(a) == is_persian_script(b):
        return False
    skeleton_a = name_keys(a).compact_skeleton
    return bool(skeleton_a) and skeleton_a == name_keys(b).compact_skeleton


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
    # A wholly different given name, or a date in the right year but another month, is
    # rarely one person's: it is a sibling's far more often. A slip leaves a name close;
    # a merely similar one (Shabnam, Shahla) is as often a sister's.
    "name": [0.6, 0.27, 0.09, 0.03, 0.01],
    # A year off by one with the same day and month is an estimated age or a calendar
    # conversion; a year off by one with another day is as often a sibling's.
    "date": [0.7, 0.05, 0.03, 0.02, 0.04, 0.02, 0.08, 0.02, 0.02, 0.02],
    "string": [0.7, 0.15, 0.08, 0.07],
    "code": [0.75, 0.15, 0.05, 0.05],
    "exact": [0.95, 0.05],
    # A re-registration is as often made in another household (a new arrival, a split
    # family, a second ration card) as in the person's own.
    "unit": [0.6, 0.4],
}
# Kinds whose m `Deduplicator.estimate` takes from the data by EM unless told otherwise
# (`estimate_m`); M_PRIORS start it and weigh as EM_PRIOR_WEIGHT pairs. Names keep the
# priors: on pairs that already agree on their blocking keys, EM on the names drifts
# towards "same family" instead of "same person" (F1 0.986 to 0.957 on the project's
# generator). Dates, sex and places are learnt: how often a register's duplicates carry a
# 1 January, a swapped or a wholly other date is the register's own, not a constant.
EM_KINDS = frozenset({"date", "exact", "string", "code", "unit"})
EM_PRIOR_WEIGHT = 20.0
LEVELS = {"name": 5, "date": 10, "string": 4, "code": 4, "exact": 2, "unit": 2}
LEVEL_LABELS = {
    "name": ["exact", "same skeleton", "close", "similar", "different"],
    "date": [
        "exact",
        "both 1 January (estimated ages)",
        "day/month swapped",
        "same month",
        "1 January against a day of the same year",
        "same year",
        "same day and month, year off by one or ten",
        "1 January, adjacent year",
        "adjacent year",
        "different",
    ],
    "string": ["exact", "very close", "close", "different"],
    "code": ["exact", "one edit", "two edits", "different"],
    "exact": ["equal", "different"],
    "unit": ["same", "different"],
}


@dataclass(frozen=True)
class Field:
    """One compared column: `kind` is name, date, string, code, exact or unit (a household's
    reference: exact, see `Deduplicator.unit`)."""

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
        return _read_date(text)
    text = " ".join(str(raw).split())
    if not text or text.lower() in {"nan", "none"}:
        return None
    if kind in ("string", "code", "exact", "unit"):
        return text.casefold()
    return text


def _read_date(text: str) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) of an ISO date; an impossible one with a month over 12 is read
    with day and month swapped (1990-25-03: a clerk wrote day before month). Else None."""
    try:
        return parse_birth_date(text)
    except ValueError:
        pass
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and int(parts[1]) > 12:
        try:
            return parse_birth_date(f"{parts[0]}-{parts[2]}-{parts[1]}")
        except ValueError:
            return None
    return None


def _name_class(text: str) -> tuple[str, str, str, bool]:
    """What a name's comparison depends on: spellings with equal classes compare alike."""
    keys = name_keys(text)
    return keys.fold, keys.skeleton, keys.phonetic, is_persian_script(text)


# --- prepared records: one integer-coded column per field ---------------------------------


class _Column:
    """One column of the records, coded: `codes[k]` indexes `values` (-1: missing).

    Comparing and blocking read only integer arrays; Python sees each distinct value (and
    each distinct pair of values) once, which is what keeps a million records cheap.
    """

    def __init__(self, kind: str, raws: Iterable[Any]) -> None:
        self.kind = kind
        index: dict[Any, int] = {}
        values: list[Any] = []
        prepared: dict[Any, int] = {}
        codes = []
        for raw in raws:
            code = index.get(raw)
            if code is None:
                value = _prepare_value(kind, raw)
                if value is None:
                    code = -1
                else:
                    code = prepared.get(value)
                    if code is None:
                        code = prepared[value] = len(values)
                        values.append(value)
                index[raw] = code
            codes.append(code)
        self.codes = np.array(codes, dtype=np.int32)
        self.values = values
        # Comparison classes: values that compare alike share one, so do their pairs.
        if kind == "name":
            self.classes, self.class_values = self._classify(values, _name_class)
            self.fold_codes, self.folds = self._classify(values, lambda v: name_keys(v).fold)
            self.phonetic_codes, _ = self._classify(values, lambda v: name_keys(name_core(v)).phonetic.replace(" ", ""))
        else:
            self.classes, self.class_values = np.arange(len(values), dtype=np.int32), values
            self.fold_codes, self.folds = self.classes, values
        if kind == "date":
            table = np.array([(0, 0, 0), *[(y, mo or 0, d or 0) for y, mo, d in values]], dtype=np.int32)
            parts = table[self.codes + 1]  # row 0: missing
            self.year, self.month, self.day = parts[:, 0], parts[:, 1], parts[:, 2]

    @staticmethod
    def _classify(values: list[Any], key: Callable[[Any], Any]) -> tuple[np.ndarray, list[Any]]:
        """Code of each value's class, and one representative value per class."""
        index: dict[Any, int] = {}
        representatives: list[Any] = []
        codes = np.empty(len(values), dtype=np.int32)
        for number, value in enumerate(values):
            k = key(value)
            if k not in index:
                index[k] = len(representatives)
                representatives.append(value)
            codes[number] = index[k]
        return codes, representatives

    def _per_record(self, per_value: np.ndarray) -> np.ndarray:
        return np.append(per_value, -1).astype(np.int32)[self.codes]  # code -1: the appended -1

    def record_classes(self) -> np.ndarray:
        return self._per_record(self.classes)

    def record_folds(self) -> np.ndarray:
        return self._per_record(self.fold_codes)

    def block_key(self, which: str) -> np.ndarray:
        """Per record, the key this column blocks on (-1: none). Names block on their
        phonetic key, dates on the part named (year, md: month and day, else the whole).
        Day and month block in either order: 1990-03-04 meets 1990-04-03."""
        if self.kind == "name":
            return self._per_record(self.phonetic_codes).astype(np.int64)
        if self.kind == "date":
            year, month, day = (x.astype(np.int64) for x in (self.year, self.month, self.day))
            if which == "year":
                return np.where(year > 0, year, -1)
            full = day > 0
            low, high = np.minimum(month, day), np.maximum(month, day)  # low <= 12
            if which == "md":
                return np.where(full, low * 32 + high, -1)
            return np.where(full, (year * 13 + low) * 32 + high, -1)
        return self.codes.astype(np.int64)

    def tf_key(self, fold_code: int) -> Any:
        """The key of a term-frequency table: a name's folded form, another value as it is."""
        value = self.folds[fold_code]
        return name_keys(value).fold if self.kind == "name" else value

    def value(self, k: int) -> Any:
        code = self.codes[k]
        return None if code < 0 else self.values[code]


class Prepared(Sequence):
    """Records as the scorer reads them: coded columns. `rows[k][column]` is record k's
    prepared value (for display); the scorer itself reads only the codes."""

    def __init__(self, columns: dict[str, _Column], sources: np.ndarray | None) -> None:
        self.columns = columns
        self.sources = sources
        self._n = len(next(iter(columns.values())).codes) if columns else 0

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, k):  # type: ignore[override]
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(self._n))]
        return {column: c.value(k) for column, c in self.columns.items()}


# --- blocking ----------------------------------------------------------------------------


def _combine(keys: Sequence[np.ndarray]) -> np.ndarray:
    """One int64 key per record from several (-1 where any part is missing)."""
    combined = np.zeros(len(keys[0]), dtype=np.int64)
    missing = np.zeros(len(keys[0]), dtype=bool)
    for key in keys:
        missing |= key < 0
        span = int(key.max(initial=0)) + 1
        if (int(combined.max(initial=0)) + 1) * span >= 2**62:
            # Made dense first, so that the product never overflows.
            _, combined = np.unique(combined, return_inverse=True)
            combined = combined.astype(np.int64).ravel()
        combined = combined * span + np.maximum(key, 0)
    combined[missing] = -1
    return combined


def _groups(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Records with a key, sorted by it; start of each one's group; size of each one's group."""
    order = np.nonzero(key >= 0)[0]
    order = order[np.argsort(key[order], kind="stable")]
    if not len(order):
        return order, order, order
    sorted_keys = key[order]
    boundary = np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1]))
    group_of = np.cumsum(boundary) - 1
    starts = np.nonzero(boundary)[0]
    sizes = np.diff(np.append(starts, len(order)))
    return order, starts[group_of], sizes[group_of]


def _expand(left: np.ndarray, first: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each k, the pairs (left[k], first[k] + t) for t < count[k]: positions in a sorted order."""
    total = int(count.sum())
    lefts = np.repeat(left, count)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    return lefts, np.repeat(first, count) + offsets


def _distinct_rows(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a matrix of levels (-1 to 14), and how often each occurs."""
    if not len(levels):
        return levels, np.zeros(0)
    code = np.zeros(len(levels), dtype=np.int64)
    for f_index in range(levels.shape[1]):
        code = code * 16 + (levels[:, f_index].astype(np.int64) + 1)
    code.sort()
    starts = np.nonzero(np.concatenate(([True], code[1:] != code[:-1])))[0]
    counts = np.diff(np.append(starts, len(code))).astype(float)
    distinct = code[starts]
    rows = np.empty((len(distinct), levels.shape[1]), dtype=np.int64)
    for f_index in reversed(range(levels.shape[1])):
        rows[:, f_index] = distinct % 16 - 1
        distinct = distinct // 16
    return rows, counts


def _pair_codes(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    keep = lo != hi
    return lo[keep].astype(np.int64) * n + hi[keep]


def _block_pairs(key: np.ndarray, max_block: int, n: int) -> np.ndarray:
    """i * n + j of every pair within a group of at most max_block records."""
    order, start, size = _groups(key)
    position = np.arange(len(order))
    after = np.where((size >= 2) & (size <= max_block), start + size - position - 1, 0)
    left, right = _expand(position, position + 1, after)
    return _pair_codes(order[left], order[right], n)


def _lacking_pairs(key: np.ndarray, lacking: np.ndarray, max_block: int, n: int) -> np.ndarray:
    """Pairs within a group where one side lacks the column: the rule exists for them."""
    order, start, size = _groups(key)
    lacks = lacking[order]
    group_lacking = np.bincount(start[lacks], minlength=len(order))[start]
    chosen = np.nonzero(lacks & (size >= 2) & (group_lacking <= max_block))[0]
    left, right = _expand(chosen, start[chosen], size[chosen])
    return _pair_codes(order[left], order[right], n)


# --- comparison --------------------------------------------------------------------------

_LEVEL_FUNCTIONS: dict[str, Callable[[Any, Any], int]] = {
    "name": _name_level,
    "string": _string_level,
    "code": _code_level,
}


def _pairwise_levels(column: _Column, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Levels of a name, string or code column: each distinct pair of classes compared once."""
    classes = column.record_classes()
    a, b = classes[i].astype(np.int64), classes[j].astype(np.int64)
    known = (a >= 0) & (b >= 0)
    out = np.full(len(i), NULL, dtype=np.int8)
    lo, hi = np.minimum(a[known], b[known]), np.maximum(a[known], b[known])
    distinct, inverse = np.unique(lo * len(column.class_values) + hi, return_inverse=True)
    reps, level_of = column.class_values, _LEVEL_FUNCTIONS[column.kind]
    size = len(reps)
    table = np.fromiter(
        (level_of(*sorted((reps[int(x // size)], reps[int(x % size)]))) for x in distinct.tolist()),
        dtype=np.int8,
        count=len(distinct),
    )
    out[known] = table[inverse.ravel()]
    return out


def _cross_levels(first: _Column, second: _Column, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Levels of record i's name in one column against record j's in another (a given name
    written as the family name): each distinct pair of classes compared once."""
    a = first.record_classes()[i].astype(np.int64)
    b = second.record_classes()[j].astype(np.int64)
    known = (a >= 0) & (b >= 0)
    out = np.full(len(i), NULL, dtype=np.int8)
    size = max(len(second.class_values), 1)
    distinct, inverse = np.unique(a[known] * size + b[known], return_inverse=True)
    table = np.fromiter(
        (
            _name_level(*sorted((first.class_values[int(x // size)], second.class_values[int(x % size)])))
            for x in distinct.tolist()
        ),
        dtype=np.int8,
        count=len(distinct),
    )
    out[known] = table[inverse.ravel()]
    return out


def _either_order(first: _Column, second: _Column) -> _Column:
    """A column of the two names' phonetic keys as a set, to block on in either order."""
    keys: list[str | None] = []
    for x, y in zip(first.codes.tolist(), second.codes.tolist(), strict=True):
        if x < 0 or y < 0:
            keys.append(None)
            continue
        pair = sorted((name_keys(first.values[x]).phonetic, name_keys(second.values[y]).phonetic))
        keys.append(" | ".join(pair) if all(pair) else None)
    return _Column("exact", keys)


def _date_levels(column: _Column, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """The levels of `LEVEL_LABELS["date"]`. A 1 January is often an age estimated at
    registration, not a birthday: agreeing on it proves little, and a 1 January against
    another day of the same (or the adjacent) year is a placeholder, not a contradiction."""
    ya, ma, da = column.year[i], column.month[i], column.day[i]
    yb, mb, db = column.year[j], column.month[j], column.day[j]
    same_year = ya == yb
    full = (ma > 0) & (da > 0) & (mb > 0) & (db > 0)
    placeholder_a, placeholder_b = (ma == 1) & (da == 1), (mb == 1) & (db == 1)
    either_placeholder = placeholder_a | placeholder_b
    out = np.full(len(i), 9, dtype=np.int8)
    apart = np.abs(ya - yb)
    adjacent = apart == 1
    out[adjacent] = 8
    out[adjacent & either_placeholder] = 7
    # A year off by one (an estimated age) or by ten (a slip of one digit) on the same day.
    out[((apart == 1) | (apart == 10)) & full & (ma == mb) & (da == db) & ~either_placeholder] = 6
    out[same_year] = 5
    out[same_year & either_placeholder] = 4
    out[same_year & (ma > 0) & (ma == mb) & ~either_placeholder] = 3
    out[same_year & full & (ma == db) & (da == mb) & (ma != da)] = 2
    exact = same_year & full & (ma == mb) & (da == db)
    out[exact & placeholder_a] = 1
    out[exact & ~placeholder_a] = 0
    out[(ya == 0) | (yb == 0)] = NULL
    return out


def _exact_levels(column: _Column, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    a, b = column.codes[i], column.codes[j]
    return np.where((a < 0) | (b < 0), NULL, (a != b).astype(np.int8)).astype(np.int8)


# --- the model ---------------------------------------------------------------------------


@dataclass
class Model:
    fields: list[Field]
    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float  # probability that a candidate pair is a match
    tf: dict[str, dict[Any, float]] = field(default_factory=dict)
    # Which fields are missing on a side, as one comparison: for each set of missing
    # fields (a bit per field), how often one person's two records (m) and two random
    # records (u) show it. Counted jointly because missing fields go together (a hasty
    # re-registration lacks several). None: a missing value is no evidence either way.
    missing: tuple[np.ndarray, np.ndarray] | None = None
    # Pairs of one household (agreeing on the `household` fields, indexes into `fields`)
    # compare their other fields against other pairs of one household, not random pairs:
    # brothers and sisters share a place of birth and are born a few years apart, so in a
    # household those agreements prove little. Per field index, u among such pairs.
    household: tuple[int, ...] = ()
    household_u: dict[int, np.ndarray] = field(default_factory=dict)
    # Per tf column, the share of records whose name has each compact skeleton (all its
    # spellings together, in either script): how often two random records could agree
    # on it across scripts.
    skeleton_tf: dict[str, dict[str, float]] = field(default_factory=dict)

    def ratios(self, base: float = 2.0) -> list[np.ndarray]:
        """Per field, log(m/u) of each level, and 0 for "missing" as the last entry (index -1)."""
        return [np.append(np.log(m / u), 0.0) / math.log(base) for m, u in zip(self.m, self.u, strict=True)]

    def missing_ratio(self, levels: np.ndarray, base: float = 2.0) -> np.ndarray:
        """log(m/u) of each pair's set of missing fields (0 without a missing model)."""
        if self.missing is None:
            return np.zeros(len(levels))
        m, u = self.missing
        return (np.log(m / u) / math.log(base))[_missing_sets(levels)]

    def household_ratio(self, levels: np.ndarray, base: float = 2.0) -> np.ndarray:
        """Per pair, what comparing against households instead of random pairs changes:
        log(u/u_household) of each other field's level; 0 outside a household."""
        out = np.zeros(len(levels))
        if not self.household_u:
            return out
        agree = np.all((levels[:, list(self.household)] >= 0) & (levels[:, list(self.household)] <= 1), axis=1)
        rows = np.nonzero(agree)[0]
        for f_index, u_household in self.household_u.items():
            col = levels[rows, f_index].astype(np.int64)
            known = col >= 0
            change = np.log(self.u[f_index] / u_household) / math.log(base)
            out[rows[known]] += change[col[known]]
        return out


def _missing_m(pattern_sets: np.ndarray, posterior: np.ndarray, expected: float, fields: int) -> np.ndarray:
    """m of each set of missing fields: its share among the expected matches, but never
    below half what the fields' own missing rates would give it together. A set that few
    candidate pairs show (a script record lacking the father's name, whose twin lacks the
    date) would otherwise fall to nothing by EM, which then keeps its pairs from matching."""
    sets = 1 << fields
    joint = np.bincount(pattern_sets, weights=posterior, minlength=sets) / expected
    bits = (np.arange(sets)[:, None] >> np.arange(fields)[None, :]) & 1
    rates = np.clip(bits.T @ joint, 1e-6, 1 - 1e-6)  # per field, how often it is missing
    independent = np.prod(np.where(bits == 1, rates, 1 - rates), axis=1)
    m = np.maximum(joint, 0.5 * independent)
    return np.maximum(m, 1e-6) / np.maximum(m, 1e-6).sum()


def _missing_sets(levels: np.ndarray) -> np.ndarray:
    """Per pair, the set of fields missing on a side, as bits."""
    bits = (levels < 0).astype(np.int64)
    return bits @ (1 << np.arange(levels.shape[1], dtype=np.int64))


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
        chunk: int = 2_000_000,
        household: Sequence[str] = (),
        swap: tuple[str, str] | None = None,
        estimate_m: Iterable[str] | None = None,
        unit: tuple[str, str, str] | None = None,
    ) -> None:
        self.fields = list(fields)
        self.rules = [list(r) for r in blocking]
        self.threshold = threshold
        self.max_block = max_block
        self.source = source
        self.seed = seed
        self.tf_columns = list(tf_columns) if tf_columns is not None else [f.column for f in fields if f.kind == "name"]
        self.chunk = chunk  # pairs compared at once: bounds the memory of the comparison
        self.household = list(household)  # columns one household shares (family and father's name)
        # Two name columns a clerk may exchange (given and family name): a pair is compared
        # both ways and keeps the closer reading; `EITHER_ORDER` blocks on the two together.
        self.swap = swap
        # Columns whose m EM estimates from the candidate pairs (the others keep M_PRIORS).
        self.estimate_m = (
            set(estimate_m) if estimate_m is not None else {f.column for f in self.fields if f.kind in EM_KINDS}
        )
        # (household reference, given name, family name): one person registered twice in one
        # household is a common duplicate, but every member of a household shares its
        # reference, so agreeing on it counts only where the names agree too (`_unit_unproven`).
        self.unit = unit

    # records ----------------------------------------------------------------------------

    def prepare(self, records: Sequence[dict]) -> Prepared:
        kinds = {f.column: f.kind for f in self.fields}
        for rule in self.rules:
            for spec in rule:
                kinds.setdefault(spec.lstrip("!").partition(":")[0], "exact")
        kinds.pop(EITHER_ORDER, None)
        columns = {column: _Column(kind, [r.get(column) for r in records]) for column, kind in kinds.items()}
        if self.swap:
            first, second = (columns[c] for c in self.swap)
            columns[EITHER_ORDER] = _either_order(first, second)
        sources = None
        if self.source:
            sources = _Column("exact", [r.get(self.source) for r in records]).codes
        return Prepared(columns, sources)

    # blocking ---------------------------------------------------------------------------

    def candidate_pairs(self, rows: Prepared) -> np.ndarray:
        """Distinct (i, j), i < j, of records that share a blocking key; sorted."""
        n = len(rows)
        found = []
        for rule in self.rules:
            parts = [spec.partition(":") for spec in rule if not spec.startswith("!")]
            key = _combine([rows.columns[column].block_key(which) for column, _sep, which in parts])
            lacking_columns = [spec[1:] for spec in rule if spec.startswith("!")]
            if lacking_columns:
                lacking = np.zeros(n, dtype=bool)
                for column in lacking_columns:
                    lacking |= rows.columns[column].codes < 0
                found.append(_lacking_pairs(key, lacking, self.max_block, n))
            else:
                found.append(_block_pairs(key, self.max_block, n))
        codes = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
        del found
        codes.sort()
        codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))] if len(codes) else codes
        pairs = np.stack([codes // max(n, 1), codes % max(n, 1)], axis=1)
        if rows.sources is not None and len(pairs):
            pairs = pairs[rows.sources[pairs[:, 0]] != rows.sources[pairs[:, 1]]]
        return pairs

    # comparison -------------------------------------------------------------------------

    def levels(self, rows: Prepared, pairs: np.ndarray) -> np.ndarray:
        out = np.empty((len(pairs), len(self.fields)), dtype=np.int8)
        for start in range(0, len(pairs), self.chunk):
            part = pairs[start : start + self.chunk]
            i, j = part[:, 0], part[:, 1]
            for f_index, f in enumerate(self.fields):
                column = rows.columns[f.column]
                if f.kind == "date":
                    out[start : start + len(part), f_index] = _date_levels(column, i, j)
                elif f.kind in ("exact", "unit"):
                    out[start : start + len(part), f_index] = _exact_levels(column, i, j)
                else:
                    out[start : start + len(part), f_index] = _pairwise_levels(column, i, j)
            if self.swap:
                self._read_swapped(rows, out[start : start + len(part)], i, j)
        return out

    def _read_swapped(self, rows: Prepared, levels: np.ndarray, i: np.ndarray, j: np.ndarray) -> None:
        """Where the two exchangeable names agree better crossed (Abbas Hosseini, Hosseini
        Abbas), their levels are read crossed; in place."""
        assert self.swap is not None
        a, b = (next(k for k, f in enumerate(self.fields) if f.column == c) for c in self.swap)
        first, second = rows.columns[self.swap[0]], rows.columns[self.swap[1]]
        cross_a = _cross_levels(first, second, i, j)
        cross_b = _cross_levels(second, first, i, j)
        straight = levels[:, a].astype(np.int16) + levels[:, b]
        crossed = cross_a.astype(np.int16) + cross_b
        better = (cross_a >= 0) & (cross_b >= 0) & (levels[:, a] >= 0) & (levels[:, b] >= 0) & (crossed < straight)
        levels[better, a] = cross_a[better]
        levels[better, b] = cross_b[better]

    # estimation -------------------------------------------------------------------------

    def _random_pairs(self, rows: Prepared, count: int) -> np.ndarray:
        n = len(rows)
        if n < 2:
            return np.zeros((0, 2), dtype=np.int64)
        rng = np.random.default_rng(self.seed)
        i, j = rng.integers(0, n, count), rng.integers(0, n, count)
        keep = i != j
        if rows.sources is not None:
            keep &= rows.sources[i] != rows.sources[j]
        i, j = i[keep], j[keep]
        return np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1)

    def estimate(self, rows: Prepared, levels: np.ndarray, *, iterations: int = 30) -> Model:
        """u from random pairs; by EM on the candidate pairs the prior, how often a duplicate
        lacks which fields, and the m of the `estimate_m` columns (started from M_PRIORS).

        The m of the names are held at M_PRIORS: a full EM on pairs that already agree on
        their blocking keys drifts towards "same family" instead of "same person" (on 20,000
        synthetic records it takes siblings for duplicates). Missing fields are one
        comparison whose m EM can estimate: siblings' records are complete.
        """
        random_levels = self.levels(rows, self._random_pairs(rows, min(100_000, max(20_000, len(rows) * 2))))
        u = []
        for f_index, f in enumerate(self.fields):
            observed = random_levels[:, f_index]
            counts = np.bincount(observed[observed >= 0], minlength=f.levels)[: f.levels] + 0.5
            u.append(counts / counts.sum())
        sets = 1 << len(self.fields)
        u_missing = np.bincount(_missing_sets(random_levels), minlength=sets) + 0.5
        u_missing /= u_missing.sum()
        m = [np.array(M_PRIORS[f.kind]) for f in self.fields]
        # EM over all pairs, for the prior and m of the missing fields: pairs no blocking
        # rule brought together are taken as non-matches, so the expected matches are the
        # candidates' posteriors. It runs on the distinct patterns of levels, which are few
        # however many the pairs.
        patterns, counts = _distinct_rows(levels)
        pattern_sets = _missing_sets(patterns)
        estimated = [f_index for f_index, f in enumerate(self.fields) if f.column in self.estimate_m]
        all_pairs = self._all_pairs(rows)
        prior = min(0.5, max(len(levels), 1) / all_pairs)
        m_missing = u_missing.copy()  # starts as no evidence
        unproven = self._unit_unproven(patterns)
        for _ in range(iterations):
            known = sum(np.append(np.log(m[f] / u[f]), 0.0)[patterns[:, f]] for f in range(len(self.fields)))
            if unproven is not None:
                known[unproven[1]] -= math.log(m[unproven[0]][0] / u[unproven[0]][0])
            evidence = known + np.log(m_missing / u_missing)[pattern_sets] + math.log(prior / (1 - prior))
            posterior = counts / (1 + np.exp(-np.clip(evidence, -50, 50)))
            expected = float(posterior.sum())
            prior = float(np.clip(expected / all_pairs, 1e-12, 0.5))
            if expected > 0:
                for f_index in estimated:
                    m[f_index] = self._m_step(patterns[:, f_index], posterior, self.fields[f_index])
                m_missing = _missing_m(pattern_sets, posterior, expected, len(self.fields))
        tf, skeleton_tf = {}, {}
        for column in self.tf_columns:
            c = rows.columns[column]
            folds = c.record_folds()
            frequency = np.bincount(folds[folds >= 0], minlength=len(c.folds))
            total_count = int(frequency.sum()) or 1
            tf[column] = {c.tf_key(k): int(x) / total_count for k, x in enumerate(frequency.tolist()) if x}
            if c.kind == "name":
                by_skeleton: dict[str, float] = {}
                for k, x in enumerate(frequency.tolist()):
                    key = name_keys(c.folds[k]).compact_skeleton
                    by_skeleton[key] = by_skeleton.get(key, 0.0) + x / total_count
                skeleton_tf[column] = by_skeleton
        if self.swap and all(column in tf for column in self.swap):
            # A pair read crossed agrees on a given name written as a family name (Nuri,
            # Ali; Ali, Nuri): what it proves is how common the name is in either place.
            for table in (tf, skeleton_tf):
                first, second = (table.get(column, {}) for column in self.swap)
                either = {k: max(first.get(k, 0.0), second.get(k, 0.0)) for k in first.keys() | second.keys()}
                for column in self.swap:
                    table[column] = either
        household = tuple(f_index for f_index, f in enumerate(self.fields) if f.column in self.household)
        household_u = self._household_u(rows, household) if household else {}
        missing = (m_missing, u_missing)
        return Model(self.fields, m, u, prior, tf, missing, household, household_u, skeleton_tf)

    @staticmethod
    def _m_step(levels: np.ndarray, posterior: np.ndarray, f: Field) -> np.ndarray:
        """m of one field from the expected matches' levels, drawn towards M_PRIORS by
        `EM_PRIOR_WEIGHT` pairs' worth of prior (a level no match shows keeps some m)."""
        known = levels >= 0
        observed = np.bincount(levels[known], weights=posterior[known], minlength=f.levels)[: f.levels]
        counts = observed.astype(float) + EM_PRIOR_WEIGHT * np.array(M_PRIORS[f.kind])
        return np.maximum(counts / counts.sum(), 1e-6)

    def _household_pairs(self, rows: Prepared, count: int) -> np.ndarray:
        """Random pairs of records agreeing on the household's blocking keys: each record of
        a group with another, up to `count` pairs."""
        key = _combine([rows.columns[column].block_key("") for column in self.household])
        order, start, size = _groups(key)
        shared = np.nonzero(size >= 2)[0]
        rng = np.random.default_rng(self.seed)
        if len(shared) > count:
            shared = rng.choice(shared, count, replace=False)
        if not len(shared):
            return np.zeros((0, 2), dtype=np.int64)
        other = start[shared] + (shared - start[shared] + rng.integers(1, size[shared])) % size[shared]
        i, j = order[shared], order[other]
        return np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1)

    def _household_u(self, rows: Prepared, household: tuple[int, ...]) -> dict[int, np.ndarray]:
        """u of each other field among pairs of one household that are two people.

        Which pairs are two people is seen on another field: for the date of birth, sex and
        place, a wholly different given name; for the given name, dates of birth years apart.
        Duplicates, which agree on the household's fields too, stay out of the count.
        """
        pairs = self._household_pairs(rows, 200_000)
        levels = self.levels(rows, pairs)
        levels = levels[np.all((levels[:, list(household)] >= 0) & (levels[:, list(household)] <= 1), axis=1)]
        witnesses = [k for k, f in enumerate(self.fields) if k not in household and f.kind in ("name", "date")]
        out = {}
        for f_index, f in enumerate(self.fields):
            others = [k for k in witnesses if k != f_index]
            if f_index in household or not others or (self.unit and f.column == self.unit[0]):
                continue
            witness = others[0]
            observed = levels[levels[:, witness] == self.fields[witness].levels - 1, f_index]
            observed = observed[observed >= 0]
            if len(observed) < 200:  # too few households to tell
                continue
            counts = np.bincount(observed, minlength=f.levels)[: f.levels] + 0.5
            out[f_index] = counts / counts.sum()
        return out

    def _all_pairs(self, rows: Prepared) -> int:
        if rows.sources is not None:
            sizes = np.bincount(rows.sources[rows.sources >= 0])
            sizes = sizes[sizes > 0]
            return max(1, math.prod(int(s) for s in sizes)) if len(sizes) > 1 else 1
        return max(1, len(rows) * (len(rows) - 1) // 2)

    # scoring ----------------------------------------------------------------------------

    def weights(self, model: Model, rows: Prepared, pairs: np.ndarray, levels: np.ndarray) -> np.ndarray:
        """Match weights (bits), with term-frequency adjustment of exact name agreement."""
        w = math.log2(model.prior / (1 - model.prior)) + model.missing_ratio(levels) + model.household_ratio(levels)
        ratios = model.ratios()
        unproven = self._unit_unproven(levels)
        if unproven is not None:
            w[unproven[1]] -= ratios[unproven[0]][0]
        for f_index, f in enumerate(self.fields):
            col = levels[:, f_index]
            w += ratios[f_index][col]
            tf = model.tf.get(f.column)
            if tf:
                exact = np.nonzero(col == 0)[0]
                if len(exact):
                    c = rows.columns[f.column]
                    by_fold = np.array([tf.get(c.tf_key(k), 0.0) for k in range(len(c.folds))] or [0.0])
                    freq = by_fold[c.record_folds()[pairs[exact, 0]]]
                    u_exact = model.u[f_index][0]
                    # Splink's adjustment: replace u of "exact" by the value's own frequency.
                    w[exact] += np.log2(u_exact / np.maximum(freq, 1e-6))
                c = rows.columns[f.column]
                folds = c.record_folds()
                persian = np.array([is_persian_script(v) for v in c.folds] + [False])[folds]
                spelled = np.nonzero((col == 1) & (persian[pairs[:, 0]] != persian[pairs[:, 1]]))[0]
                skeletons = model.skeleton_tf.get(f.column)
                if len(spelled) and skeletons:
                    # One name in two scripts (Javadian, جوادیان) is the closest two scripts
                    # can agree: it weighs as the exact agreement on the name would, by how
                    # common the name is in all its spellings (Zahra, زهرا: little).
                    by_skeleton = np.array([skeletons.get(name_keys(v).compact_skeleton, 0.0) for v in c.folds] + [0.0])
                    freq = np.maximum(by_skeleton[folds[pairs[spelled, 0]]], by_skeleton[folds[pairs[spelled, 1]]])
                    ratio = np.log2(model.m[f_index][0] / np.maximum(freq, 1e-4))
                    w[spelled] += ratio - ratios[f_index][1]
                alike = np.nonzero((col == 1) & (persian[pairs[:, 0]] == persian[pairs[:, 1]]))[0]
                if len(alike) and skeletons:
                    # One name spelled two ways (Mohammad, Muhammad) never proves more than
                    # one spelling would, by how common the name is in all its spellings.
                    by_skeleton = np.array([skeletons.get(name_keys(v).compact_skeleton, 0.0) for v in c.folds] + [0.0])
                    freq = np.maximum(by_skeleton[folds[pairs[alike, 0]]], by_skeleton[folds[pairs[alike, 1]]])
                    ceiling = np.log2(model.m[f_index][0] / np.maximum(freq, 1e-4))
                    w[alike] += np.minimum(ceiling - ratios[f_index][1], 0.0)
                if len(spelled) and not skeletons:
                    # Without the skeletons' frequencies: never more than the exact spelling.
                    by_fold = np.array([tf.get(c.tf_key(k), 0.0) for k in range(len(c.folds))] or [0.0])
                    freq = np.maximum(by_fold[folds[pairs[spelled, 0]]], by_fold[folds[pairs[spelled, 1]]])
                    w[spelled] += np.minimum(np.log2(model.u[f_index][0] / np.maximum(freq, 1e-6)), 0.0)
        return w

    def _unit_unproven(self, levels: np.ndarray) -> tuple[int, np.ndarray] | None:
        """The unit field's index, and per pair whether its agreement proves nothing: two
        records of one household whose given names are not one name spelled two ways, or
        whose family names are wholly different (a brother's names read crossed), are two
        of its members: parents do not give two children one name."""
        if self.unit is None:
            return None
        columns = [f.column for f in self.fields]
        unit, given, family = (columns.index(c) for c in self.unit)
        names_agree = (levels[:, given] >= 0) & (levels[:, given] <= 1) & (levels[:, family] <= 3)
        return unit, (levels[:, unit] == 0) & ~names_agree

    def score(self, rows: Prepared, pairs: np.ndarray, model: Model | None = None) -> tuple[Model, list[ScoredPair]]:
        levels = self.levels(rows, pairs)
        model = model or self.estimate(rows, levels)
        w = self.weights(model, rows, pairs, levels)
        prob = 1 / (1 + np.power(2.0, -np.clip(w, -60, 60)))
        keep = np.nonzero(prob >= self.threshold)[0]
        kept_pairs, kept_levels = pairs[keep].tolist(), levels[keep].tolist()
        scored = [
            ScoredPair(i, j, weight, probability, tuple(lv))
            for (i, j), weight, probability, lv in zip(
                kept_pairs, w[keep].tolist(), prob[keep].tolist(), kept_levels, strict=True
            )
        ]
        return model, scored

    def run(self, records: Sequence[dict]) -> list[ScoredPair]:
        rows = self.prepare(records)
        _model, scored = self.score(rows, self.candidate_pairs(rows))
        return scored

    def explain(self, model: Model, levels: tuple[int, ...]) -> dict[str, str]:
        out = {}
        ratios = model.ratios()
        unproven = self._unit_unproven(np.array([levels]))
        for f_index, f in enumerate(self.fields):
            level = levels[f_index]
            if level == NULL:
                out[f.label or f.column] = "missing"
            elif unproven is not None and f_index == unproven[0] and unproven[1][0]:
                out[f.label or f.column] = f"{LEVEL_LABELS[f.kind][level]} (+0.0: other names)"
            else:
                out[f.label or f.column] = f"{LEVEL_LABELS[f.kind][level]} ({ratios[f_index][level]:+.1f})"
        if model.missing is not None and NULL in levels:
            out["missing fields"] = f"{float(model.missing_ratio(np.array([levels]))[0]):+.1f}"
        household = float(model.household_ratio(np.array([levels]))[0])
        if household:
            out["one household"] = f"{household:+.1f}"
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
    Field("household_id", "unit", "household"),
]
# The given and the family name in either order, as a blocking column (see `Deduplicator.swap`).
EITHER_ORDER = "given_and_family_either_order"
REGISTER_BLOCKING = [
    ["given_name", "family_name", "date_of_birth:year"],
    ["given_name", "family_name", "fathers_name"],
    ["given_name", "fathers_name", "date_of_birth:year"],
    ["family_name", "fathers_name", "date_of_birth:year"],
    ["family_name", "date_of_birth"],
    ["given_name", "date_of_birth"],
    # Slips in the given name and a variant of the family name (Al-Ubaidi, Obaidi).
    ["fathers_name", "date_of_birth"],
    ["given_name", "family_name", "date_of_birth:md"],
    # A wrong year and a slip in the given or the family name.
    ["given_name", "fathers_name", "date_of_birth:md"],
    ["family_name", "fathers_name", "date_of_birth:md"],
    # Slips in both the given and the family name.
    ["date_of_birth", "place_of_birth"],
    # Pairs where one record has no date of birth, or no father's name, meet on the name,
    # or on the given and the father's name when the family name has a slip. (Not on the
    # family and the father's name: without a date of birth that pairs brothers and sisters.)
    ["given_name", "family_name", "!date_of_birth"],
    ["given_name", "family_name", "!fathers_name"],
    ["given_name", "fathers_name", "!date_of_birth"],
    # The given and the family name exchanged.
    [EITHER_ORDER, "date_of_birth:year"],
    [EITHER_ORDER, "fathers_name"],
    [EITHER_ORDER, "date_of_birth:md"],
    # Every two members of one household: a re-registration there may carry any slips.
    ["household_id"],
]


def register_deduplicator(threshold: float = DEFAULT_THRESHOLD) -> Deduplicator:
    return Deduplicator(
        REGISTER_FIELDS,
        REGISTER_BLOCKING,
        threshold=threshold,
        tf_columns=["given_name", "fathers_name", "family_name"],
        household=["family_name", "fathers_name"],
        swap=("given_name", "family_name"),
        estimate_m=["date_of_birth", "sex", "place_of_birth", "household_id"],
        unit=("household_id", "given_name", "family_name"),
    )
