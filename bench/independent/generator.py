"""Independent test data for person matching: a camp register with known duplicates and a search workload.

Who calls it: benchmarks and reviewers who want evidence about a matcher that does not come from the
matcher's author. It was written without reading the project's matching code, its benchmarks or its
matching tests, from general knowledge of Persian, Dari, Arabic and Kurdish naming practice.

Guarantees:
- pure Python, standard library only, deterministic for a given seed (string seeds, no set iteration);
- every record is a dict with exactly the keys in RECORD_KEYS, all strings, '' for missing;
- date_of_birth is '' or a valid 'YYYY-MM-DD';
- the truth is complete: registrations() returns every pair of records of the same person.

The generator is FIXED once committed (see README.md): its rates are stated there and in the constants
below and must not be tuned to make any matcher look better or worse.

Run ``python bench/independent/generator.py --check`` for statistics.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from random import Random

RECORD_KEYS = (
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
NAMES_DIR = Path(__file__).with_name("names")
ZWNJ = "\u200c"

# Population shape ---------------------------------------------------------------------------------
ORIGIN_MIX = {"IR": 0.35, "AF": 0.35, "IQ": 0.15, "KU": 0.15}  # Iranian, Afghan (Dari), Iraqi Arab, Kurdish
ZIPF_S = 0.9  # name frequency ~ 1 / rank**s within an origin's pool (lists are ordered by frequency)
FAMILY_ZIPF_S = 0.6  # listed family names, flatter than given names
DERIVED_SURNAMES = 0.40  # share of families whose surname is formed from a forefather's given name (long tail)
SURNAME_SUFFIXES = {  # Persian script suffix, Latin spellings (first = most usual)
    "i": ("ی", ("i",)),
    "zadeh": (ZWNJ + "زاده", ("zadeh", "zade", " Zadeh", "-Zadeh")),
    "pour": (ZWNJ + "پور", ("pour", "poor", "pur", " Pour")),
    "nejad": (ZWNJ + "نژاد", ("nejad", "nezhad", " Nejad", "nejhad")),
    "far": (ZWNJ + "فر", ("far", " Far", "-Far")),
    "ian": ("یان", ("ian", "iyan", "yan")),
    "zai": ("زی", ("zai", "zay", "zei", " Zai")),
}
DERIVED_SUFFIX_MIX = {  # "al": Iraqi nisba with the article, Al-Hassani
    "IR": {"i": 0.35, "zadeh": 0.20, "pour": 0.15, "nejad": 0.10, "far": 0.05, "ian": 0.15},
    "AF": {"i": 0.75, "zai": 0.25},
    "IQ": {"al": 0.70, "i": 0.30},
    "KU": {"i": 0.70, "zadeh": 0.30},
}
SONS_PER_CLAN = {1: 0.55, 2: 0.28, 3: 0.17}  # brothers heading their own households (sibling hard negatives)
SINGLE_HOUSEHOLD = 0.15  # head registered alone
CHILDREN = {0: 0.10, 1: 0.15, 2: 0.20, 3: 0.20, 4: 0.15, 5: 0.12, 6: 0.08}
NAMED_AFTER_GRANDFATHER = 0.35  # a household's first son takes the paternal grandfather's name
SAME_TOWN = 0.70  # a clan member born in the clan's home town
ESTIMATED_DOB = {"AF": 0.15, "IR": 0.05, "IQ": 0.05, "KU": 0.05}  # true dob recorded as 1 January
UNKNOWN_DOB = 0.02  # true dob unknown on every registration
LAST_BIRTH_YEAR = 2025
REGISTRATION_YEAR = 2026

# Registration duplicates ---------------------------------------------------------------------------
REGISTRATIONS_PER_PERSON = {1: 0.88, 2: 0.09, 3: 0.03}  # 12 % of persons registered 2-3 times
SPELLING_ZIPF_S = 1.5  # romanisation k of a name (lists ordered by use) drawn with weight 1 / k**s
ERROR_RATES = {  # applied independently to every duplicate record (not to the person's first record)
    "romanisation": 0.40,  # one or more name fields spelled with another real-world romanisation
    "typo": 0.15,  # one keyboard typo in one Latin name field
    "swap_given_family": 0.08,
    "script": 0.12,  # names and place in Persian/Arabic script, father's name missing
    "compound_family": 0.50,  # conditional: only family names that are compound or prefixed
    "sex_missing": 0.05,
    "household_other": 0.25,  # re-registered in another household
}
DATE_ERRORS = {  # one draw per duplicate; mutually exclusive kinds; remaining mass = date unchanged
    "date_day_month_swap": 0.05,  # only where the swapped date is valid and differs
    "date_year_plus_minus_1": 0.08,
    "date_year_plus_minus_10": 0.02,
    "date_jan1_placeholder": 0.05,
    "date_missing": 0.05,
}
PLACE_ERRORS = {"place_other_spelling": 0.20, "place_missing": 0.10}

# Search workload -----------------------------------------------------------------------------------
QUERY_KINDS = {"name+year": 0.35, "name+father": 0.25, "name_only": 0.20, "script": 0.20}
QUERY_ERRORS = {
    "romanisation": 0.30,  # per name token
    "typo": 0.15,  # per query, one token
    "order_swapped": 0.10,  # per query: family name typed first
    "year_off_by_one": 0.10,  # per query with a year
    "script_variant": 0.30,  # per script token: Arabic/Persian letter forms, ZWNJ/space
    "native_digits": 0.25,  # per script query with a year: Persian or Arabic-Indic digits
}
SCRIPT_QUERY_WITH_YEAR = 0.40
FATHER_WITH_WORDS = 0.50  # "son of"/"daughter of" typed; otherwise the bare father's name


@dataclass(frozen=True)
class Entry:
    """One name or place: its Persian-script and Arabic-script forms and its Latin romanisations."""

    fa: str
    ar: str
    latin: tuple[str, ...]
    origins: tuple[str, ...]

    def script(self, origin: str) -> str:
        # Iraqi Arabs write Arabic letter forms; Iranians, Afghans and Kurds the Persian ones.
        return self.ar if origin == "IQ" else self.fa

    @property
    def compound(self) -> bool:
        return any(" " in v or "-" in v for v in self.latin)


def _arabic_letters(text: str) -> str:
    return text.replace("ی", "ي").replace("ک", "ك").replace(ZWNJ, " ")


def _load(name: str) -> tuple[Entry, ...]:
    with open(NAMES_DIR / f"{name}.csv", encoding="utf-8", newline="") as handle:
        return tuple(
            Entry(
                fa=row["script_fa"],
                ar=row["script_ar"] or _arabic_letters(row["script_fa"]),
                latin=tuple(row["latin"].split("|")),
                origins=tuple(row["origins"].split()),
            )
            for row in csv.DictReader(handle)
        )


def _zipf(count: int, s: float) -> list[float]:
    return [1.0 / (rank + 1) ** s for rank in range(count)]


@dataclass(frozen=True)
class Pool:
    entries: tuple[Entry, ...]
    cum_weights: tuple[float, ...]

    @classmethod
    def of(cls, entries: tuple[Entry, ...], weights: list[float]) -> Pool:
        return cls(entries, tuple(itertools.accumulate(weights)))

    def draw(self, rng: Random, avoid: tuple[Entry, ...] = ()) -> Entry:
        for _ in range(50):
            entry = rng.choices(self.entries, cum_weights=self.cum_weights)[0]
            if entry not in avoid:
                return entry
        return entry


def _roots(male: tuple[Entry, ...], origin: str) -> list[Entry]:
    """Given names that take a surname suffix: one word, ending in a consonant in both scripts."""
    return [
        e
        for e in male
        if origin in e.origins
        and all(v.isalpha() for v in e.latin[:1])
        and e.latin[0][-1] not in "aeiouy"
        and e.fa[-1] not in "هیاو"
        and ZWNJ not in e.fa
    ]


def _derived(root: Entry, suffix: str, origin: str) -> Entry:
    """A surname formed the usual way from a forefather's name: Ghasem + -i / -zadeh / -pour ... or Al-...-i."""
    latin_roots = [v for v in root.latin if v.isalpha()][:3]
    if suffix == "al":
        fa, ar = "ال" + root.fa + "ی", "ال" + _arabic_letters(root.ar) + "ي"
        spellings = [f"Al-{r}i" for r in latin_roots] + [f"Al {latin_roots[0]}i", f"Al{latin_roots[0].lower()}i"]
    else:
        fa_suffix, latin_suffixes = SURNAME_SUFFIXES[suffix]
        fa = root.fa + fa_suffix
        ar = _arabic_letters(fa)
        spellings = [latin_roots[0] + latin_suffixes[0]]
        spellings += [r + latin_suffixes[0] for r in latin_roots[1:]]
        spellings += [latin_roots[0] + x for x in latin_suffixes[1:]]
    unique = tuple(dict.fromkeys(spellings))[:6]
    return Entry(fa=fa, ar=ar, latin=unique, origins=(origin,))


