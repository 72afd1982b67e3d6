"""locust users for bench/load_bench.py (not run on its own: the bench passes sessions and the URL mix).

Each simulated user takes one of the sessions logged in before the run and, with a short think time,
opens pages and API lists/details (weighted GET mix), and writes what its role writes all day:
  - a district office files an activity return (POST /api/v1/activities/) and submits it (…/submit/),
  - office staff approve the oldest submitted return (…/approve/ with the version they saw: a 409 when
    another reviewer was quicker is the conflict rule working, counted apart, not as an error) — each
    approval enqueues the roll-up on the Celery worker,
  - everybody: a language switch (a CSRF-checked form POST) and an API token request (password check).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

SESSIONS = json.loads(Path(os.environ["KEPU_BENCH_SESSIONS"]).read_text())
GETS = json.loads(Path(os.environ["KEPU_BENCH_GETS"]).read_text())
PASSWORD = os.environ.get("KEPU_BENCH_PASSWORD", "kepu-demo-2025")
_counter = itertools.count()
_lock = threading.Lock()
# each role's GET mix: {role: [[weight, path], …]} (the paths that role may open)
MIX = {role: ([path for _, path in gets], [weight for weight, _ in gets]) for role, gets in GETS.items()}


def _name(path: str) -> str:
    return path.split("?")[0]


CONFLICTS = itertools.count()  # approvals that lost the race to another reviewer (409), reported at the end


@events.test_stop.add_listener
def _report_conflicts(environment, **kwargs):
    lost = next(CONFLICTS)
    print(f"KEPU_BENCH_CONFLICTS={lost}")


class StaffUser(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        with _lock:
            session = SESSIONS[next(_counter) % len(SESSIONS)]
        self.username = session["username"]
        self.role = session.get("role", "")
        host = urlsplit(self.host).hostname
        for name, value in session["cookies"].items():
            # same domain and path as the server's own cookies, so a later Set-Cookie replaces, not duplicates
            self.client.cookies.set(name, value, domain=host, path="/")
        self.csrf = session["cookies"]["csrftoken"]

    @task(40)
    def browse(self):
        paths, weights = MIX[self.role]
        path = random.choices(paths, weights)[0]
        self.client.get(path, name=_name(path), allow_redirects=False)

    @task(6)
    def file_and_submit_a_return(self):
        if self.role != "district":
            return
        n = next(_counter)
        headers = {"X-CSRFToken": self.csrf, "Referer": self.host + "/"}
        created = self.client.post(
            "/api/v1/activities/",
            name="/api/v1/activities/ [create]",
            json={
                "title": f"压测活动 {self.username} {n}",
                "category": "town_main_event",
                "format": "offline",
                "starts_on": "2026-09-16",
                "ends_on": "2026-09-16",
                "venue": "新时代文明实践站",
                "planned_participants": 120,
                "actual_participants": 100 + n % 50,
            },
            headers=headers,
        )
        if created.status_code == 201:
            body = created.json()
            self.client.post(
                f"/api/v1/activities/{body['id']}/submit/",
                name="/api/v1/activities/{id}/submit/",
                json={"version": body["version"]},
                headers=headers,
            )

    @task(6)
    def approve_the_oldest_submitted_return(self):
        if self.role != "office":
            return
        queue = self.client.get(
            "/api/v1/activities/?status=submitted&ordering=submitted_at", name="/api/v1/activities/?status=submitted"
        )
        results = queue.json().get("results", []) if queue.status_code == 200 else []
        if not results:
            return
        item = results[random.randrange(min(3, len(results)))]  # reviewers pick near the head of the queue
        with self.client.post(
            f"/api/v1/activities/{item['id']}/approve/",
            name="/api/v1/activities/{id}/approve/",
            json={"version": item["version"]},
            catch_response=True,
            headers={"X-CSRFToken": self.csrf, "Referer": self.host + "/"},
        ) as response:
            if response.status_code == 409:  # another reviewer was first: the conflict rule, not a failure
                next(CONFLICTS)
                response.success()

    @task(2)
    def switch_language(self):
        language = random.choice(["en", "zh-hans"])
        self.client.post(
            "/i18n/setlang/",
            name="/i18n/setlang/",
            allow_redirects=False,
            data={
                "language": language,
                "next": "/",
                "csrfmiddlewaretoken": self.csrf,
            },
            headers={"Referer": self.host + "/"},
        )

    @task(1)
    def api_token(self):
        # the session cookie makes DRF check CSRF on this POST, as it would for a browser
        self.client.post(
            "/api/v1/auth/token/",
            name="/api/v1/auth/token/",
            data={"username": self.username, "password": PASSWORD},
            headers={"X-CSRFToken": self.csrf, "Referer": self.host + "/"},
        )
