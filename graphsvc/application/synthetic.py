"""Deterministic synthetic portfolios for benchmarks and large-input tests.

Same arguments, same bundle, byte for byte: a seeded generator, no clock.
Shape per project: a dozen organisations, ``people`` contacts spread over them, 6 ordered
stages with 4 duties each, R and A assignments (with a few planted gaps), communication
links inside and across organisations, a reports-to tree per organisation, some backups.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

KINDS = ["client", "design", "contractor", "supervisor", "vendor", "regulator", "property", "internal"]
STAGES = ["initiation", "design", "procurement", "construction", "acceptance", "handover"]
BASE_DAY = date(2026, 1, 1)


def portfolio(
    projects: int, people: int, links_per_person: int = 4, seed: int = 7, cross_links: float = 0.0
) -> dict[str, Any]:
    """A raw bundle with ``projects * people`` contacts and about ``links_per_person`` links each.

    ``cross_links`` adds that many links per person to people of other projects (people
    know colleagues beyond their project), so the whole portfolio becomes one network.
    """
    rng = random.Random(seed)
    out: dict[str, list[dict[str, Any]]] = {
        k: [] for k in ("organizations", "contacts", "projects", "stages", "responsibilities", "assignments", "links")
    }
    for p in range(projects):
        _project(out, rng, f"p{p}", people, links_per_person)
    if cross_links and projects > 1:
        ids = [c["id"] for c in out["contacts"]]
        for n in range(int(len(ids) * cross_links)):
            a, b = rng.sample(ids, 2)
            if a.split("-")[0] != b.split("-")[0]:
                out["links"].append(
                    {
                        "id": f"x-l{n}",
                        "source": a,
                        "target": b,
                        "kind": "communicates",
                        "last_contact": (BASE_DAY + timedelta(days=rng.randrange(320))).isoformat(),
                        "weight": rng.randrange(1, 6),
                    }
                )
    return out


def _project(out: dict[str, list[dict[str, Any]]], rng: random.Random, pid: str, people: int, per_person: int) -> None:
    org_count = max(2, min(12, people // 4))
    orgs = [f"{pid}-o{i}" for i in range(org_count)]
    for i, oid in enumerate(orgs):
        out["organizations"].append({"id": oid, "name": f"Org {pid}/{i}", "kind": KINDS[i % len(KINDS)]})
    out["projects"].append(
        {"id": pid, "name": f"Project {pid}", "organizations": [{"org": o, "role": "member"} for o in orgs]}
    )
    contacts = [f"{pid}-c{i}" for i in range(people)]
    org_of = {c: orgs[i % org_count] for i, c in enumerate(contacts)}
    for i, cid in enumerate(contacts):
        status = "left" if rng.random() < 0.02 else ("on_leave" if rng.random() < 0.03 else "active")
        out["contacts"].append(
            {
                "id": cid,
                "name": f"Person {pid}/{i}",
                "org": org_of[cid],
                "title": rng.choice(["Engineer", "Manager", "Director", "Coordinator", ""]),
                "status": status,
                "emails": [f"{cid}@example.com"],
                "phones": [f"+86 138 {i:04d} {rng.randrange(10000):04d}"],
            }
        )
    links = out["links"]
    seen: set[tuple[str, str]] = set()
    for n in range(people * per_person):
        a, b = rng.sample(contacts, 2)
        if (a, b) in seen or (b, a) in seen:
            continue
        seen.add((a, b))
        links.append(
            {
                "id": f"{pid}-l{n}",
                "source": a,
                "target": b,
                "kind": "communicates",
                "last_contact": (BASE_DAY + timedelta(days=rng.randrange(320))).isoformat(),
                "weight": rng.randrange(1, 6),
            }
        )
    by_org: dict[str, list[str]] = {}
    for cid in contacts:
        by_org.setdefault(org_of[cid], []).append(cid)
    for members in by_org.values():
        for i, cid in enumerate(members[1:], start=1):
            links.append({"id": f"{cid}-rt", "source": cid, "target": members[(i - 1) // 2], "kind": "reports_to"})
        if len(members) > 2:
            links.append({"id": f"{members[2]}-bk", "source": members[2], "target": members[1], "kind": "backup_for"})
    for s, name in enumerate(STAGES):
        sid = f"{pid}-s{s}"
        status = "done" if s < 2 else ("active" if s == 2 else "planned")
        out["stages"].append({"id": sid, "project": pid, "name": name, "order": s + 1, "status": status})
        for r in range(4):
            rid = f"{sid}-r{r}"
            out["responsibilities"].append({"id": rid, "stage": sid, "name": f"{name} duty {r}"})
            owners = rng.sample(contacts, 2)
            if rng.random() > 0.05:
                out["assignments"].append({"id": f"{rid}-a", "contact": owners[0], "responsibility": rid, "raci": "A"})
            out["assignments"].append({"id": f"{rid}-r", "contact": owners[1], "responsibility": rid, "raci": "R"})