@dataclass(frozen=True)
class Names:
    male: tuple[Entry, ...]
    female: tuple[Entry, ...]
    family: tuple[Entry, ...]
    places: tuple[Entry, ...]
    derived: tuple[Entry, ...]
    pools: dict[tuple[str, str], Pool]

    def pool(self, kind: str, origin: str) -> Pool:
        return self.pools[(kind, origin)]


@cache
def names() -> Names:
    lists = {
        "male": _load("given_male"),
        "female": _load("given_female"),
        "family": _load("family"),
        "place": _load("places"),
    }
    pools: dict[tuple[str, str], Pool] = {}
    derived: list[Entry] = []
    for origin in ORIGIN_MIX:
        for kind, entries in lists.items():
            chosen = tuple(e for e in entries if origin in e.origins)
            pools[(kind, origin)] = Pool.of(chosen, _zipf(len(chosen), ZIPF_S if kind != "family" else FAMILY_ZIPF_S))
        listed = pools[("family", origin)]
        roots = _roots(lists["male"], origin)
        root_w = _zipf(len(roots), ZIPF_S)
        made = [
            (_derived(r, sfx, origin), w * sw)
            for r, w in zip(roots, root_w, strict=True)
            for sfx, sw in DERIVED_SUFFIX_MIX[origin].items()
        ]
        listed_spellings = {v.lower() for e in lists["family"] for v in e.latin}
        made = [(e, w) for e, w in made if e.latin[0].lower() not in listed_spellings]
        derived += [e for e, _ in made]
        list_w = [b - a for a, b in zip((0.0, *listed.cum_weights), listed.cum_weights, strict=False)]
        k_list = (1 - DERIVED_SURNAMES) / sum(list_w)
        k_made = DERIVED_SURNAMES / sum(w for _, w in made)
        pools[("family", origin)] = Pool.of(
            listed.entries + tuple(e for e, _ in made), [w * k_list for w in list_w] + [w * k_made for _, w in made]
        )
    return Names(lists["male"], lists["female"], lists["family"], lists["place"], tuple(derived), pools)


