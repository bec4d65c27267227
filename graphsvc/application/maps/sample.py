"""Synthetic projects whose active stage involves every person, for map tests and benchmarks.

``graphsvc.application.synthetic.portfolio`` spreads a project's people over six stages of four duties,
so a stage there holds a handful of people. A map benchmark needs "a 500-person stage":
``stage_portfolio(500)`` is ``portfolio(1, 500)`` plus, in its active stage, one duty per
ten people and one assignment per person (the first holder of each duty Accountable, the
others Responsible, Consulted or Informed in turn). Deterministic, like ``portfolio``.
"""

from __future__ import annotations

from typing import Any

from graphsvc.application.synthetic import portfolio

PROJECT = "p0"
#: the active stage of synthetic project p0 (stages 0 and 1 are done, 2 is active)
STAGE = "p0-s2"


def stage_portfolio(people: int, seed: int = 7) -> dict[str, Any]:
    raw = portfolio(1, people, seed=seed)
    duties = max(4, people // 10)
    for r in range(duties):
        raw["responsibilities"].append({"id": f"{STAGE}-m{r}", "stage": STAGE, "name": f"stage task {r}"})
    letters = "RCI"
    for i, contact in enumerate(raw["contacts"]):
        duty = i % duties
        raci = "A" if i < duties else letters[(i // duties) % 3]
        raw["assignments"].append(
            {
                "id": f"{STAGE}-m{duty}-x{i}",
                "contact": contact["id"],
                "responsibility": f"{STAGE}-m{duty}",
                "raci": raci,
            }
        )
    return raw
