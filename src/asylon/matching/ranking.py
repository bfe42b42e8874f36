"""Ranking of search candidates: how close a query's name tokens are to a person's, in
either script, and how the year of birth weighs in.

`search.py` finds the candidates in the name-key tables; this module scores each of them
in Python. A token is compared in its folded spelling, its skeleton and its phonetic key
(`names.token_keys`); across scripts the Latin vowels are unknown to the Persian side, so
agreement there rests on the skeleton and on which vowels the Persian spelling writes.
Every spelling of one name should rank above any other name: the Latin spellings of a name
score near an exact one, and a mistyped word is judged against names, each as close as its
nearest Latin spelling among the candidates (`judged_by_names`).

How alike two tokens are is read from `AGREEMENTS`, an ordered table of named rows (scripts,
condition, similarity, why, examples: tests/matching/test_agreements.py checks each row's);
the year asked against a recorded date of birth from `YEAR_AGREEMENTS` likewise, and a whole
date asked from `DATE_AGREEMENTS`. A query that says the person's sex ("daughter of", "bin")
takes `OTHER_SEX` off a person recorded as the other. A change of the ranking is a row and
its examples.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TypeVar

from django.utils.translation import gettext_noop
from rapidfuzz.distance import OSA, JaroWinkler

from asylon.safeguards.messages import Message, Number, message

from .names import ending_apart, fold, is_persian_script, token_keys, word_skeleton
from .similarity import SKELETON_MATCH

T = TypeVar("T")

FATHERS_NAME = "father's name"
# The Arabic article as a word of a name, folded (Al-, El-, ال), and as it assimilates to a
# sun letter when romanised (Ash-Shammari, As-Saadi, Ar-Rubaie, Az-Zubaidi).
ARTICLES = frozenset({"al", "el", "ul", "ol", "ash", "as", "ad", "ar", "az", "at", "an", "ath", "adh"})
# The label of each name field, in the order `_person_words` reads them (two scripts each).
_NAME_LABELS = ("given name", "given name", "family name", "family name", FATHERS_NAME, FATHERS_NAME)
# The fields `_person_words` reads, in its order, and how the reasons beside a hit name them.
_NAME_FIELDS = (
    "given_name",
    "given_name_original",
    "family_name",
    "family_name_original",
    "fathers_name",
    "fathers_name_original",
)
_FIELD_WORDS = {
    "given_name": gettext_noop("given name"),
    "family_name": gettext_noop("family name"),
    "fathers_name": gettext_noop("father's name"),
}
# Reasons beside a hit, in words a clerk reads (never the internal keys of a name).
SAME_NAME = gettext_noop("%(field)s is %(name)s")
SOUNDS_LIKE = gettext_noop("%(field)s sounds like what you typed: %(name)s")
BORN_IN = gettext_noop("born in %(year)s")
BORN_A_YEAR_OFF = gettext_noop("born in %(year)s, one year off")
# A person's own name outranks a father's of that name.
FATHER_WEIGHT = 0.8
# Taken off a person's name score for each of their own names (given, family) that no word
# of a query of two or more words names while a word names their father: the query names
# another of the family, the father's name standing for a given name (Zahra Husseini,
# daughter of Hossein, to "Husayn Hosseini"). Not when a word of the query names nothing:
# that word may be the own name mistyped (Hamioe for Hamideh). Hand-set: enough to rank such
# a relative under a namesake one slip away (a word at 0.85).
UNNAMED_OWN_NAME = 0.12
# Taken off a person for each own name field (given, family) of which the query matches some
# words but not all: the compound is another name (Gholam Reza is not Reza, Hosseini Nejad
# not Hosseini), or the register wrote the whole of a name the query shortened. Under any
# spelling of the name (a word at 0.85 of two), over another name. Hand-set.
PARTLY_NAMED = 0.1
# Taken off when the query's words fit the person only with the father's name asked before
# the given name (Ahmad Saadi, son of Mohammad, to "Mohammad Saodi son of Ahmad"): a name
# is never written so. Hand-set: over the gap between a spelling and a slip of one name in
# one word of three, under what a word no name matches costs.
FATHER_FIRST = 0.06
# The share of the year of birth in the score of a query that gives one (see YEAR_AGREEMENTS).
YEAR_WEIGHT = 0.15
# Taken off a person recorded as the other sex than the query says ("daughter of", "bin"):
# over the gap between two spellings of a name, under a word no name matches, so that a
# sex recorded wrongly still leaves the person among the hits. Hand-set.
OTHER_SEX = 0.05
_SEXES = ("M", "F")
# An equal phonetic key across scripts, or in Latin with letters of one class (Jaleh/Zhaleh).
CROSS_SCRIPT_PHONETIC = 0.92
# Two Latin spellings of one name (one skeleton, the same first letter, vowels where the
# other writes vowels: Heidari, Heydari; not Fathi, Fattahi). Near an exact spelling: a query
# is seldom written as the name was registered, and every spelling of the name must rank
# above any other name (Mahnaz Heydari before Elnaz Heidari).
ANOTHER_SPELLING = 0.99
# A Persian and a Latin spelling of one name that a rule of reading tells apart from their
# skeletons (و read as a vowel or as v, a final ه unwritten): near a spelling of the name.
CROSS_SCRIPT_SPELLING = 0.98
# A name ending in ه or ة read the Arabic way and the Persian way (Fatima, Fatemeh): one
# name, under its own ending's spellings and over any name one sound away.
ANOTHER_ENDING = 0.96
# ق or غ (Persian script, certain) against a Latin k or g: a romanisation of them (Kasem,
# Bageri) as often as the Latin spelling of ک or گ (Asgari, عسگری). Over _MATCHED, so the
# person is found; under every spelling with q or gh and under a long vowel written.
QAF_AS_K = 0.8
# Two Latin spellings of one sound (ژ as zh or j: Zhila, Jila), their letters otherwise alike.
ONE_SOUND = 0.97
# Two Latin spellings with one skeleton but different first letters (Asghar/Soghra).
LATIN_SKELETON_MATCH = 0.9
TYPO_MATCH = 0.9
# How much the closeness of spelling adds to a typo's match (keeps it under an exact one).
TYPO_SPREAD = 0.09
# A query token this similar to a name part is a spelling of it; under it, another name.
_MATCHED = 0.75
# Two query words together this similar to one name part are that name written in two
# (Ghulam Reza, Gholamreza: one sound class apart); less alike, each word is its own name.
JOINED_MATCH = 0.9
# Two Latin names alike in letters but in neither skeleton nor phonetic key: another name.
OTHER_NAME = 0.7
# A Latin name and the same with a final a (Karim, Karima): the feminine, or a slip; under a
# slip of the pen and a long vowel written (Taher, Tahir: one name), over another name.
FEMININE_ENDING = 0.84
# A long vowel written in one spelling, not the other (Kazem, Kazim).
VOWEL_VARIANT = 0.85
_VOWELS = "aeiou"
# Persian letters a Latin opening vowel may stand for: alef in its forms, ع, hamza.
_OPEN_VOWEL = "اآأإعئء"
# Sounds one phonetic key holds that Persian script writes with different letters.
_LETTERS_APART = ({"q", "g"}, {"q", "k"}, {"v", "f"}, {"p", "b"})
_VOWEL_RUN = re.compile("[aeiouy]+")
_CONSONANT_LETTER = re.compile("[^aeiouy]")
_DIGRAPH_H = re.compile("(?<=[skzcg])h")
# A Persian spelling that writes none of the Latin spelling's vowels, its letters in order.
IN_ORDER = 0.97
# Spellings of this many letters one slip apart (a letter dropped, added, changed or two
# swapped) may be one name mistyped: a weak match, under any true spelling of the name but
# over a father's name written exactly (Nafiseh Asghar: Nafiseh Asghari before a daughter of Asghar).
SLIP = 0.85
# How much the letters apart take from a weak match (never down to a father's name exactly).
WEAK_SPREAD = 0.02
_MIN_SLIP = 4
# How many edits of the skeleton one slip of the pen can make (a letter typed too many
# inside a digraph: frsdhth, fršth).
_SLIP_SPAN = 3
# Skeletons this unlike (Jaro-Winkler) are no spellings of one name, whatever the rules say.
_UNLIKE = 0.5
# Keys this short (Ali: "ly") agree by accident too often to lift a score.
_MIN_KEY = 3
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Letters that an h after them turns into another sound (sh, kh, zh, ch, gh).
_DIGRAPH_FIRST = "skzcg"


@lru_cache(maxsize=65536)  # of one word, read by several rows for each pair the ranking compares
def inner_consonants(skeleton: str) -> str:
    """The skeleton without the long vowels (y, w) inside it: Kazem and Kazim share it."""
    return (
        skeleton[0] + skeleton[1:-1].replace("y", "").replace("w", "") + skeleton[-1] if len(skeleton) > 2 else skeleton
    )


@lru_cache(maxsize=4096)
def written_slips(word: str, first_letter_changed: bool = True) -> frozenset[str]:
    """The skeletons of the Latin word with one slip of the pen undone that its skeleton hides:
    two neighbouring letters swapped (oShrab for Sohrab), the first letter dropped (ahid for
    Vahid), the h of a digraph mistyped (Sgahram for Shahram), a letter typed too many
    (Feresdhte for Fereshte, Ghascsem for Ghassem) or, with `first_letter_changed`, the first
    letter mistyped (maeid for Saeid). A slip on a vowel, inside a digraph or a doubled letter
    is no single edit of the skeleton, so its deletions alone miss the name."""
    written = fold(word)
    if len(written) < 3 or " " in written or is_persian_script(word):
        return frozenset()
    spellings = {written[:i] + written[i + 1] + written[i] + written[i + 2 :] for i in range(len(written) - 1)}
    spellings |= {
        written[:i] + "h" + written[i + 1 :] for i in range(1, len(written)) if written[i - 1] in _DIGRAPH_FIRST
    }
    spellings |= {c + written for c in _LETTERS}
    spellings |= {written[:i] + written[i + 1 :] for i in range(len(written))}
    if first_letter_changed:
        spellings |= {c + written[1:] for c in _LETTERS}
    own = word_skeleton(written)
    return frozenset(k for k in (word_skeleton(s)[:100] for s in spellings) if k and k != own)


@dataclass(frozen=True, slots=True)
class Word:
    """One name token in its comparable forms, and whether it was written in Persian script."""

    fold: str
    skeleton: str
    phonetic: str
    persian: bool
    # For a mistyped query token: the registered skeletons one edit from it, and those of
    # its spelling with one written slip undone (see `written_slips`).
    near: frozenset[str] = frozenset()
    written: frozenset[str] = frozenset()
    # For a mistyped query word: the closeness of the nearest Latin spelling of each
    # registered name among the persons to rank, by `_name_of` (see `judged_by_names`).
    closeness: tuple[tuple[tuple[str, bool], float], ...] = ()
    # A Persian spelling whose first letter is a consonant, not alef nor ع (which a Latin
    # vowel may stand for): معینی Moeini, never Amini.
    consonant_first: bool = False
    # Words are dictionary keys in every comparison: their hash is computed once.
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        fields = (self.fold, self.skeleton, self.phonetic, self.persian, self.near, self.written, self.closeness)
        object.__setattr__(self, "_hash", hash((*fields, self.consonant_first)))

    def __hash__(self) -> int:
        return self._hash

    def joined(self, other: Word) -> Word:
        return Word(
            self.fold + other.fold,
            self.skeleton + other.skeleton,
            self.phonetic + other.phonetic,
            self.persian or other.persian,
        )


@lru_cache(maxsize=65536)
def name_words(name: str, whole: bool = False) -> tuple[Word, ...]:
    """The name's tokens; with `whole`, also the tokens joined (Mohammad Reza = Mohammadreza)."""
    persian = is_persian_script(name)
    words = [Word(f, s, p, persian) for f, s, p in token_keys(name)]
    written = name.replace("\u200c", " ").split()
    if persian and len(written) == len(words):
        words = [
            replace(w, consonant_first=w_.lstrip()[:1] not in _OPEN_VOWEL) for w, w_ in zip(words, written, strict=True)
        ]
    if whole and len(words) > 1:
        words.append(functools.reduce(Word.joined, words))
    return tuple(words)


