"""A large import killed with SIGKILL leaves the store as before, never half written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from graphsvc.application.importer import import_bundle
from graphsvc.domain.bundle import canonical_dict
from graphsvc.store.embedded import EmbeddedStore

from samples import small

TODAY = date(2026, 11, 22)
PROJECTS = 100  # about 37,000 rows

WRITER = """
import sys
from graphsvc.domain.bundle import parse_bundle
from graphsvc.store import open_store
from graphsvc.application.synthetic import portfolio

bundle = parse_bundle(portfolio(int(sys.argv[1]), 50))
store = open_store()
print("WRITING", flush=True)
store.write(bundle)
print("DONE", flush=True)
sys.stdin.read()  # linger until stdin closes: a kill may also land after the commit
"""


def _kill_mid_write(env: dict[str, str], delay: float) -> None:
    """Start a bulk write in a child process and SIGKILL it ``delay`` s into the write."""
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(PROJECTS)],
        env={**os.environ, **env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "WRITING"
        time.sleep(delay)
        assert child.poll() is None, "the write finished before the kill"
    finally:
        child.kill()
        child.wait()


def _full_write(env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", WRITER, str(PROJECTS)],
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["WRITING", "DONE"]


def _write_window(env: dict[str, str]) -> float:
    """Seconds between the child announcing the write and finishing it."""
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(PROJECTS)],
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "WRITING"
    started = time.monotonic()
    assert child.stdout.readline().strip() == "DONE"
    window = time.monotonic() - started
    assert child.wait() == 0
    return window


def test_embedded_import_killed_is_all_or_nothing(tmp_path: Path):
    """Kill at points spread over the write and just after it: each outcome is the old
    state or the full one (the commit is the write's last step, so the kills after it
    show the full state is what a finished write leaves)."""
    seed = tmp_path / "seed"
    with EmbeddedStore(seed / "graphsvc.sqlite3") as store:
        import_bundle(store, small(), today=TODAY)
        before = canonical_dict(store.export())
    full_dir = tmp_path / "full"
    shutil.copytree(seed, full_dir)
    window = _write_window({"GRAPHSVC_STORE": "embedded", "GRAPHSVC_DATA_DIR": str(full_dir)})
    with EmbeddedStore(full_dir / "graphsvc.sqlite3") as store:
        after = canonical_dict(store.export())
    assert len(after["contacts"]) == PROJECTS * 50 + len(before["contacts"])

    outcomes = []
    for step in range(8):
        trial = tmp_path / f"trial{step}"
        shutil.copytree(seed, trial)
        _kill_mid_write({"GRAPHSVC_STORE": "embedded", "GRAPHSVC_DATA_DIR": str(trial)}, window * step / 6)
        with EmbeddedStore(trial / "graphsvc.sqlite3") as store:
            state = canonical_dict(store.export())
        assert state in (before, after), f"half-written store after a kill at {window * step / 6:.3f} s"
        outcomes.append("before" if state == before else "after")
    assert "before" in outcomes and "after" in outcomes, outcomes


@pytest.mark.neo4j
def test_neo4j_import_killed_leaves_store_as_before(neo4j_store, neo4j_settings):
    env = neo4j_settings
    import_bundle(neo4j_store, small(), today=TODAY)
    before = canonical_dict(neo4j_store.export())
    _kill_mid_write(env, delay=1.0)
    assert canonical_dict(neo4j_store.export()) == before
    _full_write(env)
    assert neo4j_store.counts()["contacts"] == PROJECTS * 50 + len(small()["contacts"])
