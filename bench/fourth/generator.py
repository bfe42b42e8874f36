"""Fourth synthetic register generator (written blind): camp registers and search workloads with known truth.

API::

    records, pairs = registrations(n, seed)
    population = search_population(n, seed)
    queries = search_queries(population, count, seed)
    name_key(kind, spelling)

Run ``python bench/fourth/generator.py --check [--n 10000 --seed 1]`` for the self-check. Standard library only.
See README.md for the error model and its rates.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from bisect import bisect
from collections import Counter
from itertools import accumulate
from pathlib import Path
from random import Random


def _load_names():
    mod = sys.modules.get("_fourth_names")
    if mod is None:
        spec = importlib.util.spec_from_file_location("_fourth_names", Path(__file__).with_name("names.py"))
        mod = importlib.util.module_from_spec(spec)
        sys.modules["_fourth_names"] = mod
        spec.loader.exec_module(mod)
    return mod


_N = _load_names()
T = _N.build()
FIELDS = (
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

# --------------------------------------------------------------------------------------------------------------
# Rates (see README.md). "orig" applies to a person's first record, "extra" to re-registrations.
REGION_W = (("p", 0.35), ("d", 0.30), ("a", 0.20), ("k", 0.15))
P_REREG = 0.17  # persons with 1-3 extra records
EXTRA_K = ((1, 0.70), (2, 0.22), (3, 0.08))
CLERK_STYLES = (("en", 0.57), ("icao", 0.15), ("fr", 0.08), ("de", 0.10), ("af", 0.10))
RATES = {
    #                     orig   extra
    "script": (0.08, 0.25),  # record written in Persian/Arabic script
    "script_no_father": (0.0, 0.60),  # of the script records: father's name left out
    "arabic_keyboard": (0.30, 0.30),  # of script records, Iraqi clerk: ي ك ة أ forms
    "swap": (0.01, 0.04),  # given and family name in each other's place
    "typo": (0.015, 0.05),  # per name field: keyboard typo
    "compound_short": (0.0, 0.30),  # of persons with a compound given name: one part only
    "article_flip": (0.05, 0.15),  # Arabic article dropped (Al- names) or added (nisba names)
    "dob_missing": (0.01, 0.04),
    "dob_placeholder": (0.02, 0.08),  # 1 January typed although the date is known
    "dob_swap": (0.01, 0.04),  # day and month in each other's place (month > 12 when the day is > 12)
    "dob_month_over_12": (0.003, 0.01),  # mistyped month 13-19
    "dob_year_1": (0.02, 0.06),  # year off by one
    "dob_year_10": (0.005, 0.015),  # year off by ten (digit slip)
    "dob_digit": (0.005, 0.02),  # another digit of the day mistyped
    "sex_missing": (0.015, 0.04),
    "place_missing": (0.10, 0.12),
    "moved": (0.0, 0.20),  # re-registered in another household
}
P_POP_SCRIPT = 0.10  # search population: records in script
P_DOC = 0.55  # persons whose exact date of birth is known (document); others: year estimated, 1 January typed
P_NO_DOC_EMPTY = 0.10  # of the undocumented: date left empty
P_EST_YEAR_OFF = 0.15  # of the undocumented: the estimated year differs by one between registrations

# --------------------------------------------------------------------------------------------------------------
# Weighted picks with precomputed cumulative weights.


def _cum(weights):
    return list(accumulate(weights))


class _Pick:
    __slots__ = ("items", "cum", "total")

    def __init__(self, items, weights):
        self.items = list(items)
        self.cum = _cum(weights)
        self.total = self.cum[-1]

    def __call__(self, rng):
        return self.items[bisect(self.cum, rng.random() * self.total)]


def _pairs_pick(pairs):
    return _Pick([p[0] for p in pairs], [p[1] for p in pairs])


_REGION = _pairs_pick(REGION_W)
_EXTRA_K = _pairs_pick(EXTRA_K)
_CLERK = _pairs_pick(CLERK_STYLES)
_SPELL = {}  # id(Name) -> _Pick over spellings
for _nm in T.given + T.family + T.places:
    _SPELL[id(_nm)] = _Pick(_nm.spellings, _nm.weights)


def _zipf(names, s=0.9):
    return _Pick(names, [1.0 / (i + 1) ** s for i in range(len(names))])


_GIVEN = {}
_FAMILY = {}
_PLACE = {}
for _r in _N.REGIONS:
    for _sex in "MF":
        _GIVEN[_sex, _r] = _zipf([g for g in T.given if g.sex == _sex and _r in g.regions])
    _FAMILY[_r, "hand"] = _zipf([f for f in T.family[: T.family_tail_start] if _r in f.regions], 0.8)
    _FAMILY[_r, "tail"] = _zipf([f for f in T.family[T.family_tail_start :] if _r in f.regions], 0.3)
    _PLACE[_r] = _zipf([p for p in T.places if _r in p.regions], 0.7)
for _sex in "MF":
    _GIVEN[_sex, "*"] = _zipf([g for g in T.given if g.sex == _sex])
_PLACE["*"] = _zipf(T.places, 0.5)
_GIVEN_BY_KEY = T.by_key["given"]
_FAMILY_BY_KEY = T.by_key["family"]


def _given(rng, sex, region):
    return _GIVEN[sex, region if rng.random() < 0.85 else "*"](rng)


def _family(rng, region):
    return _FAMILY[region, "hand" if rng.random() < 0.75 else "tail"](rng)


# --------------------------------------------------------------------------------------------------------------
# name_key


def name_key(kind: str, spelling: str) -> str:
    """The identity of the name a spelling writes (kind 'given' or 'family'); spelling.lower() when unknown."""
    look = T.lookup.get(kind)
    if look is None or not spelling:
        return spelling.lower()
    n = _N.norm(spelling)
    key = look.get(n)
    if key is None:
        bare = _N.strip_article(n)
        if bare is not None:
            key = look.get(bare)
    return key if key is not None else spelling.lower()


# --------------------------------------------------------------------------------------------------------------
# Spelling: Latin by clerk style, script with letter forms and joiners, typos.

_SUN_LATIN = ("Sh", "Th", "Dh", "T", "D", "R", "Z", "S", "N")


def _article(rng, latin):
    r = rng.random()
    if r < 0.15:
        for c in _SUN_LATIN:
            if latin.startswith(c) and not latin.startswith(c + "h") or latin.startswith(c) and len(c) == 2:
                return f"A{c.lower()}-{latin}"
    if r < 0.60:
        return "Al-" + latin
    if r < 0.75:
        return "Al " + latin
    if r < 0.85:
        return "El-" + latin
    if r < 0.92:
        return "al-" + latin
    return "Al" + latin.lower()


def _latin(rng, name, style):
    if style in name.styled and style != "icao" and rng.random() < 0.7:
        return name.styled[style]
    return _SPELL[id(name)](rng)


_AR_FORMS = str.maketrans({"ی": "ي", "ک": "ك"})
_AR_FINAL_YA = str.maketrans({"ی": "ى"})
_JOIN_GIVEN = ("", " ", "\u200c")
_JOIN_GIVEN_W = _Pick(_JOIN_GIVEN, (0.5, 0.35, 0.15))
_JOIN_SUFFIX = _Pick(_JOIN_GIVEN, (0.3, 0.2, 0.5))


def _script(rng, name, arabic, article=False):
    s = name.script
    if "+" in s:
        joiner = (_JOIN_GIVEN_W if name.sex else _JOIN_SUFFIX)(rng)
        s = s.replace("+", joiner)
    if "آ" in s and rng.random() < 0.15:
        s = s.replace("آ", "ا")
    if arabic:
        if s.endswith("ی") and rng.random() < 0.3:
            s = s[:-1] + "ى"
        s = s.translate(_AR_FORMS)
        if name.sex == "F" and s.endswith("ه") and rng.random() < 0.6:
            s = s[:-1] + "ة"
        if s.startswith("ا") and rng.random() < 0.6:
            s = ("أ" if rng.random() < 0.7 else "إ") + s[1:]
    elif rng.random() < 0.05:
        s = s.translate(_AR_FORMS)
    if article:
        s = "ال" + s
    return s


_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEAR = {}
for _ri, _row in enumerate(_ROWS):
    for _ci, _ch in enumerate(_row):
        near = [_row[j] for j in (_ci - 1, _ci + 1) if 0 <= j < len(_row)]
        for _rj in (_ri - 1, _ri + 1):
            if 0 <= _rj < 3:
                near += [_ROWS[_rj][j] for j in (_ci - 1, _ci) if 0 <= j < len(_ROWS[_rj])]
        _NEAR[_ch] = "".join(near)
_DOTS = ["بپتث", "جچحخ", "دذ", "رزژ", "سش", "صض", "طظ", "عغ", "فق", "کگ"]
for _grp in _DOTS:
    for _ch in _grp:
        _NEAR[_ch] = _grp.replace(_ch, "")


def _typo(rng, s):
    """One keyboard slip: a neighbouring key, a dropped, doubled or transposed letter."""
    idx = [i for i, c in enumerate(s) if c.isalpha()]
    if len(idx) < 3:
        return s
    i = idx[rng.randrange(1, len(idx))]  # the first letter is usually right
    c = s[i]
    op = rng.random()
    if op < 0.4 and c.lower() in _NEAR:
        r = rng.choice(_NEAR[c.lower()])
        return s[:i] + (r.upper() if c.isupper() else r) + s[i + 1 :]
    if op < 0.65:
        return s[:i] + s[i + 1 :]
    if op < 0.8:
        return s[:i] + c + s[i:]
    if i + 1 < len(s) and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + c + s[i + 2 :]
    return s[:i] + s[i + 1 :]


# --------------------------------------------------------------------------------------------------------------
# The population: clans of households.


class Person:
    __slots__ = ("pid", "sex", "given", "father", "family", "y", "m", "d", "doc", "place", "hh", "clan", "region")

    def __init__(self, pid, sex, given, father, family, y, m, d, doc, place, hh, clan, region):
        self.pid = pid
        self.sex = sex
        self.given = given  # Name
        self.father = father  # Name (father's given name)
        self.family = family  # Name
        self.y, self.m, self.d = y, m, d
        self.doc = doc
        self.place = place
        self.hh = hh
        self.clan = clan
        self.region = region


_MDAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class _World:
    def __init__(self, rng):
        self.rng = rng
        self.persons: list[Person] = []
        self.households: list[str] = []
        self.clans = 0
        self.heads: list[Person] = []  # household heads, for unrelated namesakes
        self.hard = Counter()  # hard negatives built on purpose

    def new_hh(self):
        h = f"H{len(self.households) + 1:07d}"
        self.households.append(h)
        return h

    def person(self, sex, given, father, family, y, hh, clan, region, dob=None):
        rng = self.rng
        if dob is None:
            m = rng.randint(1, 12)
            d = rng.randint(1, _MDAYS[m - 1])
            doc = rng.random() < P_DOC
        else:
            m, d, doc = dob
        place = _PLACE[region if rng.random() < 0.85 else "*"](rng)
        p = Person(len(self.persons), sex, given, father, family, y, m, d, doc, place, hh, clan, region)
        self.persons.append(p)
        return p

    def distinct_given(self, sex, region, taken):
        for _ in range(20):
            g = _given(self.rng, sex, region)
            if g.key not in taken:
                return g
        return g

    def clan(self):
        """One clan: maybe the grandparents' household, the households of 1-4 sons, or a lone adult."""
        rng = self.rng
        self.clans += 1
        clan = self.clans
        region = _REGION(rng)
        fam = _family(rng, region)
        if rng.random() < 0.12:  # a lone adult
            sex = "M" if rng.random() < 0.6 else "F"
            p = self.person(
                sex, _given(rng, sex, region), _given(rng, "M", region), fam, rng.randint(1946, 2007), self.new_hh(),
                clan, region,
            )  # fmt: skip
            self.heads.append(p)
            return
        gf = _given(rng, "M", region)
        gf_y = rng.randint(1926, 1968)
        if gf_y >= 1946 and rng.random() < 0.35:
            hh = self.new_hh()
            g = self.person("M", gf, _given(rng, "M", region), fam, gf_y, hh, clan, region)
            self.heads.append(g)
            gm_y = min(2007, max(1946, gf_y + rng.randint(-2, 10)))
            self.person("F", _given(rng, "F", region), _given(rng, "M", region), _family(rng, region), gm_y, hh, clan,
                        region)  # fmt: skip
        sons = []
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
            y = gf_y + rng.randint(20, 42)
            if y > 2005:
                break
            sons.append((self.distinct_given("M", region, {s[0].key for s in sons}), y))
        if sons and self.heads and rng.random() < 0.03:
            # an unrelated namesake: same given and family name as a head of another clan
            other = self.heads[rng.randrange(len(self.heads))]
            if other.clan != clan and other.sex == "M" and other.family.key != fam.key:
                fam = other.family
                sons[0] = (other.given, sons[0][1])
                self.hard["namesake_planted"] += 1
        for son_given, son_y in sons:
            hh = self.new_hh()
            widow = rng.random() < 0.08
            if not widow:
                head = self.person("M", son_given, gf, fam, son_y, hh, clan, region)
                self.heads.append(head)
            if widow or rng.random() < 0.9:
                w_y = min(2007, max(1946, son_y + rng.randint(-3, 12)))
                self.person("F", _given(rng, "F", region), _given(rng, "M", region), _family(rng, region), w_y, hh,
                            clan, region)  # fmt: skip
            else:
                w_y = son_y + rng.randint(0, 8)
            taken = set()
            y = w_y + rng.randint(17, 24)
            last = min(2025, w_y + 45)
            for _ in range(rng.choice((0, 1, 2, 2, 3, 3, 4, 5, 6, 7))):
                if y > last:
                    break
                sex = "M" if rng.random() < 0.51 else "F"
                if sex == "M" and gf.key not in taken and rng.random() < 0.12:
                    g = gf  # named after his grandfather
                    self.hard["named_after_grandfather"] += 1
                else:
                    g = self.distinct_given(sex, region, taken)
                taken.add(g.key)
                c = self.person(sex, g, son_given, fam, y, hh, clan, region)
                if rng.random() < 0.03:  # twins: same date of birth, other name
                    sex2 = "M" if rng.random() < 0.51 else "F"
                    g2 = self.distinct_given(sex2, region, taken)
                    taken.add(g2.key)
                    self.person(sex2, g2, son_given, fam, y, hh, clan, region, dob=(c.m, c.d, c.doc))
                    self.hard["twin_pairs"] += 1
                y += rng.randint(1, 4)


