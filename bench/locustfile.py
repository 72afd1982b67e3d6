"""locust users for bench/load_bench.py (not run on its own: the bench passes sessions and the URL mix).

Each simulated user takes one of the sessions logged in before the run and, with a short think time,
opens pages and API lists/details (weighted GET mix), and submits: a language switch (a CSRF-checked
form POST that writes the session) and an API token request (username + password, the costly one).
"""
from __future__ import annotations

import itertools
import json
import os
import random
import threading
from urllib.parse import urlsplit

from locust import HttpUser, between, task

SESSIONS = json.loads(open(os.environ["KEPU_BENCH_SESSIONS"]).read())
GETS = json.loads(open(os.environ["KEPU_BENCH_GETS"]).read())
PASSWORD = os.environ.get("KEPU_BENCH_PASSWORD", "kepu-demo-2025")
_counter = itertools.count()
_lock = threading.Lock()
PATHS = [path for _, path in GETS]
WEIGHTS = [weight for weight, _ in GETS]


def _name(path: str) -> str:
    return path.split("?")[0]


class StaffUser(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        with _lock:
            session = SESSIONS[next(_counter) % len(SESSIONS)]
        self.username = session["username"]
        host = urlsplit(self.host).hostname
        for name, value in session["cookies"].items():
            # same domain and path as the server's own cookies, so a later Set-Cookie replaces, not duplicates
            self.client.cookies.set(name, value, domain=host, path="/")
        self.csrf = session["cookies"]["csrftoken"]

    @task(40)
    def browse(self):
        path = random.choices(PATHS, WEIGHTS)[0]
        self.client.get(path, name=_name(path), allow_redirects=False)

    @task(2)
    def switch_language(self):
        language = random.choice(["en", "zh-hans"])
        self.client.post("/i18n/setlang/", name="/i18n/setlang/", allow_redirects=False, data={
            "language": language, "next": "/", "csrfmiddlewaretoken": self.csrf,
        }, headers={"Referer": self.host + "/"})

    @task(1)
    def api_token(self):
        # the session cookie makes DRF check CSRF on this POST, as it would for a browser
        self.client.post("/api/v1/auth/token/", name="/api/v1/auth/token/",
                         data={"username": self.username, "password": PASSWORD},
                         headers={"X-CSRFToken": self.csrf, "Referer": self.host + "/"})
