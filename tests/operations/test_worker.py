"""The task queue's safety nets: a delivery whose worker died mid-send is retried, a live
worker's task is left alone, and the queue's lag is what the oldest waiting task waited."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from asylon.incidents import alerts
from asylon.incidents.models import Delivery, DeliveryStatus
from asylon.operations import worker


def _running(task_path: str, kwargs: dict, worker_id: str, started_ago: timedelta) -> DBTaskResult:
    now = timezone.now()
    return DBTaskResult.objects.create(
        status="RUNNING",
        task_path=task_path,
        args_kwargs={"args": [], "kwargs": kwargs},
        backend_name="default",
        run_after=now,
        started_at=now - started_ago,
        worker_ids=[worker_id],
    )


def test_a_delivery_lost_with_its_worker_is_retried_not_stuck(site_a, make_user, settings):
    officer = make_user("protection_officer", username="po-lost")
    officer.email = "po@example.org"
    officer.save()
    settings.ASYLON_ALERTS_SEND_ON_COMMIT = False
    with transaction.atomic():
        alerts.raise_alert(site=site_a, kind="INCIDENT", severity=3, title="Threat at AAA", body="1 incident")
    delivery = Delivery.objects.get()
    assert alerts._claim(delivery.pk, 1)  # the dead worker had taken attempt 1
    task = _running(
        "asylon.incidents.tasks.send_delivery",
        {"delivery_id": delivery.pk, "attempt": 1},
        "other-host-4242-deadbeef",
        started_ago=timedelta(minutes=5),
    )

    assert worker.recover_lost() == 1
    task.refresh_from_db()
    delivery.refresh_from_db()
    assert task.status == "FAILED" and task.exception_class_path == "asylon.core.worker.WorkerLost"
    assert delivery.status == DeliveryStatus.PENDING and "WorkerLost" in delivery.last_error
    assert mail.outbox == []
    # The next attempt, once due, sends it.
    assert alerts.enqueue_due(now=timezone.now() + timedelta(minutes=5)) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    assert [m.to for m in mail.outbox] == [["po@example.org"]]


def test_the_task_of_a_live_worker_is_left_running(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    me = worker.new_worker_id()
    worker.beat(me, timezone.now())
    task = _running("asylon.reports.tasks.run_import", {"run_id": 1}, me, started_ago=timedelta(hours=1))
    assert [w["worker_id"] for w in worker.live_workers()] == [me]
    assert worker.recover_lost() == 0
    task.refresh_from_db()
    assert task.status == "RUNNING"
    worker.forget(me)
    assert worker.live_workers() == []


def test_queue_lag_is_the_wait_of_the_oldest_due_task(db):
    assert worker.queue_lag() is None
    now = timezone.now()
    for minutes in (3, 1):
        DBTaskResult.objects.create(
            task_path="asylon.incidents.tasks.send_delivery",
            args_kwargs={"args": [], "kwargs": {}},
            backend_name="default",
            run_after=worker_date_max(),
        )
        DBTaskResult.objects.filter(enqueued_at__gte=now).update(enqueued_at=now - timedelta(minutes=minutes))
        now = timezone.now()
    lag = worker.queue_lag()
    assert lag is not None and timedelta(minutes=3) <= lag < timedelta(minutes=4)


def worker_date_max():
    from django_tasks_db.models import get_date_max

    return get_date_max()


def test_the_beat_of_a_stopped_worker_is_cleared_once_its_tasks_are_settled(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    gone = "other-host-4242-deadbeef"
    worker.beat(gone, timezone.now())
    assert [w["worker_id"] for w in worker.workers()] == [gone]
    later = timezone.now() + worker.LOST_AFTER + timedelta(seconds=1)
    assert worker.recover_lost(now=later) == 0
    assert worker.workers() == []


def test_a_starting_worker_warms_the_report_engine_and_records_nothing(db, monkeypatch):
    """The situation report's first rendering in a process is paid at the worker's start, from
    invented rows: nothing of the register is read into it, nothing is recorded."""
    from asylon.audit.models import AuditEvent
    from asylon.reports import sitrep
    from asylon.reports.models import ReportRun

    rendered: list[bytes] = []
    real = sitrep.render_pdf
    monkeypatch.setattr(sitrep, "render_pdf", lambda context: rendered.append(real(context)) or rendered[-1])
    events, runs = AuditEvent.objects.count(), ReportRun.objects.count()
    assert worker.warm_up() >= 1
    assert len(rendered) == 1 and rendered[0].startswith(b"%PDF")
    assert (AuditEvent.objects.count(), ReportRun.objects.count()) == (events, runs)


def test_a_warm_up_that_fails_does_not_stop_the_worker(db, monkeypatch, caplog):
    from asylon.reports import sitrep

    def broken(context):
        raise OSError("no fonts")

    monkeypatch.setattr(sitrep, "render_pdf", broken)
    assert worker.warm_up() == 0
    assert "warm-up warm_up_sitrep failed" in caplog.text
