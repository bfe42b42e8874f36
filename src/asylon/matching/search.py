"""One search box over the register: names in either script, references, father's name
and year of birth ("hosseini mohammad 1979"), ranked, scoped to the actor's sites.

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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from django.db.models import Case, Expression, IntegerField, Max, Value, When
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
from .ranking import QueryScorer, Word, inner_consonants, judged_by_names, name_words, written_slips

__all__ = ["Hit", "ParsedQuery", "parse_query", "search_persons"]

# How many candidates the index hands to the ranking (from each of the namesakes, the
# persons born near the year and the token count).
CANDIDATES = 200
# A phonetic key or skeleton this short names too many names to stand for one.
_MIN_SOUND = 3
# Why a hit was found by its reference (the reasons of a name match: `ranking.QueryScorer.why`).
REFERENCE = gettext_noop("reference %(reference)s")
MERGED_INTO = gettext_noop("reference %(reference)s, merged into %(person)s")
_YEAR = re.compile(r"^(19|20)\d\d$")
_REFERENCE = re.compile(r"^[A-Za-z]{2,8}-[A-Za-z]?-?\d{1,9}$")
# Persian and Arabic-Indic digits, as a year is typed on those keyboards (۱۹۸۵, ١٩٨٥).
_NATIVE_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_CHILD_OF = {"son", "daughter", "child"}
_CONNECTORS = {"s/o", "d/o", "bin", "bint", "ibn", "binti", "فرزند", "بن", "بنت"}


_ARTICLE = "ال"
# Letters after the article for it to be one (الهام Elham, الناز Elnaz are names of their own).
_AFTER_ARTICLE = 4


def _article_apart(word: str) -> list[str]:
    if word.startswith(_ARTICLE) and len(word) - len(_ARTICLE) >= _AFTER_ARTICLE:
        return [_ARTICLE, word[len(_ARTICLE) :]]
    return [word]


def _connector(words: list[str], k: int) -> bool:
    """Whether word k links a name to the father's: "son of", "daughter of", "bin", "فرزند"."""
    word = words[k].casefold()
    if word in _CONNECTORS and 0 < k < len(words) - 1:
        return True
    if word in _CHILD_OF:
        return k + 1 < len(words) - 1 and words[k + 1].casefold() == "of"
    return word == "of" and k > 0 and words[k - 1].casefold() in _CHILD_OF and k < len(words) - 1


_PERSON_FIELDS = (
    "pk",
    "reference",
    *PERSON_NAME_FIELDS,
    "date_of_birth",
)


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

    @property
    def text(self) -> str:
        return " ".join(self.names)


def parse_query(q: str) -> ParsedQuery:
    """Split the box's text into name words, a year of birth and a reference."""
    parsed = ParsedQuery(names=[])
    words = (q or "").translate(_NATIVE_DIGITS).replace(",", " ").split()
    # The words a clerk writes between a name and the father's ("son of Hassan", "bint
    # Ali", "فرزند حسن") name nobody: left out.
    words = [w for k, w in enumerate(words) if not _connector(words, k)]
    # The Arabic article written onto a family name (الداودي) is a word of its own, as in a
    # romanisation (Al-Dawudi), which a register may also hold without it (Dawudi).
    words = [part for w in words for part in _article_apart(w)]
    for word in words:
        if _YEAR.match(word) and parsed.year is None:
            parsed.year = int(word)
        elif _REFERENCE.match(word) and parsed.reference is None:
            parsed.reference = word.upper()
        else:
            parsed.names.append(word)
    return parsed


def _word_groups(words: list[str]) -> list[list[TokenKey]]:
    """Per query word, the keys that stand for it: its own tokens, and those of it joined
    with a neighbour, so that "Mohammad Reza" also finds "Mohammadreza"."""
    groups = []
    for i, word in enumerate(words):
        keys = name_tokens(word)
        if i > 0:
            keys += name_tokens(words[i - 1] + word)
        if i + 1 < len(words):
            keys += name_tokens(word + words[i + 1])
        if keys:
            groups.append(keys)
    return groups


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


def _part_ranks(span: Span, skeletons: set[str], expansion: Expansion) -> dict[str, float]:
    """The registered skeletons a span may stand for as a name part: its spellings first (0),
    then those one slip from it, the closer the earlier (a typo that made another name)."""
    own = span.key.skeleton
    ranks = {} if own in expansion.typos else dict.fromkeys(skeletons, 0.0)
    for slip in expansion.slips.get(own, frozenset()):
        ranks.setdefault(slip, 2.0 - OSA.normalized_similarity(slip, own))
    return ranks


