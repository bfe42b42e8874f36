"""One search box over the register: names in either script, references, father's name
and year or date of birth ("hosseini mohammad 1979", "Zahra Karimi daughter of Ali
12/03/1985"), ranked, scoped to the actor's sites.

Candidates come from the name-key tables, the same way on every database:

1. each word of the query is turned into skeletons through the vocabulary
   (`NameVariantKey`): its own skeleton and those sharing its phonetic key when the
   register knows them, else the skeletons one edit away (a typo, wherever it sits);
2. the persons whose given and family name are both named by the query (two of its words,
   or of words joined, in either order) are looked up by their compact key; with a year,
   so are the persons born in it (or next to it) who bear any of the query's words;
3. only when these are fewer than asked for, the token index gives the persons holding
   any of the skeletons, ranked by how many query words they match in their own name (a
   father's name counts less) and whether they were born in the year asked for: at a
   million persons a common name (Mohammad, Ali as a father's name) has tens of thousands
   of tokens, too many to count per query;
4. a bounded set of them is ranked in Python (`ranking.py`) by name and year.

Step 2 is one statement (`candidate_statement`), read together with the persons' names: on
a busy server a search waits on its round trips more than on the indexes. Step 3 is a second
statement, sent only when it is needed.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_noop
from rapidfuzz.distance import OSA

from asylon.core.scope import site_ids
from asylon.core.types import Actor
from asylon.registry import queries as registry_queries
from asylon.registry.models import PERSON_NAME_FIELDS, Person
from asylon.safeguards.messages import Message, message

from .keys import TokenKey, name_tokens, variant_keys
from .models import NameKeyToken, NameVariantKey, PersonAlias, PersonNameKeys
from .names import name_keys
from .ranking import (
    QueryScorer,
    Word,
    inner_consonants,
    interdental,
    judged_by_names,
    name_words,
    other_readings,
    written_slips,
    year_read,
)

__all__ = ["Candidates", "Hit", "ParsedQuery", "candidate_ids", "candidate_statement", "parse_query", "search_persons"]

# How many candidates the index hands to the ranking (from each of the namesakes, the
# persons born near the year and the token count).
CANDIDATES = 200
# Of the persons born near the year asked, fewer: most bear one word of the query only, and
# each is scored in Python (at a million persons, half a name+year search's time with 200).
NEAR_CANDIDATES = 100
# Among a name's namesakes, what a query word borne (in the person's own or father's name)
# takes off the rank of their compact key (0 for a spelling, under 2 for a slip of each
# part): a person bearing every word asked, one of them slipped, comes before one missing a
# word (Eksa Mohammadi son of Aly: Eisa, son of Ali, before an Ali Mohammadi).
WORD_BORNE = 2.0
# The year asked counts as a word borne, and a year off it as half: an age counted at
# another time of year.
NEXT_YEAR = 0.5
# A phonetic key or skeleton this short names too many names to stand for one.
_MIN_SOUND = 3
# Why a hit was found by its reference (the reasons of a name match: `ranking.QueryScorer.why`).
REFERENCE = gettext_noop("reference %(reference)s")
MERGED_INTO = gettext_noop("reference %(reference)s, merged into %(person)s")
_YEAR = re.compile(r"^(?:b\.?)?((?:19|20)\d\d)$", re.IGNORECASE)
# A whole date of birth: year first (1985-03-12) or day first (12/03/1985, 12.3.1985), as
# the region writes it; month first (03/25/1985) only where the day cannot be the month.
_DATE = re.compile(r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})$")
# A word that says the next is a year of birth ("born 1985", "b. 1985"): no name.
_BORN = {"born", "b.", "b", "dob", "dob:", "متولد", "تولد", "مواليد"}
_REFERENCE = re.compile(r"^[A-Za-z]{2,8}-[A-Za-z]?-?\d{1,9}$")
# Persian and Arabic-Indic digits, as a year is typed on those keyboards (۱۹۸۵, ١٩٨٥).
_NATIVE_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_CHILD_OF = {"son": "M", "daughter": "F", "child": ""}
# The words between a name and the father's, and the sex they say the person is (none for
# "child of", فرزند): English, Arabic, Persian (پسر، دختر and their romanisations, with or
# without the ezafe) and Kurdish (kurî, kiçî).
_CONNECTORS = {
    "s/o": "M",
    "bin": "M",
    "ibn": "M",
    "بن": "M",
    "پسر": "M",
    "pesar": "M",
    "pesare": "M",
    "pesar-e": "M",
    "pisar": "M",
    "pisar-i": "M",
    "walad": "M",
    "kuri": "M",
    "kurî": "M",
    "d/o": "F",
    "bint": "F",
    "binti": "F",
    "بنت": "F",
    "دختر": "F",
    "dokhtar": "F",
    "dokhtare": "F",
    "dokhtar-e": "F",
    "dukhtar": "F",
    "dukhtar-i": "F",
    "kchi": "F",
    "kiçî": "F",
    "kichi": "F",
    "فرزند": "",
}


_ARTICLE = "ال"
# Letters after the article for it to be one (الهام Elham, الناز Elnaz are names of their own).
_AFTER_ARTICLE = 4


# The article romanised and joined by a hyphen (Al-Ebrahimi), and letters after it for it to be one.
_LATIN_ARTICLE = "al-"
_AFTER_LATIN_ARTICLE = 3


def _article_apart(word: str) -> list[str]:
    if word.startswith(_ARTICLE) and len(word) - len(_ARTICLE) >= _AFTER_ARTICLE:
        return [_ARTICLE, word[len(_ARTICLE) :]]
    if word.casefold().startswith(_LATIN_ARTICLE) and len(word) - len(_LATIN_ARTICLE) >= _AFTER_LATIN_ARTICLE:
        return [word[: len(_LATIN_ARTICLE) - 1], word[len(_LATIN_ARTICLE) :]]
    return [word]


def _connector(words: list[str], k: int) -> str | None:
    """Whether word k links a name to the father's ("son of", "daughter of", "bin", "فرزند"):
    the sex it says the person is ("M", "F", "" for neither), None when it is no connector."""
    word = words[k].casefold()
    if word in _CONNECTORS and 0 < k < len(words) - 1:
        return _CONNECTORS[word]
    if word in _CHILD_OF and k + 1 < len(words) - 1 and words[k + 1].casefold() == "of":
        return _CHILD_OF[word]
    if word == "of" and k > 0 and words[k - 1].casefold() in _CHILD_OF and k < len(words) - 1:
        return _CHILD_OF[words[k - 1].casefold()]
    return None


def _date_of_birth(word: str) -> dt.date | int | None:
    """A date written whole (1985-03-12, 12/03/1985), or its year when the day and month are
    no date (1985-13-02: a month over 12); None when the word is no date."""
    found = _DATE.match(word)
    if not found:
        return None
    a, b, c = found.groups()
    if len(a) == 4:
        year, first, second = int(a), int(b), int(c)  # year, month, day
        orders = [(first, second)]
    elif len(c) == 4:
        year, first, second = int(c), int(b), int(a)  # day, month, year
        orders = [(first, second), (second, first)]
    else:
        return None
    if not 1900 <= year <= 2099:
        return None
    for month, day in orders:
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    return year


_PERSON_FIELDS = (
    "pk",
    "reference",
    *PERSON_NAME_FIELDS,
    "date_of_birth",
    "sex",
)


# A candidate row's names, as a tuple (how namesakes written alike are told apart).
_names_written = operator.itemgetter(*PERSON_NAME_FIELDS)


@dataclass
class Hit:
    person: Person
    score: float
    why: list[Message] = field(default_factory=list)  # shown with `{{ hit.why|messages_list }}`


@dataclass
class ParsedQuery:
    names: list[str]
    year: int | None = None
    reference: str | None = None
    # The whole date of birth, when the query gives one (its year is `year` too).
    born: dt.date | None = None
    # "M" or "F" when the query says it ("son of", "bint"), else "".
    sex: str = ""
    # Where the father's name begins among `names`, when a connector says so ("son of").
    fathers_from: int | None = None

    @property
    def text(self) -> str:
        return " ".join(self.names)


def parse_query(q: str) -> ParsedQuery:
    """Split the box's text into name words, a year or date of birth, the sex a connector
    says ("son of") and a reference."""
    parsed = ParsedQuery(names=[])
    words = (q or "").translate(_NATIVE_DIGITS).replace(",", " ").replace("(", " ").replace(")", " ").split()
    # The words a clerk writes between a name and the father's ("son of Hassan", "bint
    # Ali", "فرزند حسن") name nobody: left out; what they say of the person's sex is kept.
    connectors = [_connector(words, k) for k in range(len(words))]
    said = {sex for sex in connectors if sex}
    if len(said) == 1:
        parsed.sex = said.pop()
    # "born 1985", "b. 1985": the word before a year or a date says nothing else.
    # Each word kept, and whether it follows a connector (the father's name, or his father's).
    kept = [
        (w, any(c is not None for c in connectors[:k]))
        for k, w in enumerate(words)
        if connectors[k] is None
        and not (
            w.casefold() in _BORN and k + 1 < len(words) and (_YEAR.match(words[k + 1]) or _date_of_birth(words[k + 1]))
        )
    ]
    # The Arabic article written onto a family name (الداودي, Al-Dawudi) is a word of its own,
    # as in a romanisation (Al Dawudi), which a register may also hold without it (Dawudi):
    # the name alone is then looked up as a family name too.
    for word, fathers in ((part, fathers) for w, fathers in kept for part in _article_apart(w)):
        if fathers and parsed.fathers_from is None and parsed.names:
            parsed.fathers_from = len(parsed.names)
        year = _YEAR.match(word)
        date = None if year else _date_of_birth(word)
        if (year or date) and parsed.year is None:
            if isinstance(date, dt.date):
                parsed.born, parsed.year = date, date.year
            else:
                parsed.year = int(year.group(1)) if year else date
        elif _REFERENCE.match(word) and parsed.reference is None:
            parsed.reference = word.upper()
        else:
            parsed.names.append(word)
    return parsed


def _word_groups(words: list[str], read_otherwise: bool = True) -> tuple[list[list[TokenKey]], list[set[TokenKey]]]:
    """Per query word, the keys that stand for it: its own tokens, those of it as another
    romanisation writes it (with `read_otherwise`: Uthman, Usman) and those of it joined
    with a neighbour, so that "Mohammad Reza" also finds "Mohammadreza"; and per group, the
    keys that are only such joins. A join that is a neighbour's own token (Ao-Husaini joined
    to Maryam keeps Husaini) stands for the neighbour, not for the word."""
    own = [name_tokens(word) for word in words]
    groups, joins = [], []
    for i, word in enumerate(words):
        mine = name_tokens(word, *other_readings(word)) if read_otherwise else own[i]
        neighbours = {key for k in (i - 1, i + 1) if 0 <= k < len(words) for key in own[k]}
        joined = []
        if i > 0:
            joined += name_tokens(words[i - 1] + word)
        if i + 1 < len(words):
            joined += name_tokens(word + words[i + 1])
        joined = [key for key in joined if key not in mine and key not in neighbours]
        if mine or joined:
            groups.append(mine + joined)
            joins.append(set(joined))
    return groups, joins


@dataclass(frozen=True, slots=True)
class Span:
    """One query word, or two neighbours joined, as a whole name part would be keyed."""

    start: int
    end: int
    key: TokenKey

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def _spans(words: list[str]) -> list[Span]:
    out = []
    for start in range(len(words)):
        for end in range(start + 1, min(start + 2, len(words)) + 1):
            keys = name_keys(" ".join(words[start:end]))
            if keys.compact_skeleton:
                out.append(
                    Span(start, end, TokenKey(keys.compact_skeleton[:100], keys.phonetic.replace(" ", "")[:100]))
                )
    return out


def _read_otherwise(span: Span, words: list[str]) -> list[TokenKey]:
    """The span's keys as another romanisation would write it (`ranking.other_readings`):
    Uthman is looked up as Usman too."""
    readings = other_readings(" ".join(words[span.start : span.end]))
    return [TokenKey(k.compact_skeleton[:100], k.phonetic.replace(" ", "")[:100]) for k in map(name_keys, readings)]


def _part_ranks(span: Span, skeletons: set[str], expansion: Expansion) -> dict[str, float]:
    """The registered skeletons a span may stand for as a name part: its spellings first (0),
    then those one slip from it, the closer the earlier (a typo that made another name)."""
    own = span.key.skeleton
    ranks = {} if own in expansion.typos else dict.fromkeys(skeletons, 0.0)
    for slip in expansion.slips.get(own, frozenset()):
        ranks.setdefault(slip, 2.0 - OSA.normalized_similarity(slip, own))
    return ranks


@dataclass
class CompactKeys:
    """The compact keys (given then family skeleton) a query may stand for: `ranks`, 0 the
    best; `fathers`, for each key, the fathers the rest of the query may name (phonetic keys);
    `in_order`, the keys read in the query's own order (given, family, then the father)."""

    ranks: dict[str, float] = field(default_factory=dict)
    fathers: dict[str, set[str]] = field(default_factory=dict)
    in_order: set[str] = field(default_factory=set)


