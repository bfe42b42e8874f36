"""Held-out test data for name matching: camp registrations with known duplicates, a search
population and clerk-typed queries. Stdlib only, deterministic for a given seed.

Used only to JUDGE search and dedup, never to tune them. It was written without reading the
project's matching code or its other generators; its rates, lists and algorithms are FIXED
(README.md says what may still change). The benches import it with
``sys.path.insert(0, "bench/heldout")``; ``python bench/heldout/generator.py --check`` prints
what it makes.

API
- ``registrations(n, seed) -> (records, pairs)``: n records, shuffled; ``pairs`` lists every
  pair of record_ids (sorted tuple, list sorted) that belong to the same true person.
- ``search_population(n, seed) -> records``: one record per person.
- ``search_queries(population, count, seed) -> [{"text", "kind", "record_id"}]``.
"""

from __future__ import annotations

import argparse
import bisect
import importlib.util
import itertools
import random
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

_spec = importlib.util.spec_from_file_location("heldout_names", Path(__file__).resolve().parent / "heldout_names.py")
assert _spec and _spec.loader
_names = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_names)

KEYS = (
    "given_name",
    "fathers_name",
    "family_name",
    "date_of_birth",
    "sex",
    "place_of_birth",
    "household_id",
    "record_id",
    "cluster_id",
)
REFERENCE_YEAR = 2026
ZWNJ = "\u200c"

# ---------------------------------------------------------------------------------------------
# Error model. FIRST applies to a person's first registration, RE to each later one. Rates are
# per record unless marked "per name field". The README copies this table.
# ---------------------------------------------------------------------------------------------
FIRST = {
    "name_swap": 0.02,
    "dob_day_month_swap": 0.02,
    "dob_month_over_12": 0.005,
    "dob_year_off_by_one": 0.0,
    "dob_year_off_by_ten": 0.005,
    "dob_jan1_placeholder": 0.04,
    "dob_missing": 0.03,
    "place_missing": 0.08,
    "place_script": 0.03,
    "script": 0.06,  # whole record in Persian/Arabic script, father's name kept
    "father_missing": 0.03,
    "sex_missing": 0.02,
    "other_household": 0.0,
    "romanisation_rule": 0.08,  # per name field
    "typo": 0.03,
    "al_drop": 0.15,  # per family name written with al-/el-
    "al_add": 0.02,  # per family name that takes al- in Arabic usage
    "compound_shortened": 0.02,  # per compound given name (Mohammad Reza -> Reza)
    "copies_first_spelling": 0.0,
}
RE = {
    "name_swap": 0.10,
    "dob_day_month_swap": 0.06,
    "dob_month_over_12": 0.03,
    "dob_year_off_by_one": 0.07,
    "dob_year_off_by_ten": 0.03,
    "dob_jan1_placeholder": 0.06,
    "dob_missing": 0.05,
    "place_missing": 0.15,
    "place_script": 0.05,
    "script": 0.15,  # script twin of a Latin record: father's name missing
    "father_missing": 0.06,
    "sex_missing": 0.08,
    "other_household": 0.25,
    "romanisation_rule": 0.25,
    "typo": 0.10,
    "al_drop": 0.30,
    "al_add": 0.06,
    "compound_shortened": 0.05,
    "copies_first_spelling": 0.40,  # per name field: the clerk copies the card from the first registration
}
DUPLICATED_PERSONS = 0.15  # share of persons registered more than once
EXTRA_REGISTRATIONS = ((1, 70), (2, 22), (3, 8))  # extra records of a duplicated person
ESTIMATED_DOB_PERSONS = 0.06  # only the year is known: records hold YYYY-01-01 (80%) or ''
DATE_KINDS = (
    "dob_day_month_swap",
    "dob_month_over_12",
    "dob_year_off_by_one",
    "dob_year_off_by_ten",
    "dob_jan1_placeholder",
    "dob_missing",
)
# Search population and queries.
POPULATION_SCRIPT = 0.10
POPULATION_DOB_MISSING = 0.05
POPULATION_DOB_PLACEHOLDER = 0.07
POPULATION_DOB_IMPOSSIBLE = 0.003
POPULATION_SEX_MISSING = 0.01
POPULATION_PLACE_MISSING = 0.10
POPULATION_FATHER_MISSING = 0.03
QUERY_KINDS = (("name+year", 35), ("name+father", 25), ("name_only", 20), ("script", 20))
QUERY_YEAR_OFF_BY_ONE = 0.12
QUERY_ORDER_SWAPPED = 0.12
QUERY_RULE = 0.20  # per name word
QUERY_TYPO = 0.08
QUERY_COMPOUND_SHORTENED = 0.03
QUERY_AL_TOGGLE = 0.25
SONS = ["son of", "s/o", "bin", "ibn", "pesar-e", "pesare", "walad", "kuri"]
DAUGHTERS = ["daughter of", "d/o", "bint", "dokhtar-e", "dokhtare", "kchi"]
SCRIPT_SONS = ["پسر", "فرزند", "بن", "ولد"]
SCRIPT_DAUGHTERS = ["دختر", "فرزند", "بنت"]
COMPOUND_TAIL = {
    "mohammadreza": "reza",
    "mohammadali": "ali",
    "gholamhossein": "hossein",
    "gholamreza": "reza",
    "alireza": "reza",
}


# ---------------------------------------------------------------------------------------------
# Name tables
# ---------------------------------------------------------------------------------------------
def _title(s: str) -> str:
    return s[:1].upper() + s[1:]