def _compact_keys(spans: list[Span], skeletons: list[set[str]], expansion: Expansion) -> dict[str, float]:
    """The compact keys (given then family skeleton) of every way two disjoint spans of the
    query can be a given and a family name, in either order, ranked (0 is best)."""
    parts = [_part_ranks(span, skels, expansion) for span, skels in zip(spans, skeletons, strict=True)]
    keys: dict[str, float] = {}
    for i, first in enumerate(spans):
        for j, second in enumerate(spans):
            if i == j or first.overlaps(second):
                continue
            for a, rank_a in parts[i].items():
                for b, rank_b in parts[j].items():
                    key = (a + b)[:200]
                    keys[key] = min(keys.get(key, 9.0), rank_a + rank_b)
    return keys


def _same_but_a_vowel(skeleton: str, token: TokenKey) -> bool:
    """Kazem and Kazim: one long vowel written or not inside the name (not at its end, where
    Karim and Karimi are two names)."""
    return inner_consonants(skeleton) == inner_consonants(token.skeleton)


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


def _vocabulary(keys: set[str]) -> dict[str, set[tuple[str, str]]]:
    """(skeleton, phonetic key) of the registered names, by lookup key."""
    found: dict[str, set[tuple[str, str]]] = {}
    for key, skel, phon in NameVariantKey.objects.filter(key__in=sorted(keys)).values_list(
        "key", "skeleton", "phonetic"
    ):
        found.setdefault(key, set()).add((skel, phon))
    return found


def _expand(groups: list[list[TokenKey]], words: dict[str, str]) -> Expansion:
    """The register's skeletons each group stands for (see the module's docstring); `words`
    gives, per skeleton of a single query word, the word as written, whose written slips
    undone (`written_slips`) are looked up when the register has no name of that skeleton."""
    found = _vocabulary({key for group in groups for token in group for key in variant_keys(token)})
    # A skeleton of two letters or fewer is registered by accident as often as not (airi: the
    # "ry" of Roya, not Amiri mistyped).
    written = {
        skeleton: written_slips(word)
        for skeleton, word in words.items()
        if len(skeleton) < _MIN_SOUND or not any(s == skeleton for s, _p in found.get(skeleton, ()))
    }
    if any(written.values()):
        found.update(_vocabulary(set().union(*written.values())))
    out = Expansion([], {}, {})
    for group in groups:
        skeletons: set[str] = set()
        for token in group:
            reachable = set().union(*(found.get(k, set()) for k in variant_keys(token)))
            known = {
                s
                for s, p in reachable
                if s == token.skeleton
                or p == token.phonetic
                or _same_but_a_vowel(s, token)
                or _another_ending(s, token.skeleton)
            }
            slips = frozenset(s for s, _p in reachable if OSA.distance(s, token.skeleton) <= 1)
            slips |= {k for k in written.get(token.skeleton, ()) if any(s == k for s, _p in found.get(k, ()))}
            # And the other spellings of those names, by their sound (a slip from Khoshnevis
            # is one from خوشنویس, whose skeleton keeps the و as a vowel).
            sounds = {p for s, p in reachable if s in slips and len(p) >= _MIN_SOUND}
            slips |= {s for s, p in reachable if p in sounds}
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
            skeletons |= known or slips
        out.groups.append(skeletons)
    return out


def _namesakes(
    sites: list[int], compact_keys: dict[str, float], groups: list[set[str]], fathers: set[str]
) -> list[int]:
    """Persons whose given and family name the query names, by their compact key: those of
    its spellings first, then those of a slip; among them first those bearing more of the
    query's words (a father's name besides). Where a common name has more namesakes than
    are handed to the ranking, those of the query's spellings and those whose father's name
    is a word of the query (`fathers`: their phonetic keys) are read as well, so that the
    person asked for stays."""
    if not compact_keys:
        return []
    cap = 4 * CANDIDATES
    qs = PersonNameKeys.objects.filter(site_id__in=sites, active=True, compact_key__in=sorted(compact_keys))
    fields = ("person_id", "compact_key", "skeleton_tokens")
    rows = list(qs.order_by("person_id").values_list(*fields)[: cap + 1])
    if len(rows) > cap:
        # Each a narrow range of an index, cheaper than ordering every namesake by key and father.
        spelled = sorted(key for key, rank in compact_keys.items() if rank < 1)
        rows += qs.filter(compact_key__in=spelled).order_by("person_id").values_list(*fields)[:cap]
        if fathers:
            rows += qs.filter(fathers_key__in=sorted(fathers)).order_by("person_id").values_list(*fields)[:cap]
        rows = list(dict.fromkeys(rows))

    def rank(row: tuple[int, str, str]) -> tuple[float, int]:
        tokens = set(row[2].split())
        return compact_keys[row[1]] - sum(1 for group in groups if group & tokens), row[0]

    return [row[0] for row in sorted(rows, key=rank)[:CANDIDATES]]