def _compact_keys(
    spans: list[Span], skeletons: list[set[str]], expansion: Expansion, fathers_from: int | None = None
) -> CompactKeys:
    """The compact keys of every way two disjoint spans of the query can be a given and a
    family name, in either order. A word read as the given or the family name is not the
    father's too: each key's fathers are the spans apart from both. When a connector says
    where the father's name begins ("son of"), the names are read before it and the father
    after it."""
    parts = [_part_ranks(span, skels, expansion) for span, skels in zip(spans, skeletons, strict=True)]
    out = CompactKeys()
    own = [True] * len(spans) if fathers_from is None else [span.end <= fathers_from for span in spans]
    for i, first in enumerate(spans):
        for j, second in enumerate(spans):
            if i == j or first.overlaps(second) or not (own[i] and own[j]):
                continue
            rest = [
                span
                for span in spans
                if not span.overlaps(first)
                and not span.overlaps(second)
                and (fathers_from is None or span.start >= fathers_from)
            ]
            others = {span.key.phonetic for span in rest if len(span.key.phonetic) >= 2}
            in_order = first.start < second.start and all(span.start > second.start for span in rest)
            for a, rank_a in parts[i].items():
                for b, rank_b in parts[j].items():
                    key = (a + b)[:200]
                    out.ranks[key] = min(out.ranks.get(key, 9.0), rank_a + rank_b)
                    if others:
                        out.fathers.setdefault(key, set()).update(others)
                    if in_order:
                        out.in_order.add(key)
    return out