def typed_word(text: str, *registered: str) -> Word:
    """A query word the register does not know, as the search hands it to the ranking
    (`search._as_typed`): the names in `registered` one edit from its skeleton are those it
    may be a slip for."""
    word = name_words(text)[0]
    near = frozenset(
        w.skeleton for name in registered for w in name_words(name) if OSA.distance(w.skeleton, word.skeleton) <= 1
    )
    return replace(word, near=near, written=written_slips(word.fold, first_letter_changed=False))


def _in_order(letters: str, word: str) -> bool:
    """True when the letters occur in the word in this order (a Persian-script fold, which
    writes only consonants and long vowels, against a Latin fold that writes every vowel)."""
    rest = iter(word.replace("y", "i"))  # ی is written y in Payman, i in Shirin
    return all(letter in rest for letter in letters.replace("y", "i"))


def _same_length_but_classes(a: Word, b: Word) -> bool:
    # Jaleh/Zhaleh and Husain/Hossein differ in a consonant class or a vowel marker only;
    # Jaleh and Jalal, which share a phonetic key, differ by a letter.
    return len(a.skeleton.replace("w", "")) == len(b.skeleton.replace("w", ""))


def _vav_read_as_vowel(persian: Word) -> str:
    """The Persian skeleton with a و before یا read as the vowel o it is there (رویا Roya,
    پویا Pouya), where the transliteration read it as v before a vowel letter (Mousavi,
    Mahdavi: a final وی stays v)."""
    if "vya" not in persian.fold[1:]:
        return ""
    return token_keys(persian.fold.replace("vya", "uya"))[0][1]


def _vav_read_as_v(persian: Word) -> str:
    """The Persian skeleton with a و between consonants read as v (پریوش Parivash), where the
    transliteration read it as the vowel u (محمود Mahmoud)."""
    if "u" not in persian.fold[1:]:
        return ""
    return token_keys(persian.fold[0] + persian.fold[1:].replace("u", "v"))[0][1]


def _vav_written_o(persian: Word, latin: Word) -> bool:
    """A و inside the name that the Latin spelling writes as a short o, where the Persian
    skeleton keeps it as a long vowel (نوروزی Norouzi, کوروش Kourosh); at the place of the و,
    not elsewhere (محمود is no Mohammad)."""
    skeleton, fold = persian.skeleton, persian.fold
    for i in range(1, len(skeleton) - 1):
        if skeleton[i] == "w" and skeleton[:i] + skeleton[i + 1 :] == latin.skeleton:
            return any(
                _in_order(fold[:j] + "o" + fold[j + 1 :], latin.fold) for j in range(1, len(fold)) if fold[j] == "u"
            )
    return False


def _one_sound(a: Word, b: Word) -> bool:
    """Two spellings whose phonetic key agrees on one sound written two ways, in one letter
    (ژیلا Jila), not on a long vowel one of them leaves out (محمدی is no Mahmoudi) nor on
    letters that Persian script writes apart: غ or ق against g or k (اصغری is no Asgari),
    و against ف (رویا is no Rafiei), پ against ب."""
    if len(a.skeleton) != len(b.skeleton):
        return False
    changed = [{x, y} for x, y in zip(a.skeleton, b.skeleton, strict=True) if x != y]
    return len(changed) <= 1 and all(pair not in _LETTERS_APART for pair in changed)


@lru_cache(maxsize=65536)  # of one word, as inner_consonants
def _vowels_where(fold: str) -> str:
    """Where the spelling writes vowels, as a pattern of consonants (c) and runs of vowels (v),
    a digraph one consonant: Heidari and Heydari write them in the same places, Zhila and Jila
    too, Fathi and Fattahi (فتحی, فتاحی) do not."""
    letters = _DIGRAPH_H.sub("", fold.replace("'", ""))
    return _VOWEL_RUN.sub("v", _CONSONANT_LETTER.sub("c", letters))


def _short_e_apart(a: str, b: str) -> bool:
    """One spelling writes an e between two consonants where the other writes none
    (Tahmasebi, Tahmasbi; Abolfazel, Abolfazl): Persian script never writes that short
    vowel, so a romanisation adds it or not. (It also makes Naser a spelling of Nasr, which
    Latin letters cannot tell apart.)"""
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    if len(longer) != len(shorter) + 1:
        return False
    return any(
        longer[i] == "e"
        and longer[i - 1] not in _VOWELS
        and longer[i + 1] not in _VOWELS
        and longer[:i] + longer[i + 1 :] == shorter
        for i in range(1, len(longer) - 1)
    )


def _vowel_apart(a: str, b: str) -> bool:
    """Two spellings one vowel apart (Eisa, Isa), for names whose skeleton is too short to tell."""
    if len(a) == len(b):
        changed = [pair for pair in zip(a, b, strict=True) if pair[0] != pair[1]]
        return len(changed) == 1 and all(letter in _VOWELS for letter in changed[0])
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    return len(longer) == len(shorter) + 1 and any(
        longer[i] in _VOWELS and longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer))
    )


def _spelling_closeness(a: Word, b: Word) -> float:
    """How few slips (a letter dropped, added, changed, two swapped) part two spellings, for
    their length; across scripts of the consonants, as Persian script leaves short vowels out."""
    if a.persian == b.persian:
        return OSA.normalized_similarity(a.fold, b.fold)
    return OSA.normalized_similarity(a.skeleton, b.skeleton)


def _vowels_written(persian: Word, latin: Word) -> float:
    """A Persian spelling whose letters all appear in the Latin one: the more of the Latin
    vowels it writes as long vowels, the better it fits (Fattahi is فتاحی more than فتحی,
    Amini امینی more than معینی)."""
    latin_vowels = sum(latin.fold.count(v) for v in _VOWELS)
    written = sum(persian.fold.count(v) for v in _VOWELS)
    return IN_ORDER + (1.0 - IN_ORDER) * min(written / latin_vowels, 1.0) if latin_vowels else 1.0


def _silent_h(a: Word, b: Word) -> bool:
    """The final ه after a long i written or not (Marzie, Marzieh); after a consonant it makes
    another name (Vahid, Vahideh)."""
    return (
        len(a.skeleton) >= _MIN_KEY  # Ali and Alihe are no Marzie and Marzieh
        and a.skeleton.endswith("y")
        and a.skeleton + "h" == b.skeleton
        and JaroWinkler.similarity(a.fold, b.fold) >= 0.85
    )


def _final_h_apart(persian: Word, latin: Word) -> bool:
    """A final ه after a consonant that one spelling writes and the other does not: another
    name (صادق Sadegh, Sedigheh; وحیده Vahideh, Vahid). A Latin final vowel stands for it
    (Atefe, عاطفه)."""
    short, long = sorted((persian.skeleton, latin.skeleton), key=len)
    if long != short + "h" or short.endswith("y") or len(short) < _MIN_KEY - 1:
        return False
    return long == latin.skeleton or latin.fold[-1] not in _VOWELS


_DIGRAPHS = (("kh", "K"), ("sh", "S"), ("zh", "Z"), ("ch", "C"), ("gh", "G"), ("dh", "D"), ("th", "T"))


def _vowel_runs(fold: str) -> tuple[str, list[str]] | None:
    """A folded spelling as its consonants and the vowels after each (a digraph and a doubled
    letter one consonant): Hossein h,s,n and "o","ei",""; حسینی h,s,n and "","i","i". None
    when a y or w may be a consonant or a vowel there, which the runs cannot tell."""
    letters = fold.replace("'", "")
    for digraph, one in _DIGRAPHS:
        letters = letters.replace(digraph, one)
    if "y" in letters or "w" in letters or " " in letters:
        return None
    consonants, runs = "", [""]
    for i, letter in enumerate(letters):
        if letter in _VOWELS:
            runs[-1] += letter
        elif not (i > 0 and letters[i - 1] == letter):
            consonants += letter
            runs.append("")
    return consonants, runs[1:]


def _long_vowel_apart(persian: Word, latin: Word) -> bool:
    """Persian script writes a name's long vowels (ی, و) and leaves its short ones out: a ی or
    و inside the name where the Latin spelling writes no vowel that can be it (حسینی, Hassani;
    محمود, Mohamed), or a Latin ei, ai where the Persian writes none (حسن, Hossein), is another
    name. A single Latin i, u or o may be a short vowel (کاظم Kazim) and is let be; so is a u
    past the first syllable (`_long_u_written`), which the rows take for a long vowel written."""
    p, w = _vowel_runs(persian.fold), _vowel_runs(latin.fold)
    if p is None or w is None or len(p[1]) != len(w[1]) or len(p[1]) < 2:
        return False
    for long, written in zip(p[1][:-1], w[1][:-1], strict=True):
        if "i" in long and not any(c in written for c in "iey"):
            return True
        if "u" in long and not any(c in written for c in "uo"):
            return True
        if "i" not in long and "u" not in long and written in ("ei", "ai"):
            return True
    return False