@cache
def _latin_index() -> dict[str, dict[str, Entry]]:
    """Latin spelling (lower case) -> entry, per field kind; used to re-spell a record we only have as text."""
    data = names()
    index: dict[str, dict[str, Entry]] = {"given": {}, "family": {}, "place": {}}
    lists = (("given", data.male + data.female), ("family", data.family + data.derived), ("place", data.places))
    for kind, entries in lists:
        for entry in entries:
            for spelling in entry.latin:
                index[kind].setdefault(spelling.lower(), entry)
    return index


def _pick(rng: Random, weights: dict) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


# People ------------------------------------------------------------------------------------------


@dataclass
class Person:
    pid: str
    origin: str
    sex: str
    given: Entry
    father: Entry
    family: Entry
    dob: str
    pob: Entry
    household: str
    clan: int
    spelling: dict[str, str] = field(default_factory=dict)  # field -> Latin spelling of the first registration


def _dob(rng: Random, year: int, origin: str, unknown: bool) -> str:
    if unknown:
        return ""
    if rng.random() < ESTIMATED_DOB[origin]:
        return f"{year:04d}-01-01"
    month = rng.randint(1, 12)
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    return f"{year:04d}-{month:02d}-{day:02d}"


class People:
    """Endless stream of persons, generated clan by clan (a grandfather's sons each heading a household)."""

    def __init__(self, rng: Random):
        self.rng = rng
        self.data = names()
        self.persons = 0
        self.households = 0
        self.clans = 0

    def _household_id(self) -> str:
        self.households += 1
        return f"HH-{self.households:06d}"

    def _person(
        self, origin: str, sex: str, given: Entry, father: Entry, family: Entry, year: int, town: Entry, household: str
    ) -> Person:
        rng = self.rng
        self.persons += 1
        pob = town if rng.random() < SAME_TOWN else self.data.pool("place", origin).draw(rng)
        dob = _dob(rng, year, origin, rng.random() < UNKNOWN_DOB)
        return Person(f"P-{self.persons:06d}", origin, sex, given, father, family, dob, pob, household, self.clans)

    def clan(self) -> list[Person]:
        rng, data = self.rng, self.data
        self.clans += 1
        origin = _pick(rng, ORIGIN_MIX)
        male, female = data.pool("male", origin), data.pool("female", origin)
        family = data.pool("family", origin).draw(rng)
        town = data.pool("place", origin).draw(rng)
        grandfather = male.draw(rng)
        n_sons = int(_pick(rng, SONS_PER_CLAN))
        sons: list[Entry] = []
        for _ in range(n_sons):
            sons.append(male.draw(rng, avoid=(grandfather, *sons)))
        year = rng.randint(1950, 1998)
        out: list[Person] = []
        for son in sons:
            household = self._household_id()
            out.append(self._person(origin, "M", son, grandfather, family, year, town, household))
            if rng.random() >= SINGLE_HOUSEHOLD:
                wife_family = data.pool("family", origin).draw(rng)
                wife_year = min(year + rng.randint(-2, 10), LAST_BIRTH_YEAR - 16)
                out.append(
                    self._person(origin, "F", female.draw(rng), male.draw(rng), wife_family, wife_year, town, household)
                )
                child_year = wife_year + rng.randint(18, 28)
                siblings: list[Entry] = []
                for _ in range(int(_pick(rng, CHILDREN))):
                    if child_year > LAST_BIRTH_YEAR:
                        break
                    sex = rng.choice("MF")
                    if sex == "M" and grandfather not in siblings and rng.random() < NAMED_AFTER_GRANDFATHER:
                        given = grandfather
                    else:
                        given = (male if sex == "M" else female).draw(rng, avoid=(*siblings, son))
                    siblings.append(given)
                    out.append(self._person(origin, sex, given, son, family, child_year, town, household))
                    child_year += rng.randint(1, 4)
            year += rng.randint(2, 6)
        return out

    def __iter__(self):
        while True:
            yield from self.clan()


