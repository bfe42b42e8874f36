"""Roll-call marking throughput: 20 concurrent clients posting marks to a real server.

Starts the WSGI app in a threaded server on 127.0.0.1 (against the database that
ASYLON_DATABASE_URL names; by default a fresh SQLite file in a temporary data dir), creates a
site with 3,000 residents and an open roll call, then runs 20 client threads that each post
batches of marks for a bounded time. Prints marks/s, requests/s and the 95th-percentile
request latency, plus the anchor measured in the same run: the same clients hitting the
cheap counts endpoint (a read), so the ratio says what a mark costs against a round trip.

    python bench/roll_call.py [--seconds 10] [--clients 20] [--batch 1]
    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_bench python bench/roll_call.py
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
os.environ.setdefault("ASYLON_DATA_DIR", tempfile.mkdtemp(prefix="asylon-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.settings")
os.environ.setdefault("ASYLON_SECURE_COOKIES", "false")
os.environ.setdefault("ASYLON_REQUIRE_2FA", "false")

RESIDENTS = 3000


class ThreadedServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def setup_data():
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from asylon.accounts.roles import Role
    from asylon.accounts.services import create_user
    from asylon.incidents import rollcall
    from asylon.registry.models import Person, Site

    code = "BN" + "".join(random.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
    site = Site.objects.create(code=code, name="Bench camp", host_country="IQ", designation="TTL")
    today = datetime.now(UTC).date()
    Person.objects.bulk_create(
        [
            Person(reference=f"{code}-{i:06d}", site=site, given_name=f"R{i}", sex="U", registered_on=today)
            for i in range(RESIDENTS)
        ],
        batch_size=1000,
    )
    officer = create_user(
        actor=None, username=f"{code}-officer", role=Role.PROTECTION_OFFICER, sites=[site], password="bench password 1"
    ).user
    monitors = []
    for i in range(CLIENTS):
        user = create_user(
            actor=None, username=f"{code}-m{i}", role=Role.FIELD_MONITOR, sites=[site], password="bench password 1"
        ).user
        monitors.append(user)
    rc = rollcall.start_roll_call(actor=officer, site=site)
    return code, rc.pk, [m.username for m in monitors]


def session_for(base: str, username: str):
    """A logged-in session cookie and CSRF token, as the marking page has them."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    user = get_user_model().objects.get(username=username)
    s = SessionStore()
    s["_auth_user_id"] = str(user.pk)
    s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    s["_auth_user_hash"] = user.get_session_auth_hash()
    s.create()
    secret = _get_new_csrf_string()
    return {
        "Cookie": f"sessionid={s.session_key}; csrftoken={secret}",
        "X-CSRFToken": _mask_cipher_secret(secret),
        "Referer": base + "/",
        "Content-Type": "application/json",
    }


def run_phase(base, rc_pk, headers, refs, seconds, batch, kind):
    latencies: list[float] = []
    marks_done = [0]
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def client(i: int):
        rng = random.Random(i)
        while time.monotonic() < stop:
            if kind == "marks":
                now = datetime.now(UTC).isoformat()
                marks = [
                    {
                        "person": rng.choice(refs),
                        "result": rng.choice(["ACCOUNTED_SAFE", "INJURED", "NOT_FOUND"]),
                        "marked_at": now,
                        "client_id": f"{i}-{rng.random()}",
                    }
                    for _ in range(batch)
                ]
                req = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
                    f"{base}/incidents/roll-calls/{rc_pk}/marks",
                    data=json.dumps({"marks": marks}).encode(),
                    headers=headers[i],
                    method="POST",
                )
            else:
                req = urllib.request.Request(  # noqa: S310 - our own server on 127.0.0.1
                    f"{base}/incidents/roll-calls/{rc_pk}/counts.json", headers=headers[i]
                )
            t = time.perf_counter()
            with opener.open(req, timeout=30) as resp:  # noqa: S310
                body = json.loads(resp.read())
            dt = time.perf_counter() - t
            with lock:
                latencies.append(dt)
                if kind == "marks":
                    marks_done[0] += batch
                    for r in body["results"]:
                        statuses[r["status"]] = statuses.get(r["status"], 0) + 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(headers))]
    t0 = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - t0
    p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) >= 20 else max(latencies)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "marks_per_s": marks_done[0] / elapsed,
        "p95_ms": p95 * 1000,
        "statuses": statuses,
    }


CLIENTS = 20


def main() -> None:
    global CLIENTS
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--batch", type=int, default=1, help="marks per request (the page sends its queue in batches)")
    args = parser.parse_args()
    CLIENTS = args.clients
    code, rc_pk, usernames = setup_data()
    from django.conf import settings
    from django.db import connection

    from asylon.wsgi import application

    server = make_server("127.0.0.1", 0, application, server_class=ThreadedServer, handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    headers = [session_for(base, u) for u in usernames]
    refs = [f"{code}-{i:06d}" for i in range(RESIDENTS)]
    print(
        f"database: {connection.vendor}  clients: {CLIENTS}  residents: {RESIDENTS}",
        f"batch: {args.batch}  seconds: {args.seconds}",
    )
    anchor = run_phase(base, rc_pk, headers, refs, args.seconds / 2, args.batch, "counts")
    marks = run_phase(base, rc_pk, headers, refs, args.seconds, args.batch, "marks")
    print(f"anchor  counts.json: {anchor['rps']:8.1f} req/s   p95 {anchor['p95_ms']:7.1f} ms")
    print(
        f"marks   POST marks : {marks['rps']:8.1f} req/s   p95 {marks['p95_ms']:7.1f} ms",
        f"  {marks['marks_per_s']:8.1f} marks/s",
    )
    print(f"ratio   marks req/s / counts req/s = {marks['rps'] / anchor['rps']:.2f}   outcomes {marks['statuses']}")
    server.shutdown()
    _ = settings


if __name__ == "__main__":
    main()
