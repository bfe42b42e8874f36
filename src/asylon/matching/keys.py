"""Name keys kept for every person: computed here, written set-based by the register's hook
and by `asylon matching rebuild-keys`.

Three tables are kept: one row of folded names per person (`PersonNameKeys`), one row
per skeleton of a name token (`NameKeyToken`, the inverted index search looks up), and
the vocabulary of skeletons with their one-letter deletions and phonetic key
(`NameVariantKey`), through which a query token finds the skeletons of its spelling
variants and typos wherever the typo sits in the word.

Keys are computed once per distinct name field value (`_field_keys`, cached: a register's
names repeat), a person's keys merged from its fields' (`_name_part`), and written as plain
rows in one stream per table (`registry.bulk.insert_rows`: COPY on PostgreSQL, INSERTs of
thousands of rows each on SQLite), never through model instances. A rebuild keys each step of
persons in a second thread while the step before is written (`_ahead`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import F, IntegerField, Max, Min
from django.db.models.functions import Cast, Substr

from asylon.registry.bulk import insert_rows
from asylon.registry.models import Person, Presence

from . import table_swap
from .models import NameKeyToken, NameVariantKey, PersonNameKeys
from .names import name_keys

BATCH = 2000
REBUILD_BATCH = 20_000  # persons read, keyed and written per step of a rebuild
NAME_FIELDS = ("given_name", "fathers_name", "family_name")
# What a person's keys are computed from, in this order (`person_values`, `rebuild`).
SOURCE_FIELDS = (
    "pk",
    "site_id",
    "given_name",
    "given_name_original",
    "fathers_name",
    "fathers_name_original",
    "family_name",
    "family_name_original",
    "date_of_birth",
    "presence",
)
KEY_COLUMNS = (
    "person_id",
    "site_id",
    "given_fold",
    "fathers_fold",
    "family_fold",
    "full_fold",
    "skeleton_tokens",
    "phonetic_tokens",
    "compact_key",
    "fathers_key",
    "birth_year",
    "active",
)
TOKEN_COLUMNS = ("person_id", "site_id", "skeleton", "phonetic", "own", "birth_year")

KeyRow = tuple[Any, ...]
Names = tuple[str, str, str, str, str, str]  # given, its original, father, original, family, original


def _best(latin: str, original: str) -> str:
    return latin or original


@dataclass(frozen=True, slots=True)
class TokenKey:
    skeleton: str
    phonetic: str


def _field_tokens(name: str) -> list[TokenKey]:
    """The keys of each token of one name field, and of the tokens joined when there are
    several, so that "Gholam-Reza" also meets "Gholamreza"."""
    keys = name_keys(name)
    skeletons, phonetics = keys.skeleton.split(), keys.phonetic.split()
    out = [TokenKey(s[:100], p[:100]) for s, p in zip(skeletons, phonetics, strict=False)]
    if len(skeletons) > 1:
        out.append(TokenKey(keys.compact_skeleton[:100], "".join(phonetics)[:100]))
    return out


def name_tokens(*names: str | None) -> list[TokenKey]:
    """The distinct keys of every token of the names (and of each multi-token name joined), in order."""
    seen: set[str] = set()
    out: list[TokenKey] = []
    for name in names:
        if not name:
            continue
        for token in _field_tokens(name):
            if token.skeleton and token.skeleton not in seen:
                seen.add(token.skeleton)
                out.append(token)
    return out


def variant_keys(token: TokenKey) -> set[str]:
    """The lookup keys of a skeleton: itself, its phonetic key and every one-letter deletion.

    Two skeletons one edit apart (a letter typed wrong, dropped, added, or two swapped)
    share a deletion, so a typo meets its name through this table (SymSpell's idea).
    """
    skel = token.skeleton
    keys = {skel, token.phonetic}
    keys.update(skel[:i] + skel[i + 1 :] for i in range(len(skel)))
    keys.discard("")
    return keys


@dataclass(frozen=True, slots=True)
class _FieldKeys:
    """What one name field gives its person's keys: its fold (cut to the column), its fold
    whole (for the full name), its compact skeleton, its phonetic key unspaced (cut), and the
    (skeleton: phonetic) of each of its tokens, each skeleton once, in order (`_field_tokens`).
    `tokens` is shared by every person with this name: read it, never change it."""

    fold: str
    full: str
    compact: str
    phonetic: str
    tokens: dict[str, str]


@lru_cache(maxsize=262144)
def _field_keys(name: str) -> _FieldKeys:
    """Cached: a register's field values repeat far more than whole names do, so a person
    costs the merging of a few cached dicts."""
    keys = name_keys(name)
    tokens: dict[str, str] = {}
    for token in _field_tokens(name):
        if token.skeleton:
            tokens.setdefault(token.skeleton, token.phonetic)
    return _FieldKeys(keys.fold[:200], keys.fold, keys.compact_skeleton, keys.phonetic.replace(" ", "")[:200], tokens)


def _merged(into: dict[str, str], tokens: dict[str, str], without: dict[str, str] | None = None) -> dict[str, str]:
    """`into` with the tokens it (and `without`) lacks added after its own, first phonetic kept."""
    if into.keys().isdisjoint(tokens) and (without is None or without.keys().isdisjoint(tokens)):
        return {**into, **tokens}
    out = dict(into)
    for skel, phon in tokens.items():
        if skel not in out and (without is None or skel not in without):
            out[skel] = phon
    return out


def _name_part(names: Names) -> tuple[tuple[str, ...], dict[str, str], dict[str, str]]:
    """The key columns and the tokens ({skeleton: phonetic}) of one set of names, from the
    cached keys of each field: the tokens of the person's own names (given and family, Latin
    then original), then those only the father's name has."""
    given_name, given_original, fathers_name, fathers_original, family_name, family_original = names
    g = _field_keys(given_name or given_original)
    f = _field_keys(fathers_name or fathers_original)
    fam = _field_keys(family_name or family_original)
    # The fields' own keys when the Latin entry is there (most often), else the original's.
    own = g.tokens if given_name else {}
    if family_name:
        own = _merged(own, fam.tokens)
    if given_original:
        own = _merged(own, (_field_keys(given_original) if given_name else g).tokens)
    if family_original:
        own = _merged(own, (_field_keys(family_original) if family_name else fam).tokens)
    fathers = _merged({}, f.tokens, own) if fathers_name else {}
    if fathers_original:
        fathers = _merged(fathers, (_field_keys(fathers_original) if fathers_name else f).tokens, own)
    columns = (
        g.fold,
        f.fold,
        fam.fold,
        " ".join([p for p in (g.full, fam.full, f.full) if p])[:600],
        " ".join([*own, *fathers])[:600],
        " ".join(dict.fromkeys([*own.values(), *fathers.values()]))[:600],
        (g.compact + fam.compact)[:200],
        f.phonetic,
    )
    return columns, own, fathers