_RULES: list[tuple[str, re.Pattern[str], str]] = [
    ("kh->x", re.compile("kh", re.I), "x"),
    ("x->kh", re.compile("x", re.I), "kh"),
    ("q->gh", re.compile("q", re.I), "gh"),
    ("gh->q", re.compile("gh", re.I), "q"),
    ("q->k", re.compile("q", re.I), "k"),
    ("ou->u", re.compile("ou", re.I), "u"),
    ("ou->oo", re.compile("ou", re.I), "oo"),
    ("oo->u", re.compile("oo", re.I), "u"),
    ("oo->ou", re.compile("oo", re.I), "ou"),
    ("u->oo", re.compile("(?<![aeiou])u(?![aeiou])", re.I), "oo"),
    ("ee->i", re.compile("ee", re.I), "i"),
    ("i->ee", re.compile("(?<=[bcdfghjklmnpqrstvwxz])i(?=[bcdfghjklmnpqrstvwxz])", re.I), "ee"),
    ("final eh->e", re.compile("eh$", re.I), "e"),
    ("final ah->a", re.compile("ah$", re.I), "a"),
    ("final e->eh", re.compile("(?<=[bcdfgjklmnpqrstvz])e$", re.I), "eh"),
    ("zadeh->zada", re.compile("zadeh", re.I), "zada"),
    ("zada->zadeh", re.compile("zada$", re.I), "zadeh"),
    ("double->single", re.compile(r"([bdfjklmnprstz])\1", re.I), r"\1"),
    ("single->double", re.compile("(?<=[aeiou])([bdjklmnrsz])(?=[aeiou])", re.I), r"\1\1"),
    ("w->v", re.compile("w", re.I), "v"),
    ("v->w", re.compile("v", re.I), "w"),
    ("y->i", re.compile("y$", re.I), "i"),
    ("ai->ay", re.compile("ai", re.I), "ay"),
    ("ei->ey", re.compile("ei", re.I), "ey"),
]


def _rule_options(s: str) -> list[tuple[int, int, str]]:
    out = []
    for _name, pat, rep in _RULES:
        for m in pat.finditer(s):
            new = m.expand(rep)
            if m.group(0)[:1].isupper():
                new = _title(new)
            out.append((m.start(), m.end(), new))
    return out


def _rule_variant(rng: random.Random, s: str) -> str:
    options = _rule_options(s)
    if not options:
        return s
    a, b, new = options[rng.randrange(len(options))]
    return s[:a] + new + s[b:]


def _all_rule_variants(s: str) -> list[str]:
    return [s[:a] + new + s[b:] for a, b, new in _rule_options(s)]


_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})


def _script_forms(script: str, female: bool) -> list[str]:
    forms = [script]
    if ZWNJ in script:
        forms += [script.replace(ZWNJ, " "), script.replace(ZWNJ, "")]
    arabic = [f.translate(_ARABIC) for f in forms]
    forms += arabic
    forms += [f.replace("آ", "ا") for f in arabic if "آ" in f]
    if female:
        forms += [f[:-1] + "ة" for f in arabic if f.endswith("ه")]
    return list(dict.fromkeys(forms))


@dataclass
class _Table:
    keys: list[str] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    cum: list[float] = field(default_factory=list)
    base: dict[str, list[str]] = field(default_factory=dict)
    base_cum: dict[str, list[float]] = field(default_factory=dict)
    wide: dict[str, list[str]] = field(default_factory=dict)  # base + rule variants (population)
    wide_cum: dict[str, list[float]] = field(default_factory=dict)
    script: dict[str, str] = field(default_factory=dict)
    arabic_ok: set[str] = field(default_factory=set)
    female: set[str] = field(default_factory=set)

    def pick(self, rng: random.Random) -> str:
        return self.keys[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


_SPELLING_WEIGHTS = (10.0, 5.0, 3.0, 2.0, 1.5, 1.0)


def _build(*sources: tuple[str, bool], rev: dict[str, str]) -> _Table:
    table = _Table()
    for text, female in sources:
        for line in text.strip().splitlines():
            parts = line.split("|")
            key, spellings, script, weight = parts[0], parts[1].split(","), parts[2], float(parts[3])
            table.keys.append(key)
            table.weights.append(weight)
            if female:
                table.female.add(key)
            if len(parts) > 4 and "a" in parts[4]:
                table.arabic_ok.add(key)
            # A spelling belongs to one key only, so the truth of a query can be read back.
            base = [s for s in spellings if rev.setdefault(s.lower(), key) == key]
            table.base[key] = base
            w = [_SPELLING_WEIGHTS[min(i, len(_SPELLING_WEIGHTS) - 1)] for i in range(len(base))]
            table.base_cum[key] = list(itertools.accumulate(w))
            wide, ww = list(base), list(w)
            for s in base:
                for v in _all_rule_variants(s):
                    if v not in wide and rev.setdefault(v.lower(), key) == key:
                        wide.append(v)
                        ww.append(0.4)
            table.wide[key] = wide
            table.wide_cum[key] = list(itertools.accumulate(ww))
            table.script[key] = script
            for f in _script_forms(script, female):
                rev.setdefault(f, key)
    table.cum = list(itertools.accumulate(table.weights))
    return table


_REV_GIVEN: dict[str, str] = {}
_REV_FAMILY: dict[str, str] = {}
_REV_PLACE: dict[str, str] = {}
MALE = _build((_names.MALE, False), rev=_REV_GIVEN)
FEMALE = _build((_names.FEMALE, True), rev=_REV_GIVEN)
FAMILY = _build((_names.FAMILY + _names.family_tail(_names.MALE, _names.FAMILY), False), rev=_REV_FAMILY)
PLACES = _build((_names.PLACES, False), rev=_REV_PLACE)


def _given_table(key: str) -> _Table:
    return FEMALE if key in FEMALE.script else MALE


def _spell(rng: random.Random, table: _Table, key: str, wide: bool = False) -> str:
    spellings, cum = (table.wide[key], table.wide_cum[key]) if wide else (table.base[key], table.base_cum[key])
    return spellings[bisect.bisect(cum, rng.random() * cum[-1])]


def _script(rng: random.Random, table: _Table, key: str, arabic: float = 0.25) -> str:
    s = table.script[key]
    if ZWNJ in s:
        s = rng.choice((s, s.replace(ZWNJ, " "), s.replace(ZWNJ, "")))
    if rng.random() < arabic:
        s = s.translate(_ARABIC)
        if rng.random() < 0.5:
            s = s.replace("آ", "ا")
        if key in table.female and s.endswith("ه") and rng.random() < 0.5:
            s = s[:-1] + "ة"
    return s


_KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_KEYBOARD):
    for _c, _ch in enumerate(_row):
        near = _row[max(0, _c - 1) : _c] + _row[_c + 1 : _c + 2]
        for _other in (_r - 1, _r + 1):
            if 0 <= _other < len(_KEYBOARD):
                near += _KEYBOARD[_other][max(0, _c - 1) : _c + 1]
        _NEIGHBOURS[_ch] = near