def _same_but_a_vowel(skeleton: str, token: TokenKey) -> bool:
    """Kazem and Kazim: one long vowel written or not inside the name (not at its end, where
    Karim and Karimi are two names)."""
    return inner_consonants(skeleton) == inner_consonants(token.skeleton)


def _read_as_arabic(registered: str, asked: str) -> bool:
    """A skeleton asked with dh or th that is the registered one once they are read z and s
    (Kadhimi, Kazemi; Othman, Osman): the ranking's "Arabic letter romanised"."""
    arabic = interdental(asked)
    return arabic != asked and len(arabic) >= _MIN_SOUND and inner_consonants(arabic) == inner_consonants(registered)


def _another_ending(a: str, b: str) -> bool:
    """Skeletons that may be one name ending in ه or ة, read -a by one and -eh by the other
    (Fatima ftym, Fatemeh ftmh): the ranking tells which are (`names.ending_apart`)."""
    if a.endswith("h") == b.endswith("h"):
        return False
    longer, shorter = (a, b) if a.endswith("h") else (b, a)
    stem = longer[:-1]
    return len(stem) >= _MIN_SOUND and inner_consonants(stem) == inner_consonants(shorter)


@dataclass
class Expansion:
    """What the vocabulary says of the query's tokens."""

    # Per group, the registered skeletons it stands for.
    groups: list[set[str]]
    # For each query skeleton no name has, the registered skeletons one edit from it.
    typos: dict[str, frozenset[str]]
    # For every query skeleton, the registered skeletons one edit from it, known or not.
    slips: dict[str, frozenset[str]]