# Romanisation habits by origin, as regex -> score; a spelling's weight is multiplied by 2**score (score
# clipped to +-2). Iranian spellings follow Persian vowels (o, e, -eh, v, gh: Hossein, Fatemeh, Javad),
# Afghan Dari ones write w, u and a final -a (Wahid, Ghulam, Masuma, Freshta), Iraqi Arabic ones follow
# Arabic (u, q, dh, th: Husain, Qasim, Kadhim), Kurdish ones write w and u (Sirwan, Kawa, Runak).
ROMANISATION_STYLE: dict[str, dict[str, float]] = {
    "IR": {"gh": 1, "v": 1, "eh$": 1, "ou": 1, "ei": 1, "q": -1, "w": -1, "dh": -1},
    "AF": {"w": 1, "(?<![ao])u": 1, "a$": 1, "ee(?!$)": 1, "v": -1, "eh$": -1, "ou": -1},
    "IQ": {
        "(?<![ao])u": 1,
        "q": 1,
        "dh": 1,
        "th": 1,
        "ee(?!$)": 1,
        "a$": 1,
        "aa$": 1,
        "o": -1,
        "gh": -1,
        "v": -1,
        "eh$": -1,
        "ei": -1,
    },
    "KU": {"w": 1, "(?<![ao])u": 1, "a$": 0.5, "v": -1, "dh": -1},
}


def _spell(rng: Random, entry: Entry, origin: str = "", avoid: str = "") -> str:
    """A romanisation of the entry: the usual ones more often (weight 1 / rank**SPELLING_ZIPF_S), shaped by
    the habits of the origin's clerks and interpreters (ROMANISATION_STYLE)."""
    options = [v for v in entry.latin if v.lower() != avoid.lower()]
    if not options:
        return avoid
    weights = _zipf(len(options), SPELLING_ZIPF_S)
    style = ROMANISATION_STYLE.get(origin, {})
    for i, option in enumerate(options):
        score = sum(w * len(re.findall(rx, option.lower())) for rx, w in style.items())
        weights[i] *= 2.0 ** max(-2, min(2, score))
    return rng.choices(options, weights=weights)[0]


def _base_record(rng: Random, person: Person) -> dict[str, str]:
    person.spelling = {
        "given_name": _spell(rng, person.given, person.origin),
        "fathers_name": _spell(rng, person.father, person.origin),
        "family_name": _spell(rng, person.family, person.origin),
        "place_of_birth": _spell(rng, person.pob, person.origin),
    }
    rec = {
        **person.spelling,
        "date_of_birth": person.dob,
        "sex": person.sex,
        "household_id": person.household,
        "record_id": "",
        "cluster_id": person.pid,
    }
    return {key: rec[key] for key in RECORD_KEYS}


# Error kinds -------------------------------------------------------------------------------------

_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")


