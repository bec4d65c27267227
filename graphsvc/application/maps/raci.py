"""The RACI matrix of each stage: duties x people, the table alternative to the map.

``raci_matrices`` is pure: a ``ProjectView`` and the project's findings in, one
``RaciMatrix`` per stage out. Its people are those holding a letter in the stage at the
stage's time (``ProjectView.assignments``, see README "Stage time"); its cells are the
letters each person holds on each duty. A duty is marked from the findings, so the matrix,
the map and the findings report never disagree:

- **vacant**: nobody active is accountable and nobody stands in (NO_ACCOUNTABLE, or
  OWNER_INACTIVE without a backup, i.e. any severity but low, with no other active A);
- **several accountable**: MULTIPLE_ACCOUNTABLE, with how many.

Stages that are done have no duty findings, so their duties carry no marks. People who
left or are on leave are marked by their status on the view's day.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel, Field

from graphsvc.analysis.findings import Finding, Severity, flat
from graphsvc.analysis.view import ProjectView
from graphsvc.support.i18n import N_, _

LETTERS = "ARCI"
#: above this many people a stage's matrix is drawn as one row per duty with a column per
#: letter (names listed), which grows with the assignments rather than people x duties
MATRIX_PEOPLE = 60
STATUS_TEXT = {"active": "", "on_leave": N_("on leave"), "left": N_("left")}


class RaciPerson(BaseModel):
    id: str
    name: str
    org: str = Field("", description="organisation id on the day ('' for none)")
    org_name: str = ""
    status: str = Field("active", description="active, on_leave or left on the day")

    @property
    def status_text(self) -> str:
        text = STATUS_TEXT.get(self.status, self.status)
        return _(text) if text else ""


class RaciDuty(BaseModel):
    id: str
    name: str
    letters: dict[str, str] = Field(description="person id -> letters held, in ARCI order ('A/R')")
    vacant: bool = Field(False, description="no active accountable and no backup standing in")
    accountables: int = Field(0, description="active accountables when MULTIPLE_ACCOUNTABLE found, else 0")
    severity: Severity | None = Field(None, description="most severe vacancy or double-accountable finding")

    def holders(self, letter: str) -> list[str]:
        return [pid for pid, held in self.letters.items() if letter in held.split("/")]


class RaciMatrix(BaseModel):
    """One stage: its duties (rows) and the people holding a letter (columns)."""

    stage_id: str
    stage_name: str
    stage_order: int
    phase: str
    people: list[RaciPerson]
    duties: list[RaciDuty]

    @property
    def dense(self) -> bool:
        """Drawn as a duties x people grid (else one row per duty, names per letter)."""
        return len(self.people) <= MATRIX_PEOPLE

    @property
    def vacancies(self) -> int:
        return sum(d.vacant for d in self.duties)

    @property
    def doubles(self) -> int:
        return sum(d.accountables > 1 for d in self.duties)

    def by_id(self) -> dict[str, RaciPerson]:
        return {p.id: p for p in self.people}

    def listing(self) -> list[tuple[RaciDuty, list[list[RaciPerson]]]]:
        """Each duty with its holders per letter (A, R, C, I): the form of a large stage."""
        people = self.by_id()
        return [(d, [[people[pid] for pid in d.holders(letter)] for letter in LETTERS]) for d in self.duties]


def _worst(current: Severity | None, new: Severity) -> Severity:
    return new if current is None or new.rank < current.rank else current


def raci_matrices(view: ProjectView, findings: list[Finding]) -> list[RaciMatrix]:
    """One matrix per stage of the view, in stage order. Linear in assignments and findings."""
    vacant: dict[str, Severity] = {}
    several: dict[str, tuple[int, Severity | None]] = {}
    for f in flat(findings):
        duty_ids = [s.id for s in f.subjects if s.kind == "responsibility"]
        holders = sum(s.kind == "contact" for s in f.subjects)
        vacancy = f.code == "NO_ACCOUNTABLE" or (f.code == "OWNER_INACTIVE" and f.severity != Severity.low)
        for duty in duty_ids:
            if vacancy and not any(view.active(c) for c in view.holders(duty, "A")):
                vacant[duty] = _worst(vacant.get(duty), f.severity)
            elif f.code == "MULTIPLE_ACCOUNTABLE":
                count, before = several.get(duty, (0, None))
                several[duty] = (max(count, holders), _worst(before, f.severity))

    order = {letter: i for i, letter in enumerate(LETTERS)}
    out: list[RaciMatrix] = []
    for stage in view.stages:
        duties: list[RaciDuty] = []
        team: set[str] = set()
        for resp in view.responsibilities.get(stage.id, []):
            held: dict[str, set[str]] = defaultdict(set)
            for a in view.assignments.get(resp.id, []):
                if a.contact in view.contacts:
                    held[a.contact].add(a.raci)
            team.update(held)
            count, double_severity = several.get(resp.id, (0, None))
            severity = vacant.get(resp.id)
            if double_severity is not None:
                severity = _worst(severity, double_severity)
            duties.append(
                RaciDuty.model_construct(
                    id=resp.id,
                    name=resp.name,
                    letters={
                        pid: "/".join(sorted(letters, key=order.__getitem__)) for pid, letters in sorted(held.items())
                    },
                    vacant=resp.id in vacant,
                    accountables=count,
                    severity=severity,
                )
            )
        people = []
        for cid in team:
            state = view.state[cid]
            org_name = view.org_names.get(state.org, state.org) if state.org else ""
            people.append(
                RaciPerson.model_construct(
                    id=cid,
                    name=view.contacts[cid].name,
                    org=state.org or "",
                    org_name=org_name,
                    status=str(getattr(state.status, "value", state.status)),
                )
            )
        # grouped by organisation (people with none last), then by name
        people.sort(key=lambda p: (p.org == "", p.org_name, p.org, p.name, p.id))
        out.append(
            RaciMatrix.model_construct(
                stage_id=stage.id,
                stage_name=stage.name,
                stage_order=stage.order,
                phase=view.phase[stage.id],
                people=people,
                duties=duties,
            )
        )
    return out


CSV_COLUMNS = [
    "stage_order",
    "stage_id",
    "stage_name",
    "duty_id",
    "duty_name",
    "duty_flag",
    "person_id",
    "person_name",
    "org_id",
    "org_name",
    "status",
    "raci",
]


def duty_flag(duty: RaciDuty) -> str:
    """The duty's mark in words: 'vacant', 'N accountable' or ''."""
    if duty.vacant:
        return _("vacant")
    if duty.accountables > 1:
        return _("{count} accountable").format(count=duty.accountables)
    return ""


def csv_rows(matrices: list[RaciMatrix]) -> list[list[object]]:
    """One row per duty x person holding a letter (a vacant duty nobody holds: one row with
    no person), stage by stage."""
    rows: list[list[object]] = []
    for m in matrices:
        stage = [m.stage_order, m.stage_id, m.stage_name]
        by_id = m.by_id()
        for duty in m.duties:
            head = [*stage, duty.id, duty.name, duty_flag(duty)]
            if not duty.letters:
                rows.append([*head, "", "", "", "", "", ""])
            for pid, held in duty.letters.items():
                p = by_id[pid]
                rows.append([*head, p.id, p.name, p.org, p.org_name, p.status, held])
    return rows
