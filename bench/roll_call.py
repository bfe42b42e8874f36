"""Roll-call marking throughput behind the production server: 20 clients marking 20 at a time.

Seeds the synthetic demo camp (3,000 residents) on a fresh database, opens two roll calls, and
starts `asylon serve` (gunicorn, as docs/deploy.md runs it). Then, for a bounded time each:

1. anchor, the statement: 20 threads in this process, each with its own connection, run the
   marking service's one UPDATE per batch (`rollcall._apply_marks`) against the second roll
   call: what a batch costs the database with no HTTP, session, permission or audit around it;
2. anchor, the round trip: the same 20 clients read the cheap counts endpoint through the server;
3. the figure, closed loop: the 20 clients POST batches of marks to the marking endpoint the
   page uses (session cookie and CSRF token), each batch its own persons at the client's
   time, each client sending its next batch as soon as the last is answered: the most marks
   a second the server gives, with the latency its queue makes (20 in flight / batches a second);
4. the figure, paced: the same 20 clients at a fixed total rate (--rate, 2,000 marks/s:
   100 batches a second), each client on its own schedule; a batch's latency counts from its
   scheduled time, so a send made late by a slow answer counts against the server (as wrk2
   measures, without coordinated omission). A batch still due when the time is up counts as
   late by its wait until then. Its p95 is the one issue 24's "< 100 ms" is about.

Prints marks/s and p95 per batch for each (the paced phase's beside its target), the ratios,
the load average, the CPU time one batch cost the server's processes (and PostgreSQL's
backends, when it runs on this machine: a figure the other work on a shared machine does not
change), and the check that no mark was lost:
marks sent (both phases) against the answers (applied, conflict, duplicate, rejected), against
the marks in the database (each applied mark raises its entry's version by one) and against
the persons the `roll_call.marked` audit events name.

    python bench/roll_call.py [--seconds 20] [--clients 20] [--batch 20] [--rate 2000] [--web-workers 5]
    ASYLON_DATABASE_URL=postgres://postgres@127.0.0.1:5432/asylon_rollcall_bench python bench/roll_call.py

On PostgreSQL the database named is dropped and re-created; on SQLite a temporary data dir
holds a fresh file.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SEED = """
import json
from django.contrib.sessions.backends.db import SessionStore
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from asylon.accounts.services import create_user
from asylon.demo import seeding
from asylon.incidents import rollcall
from asylon.incidents.models import RollCallEntry
from asylon.registry.models import Site
seeding.seed(3000)
site = Site.objects.get(code=seeding.SITE_CODE)

