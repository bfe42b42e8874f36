"""The background worker's side of the task queue: heartbeats, and tasks whose worker died.

Background work is django-tasks with its database backend: a task is a row, `asylon worker`
(management/commands/worker.py) claims and runs it. A worker killed mid-task (SIGKILL, the
machine lost) cannot record anything, so its task would read RUNNING forever. Here:

- every worker beats every `BEAT_EVERY` (a row on PostgreSQL, a file in the data dir on
  SQLite: see `WorkerBeat`), from a thread of its own so that a long task never stops it;
- `recover_lost` (run by every worker at start and every `SWEEP_EVERY`) finds RUNNING tasks
  whose worker is gone (its process is dead on this host, or it gave no beat for
  `LOST_AFTER`), marks them FAILED with `WorkerLost`, and calls the handler the task's app
  registered (`on_lost`, core/worker.py): an alert delivery is retried, an import's run reads
  as interrupted. The work itself ran in one transaction, so the data is as it was before the
  task started.

`/healthz` and `asylon status` read `live_workers` and `queue_lag` from here.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.module_loading import autodiscover_modules

from asylon.core.worker import WorkerLost, lost_handler, process_alive, start_hooks

log = logging.getLogger("asylon.tasks.worker")

BEAT_EVERY = timedelta(seconds=10)
SWEEP_EVERY = timedelta(seconds=30)
LOST_AFTER = timedelta(seconds=60)  # six missed beats


def new_worker_id() -> str:
    """Host, process id and a random tail: unique, and readable in `asylon status`."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


def _shares_one_machine() -> bool:
    return connection.vendor == "sqlite"


def _beat_folder() -> Path:
    folder = Path(settings.DATA_DIR) / "workers"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def beat(worker_id: str, started_at: datetime) -> None:
    """Record that this worker is alive."""
    now = timezone.now()
    record = {"host": socket.gethostname()[:255], "pid": os.getpid(), "started_at": started_at, "beat_at": now}
    if _shares_one_machine():
        path = _beat_folder() / f"{worker_id}.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({k: v.isoformat() if isinstance(v, datetime) else v for k, v in record.items()}))
        tmp.replace(path)
        return
    from asylon.core.models import WorkerBeat

    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults=record)


def forget(worker_id: str) -> None:
    """A worker that stops cleanly removes its beat."""
    if _shares_one_machine():
        (_beat_folder() / f"{worker_id}.json").unlink(missing_ok=True)
        return
    from asylon.core.models import WorkerBeat

    WorkerBeat.objects.filter(worker_id=worker_id).delete()


def workers() -> list[dict[str, Any]]:
    """Every worker that beat, newest first: worker_id, host, pid, started_at, beat_at."""
    found: list[dict[str, Any]] = []
    if _shares_one_machine():
        for path in _beat_folder().glob("*.json"):
            try:
                record = json.loads(path.read_text())
            except (OSError, ValueError):
                continue
            for key in ("started_at", "beat_at"):
                record[key] = datetime.fromisoformat(record[key])
            found.append({"worker_id": path.stem, **record})
    else:
        from asylon.core.models import WorkerBeat

        found = [dict(row) for row in WorkerBeat.objects.values("worker_id", "host", "pid", "started_at", "beat_at")]
    return sorted(found, key=lambda w: w["beat_at"], reverse=True)


def is_alive(record: dict[str, Any], now: datetime | None = None) -> bool:
    now = now or timezone.now()
    if record["host"] == socket.gethostname()[:255] and not process_alive(record["pid"]):
        return False
    return now - record["beat_at"] <= LOST_AFTER


def live_workers(now: datetime | None = None) -> list[dict[str, Any]]:
    return [w for w in workers() if is_alive(w, now)]


def queue_lag(now: datetime | None = None) -> timedelta | None:
    """How long the oldest task that is due has been waiting (None: nothing waits)."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    oldest = DBTaskResult.objects.ready().order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
    if oldest is None:
        return None
    enqueued_at, run_after = oldest
    waiting_since = run_after if run_after.year < 9999 else enqueued_at  # 9999: "as soon as possible"
    return max(now - max(enqueued_at, waiting_since), timedelta(0))


def warm_up() -> int:
    """Run what the apps registered with `on_start` (core/worker.py), once, before the worker
    takes its first task. A warm-up that fails is logged and skipped: the task it would have
    sped up still runs, only slower. Returns how many ran."""
    autodiscover_modules("tasks")  # the apps' tasks modules register their warm-ups
    ran = 0
    for hook in start_hooks():
        try:
            hook()
        except Exception:
            log.exception("warm-up %s failed; the worker runs without it", hook.__qualname__)
        else:
            ran += 1
    return ran


def recover_lost(now: datetime | None = None) -> int:
    """Mark every RUNNING task whose worker is gone FAILED (`WorkerLost`) and call its
    `on_lost` handler. Returns how many were recovered."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    autodiscover_modules("tasks")  # the apps' tasks modules register their `on_lost` handlers
    now = now or timezone.now()
    alive = {w["worker_id"] for w in live_workers(now)}
    recovered = 0
    for result in DBTaskResult.objects.running():
        owner = result.worker_ids[-1] if result.worker_ids else ""
        if owner in alive:
            continue
        if owner == "" and result.started_at and now - result.started_at <= LOST_AFTER:
            continue
        # Only the sweeper that moves it from RUNNING handles it (two workers may sweep at once).
        moved = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=f"WorkerLost: worker {owner or '?'} stopped before the task finished\n",
        )
        if not moved:
            continue
        recovered += 1
        log.warning("task %s (%s) lost with worker %s: marked failed", result.pk, result.task_path, owner)
        handler = lost_handler(result.task_path)
        if handler is not None:
            try:
                handler(result.args_kwargs.get("kwargs", {}))
            except Exception:
                log.exception("the handler of lost task %s failed", result.pk)
    for record in workers():  # the beats of stopped workers have served: their tasks are settled
        if record["worker_id"] not in alive and not is_alive(record, now):
            forget(record["worker_id"])
    return recovered


class Heart(threading.Thread):
    """Beats for the worker and sweeps up lost tasks, beside the worker's loop."""

    def __init__(self, worker_id: str):
        super().__init__(name=f"heart-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        last_sweep: datetime | None = None
        while not self.stopping.is_set():
            try:
                beat(self.worker_id, self.started_at)
                if last_sweep is None or timezone.now() - last_sweep >= SWEEP_EVERY:
                    recover_lost()
                    last_sweep = timezone.now()
            except DatabaseError as exc:  # a busy or restarting database: try again at the next beat
                log.warning("worker heartbeat: %s", exc)
            finally:
                close_old_connections()
            self.stopping.wait(BEAT_EVERY.total_seconds())