def _typo(rng: random.Random, s: str) -> str:
    """One keyboard slip: a neighbouring key, a dropped, doubled or swapped letter."""
    if len(s) < 3:
        return s
    i = rng.randrange(1, len(s))
    ch = s[i]
    op = rng.random()
    if op < 0.4 and ch.lower() in _NEIGHBOURS:
        return s[:i] + rng.choice(_NEIGHBOURS[ch.lower()]) + s[i + 1 :]
    if op < 0.65:
        return s[:i] + s[i + 1 :]
    if op < 0.85 and i < len(s) - 1:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s[:i] + ch + s[i:]


_AL = re.compile(r"^(al-|al |el-|el |al(?=[a-z]))", re.I)


def _has_al(s: str) -> bool:
    return bool(_AL.match(s))


def _al_toggle(rng: random.Random, s: str) -> str:
    if _has_al(s):
        return _title(_AL.sub("", s, count=1))
    return rng.choice(("al-", "Al-", "Al ", "el-")) + s


# ---------------------------------------------------------------------------------------------
# Registrations
# ---------------------------------------------------------------------------------------------
@dataclass
class Person:
    pid: int
    given: str
    father: str
    family: str
    sex: str
    y: int
    m: int
    d: int
    est: bool
    place: str
    hh: str
    clan: int
    parent: tuple[int, str]  # (clan, father's key): brothers share it
    role: str = ""
    twin: int = -1
    spelt: dict[str, str] = field(default_factory=dict)  # base spellings of the first Latin record


def _days(y: int, m: int) -> int:
    if m == 2:
        return 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28
    return 30 if m in (4, 6, 9, 11) else 31


def _date(y: int, m: int, d: int) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}"


def _dob(rng: random.Random, p: Person, rates: dict[str, float]) -> tuple[str, str]:
    if p.est:
        return (_date(p.y, 1, 1), "dob_estimated") if rng.random() < 0.8 else ("", "dob_estimated")
    y, m, d = p.y, p.m, p.d
    r = rng.random()
    for kind in DATE_KINDS:
        r -= rates[kind]
        if r < 0:
            break
    else:
        return _date(y, m, d), ""
    if kind == "dob_day_month_swap" and d != m:
        return _date(y, d, m), kind
    if kind == "dob_month_over_12":
        return _date(y, m + 10 if 3 <= m <= 9 else rng.randint(13, 19), d), kind
    if kind == "dob_year_off_by_one":
        return _date(y + rng.choice((-1, 1)), m, d), kind
    if kind == "dob_year_off_by_ten":
        return _date(y + (-10 if y + 10 > REFERENCE_YEAR or rng.random() < 0.5 else 10), m, d), kind
    if kind == "dob_jan1_placeholder" and (m, d) != (1, 1):
        return _date(y, 1, 1), kind
    if kind == "dob_missing":
        return "", kind
    return _date(y, m, d), ""


def _latin_name(
    rng: random.Random, table: _Table, key: str, rates: dict[str, float], kinds: set[str], p: Person, slot: str
) -> str:
    if slot in p.spelt and rng.random() < rates["copies_first_spelling"]:
        s = p.spelt[slot]
    elif key in COMPOUND_TAIL and rng.random() < rates["compound_shortened"]:
        kinds.add("compound_shortened")
        s = _spell(rng, table, COMPOUND_TAIL[key])
    else:
        s = _spell(rng, table, key)
        p.spelt.setdefault(slot, s)
    if rng.random() < rates["romanisation_rule"]:
        v = _rule_variant(rng, s)
        if v != s:
            kinds.add("romanisation_rule")
            s = v
    if table is FAMILY and key in table.arabic_ok:  # only there is a leading "Al" the article
        if _has_al(s) and rng.random() < rates["al_drop"] or (not _has_al(s) and rng.random() < rates["al_add"]):
            kinds.add("al_prefix")
            s = _al_toggle(rng, s)
    return s


