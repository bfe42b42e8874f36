"""Issue 19, item 7: a page shows the words, never the stored code of a choice.

Every page of the access matrix is opened as every role, in English, on a world built
through the services (tests/access_matrix.py). The text a reader sees must not hold, as a
whole word, the stored value of any `TextChoices` member of Asylon whose label differs
from it (PRIMA_FACIE_GROUP, 1951_CONV, INTERVIEW_SCHEDULED, already_decided ...), nor a
country code standing alone where the country's name belongs (IR for Iran).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest
from django.db.models import TextChoices
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_countries import countries
from tests.access_matrix import MATRIX, ROLES, build_world, resolve
from tests.html_text import visible_text
from tests.signin import sign_in

import asylon
from asylon.accounts.roles import Role
from asylon.core.dates import today
from asylon.registry import specific_needs

TOKEN = re.compile(r"[\w-]+(?:\.[\w-]+)*")  # a dotted name (an audit action) is one token


def choice_codes() -> dict[str, str]:
    """Each code a reader must never see, with its English label.

    Codes that are also ordinary words or readable abbreviations are left out: a code
    counts when it holds an underscore, or is written in capitals (two or more letters),
    and its label says something else.
    """
    codes: dict[str, str] = {}
    for info in pkgutil.walk_packages(asylon.__path__, "asylon."):
        if ".migrations" in info.name or info.name.endswith(("__main__", "wsgi", ".cli")):
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, TextChoices) or cls is TextChoices or not cls.__module__.startswith("asylon."):
                continue
            with translation.override("en"):
                for member in cls:
                    value, label = str(member.value), str(member.label)
                    # A code the label itself holds as a word (UNHCR in "UNHCR (mandate)") is a word.
                    if value.casefold() == label.casefold() or value in TOKEN.findall(label):
                        continue
                    if "_" in value or (len(value) >= 2 and value.isupper() and value.isalpha()) or value[0].isdigit():
                        codes.setdefault(value, label)
    return codes


CODES = choice_codes()
# In Persian any stored value written in Latin letters is a code left raw, even one that is
# an English word ("approve", "register"): the Persian page must give its label.
ALL_VALUES = {
    str(member.value)
    for info in pkgutil.walk_packages(asylon.__path__, "asylon.")
    if ".migrations" not in info.name and not info.name.endswith(("__main__", "wsgi", ".cli"))
    for _, cls in inspect.getmembers(importlib.import_module(info.name), inspect.isclass)
    if issubclass(cls, TextChoices) and cls is not TextChoices and cls.__module__.startswith("asylon.")
    for member in cls
    if len(str(member.value)) >= 2 and str(member.value).isascii()
}
COUNTRY_CODES = {code for code, _ in countries}
# Codes a page may show beside their words: the choices, and UNHCR's specific-needs codes
# (SC, TR ... are also country codes), which the statistics list with their descriptions.
WITH_WORDS = dict(specific_needs.CODES) | CODES


def raw_codes(text: str) -> dict[str, str]:
    """Each raw code in `text`, with the words around its first appearance (for the message).

    A code written next to its own label ("SC Unaccompanied or separated child", the
    specific-needs legend) is read with its words and is not counted.
    """
    found: dict[str, str] = {}
    for match in TOKEN.finditer(text):
        token = match.group()
        if token in found or not (token in CODES or token in COUNTRY_CODES):
            continue
        after = text[match.end() :].lstrip(" :–—(")
        if token in WITH_WORDS and after.casefold().startswith(WITH_WORDS[token].casefold()):
            continue
        found[token] = text[max(0, match.start() - 40) : match.end() + 40]
    return found


def page_keys() -> list[str]:
    return [k for k, e in MATRIX.items() if k.startswith("page:") and e.method == "GET" and "api-v1" not in k]


@pytest.fixture
def world(site_a, site_b, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world(site_a, site_b, make_user)
    decide_the_case(world, make_user)
    return world


def decide_the_case(world, make_user) -> None:
    """The world's RSD case taken to a recognition, so that the case's history, the person's
    status entries and their audit events hold every kind of code a page could show raw."""
    from asylon.status.services import transition_rsd_case

    rsd, case = world.users["rsd_officer"], world.rsd_case
    steps = [
        (rsd, "schedule_interview", {"interview_on": today()}),
        (rsd, "record_interview", {"notes": "Heard with an interpreter."}),
        (rsd, "assess", {"assessment": "Credible and consistent.", "recommendation": "RECOGNISED"}),
    ]
    for actor, action, data in steps:
        case = transition_rsd_case(actor=actor, case=case, action=action, data=data)
    decider = make_user(Role.RSD_OFFICER, username="m-rsd-decider")
    transition_rsd_case(
        actor=decider,
        case=case,
        action="decide",
        data={
            "outcome": "RECOGNISED",
            "reasons": "Well-founded fear.",
            "grounds": ["POLITICAL_OPINION"],
            "legal_basis": "1951_CONV",
            "recognised_by": "UNHCR",
        },
    )


def test_the_codes_are_found():
    """The check knows the codes the issue names; a broken scan would pass every page."""
    assert {"PRIMA_FACIE_GROUP", "1951_CONV", "ASYLUM_SEEKER", "INTERVIEW_SCHEDULED", "DECEASED"} <= set(CODES)


def pages_as(role: str, world, lang: str):
    """(route key, visible text) of every page the role may open, in `lang`."""
    user = world.users[role]
    type(user).objects.filter(pk=user.pk).update(language=lang)
    user.refresh_from_db()
    for key in page_keys():
        entry = MATRIX[key]
        if role not in entry.allow:
            continue
        client = sign_in(Client(HTTP_ACCEPT_LANGUAGE=lang), user)
        params = {name: resolve(world, path) for name, path in entry.params.items()}
        response = client.get(reverse(key.removeprefix("page:").lstrip(":"), kwargs=params or None))
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            yield key, visible_text(response.content)


@pytest.mark.parametrize("role", ROLES)
def test_no_page_shows_a_raw_code(role, world):
    found: list[str] = []
    for key, text in pages_as(role, world, "en"):
        codes = raw_codes(text)
        found.extend(f"{key}: {code} in «{around}»" for code, around in sorted(codes.items()))
    assert not found, f"As {role}, pages show raw codes:\n  " + "\n  ".join(found)


@pytest.mark.parametrize("role", ROLES)
def test_no_persian_page_shows_a_stored_value(role, world):
    found: list[str] = []
    for key, text in pages_as(role, world, "fa"):
        seen = {}
        for match in TOKEN.finditer(text):
            if match.group() in ALL_VALUES and match.group() not in seen:
                seen[match.group()] = text[max(0, match.start() - 40) : match.end() + 40]
        found.extend(f"{key}: {code} in «{around}»" for code, around in sorted(seen.items()))
    assert not found, f"As {role}, Persian pages show stored values:\n  " + "\n  ".join(found)
