"""An import run's state machine: one declared table, read where `imports.services` records
how a run ended (`_finish`).

    QUEUED --start--> RUNNING            (a worker took it: `imports.services.take_run`)
    QUEUED --interrupt--> INTERRUPTED    (the worker that took it died before it began)
    RUNNING --end_dry_run--> DRY_RUN
    RUNNING --commit--> COMMITTED
    RUNNING --fail--> FAILED
    RUNNING --interrupt--> INTERRUPTED   (its worker stopped; `imports.services.settle_interrupted`)

Every end is final: a run that ended is never resumed, a new run is started instead. An
interruption is written only for a run still RUNNING whose worker is gone (`worker_gone`).
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from asylon.core.transitions import Machine, Step

from .models import ImportStatus

S = ImportStatus


class ImportAction(TextChoices):
    START = "start", _("Start the import")
    END_DRY_RUN = "end_dry_run", _("Finish the dry run")
    COMMIT = "commit", _("Commit the import")
    FAIL = "fail", _("Record the failure")
    INTERRUPT = "interrupt", _("Record the interruption")


TRANSITIONS: dict[str, Step] = {
    ImportAction.START: Step({S.QUEUED}, S.RUNNING),
    ImportAction.END_DRY_RUN: Step({S.RUNNING}, S.DRY_RUN),
    ImportAction.COMMIT: Step({S.RUNNING}, S.COMMITTED),
    ImportAction.FAIL: Step({S.RUNNING}, S.FAILED),
    ImportAction.INTERRUPT: Step({S.QUEUED, S.RUNNING}, S.INTERRUPTED),
}

IMPORT_RUN = Machine(
    name="import_run",
    states=ImportStatus,
    actions=ImportAction,
    steps=TRANSITIONS,
    initial={S.QUEUED, S.RUNNING},
    terminal={S.DRY_RUN, S.COMMITTED, S.FAILED, S.INTERRUPTED},
    refusal=_("This import has already ended (%(state)s)."),
    # Today's code: the refusal has never had one of its own.
    code="conflict",
)