_MERGED = Presence.MERGED.value


def key_rows(values: tuple[Any, ...]) -> tuple[KeyRow, list[KeyRow]]:
    """One person's `PersonNameKeys` row and `NameKeyToken` rows (in KEY_COLUMNS and
    TOKEN_COLUMNS order), from the person's SOURCE_FIELDS values (the date of birth may
    be given as its year)."""
    pk, site_id, g, go, f, fo, fam, famo, born, presence = values
    columns, own, fathers = _name_part((g or "", go or "", f or "", fo or "", fam or "", famo or ""))
    year = born.year if isinstance(born, date) else born
    active = presence != _MERGED
    row = (pk, site_id, *columns, year, active)
    if not active:  # a merged person leaves the index
        return row, []
    tokens = [(pk, site_id, skel, phon, True, year) for skel, phon in own.items()]
    if fathers:
        tokens += [(pk, site_id, skel, phon, False, year) for skel, phon in fathers.items()]
    return row, tokens


def person_values(person: Person) -> tuple[Any, ...]:
    return (
        person.pk,
        person.site_id,
        person.given_name,
        person.given_name_original,
        person.fathers_name,
        person.fathers_name_original,
        person.family_name,
        person.family_name_original,
        person.date_of_birth,
        person.presence,
    )


def keys_for(person: Person) -> tuple[PersonNameKeys, list[NameKeyToken]]:
    """The key rows of one person as (unsaved) model instances."""
    row, tokens = key_rows(person_values(person))
    return (
        PersonNameKeys(**dict(zip(KEY_COLUMNS, row, strict=True))),
        [NameKeyToken(**dict(zip(TOKEN_COLUMNS, t, strict=True))) for t in tokens],
    )


