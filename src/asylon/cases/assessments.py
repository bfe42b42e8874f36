"""The assessment form of each case type, declared in one place.

A `Question` is one row: the answer's key, its type, its translated label, its choices and
whether it is required. `QUESTIONS[case_type]` is the form of that type: `validate` checks a
set of answers against it (the service stores only what it returns, as JSON) and
`forms.AssessmentForm` builds the page's form from the same rows, so a field added here is
asked on the page, accepted by the API and checked by the service at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from asylon.core.errors import InvalidInput

from .models import CaseType

TEXT, CHOICE, YES_NO, DATE, NUMBER = "text", "choice", "yes_no", "date", "number"

NEEDS = (
    ("NONE", _("none")),
    ("SOME", _("some")),
    ("URGENT", _("urgent")),
)


@dataclass(frozen=True)
class Question:
    name: str
    kind: str
    label: str | Promise
    choices: tuple[tuple[str, str | Promise], ...] = ()
    required: bool = False


_SAFETY = Question("immediate_safety", CHOICE, _("Immediate safety risk"), NEEDS, required=True)
_MEDICAL = Question("medical_needs", CHOICE, _("Medical needs"), NEEDS, required=True)
_PSS = Question("psychosocial_needs", CHOICE, _("Psychosocial needs"), NEEDS)
_SUMMARY = Question("summary", TEXT, _("Summary of needs and risks"), required=True)

QUESTIONS: dict[str, tuple[Question, ...]] = {
    CaseType.SURVIVOR_OF_VIOLENCE: (
        _SAFETY,
        Question("perpetrator_in_camp", YES_NO, _("Perpetrator lives in the camp"), required=True),
        _MEDICAL,
        _PSS,
        Question("incident_date", DATE, _("Date of the incident, if known")),
        _SUMMARY,
    ),
    CaseType.SURVIVOR_OF_TORTURE: (
        _MEDICAL,
        _PSS,
        Question("medico_legal_report", YES_NO, _("Medico-legal documentation wanted")),
        _SUMMARY,
    ),
    CaseType.CHILD_AT_RISK: (
        _SAFETY,
        Question("caregiver_present", YES_NO, _("A caregiver is present"), required=True),
        Question("attends_school", YES_NO, _("Attends school")),
        Question("best_interests_assessment", YES_NO, _("Best interests assessment done"), required=True),
        _SUMMARY,
    ),
    CaseType.UASC: (
        Question("care_arrangement", TEXT, _("Current care arrangement"), required=True),
        Question("tracing_needed", YES_NO, _("Family tracing needed"), required=True),
        Question("best_interests_assessment", YES_NO, _("Best interests assessment done"), required=True),
        _SUMMARY,
    ),
    CaseType.MEDICAL: (
        Question("condition", TEXT, _("Condition"), required=True),
        Question(
            "urgency",
            CHOICE,
            _("Urgency"),
            (("ROUTINE", _("routine")), ("URGENT", _("urgent")), ("LIFE_THREATENING", _("life-threatening"))),
            required=True,
        ),
        Question("mobility_impaired", YES_NO, _("Mobility impaired")),
        _SUMMARY,
    ),
    CaseType.LEGAL: (
        Question("legal_issue", TEXT, _("Legal issue"), required=True),
        Question("deadline", DATE, _("Deadline, if any")),
        _SUMMARY,
    ),
    CaseType.OTHER: (_SAFETY, _SUMMARY),
}


def questions_for(case_type: str) -> tuple[Question, ...]:
    return QUESTIONS[case_type]


def validate(case_type: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers as stored (JSON values), or `InvalidInput` naming each wrong field.
    Keys the form does not declare are refused, not dropped: nothing unasked is stored."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    declared = {q.name: q for q in questions_for(case_type)}
    for key in answers:
        if key not in declared:
            errors[key] = [gettext("This question is not part of this assessment.")]
    for q in declared.values():
        value = answers.get(q.name)
        if value in (None, ""):
            if q.required:
                errors[q.name] = [gettext("Answer this question.")]
            continue
        try:
            clean[q.name] = _clean(q, value)
        except ValueError:
            errors[q.name] = [gettext("This answer is not valid here.")]
    if errors:
        raise InvalidInput(errors)
    return clean


def _clean(q: Question, value: Any) -> Any:
    if q.kind == TEXT:
        text = str(value).strip()
        if len(text) > 5000:
            raise ValueError
        return text
    if q.kind == CHOICE:
        if value not in {c for c, _label in q.choices}:
            raise ValueError
        return value
    if q.kind == YES_NO:
        if isinstance(value, bool):
            return value
        if value in ("yes", "true", "True", "1"):
            return True
        if value in ("no", "false", "False", "0"):
            return False
        raise ValueError
    if q.kind == DATE:
        return (value if isinstance(value, date) else date.fromisoformat(str(value))).isoformat()
    if q.kind == NUMBER:
        return int(value)
    raise ValueError


def readable(case_type: str, answers: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The answers as a reader reads them: (label, answer) in the form's order."""
    rows = []
    for q in questions_for(case_type):
        if q.name not in answers:
            continue
        value = answers[q.name]
        if q.kind == CHOICE:
            value = dict(q.choices).get(value, value)
        elif q.kind == YES_NO:
            value = gettext("yes") if value else gettext("no")
        rows.append((str(q.label), str(value)))
    return rows
