"""The RSD case state machine: one declared table, (state, action) -> next state.

Anything not in this table is impossible and `services.transition_rsd_case` refuses it with
a Conflict (code `invalid_transition`). Guards that depend on the case's data (the appeal
deadline, who decided the first instance, the reopening ground...) are checked in the
service on top of the table; the table alone says which moves exist at all.
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from .models import RsdState as S


class Action(TextChoices):
    SCHEDULE_INTERVIEW = "schedule_interview", _("Schedule the interview")
    RECORD_NO_SHOW = "record_no_show", _("Record a no-show")
    CLOSE_ABANDONED = "close_abandoned", _("Close as abandoned")
    RECORD_INTERVIEW = "record_interview", _("Record the interview")
    ASSESS = "assess", _("Record the inclusion assessment")
    FLAG_EXCLUSION = "flag_exclusion", _("Flag Art. 1F indications (exclusion review)")
    ASSESS_EXCLUSION = "assess_exclusion", _("Record the exclusion assessment")
    DECIDE_EXCLUSION = "decide_exclusion", _("Decide: exclude")
    CLEAR_EXCLUSION = "clear_exclusion", _("Decide: exclusion does not apply")
    DECIDE = "decide", _("Decide (recognise or reject)")
    NOTIFY = "notify", _("Record notification of the decision")
    LODGE_APPEAL = "lodge_appeal", _("Lodge an appeal")
    FINALISE = "finalise", _("Close the file (decision final)")
    DECIDE_APPEAL = "decide_appeal", _("Decide the appeal")
    NOTIFY_APPEAL = "notify_appeal", _("Record notification of the appeal decision")
    REOPEN = "reopen", _("Reopen the case")


TRANSITIONS: dict[tuple[str, str], str] = {
    (S.REGISTERED, Action.SCHEDULE_INTERVIEW): S.INTERVIEW_SCHEDULED,
    (S.INTERVIEW_SCHEDULED, Action.SCHEDULE_INTERVIEW): S.INTERVIEW_SCHEDULED,  # re-schedule
    (S.NO_SHOW, Action.SCHEDULE_INTERVIEW): S.INTERVIEW_SCHEDULED,
    (S.REOPENED, Action.SCHEDULE_INTERVIEW): S.INTERVIEW_SCHEDULED,
    (S.INTERVIEW_SCHEDULED, Action.RECORD_NO_SHOW): S.NO_SHOW,
    (S.NO_SHOW, Action.CLOSE_ABANDONED): S.CLOSED_ABANDONED,
    (S.INTERVIEW_SCHEDULED, Action.RECORD_INTERVIEW): S.INTERVIEWED,
    (S.INTERVIEWED, Action.ASSESS): S.ASSESSED,
    (S.REOPENED, Action.ASSESS): S.ASSESSED,
    (S.ASSESSED, Action.FLAG_EXCLUSION): S.EXCLUSION_REVIEW,
    (S.EXCLUSION_REVIEW, Action.ASSESS_EXCLUSION): S.EXCLUSION_ASSESSED,
    (S.EXCLUSION_ASSESSED, Action.DECIDE_EXCLUSION): S.DECIDED,
    (S.EXCLUSION_ASSESSED, Action.CLEAR_EXCLUSION): S.ASSESSED,
    (S.ASSESSED, Action.DECIDE): S.DECIDED,
    (S.DECIDED, Action.NOTIFY): S.NOTIFIED,
    (S.NOTIFIED, Action.LODGE_APPEAL): S.APPEAL_LODGED,
    (S.NOTIFIED, Action.FINALISE): S.CLOSED,
    (S.APPEAL_LODGED, Action.DECIDE_APPEAL): S.APPEAL_DECIDED,
    (S.APPEAL_DECIDED, Action.NOTIFY_APPEAL): S.CLOSED,
    (S.CLOSED, Action.REOPEN): S.REOPENED,
    (S.CLOSED_ABANDONED, Action.REOPEN): S.REOPENED,
}

# Actions that decide something: they need `status.decide_rsdcase`, the rest `status.change_rsdcase`.
DECIDING_ACTIONS = frozenset(
    {Action.DECIDE, Action.DECIDE_EXCLUSION, Action.CLEAR_EXCLUSION, Action.DECIDE_APPEAL, Action.REOPEN}
)


def next_state(state: str, action: str) -> str | None:
    return TRANSITIONS.get((state, action))


def actions_from(state: str) -> list[str]:
    """The actions the table allows from a state, in table order."""
    return [a for (s, a) in TRANSITIONS if s == state]