def _long_u_written(persian: Word, latin: Word) -> bool:
    """A Latin u past the first syllable where the Persian writes no و: the long u it would
    write (محمد and Mahmoud, محمدزاده and Mahmoudzadeh), or the short vowel as Dari writes it
    (کابلی Kabuli, قندوزی Kunduzi): the fold reads ou and oo as u, so which cannot be told. In
    the first syllable a u is taken for the short vowel (گل Gul, شکریه Shukria, محمد Muhammad),
    and after a و the و may be writing it too (داود Dawud)."""
    p, w = _vowel_runs(persian.fold), _vowel_runs(latin.fold)
    if p is None or w is None or len(p[1]) != len(w[1]):
        return False
    return any(not p[1][n] and "u" in w[1][n] and p[0][n] != "v" for n in range(1, len(p[1]) - 1))


def _same_opening(a: Word, b: Word) -> bool:
    """Both open with a vowel or neither (Ahmadzadeh is no Hamidzadeh), or the one without
    opens on two consonants, an opening vowel the Maghreb leaves out (Brahim, Ebrahem)."""
    a_vowel, b_vowel = a.fold[:1] in _VOWELS, b.fold[:1] in _VOWELS
    if a_vowel == b_vowel:
        return True
    bare = b.fold if a_vowel else a.fold
    return len(bare) > 1 and bare[1] not in _VOWELS


def _other_name(a: Word, b: Word) -> float:
    """Another name, however alike its consonants: never as close as a spelling of the name."""
    return min(JaroWinkler.similarity(a.skeleton, b.skeleton), OTHER_NAME)


def _feminine_ending(a: str, b: str) -> bool:
    """One folded spelling ends in a consonant or an i, the other is it with a final a (or
    ah, or ya after the i: Ali, Alia, Aliya)."""
    short, long = sorted((a, b), key=len)
    if short[-1] in "aeouyh":
        return False
    return long in (short + "a", short + "ah", short + "ya" if short[-1] == "i" else "")


def _latin_other_name(a: Word, b: Word) -> float:
    """Two Latin names alike in letters only (Ansari, Askari): another name."""
    return min(JaroWinkler.similarity(a.fold, b.fold), OTHER_NAME)


def _nearer(a: Word, b: Word) -> float:
    """Of the weak matches, the fewer letters apart the closer: Korami is Khorami (one letter)
    before Karimi (two), though Korami and Karimi share their consonants."""
    return WEAK_SPREAD * (OSA.normalized_similarity(a.fold, b.fold) - 1.0)


def _typed(a: Word, b: Word) -> float:
    """A query word the register does not know: the registered names one slip away from it
    come first."""
    plain = _similarity(replace(a, near=frozenset(), written=frozenset(), closeness=()), b)
    closeness = _typo_closeness(a, b)
    if closeness is None:
        return min(plain, TYPO_MATCH)
    # A name is as close as its closest Latin spelling among the candidates: Mariam as
    # Maryam to "Maryah"; a Persian spelling, whose vowels are unwritten, by those alone
    # when the register holds any (مرضیه as far as Marzieh, not as near as its consonants).
    name = _name_of(b)
    for other, nearest in a.closeness:
        if other == name:
            closeness = nearest if b.persian else max(closeness, nearest)
    return max(plain, TYPO_MATCH + TYPO_SPREAD * closeness)


def _across(test: Callable[[Word, Word], T]) -> Callable[[Word, Word], T]:
    """A rule of a Persian and a Latin spelling, whichever of the two the query is."""
    return lambda a, b: test(a, b) if a.persian else test(b, a)


def _same_skeleton(a: Word, b: Word) -> bool:
    return a.skeleton == b.skeleton and len(a.skeleton) >= _MIN_KEY


def _one_sound_apart(a: Word, b: Word) -> bool:
    return a.skeleton != b.skeleton and a.phonetic == b.phonetic and len(a.phonetic) >= 2 and _one_sound(a, b)


def _one_slip(a: Word, b: Word) -> bool:
    return min(len(a.fold), len(b.fold)) >= _MIN_SLIP and OSA.distance(a.fold, b.fold) == 1


def _slip_folded_away(a: Word, b: Word) -> bool:
    """A letter dropped between two like vowels, which the fold then writes once (Naari for
    Nazari, folded nari; Ibrahii for Ibrahimi): with the vowel written twice again, the fold
    is one slip from the name."""
    if min(len(a.fold), len(b.fold)) < _MIN_SLIP:
        return False
    shorter, longer = sorted((a.fold, b.fold), key=len)
    return any(
        OSA.distance(shorter[: i + 1] + shorter[i:], longer) == 1
        for i in range(1, len(shorter))
        if shorter[i] in _VOWELS
    )


def _slip_from_persian(a: Word, b: Word) -> bool:
    return (
        not a.persian
        and len(a.fold) >= _MIN_SLIP
        and OSA.distance(a.skeleton, b.skeleton) <= _SLIP_SPAN
        and b.skeleton in written_slips(a.fold)
    )


def _skeleton_letters_agree(persian: Word, latin: Word) -> bool:
    # Short skeletons agree by accident (جلال, Jael) unless the letters do, one spelling's
    # within the other's (جلال, Jal) or with an opening alef read as any vowel (امامی
    # Emami, ایرج Iraj).
    return persian.skeleton == latin.skeleton and (
        len(latin.skeleton) >= _MIN_KEY
        or _in_order(latin.fold, persian.fold)
        or (persian.fold[0] == "a" and _in_order(persian.fold[1:], latin.fold))
    )


@lru_cache(maxsize=65536)  # of one word, as inner_consonants
def interdental(skeleton: str) -> str:
    """The skeleton with the Arabic letters ذ ض ظ and ث read the Persian way, z and s, where a
    romanisation from Arabic writes dh and th (Kadhim, Kazem; Othman, Osman)."""
    return skeleton.replace("dh", "z").replace("th", "s")


def _read_as_arabic(a: Word, b: Word) -> bool:
    """Two Latin spellings that are one once dh and th are read as z and s."""
    return (
        a.skeleton != b.skeleton
        # Written dh or th: not a d and the final h of -zadeh, which a skeleton runs together.
        and any(letters in word.fold for letters in ("dh", "th") for word in (a, b))
        # Either long enough: Reza is as short as a name gets, Ridha is not.
        and max(len(interdental(a.skeleton)), len(interdental(b.skeleton))) >= _MIN_KEY
        and inner_consonants(interdental(a.skeleton)) == inner_consonants(interdental(b.skeleton))
    )


def _final_h_after_vowel(a: Word, b: Word) -> bool:
    """One spelling writes a final h after the vowel the other ends on (Amina, Aminah; Zahra,
    Zahrah; Fateme, Fatemeh): the ending ة or ه, written or not."""
    longer, shorter = (a.fold, b.fold) if len(a.fold) > len(b.fold) else (b.fold, a.fold)
    return len(shorter) >= _MIN_KEY and shorter[-1] in _VOWELS and longer == shorter + "h"


def _ah_read_eh(word: Word) -> Word | None:
    """The spelling with a final -ah after a consonant read -eh (Fatemah, Fatemeh), the
    same ending romanised from Arabic; None when it has no such ending."""
    f = word.fold
    if len(f) < _MIN_KEY + 2 or not f.endswith("ah") or f[-3] in _VOWELS:
        return None
    return name_words(f[:-2] + "eh")[0]


def _ah_as_eh(a: Word, b: Word) -> float:
    read = _ah_read_eh(a) or a
    other = _ah_read_eh(b) or b
    return min(_similarity(read, other), ANOTHER_ENDING)


def _alike_once_read(a: Word, b: Word) -> bool:
    """Two spellings, each read as the rule of romanisation says, of one first letter and one
    skeleton but for long vowels: one name, not another that a slip would make (Ahmet, read
    Ahmed, is no Hamed)."""
    return a.fold[:1] == b.fold[:1] and inner_consonants(a.skeleton) == inner_consonants(b.skeleton)


def _dj_read_j(word: Word) -> Word | None:
    """The spelling with dj read j (Djabbari, Jabbari), as French romanisations write ج; None
    when it writes no dj."""
    return name_words(word.fold.replace("dj", "j"))[0] if "dj" in word.fold else None


def _ch_read_sh(word: Word) -> Word | None:
    """The spelling with ch read sh (Hachemi, Hashemi; Chaker, Shakir), as French romanisations
    write ش; None when it writes no ch."""
    return name_words(word.fold.replace("ch", "sh"))[0] if "ch" in word.fold else None


def _article_off(word: Word) -> Word | None:
    """The word without the Arabic article it begins with (Altamimi, الجبوری), when the rest is
    a name of its own: at least four letters after it, the first a consonant. None otherwise
    (Alizadeh, Elyasi, and Elham, الهام, whose al is no article)."""
    rest = word.fold[2:]
    if not word.fold.startswith("al") or len(rest) < 4 or rest[0] in "aeiouyl":
        return None
    return replace(name_words(rest)[0], persian=word.persian)


@lru_cache(maxsize=65536)  # read by the row's test and its value
def _article_apart(a: Word, b: Word) -> float:
    """How alike two words are once the article either joins is taken off: the article is no
    syllable of the name (0.0 when neither joins one)."""
    off_a, off_b = _article_off(a), _article_off(b)
    if off_a is None and off_b is None:
        return 0.0
    return _similarity(off_a or a, off_b or b)


# German romanisations write ج dsch, چ tsch, ش sch, خ ch and ی j (Dschamileh, Chadidscheh,
# Marjam). The fold already reads sch as sh; a spelling is read the German way only when it
# writes dsch or tsch (folded dsh, tsh), since a j or a ch alone is as often English.
_GERMAN = (("dsh", "J"), ("tsh", "C"), ("ch", "kh"), ("j", "y"), ("J", "j"), ("C", "ch"))


def _german(text: str) -> str | None:
    """A spelling (folded or as typed) read as a German romanisation writes it; None when it
    writes no dsch or tsch."""
    text = text.replace("sch", "sh")
    if "dsh" not in text and "tsh" not in text:
        return None
    for written, sound in _GERMAN:
        text = text.replace(written, sound)
    return text


def _german_read(word: Word) -> Word | None:
    read = _german(word.fold)
    return name_words(read)[0] if read is not None else None