def signed(username, role):
    user = create_user(actor=None, username=username, role=role, sites=[site], password="bench password 1").user
    s = SessionStore()
    s["_auth_user_id"] = str(user.pk)
    s["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    s["_auth_user_hash"] = user.get_session_auth_hash()
    s.create()
    secret = _get_new_csrf_string()
    cookie = f"sessionid={s.session_key}; csrftoken={secret}"
    return {"user": user.pk, "cookie": cookie, "csrf": _mask_cipher_secret(secret)}

officer = create_user(actor=None, username="bench-officer", role="protection_officer", sites=[site]).user
measured = rollcall.start_roll_call(actor=officer, site=site)
anchor = rollcall.start_roll_call(actor=officer, site=site)
plan = {
    "roll_call": measured.pk,
    "anchor_roll_call": anchor.pk,
    "persons": list(RollCallEntry.objects.filter(roll_call=measured).values_list("person__reference", flat=True)),
    "monitors": [signed(f"bench-monitor-{i}", "field_monitor") for i in range(CLIENTS)],
}
open(PLAN_PATH, "w").write(json.dumps(plan))
"""


def _env(data: Path, url: str | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "ASYLON_DATA_DIR": str(data)}
    if url:
        env["ASYLON_DATABASE_URL"] = url
    env.update(
        {
            "ASYLON_SECURE_COOKIES": "false",  # plain HTTP on 127.0.0.1
            "ASYLON_REQUIRE_2FA": "false",
            "ASYLON_SECRET_KEY": "roll-call-bench-key",
            "ASYLON_AUDIT_LOG_LEVEL": "WARNING",  # one checkpoint line per batch would flood the output
        }
    )
    return env


def _recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _wait_for(port: int, seconds: float = 120) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            conn.getresponse().read()  # any answer (200, or 503 with no worker): the server is up
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not answer")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values, default=0.0)


class Phase:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.marks = 0
        self.statuses: dict[str, int] = {}
        self.errors: list[str] = []
        self.elapsed = 0.0
        self.unsent = 0  # paced: batches due that were never sent

    def run(self, clients: int, seconds: float, work) -> Phase:
        stop = time.monotonic() + seconds
        threads = [threading.Thread(target=work, args=(i, stop)) for i in range(clients)]
        t0 = time.monotonic()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        self.elapsed = time.monotonic() - t0
        return self

    def line(self, name: str) -> str:
        n, median = len(self.latencies), statistics.median(self.latencies or [0])
        marks = f"{self.marks / self.elapsed:9.1f} marks/s" if self.marks else " " * 17
        return (
            f"{name:34} {n / self.elapsed:8.1f} req/s {marks}"
            f"   p95 {_p95(self.latencies) * 1000:7.1f} ms   median {median * 1000:6.1f} ms"
        )

    def rate(self) -> float:
        return self.marks / self.elapsed

    def req_rate(self) -> float:
        return len(self.latencies) / self.elapsed


def _batch(rng: random.Random, client: str, persons: list[str], size: int, seq: int) -> list[dict]:
    now = datetime.now(UTC).isoformat()
    return [
        {
            "person": ref,
            "result": rng.choice(["ACCOUNTED_SAFE", "INJURED", "NOT_FOUND"]),
            "marked_at": now,
            "client_id": f"{client}-{seq}-{k}",
        }
        for k, ref in enumerate(rng.sample(persons, size))
    ]


class Client:
    """One monitor's kept-alive connection: sends a batch of marks (or reads the counts)."""

    def __init__(self, port: int, plan: dict, i: int, kind: str) -> None:
        self.port, self.plan, self.i, self.kind = port, plan, i, kind
        self.rng = random.Random(f"{kind}-{i}")
        monitor = plan["monitors"][i]
        self.headers = {
            "Cookie": monitor["cookie"],
            "X-CSRFToken": monitor["csrf"],
            "Referer": f"http://127.0.0.1:{port}/",
            "Content-Type": "application/json",
        }
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.seq = 0

    def send(self, phase: Phase, batch: int, since: float | None = None) -> None:
        """One request, answered (retried on a dropped connection); its latency counts from
        `since` when given (the scheduled time of a paced send), else from the send."""
        self.seq += 1
        rc = self.plan["roll_call"]
        tag = f"{self.kind[0]}{self.i}"
        marks = _batch(self.rng, tag, self.plan["persons"], batch, self.seq) if self.kind != "counts" else []
        t = time.perf_counter() if since is None else since
        while True:
            try:
                if marks:
                    body = json.dumps({"marks": marks})
                    self.conn.request("POST", f"/incidents/roll-calls/{rc}/marks", body, self.headers)
                else:
                    self.conn.request("GET", f"/incidents/roll-calls/{rc}/counts.json", headers=self.headers)
                resp = self.conn.getresponse()
                answer = resp.read()
                break
            except (OSError, http.client.HTTPException) as exc:
                # A kept-alive connection the server closed: the batch may or may not have
                # arrived. It is sent again as it was; the same client ids make it a duplicate.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                with phase.lock:
                    phase.errors.append(type(exc).__name__)
        dt = time.perf_counter() - t
        with phase.lock:
            if resp.status != 200:
                phase.errors.append(f"HTTP {resp.status}")
                return
            phase.latencies.append(dt)
            if marks:
                phase.marks += len(marks)
                for r in json.loads(answer)["results"]:
                    phase.statuses[r["status"]] = phase.statuses.get(r["status"], 0) + 1


def http_phase(port: int, plan: dict, clients: int, seconds: float, batch: int, kind: str) -> Phase:
    """Closed loop: each client sends its next request as soon as the last is answered."""
    phase = Phase()

    def work(i: int, stop: float) -> None:
        client = Client(port, plan, i, kind)
        while time.monotonic() < stop:
            client.send(phase, batch)
        client.conn.close()

    return phase.run(clients, seconds, work)


def paced_phase(port: int, plan: dict, clients: int, seconds: float, batch: int, rate: float) -> Phase:
    """Open loop at a fixed total rate (marks/s): each client sends a batch every
    clients * batch / rate seconds on its own schedule (the clients staggered over one
    period), whether or not its last answer came. A batch's latency runs from its scheduled
    time, so a send made late because the client still waited for an answer counts the wait
    against the server, as wrk2 counts it (no coordinated omission)."""
    phase = Phase()
    period = clients * batch / rate

    def work(i: int, stop: float) -> None:
        client = Client(port, plan, i, "paced")
        end = time.perf_counter() + (stop - time.monotonic())
        due = end - seconds + period * i / clients
        while due < end and time.perf_counter() < end:
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            client.send(phase, batch, since=due)
            due += period
        client.conn.close()
        # Batches due before the end but not sent (the client still waited for an answer):
        # each counts as late by at least its wait until the end.
        late = [end - t for t in itertools.takewhile(lambda t: t < end, itertools.count(due, period))]
        with phase.lock:
            phase.latencies += late
            phase.unsent += len(late)

    return phase.run(clients, seconds, work)


def update_phase(plan: dict, clients: int, seconds: float, batch: int) -> Phase:
    """The anchor: the service's one UPDATE per batch, straight to the database."""
    from django.db import connections

    from asylon.incidents import rollcall
    from asylon.incidents.models import RollCallEntry

    entries = list(RollCallEntry.objects.filter(roll_call_id=plan["anchor_roll_call"]).values_list("pk", flat=True))
    actor = type("Actor", (), {"pk": plan["monitors"][0]["user"]})()
    phase = Phase()

    def work(i: int, stop: float) -> None:
        rng = random.Random(f"update-{i}")
        try:
            while time.monotonic() < stop:
                now = datetime.now(UTC)
                marks = [
                    (pk, rollcall.Mark(person="", result="ACCOUNTED_SAFE", marked_at=now, client_id=f"a{i}-{k}"))
                    for k, pk in enumerate(rng.sample(entries, batch))
                ]
                t = time.perf_counter()
                rollcall._apply_marks(actor, marks)  # autocommit: the statement and its commit
                dt = time.perf_counter() - t
                with phase.lock:
                    phase.latencies.append(dt)
                    phase.marks += batch
        finally:
            connections.close_all()

    return phase.run(clients, seconds, work)


def check_marks(plan: dict, phases: list[Phase]) -> bool:
    """Every mark sent is answered, and every applied one is in the database and the trail."""
    from django.db.models import Sum

    from asylon.audit.models import AuditEvent
    from asylon.incidents.models import RollCallEntry

    rc = plan["roll_call"]
    in_db = RollCallEntry.objects.filter(roll_call_id=rc).aggregate(n=Sum("version"))["n"] or 0
    events = AuditEvent.objects.filter(action="roll_call.marked", object_type="incidents.rollcall", object_id=str(rc))
    named = sum(len(changes["marks"]) for changes in events.values_list("changes", flat=True))
    statuses: dict[str, int] = {}
    for phase in phases:
        for status, n in phase.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    sent, errors = sum(p.marks for p in phases), sum(len(p.errors) for p in phases)
    answered = sum(statuses.values())
    applied = statuses.get("applied", 0)
    print(
        f"marks sent {sent}, answered {answered} {dict(sorted(statuses.items()))};"
        f" applied marks in the database {in_db}; persons named by {events.count()} audit events {named}"
    )
    ok = answered == sent and in_db == applied == named
    print(f"no mark lost: {'yes' if ok else 'NO'}" + (f"   (client errors: {errors})" if errors else ""))
    return ok


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc; 0 where it cannot be read)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def cpu_used(server_pid: int) -> tuple[float, float]:
    """CPU seconds so far of the server's worker processes and of the database's backends."""
    from django.db import connection

    workers = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if int(entry.joinpath("stat").read_text().rsplit(")", 1)[1].split()[1]) == server_pid:
                workers.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    backends: list[int] = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            backends = [r[0] for r in cursor.fetchall()]
        connection.close()
    return sum(map(_cpu_seconds, workers)), sum(map(_cpu_seconds, backends))