_KEYS = PersonNameKeys._meta.db_table
_TOKENS = NameKeyToken._meta.db_table
_VARIANTS = NameVariantKey._meta.db_table


def _vocabulary(keys: set[str]) -> dict[str, set[tuple[str, str]]]:
    """(skeleton, phonetic key) of the registered names, by lookup key."""
    found: dict[str, set[tuple[str, str]]] = {}
    if not keys:
        return found
    key_in, params = _in("key", sorted(keys))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, skeleton, phonetic FROM {_VARIANTS} WHERE {key_in}", params)  # noqa: S608
        for key, skel, phon in cursor.fetchall():
            found.setdefault(key, set()).add((skel, phon))
    return found


def _sound_slip_keys(token: TokenKey) -> set[str]:
    """For a word the register has no name of: each one-letter deletion of its phonetic key.
    A slip next to a vowel the skeleton keeps (Muhammsd) is one letter from the name's sound
    (Muhammad's mhmd) but two from its own skeleton."""
    phonetic = token.phonetic
    if phonetic == token.skeleton or len(phonetic) <= _MIN_SOUND:
        return set()
    return {phonetic[:i] + phonetic[i + 1 :] for i in range(len(phonetic))}


def _lookup_keys(token: TokenKey) -> set[str]:
    """The vocabulary's keys for a token (`variant_keys`), and its skeleton with ذ ض ظ ث read
    the Persian way when a romanisation from Arabic writes them dh, th (Murtadha: Murtaza)."""
    keys = variant_keys(token)
    if (arabic := interdental(token.skeleton)) != token.skeleton and len(arabic) >= _MIN_SOUND:
        keys.add(arabic)
    return keys