def _as_german(a: Word, b: Word) -> float:
    return min(_similarity(_german_read(a) or a, _german_read(b) or b), ANOTHER_SPELLING)


# A u alone between consonants (or ending the word), as Dari and Pashto romanisations write the
# short vowel zamma that Persian ones write o: Gul, Gol (گل); Khuda, Khoda (خدا).
_SHORT_U = re.compile(r"(?<![aeiou])u(?![aeiou])")


def _u_read_o(word: Word) -> Word | None:
    """The spelling with a lone u read o; None when it writes none."""
    read = _SHORT_U.sub("o", word.fold)
    return name_words(read)[0] if read != word.fold else None


def _french_read(word: Word) -> tuple[Word, ...]:
    """The spelling read as a French romanisation would be (ch as sh, dj as j), if it reads
    otherwise."""
    return tuple(read for read in (_ch_read_sh(word), _dj_read_j(word)) if read is not None)


def _unlike(a: Word, b: Word) -> bool:
    # Aicha is Aisha (عایشه) once read the French way, though č and š share no letter.
    return all(
        JaroWinkler.similarity(x.skeleton, y.skeleton) < _UNLIKE
        for x in (a, *_french_read(a))
        for y in (b, *_french_read(b))
    )


# A vowel and و closing a syllable, the diphthong a romanisation writes ow, aw or ew and another
# o (Towhid, Tohid; Rowshan, Roshan; Hewrami, Horami).
_DIPHTHONG = re.compile(r"[aeo][vw](?=[^aeiouyvw])")


def _diphthong_read_o(word: Word) -> Word | None:
    """The spelling with its diphthong ow, aw or ew read o; None when it writes none."""
    read = _DIPHTHONG.sub("o", word.fold)
    return name_words(read)[0] if read != word.fold else None


def _final_t_read_d(word: Word) -> Word | None:
    """The spelling with a final t read d (Ahmet, Ahmad; Mahmut, Mahmud), as Turkish writes a
    final د; None when it ends otherwise or is too short to tell."""
    return name_words(word.fold[:-1] + "d")[0] if word.fold.endswith("t") and len(word.fold) > _MIN_KEY else None


def _final_t_apart(a: Word, b: Word) -> bool:
    return (a.fold.endswith("d") and _final_t_read_d(b) is not None) or (
        b.fold.endswith("d") and _final_t_read_d(a) is not None
    )


def _final_t_as_d(a: Word, b: Word) -> float:
    return min(_similarity(_final_t_read_d(a) or a, _final_t_read_d(b) or b), ONE_SOUND)


# Letters an Arabic romanisation writes that a Persian one writes otherwise: ث ذ ض ظ as th and
# dh (Uthman, Usman; Kadhim, Kazem), ق as q where Turkish, Kurdish and Dari write k or g
# (Qasem, Kasem, Gasem); and a French romanisation's ch for ش (Hachemi, Hashemi).
_OTHER_READINGS = (("th", "s"), ("dh", "z"), ("q", "k"), ("q", "g"), ("ch", "sh"))


def other_readings(word: str) -> list[str]:
    """The word as another romanisation would write its letters (`_OTHER_READINGS`, a diphthong
    as o, a German spelling as `_german` reads it): the search looks those names up too, and
    the rows tell how near they are."""
    folded = word.casefold()
    readings = [folded.replace(letters, other) for letters, other in _OTHER_READINGS if letters in folded]
    if (as_o := _DIPHTHONG.sub("o", folded)) != folded:
        readings.append(as_o)
    if (german := _german(folded)) is not None:
        readings.append(german)
    return readings


def _qaf_read_k(word: Word) -> Word | None:
    return name_words(word.fold.replace("q", "k"))[0] if "q" in word.fold else None


def _as_k(word: Word) -> Word:
    """The spelling with its q (or else its g) read k: Qasem, Gasem and Kasem alike."""
    return _qaf_read_k(word) or name_words(word.fold.replace("g", "k"))[0]


def _qaf_as_k(a: Word, b: Word) -> float:
    return min(_similarity(_as_k(a), _as_k(b)), QAF_AS_K)


def _written_interdental(word: Word) -> str:
    """The skeleton with a written dh or th read z or s (`_interdental`); not a d and an h the
    skeleton joins once the vowel between is gone (Vahideh)."""
    if "dh" not in word.fold and "th" not in word.fold:
        return word.skeleton
    return name_words(word.fold.replace("dh", "z").replace("th", "s"))[0].skeleton


def _zad_written_d(a: Word, b: Word) -> bool:
    """Two spellings one where the other writes d for ض or ظ, which Arabic romanisations do
    (Rida, Ridha, Reza; Kadim, Kazem; Murtada, Morteza): their consonants alike but for one d
    against a z (or dh, th read the Persian way)."""
    x, y = inner_consonants(_written_interdental(a)), inner_consonants(_written_interdental(b))
    if min(len(x), len(y)) < _MIN_KEY - 1:  # two consonants: Rida, Reza
        return False
    if len(x) != len(y):
        return False
    apart = [{p, q} for p, q in zip(x, y, strict=True) if p != q]
    return apart == [{"d", "z"}]


def _arabic_d_persian_z(a: Word, b: Word) -> bool:
    """Of two Latin spellings one d apart from a z, the d written by an Arabic romanisation
    (no e: Kadim, Rida; Murtada, whose u the fold writes o) and the z by a Persian one (an e
    or an o: Kazem, Reza, Morteza); between two Persian ones a d and a z are two names
    (Naderi, Nazari; Izadi, Azizi). A dh is Arabic whatever the vowels (Ridha)."""
    if "dh" in a.fold or "dh" in b.fold:
        return True
    d_word, z_word = (a, b) if a.skeleton.count("d") > b.skeleton.count("d") else (b, a)
    return "e" not in d_word.fold and any(v in z_word.fold for v in "eo")


def _zad_as_d(a: Word, b: Word) -> float:
    """d against dh, both Arabic romanisations of the letter, its vowels alike: one sound
    (Rida, Ridha); d against z, an Arabic and a Persian reading, whose vowels differ as often
    (Kadim, Kazem): as a long vowel written, no nearer than a slip (Nadim is no Nazim)."""
    if ("dh" in a.fold + " " + b.fold) and _vowels_where(a.fold.replace("dh", "d")) == _vowels_where(
        b.fold.replace("dh", "d")
    ):
        return CROSS_SCRIPT_PHONETIC
    return VOWEL_VARIANT


@dataclass(frozen=True, slots=True)
class Agreement:
    """One row of the agreement table: two tokens (a query's, a registered one) written in
    `scripts` that meet `when` are `gives` alike. The first row that applies decides."""

    name: str
    # "any", "latin" (both Latin), "persian" (both Persian script) or "across" (one of each).
    scripts: str
    when: Callable[[Word, Word], bool]
    gives: float | Callable[[Word, Word], float]
    why: str
    # (query word, registered word, similarity): pairs this row must decide, as it must. A
    # query word written "~word" is one the register does not know (`typed_word`).
    examples: tuple[tuple[str, str, float], ...] = ()

    def similarity(self, a: Word, b: Word) -> float:
        return self.gives if isinstance(self.gives, float) else self.gives(a, b)


def _row(
    name: str,
    scripts: str,
    when: Callable[[Word, Word], bool],
    gives: float | Callable[[Word, Word], float],
    why: str,
    *examples: tuple[str, str, float],
) -> Agreement:
    return Agreement(name, scripts, when, gives, why, examples)


def _read_row(
    name: str, read: Callable[[Word], Word | None], cap: float, why: str, *examples: tuple[str, str, float]
) -> Agreement:
    """A Latin row for letters one romanisation writes another way (`read`: the spelling so
    read, None when it has no such letters): two spellings of which one has them, alike once
    read, are as similar as so read, up to `cap`."""

    def when(a: Word, b: Word) -> bool:
        read_a, read_b = read(a), read(b)
        return (read_a is None) != (read_b is None) and _alike_once_read(read_a or a, read_b or b)

    def gives(a: Word, b: Word) -> float:
        return min(_similarity(read(a) or a, read(b) or b), cap)

    return _row(name, "latin", when, gives, why, *examples)


def _across_read_row(
    name: str, read: Callable[[Word], Word | None], cap: float, why: str, *examples: tuple[str, str, float]
) -> Agreement:
    """An across row for letters a romanisation writes its own way (`read`): a Latin spelling
    that, so read, is a spelling of the Persian one (more alike than another name is) is as
    similar as so read, up to `cap`."""

    def read_pair(a: Word, b: Word) -> tuple[Word, Word | None]:
        persian, latin = (a, b) if a.persian else (b, a)
        return persian, read(latin)

    def when(a: Word, b: Word) -> bool:
        persian, latin = read_pair(a, b)
        return latin is not None and _similarity(persian, latin) > OTHER_NAME

    def gives(a: Word, b: Word) -> float:
        persian, latin = read_pair(a, b)
        assert latin is not None
        return min(_similarity(persian, latin), cap)

    return _row(name, "across", when, gives, why, *examples)