@dataclass
class _Register:
    persons: list[Person] = field(default_factory=list)
    households: set[str] = field(default_factory=set)
    clan_households: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))


def _new_hh(rng: random.Random, reg: _Register) -> str:
    while True:
        h = f"HH-{rng.randrange(16**6):06X}"
        if h not in reg.households:
            reg.households.add(h)
            return h


def _person(rng: random.Random, reg: _Register, **kw: object) -> Person:
    y = int(kw.pop("y"))  # type: ignore[call-overload]
    m = rng.randint(1, 12)
    p = Person(
        pid=len(reg.persons),
        y=y,
        m=m,
        d=rng.randint(1, _days(y, m)),
        est=rng.random() < ESTIMATED_DOB_PERSONS,
        **kw,  # type: ignore[arg-type]
    )
    reg.persons.append(p)
    return p


def _distinct(rng: random.Random, table: _Table, taken: set[str]) -> str:
    for _ in range(20):
        k = table.pick(rng)
        if k not in taken:
            taken.add(k)
            return k
    return k


def _clan(rng: random.Random, reg: _Register, clan: int) -> None:
    """A family: a grandfather, his sons each heading a household, their wives and children.
    Brothers, cousins, grandsons named after their grandfather, twins and unrelated namesakes
    born the same year are the hard negatives it makes."""
    fam = FAMILY.pick(rng)
    place = PLACES.pick(rng)

    def birthplace() -> str:
        return place if rng.random() < 0.7 else PLACES.pick(rng)

    def hh() -> str:
        h = _new_hh(rng, reg)
        reg.clan_households[clan].append(h)
        return h

    if rng.random() < 0.2:  # a single young adult, alone
        h = hh()
        sex = "M" if rng.random() < 0.75 else "F"
        table = MALE if sex == "M" else FEMALE
        _person(
            rng, reg, given=table.pick(rng), father=MALE.pick(rng), family=fam, sex=sex,
            y=rng.randint(1986, 2007), place=birthplace(), hh=h, clan=clan, parent=(clan, "?"), role="single",
        )  # fmt: skip
        return
    gf_given, gf_father, gf_year = MALE.pick(rng), MALE.pick(rng), rng.randint(1936, 1962)
    if rng.random() < 0.3:
        h0 = hh()
        _person(
            rng, reg, given=gf_given, father=gf_father, family=fam, sex="M", y=gf_year,
            place=birthplace(), hh=h0, clan=clan, parent=(-1, ""), role="grandfather",
        )  # fmt: skip
        if rng.random() < 0.6:
            _person(
                rng, reg, given=FEMALE.pick(rng), father=MALE.pick(rng), family=FAMILY.pick(rng), sex="F",
                y=min(gf_year + rng.randint(-2, 8), 1970), place=birthplace(), hh=h0, clan=clan,
                parent=(-1, ""), role="grandmother",
            )  # fmt: skip
    n_sons = rng.choices((1, 2, 3, 4), (35, 30, 22, 13))[0]
    taken = {gf_given}
    for _ in range(n_sons):
        son_year = min(gf_year + rng.randint(20, 42), 2006)
        h = hh()
        son = _person(
            rng, reg, given=_distinct(rng, MALE, taken), father=gf_given, family=fam, sex="M", y=son_year,
            place=birthplace(), hh=h, clan=clan, parent=(clan, gf_given), role="son",
        )  # fmt: skip
        if rng.random() > (0.85 if son_year < 2000 else 0.3):
            continue
        wife = _person(
            rng, reg, given=FEMALE.pick(rng), father=MALE.pick(rng), family=FAMILY.pick(rng), sex="F",
            y=min(son_year + rng.randint(-1, 10), 2007), place=birthplace(), hh=h, clan=clan,
            parent=(-1, ""), role="wife",
        )  # fmt: skip
        k = rng.choices(range(8), (8, 12, 18, 20, 16, 12, 8, 6))[0]
        lo = max(son_year + 19, wife.y + 17)
        if lo > 2025:
            continue
        years = sorted(rng.randint(lo, 2025) for _ in range(k))
        child_taken = {son.given}
        first_son = True
        i = 0
        while i < len(years):
            twins = i + 1 < len(years) and rng.random() < 0.04
            sexes = [rng.choice("MF")]
            if twins:
                sexes.append(sexes[0] if rng.random() < 0.6 else rng.choice("MF"))
            names: list[str] = []
            if twins and sexes[0] == sexes[1] and rng.random() < 0.5:
                pair = rng.choice(_names.TWIN_PAIRS_MALE if sexes[0] == "M" else _names.TWIN_PAIRS_FEMALE)
                names = [pair[0], pair[1]] if pair[0] not in child_taken and pair[1] not in child_taken else []
                child_taken.update(names)
            born: list[Person] = []
            for j, sex in enumerate(sexes):
                if names:
                    given = names[j]
                elif sex == "M" and first_son and gf_given not in child_taken and rng.random() < 0.45:
                    given = gf_given  # named after the grandfather
                    child_taken.add(given)
                else:
                    given = _distinct(rng, MALE if sex == "M" else FEMALE, child_taken)
                if sex == "M":
                    first_son = False
                c = _person(
                    rng, reg, given=given, father=son.given, family=fam, sex=sex, y=years[i],
                    place=birthplace() if years[i] < 2012 else PLACES.pick(rng), hh=h, clan=clan,
                    parent=(10**7 + son.pid, son.given), role="child",
                )  # fmt: skip
                born.append(c)
            if twins:
                b = born[1]
                b.y, b.m, b.d, b.est = born[0].y, born[0].m, born[0].d, born[0].est
                born[0].twin, b.twin = b.pid, born[0].pid
            i += len(sexes)
    if rng.random() < 0.25:  # an unrelated namesake born the same year, in its own household
        members = [p for p in reg.persons if p.clan == clan and p.family == fam]
        model = rng.choice(members)
        _person(
            rng, reg, given=model.given, father=MALE.pick(rng), family=fam, sex=model.sex, y=model.y,
            place=PLACES.pick(rng), hh=_new_hh(rng, reg), clan=-clan - 1, parent=(-clan - 1, ""), role="namesake",
        )  # fmt: skip


