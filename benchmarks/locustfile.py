"""The read mix of the load test: what project managers and API consumers ask all day.

Weights: contact lists of a project (3), one contact (2), a project's findings (3), a
who-to-contact path inside a project (3), a stage map's JSON (2). Ids come from the server
itself at start. Each simulated user sends at most ``GRAPHSVC_LOAD_RATE`` requests per second
(think time), so 50 users offer a steady load instead of hammering in a closed loop.
"""

from __future__ import annotations

import os
import random
import threading

from locust import constant_throughput, task
from locust.contrib.fasthttp import FastHttpUser

RATE = float(os.environ.get("GRAPHSVC_LOAD_RATE", "7"))
_ids: dict[str, object] = {}
_lock = threading.Lock()


def _load_ids(client) -> dict[str, object]:
    with _lock:
        if not _ids:
            projects = [p["id"] for p in client.get("/api/v1/projects?limit=500", name="(setup)").json()["items"]]
            people = {}
            stages = {}
            for project in projects:
                url = f"/api/v1/contacts?project={project}&status=active&limit=500"
                people[project] = [c["id"] for c in client.get(url, name="(setup)").json()["items"]]
                url = f"/api/v1/stages?project={project}&limit=500"
                stages[project] = [s["id"] for s in client.get(url, name="(setup)").json()["items"]]
            _ids.update(projects=projects, people=people, stages=stages)
        return _ids


class ProjectUser(FastHttpUser):
    wait_time = constant_throughput(RATE)

    def on_start(self) -> None:
        self.ids = _load_ids(self.client)
        self.rng = random.Random()

    def _project(self) -> str:
        return self.rng.choice(self.ids["projects"])

    @task(3)
    def contact_list(self) -> None:
        project = self._project()
        offset = self.rng.choice([0, 0, 50])
        self.client.get(f"/api/v1/contacts?project={project}&limit=50&offset={offset}", name="/api/v1/contacts?project")

    @task(2)
    def one_contact(self) -> None:
        person = self.rng.choice(self.ids["people"][self._project()])
        self.client.get(f"/api/v1/contacts/{person}", name="/api/v1/contacts/{id}")

    @task(3)
    def findings(self) -> None:
        self.client.get(f"/api/v1/projects/{self._project()}/findings", name="/api/v1/projects/{id}/findings")

    @task(3)
    def path(self) -> None:
        people = self.ids["people"][self._project()]
        source, target = self.rng.sample(people, 2)
        with self.client.get(
            f"/api/v1/paths?source={source}&target={target}&k=3", name="/api/v1/paths", catch_response=True
        ) as response:
            if response.status_code == 422:  # "no working line" is an answer, not an error
                response.success()

    @task(2)
    def map_json(self) -> None:
        project = self._project()
        stage = self.rng.choice(self.ids["stages"][project])
        self.client.get(f"/api/v1/projects/{project}/graph?stage={stage}", name="/api/v1/projects/{id}/graph")
