"""Per-project health: the shares a PMO tracks, each with its numerator and denominator."""

from __future__ import annotations

from pydantic import BaseModel

from graphsvc.analysis.findings import ProjectAnalysis
from graphsvc.support.i18n import N_, _

#: how each health share is named for people (the JSON keeps the field names)
HEALTH_LABELS = {
    "single_accountable": N_("one accountable"),
    "robust_handovers": N_("robust handovers"),
    "fresh_owner_links": N_("fresh owner links"),
    "contact_completeness": N_("complete contacts"),
}


def health_label(field: str) -> str:
    """A health share's name in the reader's language (a field of ``Health``)."""
    return _(HEALTH_LABELS[field])


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


def project_health(analysis: ProjectAnalysis) -> Health:
    """From the same results as the findings, so each figure is explained by them:

    - single_accountable: duties of stages not yet done with exactly one active Accountable
      at the stage's time (each other one has a duty finding);
    - robust_handovers: checked handovers (someone on both sides) with no handover finding;
    - fresh_owner_links: working lines between two owners used within the stale limit
      (each other one is a STALE_LINK);
    - contact_completeness: the project's people with a title, an organisation and at
      least one e-mail or phone.
    """
    view = analysis.view
    open_stages = [s for s in view.stages if view.phase[s.id] != "done"]
    duties = [r for s in open_stages for r in view.responsibilities.get(s.id, [])]
    single = sum(1 for r in duties if len([c for c in view.holders(r.id, "A") if view.active(c)]) == 1)

    checked = [h for h in analysis.handovers if h.checked]
    robust = sum(1 for h in checked if h.robust)

    owner_lines = [line for line in analysis.lines if line.between_owners]
    fresh = sum(1 for line in owner_lines if not line.stale)

    people = list(view.contacts.values())
    complete = sum(1 for c in people if c.title and c.org and (c.emails or c.phones))
    return Health(
        single_accountable=_share(single, len(duties)),
        robust_handovers=_share(robust, len(checked)),
        fresh_owner_links=_share(fresh, len(owner_lines)),
        contact_completeness=_share(complete, len(people)),
    )
