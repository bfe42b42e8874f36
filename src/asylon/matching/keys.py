"""Name keys kept for every person: computed here, written in bulk by the register's hook.

Three tables are kept: one row of folded names per person (`PersonNameKeys`), one row
per skeleton of a name token (`NameKeyToken`, the inverted index search looks up), and
the vocabulary of skeletons with their one-letter deletions and phonetic key
(`NameVariantKey`), through which a query token finds the skeletons of its spelling
variants and typos wherever the typo sits in the word.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from asylon.registry.models import Person, Presence

from .models import NameKeyToken, NameVariantKey, PersonNameKeys
from .names import name_keys

BATCH = 2000
NAME_FIELDS = ("given_name", "fathers_name", "family_name")


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


def keys_for(person: Person) -> tuple[PersonNameKeys, list[NameKeyToken]]:
    given = _best(person.given_name, person.given_name_original)
    father = _best(person.fathers_name, person.fathers_name_original)
    family = _best(person.family_name, person.family_name_original)
    g, f, fam = name_keys(given), name_keys(father), name_keys(family)
    year = person.date_of_birth.year if person.date_of_birth else None
    own = name_tokens(person.given_name, person.family_name, person.given_name_original, person.family_name_original)
    own_skeletons = {t.skeleton for t in own}
    fathers = [
        t for t in name_tokens(person.fathers_name, person.fathers_name_original) if t.skeleton not in own_skeletons
    ]
    tokens = own + fathers
    row = PersonNameKeys(
        person_id=person.pk,
        site_id=person.site_id,
        given_fold=g.fold[:200],
        fathers_fold=f.fold[:200],
        family_fold=fam.fold[:200],
        full_fold=" ".join(p for p in (g.fold, fam.fold, f.fold) if p)[:600],
        skeleton_tokens=" ".join(t.skeleton for t in tokens)[:600],
        phonetic_tokens=" ".join(dict.fromkeys(t.phonetic for t in tokens))[:600],
        compact_key=(g.compact_skeleton + fam.compact_skeleton)[:200],
        fathers_key=f.phonetic.replace(" ", "")[:200],
        birth_year=year,
        active=person.presence != Presence.MERGED,
    )
    token_rows = [
        NameKeyToken(
            person_id=person.pk,
            site_id=person.site_id,
            skeleton=t.skeleton,
            phonetic=t.phonetic,
            own=t.skeleton in own_skeletons,
            birth_year=year,
        )
        for t in tokens
        if row.active  # a merged person leaves the index
    ]
    return row, token_rows


def vocabulary_rows(tokens: Iterable[NameKeyToken | TokenKey]) -> list[NameVariantKey]:
    """The vocabulary rows of these tokens' skeletons (one per lookup key)."""
    distinct = {t.skeleton: t.phonetic for t in tokens}
    return [
        NameVariantKey(key=key, skeleton=skel, phonetic=phon)
        for skel, phon in distinct.items()
        for key in sorted(variant_keys(TokenKey(skel, phon)))
    ]


def add_to_vocabulary(tokens: Iterable[NameKeyToken | TokenKey]) -> None:
    """Make these skeletons findable by their variants. Rows are never removed: a
    skeleton nobody has any more points to no token and costs nothing."""
    distinct = {t.skeleton: t for t in tokens}
    known = set(NameVariantKey.objects.filter(key__in=list(distinct)).values_list("skeleton", flat=True))
    rows = vocabulary_rows(t for s, t in distinct.items() if s not in known)
    NameVariantKey.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)


def _chunks(items: list[Person], size: int) -> Iterator[list[Person]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def refresh_keys(persons: Iterable[Person]) -> int:
    """Write the keys of these persons (new or changed), replacing what was there. Bulk."""
    count = 0
    for chunk in _chunks(list(persons), BATCH):
        pks = [p.pk for p in chunk]
        rows, tokens = [], []
        for person in chunk:
            row, toks = keys_for(person)
            rows.append(row)
            tokens.extend(toks)
        NameKeyToken.objects.filter(person_id__in=pks).delete()
        PersonNameKeys.objects.filter(person_id__in=pks).delete()
        PersonNameKeys.objects.bulk_create(rows, batch_size=BATCH)
        NameKeyToken.objects.bulk_create(tokens, batch_size=BATCH)
        add_to_vocabulary(tokens)
        count += len(chunk)
    return count


def persons_saved(sender, *, persons: list[Person], **kwargs) -> None:
    """Receiver of `registry.signals.persons_saved`, inside the register's writing transaction."""
    refresh_keys(persons)
