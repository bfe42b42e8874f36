"""Every write about legal status, by the room it lives in. This module is the index: pages,
the API and commands call `services.<action>` as in every app, and each action is written,
with its checks, in the module of its domain:

* `rsd`: the refugee status determination procedure (register, assign, each step along
  `transitions.TRANSITIONS`, the site's RSD settings);
* `declarations`: group (prima facie) declarations and site designation acts, and their
  revocations; who a declaration covers is read in `criteria`;
* `endings`: cessation, cancellation and revocation procedures and their appeals (DOMAIN 5.3);
* `entries`: the status-event writer, the one place a StatusEntry is appended, which refuses
  to end refugee status outside an ending procedure (DOMAIN 5.3), and `record_status_event`
  for a departure or a death.

Every action is permission-checked, atomic and audited in its own module; nothing here adds
behaviour. Code inside `status` imports the room itself, never this index.
"""

from .declarations import declare_group, designate_site, revoke_group_declaration, revoke_site_designation
from .endings import (
    decide_ending_appeal,
    decide_ending_procedure,
    lodge_ending_appeal,
    notify_ending_decision,
    open_ending_procedure,
)
from .entries import record_status_event
from .rsd import assign_rsd_case, register_rsd_case, transition_rsd_case, update_rsd_settings

__all__ = [
    "assign_rsd_case",
    "decide_ending_appeal",
    "decide_ending_procedure",
    "declare_group",
    "designate_site",
    "lodge_ending_appeal",
    "notify_ending_decision",
    "open_ending_procedure",
    "record_status_event",
    "register_rsd_case",
    "revoke_group_declaration",
    "revoke_site_designation",
    "transition_rsd_case",
    "update_rsd_settings",
]
