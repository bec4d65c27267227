"""one_ahead: the Neo4j store builds a write's next statement on a helper thread while the
current one runs; order, errors and early stops must behave as a plain loop."""

from __future__ import annotations

import threading

import pytest

from graphsvc.store.neo4j_store import one_ahead


def _steps(count: int, built: list[int], fail_at: int | None = None):
    for n in range(count):
        if n == fail_at:
            raise ValueError(f"step {n} failed")
        built.append(n)
        yield n, threading.current_thread().name


def test_steps_come_in_order_built_on_the_helper_thread():
    built: list[int] = []
    got = list(one_ahead(_steps(50, built)))
    assert [n for n, _ in got] == list(range(50))
    assert {name for _, name in got} != {threading.current_thread().name}


def test_an_error_building_a_step_reaches_the_caller_after_the_steps_before_it():
    built: list[int] = []
    seen = []
    with pytest.raises(ValueError, match="step 3 failed"):
        for n, _ in one_ahead(_steps(10, built, fail_at=3)):
            seen.append(n)
    assert seen == [0, 1, 2]


def test_a_caller_that_stops_builds_at_most_one_step_more():
    built: list[int] = []
    for n, _ in one_ahead(_steps(100, built)):
        if n == 4:
            break
    assert built == [0, 1, 2, 3, 4, 5]