def _candidates(sites: list[int], groups: list[set[str]], year: int | None, born_near: bool = False) -> list[int]:
    """Person ids from the token index, best first: two points per query word matched in the
    person's own name, one in the father's, three for the year of birth (or one next to it).
    With `born_near`, only the persons born within a year of it (a narrow range of the index)."""
    everything = set().union(*groups)
    if not everything:
        return []
    qs = NameKeyToken.objects.filter(skeleton__in=sorted(everything), site_id__in=sites)
    if born_near and year is not None:
        qs = qs.filter(birth_year__in=[year - 1, year, year + 1])
    points: Expression = Value(0)
    for group in groups:
        word = sorted(group)
        points += Max(
            Case(
                When(skeleton__in=word, own=True, then=Value(2)),
                When(skeleton__in=word, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    if year is not None:
        points += Max(
            Case(
                When(birth_year=year, then=Value(3)),
                When(birth_year__in=[year - 1, year + 1], then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    rows = qs.values("person_id").annotate(points=points).order_by("-points", "person_id")[:CANDIDATES]
    return [r["person_id"] for r in rows]


def _candidate_ids(sites: list[int], parsed: ParsedQuery, limit: int) -> tuple[list[int], dict[str, frozenset[str]]]:
    """The persons to rank (see the module's docstring), and the typo expansions of the query."""
    word_groups = _word_groups(parsed.names)
    spans = _spans(parsed.names)
    words = {span.key.skeleton: parsed.names[span.start] for span in spans if span.end == span.start + 1}
    expansion = _expand(word_groups + [[span.key] for span in spans], words)
    groups, span_skeletons = expansion.groups[: len(word_groups)], expansion.groups[len(word_groups) :]
    fathers = {span.key.phonetic for span in spans if len(span.key.phonetic) >= 2}
    ids = _namesakes(sites, _compact_keys(spans, span_skeletons, expansion), groups, fathers)
    if parsed.year is not None:
        ids += _candidates(sites, groups, parsed.year, born_near=True)
    ids = list(dict.fromkeys(ids))
    if len(ids) < limit:
        ids = list(dict.fromkeys(ids + _candidates(sites, groups, parsed.year)))
    return ids, expansion.typos


def _as_typed(word: Word, typos: dict[str, frozenset[str]]) -> Word:
    """The query word with, when the register knows no such name, the names it may be a slip for."""
    if word.skeleton not in typos:
        return word
    return replace(word, near=typos[word.skeleton], written=written_slips(word.fold, first_letter_changed=False))


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
        ids, typos = _candidate_ids(sites, parsed, limit)
        query = tuple(_as_typed(w, typos) for w in name_words(parsed.text))
        candidates = visible.filter(pk__in=ids).order_by()
        if hits:
            candidates = candidates.exclude(pk__in=list(hits))
        rows = list(candidates.values(*_PERSON_FIELDS))
        scorer = QueryScorer(judged_by_names(query, rows), parsed.year)
        # Namesakes written alike score alike: each distinct way of writing the names (and
        # year of birth, when asked) is scored once.
        scores: dict[tuple, float] = {}
        for person in rows:
            born = person["date_of_birth"]
            written = (*(person[f] for f in PERSON_NAME_FIELDS), born.year if born and parsed.year else None)
            if written not in scores:
                scores[written] = scorer.score(person)
            if scores[written] >= 0.5:
                ranked.append((-round(scores[written], 4), person["reference"], person))
    ranked.sort(key=lambda r: r[:2])
    chosen = ranked[: max(limit - len(hits), 0)]
    persons = visible.select_related("site").in_bulk([row["pk"] for _s, _r, row in chosen])
    found = sorted(hits.values(), key=lambda h: h.person.reference)
    if scorer is not None:
        found += [Hit(persons[row["pk"]], -neg, scorer.why(row)) for neg, _r, row in chosen if row["pk"] in persons]
    return found[:limit]
