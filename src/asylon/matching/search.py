"""One search box over the register: names in either script, references, father's name
and year of birth ("hosseini mohammad 1979"), ranked, scoped to the actor's sites.

Candidates come from the name-key tables (exact skeleton and phonetic token matches,
indexed, narrowed by the year when one is given). A token no key knows (a typo) falls
back to the three-letter prefix of its skeleton; on PostgreSQL a trigram match on the
folded full name is one more source. Candidates are then ranked in Python with
`name_similarity` and `date_similarity`, the same on every database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, IntegerField, Q, Sum, Value, When

from asylon.accounts.scope import site_ids
from asylon.registry import queries as registry_queries
from asylon.registry.models import Person

from .keys import TokenKey, name_tokens
from .models import NameKeyToken, PersonAlias
from .names import fold, is_persian_script
from .similarity import name_similarity

__all__ = ["Hit", "ParsedQuery", "parse_query", "search_persons"]

# How many candidates each source hands to the ranking.
CANDIDATES = 300
FATHERS_NAME = "father's name"
_YEAR = re.compile(r"^(19|20)\d\d$")
_REFERENCE = re.compile(r"^[A-Za-z]{2,8}-[A-Za-z]?-?\d{1,9}$")


@dataclass
class Hit:
    person: Person
    score: float
    why: list[str] = field(default_factory=list)


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
    for word in (q or "").replace(",", " ").split():
        if _YEAR.match(word) and parsed.year is None:
            parsed.year = int(word)
        elif _REFERENCE.match(word) and parsed.reference is None:
            parsed.reference = word.upper()
        else:
            parsed.names.append(word)
    return parsed


def _token_candidates(sites: list[int], tokens: list[TokenKey], years: list[int] | None) -> dict[int, int]:
    """Person id -> key agreement points, from the inverted index."""
    if not tokens:
        return {}
    skeletons = [t.skeleton for t in tokens]
    phonetics = [t.phonetic for t in tokens]
    known = set(
        NameKeyToken.objects.filter(Q(skeleton__in=skeletons) | Q(phonetic__in=phonetics)).values_list(
            "phonetic", flat=True
        )[:1000]
    )
    # A token no key knows is likely mistyped: look it up by the start of its skeleton.
    prefixes = [t.prefix for t in tokens if t.phonetic not in known and len(t.prefix) == 3]
    match = Q(skeleton__in=skeletons) | Q(phonetic__in=phonetics)
    if prefixes:
        match |= Q(prefix__in=prefixes)
    qs = NameKeyToken.objects.filter(match, site_id__in=sites)
    if years is not None:
        qs = qs.filter(birth_year__in=years)
    points = Sum(
        Case(
            When(skeleton__in=skeletons, then=Value(3)),
            When(phonetic__in=phonetics, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    rows = qs.values("person_id").annotate(points=points).order_by("-points", "person_id")[:CANDIDATES]
    return {r["person_id"]: r["points"] for r in rows}


def _trigram_candidates(sites: list[int], text: str) -> list[int]:
    """PostgreSQL only: persons whose folded full name is trigram-similar to the query."""
    if connection.vendor != "postgresql" or not text or not sites:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT person_id FROM matching_personnamekeys WHERE active AND site_id = ANY(%s) AND full_fold %% %s "
            "ORDER BY similarity(full_fold, %s) DESC LIMIT %s",
            [sites, text, text, CANDIDATES // 3],
        )
        return [row[0] for row in cursor.fetchall()]


def _person_tokens(person: Person) -> list[tuple[str, str]]:
    """(token as compared, which field) for every name part of the person."""
    out: list[tuple[str, str]] = []
    for label, latin, original in (
        ("given name", person.given_name, person.given_name_original),
        ("family name", person.family_name, person.family_name_original),
        (FATHERS_NAME, person.fathers_name, person.fathers_name_original),
    ):
        out.extend((t, label) for t in fold(latin).split())
        if original and is_persian_script(original):
            out.extend((t, label) for t in original.split())
    return out


def _name_score(query_tokens: list[str], person_tokens: list[tuple[str, str]]) -> tuple[float, list[str]]:
    """Mean over query words of the best match among the person's words, each used once."""
    if not query_tokens:
        return 0.0, []
    used: set[int] = set()
    total = 0.0
    why: list[str] = []
    for q in query_tokens:
        best, best_i = 0.0, -1
        for i, (token, label) in enumerate(person_tokens):
            if i in used:
                continue
            s = name_similarity(q, token)
            if label == FATHERS_NAME:  # a person's own name outranks a father's of that name
                s *= 0.97
            if s > best:
                best, best_i = s, i
        if best_i >= 0 and best >= 0.7:
            used.add(best_i)
            why.append(f"{person_tokens[best_i][1]} ~ {q} ({best:.2f})")
        total += best
    return total / len(query_tokens), why


def _year_score(year: int, person: Person) -> tuple[float, str | None]:
    if person.date_of_birth is None:
        return 0.3, None
    diff = abs(person.date_of_birth.year - year)
    if diff == 0:
        return 1.0, f"born {year}"
    if diff == 1:
        return 0.5, f"born {person.date_of_birth.year}"
    return 0.0, None


def search_persons(actor, q: str, limit: int = 10) -> list[Hit]:
    """The persons the actor may see that best match the search text, best first."""
    parsed = parse_query(q)
    visible = registry_queries.persons_for(actor)
    sites = list(site_ids(actor))
    hits: dict[int, Hit] = {}
    if parsed.reference:
        ref = parsed.reference
        alias = PersonAlias.objects.filter(reference=ref).values_list("person__reference", flat=True).first()
        for person in visible.filter(reference__in=[ref, alias or ref]).select_related("site", "unit"):
            why = [f"reference {ref}" + (f" (merged into {person.reference})" if person.reference != ref else "")]
            hits[person.pk] = Hit(person, 2.0, why)
    query_text = " ".join(parsed.names)
    query_tokens = fold(query_text).split() if not is_persian_script(query_text) else query_text.split()
    keys = name_tokens(query_text)
    candidate_ids: set[int] = set()
    if keys and sites:
        if parsed.year:
            window = [parsed.year - 1, parsed.year, parsed.year + 1]
            candidate_ids |= set(_token_candidates(sites, keys, window))
        candidate_ids |= set(_token_candidates(sites, keys, None))
        candidate_ids |= set(_trigram_candidates(sites, fold(query_text)))
    candidate_ids -= set(hits)
    if candidate_ids:
        for person in visible.filter(pk__in=candidate_ids).select_related("site", "unit"):
            score, why = _name_score(query_tokens, _person_tokens(person))
            if parsed.year:
                year_score, year_why = _year_score(parsed.year, person)
                score = 0.75 * score + 0.25 * year_score
                if year_why:
                    why.append(year_why)
            if score >= 0.5:
                hits[person.pk] = Hit(person, round(score, 4), why)
    ranked = sorted(hits.values(), key=lambda h: (-h.score, h.person.reference))
    return ranked[:limit]
