"""`asylon worker`: run the background tasks (imports, alert deliveries and their retries).

django-tasks-db's worker, plus a heartbeat and the recovery of tasks whose worker died
(operations/worker.py). Run one or more beside the web server (docs/deploy.md has the systemd unit);
`--batch` runs what is due and exits. SIGTERM lets the running task finish first.
A long-running worker first runs the apps' warm-ups (`on_start`: the situation report's PDF
engine and fonts), so that the first report after a start is as quick as the next ones.
"""

from __future__ import annotations

import logging

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from asylon.operations import worker


class Command(DBWorkerCommand):
    help = "Run the background tasks: imports, alert deliveries and their retries."

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=worker.new_worker_id(), reload=False)

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        # The tasks' own progress lines (an import's "N of M rows") show in the command.
        ours = logging.getLogger("asylon.tasks")
        ours.setLevel(logging.INFO if verbosity >= 1 else logging.WARNING)
        if not ours.handlers:
            ours.addHandler(logging.StreamHandler(self.stdout))

    def handle(self, *args, **options) -> None:
        worker_id = options["worker_id"]
        recovered = worker.recover_lost()
        if recovered:
            self.stdout.write(f"{recovered} task(s) of stopped workers marked failed.")
        heart = worker.Heart(worker_id)
        worker.beat(worker_id, heart.started_at)
        heart.start()
        if not options["batch"]:  # a batch run does what is due and exits: nothing to warm
            worker.warm_up()
        self.stdout.write(f"Worker {worker_id} started.")
        try:
            super().handle(*args, **options)
        finally:
            heart.stopping.set()
            heart.join(timeout=5)
            worker.forget(worker_id)
