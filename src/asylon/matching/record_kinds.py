"""The kinds of record a merge moves, in the reviewer's words.

The merge confirmation page lists what points to the merged record ("household memberships: 1").
Django's own names for these models are English and some are not words ("risk countrys"),
so the page reads them from this table, keyed by model. tests/matching/test_merge_words.py
holds every relation `merges.person_links` finds to it, so a new app's link to a person
cannot reach the confirmation in English. The API keeps Django's names as stable keys.
"""

from __future__ import annotations

from django.db.models import Model
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RECORD_KINDS: dict[str, Promise] = {
    "registry.membership": _("household memberships"),
    "registry.specificneed": _("specific needs"),
    "registry.personphoto": _("photos"),
    "registry.parentage": _("parent and child links"),
    "registry.deathreport": _("death reports"),
    "status.statusentry": _("legal status entries"),
    "status.rsdcase": _("status determination cases"),
    "status.rsdcasemember": _("places in status determination cases"),
    "status.endingprocedure": _("procedures to end a status"),
    "movements.riskcountry": _("countries where the person is at risk"),
    "movements.riskassessment": _("risk assessments"),
    "movements.art332determination": _("Art. 33(2) determinations"),
    "movements.movement": _("movements"),
    "movements.chainassessmentrecord": _("onward return (chain) assessments"),
    "movements.voluntarinessrecord": _("voluntariness interviews"),
    "movements.familyunitydecision": _("family unity decisions"),
    "sharing.sharinggrant": _("data sharing grants"),
    "solutions.casemember": _("places in resettlement cases"),
    "cases.protectioncase": _("protection cases"),
    "incidents.affectedperson": _("incidents the person was affected by"),
    "incidents.rollcallentry": _("roll call entries"),
    "incidents.presencereview": _("presence reviews"),
    "documents.protectiondocument": _("protection documents"),
}


def record_kind(model: type[Model]) -> str:
    """The model's records in the reader's words (Django's name only for a kind not listed,
    which the test above refuses)."""
    label = model._meta.label_lower
    return str(RECORD_KINDS[label]) if label in RECORD_KINDS else str(model._meta.verbose_name_plural)