def _expand(
    groups: list[list[TokenKey]],
    words: dict[str, str],
    joins: list[set[TokenKey]] | None = None,
    readings: frozenset[TokenKey] = frozenset(),
) -> Expansion:
    """The register's skeletons each group stands for (see the module's docstring); `words`
    gives, per skeleton of a single query word, the word as written, whose written slips
    undone (`written_slips`) are looked up when the register has no name of that skeleton.
    The tokens in `joins` (per group, those of words joined) stand only for a registered
    name so written: a slip of "Hosseini Essa" joined is Hosseini, already a word of its own.
    Of `readings` (the query read as another romanisation writes it) only the names the
    register knows count: they are no words typed, so never slips."""
    joins = joins or []
    found = _vocabulary({key for group in groups for token in group for key in _lookup_keys(token)})
    # A skeleton of two letters or fewer is registered by accident as often as not (airi: the
    # "ry" of Roya, not Amiri mistyped).
    written = {
        skeleton: written_slips(word)
        for skeleton, word in words.items()
        if len(skeleton) < _MIN_SOUND or not any(s == skeleton for s, _p in found.get(skeleton, ()))
    }
    unregistered = {
        token.skeleton: _sound_slip_keys(token)
        for group in groups
        for token in group
        if token.skeleton in words and not any(s == token.skeleton for s, _p in found.get(token.skeleton, ()))
    }
    if more := set().union(*written.values(), *unregistered.values()) - set(found):
        found.update(_vocabulary(more))
    out = Expansion([], {}, {})
    for g, group in enumerate(groups):
        skeletons: set[str] = set()
        for token in group:
            keys = _lookup_keys(token) | unregistered.get(token.skeleton, set())
            reachable = set().union(*(found.get(k, set()) for k in keys))
            known = {
                s
                for s, p in reachable
                if s == token.skeleton
                or p == token.phonetic
                or _same_but_a_vowel(s, token)
                or _another_ending(s, token.skeleton)
                or _read_as_arabic(s, token.skeleton)
            }
            if token in readings:
                skeletons |= known
                continue
            slips = frozenset(s for s, _p in reachable if OSA.distance(s, token.skeleton) <= 1)
            slips |= {k for k in written.get(token.skeleton, ()) if any(s == k for s, _p in found.get(k, ()))}
            # And the other spellings of those names, by their sound (a slip from Khoshnevis
            # is one from خوشنویس, whose skeleton keeps the و as a vowel).
            sounds = {p for s, p in reachable if s in slips and len(p) >= _MIN_SOUND}
            slips |= {s for s, p in reachable if p in sounds}
            if not known and token.skeleton in unregistered:
                # A slip next to a vowel the skeleton keeps (Muhammsd) is one from the name's sound.
                slips |= {s for s, p in reachable if OSA.distance(p, token.phonetic) <= 1}
            out.slips[token.skeleton] = slips
            # A word the register knows is taken as written; only an unknown one is a typo.
            if not known:
                out.typos[token.skeleton] = slips
            elif not any(s == token.skeleton for s, _p in reachable):
                # Known only as a name of like sound or one vowel more, none written with these
                # consonants: a slip of the pen that the skeleton hides may be the name
                # (ohamadreza: Mohammadreza without its M, not Hamidreza).
                undone = frozenset(
                    k for k in written.get(token.skeleton, ()) if any(s == k for s, _p in found.get(k, ()))
                )
                if undone:
                    out.typos[token.skeleton] = undone
                    known |= undone
            if g < len(joins) and token in joins[g]:
                skeletons |= known
            else:
                skeletons |= known or slips
        out.groups.append(skeletons)
    return out


def _in(column: str, values: list, op: str = "IN") -> tuple[str, list]:
    """`column IN (values)` (or `LIKE` any of them) and its parameters. On PostgreSQL the
    values are one array parameter: a statement of hundreds of placeholders costs more to
    convert, send and plan than to run; elsewhere each value is a placeholder."""
    if connection.vendor == "postgresql":
        return f"{column} {'=' if op == 'IN' else op} ANY(%s)", [list(values)]
    if op == "IN":
        return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)
    return "(" + " OR ".join([f"{column} {op} %s"] * len(values)) + ")", list(values)


