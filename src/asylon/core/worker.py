"""What a task needs to know about the worker that runs it: that it may die mid-task.

A worker killed mid-task (SIGKILL, the machine lost) cannot record anything; the next worker
to sweep marks the task FAILED with `WorkerLost` and calls the handler its app registered here
with `on_lost` (an alert delivery is retried, an import's run reads as interrupted). The worker
itself, its heartbeats and the sweep live in operations/worker.py, above every app; the apps'
tasks modules register their handlers here, on the floor they all stand on.

A worker also runs, once at its start and before it takes a task, what the apps registered
with `on_start`: work whose first time in a process is slow (loading a PDF engine and its
fonts), done before a user waits for it rather than on the first user's clock.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

LostHandler = Callable[[dict[str, Any]], None]
_LOST_HANDLERS: dict[str, LostHandler] = {}
_START: dict[str, Callable[[], None]] = {}


class WorkerLost(Exception):  # noqa: N818 - the name is what the failed task shows
    """The worker running this task stopped (killed, or its machine lost) before it finished."""


def on_lost(task) -> Callable[[LostHandler], LostHandler]:
    """Register what to do when `task` was running in a worker that died: the handler gets
    the task's keyword arguments (tasks take ids only, as keywords)."""

    def register(handler: LostHandler) -> LostHandler:
        _LOST_HANDLERS[task.module_path] = handler
        return handler

    return register


def lost_handler(task_path: str) -> LostHandler | None:
    """The handler registered for the task at `task_path`, if any."""
    return _LOST_HANDLERS.get(task_path)


def on_start(warm_up: Callable[[], None]) -> Callable[[], None]:
    """Register `warm_up` to run once when a worker starts (reads nothing, writes nothing)."""
    _START[f"{warm_up.__module__}.{warm_up.__qualname__}"] = warm_up
    return warm_up


def start_hooks() -> list[Callable[[], None]]:
    """What the apps registered with `on_start`, in the order they registered it."""
    return list(_START.values())


def process_alive(pid: int) -> bool:
    """Whether a process of this host exists (imports' runs ask it too)."""
    try:
        os.kill(pid, 0)  # signal 0 only asks whether the process exists
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, under another user
    return True
