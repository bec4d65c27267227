"""Issue 17's "Done when": a generated 200-person company imported from its mail.

The test writes the company's files with Python's own tooling (an address book in vCard,
an mbox, a folder of .eml files, an iCalendar file with a weekly meeting and one-off
meetings), imports them with a dry run and a commit on both stores, and checks the
answers against oracles computed from what it wrote, not from what was stored:

- the lines: a networkx graph of every pair in touch (an e-mail: sender with each
  recipient; a meeting: every pair) with the documented strength (each use halved per 90
  days of age) must equal the path directory's lines and weights;
- paths: the cheapest path's cost equals networkx's Dijkstra with the documented hop cost;
- findings: tests/findings_oracle.py, given the interactions the test itself derived;
- reminders: every owner's lines unused for more than 14 days.

Importing the same files again changes nothing.
"""

from __future__ import annotations

import mailbox
import random
from datetime import UTC, date, datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from findings_oracle import MODELLED, oracle
from test_findings_oracle import keys, read

from graphsvc.application.importer import import_bundle
from graphsvc.application.mail_import.run import read_paths, run_import
from graphsvc.application.reminders import reminders_report
from graphsvc.application.reports import DirectoryCache, contact_paths, project_report

DAY = date(2026, 11, 20)
WINDOW = (DAY - timedelta(days=365), DAY + timedelta(days=90))
HALF_LIFE = 90
PEOPLE = 200
SEEDED = 190  # the others come from the address book
CORE = 40  # the people holding duties
ORGS = [
    ("o0", "杭州云庭置业有限公司", "yunting.cn"),
    ("o1", "浙江八方建设集团有限公司", "bafang.cn"),
    ("o2", "杭州澜山建筑设计研究院", "lanshan.cn"),
    ("o3", "浙江正衡工程监理有限公司", "zhengheng.cn"),
    ("o4", "宁波恒拓机电安装有限公司", "hengtuo.cn"),
]
ORG_NAMES = {o: name for o, name, _domain in ORGS}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚", "建国", "晓燕", "志强", "丽"]  # fmt: skip


