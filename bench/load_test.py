"""Load test of the production server: `asylon serve` (gunicorn) and `asylon worker` on PostgreSQL,
driven by Locust (the `bench` extra) with clerks searching, reading person pages and registering
households, and field monitors marking a roll call. Prints p95 per route and the count of 5xx
answers (the acceptance bar: none).

    python bench/load_test.py [--users 50] [--minutes 5] [--web-workers 3]
    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_load   (the default; dropped and re-created)

It seeds the synthetic demo camp (3,000 residents), one roll call, 10 clerks and 10 monitors,
and signs them in by writing their sessions (no password hashing inside the measurement).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/asylon_load"


def _env(data: Path, url: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "ASYLON_DATA_DIR": str(data), "ASYLON_DATABASE_URL": url}
    env.update(
        {
            "ASYLON_SECURE_COOKIES": "false",  # plain HTTP on 127.0.0.1
            "ASYLON_REQUIRE_2FA": "false",
            "ASYLON_API_RATE_USER": "",  # the limits are per user; the test is not about them
            "ASYLON_API_RATE_ANON": "",
            "ASYLON_SECRET_KEY": "load-test-key",
            "ASYLON_AUDIT_LOG_LEVEL": "WARNING",  # one checkpoint line per write would flood the output
        }
    )
    return env


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


SEED = """
import json
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from asylon.accounts.services import create_user
from asylon.incidents import rollcall
from asylon.demo import seeding
from asylon.registry.models import Location, Person, Site
seeding.seed(3000)
site = Site.objects.get(code=seeding.SITE_CODE)

def signed(username, role):
    user = create_user(actor=None, username=username, role=role, sites=[site], password="load test password 1").user
    s = SessionStore()
    s["_auth_user_id"] = str(user.pk)
    s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    s["_auth_user_hash"] = user.get_session_auth_hash()
    s.create()
    secret = _get_new_csrf_string()
    return user, {"cookies": {"sessionid": s.session_key, "csrftoken": secret}, "csrf": _mask_cipher_secret(secret)}

officer, _ = signed("load-officer", "protection_officer")
plan = {
    "site": site.code,
    "units": list(Location.objects.filter(site=site, kind="UNIT").values_list("pk", flat=True)),
    "persons": list(Person.objects.filter(site=site).values_list("reference", flat=True)[:3000]),
    "clerks": [signed(f"load-clerk-{i}", "registration_clerk")[1] for i in range(10)],
    "monitors": [signed(f"load-monitor-{i}", "field_monitor")[1] for i in range(10)],
    "roll_call": rollcall.start_roll_call(actor=officer, site=site).pk,
}
open(PLAN_PATH, "w").write(json.dumps(plan))
"""


def _wait_for(url: str, seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - our own server on 127.0.0.1
                return
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(1)
    raise SystemExit(f"the server did not answer {url}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8799)
    args = parser.parse_args()
    url = os.environ.get("ASYLON_DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        raise SystemExit("the load test runs on PostgreSQL: set ASYLON_DATABASE_URL")
    data = Path(tempfile.mkdtemp(prefix="asylon-load-"))
    env = _env(data, url)
    recreate_database(url)
    asylon = [sys.executable, "-m", "asylon"]
    subprocess.run([*asylon, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    plan = data / "plan.json"
    subprocess.run([*asylon, "shell", "-c", f"PLAN_PATH = {str(plan)!r}\n{SEED}"], env=env, check=True, cwd=ROOT)
    base = f"http://127.0.0.1:{args.port}"
    log = (data / "server.log").open("w")
    bind = f"127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [*asylon, "serve", "--bind", bind, "--workers", str(args.web_workers)], env=env, stderr=log
    )
    worker = subprocess.Popen([*asylon, "worker", "-v0"], env=env, stderr=log)
    try:
        _wait_for(f"{base}/healthz")
        prefix = data / "locust"
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load" / "locustfile.py"), "--headless"]
            + ["-u", str(args.users), "-r", "10", "-t", f"{int(args.minutes * 60)}s", "--host", base]
            + ["--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
            env={**env, "ASYLON_LOAD_PLAN": str(plan)},
            cwd=ROOT,
            check=False,
        )
        report(prefix, args)
    finally:
        for proc in (server, worker):
            proc.terminate()
            proc.wait(timeout=60)


def report(prefix: Path, args) -> None:
    with open(f"{prefix}_stats.csv") as f:
        rows = list(csv.DictReader(f))
    failures: dict[str, int] = {}
    with open(f"{prefix}_failures.csv") as f:
        for row in csv.DictReader(f):
            failures[row["Error"]] = failures.get(row["Error"], 0) + int(row["Occurrences"])
    server_errors = sum(n for error, n in failures.items() if "HTTPError('5" in error or "500" in error[:40])
    print(f"\n{args.users} users, {args.minutes:g} min, {args.web_workers} gunicorn processes, PostgreSQL")
    print(f"{'route':34} {'requests':>9} {'failures':>9} {'median ms':>10} {'p95 ms':>8} {'req/s':>7}")
    for row in rows:
        print(
            f"{row['Name'][:34]:34} {row['Request Count']:>9} {row['Failure Count']:>9} "
            f"{row['Median Response Time']:>10} {row['95%']:>8} {float(row['Requests/s']):7.1f}"
        )
    print(f"5xx answers: {server_errors}")
    for error, n in sorted(failures.items(), key=lambda kv: -kv[1]):
        print(f"  {n:6d}  {error[:110]}")
    print(json.dumps({"five_xx": server_errors}))


if __name__ == "__main__":
    main()