# --------------------------------------------------------------------------------------------------------------
# Records.


def _rate(name, extra):
    return RATES[name][1 if extra else 0]


def _dob(rng, p, extra, flags, est_year, allow_empty=True):
    """The date of birth as this clerk typed it."""
    if not p.doc:
        if allow_empty and est_year is None:
            return ""
        return f"{est_year:04d}-01-01"
    if allow_empty and rng.random() < _rate("dob_missing", extra):
        flags.append("dob_missing")
        return ""
    y, m, d = p.y, p.m, p.d
    if rng.random() < _rate("dob_placeholder", extra):
        flags.append("dob_placeholder")
        m, d = 1, 1
    r = rng.random()
    acc = 0.0
    for kind in ("dob_swap", "dob_month_over_12", "dob_year_1", "dob_year_10", "dob_digit"):
        acc += _rate(kind, extra)
        if r < acc:
            break
    else:
        kind = ""
    if kind == "dob_swap" and d != m:
        m, d = d, m
    elif kind == "dob_month_over_12":
        m = rng.randint(13, 19)
    elif kind == "dob_year_1":
        y += rng.choice((-1, 1))
    elif kind == "dob_year_10":
        y += rng.choice((-10, 10)) if 1956 <= y <= 2015 else (10 if y < 1956 else -10)
    elif kind == "dob_digit":
        d = (d // 10) * 10 + rng.randint(0, 9) if d >= 10 else rng.randint(1, 9)
        if d == p.d:
            kind = ""
    else:
        kind = ""
    if kind:
        flags.append(kind)
    return f"{y:04d}-{m:02d}-{d:02d}"


def _record(rng, p, extra, hh, mode, est_year, meta):
    """One record of person p as a clerk writes it. mode: 'reg' (registrations) or 'pop' (search population)."""
    flags = []
    script = rng.random() < (P_POP_SCRIPT if mode == "pop" else _rate("script", extra))
    style = _CLERK(rng)
    arabic = script and rng.random() < _rate("arabic_keyboard", extra)
    # given name (a compound one may be shortened to one part)
    g = p.given
    if extra and g.parts and rng.random() < _rate("compound_short", extra):
        g = _GIVEN_BY_KEY[g.parts[1] if rng.random() < 0.6 else g.parts[0]]
        flags.append("compound_short")
    fam = p.family
    usual_art = fam.article == "A"
    art = usual_art
    if fam.article and mode == "reg" and rng.random() < _rate("article_flip", extra):
        art = not art
        flags.append("article_flip")
    if script:
        gs = _script(rng, g, arabic)
        fs = _script(rng, p.father, arabic)
        ms = _script(rng, fam, arabic, article=art)
        place = _script(rng, p.place, arabic)
        if extra and rng.random() < _rate("script_no_father", extra):
            fs = ""
            flags.append("script_no_father")
    else:
        gs = _latin(rng, g, style)
        fs = _latin(rng, p.father, style)
        ms = _latin(rng, fam, style)
        if art:
            ms = _article(rng, ms)
        place = _latin(rng, p.place, style)
        if style == "icao":
            gs, fs, ms, place = (x.upper().replace("'", "") for x in (gs, fs, ms, place))
    typo_rate = _rate("typo", extra) if mode == "reg" else 0.01
    clean = [True, True, True]
    vals = [gs, fs, ms]
    for i in range(3):
        if vals[i] and rng.random() < typo_rate:
            t = _typo(rng, vals[i])
            if t != vals[i]:
                vals[i] = t
                clean[i] = False
                flags.append("typo")
    gs, fs, ms = vals
    if rng.random() < _rate("place_missing", extra):
        place = ""
        flags.append("place_missing")
    swapped = mode == "reg" and not script and rng.random() < _rate("swap", extra)
    if swapped:
        gs, ms = ms, gs
        flags.append("swap")
    sex = p.sex
    if rng.random() < _rate("sex_missing", extra):
        sex = ""
        flags.append("sex_missing")
    dob = _dob(rng, p, extra, flags, est_year, allow_empty=mode == "reg")
    if script:
        flags.append("script")
    if style == "icao" and not script:
        flags.append("icao")
    rec = {
        "given_name": gs,
        "fathers_name": fs,
        "family_name": ms,
        "date_of_birth": dob,
        "sex": sex,
        "place_of_birth": place,
        "household_id": hh,
        "record_id": "",
        "cluster_id": "",
    }
    if meta is not None:
        names = [("given", g.key, gs if not swapped else ms, clean[0]), ("given", p.father.key, fs, clean[1]),
                 ("family", fam.key, ms if not swapped else gs, clean[2])]  # fmt: skip
        meta.append({"pid": p.pid, "extra": extra, "flags": flags, "names": names})
    return rec


def _est_years(rng, p, k, allow_empty):
    """Estimated years of birth typed at each of k registrations of an undocumented person."""
    if p.doc:
        return [None] * k
    if allow_empty and rng.random() < P_NO_DOC_EMPTY:
        return [None] * k
    base = p.y
    return [base + (rng.choice((-1, 1)) if i and rng.random() < P_EST_YEAR_OFF else 0) for i in range(k)]


def _build(n, seed, mode, meta=None):
    rng = Random(f"fourth-{mode}-{seed}")
    world = _World(rng)
    out = []  # (record, pid)
    done = 0
    while len(out) < n:
        world.clan()
        while done < len(world.persons) and len(out) < n:
            p = world.persons[done]
            done += 1
            k = 1
            if mode == "reg" and rng.random() < P_REREG:
                k += _EXTRA_K(rng)
            years = _est_years(rng, p, k, allow_empty=mode == "reg")
            for i in range(k):
                hh = p.hh
                extra = i > 0
                if extra and rng.random() < _rate("moved", extra):
                    if rng.random() < 0.5 or len(world.households) < 2:
                        hh = world.new_hh()
                    else:
                        hh = world.households[rng.randrange(len(world.households))]
                    if hh == p.hh:
                        hh = world.new_hh()
                    moved = True
                else:
                    moved = False
                rec = _record(rng, p, extra, hh, mode, years[i], meta)
                if moved and meta is not None:
                    meta[-1]["flags"].append("moved")
                out.append((rec, p.pid))
                if len(out) >= n:
                    break
    order = list(range(len(out)))
    rng.shuffle(order)
    first_rid = {}
    records = []
    for j, i in enumerate(order):
        rec, pid = out[i]
        rid = f"R{j + 1:07d}"
        rec["record_id"] = rid
        records.append((i, rec, pid))
    # cluster_id: the record_id of the person's first record
    for _i, rec, pid in sorted(records, key=lambda t: t[0]):
        first_rid.setdefault(pid, rec["record_id"])
    for _, rec, pid in records:
        rec["cluster_id"] = first_rid[pid]
    if meta is not None:
        meta[:] = [meta[i] for i in order]
    return [r for _, r, _ in records], world


def registrations(n: int, seed: int):
    """n records (shuffled) and every pair of record_ids of one true person (sorted tuples, sorted list)."""
    records, _ = _build(n, seed, "reg")
    return records, _pairs(records)


def _pairs(records):
    by = {}
    for r in records:
        by.setdefault(r["cluster_id"], []).append(r["record_id"])
    pairs = []
    for ids in by.values():
        ids.sort()
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                pairs.append((ids[a], ids[b]))
    pairs.sort()
    return pairs


def search_population(n: int, seed: int):
    """One record per person (cluster_id == record_id), households as in registrations."""
    records, _ = _build(n, seed, "pop")
    return records


# --------------------------------------------------------------------------------------------------------------
# Queries.

_QKIND = _pairs_pick((("name+year", 0.35), ("name+father", 0.25), ("name_only", 0.20), ("script", 0.20)))
_USER = _pairs_pick((("en", 0.75), ("de", 0.07), ("fr", 0.06), ("af", 0.12)))
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _case(rng, s):
    r = rng.random()
    if r < 0.45:
        return s.lower()
    if r < 0.55:
        return s.upper()
    return s


def _qword(rng, kind, text, style, script=False, arabic=False):
    """A name word of a query, spelled afresh from its identity (the record's text when unknown)."""
    by_key = _GIVEN_BY_KEY if kind == "given" else _FAMILY_BY_KEY
    name = by_key.get(name_key(kind, text))
    if name is None:
        w = text
    elif script:
        w = _script(rng, name, arabic, article=name.article == "A" and rng.random() < 0.7)
    else:
        w = _latin(rng, name, style)
        if name.article == "A" and rng.random() < 0.5:
            w = _article(rng, w)
    if w and rng.random() < 0.07:
        w = _typo(rng, w)
    return w


def _year(rec):
    y = rec["date_of_birth"][:4]
    return int(y) if y.isdigit() else None


def search_queries(population, count: int, seed: int):
    """count queries {"text", "kind", "record_id"} for persons of the population."""
    rng = Random(f"fourth-queries-{seed}")
    queries = []
    for _ in range(count):
        rec = population[rng.randrange(len(population))]
        kind = _QKIND(rng)
        style = _USER(rng)
        year = _year(rec)
        if kind == "name+year" and year is None:
            kind = "name_only"
        if kind == "name+father" and not rec["fathers_name"]:
            kind = "name_only"
        g = _qword(rng, "given", rec["given_name"], style)
        f = _qword(rng, "family", rec["family_name"], style)
        if kind == "name+year":
            if rng.random() < 0.12:
                year += rng.choice((-1, 1))
            y = str(year)
            r = rng.random()
            if r < 0.6:
                text = f"{g} {f} {y}"
            elif r < 0.75:
                text = f"{f} {g} {y}"
            elif r < 0.85:
                text = f"{y} {g} {f}"
            elif r < 0.92:
                text = f"{g} {f}, {y}"
            else:
                text = f"{f}, {g} {y}"
        elif kind == "name+father":
            fa = _qword(rng, "given", rec["fathers_name"], style)
            r = rng.random()
            if r < 0.55:
                text = f"{g} {fa} {f}"
            elif r < 0.72:
                text = f"{f} {g} {fa}"
            elif r < 0.82:
                text = f"{f} {g}"
            elif r < 0.90:
                text = f"{g} {f} {fa}"
            elif r < 0.95:
                text = f"{g} {'daughter' if rec['sex'] == 'F' else 'son'} of {fa} {f}"
            else:
                text = f"{g} {'bint' if rec['sex'] == 'F' else 'bin'} {fa} {f}"
        elif kind == "name_only":
            r = rng.random()
            text = f"{g} {f}" if r < 0.75 else (f"{f} {g}" if r < 0.95 else f"{f}, {g}")
        else:
            arabic = rng.random() < 0.3
            g = _qword(rng, "given", rec["given_name"], style, script=True, arabic=arabic)
            f = _qword(rng, "family", rec["family_name"], style, script=True, arabic=arabic)
            words = [g, f] if rng.random() < 0.8 else [f, g]
            if rec["fathers_name"] and rng.random() < 0.25:
                words.insert(1 if words[0] == g else 2, _qword(rng, "given", rec["fathers_name"], style, True, arabic))
            if year is not None and rng.random() < 0.4:
                r = rng.random()
                y = str(year)
                words.append(
                    y.translate(_PERSIAN_DIGITS) if r < 0.7 else y.translate(_ARABIC_DIGITS) if r < 0.85 else y
                )
            text = " ".join(words)
        if kind != "script":
            text = _case(rng, text)  # one user, one habit for the whole query
        queries.append({"text": " ".join(text.split()), "kind": kind, "record_id": rec["record_id"]})
    return queries


# --------------------------------------------------------------------------------------------------------------
# Self-check.


def _check(n, seed):
    t0 = time.process_time()
    records, pairs = registrations(n, seed)
    t_reg = time.process_time() - t0
    assert len(records) == n, len(records)
    for r in records:
        assert tuple(r) == FIELDS and all(isinstance(v, str) for v in r.values()), r
        assert r["sex"] in ("M", "F", "")
        d = r["date_of_birth"]
        assert d == "" or (len(d) == 10 and d[4] == d[7] == "-" and d.replace("-", "").isdigit()), d
    assert len({r["record_id"] for r in records}) == n
    assert pairs == sorted(pairs) and all(a < b for a, b in pairs)
    assert pairs == _pairs(records)
    meta = []
    records2, world = _build(n, seed, "reg", meta)
    assert records2 == records, "registrations is not deterministic"
    assert registrations(n, seed + 1)[0] != records

    sizes = Counter(Counter(r["cluster_id"] for r in records).values())
    persons = sum(sizes.values())
    print(f"registrations(n={n}, seed={seed}): {persons} persons, {len(pairs)} true pairs, "
          f"{len(world.households)} households, {world.clans} clans; CPU {t_reg:.2f}s")  # fmt: skip
    print("  cluster sizes: " + ", ".join(f"{k}: {v}" for k, v in sorted(sizes.items())))

    # name_key reads every clean spelling back to its identity
    checked = bad = 0
    for m in meta:
        for kind, key, text, clean in m["names"]:
            if clean and text:
                checked += 1
                if name_key(kind, text) != key:
                    bad += 1
                    if bad < 10:
                        print("  name_key MISMATCH", kind, key, repr(text), name_key(kind, text))
    # and every table spelling, style variant, upper case, script form and article form
    for kind, names in (("given", T.given), ("family", T.family)):
        for nm in names:
            forms = list(nm.spellings) + list(nm.styled.values())
            forms += [s.upper() for s in forms] + [
                nm.script,
                nm.script.replace("+", " "),
                nm.script.replace("+", "\u200c"),
                nm.script.replace("+", ""),
            ]
            forms.append(_script(Random(1), nm, True))
            if nm.article:
                forms += [f"{a}{s}" for s in nm.spellings for a in ("Al-", "Al ", "El-", "al-")]
                forms += ["Al" + s.lower() for s in nm.spellings] + ["ال" + nm.script.replace("+", "")]
                for _ in range(5):
                    forms.append(_article(Random(_), nm.spellings[0]))
            for s in forms:
                checked += 1
                if name_key(kind, s) != nm.key:
                    bad += 1
                    if bad < 20:
                        print("  name_key MISMATCH (table)", kind, nm.key, repr(s), name_key(kind, s))
    assert bad == 0, f"name_key: {bad} of {checked} spellings not read back"
    print(f"  name_key: {checked} spellings read back to their identity, 0 mismatches")

    # realised rates
    orig = [m for m in meta if not m["extra"]]
    extra = [m for m in meta if m["extra"]]
    cnt_o = Counter(f for m in orig for f in set(m["flags"]))
    cnt_e = Counter(f for m in extra for f in set(m["flags"]))
    compound_persons = [m for m in extra if world.persons[m["pid"]].given.parts]
    kinds = sorted(set(cnt_o) | set(cnt_e))
    print(f"  realised rates (share of records; {len(orig)} first records / {len(extra)} re-registrations):")
    for k in kinds:
        o = cnt_o[k] / max(1, len(orig))
        e = cnt_e[k] / max(1, len(extra))
        note = ""
        if k == "compound_short":
            note = f"  ({cnt_e[k]} of {len(compound_persons)} re-registrations of compound-named persons)"
        if k == "script_no_father":
            note = f"  ({cnt_e[k]} of {cnt_e['script']} script re-registrations)"
        print(f"    {k:20s} {o:7.2%} {e:7.2%}{note}")
    script_share = sum("script" in m["flags"] for m in meta) / n
    print(f"    records in script overall: {script_share:.1%}")
    joined = sum(1 for r in records if " " in r["given_name"].strip())
    print(f"    given names written with a space (compounds split): {joined / n:.2%}")

    # hard negatives: distinct persons sharing given + family name
    ps = world.persons
    used = {m["pid"] for m in meta}
    groups = {}
    for pid in used:
        p = ps[pid]
        groups.setdefault((p.given.key, p.family.key), []).append(p)
    same_name = same_clan = brothers_like = 0
    for g in groups.values():
        for a in range(len(g)):
            for b in range(a + 1, len(g)):
                same_name += 1
                if g[a].clan == g[b].clan:
                    same_clan += 1
                    if g[a].father.key == g[b].father.key:
                        brothers_like += 1
    fam_father = Counter((ps[pid].family.key, ps[pid].father.key, ps[pid].clan) for pid in used)
    sibling_pairs = sum(v * (v - 1) // 2 for v in fam_father.values())
    print(f"  hard negatives: {same_name} pairs of distinct persons with the same given+family name "
          f"({same_clan} in one clan: cousins / grandson-grandfather; {same_name - same_clan} unrelated namesakes); "
          f"{sibling_pairs} pairs sharing family+father's name (siblings); planted: {dict(world.hard)}")  # fmt: skip

    print("  sample records:")
    for r in records[:6]:
        print("   ", r)
    for m, r in zip(meta, records, strict=True):
        if "script_no_father" in m["flags"]:
            print("    script twin:", r)
            break

    t0 = time.process_time()
    pop = search_population(n, seed)
    t_pop = time.process_time() - t0
    assert len(pop) == n and all(r["cluster_id"] == r["record_id"] for r in pop)
    assert all(tuple(r) == FIELDS for r in pop)
    assert pop == search_population(n, seed)
    t0 = time.process_time()
    qs = search_queries(pop, max(100, n // 5), seed)
    t_q = time.process_time() - t0
    assert qs == search_queries(pop, max(100, n // 5), seed)
    ids = {r["record_id"] for r in pop}
    assert all(set(q) == {"text", "kind", "record_id"} and q["record_id"] in ids and q["text"] for q in qs)
    kc = Counter(q["kind"] for q in qs)
    print(f"search_population(n={n}): CPU {t_pop:.2f}s, script records {sum(1 for r in pop if _is_script(r)) / n:.1%}"
          f"; search_queries({len(qs)}): CPU {t_q:.2f}s")  # fmt: skip
    print("  query kinds: " + ", ".join(f"{k} {v / len(qs):.1%}" for k, v in sorted(kc.items())))
    seen = Counter()
    for q in qs:
        if seen[q["kind"]] < 3:
            seen[q["kind"]] += 1
            print(f"    {q['kind']:12s} {q['text']!r}  -> {q['record_id']}")
    per_rec = (t_reg + t_pop) / (2 * n)
    print(f"  CPU per record {per_rec * 1e6:.1f} µs; 1,000,000 records ≈ {per_rec * 1e6:.0f}s")
    print("check OK")


def _is_script(r):
    return any("\u0600" <= c <= "\u06ff" for c in r["given_name"] + r["family_name"])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    if args.check:
        _check(args.n, args.seed)
    else:
        ap.print_help()


if __name__ == "__main__":
    main()
