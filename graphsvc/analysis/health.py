"""Per-project health: the shares a PMO tracks, each with its numerator and denominator."""

from __future__ import annotations

from pydantic import BaseModel

from graphsvc.analysis.findings import independent_paths
from graphsvc.analysis.view import ProjectView, edges_among


class Share(BaseModel):
    value: float | None  # None when there is nothing to count
    count: int
    total: int


def _share(count: int, total: int) -> Share:
    return Share(value=round(count / total, 4) if total else None, count=count, total=total)


class Health(BaseModel):
    single_accountable: Share
    robust_handovers: Share
    fresh_owner_links: Share
    contact_completeness: Share


def project_health(view: ProjectView, stale_days: int) -> Health:
    """
    - single_accountable: duties of stages not yet done with exactly one active Accountable;
    - robust_handovers: handovers into stages not yet done whose owners are joined by at
      least two independent working paths;
    - fresh_owner_links: working lines between two active owners used within ``stale_days``;
    - contact_completeness: the project's people with a title, an organisation and at
      least one e-mail or phone.
    """
    open_stages = [s for s in view.stages if view.phase[s.id] != "done"]
    duties = [r for s in open_stages for r in view.responsibilities.get(s.id, [])]
    single = sum(1 for r in duties if len([c for c in view.holders(r.id, "A") if view.active(c)]) == 1)

    handovers = [(a, b) for a, b in zip(view.stages, view.stages[1:]) if view.phase[b.id] != "done"]
    robust = sum(
        1 for a, b in handovers if independent_paths(view.graph, view.owners(a.id), view.owners(b.id), cap=2) >= 2
    )

    owners = set(view.all_owners())
    owner_edges = [data for u, v, data in edges_among(view.graph, owners) if "communicates" in data["kinds"]]
    fresh = sum(1 for data in owner_edges if data["used"] and (view.day - data["used"]).days <= stale_days)

    people = list(view.contacts.values())
    complete = sum(1 for c in people if c.title and c.org and (c.emails or c.phones))
    return Health(
        single_accountable=_share(single, len(duties)),
        robust_handovers=_share(robust, len(handovers)),
        fresh_owner_links=_share(fresh, len(owner_edges)),
        contact_completeness=_share(complete, len(people)),
    )