def _render(
    rng: random.Random, p: Person, first: bool, reg: _Register, first_hh: str
) -> tuple[dict[str, str], set[str]]:
    rates = FIRST if first else RE
    kinds: set[str] = set()
    gtable = _given_table(p.given)
    if rng.random() < rates["script"]:
        kinds.add("script" if first else "script_twin")
        given = _script(rng, gtable, p.given)
        family = _script(rng, FAMILY, p.family)
        father = _script(rng, MALE, p.father) if first else ""
        place = _script(rng, PLACES, p.place) if rng.random() < 0.8 else _spell(rng, PLACES, p.place)
    else:
        given = _latin_name(rng, gtable, p.given, rates, kinds, p, "given")
        family = _latin_name(rng, FAMILY, p.family, rates, kinds, p, "family")
        father = _latin_name(rng, MALE, p.father, rates, kinds, p, "father")
        if rng.random() < rates["father_missing"]:
            kinds.add("father_missing")
            father = ""
        if rng.random() < rates["typo"]:
            kinds.add("typo")
            which = rng.randrange(3)
            if which == 0:
                given = _typo(rng, given)
            elif which == 1 or not father:
                family = _typo(rng, family)
            else:
                father = _typo(rng, father)
        if rng.random() < rates["place_script"]:
            kinds.add("place_script")
            place = _script(rng, PLACES, p.place)
        else:
            place = _spell(rng, PLACES, p.place)
            if rng.random() < 0.15:
                place = _rule_variant(rng, place)
    if rng.random() < rates["name_swap"]:
        kinds.add("name_swap")
        given, family = family, given
    dob, kind = _dob(rng, p, rates)
    if kind:
        kinds.add(kind)
    if rng.random() < rates["place_missing"]:
        kinds.add("place_missing")
        place = ""
    sex = p.sex
    if rng.random() < rates["sex_missing"]:
        kinds.add("sex_missing")
        sex = ""
    hh = first_hh
    if rng.random() < rates["other_household"]:
        kinds.add("other_household")
        others = [h for h in reg.clan_households.get(p.clan, []) if h != first_hh]
        hh = rng.choice(others) if others and rng.random() < 0.5 else _new_hh(rng, reg)
    record = {
        "given_name": given,
        "fathers_name": father,
        "family_name": family,
        "date_of_birth": dob,
        "sex": sex,
        "place_of_birth": place,
        "household_id": hh,
        "record_id": "",
        "cluster_id": "",
    }
    return record, kinds


@dataclass
class Built:
    records: list[dict[str, str]]
    pairs: list[tuple[str, str]]
    kinds: dict[str, set[str]]  # record_id -> error kinds
    first: set[str]  # record_ids of first registrations
    persons: list[Person]  # persons with at least one record
    person_of: dict[str, int]  # record_id -> pid


def build(n: int, seed: int) -> Built:
    """Registrations with everything the --check report needs."""
    rng = random.Random(f"heldout-registrations:{seed}")
    reg = _Register()
    out: list[tuple[dict[str, str], set[str], bool, int]] = []
    clan = 0
    done = 0
    while len(out) < n:
        _clan(rng, reg, clan)
        clan += 1
        for p in reg.persons[done:]:
            extra = 0
            if rng.random() < DUPLICATED_PERSONS:
                extra = rng.choices([e for e, _ in EXTRA_REGISTRATIONS], [w for _, w in EXTRA_REGISTRATIONS])[0]
            for k in range(1 + extra):
                if len(out) == n:
                    break
                rec, kinds = _render(rng, p, k == 0, reg, p.hh)
                out.append((rec, kinds, k == 0, p.pid))
        done = len(reg.persons)
    rids = rng.sample(range(1_000_000, 10_000_000), n)
    cids = rng.sample(range(100_000, 1_000_000), len(reg.persons))
    kinds_of: dict[str, set[str]] = {}
    first: set[str] = set()
    person_of: dict[str, int] = {}
    by_person: dict[int, list[str]] = defaultdict(list)
    for i, (rec, kinds, is_first, pid) in enumerate(out):
        rec["record_id"] = f"R{rids[i]}"
        rec["cluster_id"] = f"C{cids[pid]}"
        kinds_of[rec["record_id"]] = kinds
        person_of[rec["record_id"]] = pid
        by_person[pid].append(rec["record_id"])
        if is_first:
            first.add(rec["record_id"])
    records = [rec for rec, _, _, _ in out]
    rng.shuffle(records)
    pairs = sorted(tuple(sorted(pr)) for ids in by_person.values() for pr in itertools.combinations(ids, 2))
    persons = [p for p in reg.persons if p.pid in by_person]
    return Built(records, pairs, kinds_of, first, persons, person_of)  # type: ignore[arg-type]


