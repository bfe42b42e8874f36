"""Name keys kept for every person: computed here, written in bulk by the register's hook."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from asylon.registry.models import Person, Presence

from .models import NameKeyToken, PersonNameKeys
from .names import name_keys

BATCH = 2000
NAME_FIELDS = ("given_name", "fathers_name", "family_name")


def _best(latin: str, original: str) -> str:
    return latin or original


@dataclass(frozen=True, slots=True)
class TokenKey:
    skeleton: str
    phonetic: str

    @property
    def prefix(self) -> str:
        return self.skeleton[:3]


def name_tokens(*names: str | None) -> list[TokenKey]:
    """The distinct (skeleton, phonetic) keys of every token of the names, in order."""
    seen: set[str] = set()
    out: list[TokenKey] = []
    for name in names:
        if not name:
            continue
        keys = name_keys(name)
        for skel, phon in zip(keys.skeleton.split(), keys.phonetic.split(), strict=False):
            if skel and skel not in seen:
                seen.add(skel)
                out.append(TokenKey(skel[:100], phon[:100]))
    return out


def keys_for(person: Person) -> tuple[PersonNameKeys, list[NameKeyToken]]:
    given = _best(person.given_name, person.given_name_original)
    father = _best(person.fathers_name, person.fathers_name_original)
    family = _best(person.family_name, person.family_name_original)
    g, f, fam = name_keys(given), name_keys(father), name_keys(family)
    year = person.date_of_birth.year if person.date_of_birth else None
    tokens = name_tokens(
        person.given_name,
        person.family_name,
        person.fathers_name,
        person.given_name_original,
        person.family_name_original,
        person.fathers_name_original,
    )
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
            prefix=t.prefix,
            birth_year=year,
        )
        for t in tokens
        if row.active  # a merged person leaves the index
    ]
    return row, token_rows


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
        count += len(chunk)
    return count


def persons_saved(persons: list[Person]) -> None:
    """The hook the register calls inside its writing transaction."""
    refresh_keys(persons)
