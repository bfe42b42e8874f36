"""Finding people at a million persons: Asylon's search against pg_trgm alone, same run.

    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_search_bench \\
        PYTHONPATH=src python bench/search_million.py [--persons 1000000] [--reuse]
    ASYLON_DATA_DIR=/tmp/search-data PYTHONPATH=src python bench/search_million.py --persons 100000 --reuse

The register is `asylon.demo.synthetic.generate_population` (romanisation variants,
a fifth in Persian script, households sharing family and fathers' names), nine tenths in
the searching clerk's site and one tenth in another site that must never show. Queries
are written from true persons in a spelling other than the registered one: another
romanisation, a typo anywhere in a word, the other script, family name first, or a
dropped name part. Two families:

(a) what a clerk knows: the name plus the year of birth or the father's name; a hit when
    the true person is in the top 10 (recall@10);
(b) the name alone: a hit when the persons of that name (given and family name, the same
    names of the generator in any spelling) fill the top 10 (or all come first, when fewer
    than 10 exist) and no other name ranks above one of them.

Set-up writes rows directly (COPY on PostgreSQL); the name keys are computed by
`asylon.matching.keys` itself. `--reuse` keeps a register already loaded by the same
command. `--save FILE` writes each query's top 10; `--compare FILE` reports how many
queries got the same top 10 in another run (SQLite against PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gc
import json
import random
import statistics
import time
from dataclasses import dataclass

from _setup import django_setup

SITE, OTHER_SITE = "BEN", "OUT"
CHUNK = 20_000
_ARABIC_KEYBOARD = str.maketrans({"ی": "ي", "ک": "ك"})
_PERSIAN_KEYBOARD = str.maketrans({"ي": "ی", "ك": "ک"})


@dataclass(slots=True)
class Truth:
    reference: str
    site: str
    given: object  # synthetic.NameEntry
    father: object | None
    family: object
    year: int | None
    written: dict[str, str]
    persian: bool


def _entry_lookup(entries) -> dict[str, object]:
    table: dict[str, object] = {}
    for entry in entries:
        table[entry.persian] = entry
        for variant in entry.variants:
            table.setdefault(variant.casefold(), entry)
    return table


def _lookups():
    from asylon.demo import synthetic

    return (
        _entry_lookup(synthetic.PERSIAN_GIVEN_NAMES_MALE + synthetic.PERSIAN_GIVEN_NAMES_FEMALE),
        _entry_lookup(synthetic.FAMILY_NAMES),
    )


def _truth(reference: str, site: str, r: dict[str, str], given: dict, family: dict) -> Truth:
    from asylon.matching.names import is_persian_script

    def entry(table, text: str):
        return table.get(text.translate(_PERSIAN_KEYBOARD)) or table.get(text.casefold()) if text else None

    return Truth(
        reference=reference,
        site=site,
        given=entry(given, r["given_name"]),
        father=entry(given, r["fathers_name"]),
        family=entry(family, r["family_name"]),
        year=int(r["date_of_birth"][:4]) if r["date_of_birth"] else None,
        written=r,
        persian=is_persian_script(r["given_name"]),
    )


def stored_population() -> list[Truth]:
    """The truth of a register loaded by an earlier run, read back from the database (the
    generator's households depend on string hashing, so a new process draws others)."""
    from asylon.registry.models import Person

    given, family = _lookups()
    columns = ("reference", "given_name", "fathers_name", "family_name", "sex", "date_of_birth")
    out = []
    for row in Person.objects.order_by("pk").values_list(*columns).iterator(chunk_size=20_000):
        r = dict(zip(columns, row, strict=True))
        r["date_of_birth"] = r["date_of_birth"].isoformat() if r["date_of_birth"] else ""
        out.append(_truth(r["reference"], r["reference"].split("-")[0], r, given, family))
    return out


def population(n: int, seed: int) -> list[Truth]:
    from asylon.demo import synthetic

    records, _pairs = synthetic.generate_population(n, seed, duplicate_rate=0.0, script_rate=0.2)
    given, family = _lookups()
    rng = random.Random(seed + 1)
    out = []
    for i, r in enumerate(records, start=1):
        site = OTHER_SITE if rng.random() < 0.1 else SITE
        out.append(_truth(f"{site}-{i:07d}", site, r, given, family))
    return out


# --- set-up ------------------------------------------------------------------------------


def _person(truth: Truth, pk: int, site_ids: dict[str, int], today: dt.date):
    from asylon.registry.models import Person

    r = truth.written
    return Person(
        pk=pk,
        reference=truth.reference,
        site_id=site_ids[truth.site],
        given_name=r["given_name"],
        fathers_name=r["fathers_name"],
        family_name=r["family_name"],
        sex=r["sex"],
        date_of_birth=dt.date.fromisoformat(r["date_of_birth"]) if r["date_of_birth"] else None,
        nationality="IR",
        country_of_origin="IR",
        registered_on=today,
    )


def _values(instance, fields, connection) -> tuple:
    return tuple(f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields)


def _write(connection, model, fields, rows: list[tuple]) -> None:
    table = model._meta.db_table
    columns = [f.column for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def populate(truths: list[Truth]) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from asylon.matching.keys import keys_for, vocabulary_rows
    from asylon.matching.models import NameKeyToken, NameVariantKey, PersonNameKeys
    from asylon.registry.models import Person, Site

    sites = {
        code: Site.objects.create(code=code, name=f"Bench {code}", host_country="IQ", designation="TTL").pk
        for code in (SITE, OTHER_SITE)
    }
    now, today = timezone.now(), dt.date.today()  # noqa: DTZ011 - set-up data only
    person_fields = Person._meta.concrete_fields
    key_fields = PersonNameKeys._meta.concrete_fields
    token_fields = [f for f in NameKeyToken._meta.concrete_fields if not f.primary_key]
    vocabulary: dict[str, str] = {}
    for start in range(0, len(truths), CHUNK):
        persons, keys, tokens = [], [], []
        for pk, truth in enumerate(truths[start : start + CHUNK], start=start + 1):
            person = _person(truth, pk, sites, today)
            person.created_at = person.updated_at = now
            row, toks = keys_for(person)
            persons.append(_values(person, person_fields, connection))
            keys.append(_values(row, key_fields, connection))
            tokens.extend(_values(t, token_fields, connection) for t in toks)
            vocabulary.update((t.skeleton, t.phonetic) for t in toks)
        with transaction.atomic():
            _write(connection, Person, person_fields, persons)
            _write(connection, PersonNameKeys, key_fields, keys)
            _write(connection, NameKeyToken, token_fields, tokens)
        print(f"  {start + len(persons):,} persons", flush=True)
    tokens_seen = [NameKeyToken(skeleton=s, phonetic=p) for s, p in vocabulary.items()]
    NameVariantKey.objects.bulk_create(vocabulary_rows(tokens_seen), batch_size=5000, ignore_conflicts=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence('registry_person', 'id'), %s)", [len(truths)])
            for table in ("registry_person", "matching_personnamekeys", "matching_namekeytoken"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")


# --- queries -----------------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(word: str, rng: random.Random) -> str:
    """A misspelling anywhere in the word, the first letters included, that folds differently."""
    from asylon.matching.names import fold

    for _attempt in range(10):
        i = rng.randrange(len(word))
        kind = rng.randrange(4)
        if kind == 0 and len(word) > 3:
            out = word[:i] + word[i + 1 :]
        elif kind == 1:
            out = word[:i] + rng.choice(LETTERS) + word[i:]
        elif kind == 2 and i < len(word) - 1:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        else:
            out = word[:i] + rng.choice(LETTERS) + word[i + 1 :]
        if fold(out) != fold(word):
            return out
    return word


def spell(entry, registered: str, other_script: bool, persian_registered: bool, rng: random.Random) -> str:
    """The name as the searching clerk writes it, never as it was registered when avoidable."""
    if other_script and not persian_registered:  # the query is in Persian script
        return entry.persian.translate(_ARABIC_KEYBOARD) if rng.random() < 0.3 else entry.persian
    others = [v for v in entry.variants if v.casefold() != registered.casefold()] or list(entry.variants)
    word = rng.choice(others)
    return word.upper() if rng.random() < 0.15 else word


KINDS_A = ("variant", "typo", "other script", "family first", "dropped part")
KINDS_B = ("variant", "typo", "other script", "family first")


@functools.cache
def _spellings(pool: str) -> tuple[tuple[object, str], ...]:
    """(entry, folded spelling) of every Latin spelling of the generator's names of a pool."""
    from asylon.demo import synthetic
    from asylon.matching.names import fold

    entries = (
        synthetic.PERSIAN_GIVEN_NAMES_MALE + synthetic.PERSIAN_GIVEN_NAMES_FEMALE
        if pool == "given"
        else synthetic.FAMILY_NAMES
    )
    return tuple((entry, fold(v)) for entry in entries for v in entry.variants)


def another_name_as_near(typed: str, entry, pool: str) -> bool:
    """True when the mistyped word is as near (in slips of the pen) to a spelling of another
    name of the generator's as to one of its own: then it reads as that name as much
    (maeid: Majid as much as Saeid), and no search can tell which was meant."""
    from rapidfuzz.distance import OSA

    from asylon.matching.names import fold

    written = fold(typed)
    own = min(OSA.distance(written, v) for e, v in _spellings(pool) if e is entry)
    return any(OSA.distance(written, v) <= own for e, v in _spellings(pool) if e is not entry)


def make_query(truth: Truth, kind: str, with_extra: bool, rng: random.Random) -> tuple[str, bool]:
    """The query, and whether its typo reads as another name as much (see above)."""
    r = truth.written
    other = kind == "other script"
    given = spell(truth.given, r["given_name"], other, truth.persian, rng)
    family = spell(truth.family, r["family_name"], other, truth.persian, rng)
    father = spell(truth.father, r["fathers_name"], other, truth.persian, rng)
    ambiguous = False
    if kind == "typo":
        if rng.random() < 0.5:
            given = typo(given, rng)
            ambiguous = another_name_as_near(given, truth.given, "given")
        else:
            family = typo(family, rng)
            ambiguous = another_name_as_near(family, truth.family, "family")
    return _words(truth, kind, with_extra, given, family, father, rng), ambiguous


def _words(truth: Truth, kind: str, with_extra: bool, given: str, family: str, father: str, rng) -> str:
    words = [family, given] if kind == "family first" else [given, family]
    if not with_extra:
        return " ".join(words)
    if kind == "dropped part":  # knew given, father, family and year; one name part is missing
        parts = [given, father, family]
        del parts[rng.randrange(3)]
        return " ".join([*parts, str(truth.year)])
    if truth.year is not None and rng.random() < 0.5:
        return " ".join([*words, str(truth.year)])
    return " ".join([*words, father] if rng.random() < 0.5 else [words[0], father, *words[1:]])


def queries(truths: list[Truth], count: int, seed: int) -> list[tuple[str, str, Truth, str, bool]]:
    """(family, kind, true person, query, typo reads as another name) for `count` queries of
    each family."""
    rng = random.Random(seed)
    pool = [t for t in truths if t.site == SITE and t.given and t.family and t.father]
    out = []
    for i in range(count):
        truth = rng.choice(pool)
        kind = KINDS_A[i % len(KINDS_A)]
        if kind == "dropped part" and truth.year is None:
            kind = "variant"
        out.append(("a", kind, truth, *make_query(truth, kind, True, rng)))
    for i in range(count):
        truth = rng.choice(pool)
        kind = KINDS_B[i % len(KINDS_B)]
        out.append(("b", kind, truth, *make_query(truth, kind, False, rng)))
    return out


# --- measurement -------------------------------------------------------------------------


def same_name_index(truths: list[Truth]) -> tuple[dict[str, tuple], dict[tuple, int]]:
    name_of = {t.reference: (t.given.persian, t.family.persian) for t in truths if t.given and t.family}
    count: dict[tuple, int] = {}
    for t in truths:
        if t.site == SITE and t.reference in name_of:
            count[name_of[t.reference]] = count.get(name_of[t.reference], 0) + 1
    return name_of, count


def judge(family: str, truth: Truth, top: list[str], name_of, namesakes) -> bool:
    if any(not ref.startswith(SITE + "-") for ref in top):
        raise AssertionError(f"a person of another site was found: {top}")
    if family == "a":
        return truth.reference in top
    name = (truth.given.persian, truth.family.persian)
    same = [name_of.get(ref) == name for ref in top]
    wanted = min(10, namesakes[name])
    return all(same[:wanted])


def asylon_runner(user):
    from asylon.matching.search import search_persons

    return lambda q: [h.person.reference for h in search_persons(user, q, limit=10)]


def trigram_runner(site_id: int):
    from django.db import connection

    from asylon.matching.names import fold
    from asylon.matching.search import parse_query

    with connection.cursor() as cursor:
        cursor.execute("SET pg_trgm.similarity_threshold = 0.3")

    def run(q: str) -> list[str]:
        text = fold(parse_query(q).text)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.reference FROM matching_personnamekeys k JOIN registry_person p ON p.id = k.person_id "
                "WHERE k.active AND k.site_id = %s AND k.full_fold %% %s "
                "ORDER BY similarity(k.full_fold, %s) DESC, p.reference LIMIT 10",
                [site_id, text, text],
            )
            return [row[0] for row in cursor.fetchall()]

    return run


def measure(label: str, run, qs, name_of, namesakes) -> dict:
    for _family, _kind, _truth, q, _ambiguous in qs[:20]:  # warm caches, as a running server has them
        run(q)
    times, hits, tops = [], {"a": 0, "b": 0, "a readable": 0, "b readable": 0}, {}
    misses: dict[str, int] = {}
    for family, kind, truth, q, ambiguous in qs:
        t = time.perf_counter()
        top = run(q)
        times.append((time.perf_counter() - t) * 1000)
        tops[f"{family}|{q}"] = top
        if judge(family, truth, top, name_of, namesakes):
            hits[family] += 1
            hits[f"{family} readable"] += not ambiguous
        else:
            key = f"{family}/{kind}" + (" as another name" if ambiguous else "")
            misses[key] = misses.get(key, 0) + 1
    n = {f: sum(1 for x in qs if x[0] == f) for f in "ab"}
    readable = {f: sum(1 for x in qs if x[0] == f and not x[4]) for f in "ab"}
    times.sort()
    result = {
        "label": label,
        "p50": statistics.median(times),
        "p95": times[int(0.95 * (len(times) - 1))],
        "a": hits["a"] / n["a"],
        "b": hits["b"] / n["b"],
        "a readable": hits["a readable"] / readable["a"],
        "b readable": hits["b readable"] / readable["b"],
        "misses": misses,
        "tops": tops,
    }
    print(
        f"{label:22} p50 {result['p50']:7.1f} ms  p95 {result['p95']:7.1f} ms  "
        f"(a) name+year/father recall@10 {result['a']:.3f}  (b) name alone namesakes first {result['b']:.3f}",
        flush=True,
    )
    print(
        f"{'':22} without the typos that read as another name ({n['a'] - readable['a']} and "
        f"{n['b'] - readable['b']} queries): (a) {result['a readable']:.3f}  (b) {result['b readable']:.3f}"
    )
    print(f"{'':22} misses by kind: {dict(sorted(misses.items()))}")
    return result


def candidates_found(user, qs) -> float:
    """Share of the (a) queries whose person is among the candidates at all (what no ranking
    can make up for), measured apart from the timed searches."""
    from asylon.core.scope import site_ids
    from asylon.matching.search import candidate_ids, parse_query
    from asylon.registry.models import Person

    sites = sorted(site_ids(user))
    asked = [(truth, q) for family, _kind, truth, q, _ambiguous in qs if family == "a"]
    pks = dict(Person.objects.filter(reference__in=[t.reference for t, _q in asked]).values_list("reference", "pk"))
    found = sum(pks[truth.reference] in candidate_ids(sites, parse_query(q)) for truth, q in asked)
    return found / max(len(asked), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300, help="per family")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--reuse", action="store_true", help="keep the register if it is already loaded")
    parser.add_argument("--no-anchor", action="store_true", help="skip pg_trgm")
    parser.add_argument("--save", help="write each query's top 10 to this JSON file")
    parser.add_argument("--compare", help="a --save file of another run: count identical top 10s")
    parser.add_argument("--show", type=int, default=0, help="print this many failed queries")
    args = parser.parse_args()
    django_setup(fresh=False)

    from django.core.management import call_command
    from django.db import connection

    from asylon.accounts.services import create_user
    from asylon.matching.models import NameKeyToken
    from asylon.registry.models import Person, Site

    t = time.perf_counter()
    if args.reuse and Person.objects.count() == args.persons and NameKeyToken.objects.exists():
        truths = stored_population()
        print(f"set-up: register of {len(truths):,} persons reused, read in {time.perf_counter() - t:.1f} s")
    else:
        truths = population(args.persons, args.seed)
        print(f"population: {len(truths):,} persons generated in {time.perf_counter() - t:.1f} s")
        call_command("flush", interactive=False, verbosity=0)
        t = time.perf_counter()
        populate(truths)
        print(f"set-up: {len(truths):,} persons and their name keys in {time.perf_counter() - t:.1f} s")
    site = Site.objects.get(code=SITE)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username="bench-search").first()
    if user is None:
        user = create_user(actor=None, username="bench-search", role="registration_clerk", sites=[site]).user
    qs = queries(truths, args.queries, args.seed + 2)
    name_of, namesakes = same_name_index(truths)
    # The million truths held here are no part of a search server: out of the collector's
    # sight, so that its full passes over them do not land in one query's time.
    gc.freeze()
    print(f"{connection.vendor}, {args.persons:,} persons, {len(qs)} queries; load average {_load()}")
    results = [measure("asylon search", asylon_runner(user), qs, name_of, namesakes)]
    if connection.vendor == "postgresql" and not args.no_anchor:
        results.append(measure("pg_trgm alone (0.3)", trigram_runner(site.pk), qs, name_of, namesakes))
        ours, anchor = results
        print(
            f"ratios asylon / pg_trgm: p95 latency {ours['p95'] / anchor['p95']:.3f}, "
            f"recall (a) {ours['a'] / max(anchor['a'], 1e-9):.2f}x, (b) {ours['b'] / max(anchor['b'], 1e-9):.2f}x"
        )
    print(f"load average after: {_load()}")
    ours = results[0]
    print(f"(a) the true person among the candidates handed to the ranking: {candidates_found(user, qs):.3f}")
    if args.show:
        shown = 0
        for family, kind, truth, q, ambiguous in qs:
            top = ours["tops"][f"{family}|{q}"]
            if not judge(family, truth, top, name_of, namesakes) and shown < args.show:
                shown += 1
                note = " (reads as another name)" if ambiguous else ""
                print(
                    f"  MISS {family}/{kind}{note}: {q!r} true {truth.reference} {truth.written['given_name']} "
                    f"{truth.written['family_name']} ({truth.written['fathers_name']}) {truth.year} -> {top[:5]}"
                )
    if args.save:
        with open(args.save, "w", encoding="utf-8") as out:
            json.dump(ours["tops"], out)
    if args.compare:
        with open(args.compare, encoding="utf-8") as src:
            other = json.load(src)
        common = [k for k in ours["tops"] if k in other]
        same = sum(1 for k in common if other[k] == ours["tops"][k])
        print(f"same top 10 as {args.compare}: {same} of {len(common)} queries ({same / max(len(common), 1):.3f})")


def _load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


if __name__ == "__main__":
    main()