def _ranks(compact_keys: CompactKeys) -> tuple[str, list]:
    """The compact keys, their ranks and whether each is read in the query's order (0) or
    not (1), as a table of (column1, column2, column3)."""
    keys = list(compact_keys.ranks)
    ranks = [float(rank) for rank in compact_keys.ranks.values()]
    order = [0 if key in compact_keys.in_order else 1 for key in keys]
    if connection.vendor == "postgresql":
        return "unnest(%s::text[], %s::float8[], %s::int[]) AS k(column1, column2, column3)", [keys, ranks, order]
    values = ", ".join(["(%s, %s, %s)"] * len(keys))
    return f"(VALUES {values}) AS k", [x for row in zip(keys, ranks, order, strict=True) for x in row]


@dataclass
class Statement:
    """The candidates' statement, written part by part: one round trip to the database
    however many ways the persons are looked up (a round trip, not the index, is what a
    search waits on on a busy server)."""

    parts: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)

    def add(self, name: str, sql: str, params: list | tuple = ()) -> None:
        self.parts.append(f"{name} AS ({sql})")
        self.params += params

    def select(self, names: list[str]) -> tuple[str, list]:
        union = " UNION ".join(f"SELECT person_id FROM {name}" for name in names)  # noqa: S608
        return f"WITH {', '.join(self.parts)} {union}", self.params


def _namesakes(
    st: Statement,
    sites: list[int],
    compact_keys: CompactKeys,
    groups: list[set[str]],
    year: int | None,
) -> str | None:
    """Persons whose given and family name the query names, by their compact key: those of
    its spellings first, then those of a slip; among them first those bearing more of the
    query's words (a father's name besides) and, with a year asked, born in it or next to it
    (a common name's namesakes overflow the candidates, and the year tells them apart as a
    word does). Where a common name has more namesakes than
    are handed to the ranking, those of the query's spellings and those whose father's name
    is the rest of the query (`fathers`: by compact key, their phonetic keys) are read as
    well, so that the person asked for stays. Adds them to the statement; returns their part's name."""
    if not compact_keys.ranks:
        return None
    cap = 4 * CANDIDATES
    # The namesakes with the lowest ids, whichever way they are read. Not `ORDER BY person_id`:
    # for that order PostgreSQL may walk the primary key and filter every row until enough
    # are found (at a million persons the whole table, for a rare name); `+ 0` has it read the
    # namesakes' index and sort what it finds.
    by_id = "ORDER BY person_id + 0 LIMIT %s"
    keys = sorted(compact_keys.ranks)
    site_in, site_params = _in("site_id", sites)
    key_in, key_params = _in("compact_key", keys)
    namesakes = f"SELECT person_id, compact_key, skeleton_tokens, birth_year FROM {_KEYS} WHERE active AND {site_in}"  # noqa: S608
    # Each a narrow range of an index, cheaper than ordering every namesake by key and father;
    # the spellings and the father are read only when the namesakes overflow.
    st.add("namesakes", f"{namesakes} AND {key_in} {by_id}", [*site_params, *key_params, cap + 1])
    pool = ["namesakes"]
    ranks, rank_params = _ranks(compact_keys)
    spelled = sorted(key for key, rank in compact_keys.ranks.items() if rank < 1)
    if spelled:
        spelled_in, spelled_params = _in("compact_key", spelled)
        st.add(
            "spelled",
            f"SELECT * FROM ({namesakes} AND {spelled_in} {by_id}) AS spelled_all "  # noqa: S608
            "WHERE (SELECT COUNT(*) FROM namesakes) > %s",
            [*site_params, *spelled_params, cap, cap],
        )
        pool.append("spelled")
    if fathers := compact_keys.fathers:
        # The namesakes of a reading of the query whose father is named by the rest of it, the
        # best spelled first: a common pair read from the father's word (Ali Mohammadi, from
        # "Ali Jawadi son of Mohammad") or a slip's (Maryam for Mir) would otherwise crowd out
        # the person asked for.
        with_father, with_father_params = _in("compact_key", sorted(fathers))
        pair, pair_params = _in(
            "compact_key || ' ' || fathers_key", sorted(f"{key} {f}" for key, fs in fathers.items() for f in fs)
        )
        st.add(
            "fathers",
            "SELECT f.person_id, f.compact_key, f.skeleton_tokens, f.birth_year "  # noqa: S608
            f"FROM ({namesakes} AND {with_father} AND {pair}) AS f JOIN {ranks} ON k.column1 = f.compact_key "
            "WHERE (SELECT COUNT(*) FROM namesakes) > %s ORDER BY k.column2, k.column3, f.person_id LIMIT %s",
            [*site_params, *with_father_params, *pair_params, *rank_params, cap, cap],
        )
        pool.append("fathers")
    bearing = []
    ranked_params = list(rank_params)
    for group in groups:
        if group:
            like, like_params = _in("(' ' || pool.skeleton_tokens || ' ')", [f"% {s} %" for s in sorted(group)], "LIKE")
            bearing.append(f"CASE WHEN {like} THEN {WORD_BORNE} ELSE 0 END")
            ranked_params += like_params
    if year is not None:
        born, near = WORD_BORNE, WORD_BORNE * NEXT_YEAR
        bearing.append(
            f"CASE WHEN pool.birth_year = %s THEN {born} WHEN pool.birth_year IN (%s, %s) THEN {near} ELSE 0 END"
        )
        ranked_params += [year, year - 1, year + 1]
    borne = " + ".join(bearing) or "0"
    union = " UNION ".join(f"SELECT * FROM {name}" for name in pool)  # noqa: S608
    st.add(
        "ranked",
        f"SELECT pool.person_id FROM ({union}) AS pool JOIN {ranks} ON k.column1 = pool.compact_key "  # noqa: S608
        f"ORDER BY k.column2 - ({borne}), k.column3, pool.person_id LIMIT %s",
        [*ranked_params, CANDIDATES],
    )
    return "ranked"