def vocabulary_rows(tokens: Iterable[NameKeyToken | TokenKey]) -> list[NameVariantKey]:
    """The vocabulary rows of these tokens' skeletons (one per lookup key)."""
    distinct = {t.skeleton: t.phonetic for t in tokens}
    return [
        NameVariantKey(key=key, skeleton=skel, phonetic=phon)
        for skel, phon in distinct.items()
        for key in sorted(variant_keys(TokenKey(skel, phon)))
    ]


def add_to_vocabulary(tokens: Iterable[NameKeyToken | TokenKey]) -> None:
    """Make these skeletons findable by their variants."""
    _add_skeletons({t.skeleton: t.phonetic for t in tokens})


def _add_skeletons(distinct: dict[str, str]) -> None:
    """Make these skeletons ({skeleton: phonetic}) findable by their variants: the ones not yet
    in the vocabulary are added (one statement on PostgreSQL), a row that another writer
    added meanwhile left as it is.
    Rows are never removed: a skeleton nobody has any more points to no token and costs nothing."""
    wanted = list(distinct)
    known: set[str] = set()
    for start in range(0, len(wanted), BATCH):
        some = wanted[start : start + BATCH]
        found = NameVariantKey.objects.filter(key__in=some, skeleton=F("key"))  # the key's index, once per key
        known.update(found.values_list("skeleton", flat=True))
    rows = [
        (key, skel, phon)
        for skel, phon in distinct.items()
        if skel not in known
        for key in sorted(variant_keys(TokenKey(skel, phon)))
    ]
    if not rows:
        return
    table = connection.ops.quote_name(NameVariantKey._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one statement, however many rows
            cursor.execute(
                f'INSERT INTO {table} ("key", "skeleton", "phonetic") '  # noqa: S608
                "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[]) ON CONFLICT DO NOTHING",
                [list(column) for column in zip(*rows, strict=True)],
            )
            return
        cursor.executemany(
            f'INSERT INTO {table} ("key", "skeleton", "phonetic") VALUES (%s, %s, %s) ON CONFLICT DO NOTHING',  # noqa: S608
            rows,
        )


def _keyed(values: Iterable[tuple[Any, ...]]) -> tuple[list[KeyRow], list[KeyRow], dict[str, str]]:
    """The key rows and token rows of persons (SOURCE_FIELDS values), and the skeletons
    ({skeleton: phonetic}) their tokens use."""
    rows: list[KeyRow] = []
    tokens: list[KeyRow] = []
    for v in values:
        row, toks = key_rows(v)
        rows.append(row)
        tokens += toks
    return rows, tokens, {t[2]: t[3] for t in tokens}


def _insert(
    keyed: tuple[list[KeyRow], list[KeyRow], dict[str, str]],
    tables: Mapping[str, str] | None = None,
    *,
    freeze: bool = False,
) -> tuple[int, dict[str, str]]:
    """Insert key and token rows (`_keyed`) of persons who have none (into `tables`' names for
    the two tables, if given); return their count and the skeletons their tokens use."""
    rows, tokens, skeletons = keyed
    keys_table, tokens_table = PersonNameKeys._meta.db_table, NameKeyToken._meta.db_table
    if tables:
        keys_table, tokens_table = tables[keys_table], tables[tokens_table]
    if rows:
        insert_rows(keys_table, list(KEY_COLUMNS), rows, freeze=freeze)
    if tokens:
        insert_rows(tokens_table, list(TOKEN_COLUMNS), tokens, freeze=freeze)
    return len(rows), skeletons


def _write(values: Iterable[tuple[Any, ...]]) -> tuple[int, dict[str, str]]:
    """Insert the key and token rows of persons who have none; return their count and the
    skeletons ({skeleton: phonetic}) their tokens use."""
    return _insert(_keyed(values))


def _forget(pks: list[int]) -> None:
    for start in range(0, len(pks), BATCH):
        some = pks[start : start + BATCH]
        NameKeyToken.objects.filter(person_id__in=some).delete()
        PersonNameKeys.objects.filter(person_id__in=some).delete()


@transaction.atomic
def refresh_keys(persons: Iterable[Person], *, created: bool = False) -> int:
    """Write the keys of these persons (new or changed), replacing what was there. Set-based:
    one delete, one stream of rows per table, one look-up of the vocabulary. `created`: the
    persons were inserted in this transaction, so no key of theirs exists and none is deleted."""
    values = [person_values(p) for p in persons]
    if not created:
        _forget([v[0] for v in values])
    count, skeletons = _write(values)
    _add_skeletons(skeletons)
    return count


def persons_saved(sender, *, persons: list[Person], created: bool = False, **kwargs) -> None:
    """Receiver of `registry.signals.persons_saved`, inside the register's writing transaction."""
    refresh_keys(persons, created=created)


def _ahead(batches: Iterable[list[tuple[Any, ...]]]) -> Iterator[tuple[list[KeyRow], list[KeyRow], dict[str, str]]]:
    """`_keyed` of each batch, in order, each computed in a second thread while the caller
    writes the one before and reads the one after: the database works on the rows while
    Python keys the next ones. The batches are read in the caller's thread (its connection)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="name-keys") as pool:
        pending: deque[Future[tuple[list[KeyRow], list[KeyRow], dict[str, str]]]] = deque()
        for batch in batches:
            pending.append(pool.submit(_keyed, batch))
            if len(pending) > 1:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


@transaction.atomic
def rebuild(site_id: int | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Recompute the keys of every person (of one site), set-based, in one transaction, and
    return the number of persons keyed. Search reads the old keys until the rebuild commits.

    Every site at once: the two tables are refilled whole (`table_swap.refill`: on
    PostgreSQL into fresh tables, indexed once and swapped in at the end; on SQLite with
    their indexes dropped and made again). One site, or a table PostgreSQL cannot swap: the
    old rows go in one statement per table and the new ones come in one stream per table
    and step. Each step is keyed while the one before is written (`_ahead`). The vocabulary
    takes the new skeletons at the end."""
    persons = Person.objects.order_by()
    if site_id is not None:
        persons = persons.filter(site_id=site_id)
    done = 0
    skeletons: dict[str, str] = {}

    def fill(tables: Mapping[str, str] | None, freeze: bool = False) -> None:
        nonlocal done
        for keyed in _ahead(_stream(persons)):
            count, seen = _insert(keyed, tables, freeze=freeze)
            skeletons.update(seen)
            done += count
            if progress:
                progress(done)

    way = table_swap.Way.IN_PLACE
    if site_id is None:
        tables = [PersonNameKeys._meta.db_table, NameKeyToken._meta.db_table]
        way = table_swap.refill(tables, fill)
    if way is table_swap.Way.IN_PLACE:
        if site_id is None:
            NameKeyToken.objects.all().delete()
            PersonNameKeys.objects.all().delete()
        else:
            ids = persons.values("pk")
            NameKeyToken.objects.filter(person_id__in=ids).delete()
            PersonNameKeys.objects.filter(person_id__in=ids).delete()
        fill(None)
    _add_skeletons(skeletons)
    return done


def _stream(persons) -> Iterator[list[tuple[Any, ...]]]:
    """The persons' SOURCE_FIELDS (on SQLite the year of birth for the date) in primary-key
    order, a window of REBUILD_BATCH keys at a time: a range of the primary key is read
    through its index whatever the statistics say (a table never analysed would be scanned
    whole for each step of a `LIMIT`), and no cursor stays open between the steps (COPY ...
    FREEZE refuses to run beside one)."""
    span = persons.aggregate(first=Min("pk"), top=Max("pk"))
    if span["top"] is None:
        return
    fields: tuple[str, ...] = SOURCE_FIELDS
    if connection.vendor == "sqlite":  # the year as a number: no date parsed in Python per person
        persons = persons.annotate(birth_year=Cast(Substr("date_of_birth", 1, 4), IntegerField()))
        fields = tuple("birth_year" if f == "date_of_birth" else f for f in SOURCE_FIELDS)
    for low in range(span["first"] - 1, span["top"], REBUILD_BATCH):
        window = persons.filter(pk__gt=low, pk__lte=low + REBUILD_BATCH).order_by("pk").values_list(*fields)
        # The driver's rows as they come: the values need no converting, so Django's per-row step is skipped.
        with connection.cursor() as cursor:
            cursor.execute(*window.query.sql_with_params())
            step = cursor.fetchall()
        if step:
            yield step