CLIENTS = 20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--batch", type=int, default=20, help="marks per request (the page sends its queue in batches)")
    parser.add_argument("--web-workers", type=int, default=None, help="gunicorn processes (asylon serve's default)")
    parser.add_argument("--threads", type=int, default=None, help="threads per process (asylon serve's default)")
    parser.add_argument("--rate", type=float, default=2000, help="marks/s the paced phase sends (issue 24's target)")
    parser.add_argument("--port", type=int, default=8798)
    args = parser.parse_args()
    url = os.environ.get("ASYLON_DATABASE_URL")
    data = Path(tempfile.mkdtemp(prefix="asylon-rollcall-"))
    env = _env(data, url)
    if url:
        _recreate_database(url)
    asylon = [sys.executable, "-m", "asylon"]
    t = time.monotonic()
    subprocess.run([*asylon, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    plan_path = data / "plan.json"
    seed = f"PLAN_PATH = {str(plan_path)!r}\nCLIENTS = {args.clients}\n{SEED}"
    subprocess.run([*asylon, "shell", "-c", seed], env=env, check=True, cwd=ROOT)
    plan = json.loads(plan_path.read_text())
    print(f"set-up: demo camp seeded, {len(plan['persons'])} persons in the roll call, {time.monotonic() - t:.0f} s")

    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "asylon.settings")
    import django

    django.setup()
    from django.db import connection

    serve = [*asylon, "serve", "--bind", f"127.0.0.1:{args.port}"]
    serve += ["--workers", str(args.web_workers)] if args.web_workers else []
    serve += ["--threads", str(args.threads)] if args.threads else []
    log = (data / "server.log").open("w")
    server = subprocess.Popen(serve, env=env, stdout=log, stderr=log, cwd=ROOT)
    try:
        _wait_for(args.port)
        print(
            f"database: {connection.vendor}   server: {' '.join(serve[3:])} (gunicorn)   clients: {args.clients}"
            f"   batch: {args.batch}   seconds: {args.seconds:g}   load average: {os.getloadavg()[0]:.2f}"
        )
        update = update_phase(plan, args.clients, args.seconds / 2, args.batch)
        connection.close()
        counts = http_phase(args.port, plan, args.clients, args.seconds / 2, args.batch, "counts")
        before = cpu_used(server.pid)
        marks = http_phase(args.port, plan, args.clients, args.seconds, args.batch, "marks")
        after = cpu_used(server.pid)
        paced = paced_phase(args.port, plan, args.clients, args.seconds, args.batch, args.rate)
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(update.line("anchor  one UPDATE per batch"))
    print(counts.line("anchor  GET counts.json"))
    print(marks.line("marks   POST marks (page's path)"))
    print(
        f"ratio   marks/s against one UPDATE per batch: {marks.rate() / update.rate():.2f}"
        f"   p95 against the UPDATE's: {_p95(marks.latencies) / _p95(update.latencies):.1f}x"
        f"   req/s against counts.json: {marks.req_rate() / counts.req_rate():.2f}"
    )
    batches = max(len(marks.latencies), 1)
    print(
        f"cpu     per marks batch: server processes {(after[0] - before[0]) / batches * 1000:.1f} ms,"
        f" PostgreSQL backends {(after[1] - before[1]) / batches * 1000:.1f} ms (0 on SQLite or another host)"
    )
    print(
        f"paced   {args.clients} clients at {args.rate:g} marks/s in all: {paced.rate():.1f} marks/s"
        f" ({paced.rate() / args.rate:.2f} of the rate asked)   p95 {_p95(paced.latencies) * 1000:.1f} ms"
        f" (target < 100 ms)   median {statistics.median(paced.latencies or [0]) * 1000:.1f} ms"
        f"   latency from the scheduled send; {paced.unsent} batches due not sent (counted late)"
    )
    print(
        f"target  closed loop >= 2,000 marks/s: {marks.rate():.0f}"
        f"   paced p95 < 100 ms at 2,000 marks/s: {_p95(paced.latencies) * 1000:.0f} ms"
    )
    ok = check_marks(plan, [marks, paced])
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