def registrations(n: int, seed: int) -> tuple[list[dict], list[tuple[str, str]]]:
    b = build(n, seed)
    return b.records, b.pairs


# ---------------------------------------------------------------------------------------------
# Search population and queries
# ---------------------------------------------------------------------------------------------
def search_population(n: int, seed: int) -> list[dict]:
    """One record per person, in households (a father, often a wife, children who carry his
    given name as their father's name). Spellings vary per record, POPULATION_SCRIPT of the
    records are in Persian/Arabic script."""
    rng = random.Random(f"heldout-population:{seed}")
    rand = rng.random
    randint = rng.randint
    dates: dict[tuple[int, int, int], str] = {}
    out: list[dict] = []
    ids = rng.sample(range(10_000_000, 100_000_000), n)
    hh_no = 0

    def one(given: str, gtable: _Table, father: str, family: str, sex: str, y: int, place: str, hh: str) -> None:
        if rand() < POPULATION_SCRIPT:
            g, fa, fm = _script(rng, gtable, given), _script(rng, MALE, father), _script(rng, FAMILY, family)
            pl = _script(rng, PLACES, place)
        else:
            g, fa = _spell(rng, gtable, given, True), _spell(rng, MALE, father, True)
            fm = _spell(rng, FAMILY, family, True)
            pl = _spell(rng, PLACES, place, True)
        r = rand()
        if r < POPULATION_DOB_MISSING:
            dob = ""
        else:
            m = randint(1, 12)
            d = randint(1, 28) if m == 2 else randint(1, 30 if m in (4, 6, 9, 11) else 31)
            if r < POPULATION_DOB_MISSING + POPULATION_DOB_PLACEHOLDER:
                m = d = 1
            elif r < POPULATION_DOB_MISSING + POPULATION_DOB_PLACEHOLDER + POPULATION_DOB_IMPOSSIBLE:
                m = randint(13, 19)
            dob = dates.get((y, m, d)) or dates.setdefault((y, m, d), f"{y:04d}-{m:02d}-{d:02d}")
        rid = f"S{ids[len(out)]}"
        out.append(
            {
                "given_name": g,
                "fathers_name": "" if rand() < POPULATION_FATHER_MISSING else fa,
                "family_name": fm,
                "date_of_birth": dob,
                "sex": "" if rand() < POPULATION_SEX_MISSING else sex,
                "place_of_birth": "" if rand() < POPULATION_PLACE_MISSING else pl,
                "household_id": hh,
                "record_id": rid,
                "cluster_id": rid,  # one record per person
            }
        )

    while len(out) < n:
        hh_no += 1
        hh = f"SH{hh_no:07d}"
        family, place = FAMILY.pick(rng), PLACES.pick(rng)
        head, head_year = MALE.pick(rng), randint(1946, 2004)
        one(head, MALE, MALE.pick(rng), family, "M", head_year, place, hh)
        if rand() < 0.3 or len(out) >= n:
            continue
        one(FEMALE.pick(rng), FEMALE, MALE.pick(rng), FAMILY.pick(rng), "F", min(head_year + randint(-1, 9), 2007),
            PLACES.pick(rng), hh)  # fmt: skip
        lo = head_year + 19
        for _ in range(rng.choices(range(7), (10, 14, 20, 20, 16, 12, 8))[0]):
            if len(out) >= n or lo > 2025:
                break
            if rand() < 0.5:
                one(MALE.pick(rng), MALE, head, family, "M", randint(lo, 2025), place, hh)
            else:
                one(FEMALE.pick(rng), FEMALE, head, family, "F", randint(lo, 2025), place, hh)
    rng.shuffle(out)
    return out[:n]


def _is_script(s: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in s)


def _query_word(rng: random.Random, table: _Table, key: str) -> str:
    if key in COMPOUND_TAIL and rng.random() < QUERY_COMPOUND_SHORTENED:
        key = COMPOUND_TAIL[key]
    s = _spell(rng, table, key)
    if rng.random() < QUERY_RULE:
        s = _rule_variant(rng, s)
    if table is FAMILY and key in table.arabic_ok and rng.random() < QUERY_AL_TOGGLE:
        s = _al_toggle(rng, s)
    if rng.random() < QUERY_TYPO:
        s = _typo(rng, s)
    if rng.random() < 0.15:
        s = s.lower()
    return s


