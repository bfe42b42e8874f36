"""/healthz and `asylon status`: figures an operator or a load balancer can act on, and no
personal data; a stopped worker, a waiting queue or a missing migration fail them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from asylon.operations import worker

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_healthz_answers_without_login_and_names_no_one(client, clerk):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert set(body["checks"]) == {"database", "migrations", "worker", "queue", "disk"}
    assert body["checks"]["migrations"]["pending"] == 0
    assert body["checks"]["disk"]["free_mb"] > 0
    assert "clerk" not in response.content.decode() and "Site A" not in response.content.decode()


def test_a_stopped_worker_and_a_stale_queue_fail_the_check(client, db, settings, tmp_path):
    settings.TASKS = DATABASE_TASKS
    settings.DATA_DIR = tmp_path
    DBTaskResult.objects.create(
        task_path="asylon.incidents.tasks.send_delivery",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=get_date_max(),
    )
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["worker"] == {"ok": False, "live": 0, "last_beat_seconds": None}
    assert checks["queue"]["ok"] is False and checks["queue"]["waiting"] == 1 and checks["queue"]["lag_seconds"] >= 600

    me = worker.new_worker_id()
    worker.beat(me, timezone.now())
    DBTaskResult.objects.all().delete()
    assert client.get("/healthz").status_code == 200
    worker.forget(me)


def test_status_prints_each_check_and_fails_without_a_worker(db, settings, tmp_path, capsys):
    settings.TASKS = DATABASE_TASKS
    settings.DATA_DIR = tmp_path
    with pytest.raises(CommandError, match="unhealthy: worker"):
        call_command("status")
    out = capsys.readouterr().out
    assert "ok   migrations: 0 waiting" in out and "FAIL worker: none alive (start asylon worker)" in out
    me = worker.new_worker_id()
    worker.beat(me, timezone.now())
    call_command("status", "--json")
    reading = json.loads(capsys.readouterr().out)
    assert reading["ok"] is True and reading["checks"]["worker"]["live"] == 1
    worker.forget(me)
