"""The resettlement case's stages: one declared table, read by the one function that moves it
(`services._enter_stage`); the services that lead to a step ask it first, before they write.

IDENTIFIED --assess--> ASSESSED --submit--> SUBMITTED --interview--> INTERVIEW
SUBMITTED | INTERVIEW --accept--> ACCEPTED --exit_formalities--> EXIT_FORMALITIES
SUBMITTED | INTERVIEW --reject--> REJECTED --submit--> SUBMITTED (another country)
EXIT_FORMALITIES --schedule_departure--> DEPARTURE_SCHEDULED --depart--> DEPARTED
DEPARTED --confirm_arrival--> ARRIVED
any stage before departure --close--> CLOSED (with a reason)
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from asylon.core.transitions import Machine, Step

from .models import Stage

S = Stage


class Action(TextChoices):
    """The steps of the table, in the words of the case page's buttons (`views.STEPS`)."""

    ASSESS = "assess", _("Record the assessment")
    SUBMIT = "submit", _("Submit to the country")
    INTERVIEW = "interview", _("Schedule the interview")
    ACCEPT = "accept", _("Record the acceptance")
    REJECT = "reject", _("Record the rejection")
    EXIT_FORMALITIES = "exit_formalities", _("Start the exit formalities")
    SCHEDULE_DEPARTURE = "schedule_departure", _("Schedule the departure")
    DEPART = "depart", _("Record the departure")
    CONFIRM_ARRIVAL = "confirm_arrival", _("Confirm the arrival")
    CLOSE = "close", _("Close the case")


TRANSITIONS: dict[str, Step] = {
    Action.ASSESS: Step({S.IDENTIFIED, S.ASSESSED}, S.ASSESSED),
    Action.SUBMIT: Step({S.ASSESSED, S.REJECTED}, S.SUBMITTED),
    Action.INTERVIEW: Step({S.SUBMITTED}, S.INTERVIEW),
    Action.ACCEPT: Step({S.SUBMITTED, S.INTERVIEW}, S.ACCEPTED),
    Action.REJECT: Step({S.SUBMITTED, S.INTERVIEW}, S.REJECTED),
    Action.EXIT_FORMALITIES: Step({S.ACCEPTED}, S.EXIT_FORMALITIES),
    Action.SCHEDULE_DEPARTURE: Step({S.EXIT_FORMALITIES}, S.DEPARTURE_SCHEDULED),
    Action.DEPART: Step({S.DEPARTURE_SCHEDULED}, S.DEPARTED),
    Action.CONFIRM_ARRIVAL: Step({S.DEPARTED}, S.ARRIVED),
    Action.CLOSE: Step(
        {S.IDENTIFIED, S.ASSESSED, S.SUBMITTED, S.INTERVIEW, S.ACCEPTED, S.REJECTED, S.EXIT_FORMALITIES}, S.CLOSED
    ),
}

RESETTLEMENT_CASE = Machine(
    name="resettlement_case",
    states=Stage,
    actions=Action,
    steps=TRANSITIONS,
    initial={S.IDENTIFIED},
    terminal={S.ARRIVED, S.CLOSED},
)

# Stages in which a case still waits for something (the dashboard's "open" cases).
OPEN_STAGES = frozenset(
    {
        S.IDENTIFIED,
        S.ASSESSED,
        S.SUBMITTED,
        S.INTERVIEW,
        S.ACCEPTED,
        S.REJECTED,
        S.EXIT_FORMALITIES,
        S.DEPARTURE_SCHEDULED,
    }
)
# Stages counted against the priority's target time (from submission to departure).
TIMED_STAGES = frozenset({S.SUBMITTED, S.INTERVIEW, S.ACCEPTED, S.EXIT_FORMALITIES, S.DEPARTURE_SCHEDULED})
