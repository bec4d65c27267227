"""Real organisational networks (tests/data) as graphsvc bundles, and as igraph oracles.

``load_network`` turns one data set's normalized CSV files into a raw bundle (plain JSON
data, exactly what a user would import): one organisation per (organisation, department)
of the CSV, one contact per person, one project ``real-<name>`` in which every
organisation takes part, and one link per distinct directed (type, source, target) line.
``reports_to`` lines become ``reports_to`` links; every other type (advice, friendship,
cowork, email, ...) becomes a ``communicates`` link.

``igraph_of`` builds the independent oracle straight from the same CSV files with
python-igraph, without going through any graphsvc code.

Contact ids are the CSV ids with a prefix (``contact_id``/``csv_id`` map between them), so
that a mix-up between the two shows up as a failure instead of passing silently.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

#: copied into the repository with their provenance (tests/data/README.md)
DATA = Path(__file__).resolve().parent / "data"

#: the three published data sets described in tests/data/README.md
NETWORKS = ("krackhardt_hightech", "lazega_lawfirm", "email_eu_core")

CONTACT_PREFIX = "p-"


def contact_id(csv_id: str) -> str:
    return f"{CONTACT_PREFIX}{csv_id}"


def csv_id(contact: str) -> str:
    if not contact.startswith(CONTACT_PREFIX):
        raise ValueError(f"not a real-data contact id: {contact!r}")
    return contact[len(CONTACT_PREFIX) :]


def project_id(name: str) -> str:
    return f"real-{name}"


def network_dir(name: str) -> Path:
    """The ``normalized/`` folder of one data set; a clear error if it is not there."""
    if not DATA.is_dir():
        raise FileNotFoundError(f"real-network data not found: expected {DATA} (see tests/data/README.md)")
    folder = DATA / name / "normalized"
    missing = [f for f in ("people.csv", "edges.csv") if not (folder / f).is_file()]
    if missing:
        known = sorted(p.name for p in DATA.iterdir() if (p / "normalized").is_dir())
        raise FileNotFoundError(
            f"real network {name!r}: {', '.join(missing)} missing in {folder} "
            f"(data sets with a normalized/ folder: {', '.join(known) or 'none'})"
        )
    return folder


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts, values stripped (the files may have CRLF line ends)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            {key.strip(): (value or "").strip() for key, value in row.items() if key is not None}
            for row in csv.DictReader(handle)
        ]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def _weight(raw: str, where: str) -> float:
    if raw == "":
        return 1.0
    try:
        weight = float(raw)
    except ValueError as exc:
        raise ValueError(f"{where}: weight {raw!r} is not a number") from exc
    if not weight > 0:
        raise ValueError(f"{where}: weight must be > 0, got {raw!r}")
    return weight


def load_network(name: str, layers: set[str] | None = None) -> dict[str, Any]:
    """A raw graphsvc bundle of one real network, restricted to edge types ``layers``."""
    folder = network_dir(name)
    people = read_csv(folder / "people.csv")
    edges = read_csv(folder / "edges.csv")

    organizations: dict[tuple[str, str], dict[str, Any]] = {}
    contacts: list[dict[str, Any]] = []
    person_ids: set[str] = set()
    for index, person in enumerate(people):
        pid = person.get("id", "")
        if not pid:
            raise ValueError(f"{folder / 'people.csv'} row {index + 2}: empty id")
        if pid in person_ids:
            raise ValueError(f"{folder / 'people.csv'} row {index + 2}: duplicate id {pid!r}")
        person_ids.add(pid)
        org_name = person.get("organization", "")
        department = person.get("department", "")
        key = (org_name, department)
        if key not in organizations:
            if org_name or department:
                label = " / ".join(part for part in (org_name, department) if part)
                organizations[key] = {
                    "id": "org-" + _slug(label),
                    "name": label,
                    "kind": "internal",
                    "tags": [f"real:{name}"],
                }
            else:
                organizations[key] = {
                    "id": "org-unaffiliated",
                    "name": "No organisation given",
                    "kind": "other",
                    "tags": [f"real:{name}"],
                }
        contact: dict[str, Any] = {
            "id": contact_id(pid),
            "name": person.get("name") or f"person {pid}",
            "org": organizations[key]["id"],
        }
        if person.get("title"):
            contact["title"] = person["title"]
        contacts.append(contact)
    org_ids = [org["id"] for org in organizations.values()]
    if len(set(org_ids)) != len(org_ids):
        raise ValueError(f"{name}: two organisation/department values map to the same id")

    links: dict[str, dict[str, Any]] = {}
    for index, edge in enumerate(edges):
        where = f"{folder / 'edges.csv'} row {index + 2}"
        kind_in_csv = edge.get("type", "")
        if layers is not None and kind_in_csv not in layers:
            continue
        source, target = edge.get("source", ""), edge.get("target", "")
        for end in (source, target):
            if end not in person_ids:
                raise ValueError(f"{where}: {end!r} is not a person in people.csv")
        if source == target:
            continue
        weight = _weight(edge.get("weight", ""), where)
        link_id = f"{kind_in_csv}-{source}-{target}"
        if link_id in links:
            links[link_id]["weight"] = max(links[link_id]["weight"], weight)
            continue
        links[link_id] = {
            "id": link_id,
            "source": contact_id(source),
            "target": contact_id(target),
            "kind": "reports_to" if kind_in_csv == "reports_to" else "communicates",
            "weight": weight,
            "channel": kind_in_csv,
        }

    return {
        "format": "graphsvc-bundle",
        "version": 1,
        "organizations": list(organizations.values()),
        "contacts": contacts,
        "projects": [
            {
                "id": project_id(name),
                "name": f"Real network: {name}",
                "description": f"Imported from tests/data/{name}/normalized",
                "organizations": [{"org": oid, "role": "department"} for oid in org_ids],
            }
        ],
        "links": list(links.values()),
    }


def igraph_of(name: str, layers: set[str] | None = None):
    """The oracle: an undirected simple igraph.Graph read straight from the CSV files.

    Every person is a vertex (named by the CSV id, isolated ones included); edges of the
    chosen types, directions dropped, self-loops and repeated pairs removed.
    """
    import igraph

    folder = network_dir(name)
    names = [row["id"] for row in read_csv(folder / "people.csv")]
    index = {vid: i for i, vid in enumerate(names)}
    pairs = [
        (index[row["source"]], index[row["target"]])
        for row in read_csv(folder / "edges.csv")
        if layers is None or row["type"] in layers
    ]
    graph = igraph.Graph(n=len(names), edges=pairs, directed=False)
    graph.vs["name"] = names
    graph.simplify(multiple=True, loops=True)
    return graph