class Company:
    """Everyone, and what they sent and met, as the test wrote it."""

    def __init__(self, seed: int = 17) -> None:
        rng = random.Random(seed)
        self.people = []
        for n in range(PEOPLE):
            org, _name, domain = ORGS[n % len(ORGS)]
            name = SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES) + n) % len(GIVEN)] + f"{n:03d}"
            self.people.append({"id": f"c{n:03d}", "name": name, "org": org, "email": f"u{n:03d}@{domain}"})
        self.email = [p["email"] for p in self.people]
        #: what was sent and met: (key, channel, sender index, participant indexes, instant)
        self.mails: list[tuple[str, int, list[int], datetime]] = []
        for m in range(1500):
            sender = rng.randrange(CORE) if rng.random() < 0.7 else rng.randrange(PEOPLE)
            to = rng.sample(range(PEOPLE), rng.randint(1, 3))
            cc = rng.sample(range(PEOPLE), rng.randint(0, 2))
            when = datetime.combine(DAY - timedelta(days=rng.randrange(200)), datetime.min.time(), UTC)
            self.mails.append((f"<m{m}@company.test>", sender, [sender, *to, *cc], when + timedelta(hours=9)))
        self.meetings: list[tuple[str, int, list[int], datetime]] = []
        weekly = rng.sample(range(CORE), 6)
        start = datetime.combine(DAY - timedelta(days=150), datetime.min.time(), UTC) + timedelta(hours=2)
        for week in range(20):
            self.meetings.append(("weekly", weekly[0], weekly, start + timedelta(weeks=week)))
        for k in range(30):
            who = rng.sample(range(PEOPLE), rng.randint(2, 5))
            when = datetime.combine(DAY - timedelta(days=rng.randrange(120)), datetime.min.time(), UTC)
            self.meetings.append((f"one-off-{k}", who[0], who, when + timedelta(hours=6)))

    # -- the files ------------------------------------------------------------------------

    def message(self, key: str, sender: int, who: list[int], when: datetime, rng: random.Random) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = Address(self.people[sender]["name"], addr_spec=self.email[sender])
        recipients = list(dict.fromkeys(who[1:]))
        split = max(1, len(recipients) - rng.randint(0, 1))
        msg["To"] = [
            Address("", addr_spec=self.email[p].upper() if p % 7 == 0 else self.email[p]) for p in recipients[:split]
        ]
        if recipients[split:]:
            msg["Cc"] = [Address("", addr_spec=self.email[p]) for p in recipients[split:]]
        msg["Date"] = format_datetime(when)
        msg["Message-ID"] = key
        msg["Subject"] = "周报"
        msg.set_content("正文不保存")
        return msg

    def write(self, folder: Path) -> list[Path]:
        rng = random.Random(5)
        book = folder / "company.vcf"
        book.write_text(
            "".join(
                f"BEGIN:VCARD\r\nVERSION:{'3.0' if n % 2 else '4.0'}\r\nFN:{p['name']}\r\n"
                f"ORG:{ORG_NAMES[p['org']]}\r\nTITLE:工程师\r\n"
                f"EMAIL:{p['email']}\r\nEND:VCARD\r\n"
                for n, p in enumerate(self.people)
            ),
            encoding="utf-8",
        )
        box = mailbox.mbox(folder / "archive.mbox")
        for key, sender, who, when in self.mails[:1300]:
            box.add(self.message(key, sender, who, when, rng))
        box.flush()
        box.close()
        eml = folder / "sent"
        (eml / "2026").mkdir(parents=True)
        for n, (key, sender, who, when) in enumerate(self.mails[1250:]):  # 50 of them also in the mbox
            (eml / "2026" / f"{n}.eml").write_bytes(self.message(key, sender, who, when, rng).as_bytes())
        events = []
        weekly = [m for m in self.meetings if m[0] == "weekly"]
        _key, organiser, who, first = weekly[0]
        events.append(
            self.event("weekly@company.test", organiser, who, first, f"RRULE:FREQ=WEEKLY;COUNT={len(weekly)}\r\n")
        )
        for key, organiser, who, when in self.meetings:
            if key != "weekly":
                events.append(self.event(f"{key}@company.test", organiser, who, when, ""))
        calendar = folder / "calendar.ics"
        calendar.write_text(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//graphsvc tests//EN\r\n"
            + "".join(events)
            + "END:VCALENDAR\r\n",
            encoding="utf-8",
        )
        return [book, folder / "archive.mbox", eml, calendar]

    def event(self, uid: str, organiser: int, who: list[int], when: datetime, rule: str) -> str:
        stamp = when.strftime("%Y%m%dT%H%M%SZ")
        attendees = "".join(f"ATTENDEE:mailto:{self.email[p]}\r\n" for p in who if p != organiser)
        return (
            f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{stamp}\r\n{rule}"
            f"SUMMARY:会议\r\nORGANIZER:mailto:{self.email[organiser]}\r\n{attendees}END:VEVENT\r\n"
        )

    # -- what the oracles read ------------------------------------------------------------

    def structure(self) -> dict[str, Any]:
        """The project the core team works on, and the seeded people (a staff list)."""
        stages = [
            {"id": "s1", "project": "p", "name": "设计", "order": 1, "start": str(DAY - timedelta(days=120)), "end": str(DAY - timedelta(days=31))},
            {"id": "s2", "project": "p", "name": "施工", "order": 2, "start": str(DAY - timedelta(days=30)), "end": str(DAY + timedelta(days=60))},
            {"id": "s3", "project": "p", "name": "验收", "order": 3, "start": str(DAY + timedelta(days=61))},
        ]  # fmt: skip
        duties, assignments = [], []
        for s, stage in enumerate(stages):
            for d in range(4):
                rid = f"r{s}{d}"
                duties.append({"id": rid, "stage": stage["id"], "name": f"职责 {rid}"})
                for letter, person in (("A", (s * 11 + d * 3) % CORE), ("R", (s * 7 + d * 5 + 1) % CORE)):
                    assignments.append(
                        {"id": f"x{rid}{letter}", "contact": f"c{person:03d}", "responsibility": rid, "raci": letter}
                    )
        return {
            "organizations": [{"id": o, "name": name} for o, name, _d in ORGS],
            "contacts": [
                {"id": p["id"], "name": p["name"], "org": p["org"], "emails": [p["email"]]}
                for p in self.people[:SEEDED]
            ],
            "projects": [{"id": "p", "name": "云庭", "organizations": [{"org": o} for o, _n, _d in ORGS]}],
            "stages": stages,
            "responsibilities": duties,
            "assignments": assignments,
            "links": [],
        }

    def interactions(self, ids: list[str]) -> list[dict[str, Any]]:
        """The log as the documented reading makes it: ``ids`` are the contact ids of the
        people, in order (the address book's new people get theirs on import)."""
        out = []
        for n, (_key, sender, who, when) in enumerate(self.mails):
            people = sorted({ids[p] for p in who})
            if len(people) >= 2:
                out.append(
                    {
                        "id": f"mail{n}",
                        "at": when.isoformat(),
                        "participants": people,
                        "channel": "email",
                        "sender": ids[sender],
                    }
                )
        for n, (_key, _organiser, who, when) in enumerate(self.meetings):
            out.append(
                {
                    "id": f"meet{n}",
                    "at": when.isoformat(),
                    "participants": sorted({ids[p] for p in who}),
                    "channel": "meeting",
                }
            )
        return out