def _candidates(
    st: Statement, name: str, sites: list[int], groups: list[set[str]], year: int | None, born_near: bool = False
) -> str | None:
    """Person ids from the token index, best first: two points per query word matched in the
    person's own name, one in the father's, three for the year of birth (or one next to it).
    With `born_near`, only the persons born within a year of it (a narrow range of the index).
    Adds them to the statement as `name`, unless the query has no words to look up."""
    everything = sorted(set().union(*groups))
    if not everything:
        return None
    params: list = []
    points = []
    for group in groups:
        if not group:  # a word the register has no name for: no points
            continue
        word, word_params = _in("skeleton", sorted(group))
        # The word looked up once per token, then whose name it is in.
        points.append(f"MAX(CASE WHEN {word} THEN CASE WHEN own THEN 2 ELSE 1 END ELSE 0 END)")
        params += word_params
    if year is not None:
        points.append("MAX(CASE WHEN birth_year = %s THEN 3 WHEN birth_year IN (%s, %s) THEN 1 ELSE 0 END)")
        params += [year, year - 1, year + 1]
    skeleton_in, skeleton_params = _in("skeleton", everything)
    site_in, site_params = _in("site_id", sites)
    rows = f"{_TOKENS} WHERE {skeleton_in} AND {site_in}"
    params += skeleton_params + site_params
    if born_near and year is not None:
        rows += " AND birth_year IN (%s, %s, %s)"
        params += [year - 1, year, year + 1]
    st.add(
        name,
        f"SELECT person_id, {' + '.join(points) or '0'} AS points FROM {rows} "  # noqa: S608
        "GROUP BY person_id ORDER BY points DESC, person_id LIMIT %s",
        [*params, NEAR_CANDIDATES if born_near else CANDIDATES],
    )
    return name


@dataclass(frozen=True)
class Candidates:
    """How a search finds the persons to rank: `first` (SQL and parameters), the namesakes and
    the persons born near the year asked; `rest`, the whole token index, read only when the
    first found fewer than asked for. Two statements, not one: at a million persons the token
    index's part alone is priced past PostgreSQL's JIT threshold, and compiling it cost a
    search ~70 ms even when it never ran. `typos`: the query words' typo expansions."""

    first: tuple[str, list] | None
    rest: tuple[str, list] | None
    typos: dict[str, frozenset[str]]


def candidate_statement(sites: list[int], parsed: ParsedQuery) -> Candidates:
    """The statements (SQL and parameters) selecting the ids of the persons to rank (see the
    module's docstring), and the typo expansions of the query."""
    word_groups, joins = _word_groups(parsed.names)
    spans = _spans(parsed.names)
    words = {span.key.skeleton: parsed.names[span.start] for span in spans if span.end == span.start + 1}
    span_readings = [_read_otherwise(span, parsed.names) for span in spans]
    own = {key for group in _word_groups(parsed.names, read_otherwise=False)[0] for key in group}
    own |= {span.key for span in spans}
    word_readings = {key for word in parsed.names for key in name_tokens(*other_readings(word))}
    readings = frozenset(word_readings.union(*span_readings) - own)
    expansion = _expand(
        word_groups + [[span.key, *more] for span, more in zip(spans, span_readings, strict=True)],
        words,
        joins,
        readings,
    )
    groups, span_skeletons = expansion.groups[: len(word_groups)], expansion.groups[len(word_groups) :]
    st = Statement()
    found = []
    compact_keys = _compact_keys(spans, span_skeletons, expansion, parsed.fathers_from)
    if namesakes := _namesakes(st, sites, compact_keys, groups, parsed.year):
        found.append(namesakes)
    if parsed.year is not None and _candidates(st, "near", sites, groups, parsed.year, born_near=True):
        found.append("near")
    rest = Statement()
    if not _candidates(rest, "rest_all", sites, groups, parsed.year):
        return Candidates(st.select(found) if found else None, None, expansion.typos)
    if not found:
        return Candidates(rest.select(["rest_all"]), None, expansion.typos)
    return Candidates(st.select(found), rest.select(["rest_all"]), expansion.typos)


