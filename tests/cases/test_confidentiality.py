"""A sensitive case (violence, torture) and every case's notes: the caseworker's, the
supervisor's and no one else's; its existence is not told to anyone else; reads are audited."""

from __future__ import annotations

from datetime import date

import pytest

from asylon.audit.models import AuditEvent
from asylon.cases import queries, services
from asylon.core.errors import NotFound
from asylon.core.work import items_for

pytestmark = pytest.mark.django_db


def test_a_colleague_does_not_learn_a_sensitive_case_exists(open_case, colleague, worker, supervisor):
    hidden = open_case(case_type="SURVIVOR_OF_VIOLENCE")
    visible = open_case(case_type="MEDICAL")
    with pytest.raises(NotFound):
        queries.get_case(colleague, hidden.reference)
    assert list(queries.case_list(colleague, "site")) == [visible]
    assert queries.case_list(colleague, "site").count() == 1
    for holder in (worker, supervisor):
        assert queries.get_case(holder, hidden.reference) == hidden


def test_other_roles_see_no_case(open_case, clerk, make_user):
    open_case(case_type="MEDICAL")
    for role in ("field_monitor", "statistics_viewer", "registration_clerk", "partner"):
        user = clerk if role == "registration_clerk" else make_user(role, username=f"u-{role}")
        assert not queries.cases_for(user).exists()


def test_notes_are_read_by_holders_only_and_each_read_is_audited(open_case, worker, colleague):
    case = open_case(case_type="MEDICAL")
    services.add_note(actor=worker, case=case, text="Disclosed threats from a neighbour")
    assert queries.case_notes(colleague, case, channel="test") is None
    notes = queries.case_notes(worker, case, channel="test")
    assert [n.text for n in notes] == ["Disclosed threats from a neighbour"]
    assert AuditEvent.objects.filter(action="case.notes_viewed", actor=worker).count() == 1
    assert not AuditEvent.objects.filter(action="case.notes_viewed", actor=colleague).exists()


def test_reading_a_sensitive_case_is_audited(open_case, supervisor):
    case = open_case(case_type="SURVIVOR_OF_TORTURE")
    queries.read_case(supervisor, case.reference, channel="page")
    event = AuditEvent.objects.get(action="case.sensitive_viewed")
    assert (event.actor, event.object_ref) == (supervisor, case.reference)


def test_my_work_tells_only_the_caseworker_of_a_sensitive_case(open_case, worker, colleague):
    case = open_case(case_type="SURVIVOR_OF_VIOLENCE")
    today = date.today()
    assert any(case.reference in item.title for item in items_for(worker, today))
    assert not any(case.reference in item.title for item in items_for(colleague, today))
