"""Fixtures: a real Neo4j server for the session, and every store test on both stores.

Neo4j is started by ``neo4j_server.start_neo4j`` (neo4j-harness through Maven) unless
``GRAPHSVC_TEST_NEO4J_URI`` points at a running server kept for tests. If it cannot start,
the Neo4j tests fail: they are never skipped.

A test database is never a user's database: the service's own settings (``NEO4J_URI``,
``GRAPHSVC_STORE``, ``GRAPHSVC_DATA_DIR``, ...) are taken out of the environment before any
test runs, and a server given by ``GRAPHSVC_TEST_NEO4J_URI`` is used only when it is empty
or marked as a test database by an earlier session (``neo4j_server.claim_for_tests``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from graphsvc.store.base import Store
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.store.neo4j_store import Neo4jStore

from neo4j_server import claim_for_tests, start_neo4j

#: a running server for the tests (optional; otherwise the session starts its own)
TEST_URI, TEST_USER, TEST_PASSWORD = (
    "GRAPHSVC_TEST_NEO4J_URI",
    "GRAPHSVC_TEST_NEO4J_USER",
    "GRAPHSVC_TEST_NEO4J_PASSWORD",
)


#: the data directory of anything that opens the configured store without choosing its own
_SCRATCH_DATA_DIR = tempfile.mkdtemp(prefix="graphsvc-tests-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_SCRATCH_DATA_DIR, ignore_errors=True)


def pytest_configure(config: pytest.Config) -> None:
    """Replace the service's settings with harmless ones, so that a developer's values never
    point a test at their data: set, not just removed, so that a ``.env`` file (read by the
    settings too) cannot fill them in either."""
    os.environ.update(
        {
            "GRAPHSVC_STORE": "embedded",
            "GRAPHSVC_DATA_DIR": _SCRATCH_DATA_DIR,
            "NEO4J_URI": "bolt://127.0.0.1:9",  # the discard port: nothing answers
            "NEO4J_USER": "neo4j",
            "NEO4J_PASSWORD": "",
            "NEO4J_DATABASE": "neo4j",
            # the tests read the interface in English unless they ask for a language
            "GRAPHSVC_LANG": "en",
        }
    )


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    if os.environ.get(TEST_URI):
        yield os.environ[TEST_URI]
        return
    server = start_neo4j()
    try:
        yield server.uri
    finally:
        server.stop()


def make_neo4j_store(uri: str) -> Neo4jStore:
    return Neo4jStore(uri, user=os.environ.get(TEST_USER, "neo4j"), password=os.environ.get(TEST_PASSWORD, ""))


@pytest.fixture(scope="session")
def neo4j_settings(neo4j_uri: str) -> dict[str, str]:
    """The service's settings that point a command or server at the test Neo4j server."""
    return {
        "GRAPHSVC_STORE": "neo4j",
        "NEO4J_URI": neo4j_uri,
        "NEO4J_USER": os.environ.get(TEST_USER, "neo4j"),
        "NEO4J_PASSWORD": os.environ.get(TEST_PASSWORD, ""),
    }


@pytest.fixture
def settings_of(request: pytest.FixtureRequest, tmp_path) -> Callable[[Store], dict[str, str]]:
    """The service's settings that point a command at a test's store (the embedded fixture
    keeps its file in the test's tmp_path)."""

    def settings(store: Store) -> dict[str, str]:
        if isinstance(store, EmbeddedStore):
            return {"GRAPHSVC_STORE": "embedded", "GRAPHSVC_DATA_DIR": str(tmp_path)}
        return dict(request.getfixturevalue("neo4j_settings"))

    return settings


@pytest.fixture(scope="session")
def _neo4j_shared(neo4j_uri: str) -> Iterator[Neo4jStore]:
    store = make_neo4j_store(neo4j_uri)
    claim_for_tests(store.driver, store.database)
    store.init_schema()
    yield store
    store.clear()
    claim_for_tests(store.driver, store.database)
    store.close()


@pytest.fixture
def neo4j_store(_neo4j_shared: Neo4jStore) -> Neo4jStore:
    """The session's Neo4j store, emptied for this test (it was claimed as a test database)."""
    _neo4j_shared.clear()
    return _neo4j_shared


@pytest.fixture
def embedded_cli(tmp_path, monkeypatch) -> Callable[..., Any]:
    """``graphsvc ARGS...`` in this process on an embedded store of the test's own
    (``tmp_path/data``); answers typer's Result (stdout and stderr apart)."""
    from typer.testing import CliRunner

    from graphsvc.cli.main import app

    monkeypatch.setenv("GRAPHSVC_STORE", "embedded")
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, list(args))

    return invoke


@pytest.fixture
def embedded_store(tmp_path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "graphsvc.sqlite3")
    yield store
    store.close()


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium per test process (a launch costs seconds); each browser test
    module opens its own context in it (``test_maps_browser.browser``), so no cookie or
    storage passes from one module to another."""
    try:
        from playwright.sync_api import sync_playwright  # lazy: most test processes need no browser
    except ImportError:  # pragma: no cover - the environment, not the code
        pytest.fail("the browser tests need the playwright package: pip install playwright")
    from test_maps_browser import ARGS, CHROMIUM  # the browser tests' own settings, in one place

    if not os.path.exists(CHROMIUM):  # pragma: no cover
        pytest.fail(f"the browser tests need Chromium at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request):
    """Each test that takes ``store`` runs once per store: the conformance suite."""
    return request.getfixturevalue(f"{request.param}_store")


#: the test files that take longest (both stores: tens of seconds each), longest first
SLOWEST_FILES = (
    "test_fuzz.py",
    "test_concurrency.py",
    "test_fuzz_hostile.py",
    "test_permission_matrix.py",
    "test_one_truth.py",
    "test_interrupted_import.py",
    "test_demo_dates.py",
    "test_api_docs.py",
    "test_map_scale.py",
    "test_neo4j_launcher.py",
    "test_multiprocess.py",
    "test_findings_oracle.py",
    "test_cli_terminal.py",
    "test_input_limits.py",
    "test_large_imports.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slowest files first, so that the two xdist workers end together: pytest-xdist
    hands out whole files (``--dist loadfile``) in this order (``--no-loadscope-reorder``),
    and a long file handed out last would keep one worker busy while the other waits.
    The order of the tests within a file is kept."""
    rank = {name: position for position, name in enumerate(SLOWEST_FILES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def pytest_sessionfinish(session, exitstatus):
    """Under CI nothing may be skipped: a skipped Neo4j or browser test is a failure."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {skipped} test(s) were skipped; every test must run", red=True)
        session.exitstatus = 1