# The agreement table, in order: the first row whose scripts and condition fit two tokens
# gives their similarity. The last row of each script applies to any pair.
AGREEMENTS: tuple[Agreement, ...] = (
    _row(
        "same spelling",
        "any",
        lambda a, b: a.fold == b.fold,
        1.0,
        "written alike once folded",
        ("Hasan", "Hassan", 1.0),
        ("Sirwan", "Sirvan", 1.0),
        ("Amini", "امینی", 1.0),
    ),
    _row(
        "the Arabic article joined",
        "any",
        lambda a, b: _article_apart(a, b) >= _MATCHED,
        lambda a, b: min(_article_apart(a, b), ANOTHER_SPELLING),
        "al- written as one word with the name (Altamimi, الجبوری): alike as the names without it "
        "are, as another spelling at most (Al-Tamimi, in two words, is Tamimi)",
        ("Altamimi", "Tamimi", 0.99),
        ("Tameemi", "Altamimi", 0.99),
        ("الجبوری", "Jubouri", 0.85),
        ("Jaburi", "الجبوري", 0.99),
        ("الجبوری", "Aljubouri", 0.85),
    ),
    _row(
        "unlike",
        "any",
        lambda a, b: _unlike(a, b) and b.skeleton not in a.near and b.skeleton not in a.written,
        0.0,
        "most words met are other names: no rule below makes a spelling of them",
        ("رضا", "Hosseini", 0.0),
    ),
    _row(
        "typed",
        "any",
        lambda a, b: bool(a.near or a.written),
        _typed,
        "a word the register does not know: the names one slip from it come first, the closer the earlier",
        ("~Maryah", "Maryam", 0.975),
        ("~Maryah", "Mariam", 0.96),
        ("~Kaal", "Kamal", 0.954),
    ),
    _row(
        "another ending",
        "any",
        lambda a, b: (
            not (a.persian and b.persian)
            and ending_apart((a.fold, a.skeleton, a.persian), (b.fold, b.skeleton, b.persian))
            and not (a.persian != b.persian and _across(_long_u_written)(a, b))
        ),
        ANOTHER_ENDING,
        "a final ه or ة read -a and -eh: Fatima, Fatemeh, فاطمه; Sakina, Sakineh",
        ("Fatima", "Fatemeh", 0.96),
        ("Fatima", "فاطمه", 0.96),
        ("Sakina", "Sakineh", 0.96),
        ("عایشه", "Aisha", 0.96),
        ("عایشه", "Ayesha", 0.96),
    ),
    # Persian script writes a name one way (the keyboard's letters are folded): another
    # spelling with the same consonants is another name (صغری Soghra, اصغر Asghar).
    _row(
        "persian: same consonants",
        "persian",
        lambda a, b: a.skeleton == b.skeleton,
        SKELETON_MATCH,
        "one skeleton in Persian script",
        ("صغری", "اصغر", 0.95),
    ),
    _row(
        "persian: another name",
        "persian",
        lambda a, b: True,
        _other_name,
        "Persian script writes a name one way",
        ("محمد", "محمود", 0.7),
    ),
    _row(
        "across: alef against a consonant",
        "across",
        _across(lambda p, w: p.fold[0] in _VOWELS and w.fold[0] not in _VOWELS),
        _other_name,
        "a Persian name opening with alef is no Latin name opening with a consonant (اکبر Akbar, Kobra); "
        "a Latin vowel may stand for an unwritten ع (Ali, علی)",
        ("اکبر", "Kobra", 0.7),
    ),
    _row(
        "across: asked with a consonant first",
        "across",
        lambda a, b: a.consonant_first and b.fold[0] in _VOWELS,
        _other_name,
        "asked in Persian, its first letter is certain (معینی is no Amini); a Latin query may have "
        "its first letters swapped (asfari for صفری Safari)",
        ("معینی", "Amini", 0.7),
    ),
    _row(
        "across: vav read as v",
        "across",
        _across(lambda p, w: p.skeleton != w.skeleton and p.skeleton.replace("w", "v") == w.skeleton),
        SKELETON_MATCH,
        "و read as v: دانشور Daneshvar, توکلی Tavakoli",
        ("دانشور", "Daneshvar", 0.95),
        ("Tavakoli", "توکلی", 0.95),
    ),
    _row(
        "across: vav read otherwise",
        "across",
        _across(lambda p, w: w.skeleton in (_vav_read_as_vowel(p), _vav_read_as_v(p))),
        CROSS_SCRIPT_SPELLING,
        "و read as o before یا (رویا Roya) or as v between consonants (پریوش Parivash)",
        ("رویا", "Roya", 0.98),
        ("Parivash", "پریوش", 0.98),
    ),
    _row(
        "across: vav written o",
        "across",
        _across(_vav_written_o),
        CROSS_SCRIPT_SPELLING,
        "a و inside the name written as a short o (نوروزی Norouzi, کوروش Kourosh)",
        ("نوروزی", "Norouzi", 0.98),
        ("Kourosh", "کوروش", 0.98),
    ),
    _row(
        "across: final h after i unwritten",
        "across",
        _across(lambda p, w: p.skeleton == w.skeleton + "h" and w.skeleton.endswith("y")),
        CROSS_SCRIPT_SPELLING,
        "مرضیه Marzie: the final ه after a long i, unwritten",
        ("مرضیه", "Marzie", 0.98),
    ),
    _row(
        "across: same consonants, letters in order",
        "across",
        _across(lambda p, w: p.skeleton == w.skeleton and _in_order(p.fold, w.fold)),
        _across(_vowels_written),
        "all the agreement there can be across scripts, the more Latin vowels written long the better",
        ("فتاحی", "Fattahi", 0.99),
        ("فتحی", "Fattahi", 0.98),
        ("حسینی", "Hosseini", 0.985),
    ),
    _row(
        "across: same consonants",
        "across",
        _across(_skeleton_letters_agree),
        SKELETON_MATCH,
        "one skeleton, long enough or its letters agreeing",
        ("جلال", "Jal", 0.95),
        ("Emami", "امامی", 0.95),
        ("ایرج", "Iraj", 0.95),
    ),
    _row(
        "across: final h after a consonant",
        "across",
        _across(_final_h_apart),
        _other_name,
        "another name (صادق Sadegh, Sedigheh; وحیده Vahideh, Vahid)",
        ("وحیده", "Vahid", 0.7),
    ),
    _row(
        "across: qaf romanised k or g",
        "across",
        _across(
            lambda p, w: (
                len(p.skeleton) >= _MIN_KEY
                and len(p.skeleton) == len(w.skeleton)
                and p.phonetic == w.phonetic
                and p.skeleton != w.skeleton
                and all(x == y or (x == "q" and y in "kg") for x, y in zip(p.skeleton, w.skeleton, strict=True))
            )
        ),
        QAF_AS_K,
        "ق or غ written k or g, as Turkish, Kurdish and Dari romanisations do (قاسمیان Kasemian, یعقوب "
        "Yakub): a spelling of the name, under every spelling with q or gh; not the other way (عسگری Asghari)",
        ("قاسمیان", "Kasemian", 0.8),
        ("Sadeki", "صادقی", 0.8),
        ("باقری", "Bageri", 0.8),
    ),
    _row(
        "across: one sound",
        "across",
        _across(lambda p, w: p.phonetic == w.phonetic and len(p.skeleton) >= _MIN_KEY and _one_sound(p, w)),
        CROSS_SCRIPT_PHONETIC,
        "one sound written two ways in one letter (ژیلا Jila)",
        ("ژیلا", "Jila", 0.92),
    ),
    _row(
        "across: long vowel apart",
        "across",
        _across(
            lambda p, w: (
                len(p.skeleton) >= _MIN_KEY
                and inner_consonants(p.skeleton) == inner_consonants(w.skeleton)
                and _long_vowel_apart(p, w)
            )
        ),
        _other_name,
        "a ی or و the Latin spelling cannot be writing, or an ei it writes where the Persian has none: "
        "حسینی is no Hassani, محمود no Mohamed, حسن no Hossein",
        ("حسینی", "Hassani", 0.7),
        ("Mohamed", "محمود", 0.7),
        ("حسن", "Hossein", 0.7),
    ),
    _row(
        "across: long vowel written",
        "across",
        _across(
            lambda p, w: len(p.skeleton) >= _MIN_KEY and inner_consonants(p.skeleton) == inner_consonants(w.skeleton)
        ),
        VOWEL_VARIANT,
        "کاظم Kazim: a short vowel written as a long one; a u past the first syllable, the long u "
        "of another name or Dari's short one: محمد Mahmoud, کابلی Kabuli",
        ("کاظم", "Kazim", 0.85),
        ("محمد", "Mahmoud", 0.85),
        ("کابلی", "Kabuli", 0.85),
    ),
    _row(
        "across: Arabic letter romanised",
        "across",
        _across(
            lambda p, w: (
                ("dh" in w.skeleton or "th" in w.skeleton)
                and len(p.skeleton) >= _MIN_KEY
                and inner_consonants(interdental(w.skeleton)) == inner_consonants(p.skeleton)
            )
        ),
        VOWEL_VARIANT,
        "ذ ض ظ ث written dh, th from Arabic: کاظمی Kadhimi, عثمان Othman",
        ("کاظمی", "Kadhimi", 0.85),
        ("Uthman", "عثمان", 0.85),
    ),
    _row(
        "across: d for zad",
        "across",
        lambda a, b: _zad_written_d(a, b) and "d" in (a.skeleton if not a.persian else b.skeleton),
        VOWEL_VARIANT,
        "ض ظ written d from Arabic: مرتضی Murtada, کاظم Kadim",
        ("مرتضی", "Murtada", 0.85),
        ("Kadim", "کاظم", 0.85),
    ),
    _across_read_row(
        "across: u for a short o",
        _u_read_o,
        CROSS_SCRIPT_PHONETIC,
        "the short vowel zamma written u the Dari and Pashto way, o the Persian way: Gul is گل, Khuda is خدا",
        ("گل", "Gul", 0.92),
        ("Khuda", "خدا", 0.92),
    ),
    _across_read_row(
        "across: ch for sh",
        _ch_read_sh,
        VOWEL_VARIANT,
        "ش romanised ch the French way, as Latin spellings are read (latin: ch for sh): Bachir is بشیر",
        ("بشیر", "Bachir", 0.85),
        ("Aicha", "عایشه", 0.85),
    ),
    _across_read_row(
        "across: German romanisation",
        _german_read,
        CROSS_SCRIPT_PHONETIC,
        "ج, چ, خ and ی written dsch, tsch, ch and j the German way, in a spelling with dsch or tsch, "
        "as Latin spellings are read (latin: German romanisation): Dschamileh is جمیله",
        ("جمیله", "Dschamileh", 0.92),
        ("Chadidscheh", "خدیجه", 0.92),
    ),
    _row(
        "across: slip of the pen",
        "across",
        _slip_from_persian,
        SLIP,
        "asked in Latin, one slip of the pen from the Persian spelling (airi: امیری)",
        ("airi", "امیری", 0.85),
    ),
    _row(
        "across: another name",
        "across",
        lambda a, b: True,
        _other_name,
        "no rule of reading joins them",
        ("صادق", "Sedigheh", 0.7),
    ),
    # Two Latin spellings of one name share a skeleton or a phonetic key (or are a typo,
    # above); letters in common alone make another name (Ansari and Askari).
    _read_row(
        "latin: dj for j",
        _dj_read_j,
        ANOTHER_SPELLING,
        "ج romanised dj the French way: Djabbari is Jabbari",
        ("Djabbari", "Jabbari", 0.99),
        ("Djafar", "Jafar", 0.99),
    ),
    _row(
        "latin: German romanisation",
        "latin",
        lambda a, b: (_german_read(a) is None) != (_german_read(b) is None),
        _as_german,
        "ج, چ, خ and ی written dsch, tsch, ch and j the German way, in a spelling with dsch or tsch, "
        "against one without: alike as the German spelling so read is to the other",
        ("Dschamileh", "Jamileh", 0.99),
        ("Chadidscheh", "Khadijeh", 0.99),
        ("Chadidscheh", "Khadija", 0.96),
        ("Tschangizi", "Changizi", 0.99),
        ("Dschamal", "Kamal", 0.846),
    ),
    _read_row(
        "latin: diphthong written o",
        _diphthong_read_o,
        VOWEL_VARIANT,
        "a vowel and و closing a syllable, written ow, aw or ew by one romanisation and o by another: "
        "Towhid is Tohid, Hewrami is Horami, under their own spellings",
        ("Tohid", "Towhid", 0.85),
        ("Horami", "Hewrami", 0.85),
    ),
    _read_row(
        "latin: ch for sh",
        _ch_read_sh,
        VOWEL_VARIANT,
        "ش romanised ch the French way (the Maghreb, Lebanon): Hachemi is Hashimi, under its own "
        "spellings, since ch is چ in a Persian romanisation",
        ("Hachemi", "Hashimi", 0.847),
        ("Chaker", "Shakir", 0.847),
        ("Aicha", "Aisha", 0.85),
    ),
    _row(
        "latin: a feminine ending",
        "latin",
        lambda a, b: a.skeleton == b.skeleton and a.fold[0] == b.fold[0] and _feminine_ending(a.fold, b.fold),
        FEMININE_ENDING,
        "a name ending in a consonant or an i and the same name with a final a: the masculine and "
        "the feminine (Karim, Karima; Ali, Alia), or the a dropped by a slip: under every spelling "
        "of the name and a long vowel written (Taher, Tahir), over another name",
        ("Karim", "Karima", 0.84),
        ("Kareema", "Karim", 0.84),
        ("Taher", "Tahera", 0.84),
        ("Ali", "Alia", 0.84),
        ("Hadi", "Hadiya", 0.84),
    ),
    _row(
        "latin: another spelling",
        "latin",
        lambda a, b: (
            _same_skeleton(a, b)
            and a.fold[0] == b.fold[0]
            and (_vowels_where(a.fold) == _vowels_where(b.fold) or _short_e_apart(a.fold, b.fold))
        ),
        ANOTHER_SPELLING,
        "one skeleton, one first letter, vowels where the other writes them (Heidari, Heydari)",
        ("Heidari", "Heydari", 0.99),
        ("Tahmasebi", "Tahmasbi", 0.99),
    ),
    _row(
        "latin: same consonants",
        "latin",
        lambda a, b: _same_skeleton(a, b) and a.fold[0] == b.fold[0],
        lambda a, b: max(_latin_other_name(a, b), SKELETON_MATCH),
        "one skeleton, vowels in other places (Fathi, Fattahi)",
        ("Fathi", "Fattahi", 0.95),
    ),
    _row(
        "latin: opening vowels",
        "latin",
        lambda a, b: _same_skeleton(a, b) and a.fold[0] in _VOWELS and b.fold[0] in _VOWELS,
        LATIN_SKELETON_MATCH,
        "the skeleton drops a word-initial vowel: Elham and Ilham are one name",
        ("Elham", "Ilham", 0.9),
    ),
    _row(
        "latin: opening letters swapped",
        "latin",
        lambda a, b: _same_skeleton(a, b) and OSA.distance(a.fold, b.fold) == 1,
        lambda a, b: max(SKELETON_MATCH, TYPO_MATCH + TYPO_SPREAD * (1.0 - 1.0 / max(len(a.fold), len(b.fold)))),
        "the same consonants and two letters swapped, or an opening letter dropped: one name mistyped "
        "(aPnahi: Panahi; zadi: Izadi, though Mina is so a slip of Amina)",
        ("aPnahi", "Panahi", 0.975),
        ("Athere", "Tahereh", 0.977),
    ),
    _row(
        "latin: same consonants, another opening",
        "latin",
        _same_skeleton,
        _latin_other_name,
        "Ansari and Naseri, Asghar and Soghra are two names",
        ("Ansari", "Naseri", 0.7),
        ("Asghar", "Soghra", 0.7),
    ),
    _row(
        "latin: short name, a vowel apart",
        "latin",
        lambda a, b: a.skeleton == b.skeleton and _vowel_apart(a.fold, b.fold),
        ANOTHER_SPELLING,
        "a short name: Eisa, Isa",
        ("Eisa", "Isa", 0.99),
    ),
    _row(
        "latin: Arabic letter romanised",
        "latin",
        lambda a, b: _read_as_arabic(a, b) and interdental(a.skeleton) == interdental(b.skeleton),
        CROSS_SCRIPT_PHONETIC,
        "ذ ض ظ written dh or z, ث th or s: Murtadha, Murtaza; Othman, Osman",
        ("Murtadha", "Murtaza", 0.92),
        ("Othman", "Osman", 0.92),
    ),
    _row(
        "latin: Arabic letter romanised, a long vowel written",
        "latin",
        _read_as_arabic,
        VOWEL_VARIANT,
        "Kadhim, Kazem: dh for ظ and a short vowel written long",
        ("Kadhimi", "Kazemi", 0.85),
        ("Reza", "Ridha", 0.85),
    ),
    _row(
        "latin: one sound, vowels alike",
        "latin",
        lambda a, b: _one_sound_apart(a, b) and _vowels_where(a.fold) == _vowels_where(b.fold),
        ONE_SOUND,
        "ژ as zh or j: Zhila, Jila",
        ("Zhila", "Jila", 0.97),
        ("Jaleh", "Zhaleh", 0.97),
    ),
    _row(
        "latin: one sound",
        "latin",
        _one_sound_apart,
        CROSS_SCRIPT_PHONETIC,
        "one sound written two ways, the vowels in other places",
        ("Mozhgan", "Mojegan", 0.92),
    ),
    _row(
        "latin: one sound class",
        "latin",
        lambda a, b: (
            a.phonetic == b.phonetic
            and len(a.phonetic) >= 2
            and _same_length_but_classes(a, b)
            and _vowels_where(a.fold) == _vowels_where(b.fold)
        ),
        lambda a, b: max(_latin_other_name(a, b), CROSS_SCRIPT_PHONETIC),
        "Husain and Hossein write their vowels in the same places; Mahmoud and Mohammad do not",
        ("Husain", "Hossein", 0.92),
    ),
    _row(
        "latin: final h after i",
        "latin",
        lambda a, b: _silent_h(a, b) or _silent_h(b, a),
        ANOTHER_SPELLING,
        "Marzie, Marzieh",
        ("Marzie", "Marzieh", 0.99),
    ),
    _row(
        "latin: final h after a vowel",
        "latin",
        _final_h_after_vowel,
        ANOTHER_SPELLING,
        "the ending ة or ه written h or not after its vowel",
        ("Amina", "Aminah", 0.99),
        ("Zahrah", "Zahra", 0.99),
    ),
    _row(
        "latin: -ah read -eh",
        "latin",
        lambda a, b: (_ah_read_eh(a) is not None) != (_ah_read_eh(b) is not None) and _ah_as_eh(a, b) >= _MATCHED,
        _ah_as_eh,
        "the ending ة romanised -ah from Arabic, -eh from Persian: Fatemah is Fatemeh, so Fatima's",
        ("Fatemah", "Fatima", 0.96),
    ),
    _row(
        "latin: qaf written k or g",
        "latin",
        lambda a, b: ((_qaf_read_k(a) is None) != (_qaf_read_k(b) is None) and _alike_once_read(_as_k(a), _as_k(b))),
        _qaf_as_k,
        "ق written q by one romanisation and k or g by another (Qassim, Kasem, Gasem): the name, under "
        "its spellings with q or gh",
        ("Qassim", "Kasem", 0.8),
        ("Qassim", "Gasem", 0.8),
    ),
    _row(
        "latin: final d written t",
        "latin",
        lambda a, b: _final_t_apart(a, b) and _alike_once_read(_final_t_read_d(a) or a, _final_t_read_d(b) or b),
        _final_t_as_d,
        "a final د written t as Turkish does (Ahmet, Mahmut): one sound, under the name's own spellings",
        ("Ahmet", "Ahmad", 0.97),
        ("Mahmut", "Mahmud", 0.97),
    ),
    _row(
        "latin: d for zad",
        "latin",
        lambda a, b: _zad_written_d(a, b) and _arabic_d_persian_z(a, b),
        _zad_as_d,
        "ض ظ written d from Arabic, dh or z otherwise: Rida, Ridha; Kadim, Kazem (not Izadi, Azizi)",
        ("Rida", "Ridha", 0.92),
        ("Rida", "Reza", 0.85),
        ("Kadim", "Kazem", 0.85),
        ("Murtada", "Morteza", 0.85),
    ),
    _row(
        "latin: long vowel written",
        "latin",
        lambda a, b: inner_consonants(a.skeleton) == inner_consonants(b.skeleton) and _same_opening(a, b),
        lambda a, b: max(_latin_other_name(a, b), VOWEL_VARIANT + _nearer(a, b)),
        "Kazem and Kazim",
        ("Kazem", "Kazim", 0.846),
        ("Korami", "Karimi", 0.843),
        ("Mahmoud", "Mohammad", 0.841),
        ("Brahim", "Ebrahem", 0.844),
    ),
    _row(
        "latin: slip of the pen",
        "latin",
        _one_slip,
        lambda a, b: max(_latin_other_name(a, b), SLIP + _nearer(a, b)),
        "one slip away, even when the slip makes another registered spelling (Naeri, Naderi)",
        ("Korami", "Khorami", 0.847),
        ("Naeri", "Naderi", 0.847),
    ),
    _row(
        "latin: slip folded away",
        "latin",
        _slip_folded_away,
        lambda a, b: max(_latin_other_name(a, b), SLIP + _nearer(a, b)),
        "a slip between two like vowels that the fold writes once (Naari, folded nari: Nazari)",
        ("Naari", "Nazari", 0.843),
        ("Ibrahii", "Ibrahimi", 0.845),
    ),
    _row(
        "latin: another name",
        "latin",
        lambda a, b: True,
        _latin_other_name,
        "letters in common only",
        ("Ansari", "Askari", 0.7),
        ("Vahid", "Vahideh", 0.7),
        ("Qasem", "Kazem", 0.7),
        # A skeleton runs the d and the h of -zadeh together as the dh of Kadhimi; Ahmad opens
        # with a vowel Hamid lacks.
        ("Hamidzadeh", "Ahmadzadeh", 0.7),
    ),
)
_BY_SCRIPTS = {
    scripts: tuple(row for row in AGREEMENTS if row.scripts in ("any", scripts))
    for scripts in ("latin", "persian", "across")
}


