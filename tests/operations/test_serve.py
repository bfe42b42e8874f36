"""`asylon serve` is the production server: it serves pages and static files, answers every
response with its request id, and /healthz says the worker is missing until one runs."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:  # noqa: S310 - our own server on 127.0.0.1
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


@pytest.mark.django_db(transaction=True)
def test_the_production_server_serves_pages_static_files_and_health(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "ASYLON_DATA_DIR": str(tmp_path)}
    env.pop("ASYLON_TASKS_BACKEND", None)
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        env["ASYLON_DATABASE_URL"] = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    else:
        env.pop("ASYLON_DATABASE_URL", None)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(tmp_path / "asylon.sqlite3")])
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "asylon", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
        env=env,
        cwd=ROOT,
        stdout=(tmp_path / "serve.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + 120
        while True:
            try:
                status, headers, body = _get(f"{base}/accounts/login/")
                break
            except (ConnectionError, urllib.error.URLError):
                assert time.monotonic() < end, (tmp_path / "serve.log").read_text()
                time.sleep(0.5)
        assert status == 200 and b'name="password"' in body and len(headers["X-Request-ID"]) == 32
        status, headers, body = _get(f"{base}/static/asylon/asylon.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        status, _, body = _get(f"{base}/healthz")
        health = json.loads(body)
        assert status == 503 and health["checks"]["worker"] == {"ok": False, "live": 0, "last_beat_seconds": None}
        assert health["checks"]["database"]["ok"] and health["checks"]["migrations"]["pending"] == 0
        _get(f"{base}/persons/search/?q=Zahrasecret")  # a query names a person: it stays out of the log
    finally:
        server.terminate()
        server.wait(timeout=60)
    log = (tmp_path / "serve.log").read_text()
    assert '"GET /accounts/login/" 200' in log and '"GET /persons/search/" 302' in log
    assert "Zahrasecret" not in log
