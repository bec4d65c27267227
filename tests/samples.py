"""Small hand-made bundles for tests: every kind, every reference, both scripts."""

from __future__ import annotations

import copy
from typing import Any

from graphsvc.domain.keys import Role, issue
from graphsvc.store.base import Store

_SMALL: dict[str, Any] = {
    "organizations": [
        {"id": "o-design", "name": "华东设计院", "kind": "design", "tags": ["tier-1"]},
        {"id": "o-build", "name": "Shanghai Builders Ltd", "kind": "contractor", "notes": "GC"},
        {"id": "o-old", "name": "Old Employer", "kind": "other"},
    ],
    "contacts": [
        {
            "id": "c-wang",
            "name": "王建国",
            "org": "o-design",
            "title": "总工程师",
            "emails": ["wang@example.cn", "w2@example.cn"],
            "phones": ["+86 138 0000 0001"],
            "preferred_channel": "wechat",
            "language": "zh",
            "tags": ["key"],
            "since": "2025-03-01",
        },
        {"id": "c-ann", "name": "Ann Lee", "org": "o-build", "title": "Site Manager", "status": "on_leave"},
        {"id": "c-li", "name": "李娜", "org": "o-build", "title": "Deputy"},
        {"id": "c-free", "name": "No Org", "status": "left"},
    ],
    "contact_history": [
        {
            "id": "c-wang@2025-03-01",
            "contact": "c-wang",
            "org": "o-old",
            "title": "Engineer",
            "valid_from": "2020-01-01",
            "valid_to": "2025-03-01",
        }
    ],
    "projects": [
        {
            "id": "p-tower",
            "name": "Tower A",
            "description": "residential",
            "organizations": [
                {"org": "o-build", "role": "general contractor", "valid_from": "2026-01-01"},
                {"org": "o-design", "role": "design", "valid_to": "2026-09-30"},
            ],
        }
    ],
    "stages": [
        {
            "id": "s-build",
            "project": "p-tower",
            "name": "施工 Construction",
            "order": 2,
            "status": "active",
            "start": "2026-06-01",
        },
        {
            "id": "s-design",
            "project": "p-tower",
            "name": "设计 Design",
            "order": 1,
            "status": "done",
            "start": "2026-01-01",
            "end": "2026-05-31",
        },
        {"id": "s-accept", "project": "p-tower", "name": "验收 Acceptance", "order": 3},
    ],
    "responsibilities": [
        {"id": "r-approve", "stage": "s-design", "name": "审批设计变更 Approve design changes"},
        {"id": "r-site", "stage": "s-build", "name": "Run the site", "description": "daily"},
    ],
    "assignments": [
        {"id": "a-1", "contact": "c-wang", "responsibility": "r-approve", "raci": "A"},
        {
            "id": "a-2",
            "contact": "c-ann",
            "responsibility": "r-site",
            "raci": "A",
            "valid_from": "2026-06-01",
            "valid_to": "2026-12-31",
        },
        {"id": "a-3", "contact": "c-li", "responsibility": "r-site", "raci": "R"},
    ],
    "links": [
        {
            "id": "l-1",
            "source": "c-wang",
            "target": "c-ann",
            "kind": "communicates",
            "last_contact": "2026-11-01",
            "weight": 3,
            "channel": "phone",
        },
        {"id": "l-2", "source": "c-li", "target": "c-ann", "kind": "reports_to"},
        {"id": "l-3", "source": "c-li", "target": "c-ann", "kind": "backup_for", "valid_from": "2026-06-01"},
    ],
    "interactions": [
        {
            "id": "i-1",
            "at": "2026-11-01T10:00:00+08:00",
            "participants": ["c-wang", "c-ann"],
            "channel": "meeting",
            "summary": "handover",
            "project": "p-tower",
        },
        {"id": "i-2", "at": "2026-11-02T09:30:00", "participants": ["c-li", "c-ann"]},
    ],
}


def small() -> dict[str, Any]:
    """A fresh copy, so a test may change it freely."""
    return copy.deepcopy(_SMALL)


def key_headers(store: Store, grants: list[tuple[str, Role, list[str]]]) -> dict[str, dict[str, str]]:
    """Issue and save one key per (name, role, projects); role value -> its request headers."""
    headers = {}
    for name, role, projects in grants:
        text, record = issue(name, role, projects, None)
        store.save_key(record)
        headers[role.value] = {"X-API-Key": text}
    return headers
