"""Background tasks of incidents: sending an alert's e-mails and webhook calls (alerts.py).

One task is one attempt at one delivery, named by ids; a failed attempt enqueues the next one
after a backoff. Run by `asylon worker`; at once under the immediate backend (tests).
"""

from __future__ import annotations

from django_tasks import task

from asylon.core.worker import on_lost

from . import alerts


@task()
def send_delivery(*, delivery_id: int, attempt: int) -> str:
    return alerts.attempt_delivery(delivery_id=delivery_id, attempt=attempt)


@on_lost(send_delivery)
def _send_lost(kwargs: dict) -> None:
    """The worker died mid-send: the attempt counts as failed and the next one is scheduled
    (an e-mail may then arrive twice; never zero times)."""
    alerts.failed_attempt(
        delivery_id=kwargs["delivery_id"], attempt=kwargs["attempt"], error="WorkerLost: the worker stopped mid-send"
    )