_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def search_queries(population: list[dict], count: int, seed: int) -> list[dict]:
    """Queries a clerk would type for a person of the population; the truth is read back from
    the person's record through the name tables (every spelling belongs to one name)."""
    rng = random.Random(f"heldout-queries:{seed}")
    kinds = [k for k, _ in QUERY_KINDS]
    weights = [w for _, w in QUERY_KINDS]
    out: list[dict] = []
    attempts = 0
    while len(out) < count:
        attempts += 1
        if attempts > 1000 + 100 * count:
            raise ValueError("population too small or too odd to draw the queries from")
        rec = population[rng.randrange(len(population))]
        kind = rng.choices(kinds, weights)[0]
        given = _REV_GIVEN.get(rec["given_name"].lower()) or _REV_GIVEN.get(rec["given_name"])
        family = _REV_FAMILY.get(rec["family_name"].lower()) or _REV_FAMILY.get(rec["family_name"])
        father = _REV_GIVEN.get(rec["fathers_name"].lower()) or _REV_GIVEN.get(rec["fathers_name"])
        year = rec["date_of_birth"][:4]
        if not given or not family:
            continue
        if kind == "script" and _is_script(rec["given_name"] + rec["family_name"]):
            continue
        if kind == "name+father" and not father:
            continue
        if kind == "name+year" and not year:
            continue
        gtable = _given_table(given)
        daughter = rec["sex"] == "F" or (rec["sex"] == "" and given in FEMALE.script)
        if kind == "script":
            words = [_script(rng, gtable, given), _script(rng, FAMILY, family)]
            r = rng.random()
            if r < 0.3 and father:
                link = rng.choice(SCRIPT_DAUGHTERS if daughter else SCRIPT_SONS)
                fw = _script(rng, MALE, father)
                text = " ".join([words[0], link, fw, words[1]] if rng.random() < 0.5 else [words[0], fw, words[1]])
            elif r < 0.6 and year:
                y = str(int(year) + rng.choice((-1, 1))) if rng.random() < QUERY_YEAR_OFF_BY_ONE else year
                if rng.random() < 0.5:
                    y = y.translate(_PERSIAN_DIGITS)
                text = " ".join(words) + " " + y
            else:
                text = " ".join(words)
        else:
            g, f = _query_word(rng, gtable, given), _query_word(rng, FAMILY, family)
            name = f"{f} {g}" if rng.random() < QUERY_ORDER_SWAPPED else f"{g} {f}"
            if kind == "name+year":
                y = str(int(year) + rng.choice((-1, 1))) if rng.random() < QUERY_YEAR_OFF_BY_ONE else year
                r = rng.random()
                text = f"{y} {name}" if r < 0.05 else f"{name} b.{y}" if r < 0.15 else f"{name} {y}"
            elif kind == "name+father":
                fw = _query_word(rng, MALE, father)
                link = rng.choice(DAUGHTERS if daughter else SONS)
                r = rng.random()
                if r < 0.35:
                    text = f"{g} {link} {fw} {f}"
                elif r < 0.65:
                    text = f"{g} {f} {link} {fw}"
                else:
                    text = f"{g} {fw} {f}"
            else:
                text = name
        out.append({"text": text, "kind": kind, "record_id": rec["record_id"]})
    return out


# ---------------------------------------------------------------------------------------------
# --check
# ---------------------------------------------------------------------------------------------
_DOB = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_schema(records: list[dict]) -> None:
    ids = set()
    for r in records:
        assert tuple(sorted(r)) == tuple(sorted(KEYS)), r
        assert all(isinstance(v, str) for v in r.values()), r
        assert r["date_of_birth"] == "" or _DOB.match(r["date_of_birth"]), r
        assert r["sex"] in ("M", "F", ""), r
        assert r["record_id"] and r["cluster_id"] and r["household_id"], r
        assert r["given_name"] and r["family_name"], r
        ids.add(r["record_id"])
    assert len(ids) == len(records), "record_id not unique"


def _hard_negatives(persons: list[Person]) -> Counter[str]:
    c: Counter[str] = Counter()
    by_name: dict[tuple[str, str], list[Person]] = defaultdict(list)
    by_parent: dict[tuple[int, str], list[Person]] = defaultdict(list)
    by_family: dict[str, list[Person]] = defaultdict(list)
    for p in persons:
        by_name[(p.given, p.family)].append(p)
        if p.parent[0] >= 0 and p.parent[1] != "?":
            by_parent[p.parent].append(p)
        by_family[p.family].append(p)
        if p.twin > p.pid:
            c["twins (same household, father, date of birth)"] += 1
    for group in by_name.values():
        for a, b in itertools.combinations(group, 2):
            if a.clan == b.clan and a.parent == b.parent:
                continue
            if a.clan == b.clan:
                if {a.role, b.role} == {"grandfather", "child"}:
                    c["grandfather and grandson, same given+family name"] += 1
                else:
                    c["cousins with the same given+family name"] += 1
            elif a.y == b.y:
                c["unrelated namesakes born the same year"] += 1
            else:
                c["unrelated namesakes (other years)"] += 1
    for group in by_parent.values():
        for a, b in itertools.combinations(group, 2):
            if a.hh != b.hh:
                c["brothers in other households (same father, family)"] += 1
    for group in by_family.values():
        idx = {(p.clan, p.given, p.father): p for p in group}
        for p in group:
            if (p.clan, p.father, p.given) in idx and p.role == "child":
                c["father and son, son named after grandfather"] += 1
    return c


