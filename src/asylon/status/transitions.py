"""The RSD case state machine: one declared table, read by `services.transition_rsd_case`.

    REGISTERED --schedule_interview--> INTERVIEW_SCHEDULED (again: re-scheduled)
    INTERVIEW_SCHEDULED --record_interview--> INTERVIEWED --assess--> ASSESSED
    INTERVIEW_SCHEDULED --record_no_show--> NO_SHOW --schedule_interview--> INTERVIEW_SCHEDULED
                                            NO_SHOW --close_abandoned--> CLOSED_ABANDONED
    ASSESSED --decide--> DECIDED --notify--> NOTIFIED --finalise--> CLOSED
    ASSESSED --flag_exclusion--> EXCLUSION_REVIEW --assess_exclusion--> EXCLUSION_ASSESSED
    EXCLUSION_ASSESSED --decide_exclusion--> DECIDED,  --clear_exclusion--> ASSESSED
    NOTIFIED --lodge_appeal--> APPEAL_LODGED --decide_appeal--> APPEAL_DECIDED --notify_appeal--> CLOSED
    CLOSED | CLOSED_ABANDONED --reopen--> REOPENED --schedule_interview | assess--> ...

Anything not in this table is impossible and `RSD_CASE` refuses it with a Conflict (code
`invalid_transition`). Guards that depend on the case's data (the appeal deadline, who
decided the first instance, the reopening ground...) are checked in the service on top of
the table; the table alone says which moves exist at all.
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from asylon.core.transitions import Machine, Step

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


TRANSITIONS: dict[str, Step] = {
    # Again from INTERVIEW_SCHEDULED: a re-scheduled interview.
    Action.SCHEDULE_INTERVIEW: Step(
        {S.REGISTERED, S.INTERVIEW_SCHEDULED, S.NO_SHOW, S.REOPENED}, S.INTERVIEW_SCHEDULED
    ),
    Action.RECORD_NO_SHOW: Step({S.INTERVIEW_SCHEDULED}, S.NO_SHOW),
    Action.CLOSE_ABANDONED: Step({S.NO_SHOW}, S.CLOSED_ABANDONED),
    Action.RECORD_INTERVIEW: Step({S.INTERVIEW_SCHEDULED}, S.INTERVIEWED),
    Action.ASSESS: Step({S.INTERVIEWED, S.REOPENED}, S.ASSESSED),
    Action.FLAG_EXCLUSION: Step({S.ASSESSED}, S.EXCLUSION_REVIEW),
    Action.ASSESS_EXCLUSION: Step({S.EXCLUSION_REVIEW}, S.EXCLUSION_ASSESSED),
    Action.DECIDE_EXCLUSION: Step({S.EXCLUSION_ASSESSED}, S.DECIDED),
    Action.CLEAR_EXCLUSION: Step({S.EXCLUSION_ASSESSED}, S.ASSESSED),
    Action.DECIDE: Step({S.ASSESSED}, S.DECIDED),
    Action.NOTIFY: Step({S.DECIDED}, S.NOTIFIED),
    Action.LODGE_APPEAL: Step({S.NOTIFIED}, S.APPEAL_LODGED),
    Action.FINALISE: Step({S.NOTIFIED}, S.CLOSED),
    Action.DECIDE_APPEAL: Step({S.APPEAL_LODGED}, S.APPEAL_DECIDED),
    Action.NOTIFY_APPEAL: Step({S.APPEAL_DECIDED}, S.CLOSED),
    Action.REOPEN: Step({S.CLOSED, S.CLOSED_ABANDONED}, S.REOPENED),
}

RSD_CASE = Machine(
    name="rsd_case",
    states=S,
    actions=Action,
    steps=TRANSITIONS,
    initial={S.REGISTERED},
    refusal=_("A case in state “%(state)s” cannot take the step “%(action)s”."),
    code="invalid_transition",
)

# Actions that decide something: they need `status.decide_rsdcase`, the rest `status.change_rsdcase`.
DECIDING_ACTIONS = frozenset(
    {Action.DECIDE, Action.DECIDE_EXCLUSION, Action.CLEAR_EXCLUSION, Action.DECIDE_APPEAL, Action.REOPEN}
)