def candidate_ids(sites: list[int], parsed: ParsedQuery, limit: int = 10) -> list[int]:
    """The ids of the persons a search hands to the ranking (for measuring what it misses)."""
    found = candidate_statement(sites, parsed)
    ids: list[int] = []
    with connection.cursor() as cursor:
        for statement in (found.first, found.rest):
            if statement is not None and len(ids) < limit:
                cursor.execute(*statement)
                ids += [row[0] for row in cursor.fetchall() if row[0] not in ids]
    return ids


def _as_typed(word: Word, typos: dict[str, frozenset[str]]) -> Word:
    """The query word with, when the register knows no such name, the names it may be a slip for."""
    if word.skeleton not in typos:
        return word
    return replace(word, near=typos[word.skeleton], written=written_slips(word.fold, first_letter_changed=False))


def _candidate_rows(visible: QuerySet[Person], statement: tuple[str, list] | None, known: list[int]) -> list[dict]:
    """The names of the persons a statement selects, but those already known, in one round trip."""
    if statement is None:
        return []
    candidates = visible.filter(pk__in=RawSQL(*statement)).order_by()  # noqa: S611
    if known:
        candidates = candidates.exclude(pk__in=known)
    return list(candidates.values(*_PERSON_FIELDS))


def search_persons(actor: Actor, q: str, limit: int = 10) -> list[Hit]:
    """The persons the actor may see that best match the search text, best first."""
    parsed = parse_query(q)
    visible = registry_queries.persons_for(actor)
    sites = sorted(site_ids(actor))
    hits: dict[int, Hit] = {}
    if parsed.reference:
        ref = parsed.reference
        alias = PersonAlias.objects.filter(reference=ref).values_list("person__reference", flat=True).first()
        for person in visible.filter(reference__in=[ref, alias or ref]).select_related("site"):
            why = [
                message(MERGED_INTO, reference=ref, person=person.reference)
                if person.reference != ref
                else message(REFERENCE, reference=ref)
            ]
            hits[person.pk] = Hit(person, 2.0, why)
    ranked: list[tuple[float, str, dict]] = []
    scorer = None
    if parsed.names and sites:
        looked_up = candidate_statement(sites, parsed)
        query = tuple(_as_typed(w, looked_up.typos) for w in name_words(parsed.text))
        rows = _candidate_rows(visible, looked_up.first, list(hits))
        if looked_up.rest is not None and len(rows) < limit:
            rows += _candidate_rows(visible, looked_up.rest, [*hits, *(row["pk"] for row in rows)])
        scorer = QueryScorer(judged_by_names(query, rows), parsed.year, parsed.born, parsed.sex)
        # Namesakes written alike score alike: each distinct way of writing the names (and,
        # with a year asked, what the year rules read of the date: its year and whether it is
        # a 1 January placeholder) is scored once.
        scores: dict[tuple, float] = {}
        for row in rows:
            born = row["date_of_birth"]
            asked = (born if parsed.born else year_read(born)) if born and parsed.year else None
            written = (*_names_written(row), asked, row["sex"] if parsed.sex else None)
            score = scores.get(written)
            if score is None:
                score = scores[written] = scorer.score(row)
            if score >= 0.5:
                ranked.append((-round(score, 4), row["reference"], row))
    ranked.sort(key=lambda r: r[:2])
    chosen = ranked[: max(limit - len(hits), 0)]
    # The hits' persons, in no order (they are ordered by score): `in_bulk` would sort them by
    # the model's ordering, which costs more to compile than the ten rows cost to read.
    ids = [row["pk"] for _s, _r, row in chosen]
    persons = {p.pk: p for p in visible.select_related("site").filter(pk__in=ids).order_by()} if ids else {}
    found = sorted(hits.values(), key=lambda h: h.person.reference)
    if scorer is not None:
        found += [Hit(persons[row["pk"]], -neg, scorer.why(row)) for neg, _r, row in chosen if row["pk"] in persons]
    return found[:limit]
