"""Seeded multi-stage projects with DATED plans, for the findings oracle (issue #14).

Real plans date their assignments to their stage: ``valid_from`` the stage's start,
``valid_to`` the next stage's start (half-open), so the outgoing and incoming owners of a
handover are never valid on the same day. ``dated_project(seed)`` builds such a project as
a raw bundle dict (what ``import_bundle`` takes): 3-6 stages around the as-of day (some
done, usually one active, some planned, sometimes one undated), duties per stage, dated,
undated and early-expiring assignments (with or without a planned successor), owners
shared by consecutive stages, leavers and people on leave with backups, working lines with
their last contact (some stale, some valid only for a period) and a few meetings.

Every id is prefixed with ``t<seed>-`` so that several projects fit in one store.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

#: the as-of day the generated plans are dated around
AS_OF = date(2026, 11, 22)


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _put(row: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """Add the fields that are set (a None is left out, as a bundle would)."""
    row.update({k: v for k, v in fields.items() if v is not None})
    return row


class _Plan:
    """The state of one generated project while it is built."""

    def __init__(self, seed: int, as_of: date) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.pre = f"t{seed}-"
        self.project = f"{self.pre}p"
        self.data: dict[str, list[dict[str, Any]]] = {
            kind: []
            for kind in (
                "organizations",
                "contacts",
                "contact_history",
                "projects",
                "stages",
                "responsibilities",
                "assignments",
                "links",
                "interactions",
            )
        }
        self.people: list[str] = []
        self.status: dict[str, str] = {}  # on the as-of day
        self.teams: list[list[str]] = []  # per stage
        self._serial = 0

    def next_id(self, kind: str) -> str:
        self._serial += 1
        return f"{self.pre}{kind}{self._serial}"

    # -- organisations and people ----------------------------------------------------

    def organisations(self) -> list[str]:
        orgs = [f"{self.pre}o{i}" for i in range(self.rng.randint(2, 4))]
        for i, org in enumerate(orgs):
            self.data["organizations"].append({"id": org, "name": f"Org {i}", "kind": "other"})
        self.data["projects"].append(
            {"id": self.project, "name": f"Project {self.pre}", "organizations": [{"org": o} for o in orgs]}
        )
        return orgs

    def person(self, orgs: list[str]) -> None:
        rng, pid = self.rng, f"{self.pre}c{len(self.people)}"
        row: dict[str, Any] = {
            "id": pid,
            "name": f"Person {len(self.people)}",
            "org": rng.choice(orgs),
            "title": rng.choice(["Engineer", "Manager", "Planner"]),
            "emails": [f"{pid}@example.org"],
        }
        roll = rng.random()
        status = "active"
        if roll < 0.10:  # left some time ago: active in a closed period before
            status = "left"
        elif roll < 0.17:
            status = "on_leave"
        if status != "active":
            since = self.as_of - timedelta(days=rng.randint(0, 90))
            row.update(status=status, since=since.isoformat())
            self.data["contact_history"].append(
                {"id": f"{pid}@{since}", "contact": pid, "org": row["org"], "valid_to": since.isoformat()}
            )
        elif roll < 0.20:  # leaves only later: still active on the as-of day
            since = self.as_of + timedelta(days=rng.randint(1, 60))
            row.update(status="left", since=since.isoformat())
            self.data["contact_history"].append(
                {"id": f"{pid}@{since}", "contact": pid, "org": row["org"], "valid_to": since.isoformat()}
            )
        self.data["contacts"].append(row)
        self.people.append(pid)
        self.status[pid] = status


def _stage_dates(rng: random.Random, as_of: date, count: int) -> list[tuple[date | None, date | None, str]]:
    """(start, end, status) per stage, contiguous (sometimes with a gap), around ``as_of``."""
    lengths = [rng.randint(20, 120) for _ in range(count)]
    gaps = [rng.choice([1, 1, 1, 1, 1, 8]) for _ in range(count)]  # next start - end
    active = rng.randrange(count)
    mode = rng.random()
    # where the as-of day falls in the active stage (on its first or last day sometimes)
    if mode < 0.15:
        offset = 0
    elif mode < 0.3:
        offset = lengths[active] - 1
    elif mode < 0.4 and active + 1 < count and gaps[active] > 1:
        offset = lengths[active] + 2  # in the gap after it: it is done, the next planned
    else:
        offset = rng.randrange(lengths[active])
    starts: list[date] = [as_of - timedelta(days=offset)]
    for i in range(active, 0, -1):
        starts.insert(0, starts[0] - timedelta(days=lengths[i - 1] - 1 + gaps[i - 1]))
    for i in range(active, count - 1):
        starts.append(starts[-1] + timedelta(days=lengths[i] - 1 + gaps[i]))
    stages: list[tuple[date | None, date | None, str]] = []
    for i, start in enumerate(starts):
        end = start + timedelta(days=lengths[i] - 1)
        status = "done" if end < as_of else "planned" if as_of < start else "active"
        stages.append((start, end, status))
    if rng.random() < 0.3:  # the last stage is not dated yet (or only its start is)
        start, _, status = stages[-1]
        stages[-1] = (start if rng.random() < 0.5 else None, None, "planned" if status == "planned" else status)
    return stages


def dated_project(seed: int, as_of: date = AS_OF) -> dict[str, Any]:
    """One project with a dated plan (see the module docstring)."""
    plan = _Plan(seed, as_of)
    rng = plan.rng
    orgs = plan.organisations()
    for _ in range(rng.randint(10, 40)):
        plan.person(orgs)
    people = plan.people
    stage_rows = _stage_dates(rng, as_of, rng.randint(3, 6))
    stage_ids = [f"{plan.pre}s{i}" for i in range(len(stage_rows))]
    for i, (start, end, status) in enumerate(stage_rows):
        plan.data["stages"].append(
            _put(
                {"id": stage_ids[i], "project": plan.project, "name": f"Stage {i}", "order": i + 1, "status": status},
                start=iso(start),
                end=iso(end),
            )
        )
    previous_accountables: list[str] = []
    for i, (start, end, _status) in enumerate(stage_rows):
        # the assignments of a stage hold from its start up to the next stage's start
        nxt = stage_rows[i + 1][0] if i + 1 < len(stage_rows) else None
        until = nxt if nxt is not None else (end + timedelta(days=1) if end is not None else None)
        team = rng.sample(people, min(len(people), rng.randint(4, 9)))
        plan.teams.append(team)
        accountables: list[str] = []
        for d in range(rng.randint(1, 4)):
            duty = f"{stage_ids[i]}-r{d}"
            plan.data["responsibilities"].append({"id": duty, "stage": stage_ids[i], "name": f"Duty {i}.{d}"})
            letters: list[tuple[str, str]] = []
            roll = rng.random()
            a_count = 0 if roll < 0.08 else 2 if roll < 0.15 else 1
            for _ in range(a_count):
                if previous_accountables and rng.random() < 0.4:
                    holder = rng.choice(previous_accountables)  # shared across the handover
                else:
                    holder = rng.choice(team)
                letters.append((holder, "A"))
                accountables.append(holder)
            for _ in range(rng.choice([0, 1, 1, 1, 2])):
                letters.append((rng.choice(team), "R"))
            for _ in range(rng.choice([0, 0, 1, 2])):
                letters.append((rng.choice(team), rng.choice("CI")))
            for holder, letter in letters:
                _assign(plan, duty, holder, letter, start, until, team)
        previous_accountables = accountables
    _links(plan)
    _backups(plan)
    _meetings(plan)
    _undated_ends(plan)
    return plan.data


def _undated_ends(plan: _Plan) -> None:
    """Sometimes a planned stage in the middle has no end yet (a handover from it is judged
    at its stage time), or a done one is marked done without its dates."""
    stages = plan.data["stages"]
    for stage in stages[:-1]:
        if stage["status"] == "planned" and "end" in stage and plan.rng.random() < 0.2:
            del stage["end"]
        elif stage["status"] == "done" and plan.rng.random() < 0.1:
            del stage["start"], stage["end"]


def _assign(
    plan: _Plan, duty: str, holder: str, letter: str, start: date | None, until: date | None, team: list[str]
) -> None:
    """One assignment dated to its stage; sometimes undated, sometimes ending early (with
    or without a successor from that day)."""
    rng = plan.rng
    roll = rng.random()
    rows = plan.data["assignments"]
    if roll < 0.2 or start is None:
        rows.append({"id": plan.next_id("a"), "contact": holder, "responsibility": duty, "raci": letter})
        return
    if roll < 0.32 and until is not None and (until - start).days > 2:
        cut = start + timedelta(days=rng.randint(1, (until - start).days - 1))
        rows.append(
            {
                "id": plan.next_id("a"),
                "contact": holder,
                "responsibility": duty,
                "raci": letter,
                "valid_from": iso(start),
                "valid_to": iso(cut),
            }
        )
        if rng.random() < 0.5:  # a successor lined up from the day it ends
            rows.append(
                {
                    "id": plan.next_id("a"),
                    "contact": rng.choice(team),
                    "responsibility": duty,
                    "raci": letter,
                    "valid_from": iso(cut),
                    "valid_to": iso(until),
                }
            )
        return
    rows.append(
        _put(
            {"id": plan.next_id("a"), "contact": holder, "responsibility": duty, "raci": letter},
            valid_from=iso(start),
            valid_to=iso(until),
        )
    )


def _links(plan: _Plan) -> None:
    """A random tree over everyone plus a few extra lines: sparse enough for single points
    and bridges. At most one working line per pair of people."""
    rng, people, as_of = plan.rng, plan.people, plan.as_of
    order = people[:]
    rng.shuffle(order)
    pairs: set[frozenset[str]] = set()
    for i in range(1, len(order)):
        if rng.random() < 0.08:
            continue  # a person (and what hangs on them) off the tree
        pairs.add(frozenset((order[i], order[rng.randrange(i)])))
    for _ in range(rng.randint(0, len(people) // 2)):
        a, b = rng.sample(people, 2)
        pairs.add(frozenset((a, b)))
    for team in plan.teams:  # a stage's team talks among itself, more or less
        for _ in range(rng.randint(0, len(team))):
            a, b = rng.sample(team, 2)
            pairs.add(frozenset((a, b)))
    for pair in sorted(pairs, key=sorted):
        a, b = sorted(pair)
        if rng.random() < 0.5:
            a, b = b, a
        row: dict[str, Any] = {
            "id": plan.next_id("l"),
            "source": a,
            "target": b,
            "kind": "reports_to" if rng.random() < 0.2 else "communicates",
        }
        if row["kind"] == "communicates" and rng.random() < 0.85:
            row["last_contact"] = iso(as_of - timedelta(days=rng.randint(0, 120)))
        roll = rng.random()
        if roll < 0.06:  # ended before the as-of day
            row["valid_to"] = iso(as_of - timedelta(days=rng.randint(0, 30)))
        elif roll < 0.10:  # starts after it
            row["valid_from"] = iso(as_of + timedelta(days=rng.randint(1, 30)))
        elif roll < 0.2:  # holds on the day, for a period
            row["valid_from"] = iso(as_of - timedelta(days=rng.randint(0, 60)))
            row["valid_to"] = iso(as_of + timedelta(days=rng.randint(1, 60)))
        plan.data["links"].append(row)


def _backups(plan: _Plan) -> None:
    """Backups for some people who hold a duty: usually active, sometimes not, sometimes
    only for a period that is over."""
    rng = plan.rng
    holders = sorted({a["contact"] for a in plan.data["assignments"] if a["raci"] == "A"})
    for person in holders:
        if rng.random() < (0.6 if plan.status[person] != "active" else 0.15):
            backup = rng.choice([p for p in plan.people if p != person])
            row: dict[str, Any] = {"id": plan.next_id("b"), "source": backup, "target": person, "kind": "backup_for"}
            if rng.random() < 0.15:
                row["valid_to"] = iso(plan.as_of - timedelta(days=rng.randint(0, 10)))
            plan.data["links"].append(row)


def _meetings(plan: _Plan) -> None:
    """A few meetings, calls and e-mails about the lines, mostly lines between owners; they
    use lines but make none (only links are working lines). An e-mail uses only its
    sender's lines to the recipients: half of them are sent by a third person to the two
    ends of a line, which leaves that line unused."""
    rng = plan.rng
    owners = {a["contact"] for a in plan.data["assignments"] if a["raci"] in "AR"}
    lines = [(lk["source"], lk["target"]) for lk in plan.data["links"] if lk["kind"] == "communicates"]
    between_owners = [line for line in lines if set(line) <= owners]
    for _ in range(rng.randint(0, 8) if lines else 0):
        a, b = rng.choice(between_owners if between_owners and rng.random() < 0.7 else lines)
        channel = rng.choice(["meeting", "call", "email", "e-mail", "mail"])
        others = [p for p in plan.people if p not in (a, b)]
        people = {a, b, *rng.sample(others, min(len(others), rng.randint(0, 2)))}
        sender: str | None = rng.choice(sorted(people))
        if channel in ("email", "e-mail", "mail") and others and rng.random() < 0.5:
            sender = rng.choice(others)  # to both ends of the line, not along it
            people.add(sender)
        if rng.random() < 0.2:
            sender = None  # an e-mail's sender is then its first participant
        day = plan.as_of - timedelta(days=rng.randint(-10, 25))  # some after the as-of day
        row = {
            "id": plan.next_id("i"),
            "at": f"{day.isoformat()}T{rng.choice(['10:00:00+00:00', '23:30:00-05:00'])}",
            "participants": sorted(people),
            "channel": channel,
            "project": plan.project,
        }
        plan.data["interactions"].append(_put(row, sender=sender))


def merged(projects: list[dict[str, Any]]) -> dict[str, Any]:
    """Several generated projects as one bundle (their ids do not collide)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for data in projects:
        for kind, rows in data.items():
            out.setdefault(kind, []).extend(rows)
    return out