@cache
def _neighbours() -> dict[str, str]:
    """QWERTY neighbours: same row left/right, row above (same and next column), row below (previous and same)."""
    out: dict[str, str] = {}
    for r, row in enumerate(_KEY_ROWS):
        for i, ch in enumerate(row):
            near = [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
            if r > 0:
                near += [_KEY_ROWS[r - 1][j] for j in (i, i + 1) if j < len(_KEY_ROWS[r - 1])]
            if r < 2:
                near += [_KEY_ROWS[r + 1][j] for j in (i - 1, i) if 0 <= j < len(_KEY_ROWS[r + 1])]
            out[ch] = "".join(near)
    return out


def typo(rng: Random, text: str) -> str:
    """One keyboard slip: adjacent-key substitution, deletion, insertion or transposition of a letter."""
    letters = [i for i, ch in enumerate(text) if ch.isascii() and ch.isalpha()]
    if len(letters) < 3:
        return text
    i = rng.choice(letters)
    ch = text[i].lower()
    op = rng.choices(("sub", "del", "ins", "swap"), weights=(0.4, 0.2, 0.2, 0.2))[0]
    if op == "sub":
        out = text[:i] + rng.choice(_neighbours()[ch]) + text[i + 1 :]
    elif op == "del":
        out = text[:i] + text[i + 1 :]
    elif op == "ins":
        out = text[: i + 1] + rng.choice(_neighbours()[ch] + ch) + text[i + 1 :]
    else:
        j = i + 1 if i + 1 < len(text) and text[i + 1].isalpha() else i - 1
        a, b = sorted((i, j))
        out = text[:a] + text[b] + text[a] + text[b + 1 :]
    out = out[:1].upper() + out[1:].lower() if text[:1].isupper() and text[1:].islower() else out
    return out if out != text else text[:i] + text[i + 1 :]


def respell(rng: Random, entry: Entry | None, current: str, origin: str = "") -> str:
    """Another real-world romanisation of the same name."""
    if entry is None:
        return current
    return _spell(rng, entry, origin, avoid=current)


_LATIN_PREFIXES = ("al", "as", "at", "an", "ad", "el", "mir", "abu", "abou", "abol")
_LATIN_SUFFIXES = ("zadeh", "zade", "pour", "poor", "nejad", "nezhad", "fard", "far", "zai", "zay")


def split_compound(rng: Random, text: str) -> str:
    """Split or join a compound family name, or drop its prefix (Al-, Mir, Abu)."""
    parts = text.replace("-", " ").split()
    if len(parts) > 1:
        if parts[0].lower() in _LATIN_PREFIXES and rng.random() < 0.5:
            return " ".join(parts[1:])
        joined = parts[0] + "".join(p.lower() for p in parts[1:])
        return rng.choice((joined, joined, "-".join(parts) if " " in text else " ".join(parts)))
    low = text.lower()
    for prefix in _LATIN_PREFIXES:
        if low.startswith(prefix) and len(low) - len(prefix) >= 4:
            rest = text[len(prefix) :].capitalize()
            return rng.choice((rest, f"{text[: len(prefix)]} {rest}", f"{text[: len(prefix)]}-{rest}"))
    for suffix in _LATIN_SUFFIXES:
        if low.endswith(suffix) and len(low) - len(suffix) >= 3:
            cut = len(text) - len(suffix)
            return f"{text[:cut]}{rng.choice((' ', '-'))}{text[cut:].capitalize()}"
    return text


def split_compound_script(rng: Random, text: str) -> str:
    """Script form of the same: ZWNJ/space/joined, the article ال or أبو dropped."""
    if ZWNJ in text:
        return text.replace(ZWNJ, rng.choice((" ", "")))
    if text.startswith(("أبو ", "ابو ")):
        return rng.choice((text[4:], text.replace(" ", "", 1)))
    if text.startswith(("ابو", "أبو")):
        return rng.choice((text[3:], text[:3] + " " + text[3:]))
    if text.startswith("ال"):
        return text[2:]
    if " " in text:
        return text.replace(" ", rng.choice(("", ZWNJ)))
    return text


def script_variant(rng: Random, text: str) -> str:
    """A spelling the same writer could produce on another keyboard or with another habit."""
    ops = []
    if "ی" in text or "ک" in text:
        ops.append(lambda s: s.replace("ی", "ي").replace("ک", "ك"))
    if "ي" in text or "ك" in text or "ى" in text:
        ops.append(lambda s: s.replace("ي", "ی").replace("ك", "ک").replace("ى", "ی"))
    if text.endswith("ی"):
        ops.append(lambda s: s[:-1] + "ى")
    if "ة" in text:
        ops.append(lambda s: s.replace("ة", "ه"))
    if any(c in text for c in "أإآئؤ"):
        ops.append(lambda s: s.translate(str.maketrans("أإآئؤ", "ااایو")))
    if text.endswith("ء"):
        ops.append(lambda s: s[:-1])
    if ZWNJ in text:
        ops.append(lambda s: s.replace(ZWNJ, rng.choice((" ", ""))))
    if " " in text:
        ops.append(lambda s: s.replace(" ", rng.choice(("", ZWNJ))))
    if "الله" in text and " " not in text and ZWNJ not in text:
        ops.append(lambda s: s.replace("الله", " الله", 1).strip())
    return rng.choice(ops)(text) if ops else text


def _shift_year(date: str, delta: int) -> str:
    year, month, day = (int(x) for x in date.split("-"))
    year = year + delta if year + delta <= REGISTRATION_YEAR else year - delta  # no birth in the future
    day = min(day, calendar.monthrange(year, month)[1])
    return f"{year:04d}-{month:02d}-{day:02d}"


def _date_error(rng: Random, date: str) -> tuple[str, str]:
    kind = _pick(rng, {**DATE_ERRORS, "": 1.0 - sum(DATE_ERRORS.values())})
    if not kind or not date:
        return date, ""
    year, month, day = (int(x) for x in date.split("-"))
    if kind == "date_day_month_swap":
        if day > 12 or day == month:
            return date, ""
        return f"{year:04d}-{day:02d}-{month:02d}", kind
    if kind == "date_year_plus_minus_1":
        return _shift_year(date, rng.choice((-1, 1))), kind
    if kind == "date_year_plus_minus_10":
        return _shift_year(date, rng.choice((-10, 10))), kind
    if kind == "date_jan1_placeholder":
        return (f"{year:04d}-01-01", kind) if (month, day) != (1, 1) else (date, "")
    return "", kind


def _duplicate(rng: Random, person: Person, base: dict[str, str], households: int) -> tuple[dict, list[str]]:
    """A re-registration of the person: the first record with independent errors applied."""
    rec = dict(base)
    applied: list[str] = []
    fields = {"given_name": person.given, "fathers_name": person.father, "family_name": person.family}
    as_script = rng.random() < ERROR_RATES["script"]
    if as_script:
        applied.append("script")
        rec["given_name"] = person.given.script(person.origin)
        rec["family_name"] = person.family.script(person.origin)
        rec["fathers_name"] = ""
        rec["place_of_birth"] = person.pob.script(person.origin)
        for key in ("given_name", "family_name"):
            if rng.random() < 0.5:
                rec[key] = script_variant(rng, rec[key])
    else:
        if rng.random() < ERROR_RATES["romanisation"]:
            keys = [k for k in fields if rng.random() < 0.5] or [rng.choice(list(fields))]
            for key in keys:
                rec[key] = respell(rng, fields[key], rec[key], person.origin)
            applied.append("romanisation")
    if person.family.compound and rng.random() < ERROR_RATES["compound_family"]:
        before = rec["family_name"]
        rec["family_name"] = (split_compound_script if as_script else split_compound)(rng, before)
        if rec["family_name"] != before:
            applied.append("compound_family")
    if not as_script and rng.random() < ERROR_RATES["typo"]:
        key = rng.choices(list(fields), weights=(0.45, 0.15, 0.40))[0]
        rec[key] = typo(rng, rec[key])
        applied.append("typo")
    if rng.random() < ERROR_RATES["swap_given_family"]:
        rec["given_name"], rec["family_name"] = rec["family_name"], rec["given_name"]
        applied.append("swap_given_family")
    rec["date_of_birth"], date_kind = _date_error(rng, rec["date_of_birth"])
    if date_kind:
        applied.append(date_kind)
    if rng.random() < ERROR_RATES["sex_missing"]:
        rec["sex"] = ""
        applied.append("sex_missing")
    place_kind = _pick(rng, {**PLACE_ERRORS, "": 1.0 - sum(PLACE_ERRORS.values())})
    if place_kind == "place_missing":
        rec["place_of_birth"] = ""
    elif place_kind == "place_other_spelling":
        if as_script:
            rec["place_of_birth"] = script_variant(rng, rec["place_of_birth"])
        else:
            rec["place_of_birth"] = respell(rng, person.pob, rec["place_of_birth"], person.origin)
    if place_kind:
        applied.append(place_kind)
    if rng.random() < ERROR_RATES["household_other"]:
        other = rng.randint(1, households) if rng.random() < 0.5 else 0
        if other and f"HH-{other:06d}" != person.household:
            rec["household_id"] = f"HH-{other:06d}"
        else:
            rec["household_id"] = f"HH-R{rng.randint(0, 999999):06d}"  # a new household opened for them
        applied.append("household_other")
    return rec, applied


# Public API --------------------------------------------------------------------------------------


def _registrations(n: int, seed: int) -> tuple[list[dict], list[tuple[str, str]], list[list[str]], list[Person]]:
    rng = Random(f"registrations:{seed}")
    people = People(rng)
    plan: list[tuple[Person, int]] = []
    total = 0
    for person in people:
        if total >= n:
            break
        k = min(int(_pick(rng, REGISTRATIONS_PER_PERSON)), n - total)
        plan.append((person, k))
        total += k
    rows: list[tuple[dict, list[str]]] = []
    for person, k in plan:
        base = _base_record(rng, person)
        rows.append((base, []))
        for _ in range(k - 1):
            rows.append(_duplicate(rng, person, base, people.households))
    rng.shuffle(rows)
    by_cluster: dict[str, list[str]] = {}
    for i, (rec, _) in enumerate(rows, start=1):
        rec["record_id"] = f"R-{i:07d}"
        by_cluster.setdefault(rec["cluster_id"], []).append(rec["record_id"])
    pairs: list[tuple[str, str]] = sorted(
        (min(a, b), max(a, b)) for ids in by_cluster.values() for a, b in itertools.combinations(ids, 2)
    )
    return [r for r, _ in rows], pairs, [e for _, e in rows], [p for p, _ in plan]


def registrations(n: int, seed: int) -> tuple[list[dict], list[tuple[str, str]]]:
    """n records of a camp register and the true duplicate pairs (sorted record_id tuples)."""
    records, pairs, _, _ = _registrations(n, seed)
    return records, pairs


def search_population(n: int, seed: int) -> list[dict]:
    """n persons, one Latin-script record each (father's name present); truth of a query is its record_id."""
    rng = Random(f"population:{seed}")
    out = []
    for i, person in enumerate(itertools.islice(People(rng), n), start=1):
        rec = _base_record(rng, person)
        rec["record_id"] = f"S-{i:07d}"
        out.append(rec)
    return out


_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def _query(rng: Random, rec: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    index = _latin_index()
    applied: list[str] = []
    kind = _pick(rng, QUERY_KINDS)
    if (kind == "name+year" and not rec["date_of_birth"]) or (kind == "name+father" and not rec["fathers_name"]):
        kind = "name_only"
    given_e = index["given"].get(rec["given_name"].lower())
    family_e = index["family"].get(rec["family_name"].lower())
    year = rec["date_of_birth"][:4]
    if year and rng.random() < QUERY_ERRORS["year_off_by_one"] and kind in ("name+year", "script"):
        year = str(int(year) + rng.choice((-1, 1)))
        applied.append("year_off_by_one")
    if kind == "script":
        arabic = family_e is not None and family_e.origins == ("IQ",)
        tokens = [e.ar if arabic else e.fa for e in (given_e, family_e) if e is not None]
        if len(tokens) < 2:  # not one of our names: a clerk would type what is written
            tokens = [rec["given_name"], rec["family_name"]]
        for i, token in enumerate(tokens):
            if rng.random() < QUERY_ERRORS["script_variant"]:
                tokens[i] = script_variant(rng, token)
                applied.append("script_variant")
        text = " ".join(tokens)
        if year and rng.random() < SCRIPT_QUERY_WITH_YEAR:
            if rng.random() < QUERY_ERRORS["native_digits"]:
                year = year.translate(_ARABIC_DIGITS if arabic else _PERSIAN_DIGITS)
                applied.append("native_digits")
            text = f"{text} {year}"
        return {"text": text, "kind": kind, "record_id": rec["record_id"]}, applied
    given, family, father = rec["given_name"], rec["family_name"], rec["fathers_name"]
    if rng.random() < QUERY_ERRORS["romanisation"]:
        given = respell(rng, given_e, given)
        applied.append("romanisation")
    if rng.random() < QUERY_ERRORS["romanisation"]:
        family = respell(rng, family_e, family)
        applied.append("romanisation")
    if kind == "name+father" and rng.random() < QUERY_ERRORS["romanisation"]:
        father = respell(rng, index["given"].get(father.lower()), father)
        applied.append("romanisation")
    if rng.random() < QUERY_ERRORS["typo"]:
        if rng.random() < 0.5:
            given = typo(rng, given)
        else:
            family = typo(rng, family)
        applied.append("typo")
    if rng.random() < QUERY_ERRORS["order_swapped"]:
        given, family = family, given
        applied.append("order_swapped")
    text = f"{given} {family}"
    if kind == "name+year":
        text = f"{text} {year}"
    elif kind == "name+father":
        words = "daughter of" if rec["sex"] == "F" else "son of"
        text = f"{text} {words} {father}" if rng.random() < FATHER_WITH_WORDS else f"{text} {father}"
    return {"text": text, "kind": kind, "record_id": rec["record_id"]}, applied


def _search_queries(population: list[dict], count: int, seed: int) -> tuple[list[dict], list[list[str]]]:
    rng = Random(f"queries:{seed}")
    made = [_query(rng, rng.choice(population)) for _ in range(count)]
    return [q for q, _ in made], [e for _, e in made]


def search_queries(population: list[dict], count: int, seed: int) -> list[dict]:
    """count queries a clerk would type, each about one person of the population (truth: record_id)."""
    return _search_queries(population, count, seed)[0]


# --check -----------------------------------------------------------------------------------------


def _validate(records: list[dict]) -> None:
    import datetime as dt

    for rec in records:
        assert tuple(rec) == RECORD_KEYS, rec
        assert all(isinstance(v, str) for v in rec.values()), rec
        assert rec["sex"] in ("M", "F", ""), rec
        if rec["date_of_birth"]:
            dt.date.fromisoformat(rec["date_of_birth"])


def _top(counter: Counter, k: int = 20) -> str:
    total = sum(counter.values())
    return ", ".join(f"{name} {100 * c / total:.1f}%" for name, c in counter.most_common(k))


def check(n: int, seed: int, population_size: int, query_count: int) -> None:
    records, pairs, errors, persons = _registrations(n, seed)
    _validate(records)
    again, again_pairs = registrations(n, seed)
    assert again == records and again_pairs == pairs, "not deterministic"
    sizes = Counter(Counter(r["cluster_id"] for r in records).values())
    duplicated = sum(c for size, c in sizes.items() if size > 1)
    print(f"== registrations(n={n}, seed={seed})")
    print(f"records {len(records)}, persons {len(persons)}, households {len({p.household for p in persons})}")
    print(
        f"cluster sizes {dict(sorted(sizes.items()))}; persons registered 2-3 times "
        f"{100 * duplicated / len(persons):.1f}%; true pairs {len(pairs)}"
    )
    print("origin mix " + _top(Counter(p.origin for p in persons), 4))
    dobs = [p.dob for p in persons]
    print(
        f"true dob unknown {100 * dobs.count('') / len(dobs):.1f}%, true dob 1 January "
        f"{100 * sum(d.endswith('-01-01') for d in dobs) / len(dobs):.1f}%"
    )
    n_dups = len(records) - len(persons)
    kinds = Counter(k for e in errors for k in e)
    size_of = Counter(r["cluster_id"] for r in records)
    compound_dups = sum(size_of[p.pid] - 1 for p in persons if p.family.compound)
    print(f"error rates over the {n_dups} duplicate records (applied / duplicates):")
    for kind in (*ERROR_RATES, *DATE_ERRORS, *PLACE_ERRORS):
        print(f"  {kind:26s} {100 * kinds[kind] / max(n_dups, 1):5.1f}%")
    print(
        f"  compound_family among the {compound_dups} duplicates whose family name is compound or prefixed: "
        f"{100 * kinds['compound_family'] / max(compound_dups, 1):.1f}%"
    )
    print(f"  duplicates with no error at all: {100 * (sum(1 for e in errors if not e) - len(persons)) / n_dups:.1f}%")
    print("hard negatives (pairs of different persons):")

    def count_pairs(items) -> int:
        return sum(k * (k - 1) // 2 for k in Counter(items).values())

    def clan_pairs(key) -> int:  # pairs of persons of one clan sharing key, not in the same household
        return count_pairs((p.clan, *key(p)) for p in persons) - count_pairs(
            (p.clan, p.household, *key(p)) for p in persons
        )

    print(f"  brothers heading other households (same father and family): {clan_pairs(lambda p: (p.father,))}")
    print(f"  cousins with the same given name (named after the grandfather): {clan_pairs(lambda p: (p.given,))}")
    same_name = count_pairs((p.given, p.family) for p in persons)
    same_name_father = count_pairs((p.given, p.family, p.father) for p in persons)
    print(
        f"  same given + family name, any relation: {same_name}; also same father's name: {same_name_father}; "
        f"also same birth year: {count_pairs((p.given, p.family, p.father, p.dob[:4]) for p in persons)}"
    )
    print(f"  same family + father's name, any relation: {count_pairs((p.family, p.father) for p in persons)}")
    print("top 20 given names (first registration spelling): " + _top(Counter(p.given.latin[0] for p in persons)))
    print("top 20 family names: " + _top(Counter(p.family.latin[0] for p in persons)))
    print("top 20 given names as written on records: " + _top(Counter(r["given_name"] for r in records)))
    print("sample duplicate clusters:")
    clusters: dict[str, list[tuple[dict, list[str]]]] = {}
    for r, e in zip(records, errors, strict=True):
        clusters.setdefault(r["cluster_id"], []).append((r, e))
    shown = 0
    for rows in clusters.values():
        if len(rows) > 1 and shown < 6:
            shown += 1
            for r, e in sorted(rows, key=lambda x: len(x[1])):
                fields = " | ".join(r[k] for k in RECORD_KEYS[:7])
                print(f"  {r['cluster_id']} {r['record_id']}: {fields}  {','.join(e) or '(no error)'}")
    population = search_population(population_size, seed)
    _validate(population)
    queries, q_errors = _search_queries(population, query_count, seed)
    print(f"== search_population({population_size}) / search_queries({query_count})")
    print("query kinds " + _top(Counter(q["kind"] for q in queries), 4))
    q_kinds = Counter(k for e in q_errors for k in set(e))
    for kind in QUERY_ERRORS:
        print(f"  queries with {kind:18s} {100 * q_kinds[kind] / len(queries):5.1f}%")
    print(f"  queries with no error {100 * sum(1 for e in q_errors if not e) / len(queries):.1f}%")
    spellings = Counter((r["given_name"].lower(), r["family_name"].lower()) for r in population)
    print(
        f"population records sharing their exact given+family spelling with another: "
        f"{100 * sum(c for c in spellings.values() if c > 1) / len(population):.1f}%"
    )
    for q in queries[:12]:
        print(f"  {q['kind']:12s} {q['text']!r} -> {q['record_id']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print statistics of the generated data")
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--population", type=int, default=20000)
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args()
    if args.check:
        check(args.n, args.seed, args.population, args.queries)
    else:
        parser.print_help()


if __name__ == "__main__":
    main()
