"""Small hand-made projects for the findings and path tests.

``healthy()`` is a project with nothing wrong: two organisations, two stages, each duty with
one active Accountable and one Responsible, and a ring of fresh working lines. Each test
breaks one thing and checks that exactly the expected finding appears.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from graphsvc.analysis.findings import Finding, Thresholds, project_findings
from graphsvc.analysis.view import build_view
from graphsvc.domain.bundle import parse_bundle

DAY = date(2026, 11, 22)


def ago(days: int) -> str:
    return (DAY - timedelta(days=days)).isoformat()


def healthy() -> dict[str, Any]:
    return {
        "organizations": [
            {"id": "oa", "name": "Client Co", "kind": "client"},
            {"id": "ob", "name": "Builder Co", "kind": "contractor"},
            {"id": "oc", "name": "Consultant Co", "kind": "other"},
        ],
        "contacts": [
            {"id": "a1", "name": "Alice", "org": "oa", "title": "Director", "emails": ["a1@x.cn"]},
            {"id": "a2", "name": "Adam", "org": "oa", "title": "Engineer", "phones": ["1"]},
            {"id": "b1", "name": "Bo", "org": "ob", "title": "Site Manager", "emails": ["b1@x.cn"]},
            {"id": "b2", "name": "Bea", "org": "ob", "title": "Engineer", "phones": ["2"]},
        ],
        "projects": [
            {
                "id": "p",
                "name": "Tower",
                "organizations": [{"org": "oa", "role": "client"}, {"org": "ob", "role": "GC"}],
            }
        ],
        "stages": [
            {"id": "s1", "project": "p", "name": "Design", "order": 1, "status": "active", "end": "2027-03-31"},
            {"id": "s2", "project": "p", "name": "Build", "order": 2, "status": "planned"},
        ],
        "responsibilities": [
            {"id": "r1", "stage": "s1", "name": "Approve drawings"},
            {"id": "r2", "stage": "s2", "name": "Run the site"},
        ],
        "assignments": [
            {"id": "x1", "contact": "a1", "responsibility": "r1", "raci": "A"},
            {"id": "x2", "contact": "a2", "responsibility": "r1", "raci": "R"},
            {"id": "x3", "contact": "b1", "responsibility": "r2", "raci": "A"},
            {"id": "x4", "contact": "b2", "responsibility": "r2", "raci": "R"},
        ],
        "links": [
            {"id": "l1", "source": "a1", "target": "b1", "kind": "communicates", "last_contact": ago(1), "weight": 3},
            {"id": "l2", "source": "a2", "target": "a1", "kind": "reports_to"},
            {"id": "l3", "source": "b2", "target": "b1", "kind": "reports_to"},
            {"id": "l4", "source": "a2", "target": "b2", "kind": "communicates", "last_contact": ago(2)},
            {"id": "l5", "source": "a1", "target": "a2", "kind": "communicates", "last_contact": ago(3)},
        ],
    }


def findings(data: dict[str, Any], day: date = DAY, **limits: int) -> list[Finding]:
    bundle = parse_bundle(data)
    return project_findings(build_view(bundle, "p", day), Thresholds(**limits))


def codes(data: dict[str, Any], day: date = DAY, **limits: int) -> list[str]:
    return [f.code for f in findings(data, day, **limits)]


def edit(data: dict[str, Any], kind: str, row_id: str, **changes: Any) -> dict[str, Any]:
    """Change fields of one row in place (None removes the field); returns the data."""
    for row in data[kind]:
        if row["id"] == row_id:
            for key, value in changes.items():
                if value is None:
                    row.pop(key, None)
                else:
                    row[key] = value
            return data
    raise KeyError(row_id)


def drop(data: dict[str, Any], kind: str, *row_ids: str) -> dict[str, Any]:
    data[kind] = [row for row in data[kind] if row["id"] not in row_ids]
    return data
