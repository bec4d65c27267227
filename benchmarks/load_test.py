"""Load test: the HTTP service on loopback under 50 concurrent users, both stores.

    python -m benchmarks.load_test [--store embedded|neo4j|both] [--seconds 60] [--users 50]

Loads the demo data plus a generated portfolio (20 projects x 100 people) into a fresh
store, starts ``graphsvc serve`` in its own process (as deployed), runs locust headless
(``benchmarks/locustfile.py``) from another process, and records throughput, p50, p99 and
errors per store in ``benchmarks/results/load.json``. Target (issue 5, 2-core machine):
>= 300 req/s at p99 < 250 ms on the embedded store with 50 users, zero errors.
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
from pathlib import Path

import httpx

from benchmarks.common import RESULTS, ROOT, neo4j_target

PROJECTS, PEOPLE = 20, 100


def dataset() -> list[dict]:
    from graphsvc.application.demo import demo_data
    from graphsvc.application.synthetic import portfolio

    return [demo_data(), portfolio(PROJECTS, PEOPLE, seed=11)]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _load(env: dict[str, str]) -> None:
    from graphsvc.application.importer import import_bundle
    from graphsvc.store import open_store
    from graphsvc.support.settings import load_settings

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        with open_store(load_settings()) as store:
            store.init_schema()
            store.clear()
            for data in dataset():
                import_bundle(store, data)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def run_once(store_name: str, env: dict[str, str], seconds: int, users: int) -> dict:
    _load(env)
    port = _free_port()
    server_env = {**os.environ, **env}
    server = subprocess.Popen(
        [sys.executable, "-m", "graphsvc", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"server did not start: {server.stderr.read() if server.poll() is not None else ''}")
            time.sleep(0.2)
        # Steady state: one warm-up pass computes each project's findings and stage maps (and
        # the path directory) once
        # per data version, as the first users of the day would (cold costs are measured by
        # the query and map benchmarks).
        with httpx.Client(base_url=base, timeout=300) as client:
            for project in [p["id"] for p in client.get("/api/v1/projects?limit=500").json()["items"]]:
                client.get(f"/api/v1/projects/{project}/findings")
                for stage in client.get(f"/api/v1/stages?project={project}&limit=500").json()["items"]:
                    client.get(f"/api/v1/projects/{project}/graph?stage={stage['id']}")
            people = client.get("/api/v1/contacts?status=active&limit=2").json()["items"]
            client.get(f"/api/v1/paths?source={people[0]['id']}&target={people[1]['id']}")  # the path directory
        with tempfile.TemporaryDirectory() as tmp:
            prefix = Path(tmp) / "stats"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "benchmarks" / "locustfile.py"),
                    "--headless",
                    "-u",
                    str(users),
                    "-r",
                    str(users),
                    "-t",
                    f"{seconds}s",
                    "--host",
                    base,
                    "--csv",
                    str(prefix),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                check=False,
                timeout=seconds + 120,
                cwd=ROOT,
            )
            rows = list(csv.DictReader(Path(f"{prefix}_stats.csv").open()))  # noqa: SIM115 - read to the end here
            failures = [
                {"name": f["Name"], "error": f["Error"][:300], "occurrences": int(f["Occurrences"])}
                for f in csv.DictReader(Path(f"{prefix}_failures.csv").open())  # noqa: SIM115
            ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    by_name = {}
    total = None
    for row in rows:
        entry = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "req_per_s": round(float(row["Requests/s"]), 1),
            "p50_ms": float(row["50%"]),
            "p99_ms": float(row["99%"]),
        }
        if row["Name"] == "Aggregated":
            total = entry
        else:
            by_name[row["Name"]] = entry
    return {
        "store": store_name,
        "users": users,
        "seconds": seconds,
        "total": total,
        "by_request": by_name,
        "failures": failures,
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", choices=["embedded", "neo4j", "both"], default="both")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=50)
    args = parser.parse_args()
    before = [round(x, 2) for x in os.getloadavg()]
    results = []
    if args.store in ("embedded", "both"):
        with tempfile.TemporaryDirectory() as data_dir:
            env = {"GRAPHSVC_STORE": "embedded", "GRAPHSVC_DATA_DIR": data_dir}
            results.append(run_once("embedded", env, args.seconds, args.users))
            print(json.dumps(results[-1]["total"]), flush=True)
    if args.store in ("neo4j", "both"):
        with neo4j_target() as target:
            env = {
                "GRAPHSVC_STORE": "neo4j",
                "NEO4J_URI": target.uri,
                "NEO4J_USER": target.user,
                "NEO4J_PASSWORD": target.password,
                "NEO4J_DATABASE": target.database,
            }
            results.append(run_once("neo4j", env, args.seconds, args.users))
            print(json.dumps(results[-1]["total"]), flush=True)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "load.json"
    facts = {
        "dataset": f"demo + {PROJECTS} projects x {PEOPLE} people",
        "offered_per_user_per_s": float(os.environ.get("GRAPHSVC_LOAD_RATE", "7")),
        "measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_average_before": before,
        "runs": results,
    }
    out.write_text(json.dumps(facts, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