def agreement(a: Word, b: Word) -> tuple[Agreement, float]:
    """The row of `AGREEMENTS` that decides how alike two tokens are, and their similarity."""
    scripts = "persian" if a.persian and b.persian else "across" if a.persian or b.persian else "latin"
    for row in _BY_SCRIPTS[scripts]:
        if row.when(a, b):
            return row, row.similarity(a, b)
    raise AssertionError(scripts)  # the last row of each script applies to any pair


@lru_cache(maxsize=262144)
def _similarity(a: Word, b: Word) -> float:
    """Similarity of two tokens in [0, 1] (`AGREEMENTS`). Across scripts the Latin vowels are
    unknown to the Persian side: an equal skeleton whose Persian letters all appear in the
    Latin spelling is all the agreement there can be; an equal skeleton or phonetic key nearly so."""
    return agreement(a, b)[1]


def _typo_closeness(a: Word, b: Word) -> float | None:
    """For a mistyped query word, how close a registered spelling one slip from it is, in
    [0, 1); None when it is no slip from it."""
    # In the same script the letters tell the slip; a Persian spelling, by its skeleton
    # (a first letter changed is left out: Kaal would be Jalal as much as Kamal).
    one_slip = OSA.distance(a.fold, b.fold) == 1 if a.persian == b.persian else b.skeleton in a.written
    if not one_slip and b.skeleton not in a.near:
        return None
    # Among those, the closer spelling: Kaal is Kamal before Jalal, Nira is Nima before Negar;
    # one slip of the pen (oShrab, Sohrab) is as close as spellings get.
    return 1.0 - 1.0 / max(len(a.fold), len(b.fold)) if one_slip else _spelling_closeness(a, b)