def strength_graph(log: list[dict[str, Any]], day: date) -> nx.Graph:
    """The documented rule, by hand: each use halved per HALF_LIFE days; last contact."""
    graph = nx.Graph()
    for row in log:
        held = datetime.fromisoformat(row["at"]).date()
        if held > day:
            continue
        who = row["participants"]
        if row["channel"] == "email":
            pairs = [(row["sender"], p) for p in who if p != row["sender"]]
        else:
            pairs = [(a, b) for i, a in enumerate(who) for b in who[i + 1 :]]
        for a, b in pairs:
            known = graph.get_edge_data(a, b, {"w": 0.0, "last": held})
            graph.add_edge(a, b, w=known["w"] + 0.5 ** ((day - held).days / HALF_LIFE), last=max(known["last"], held))
    for _a, _b, data in graph.edges(data=True):
        data["cost"] = 1 + 1 / data["w"] + min((day - data["last"]).days, 365) / 180
    return graph


@pytest.fixture(scope="module")
def company() -> Company:
    return Company()


def load(store, paths, dry_run=False, create=False):
    records, problems = read_paths(paths, WINDOW, False)
    return run_import(store, records, problems, dry_run=dry_run, create_contacts=create, actor="test")


def test_a_company_imported_from_its_mail_answers_as_the_oracles_do(store, company, tmp_path):
    files = company.write(tmp_path)
    import_bundle(store, company.structure(), today=DAY)
    version = store.data_version()
    dry = load(store, files, dry_run=True, create=True)
    assert dry.ok and store.data_version() == version
    assert {s.email for s in dry.suggested_contacts} == set(company.email[SEEDED:])
    assert dry.counts["interactions"] == len(company.mails) + len(company.meetings)
    done = load(store, files, create=True)
    assert done.committed
    by_email = {c.emails[0]: c.id for c in store.read("contacts")}
    ids = [by_email[e] for e in company.email]
    log = company.interactions(ids)
    assert len(store.read("interactions")) == len(log)
    # re-importing every file changes nothing
    version = store.data_version()
    assert load(store, files, create=True).committed and store.data_version() == version

    # lines: the directory's lines and weights are the documented rule's
    expected = strength_graph(log, DAY)
    directory = DirectoryCache().get(store, DAY)
    assert {frozenset(e) for e in directory.graph.edges} == {frozenset(e) for e in expected.edges}
    for a, b, data in expected.edges(data=True):
        line = directory.graph.edges[a, b]
        assert (line["weight"], line["used"]) == (pytest.approx(data["w"]), data["last"])

    # paths: the cheapest path costs what Dijkstra over the same hop costs finds
    rng = random.Random(3)
    for _ in range(15):
        a, b = rng.sample(sorted(expected.nodes), 2)
        answer = contact_paths(store, a, b, k=1, as_of=DAY, cache=DirectoryCache())
        assert answer.paths[0].cost == pytest.approx(nx.dijkstra_path_length(expected, a, b, weight="cost"), abs=1e-3)

    # findings: the oracle of README "The rules", given the log the test derived itself
    data = {**company.structure(), "interactions": log}
    data["contacts"] = [{"id": ids[n], "name": p["name"], "org": p["org"]} for n, p in enumerate(company.people)]
    answer = oracle(data, "p", DAY)
    report = project_report(store, "p", as_of=DAY)
    want = keys([f for f in answer.findings if f.code in MODELLED])
    assert keys(read(report, answer, MODELLED)) == want
    assert any(code == "STALE_LINK" for code, *_rest in want)  # the company has stale lines to find

    # reminders: each owner's lines unused for more than 14 days, both ways
    owners = sorted(answer.owners)
    overdue = {
        (owner, other)
        for owner in owners
        for other in expected.adj.get(owner, {})
        if (DAY - expected.edges[owner, other]["last"]).days > 14
    }
    overdue |= {(owner, None) for owner in owners if owner not in expected}
    reminders = reminders_report(store, "p", days=14, as_of=DAY).reminders
    assert {(r.owner.id, r.other.id if r.other else None) for r in reminders} == overdue
    assert overdue
