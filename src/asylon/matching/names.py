"""Name normalisation across the Latin and Persian/Arabic scripts.

The same man reaches the register as "Mohammad Hosseini", "Muhammad Husseini",
"MOHAMAD HOSEINI" and "محمد حسینی". This module maps a name written in either script
to comparable keys:

- ``fold``: a normalised Latin form. Romanisation variants are folded (case, accents,
  ou/oo/u, -ei/-ee/-i endings, gh/q, kh/x, ph/f, doubled letters, Abdol-/Abdul-,
  the Mohammad family, Seyed/Sayyed, -zadeh, -pour, ...). A Persian-script name folds to
  a Latin skeleton without short vowels, because Persian script does not write them.
- ``skeleton``: consonants plus the long vowels Persian script writes (ی as ``y``,
  و as ``w``). Short vowels are dropped, so every spelling of one name meets here,
  while Hassan (hsn), Hossein (hsyn) and Hosseini (hsyny) stay apart.
- ``phonetic``: a looser key: consonant classes an Arabic keyboard or a romaniser
  confuses (p/b, v/f, g/k/q, ch/j/zh) merge, the ``w`` marker and a final silent h
  are dropped. It catches Yusuf/Yousef and Jaleh/Zhaleh; it also lets Mohammad and
  Mahmoud meet, so it is a blocking key, never proof.

Every rewrite is a named ``Rule`` in an ordered table, with examples, so each can be
read and tested on its own. The pipeline keeps an internal canonical alphabet where
each Persian sound is one character (``x`` kh, ``š`` sh, ``č`` ch, ``ž`` zh, ``q`` gh/q)
so that keys never confuse the digraph "sh" with s followed by h.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "DIGRAPHS",
    "JOIN_RULES",
    "PERSIAN_LETTERS",
    "PERSIAN_RULES",
    "SPELLING_RULES",
    "NameKeys",
    "Rule",
    "fold",
    "is_persian_script",
    "name_keys",
    "phonetic",
    "skeleton",
    "token_keys",
    "tokens",
    "word_skeleton",
]


@dataclass(frozen=True, slots=True)
class Rule:
    """One rewrite of the normalisation pipeline, applied to the whole name."""

    name: str
    pattern: re.Pattern[str]
    replacement: str | Callable[[re.Match[str]], str]
    why: str
    examples: tuple[tuple[str, str], ...] = ()
    # Substrings of which every match contains one: a cheap search that skips the
    # rewrite on most names, which keeps fold fast.
    triggers: tuple[str, ...] = ()
    hint: re.Pattern[str] | None = None

    def apply(self, text: str) -> str:
        if self.hint is not None and self.hint.search(text) is None:
            return text
        return self.pattern.sub(self.replacement, text)


def _rule(
    name: str,
    pattern: str,
    replacement: str,
    why: str,
    *examples: tuple[str, str],
    triggers: tuple[str, ...] = (),
) -> Rule:
    hint = re.compile("|".join(map(re.escape, triggers))) if triggers else None
    return Rule(name, re.compile(pattern), replacement, why, examples, triggers, hint)


# Letters of the canonical alphabet, used to find word edges inside patterns.
_LETTER = "a-zšžč"
_CONSONANT = "b-df-hj-np-tv-xzšžč"  # y is left out: it is a vowel marker here
_ARABIC_LETTER = "\u0621-\u064a\u0671-\u06d3\u06d5\u06a4"

# --- Persian/Arabic script -------------------------------------------------------------

# Arabic letter forms that Persian writes differently; an Iraqi keyboard types the
# Arabic form, so both must meet before transliteration.
ARABIC_VARIANTS: dict[str, str] = {
    "\u064a": "\u06cc",  # ي Arabic yeh -> ی
    "\u0649": "\u06cc",  # ى alef maksura -> ی (final-alef words are fixed by a rule)
    "\u0643": "\u06a9",  # ك Arabic kaf -> ک
    "\u0629": "\u0647",  # ة teh marbuta -> ه (Fatima/Fatemeh end in the same sound)
    "\u06d5": "\u0647",  # ە (left of ۀ after decomposition) -> ه
    "\u0671": "\u0627",  # ٱ alef wasla -> ا
}

# Transliteration of Persian letters to the canonical alphabet. ح and ه carry an
# apostrophe so that س+ه is not read back as the digraph "sh"; the apostrophe is
# dropped once digraphs are resolved.
PERSIAN_LETTERS: dict[str, str] = {
    "\u0627": "a",  # ا alef (also آ أ إ after their marks are stripped)
    "\u0628": "b",  # ب
    "\u067e": "p",  # پ Persian pe
    "\u062a": "t",  # ت
    "\u062b": "s",  # ث
    "\u062c": "j",  # ج
    "\u0686": "č",  # چ Persian che
    "\u062d": "'h",  # ح
    "\u062e": "x",  # خ kh
    "\u062f": "d",  # د
    "\u0630": "z",  # ذ
    "\u0631": "r",  # ر
    "\u0632": "z",  # ز
    "\u0698": "ž",  # ژ Persian zhe
    "\u0633": "s",  # س
    "\u0634": "š",  # ش
    "\u0635": "s",  # ص
    "\u0636": "z",  # ض
    "\u0637": "t",  # ط
    "\u0638": "z",  # ظ
    "\u0639": "",  # ع ain: romanisers drop it (Ali, Jafar, Abbas)
    "\u063a": "q",  # غ gh
    "\u0641": "f",  # ف
    "\u0642": "q",  # ق q, pronounced like غ in Persian
    "\u06a9": "k",  # ک
    "\u06af": "g",  # گ Persian gaf
    "\u0644": "l",  # ل
    "\u0645": "m",  # م
    "\u0646": "n",  # ن
    "\u0648": "u",  # و as a vowel; as a consonant it is rewritten to v first
    "\u0647": "'h",  # ه
    "\u06cc": "i",  # ی as a vowel; word-initially it is rewritten to y first
    "\u0621": "",  # ء hamza (also left of ؤ ئ after their marks are stripped)
    "\u06a4": "v",  # ڤ veh, used in Iraq for v
}

_A = _ARABIC_LETTER
PERSIAN_RULES: tuple[Rule, ...] = (
    _rule(
        "persian-abdollah",
        rf"(?<![{_A}])عبد\s*الله",
        "abdolah",
        "Abdollah is written with the article; romanisers write Abdollah",
        ("عبدالله", "abdolah"),
        triggers=("عبد",),
    ),
    _rule(
        "persian-abdol",
        rf"(?<![{_A}])عبد\s*ال",
        "abdol",
        "the article of Abd-al- is pronounced ol in Persian and always romanised",
        ("عبدالرضا", "abdolرضا"),
        triggers=("عبد",),
    ),
    _rule(
        "persian-abol",
        rf"(?<![{_A}])ابو\s*ال",
        "abol",
        "Abu-al- is pronounced abol; the و is a vowel, not v",
        ("ابوالفضل", "abolفضل"),
        triggers=("ابو",),
    ),
    _rule(
        "persian-zol",
        rf"(?<![{_A}])ذو\s*ال",
        "zol",
        "Dhu-al- is pronounced zol; the و is a vowel, not v",
        ("ذوالفقاری", "zolفقاری"),
        triggers=("ذو",),
    ),
    _rule(
        "persian-ollah",
        r"\s*الله",
        "olah",
        "-ollah names (Nasrollah, Ruhollah) write the article; also joins a spaced form",
        ("نصر الله", "نصرolah"),
        triggers=("الله",),
    ),
    _rule(
        "persian-oddin",
        r"\s*الدین",
        "odin",
        "-oddin names (Nasreddin) write the article the Latin form assimilates",
        ("نصرالدین", "نصرodin"),
        triggers=("الدین",),
    ),
    _rule(
        "persian-zadeh",
        rf"\s*زاده(?![{_A}])",
        "zadeh",
        "the suffix -zadeh is written joined, with ZWNJ or spaced",
        ("حسن زاده", "حسنzadeh"),
        triggers=("زاده",),
    ),
    _rule(
        "persian-pour",
        rf"\s*پور(?![{_A}])",
        "pur",
        "the suffix -pour is written joined, with ZWNJ or spaced",
        ("علی پور", "علیpur"),
        triggers=("پور",),
    ),
    _rule(
        "persian-nezhad",
        rf"\s*نژاد(?![{_A}])",
        "nežad",
        "the suffix -nezhad is written joined, with ZWNJ or spaced",
        ("نیک نژاد", "نیکnežad"),
        triggers=("نژاد",),
    ),
    _rule(
        "persian-khwa",
        r"خوا",
        "xa",
        "the و of خوا is silent (Nikkhah, Khajeh)",
        ("نیکخواه", "نیکxaه"),
        triggers=("خوا",),
    ),
    _rule(
        "persian-final-alef-yeh",
        rf"(?<![{_A}])(مصطف|مرتض|مجتب|موس|عیس|یحی|کبر|صغر|هد|طوب)ی(?![{_A}])",
        "\\1ا",
        "in these Arabic names a final ی is read as a (Mostafa, Musa, Kobra)",
        ("مصطفی", "مصطفا"),
        ("موسوی", "موسوی"),
        triggers=("مصطف", "مرتض", "مجتب", "موس", "عیس", "یحی", "کبر", "صغر", "هد", "طوب"),
    ),
    _rule(
        "persian-vav-consonant",
        rf"(?<![{_A}])و|(?<=ا)و|و(?=[ای])",
        "v",
        "و is v at the start of a word, after alef or before a vowel letter (Vahid, Davood, Mousavi)",
        ("وحید", "vحید"),
        ("موسوی", "موسvی"),
        ("محمود", "محمود"),
    ),
    _rule(
        "persian-yeh-consonant",
        rf"(?<![{_A}])ی",
        "y",
        "ی is y at the start of a word (Yousef)",
        ("یوسف", "yوسف"),
    ),
)
del _A

# --- Latin script ----------------------------------------------------------------------

# Digraphs that write one Persian sound; each becomes one canonical character.
DIGRAPHS: dict[str, str] = {
    "sch": "š",  # German-style romanisation (Dariusch, Schirin)
    "sh": "š",
    "dj": "j",  # French-style romanisation (Madjid); only after a vowel, not Sanandaj
    "ch": "č",
    "zh": "ž",
    "kh": "x",
    "x": "x",  # x is already used for kh by some romanisers (Xalil)
    "gh": "q",  # غ and ق sound alike in Persian: Bagheri = Baqeri
    "q": "q",
    "ph": "f",
    "c": "k",
    "w": "v",  # و as a consonant: Wahid = Vahid
}
_DIGRAPH_RE = re.compile("|".join(sorted(DIGRAPHS, key=len, reverse=True)).replace("dj", "(?<=[aeiou])dj"))

_J = _LETTER
# Rules that join bound parts of a name written apart ("Abdol Reza" = "Abdolreza"). They
# run on the whole cleaned name, before the per-token steps.
JOIN_RULES: tuple[Rule, ...] = (
    _rule(
        "abdol",
        r"\babd\s*[aeiou]l\s*",
        "abdol",
        "Abdol-/Abdul-/Abdel-/Abd al- are one prefix, written joined or apart",
        ("abdul reza", "abdolreza"),
        ("abd al rahman", "abdolrahman"),
        ("abdelkarim", "abdolkarim"),
        triggers=("abd",),
    ),
    _rule(
        "abdol-assimilated",
        r"\babd[aeiou]([rstzdn])\s*(?=\1)",
        "abdol",
        "the article assimilates to a sun letter (Abdurrahman = Abdolrahman)",
        ("abdurrahman", "abdolrahman"),
        ("abdor rahim", "abdolrahim"),
        triggers=("abd",),
    ),
    _rule(
        "abol",
        r"\bab[ou]\s*[aou]?l\s+",
        "abol",
        "Abu al- / Abol- is one prefix (Abolfazl)",
        ("abu al fazl", "abolfazl"),
        ("abol hasan", "abolhasan"),
        triggers=("ab",),
    ),
    _rule(
        "ollah",
        rf"(?<=[{_J}])(?:\s+[aeiou]?l{{1,2}}|[aeiou]l{{2}}|[ou]l)ah\b",
        "olah",
        "-allah/-ollah/-ullah is one suffix; a single l after a is left alone (Salah)",
        ("nasrallah", "nasrolah"),
        ("rahmat ollah", "rahmatolah"),
        ("ruhullah", "ruholah"),
        ("salah", "salah"),
        triggers=("lah",),
    ),
    _rule(
        "oddin",
        # i+n+: doubled letters are folded later, so "dinn" must already count here.
        rf"(?<=[{_J}])(?:\s+(?:[aeiou][ld]\s*)?d{{1,2}}|[eou]d{{1,2}}|[ao]dd)i+n+\b",
        "odin",
        "-eddin/-oddin/-uddin/al-Din is one suffix",
        ("nasreddin", "nasrodin"),
        ("nasr al din", "nasrodin"),
        triggers=("din",),
    ),
    _rule(
        "suffix-join",
        r"\s+(?=(?:zad[ae]h?|p(?:ou|oo|u)r|n[ei](?:j|ž|zh)h?ad)(?![a-zšžč']))",
        "",
        "family-name suffixes -zadeh, -pour, -nejad are written joined or apart; one joined to "
        "what follows (پورحسینی, pur'hsini once transliterated) is a prefix of that word",
        ("hasan zadeh", "hasanzadeh"),
        ("ali pour", "alipour"),
        ("nik nejad", "niknejad"),
        ("narges pur'hsini", "narges pur'hsini"),
        triggers=(" z", " p", " n"),
    ),
)
del _J
# One search that tells whether any join rule can apply; most names need none.
_JOIN_HINT = re.compile("|".join(re.escape(t) for rule in JOIN_RULES for t in rule.triggers))

_C = _CONSONANT
# Rules that fold romanisation variants of one name to one spelling. They run on one
# token in the canonical alphabet, after digraphs.
SPELLING_RULES: tuple[Rule, ...] = (
    _rule(
        "mohammad",
        r"m[ou]+h+[aeu]+m+[aeu]+d|mehme[dt]|\bmohd\b",
        "mohamad",
        "the Mohammad family has many spellings, also inside compounds (Alimohammadi)",
        ("muhammad", "mohamad"),
        ("mohammed", "mohamad"),
        ("mehmet", "mohamad"),
        ("alimohammadi", "alimohamadi"),
        triggers=("mo", "mu", "meh"),
    ),
    _rule(
        "seyed",
        r"\bs[ae]?y+[ie]?d\b",
        "seyed",
        "the title Seyed is spelled Sayyed, Seyyed, Sayyid, Syed",
        ("sayyed", "seyed"),
        ("syed", "seyed"),
        triggers=("sy", "ay", "ey"),
    ),
    _rule(
        "short-u-geminate",
        rf"(?<![aeiou])u(?=([{_C}])\1)",
        "o",
        "Arabic-style romanisation writes a short o as u before a doubled consonant (Husseini)",
        ("husseini", "hosseini"),
        ("hussain", "hossain"),
        triggers=("u",),
    ),
    _rule(
        "short-u-arabic",
        r"\b([mks])u(?=st|rt|jt|br|qr)",
        "\\1o",
        "Arabic-style u for Persian short o in Mustafa, Murtaza, Mujtaba, Kubra, Sughra",
        ("mustafa", "mostafa"),
        ("kubra", "kobra"),
        triggers=("mu", "ku", "su"),
    ),
    _rule(
        "long-u",
        r"o[ou]",
        "u",
        "ou, oo and u all write و (Mahmoud, Mahmood, Mahmud)",
        ("mahmoud", "mahmud"),
        ("davood", "davud"),
        triggers=("oo", "ou"),
    ),
    _rule("long-i", r"ee", "i", "ee writes ی (Nasreen = Nasrin)", ("nasreen", "nasrin"), triggers=("ee",)),
    _rule(
        "final-i",
        rf"(?<![aeiouy])([aou]*)[eiy]*[iy][eiy]*(?![{_LETTER}])",
        "\\1i",
        "the ending ی is written -i, -y, -ee, -ei, -ie (Rezaei, Rezaie, Mahdy, Hosseiny)",
        ("rezaei", "rezai"),
        ("rezaie", "rezai"),
        ("mahdy", "mahdi"),
        ("hoseiny", "hoseini"),
        ("soraya", "soraya"),
        triggers=("i", "y"),
    ),
    _rule(
        "final-e",
        rf"(?<=[{_C}])e(?![{_LETTER}])",
        "eh",
        "a final silent ه is written -e or -eh (Fateme = Fatemeh)",
        ("fateme", "fatemeh"),
        ("zade", "zadeh"),
        triggers=("e",),
    ),
    _rule(
        "final-ow",
        rf"ov(?![{_LETTER}])",
        "o",
        "a final و is written -ow or -o (Khosrow = Khosro)",
        ("xosrov", "xosro"),
        triggers=("ov",),
    ),
    _rule(
        "nezhad",
        rf"n[ei](?:jh?|ž)ad(?![{_LETTER}])",
        "nežad",
        "the suffix نژاد is written -nejad, -nezhad, -nejhad",
        ("niknejad", "niknežad"),
        triggers=("ad",),
    ),
    _rule(
        "zadeh",
        rf"zad[ae]h?(?![{_LETTER}])",
        "zadeh",
        "the suffix زاده is written -zadeh, -zade, -zada",
        ("alizada", "alizadeh"),
        triggers=("zad",),
    ),
    _rule(
        "doubled",
        rf"([{_LETTER}])\1+",
        "\\1",
        "doubled letters are optional in romanisation, and Persian script marks them only with a "
        "shadda that is rarely written",
        ("hosseini", "hoseini"),
        ("zahraa", "zahra"),
    ),
)
del _C

# Characters outside Unicode decomposition that romanised names do contain.
_SPECIAL_LATIN = str.maketrans({"ı": "i", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th"})
_APOSTROPHES = str.maketrans({c: "'" for c in "’‘ʼʻʿʾ`´"})
_IGNORED = str.maketrans({c: None for c in "\u0640\u200c\u200d\u200e\u200f\u061c"})  # tatweel, ZW(N)J, marks
# Accents, tashkeel and hamza marks (every character with a combining class) in the
# blocks where Latin and Arabic-script names are written; deleting them with translate
# keeps the loop in C. Marks of other scripts are dropped later with their letters.
_COMBINING_MARKS = dict.fromkeys(
    cp for cp in itertools.chain(range(0x3000), range(0xFE00, 0xFE30)) if unicodedata.combining(chr(cp))
)
_CARON = re.compile("([scz])\u030c")
_CARON_LETTER = {"s": "š", "c": "č", "z": "ž"}
_ARABIC_VARIANTS = str.maketrans(ARABIC_VARIANTS)
_PERSIAN_LETTERS = str.maketrans(PERSIAN_LETTERS)
_HAS_ARABIC = re.compile(f"[{_ARABIC_LETTER}]")
_NOT_NAME = re.compile(r"[^a-zšžč' ]+")


def is_persian_script(name: str | None) -> bool:
    """True when the name holds Persian/Arabic letters."""
    return name is not None and _HAS_ARABIC.search(name) is not None


def _strip_marks(text: str) -> str:
    """Decompose and drop accents, tashkeel and hamza marks, keeping š č ž."""
    # ؤ is a hamza seat read as a short o (Mo'men), not the vowel و it decomposes to.
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL_LATIN).replace("\u0624", "\u0621"))
    text = _CARON.sub(lambda m: _CARON_LETTER[m.group(1)], text)
    return text.translate(_COMBINING_MARKS)


def _transliterate(text: str) -> str:
    text = text.translate(_ARABIC_VARIANTS)
    for rule in PERSIAN_RULES:
        text = rule.apply(text)
    return text.translate(_PERSIAN_LETTERS)


def _clean(name: str) -> str:
    """Lower-case Latin text with apostrophes, whatever script the name came in."""
    text = name.casefold()
    if not text.isascii():
        text = _strip_marks(text).translate(_IGNORED)
        if _HAS_ARABIC.search(text):
            text = _transliterate(text)
        text = text.translate(_APOSTROPHES)
    return _NOT_NAME.sub(" ", text)


def _digraph(match: re.Match[str]) -> str:
    return DIGRAPHS[match.group()]


def _spell(token: str) -> str:
    # One rule can leave a pattern for another (folding "ovv" to "ov" leaves an "ov" to fold):
    # apply the rules until nothing changes, so that folding a folded name changes nothing.
    for _round in range(4):
        before = token
        for rule in SPELLING_RULES:
            token = rule.apply(token)
        if token == before:
            break
    return token


# Rendering back to plain Latin: an apostrophe keeps s+h apart from the digraph sh,
# so that folding a folded name changes nothing.
_AMBIGUOUS_PAIR = re.compile("(?<=[skzgp])(?=h)|(?<=s)(?=č)")
_RENDER = str.maketrans({"x": "kh", "š": "sh", "č": "ch", "ž": "zh"})


def _render(canonical: str) -> str:
    return _AMBIGUOUS_PAIR.sub("'", canonical).translate(_RENDER)


_VOWEL_RUN = re.compile("[aeiouy]+")


def _vowel_marker(match: re.Match[str]) -> str:
    run = match.group()
    if match.start() == 0:
        # A word-initial vowel is written with a bare alef (Ebrahim, Iraj, Omid):
        # only a consonant y survives.
        return "y" if run[0] == "y" else ""
    if "i" in run or "y" in run:
        return "y"  # ی
    if "u" in run:
        return "w"  # و as a vowel
    return ""  # short vowels, which Persian script does not write


_COLLAPSE = re.compile(r"(.)\1+")


def _skeleton_token(canonical: str) -> str:
    return _COLLAPSE.sub(r"\1", _VOWEL_RUN.sub(_vowel_marker, canonical))


# Sounds an Arabic keyboard or a romaniser substitutes for one another.
_PHONETIC_CLASSES = str.maketrans({"p": "b", "v": "f", "g": "k", "q": "k", "č": "j", "ž": "j", "w": None})


def _phonetic_token(skeleton_token: str) -> str:
    key = skeleton_token.translate(_PHONETIC_CLASSES)
    if len(key) > 1 and key.endswith("h"):
        key = key[:-1]  # a final ه is silent: Fatemeh = Fatima
    return _COLLAPSE.sub(r"\1", key)


@lru_cache(maxsize=131072)
def _token_keys(token: str) -> tuple[str, str, str]:
    """Fold, skeleton and phonetic key of one cleaned token.

    Cached: a register's names are drawn from a small vocabulary, so almost every
    token has been seen before and a name costs little more than its cleaning.
    """
    # Apostrophes go after digraphs, so that s'h stays two letters.
    canonical = _spell(_DIGRAPH_RE.sub(_digraph, token).replace("'", ""))
    skeleton_key = _skeleton_token(canonical)
    return _render(canonical), skeleton_key, _phonetic_token(skeleton_key)


@lru_cache(maxsize=65536)
def _name_tokens(name: str) -> tuple[str, ...]:
    """The cleaned tokens of a name, bound parts joined (cached: field values repeat)."""
    text = _clean(name)
    if _JOIN_HINT.search(text) is not None:
        text = " ".join(text.split())
        for rule in JOIN_RULES:
            text = rule.apply(text)
    tokens = tuple(text.split())
    # A join can need the folded spelling ("a zadehh" meets the -zadeh join only as "a zadeh"):
    # join once more on the folded tokens, so that folding a folded name changes nothing.
    folded = " ".join(filter(None, (_token_keys(t)[0] for t in tokens)))
    if _JOIN_HINT.search(folded) is not None:
        rejoined = folded
        for rule in JOIN_RULES:
            rejoined = rule.apply(rejoined)
        if rejoined != folded:
            return tuple(rejoined.split())
    return tokens


def _key(name: str | None, which: int) -> str:
    if not name:
        return ""
    return " ".join(filter(None, (_token_keys(t)[which] for t in _name_tokens(name))))


def token_keys(name: str | None) -> list[tuple[str, str, str]]:
    """(fold, skeleton, phonetic) of each token of the name, bound parts joined."""
    if not name:
        return []
    return [_token_keys(t) for t in _name_tokens(name)]


def fold(name: str | None) -> str:
    """A normalised Latin form of the name; "" for an empty name."""
    return _key(name, 0)


def skeleton(name: str | None) -> str:
    """Consonant skeleton with long-vowel markers (y for ی, w for و), one key per token."""
    return _key(name, 1)


def phonetic(name: str | None) -> str:
    """Loose key: skeleton with confusable consonants merged and u-markers dropped."""
    return _key(name, 2)


def tokens(full_name: str | None) -> list[str]:
    """The folded parts of a multi-part name; bound parts (Abdol Reza) stay one token."""
    return fold(full_name).split()


@dataclass(frozen=True, slots=True)
class NameKeys:
    fold: str
    skeleton: str
    phonetic: str

    @property
    def compact_skeleton(self) -> str:
        """Skeleton without spaces, so that "Mohammad Reza" meets "Mohammadreza"."""
        return self.skeleton.replace(" ", "")


_PLAIN_WORD = re.compile(r"[a-z']+")


def word_skeleton(word: str) -> str:
    """The skeleton of one lower-case Latin word, as `name_keys` gives it: without cleaning
    the text or joining bound parts when the word needs neither (four times cheaper, for the
    scores of spellings a typo is undone into)."""
    if _PLAIN_WORD.fullmatch(word) and _JOIN_HINT.search(word) is None:
        return _token_keys(word)[1]
    return name_keys(word).compact_skeleton


@lru_cache(maxsize=262144)
def name_keys(name: str | None) -> NameKeys:
    """All three keys of a name, computed in one pass (cached: comparing a register's pairs
    asks for the keys of each of its spellings many times)."""
    if not name:
        return NameKeys("", "", "")
    keys = [_token_keys(t) for t in _name_tokens(name)]
    return NameKeys(*(" ".join(filter(None, (k[i] for k in keys))) for i in range(3)))


# Latin endings of a name ending in ه or ة: -a/-ah (Arabic reading: Fatima, Sakina) and
# -e/-eh (Persian reading: Fatemeh, Sakineh).
_A_ENDINGS = ("a", "ah")
_E_ENDINGS = ("e", "eh")


_OPENING = re.compile(r"[aeiou]+(?:y[aeiou]*)?|")


@lru_cache(maxsize=65536)  # of one word, read for both words of each pair the ranking compares
def _ending_stem(fold_: str, skeleton_: str, persian: bool) -> tuple[str, str] | None:
    """The consonants before a final ه/ة and which ending is written (fa, a, e), or None."""
    if " " in fold_ or not skeleton_:
        return None
    if persian:
        kind = "fa" if fold_.endswith("h") else ""
    else:
        kind = "a" if fold_.endswith(_A_ENDINGS) else "e" if fold_.endswith(_E_ENDINGS) else ""
    if not kind:
        return None
    stem = skeleton_[:-1] if skeleton_.endswith("h") else skeleton_
    if len(stem) > 2:  # long vowels inside the name are written by one reading, not the other
        stem = stem[0] + stem[1:-1].replace("y", "").replace("w", "") + stem[-1]
    # A skeleton leaves out the opening vowels, which count as letters of the stem here
    # (Amena, Ameneh, امنه; Aisha, عایشه; not Sara, Sareh), and a y between them writes the
    # ی of the name (Ayesha, Aysha, عایشه).
    opening = _OPENING.match(fold_)
    letters = len(stem) + min(len(opening[0]) if opening else 0, 2)
    return (stem, kind) if letters >= 3 else None


def ending_apart(a: tuple[str, str, bool], b: tuple[str, str, bool]) -> bool:
    """Two spellings of one name ending in ه or ة, one read the Arabic way and the other the
    Persian way (Fatima, Fatemeh, فاطمه; Sakina, Sakineh; Tahira, Tahereh): the same
    consonants before the ending. Each side is (fold, skeleton, written in Persian script).
    A name ending in a consonant is another name with the ending (Vahid, Vahideh), and a
    stem of two letters tells too little (Sara, Sareh)."""
    left, right = _ending_stem(*a), _ending_stem(*b)
    return bool(left and right and left[0] == right[0] and left[1] != right[1])


def names_ending_apart(a: str, b: str) -> bool:
    """`ending_apart` of two written names."""
    ka, kb = name_keys(a), name_keys(b)
    return ending_apart((ka.fold, ka.skeleton, is_persian_script(a)), (kb.fold, kb.skeleton, is_persian_script(b)))
