"""Is this installation healthy? One reading for `/healthz` (load balancers, monitoring) and
`asylon status` (an operator at the console).

Each check answers ok or not with figures only: no name, no record, no user. The checks:

- `database`: a query answers;
- `migrations`: none is waiting to be applied;
- `worker`: at least one `asylon worker` beat within the last minute (operations/worker.py) — not
  needed when tasks run inside the request (the immediate backend);
- `queue`: the oldest due task waited less than `ASYLON_HEALTH_MAX_QUEUE_LAG` seconds (300);
- `disk`: the data dir's file system has `ASYLON_HEALTH_MIN_FREE_MB` free (1024).
"""

from __future__ import annotations

import shutil
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone


def _check(ok: bool, **figures: Any) -> dict[str, Any]:
    return {"ok": ok, **figures}


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return _check(False, vendor=connection.vendor, error=type(exc).__name__)
    return _check(True, vendor=connection.vendor)


def _migrations() -> dict[str, Any]:
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _check(not pending, pending=len(pending))


def _tasks_run_in_request() -> bool:
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return backend.endswith("ImmediateBackend")


def _worker() -> dict[str, Any]:
    from .worker import live_workers

    if _tasks_run_in_request():
        return _check(True, live=0, needed=False)
    now = timezone.now()
    live = live_workers(now)
    last = round((now - live[0]["beat_at"]).total_seconds(), 1) if live else None
    return _check(bool(live), live=len(live), last_beat_seconds=last)


def _queue() -> dict[str, Any]:
    from django_tasks_db.models import DBTaskResult

    from .worker import queue_lag

    limit = int(getattr(settings, "ASYLON_HEALTH_MAX_QUEUE_LAG", 300))
    if _tasks_run_in_request():
        return _check(True, waiting=0, lag_seconds=0)
    lag = queue_lag()
    seconds = round(lag.total_seconds(), 1) if lag is not None else 0
    waiting = DBTaskResult.objects.ready().count()
    running = DBTaskResult.objects.running().count()
    return _check(seconds <= limit, waiting=waiting, running=running, lag_seconds=seconds, limit_seconds=limit)


def _disk() -> dict[str, Any]:
    usage = shutil.disk_usage(settings.DATA_DIR)
    minimum = int(getattr(settings, "ASYLON_HEALTH_MIN_FREE_MB", 1024))
    free = usage.free // (1024 * 1024)
    return _check(
        free >= minimum, free_mb=free, minimum_mb=minimum, used_percent=round(100 * usage.used / usage.total, 1)
    )


def report() -> dict[str, Any]:
    """Every check; `ok` only when all are. A check that cannot run reads as failed."""
    checks: dict[str, dict[str, Any]] = {"database": _database()}
    steps = (("migrations", _migrations), ("worker", _worker), ("queue", _queue))
    for name, step in steps:
        if not checks["database"]["ok"]:
            checks[name] = _check(False, error="database unreachable")
            continue
        try:
            checks[name] = step()
        except DatabaseError as exc:
            checks[name] = _check(False, error=type(exc).__name__)
    checks["disk"] = _disk()
    return {"ok": all(c["ok"] for c in checks.values()), "at": timezone.now().isoformat(), "checks": checks}