def _name_of(word: Word) -> tuple[str, bool]:
    """What tells one name from another among the spellings a typo may stand for: the
    skeleton, and whether the name opens on a vowel (Asghar, اصغر; not Soghra, صغری), which
    the skeleton leaves out."""
    opens_on_vowel = not word.consonant_first if word.persian else word.fold[:1] in _VOWELS
    return word.skeleton, opens_on_vowel


def judged_by_names(query: tuple[Word, ...], persons: list[dict]) -> tuple[Word, ...]:
    """The query with each mistyped word told, per registered name (`_name_of`), the closeness
    of the nearest Latin spelling of it among the persons to rank (see `_similarity`)."""
    out = []
    for word in query:
        if not (word.near or word.written) or word.persian:
            out.append(word)
            continue
        nearest: dict[tuple[str, bool], float] = {}
        for person in persons:
            for other, _label in _person_words(person):
                if not other.persian and (closeness := _typo_closeness(word, other)) is not None:
                    name = _name_of(other)
                    nearest[name] = max(closeness, nearest.get(name, 0.0))
        out.append(replace(word, closeness=tuple(sorted(nearest.items()))))
    return tuple(out)


def _person_words(person: dict) -> list[tuple[Word, str]]:
    """(token, which field) for every name part of the person, in each script recorded."""
    return _words_of(
        person["given_name"],
        person["given_name_original"],
        person["family_name"],
        person["family_name_original"],
        person["fathers_name"],
        person["fathers_name_original"],
    )


@lru_cache(maxsize=65536)
def _words_of(*names: str) -> list[tuple[Word, str]]:
    out: list[tuple[Word, str]] = []
    for label, name in zip(_NAME_LABELS, names, strict=True):
        if name:
            out.extend((w, label) for w in name_words(name, whole=True))
    return out


def _digit_slip(a: int, b: int) -> bool:
    """Years one keystroke apart: a digit mistyped (1985, 1995: ten years off) or two
    neighbouring digits swapped (1985, 1958)."""
    x, y = str(a), str(b)
    if len(x) != len(y):
        return False
    apart = [i for i in range(len(x)) if x[i] != y[i]]
    return len(apart) == 1 or (len(apart) == 2 and apart[1] == apart[0] + 1 and x[apart[0]] == y[apart[1]])


def _placeholder(born: dt.date) -> bool:
    """1 January, the date a register writes when only an age or a year was known: the year
    itself is an estimate."""
    return born.month == 1 and born.day == 1


def year_read(born: dt.date) -> tuple[int, bool]:
    """What `YEAR_AGREEMENTS` read of a recorded date of birth: its year, and whether it is a
    placeholder. Two dates read alike score alike against any year asked."""
    return born.year, _placeholder(born)


@dataclass(frozen=True, slots=True)
class YearAgreement:
    """One row of the year table: the year asked and a recorded date of birth that meet
    `when` are `gives` alike (in [0, 1]); the first row that applies decides."""

    name: str
    when: Callable[[int, dt.date | None], bool]
    gives: float
    why: str
    # (year asked, date recorded as YYYY-MM-DD or ""): pairs this row must decide.
    examples: tuple[tuple[int, str], ...] = ()


# The year of birth asked against the recorded date, in order. The similarities are set by
# hand as odds of one person, on the scale of `QueryScorer.score` (unknown is neutral):
# an exact year is strong evidence; one year off is as common a mistake as any (an age
# counted at another time of year); a placeholder 1 January is an estimate, so one or two
# years off it are nearly as good as the year; a digit slip happens, but is rarer than the
# years it makes meet by chance, so it ranks over another year and under an unknown one.
YEAR_AGREEMENTS: tuple[YearAgreement, ...] = (
    YearAgreement("unknown", lambda y, d: d is None, 0.3, "no date recorded: says nothing", ((1985, ""),)),
    YearAgreement(
        "same year",
        lambda y, d: d is not None and d.year == y,
        1.0,
        "born in the year asked",
        ((1985, "1985-06-02"), (1985, "1985-01-01")),
    ),
    YearAgreement(
        "estimated, a year or two off",
        lambda y, d: d is not None and _placeholder(d) and abs(d.year - y) <= 2,
        0.7,
        "a 1 January placeholder: the year was estimated",
        ((1985, "1986-01-01"), (1985, "1983-01-01")),
    ),
    YearAgreement(
        "one year off",
        lambda y, d: d is not None and abs(d.year - y) == 1,
        0.6,
        "an age counted at another time of year",
        ((1985, "1986-06-02"), (1985, "1984-12-31")),
    ),
    YearAgreement(
        "a digit slipped",
        lambda y, d: d is not None and _digit_slip(y, d.year),
        0.15,
        "a digit mistyped (ten years off) or two swapped",
        ((1985, "1995-06-02"), (1985, "1958-03-01")),
    ),
    YearAgreement("another year", lambda y, d: True, 0.0, "another person", ((1985, "1990-06-02"),)),
)


@dataclass(frozen=True, slots=True)
class DateAgreement:
    """One row of the date table: a whole date of birth asked (day, month and year) and the
    recorded date that meet `when` are `gives` alike; the first row that applies decides. A
    callable `gives` reads the rest from the year table."""

    name: str
    when: Callable[[dt.date, dt.date | None], bool]
    gives: float | Callable[[dt.date, dt.date | None], float]
    why: str
    # (date asked, date recorded), both as YYYY-MM-DD ("" for none): pairs this row must decide.
    examples: tuple[tuple[str, str], ...] = ()

    def similarity(self, asked: dt.date, born: dt.date | None) -> float:
        return self.gives if isinstance(self.gives, float) else self.gives(asked, born)


def _day_and_month_swapped(asked: dt.date, born: dt.date) -> bool:
    return born.day != born.month and (born.year, born.month, born.day) == (asked.year, asked.day, asked.month)


def _same_day_and_month(asked: dt.date, born: dt.date) -> bool:
    return (born.month, born.day) == (asked.month, asked.day) and not _placeholder(born)


# A whole date asked against the recorded one, in order, on the scale of YEAR_AGREEMENTS:
# the day and month tell apart namesakes born in one year, so the date asked ranks first,
# a slip of the date (day and month swapped, the year one off or a digit off on the very
# day) next, then a 1 January placeholder of the year (the day was never known), then
# another day of the year asked; any other date is judged by its year alone.
DATE_AGREEMENTS: tuple[DateAgreement, ...] = (
    DateAgreement("unknown", lambda a, d: d is None, 0.3, "no date recorded: says nothing", (("1985-03-12", ""),)),
    DateAgreement("same date", lambda a, d: d == a, 1.0, "born on the day asked", (("1985-03-12", "1985-03-12"),)),
    DateAgreement(
        "1 January asked",
        lambda a, d: _placeholder(a),
        lambda a, d: year_agreement(a.year, d).gives,
        "a 1 January asked is the placeholder of an estimated age: only its year says anything",
        (("1985-01-01", "1985-07-30"), ("1985-01-01", "1986-01-01")),
    ),
    DateAgreement(
        "day and month swapped",
        lambda a, d: d is not None and _day_and_month_swapped(a, d),
        0.95,
        "the day written as the month: one date in two orders",
        (("1985-03-12", "1985-12-03"),),
    ),
    DateAgreement(
        "the very day, the year slipped",
        lambda a, d: d is not None
        and _same_day_and_month(a, d)
        and (abs(d.year - a.year) == 1 or _digit_slip(a.year, d.year)),
        0.85,
        "the day and month asked, the year one off or a digit mistyped",
        (("1985-03-12", "1986-03-12"), ("1985-03-12", "1995-03-12")),
    ),
    DateAgreement(
        "estimated in the year",
        lambda a, d: d is not None and _placeholder(d) and d.year == a.year,
        0.9,
        "a 1 January placeholder of the year asked: the day was not known",
        (("1985-03-12", "1985-01-01"),),
    ),
    DateAgreement(
        "another day of the year",
        lambda a, d: d is not None and d.year == a.year,
        0.75,
        "born in the year asked, on another day: a namesake as often as a slip",
        (("1985-03-12", "1985-07-30"),),
    ),
    DateAgreement(
        "by the year",
        lambda a, d: True,
        lambda a, d: year_agreement(a.year, d).gives,
        "another year: as the year table says",
        (("1985-03-12", "1986-07-30"), ("1985-03-12", "1990-03-13")),
    ),
)


def date_agreement(asked: dt.date, born: dt.date | None) -> DateAgreement:
    """The row of `DATE_AGREEMENTS` that decides how the recorded date meets the date asked."""
    return next(row for row in DATE_AGREEMENTS if row.when(asked, born))


