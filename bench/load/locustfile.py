"""Locust users for bench/load_test.py: clerks who search, read persons and register households,
and field monitors who mark a roll call. bench/load_test.py seeds the data and writes the
sessions this file reads (ASYLON_LOAD_PLAN)."""

from __future__ import annotations

import json
import os
import random
from datetime import UTC, datetime

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["ASYLON_LOAD_PLAN"]).read())  # noqa: SIM115, PTH123
NAMES = ["Ahmad", "Fatima", "Hassan", "Zahra", "Omar", "Maryam", "Ali", "Layla", "Karim", "Nadia"]


class _Signed(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)
    pool: list[dict] = []

    def on_start(self) -> None:
        session = random.choice(self.pool)
        self.client.headers.update({"X-CSRFToken": session["csrf"], "Referer": self.host + "/"})
        for name, value in session["cookies"].items():
            self.client.cookies.set(name, value)


class Clerk(_Signed):
    weight = 3
    pool = PLAN["clerks"]

    @task(5)
    def search(self) -> None:
        self.client.get("/persons/search/", params={"q": random.choice(NAMES)}, name="/persons/search/?q=")

    @task(5)
    def person_page(self) -> None:
        self.client.get(f"/persons/{random.choice(PLAN['persons'])}/", name="/persons/[reference]/")

    @task(1)
    def register(self) -> None:
        body = {
            "site": PLAN["site"],
            "unit": random.choice(PLAN["units"]),
            "members": [
                {"relationship": "PA", "given_name": random.choice(NAMES), "family_name": "Loadtest", "sex": "F"},
                {"relationship": "CHILD", "given_name": random.choice(NAMES), "family_name": "Loadtest", "sex": "M"},
            ],
        }
        self.client.post("/api/v1/households", json=body, name="POST /api/v1/households")


class Monitor(_Signed):
    weight = 2
    pool = PLAN["monitors"]

    @task
    def mark(self) -> None:
        marks = [
            {
                "person": random.choice(PLAN["persons"]),
                "result": random.choice(["ACCOUNTED_SAFE", "ACCOUNTED_SAFE", "NOT_FOUND"]),
                "marked_at": datetime.now(UTC).isoformat(),
                "client_id": f"{id(self)}-{random.random()}",
            }
            for _ in range(5)
        ]
        self.client.post(
            f"/incidents/roll-calls/{PLAN['roll_call']}/marks", json={"marks": marks}, name="POST roll-call marks"
        )