def _check(n: int, seed: int) -> None:
    t = time.perf_counter()
    b = build(n, seed)
    elapsed = time.perf_counter() - t
    check_schema(b.records)
    assert len(b.records) == n
    records2, pairs2 = registrations(n, seed)
    assert (b.records, b.pairs) == (records2, pairs2), "registrations not deterministic"
    by_cluster: dict[str, list[str]] = defaultdict(list)
    for r in b.records:
        by_cluster[r["cluster_id"]].append(r["record_id"])
    truth = sorted(tuple(sorted(p)) for ids in by_cluster.values() for p in itertools.combinations(ids, 2))
    assert truth == b.pairs, "pairs are not exactly the same-cluster pairs"
    sizes = Counter(len(v) for v in by_cluster.values())
    print(f"registrations(n={n}, seed={seed}): {len(b.records)} records, {len(by_cluster)} persons, "
          f"{len(b.pairs)} true pairs, {elapsed:.2f}s")  # fmt: skip
    print("  cluster sizes:", dict(sorted(sizes.items())))
    dup = sum(v for k, v in sizes.items() if k > 1)
    print(f"  persons registered more than once: {dup / len(by_cluster):.1%}")
    re_ids = [rid for rid in b.kinds if rid not in b.first]
    for label, ids in (("first registrations", sorted(b.first)), ("re-registrations", re_ids)):
        counts: Counter[str] = Counter(k for rid in ids for k in b.kinds[rid])
        print(f"  realised error rates, {label} ({len(ids)} records):")
        for k in sorted(set(FIRST) | set(counts)):
            if k in ("al_drop", "al_add", "copies_first_spelling"):
                continue
            print(f"    {k:<22} {counts[k] / max(1, len(ids)):6.1%}")
    by_rec = {r["record_id"]: r for r in b.records}
    persons = {p.pid: p for p in b.persons}
    for kind, eligible in (
        ("al_prefix", lambda p: p.family in FAMILY.arabic_ok),
        ("compound_shortened", lambda p: p.given in COMPOUND_TAIL),
    ):
        ids = [rid for rid in re_ids if eligible(persons[b.person_of[rid]]) and "script_twin" not in b.kinds[rid]]
        hit = sum(1 for rid in ids if kind in b.kinds[rid])
        print(f"  {kind} among the {len(ids)} Latin re-registrations it can touch: {hit / max(1, len(ids)):.1%}")
    impossible = sum(1 for r in b.records if r["date_of_birth"] and int(r["date_of_birth"][5:7]) > 12)
    script = sum(1 for r in b.records if _is_script(r["given_name"] + r["family_name"]))
    print(f"  records with a month over 12: {impossible / n:.1%}; in Persian/Arabic script: {script / n:.1%}")
    differs = total = 0
    first_of = {b.person_of[rid]: by_rec[rid] for rid in b.first}
    for rid in re_ids:
        r, f = by_rec[rid], first_of.get(b.person_of[rid])
        if f and not (b.kinds[rid] & {"script_twin", "name_swap"}) and not _is_script(f["given_name"]):
            total += 1
            differs += r["given_name"] != f["given_name"] or r["family_name"] != f["family_name"]
    print(f"  re-registrations whose given or family name is spelled differently from the first: "
          f"{differs / max(1, total):.1%}")  # fmt: skip
    print("  hard negatives (pairs of different persons):")
    for k, v in sorted(_hard_negatives(b.persons).items()):
        print(f"    {k:<52} {v}")
    print("  sample clusters:")
    shown = 0
    for _cid, ids in sorted(by_cluster.items(), key=lambda kv: -len(kv[1])):
        if shown == 3:
            break
        if len(ids) < 3:
            continue
        shown += 1
        for rid in ids:
            r = by_rec[rid]
            print("    ", " | ".join(r[k] for k in KEYS[:7]), sorted(b.kinds[rid]))
        print()

    pop = search_population(20_000, seed)
    check_schema(pop)
    assert pop == search_population(20_000, seed), "population not deterministic"
    queries = search_queries(pop, 2000, seed)
    assert queries == search_queries(pop, 2000, seed), "queries not deterministic"
    ids = {r["record_id"] for r in pop}
    assert all(q["record_id"] in ids and q["text"] for q in queries)
    pscript = sum(1 for r in pop if _is_script(r["given_name"] + r["family_name"]))
    names = Counter((r["given_name"], r["family_name"]) for r in pop)
    print(f"search_population(20000, seed={seed}): script share {pscript / len(pop):.1%}, "
          f"most common exact names {names.most_common(3)}")  # fmt: skip
    print("  query kinds:", dict(Counter(q["kind"] for q in queries)))
    for kind, _ in QUERY_KINDS:
        sample = [q for q in queries if q["kind"] == kind][:3]
        for q in sample:
            r = next(x for x in pop if x["record_id"] == q["record_id"])
            print(f"    {kind:<12} {q['text']!r:<45} -> {r['given_name']} {r['family_name']} "
                  f"({r['fathers_name']}, {r['date_of_birth']})")  # fmt: skip
    print("OK: schema, determinism and truth checks passed")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--check", action="store_true", help="print rates and samples, assert schema and determinism")
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--population", type=int, help="time search_population(N)")
    ap.add_argument("--registrations", type=int, help="time registrations(N)")
    args = ap.parse_args(argv)
    if args.population:
        t = time.perf_counter()
        pop = search_population(args.population, args.seed)
        common = Counter(
            (_REV_GIVEN.get(r["given_name"].lower()), _REV_FAMILY.get(r["family_name"].lower())) for r in pop
        ).most_common(3)
        print(f"search_population({args.population}): {len(pop)} records in {time.perf_counter() - t:.1f}s; "
              f"most common names (all spellings) {common}")  # fmt: skip
    if args.registrations:
        t = time.perf_counter()
        recs, pairs = registrations(args.registrations, args.seed)
        print(f"registrations({args.registrations}): {len(recs)} records, {len(pairs)} pairs "
              f"in {time.perf_counter() - t:.1f}s")  # fmt: skip
    if args.check or not (args.population or args.registrations):
        _check(args.n, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