def year_agreement(year: int, born: dt.date | None) -> YearAgreement:
    """The row of `YEAR_AGREEMENTS` that decides how the recorded date meets the year asked."""
    return next(row for row in YEAR_AGREEMENTS if row.when(year, born))


def _year_score(year: int, born: dt.date | None) -> tuple[float, Message | None]:
    """How the recorded date meets the year asked (`YEAR_AGREEMENTS`), and the reason shown."""
    gives = year_agreement(year, born).gives
    if born is not None and born.year == year:
        return gives, message(BORN_IN, year=Number(born.year))
    if born is not None and abs(born.year - year) == 1:
        return gives, message(BORN_A_YEAR_OFF, year=Number(born.year))
    return gives, None


def _father_before_given(labels: list[str]) -> bool:
    """Whether the query word taken for the father's name comes before the one taken for the
    given name (`labels`: per query word, the label of the person's word it matched, "" for
    none): in every order a name is written in (given, father, family; family, given,
    father; "son of" after the name) the father's name follows the given name."""
    given = labels.index("given name") if "given name" in labels else -1
    return given >= 0 and FATHERS_NAME in labels[:given]


# The person's name fields (a dict's), in the order of `_NAME_FIELDS`.
_names_of: Callable[[dict], tuple[str, ...]] = operator.itemgetter(*_NAME_FIELDS)


def _as_recorded(person: dict, field_name: str) -> str:
    """The name of that field as it was recorded, in both scripts when both were (Bijan (بیژن))."""
    base = field_name.removesuffix("_original")
    latin, original = person[base], person[f"{base}_original"]
    return f"{latin} ({original})" if latin and original else latin or original


class QueryScorer:
    """Scores persons (dicts of `PERSON_NAME_FIELDS` and `date_of_birth`) against one query's
    name tokens and year of birth, each query word compared once with each spelling met.

    A person's names score as what the query's words match in them: per recorded field, its
    label and which of its words each query word (or two neighbours joined) matches, how
    closely (`_field`). Namesakes whose other names match nothing (most fathers' names) read
    alike, and each such reading is scored once per query (`_names_score`)."""

    def __init__(self, query: tuple[Word, ...], year: int | None, born: dt.date | None = None, sex: str = "") -> None:
        self.query = query
        self.year = born.year if born else year
        self.born = born
        self.sex = sex
        # Neighbouring query words together, for a name part written in one (Alireza).
        self.pairs = tuple(query[i].joined(query[i + 1]) for i in range(len(query) - 1))
        self._seen: list[dict[Word, float]] = [{} for _ in range(len(query) + len(self.pairs))]
        # Per name field's text met, the id of what the query's words match in it (-1: no
        # words); per id, the matches; per reading of a person's names, their score; per date
        # of birth, how it meets the year or date asked. Each once per query.
        self._fields: dict[str, int] = {}
        self._hit_ids: dict[tuple, int] = {}
        self._hits: list[tuple[tuple[int, int, float], ...]] = []
        # Per id of `_hits`: the field's words a name needs matched (not the article) and the
        # index of its words joined (`name_words(..., whole=True)`), for `_partly_named`.
        self._words: list[tuple[frozenset[int], int]] = []
        self._readings: dict[tuple[tuple[str, int], ...], float] = {}
        self._born: dict[dt.date | None, float] = {}

    def _field(self, name: str) -> int:
        """What the query's words match in a name field's text (`name_words(name, whole=True)`),
        as an id of `_hits`: (which query word, which word of the field, similarity), in the
        order of the field's words, for each similarity of `_MATCHED` or more (a word under it
        never counts); query words past the query's own are its pairs joined. -1 when the
        text has no words."""
        found = self._fields.get(name)
        if found is not None:
            return found
        words = name_words(name, whole=True)
        if not words:
            found = -1
        else:
            hits = []
            for j, word in enumerate(words):
                for k, query_word in enumerate((*self.query, *self.pairs)):
                    seen = self._seen[k]
                    raw = seen.get(word)
                    if raw is None:
                        raw = seen[word] = _similarity(query_word, word)
                    if raw >= _MATCHED:
                        hits.append((k, j, raw))
            own = len(words) - (len(words) > 1)  # the last of several is them joined
            needed = frozenset(j for j in range(own) if words[j].fold not in ARTICLES)
            key = (tuple(hits), needed, own)
            found = self._hit_ids.setdefault(key, len(self._hits))
            if found == len(self._hits):
                self._hits.append(tuple(hits))
                self._words.append((needed, own))
        self._fields[name] = found
        return found

    def _reading(self, person: dict) -> tuple[tuple[str, int], ...]:
        """The person's names as the query reads them: per field recorded with words, in the
        order of `_NAME_FIELDS`, its label and the id of its matches (`_field`)."""
        fields = self._fields
        reading = []
        for label, name in zip(_NAME_LABELS, _names_of(person), strict=True):
            if name:
                found = fields.get(name)
                if found is None:
                    found = self._field(name)
                if found >= 0:
                    reading.append((label, found))
        return tuple(reading)

    def _matches(self, reading: tuple[tuple[str, int], ...]) -> tuple[list[float], list[tuple[int, int] | None]]:
        """Per query token, the best match among the person's tokens, each used once: its
        score (a father's name weighing less) and which token, as (field of `reading`, word of
        it), None for none; of equal scores the first token. Two query tokens may together
        match one (Ali Reza = Alireza, Gholam Reza = a father Gholamreza)."""
        # (query word, which token, score, similarity), in the order of the person's tokens.
        found = [
            (k, (f, j), raw * FATHER_WEIGHT if label == FATHERS_NAME else raw, raw)
            for f, (label, hits) in enumerate(reading)
            for k, j, raw in self._hits[hits]
        ]
        used: set[tuple[int, int]] = set()
        scores: list[float] = []
        matched: list[tuple[int, int] | None] = []
        for k in range(len(self.query)):
            best, best_at = 0.0, None
            for q, at, s, _raw in found:
                if q == k and s > best and at not in used:
                    best, best_at = s, at
            if best_at is not None:
                used.add(best_at)
            scores.append(best)
            matched.append(best_at)
        for i in range(len(self.pairs)):
            if scores[i] + scores[i + 1] >= 2.0:  # both matched as they are: no joined word does better
                continue
            if self.query[i].fold in ARTICLES:  # the article and the name, joined, are the name: the
                continue  # article matched with it would count as a word of the person's
            k = len(self.query) + i
            best, best_raw, best_at = 0.0, 0.0, None
            for q, at, s, raw in found:
                if q == k and s > best:
                    best, best_raw, best_at = s, raw, at
            if best_raw >= JOINED_MATCH and best > (scores[i] + scores[i + 1]) / 2:
                scores[i] = scores[i + 1] = best
                matched[i], matched[i + 1] = best_at, None
        return scores, matched

    def score(self, person: dict) -> float:
        """How well the person fits the query, in [0, 1]: the mean of the query tokens'
        matches, and with a year asked, a quarter for the year of birth."""
        score = self._names_score(person) if self.query else 0.0
        if self.year:  # set whenever `born` is
            born = person["date_of_birth"]
            agrees = self._born.get(born)
            if agrees is None:
                agrees = self._born[born] = (
                    date_agreement(self.born, born).similarity(self.born, born)
                    if self.born
                    else year_agreement(self.year, born).gives
                )
            score = (1.0 - YEAR_WEIGHT) * score + YEAR_WEIGHT * agrees
        if self.sex and person.get("sex") in _SEXES and person["sex"] != self.sex:
            score -= OTHER_SEX
        return score

    def _names_score(self, person: dict) -> float:
        """The names' part of `score`: the mean of the query tokens' matches, less what tells
        a relative named by the query apart from the person; once per reading (`_reading`)."""
        reading = self._reading(person)
        score = self._readings.get(reading)
        if score is None:
            score = self._readings[reading] = self._reading_score(reading)
        return score

    def _reading_score(self, reading: tuple[tuple[str, int], ...]) -> float:
        scores, matched = self._matches(reading)
        # The Arabic article asked for and not written in the register (Al-Dawudi, Dawudi),
        # or written in another form (Ash-Shammari, Al-Shammari), is left out; matched, it counts.
        counted = [s for s, q in zip(scores, self.query, strict=True) if s or q.fold not in ARTICLES]
        score = sum(counted) / max(len(counted), 1)
        if len(counted) > 1:
            labels = [reading[m[0]][0] if m is not None else "" for m in matched]
            own = {label for label, _hits in reading if label != FATHERS_NAME}
            unnamed = own - set(labels)
            relative = min(len(unnamed), labels.count(FATHERS_NAME)) - counted.count(0.0)
            score -= UNNAMED_OWN_NAME * max(relative, 0)
            score -= FATHER_FIRST * _father_before_given(labels)
        return score - PARTLY_NAMED * self._partly_named(reading, matched)

    def _partly_named(self, reading: tuple[tuple[str, int], ...], matched: list[tuple[int, int] | None]) -> int:
        """How many of the person's own name fields the query matches only in part: a word of a
        compound it did not ask for (Gholam Reza to "Reza", Hosseini Nejad to "Hosseini")."""
        words: dict[int, set[int]] = {}
        for at in matched:
            if at is not None:
                words.setdefault(at[0], set()).add(at[1])
        partly = 0
        for f, js in words.items():
            label, hits = reading[f]
            needed, joined = self._words[hits]
            if label != FATHERS_NAME and joined not in js and not needed <= js:
                partly += 1
        return partly

    def why(self, person: dict) -> list[Message]:
        """The reasons shown beside a hit (asked only of the hits shown: scoring is the hot
        path): which of the person's names matched, as recorded, and the year of birth."""
        # The fields of `_reading(person)`, in its order.
        fields = [
            (field_name, name)
            for field_name, name in zip(_NAME_FIELDS, _names_of(person), strict=True)
            if name and name_words(name, whole=True)
        ]
        _scores, matched = self._matches(self._reading(person)) if self.query else ([], [])
        why: list[Message] = []
        seen: set[tuple[str, str]] = set()
        for q, m in zip(self.query, matched, strict=True):
            if m is None:
                continue
            field_name, name = fields[m[0]]
            base = field_name.removesuffix("_original")
            kind = SAME_NAME if q.fold == name_words(name, whole=True)[m[1]].fold else SOUNDS_LIKE
            if (base, kind) not in seen:
                seen.add((base, kind))
                why.append(message(kind, field=message(_FIELD_WORDS[base]), name=_as_recorded(person, field_name)))
        if self.year and (year_why := _year_score(self.year, person["date_of_birth"])[1]):
            why.append(year_why)
        return why
