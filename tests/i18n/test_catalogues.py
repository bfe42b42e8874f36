"""Every string the interface shows is translated in Persian and Arabic.

The strings are extracted afresh from the code and templates (Django's makemessages, as
docs/i18n.md tells translators to run it), so a string added later without its translation
fails here, naming it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.test import override_settings

import asylon

PACKAGE = Path(asylon.__file__).resolve().parent
LANGUAGES = ["fa", "ar"]
PLURALS = {"fa": 2, "ar": 6}
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%|%[sdr]|\{\{ *\w+ *\}\}")


def catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(PACKAGE / "locale" / lang / "LC_MESSAGES" / "django.po"))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> list[polib.POEntry]:
    if not shutil.which("xgettext"):
        if os.environ.get("ASYLON_REQUIRE_GETTEXT"):
            pytest.fail("xgettext is missing (apt-get install gettext)")
        pytest.skip("GNU gettext is not installed (apt-get install gettext)")
    root = tmp_path_factory.mktemp("extract") / "asylon"
    shutil.copytree(
        PACKAGE, root, ignore=shutil.ignore_patterns("locale", "static", "migrations", "__pycache__", "*.mo")
    )
    (root / "locale").mkdir()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with override_settings(LOCALE_PATHS=[]):
            call_command("makemessages", locale=["xx"], no_location=True, verbosity=0)
    finally:
        os.chdir(cwd)
    entries = [e for e in polib.pofile(str(root / "locale" / "xx" / "LC_MESSAGES" / "django.po")) if e.msgid]
    assert len(entries) > 500  # the extraction really ran over the whole package
    return entries


def placeholders(text: str) -> list[str]:
    return sorted(m.replace(" ", "") for m in PLACEHOLDER.findall(text))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_extracted_string_is_translated(extracted, lang):
    po = catalogue(lang)
    done = {(e.msgctxt, e.msgid): e for e in po if e.translated() and not e.obsolete}
    missing = [e.msgid for e in extracted if (e.msgctxt, e.msgid) not in done]
    assert not missing, f"{len(missing)} strings have no {lang} translation (see docs/i18n.md): " + "; ".join(
        missing[:20]
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_fuzzy_or_empty_translation(lang):
    po = catalogue(lang)
    assert not po.metadata_is_fuzzy
    assert not [e.msgid for e in po.fuzzy_entries()]
    assert not [e.msgid for e in po.untranslated_entries()]
    assert f"nplurals={PLURALS[lang]};" in po.metadata["Plural-Forms"]
    for e in po:
        if e.msgid_plural:
            assert len(e.msgstr_plural) == PLURALS[lang], e.msgid
            assert all(e.msgstr_plural.values()), e.msgid


@pytest.mark.parametrize("lang", LANGUAGES)
def test_placeholders_are_kept(lang):
    wrong = []
    for e in catalogue(lang):
        if e.msgid_plural:
            wanted = placeholders(e.msgid_plural)
            wrong += [(e.msgid, s) for s in e.msgstr_plural.values() if placeholders(s) != wanted]
        elif placeholders(e.msgstr) != placeholders(e.msgid):
            wrong.append((e.msgid, e.msgstr))
        if e.msgid.endswith(" ") != (e.msgstr or e.msgstr_plural.get(0, "")).endswith(" "):
            wrong.append((e.msgid, "trailing space"))
    assert not wrong


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_its_source(lang):
    """The committed .mo is what `asylon compilemessages` makes of the .po (no stale build)."""
    po = catalogue(lang)
    mo = polib.mofile(str(PACKAGE / "locale" / lang / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in mo if e.msgid}
    source = {(e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in po if e.translated()}
    assert compiled == source, "run: asylon compilemessages (see docs/i18n.md)"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_glossary_terms_are_the_catalogue_terms(lang):
    """The glossary's translation of a domain term is the one the interface shows."""
    po = {e.msgid: e.msgstr for e in catalogue(lang)}
    rows = []
    for line in (PACKAGE.parents[1] / "docs" / "glossary" / f"{lang}.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0] and not set(cells[0]) <= {"-", " "} and cells[0] != "English":
            rows.append(cells)
    assert len(rows) >= 25
    checked = 0
    for english, translation, *_ in rows:
        if english in po:
            assert po[english] == translation, english
            checked += 1
    assert checked >= 10
