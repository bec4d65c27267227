"""Importing mailboxes, calendars and address books (issue 17, item 2).

The tests write real files with Python's email, mailbox and icalendar tooling, import them
with a dry run and a commit on both stores, and check that a re-import changes nothing,
that unknown addresses are only suggested unless asked, and that no body is ever stored.
"""

from __future__ import annotations

import email
import io
import json
import mailbox
from datetime import UTC, date, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graphsvc.application.importer import import_bundle
from graphsvc.application.mail_import.mail import _headers, _one
from graphsvc.application.mail_import.records import is_address
from graphsvc.application.mail_import.run import read_paths, run_import
from graphsvc.domain.bundle import dump_bundle
from graphsvc.domain.keys import Role, issue
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.web.app import create_app

BODY_MARKER = "BODY-MARKER-do-not-store"
WINDOW = (date(2026, 10, 1), date(2026, 11, 30))

PEOPLE: dict[str, Any] = {
    "organizations": [{"id": "o-acme", "name": "杭州某某建设有限公司"}],
    "contacts": [
        {
            "id": "c-zhang",
            "name": "张伟",
            "org": "o-acme",
            "emails": ["zhang@acme.cn"],
            "phones": ["+86 139 0000 1001"],
        },
        {"id": "c-li", "name": "李娜", "emails": ["Li.Na@acme.cn"]},
        {"id": "c-wang", "name": "王建国", "emails": ["wang@design.cn"]},
    ],
}


def message(sender: Address, to: list[Address], cc: list[Address] = (), msgid: str | None = None, day: int = 2, subject: str = "周例会纪要") -> EmailMessage:  # fmt: skip
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Date"] = format_datetime(datetime(2026, 11, day, 9, 30, tzinfo=UTC))
    msg["Subject"] = subject
    if msgid:
        msg["Message-ID"] = msgid
    msg.set_content(f"{BODY_MARKER}\n正文不应保存。\n")
    return msg


ZHANG = Address("张伟", addr_spec="zhang@acme.cn")
LI = Address("李娜", addr_spec="li.na@ACME.cn")
WANG = Address("Wang Jianguo", addr_spec="wang@design.cn")
CHEN = Address("陈静", addr_spec="chen@partner.cn")
ZHAO = Address("", addr_spec="zhao@vendor.cn")


def write_mbox(path: Path) -> Path:
    """Five messages: one with Cc, one from an unknown Chinese name (encoded word), one
    without Message-ID, a duplicate, one to an unknown address."""
    box = mailbox.mbox(path)
    first = message(ZHANG, [LI], [WANG], "<m1@acme.cn>")
    for msg in (
        first,
        message(CHEN, [ZHANG], msgid="<m2@partner.cn>", day=3),
        message(LI, [ZHANG], day=4),
        first,
        message(ZHANG, [ZHAO, LI], msgid="<m5@acme.cn>", day=5),
    ):
        box.add(msg)
    box.flush()
    box.close()
    assert b"=?utf-8?" in path.read_bytes()  # the Chinese display name travels encoded
    return path


def write_eml_folder(folder: Path) -> Path:
    (folder / "sub").mkdir(parents=True)
    (folder / "a.eml").write_bytes(
        message(WANG, [Address("", addr_spec="ZHANG@ACME.CN")], msgid="<e1@design.cn>").as_bytes()
    )
    (folder / "sub" / "b.eml").write_bytes(message(LI, [WANG], [CHEN], msgid="<e2@acme.cn>", day=6).as_bytes())
    # a copy of an mbox message (the same Message-ID) filed in a folder too: counted once
    (folder / "sub" / "copy.eml").write_bytes(message(ZHANG, [ZHAO, LI], msgid="<m5@acme.cn>", day=5).as_bytes())
    (folder / "notes.txt").write_text("not a message")
    return folder


@pytest.fixture
def mail_files(tmp_path) -> list[Path]:
    return [write_mbox(tmp_path / "inbox.mbox"), write_eml_folder(tmp_path / "eml")]


def load(store, paths, dry_run=False, create=False, subjects=False, window=WINDOW):
    records, problems = read_paths(paths, window, subjects)
    return run_import(store, records, problems, dry_run=dry_run, create_contacts=create, actor="test")


def seeded(store):
    import_bundle(store, PEOPLE)
    return store


def test_mbox_and_eml_dry_run_then_commit(store, mail_files):
    seeded(store)
    version = store.data_version()
    dry = load(store, mail_files, dry_run=True)
    assert dry.ok and not dry.committed, dry.errors
    assert store.data_version() == version and store.counts()["interactions"] == 0
    assert dry.counts["interactions"] == 5 and dry.counts["contacts"] == 0
    assert {(s.email, s.name, s.items, s.created) for s in dry.suggested_contacts} == {
        ("chen@partner.cn", "陈静", 2, False),
        ("zhao@vendor.cn", "zhao", 1, False),
    }
    assert sorted(s.code for s in dry.warnings) == ["duplicate", "duplicate", "unknown_sender"]
    assert {m.contact: m.items for m in dry.matched} == {"c-zhang": 4, "c-li": 4, "c-wang": 3}

    done = load(store, mail_files)
    assert done.ok and done.committed
    stored = {i.id: i for i in store.read("interactions")}
    assert len(stored) == 5
    first = next(
        i for i in stored.values() if i.at == datetime(2026, 11, 2, 9, 30, tzinfo=UTC) and len(i.participants) == 3
    )
    assert first.participants == ["c-li", "c-wang", "c-zhang"] and first.sender == "c-zhang"
    assert first.channel == "e-mail" and first.summary == ""
    text = dump_bundle(store.export())
    assert BODY_MARKER not in text and "正文" not in text and "周例会纪要" not in text

    version = store.data_version()
    again = load(store, mail_files)
    assert again.committed and store.data_version() == version
    assert len(store.read("interactions")) == 5


def test_subjects_only_when_asked(store, mail_files):
    seeded(store)
    assert load(store, mail_files, subjects=True).committed
    summaries = {i.summary for i in store.read("interactions")}
    assert summaries == {"周例会纪要"}
    assert BODY_MARKER not in dump_bundle(store.export())


def test_unknown_addresses_created_only_when_asked(store, mail_files):
    seeded(store)
    load(store, mail_files)
    assert store.counts()["contacts"] == 3
    created = load(store, mail_files, create=True)
    assert created.committed and {s.email for s in created.suggested_contacts if s.created} == {
        "chen@partner.cn",
        "zhao@vendor.cn",
    }
    chen = next(c for c in store.read("contacts") if c.emails == ["chen@partner.cn"])
    assert chen.name == "陈静"
    # the message from chen is now between known people
    assert len(store.read("interactions")) == 6
    version = store.data_version()
    again = load(store, mail_files, create=True)
    assert again.suggested_contacts == [] and store.data_version() == version


# --- address books ---------------------------------------------------------------------------

VCARD_3 = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:张伟\r\nN:张;伟;;;\r\nTEL;TYPE=CELL:139-0000-1001\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:刘洋\r\nN:刘;洋;;;\r\nORG:杭州某某建设有限公司\r\nTITLE:项目经理\r\n"
    "TEL;TYPE=WORK:+86 571 8888 1234\r\nEMAIL;TYPE=INTERNET:liuyang@acme.cn\r\nEND:VCARD\r\n"
)
VCARD_4 = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:李娜\r\nEMAIL;TYPE=work:LI.NA@acme.cn\r\nEND:VCARD\r\n"
    "BEGIN:VCARD\r\nVERSION:4.0\r\nN:周;敏;;;\r\nORG:蓝山设计院\r\nTITLE:建筑师\r\n"
    "TEL;VALUE=uri;TYPE=cell:tel:+86-138-0000-2002\r\nEND:VCARD\r\n"
)


@pytest.fixture
def vcf_files(tmp_path) -> list[Path]:
    three, four = tmp_path / "phone.vcf", tmp_path / "outlook.vcf"
    three.write_text(VCARD_3, encoding="utf-8")
    four.write_text(VCARD_4, encoding="utf-8")
    return [three, four]


def test_vcards_match_by_phone_and_email_and_create_only_when_asked(store, vcf_files):
    seeded(store)
    version = store.data_version()
    dry = load(store, vcf_files, dry_run=True)
    assert dry.ok and {m.contact for m in dry.matched} == {"c-zhang", "c-li"}
    assert {(s.name, s.email, s.phone) for s in dry.suggested_contacts} == {
        ("刘洋", "liuyang@acme.cn", "+86 571 8888 1234"),
        ("周敏", None, "tel:+86-138-0000-2002".removeprefix("tel:")),
    }
    assert load(store, vcf_files).committed and store.data_version() == version  # nothing asked to create
    done = load(store, vcf_files, create=True)
    assert done.committed and store.counts()["contacts"] == 5
    by_name = {c.name: c for c in store.read("contacts")}
    liu, zhou = by_name["刘洋"], by_name["周敏"]
    assert liu.org == "o-acme" and liu.title == "项目经理" and liu.emails == ["liuyang@acme.cn"]
    assert zhou.phones == ["+86-138-0000-2002"] and zhou.title == "建筑师"
    assert store.read("organizations", [zhou.org])[0].name == "蓝山设计院"
    version = store.data_version()
    assert load(store, vcf_files, create=True).committed and store.data_version() == version


def test_contacts_export_as_vcard_and_read_back(tmp_path, store, vcf_files):
    from graphsvc.application.mail_import.export import address_book
    from graphsvc.application.mail_import.vcard import read_vcf

    seeded(store)
    load(store, vcf_files, create=True)
    path = tmp_path / "export.vcf"
    path.write_text(address_book(store), encoding="utf-8")
    cards, skipped = read_vcf(path, "export.vcf")
    assert not skipped
    assert {(c.name, c.org, c.emails, c.phones) for c in cards} == {
        (c.name, store.read("organizations", [c.org])[0].name if c.org else "", tuple(c.emails), tuple(c.phones))
        for c in store.read("contacts")
    }


# --- calendars -------------------------------------------------------------------------------

ICS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//graphsvc tests//EN\r
BEGIN:VEVENT\r
UID:weekly-site-meeting@acme.cn\r
DTSTAMP:20260901T000000Z\r
DTSTART:20260907T013000Z\r
DTEND:20260907T023000Z\r
RRULE:FREQ=WEEKLY\r
SUMMARY:周例会\r
ORGANIZER;CN=张伟:mailto:zhang@acme.cn\r
ATTENDEE;CN=李娜:mailto:LI.NA@acme.cn\r
ATTENDEE;CN=王建国:mailto:wang@design.cn\r
ATTENDEE;CN=陈静:mailto:chen@partner.cn\r
DESCRIPTION:BODY-MARKER-do-not-store\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:one-off@acme.cn\r
DTSTAMP:20260901T000000Z\r
DTSTART:20261015T060000Z\r
SUMMARY:图纸会审\r
ORGANIZER:mailto:wang@design.cn\r
ATTENDEE:mailto:zhang@acme.cn\r
END:VEVENT\r
END:VCALENDAR\r
"""


@pytest.fixture
def ics_file(tmp_path) -> Path:
    path = tmp_path / "calendar.ics"
    path.write_text(ICS, encoding="utf-8")
    return path


def test_calendar_recurring_meeting_expanded_within_the_window(store, ics_file):
    seeded(store)
    dry = load(store, [ics_file], dry_run=True)
    # the Mondays from 2026-10-01 up to (not including) 2026-11-30: Oct 5 ... Nov 23
    assert dry.ok and dry.counts["interactions"] == 8 + 1
    assert [(s.email, s.items) for s in dry.suggested_contacts] == [("chen@partner.cn", 8)]
    assert load(store, [ics_file]).committed
    meetings = store.read("interactions")
    weekly = sorted(i.at for i in meetings if len(i.participants) == 3)
    assert weekly[0] == datetime(2026, 10, 5, 1, 30, tzinfo=UTC) and len(weekly) == 8
    assert all(i.channel == "meeting" for i in meetings)
    one_off = next(i for i in meetings if len(i.participants) == 2)
    assert one_off.participants == ["c-wang", "c-zhang"] and one_off.sender == "c-wang"
    assert BODY_MARKER not in dump_bundle(store.export())
    version = store.data_version()
    assert load(store, [ics_file]).committed and store.data_version() == version
    # a later window adds the later occurrences only
    later = load(store, [ics_file], window=(date(2026, 10, 1), date(2026, 12, 31)))
    assert later.committed and len(store.read("interactions")) == 9 + 5  # Nov 30, Dec 7 ... 28


# --- command line ----------------------------------------------------------------------------


@pytest.fixture
def cli(embedded_cli, tmp_path):
    invoke = embedded_cli

    def stored() -> dict[str, Any]:
        store = EmbeddedStore(tmp_path / "data" / "graphsvc.sqlite3")
        try:
            return json.loads(dump_bundle(store.export()))
        finally:
            store.close()

    invoke.stored = stored
    return invoke


def test_cli_import_mail_dry_run_commit_and_vcf_export(tmp_path, cli, mail_files, vcf_files):
    bundle = tmp_path / "people.json"
    bundle.write_text(json.dumps(PEOPLE, ensure_ascii=False), encoding="utf-8")
    assert cli("import", str(bundle)).exit_code == 0
    dry = cli("import", *map(str, mail_files), "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.stdout)
    assert report["ok"] and not report["committed"] and report["counts"]["interactions"] == 5
    assert cli.stored()["interactions"] == []
    done = cli("import", *map(str, mail_files))
    assert done.exit_code == 0, done.output
    assert "suggested new contact: 陈静 <chen@partner.cn>, in 2 messages or meetings" in done.stdout
    assert "--create-contacts" in done.stdout
    assert len(cli.stored()["interactions"]) == 5
    created = cli("import", *map(str, mail_files), *map(str, vcf_files), "--create-contacts")
    assert created.exit_code == 0, created.output
    assert {c["name"] for c in cli.stored()["contacts"]} >= {"陈静", "刘洋", "周敏"}
    exported = cli("export", "-", "--format", "vcf")
    assert exported.exit_code == 0 and exported.stdout.count("BEGIN:VCARD") == len(cli.stored()["contacts"])
    assert "FN:陈静" in exported.stdout
    missing = cli("import", str(tmp_path / "nowhere.mbox"))
    assert missing.exit_code == 2 and "no such file" in missing.output


# --- HTTP upload -----------------------------------------------------------------------------

MAIL_UPLOAD = "/api/v1/import/mail"


def uploads(paths: list[Path]) -> list[tuple[str, tuple[str, bytes, str]]]:
    files = [f for p in paths for f in (sorted(p.rglob("*.eml")) if p.is_dir() else [p])]
    return [("files", (f.name, f.read_bytes(), "application/octet-stream")) for f in files]


def test_http_upload_dry_run_commit_and_reimport(store, mail_files, vcf_files, ics_file):
    seeded(store)
    files = uploads([*mail_files, *vcf_files, ics_file])
    with TestClient(create_app(store)) as client:
        dry = client.post(MAIL_UPLOAD, params={"dry_run": True}, files=files)
        assert dry.status_code == 200, dry.text
        assert dry.json()["ok"] and not dry.json()["committed"] and store.counts()["interactions"] == 0
        assert {s["file"] for s in dry.json()["sources"]} == {
            "inbox.mbox",
            "a.eml",
            "b.eml",
            "copy.eml",
            "phone.vcf",
            "outlook.vcf",
            "calendar.ics",
        }
        done = client.post(MAIL_UPLOAD, params={"create_contacts": True}, files=files)
        assert done.status_code == 200, done.text
        assert done.json()["committed"] and store.counts()["contacts"] == 3 + 4  # 陈静, zhao, 刘洋, 周敏
        version = store.data_version()
        again = client.post(MAIL_UPLOAD, params={"create_contacts": True}, files=files)
        assert again.status_code == 200 and store.data_version() == version
        assert BODY_MARKER not in dump_bundle(store.export())
        bad = client.post(MAIL_UPLOAD, files=[("files", ("notes.txt", b"hello", "text/plain"))])
        assert bad.status_code == 422 and "notes.txt" in bad.json()["detail"]
        assert store.data_version() == version


@pytest.mark.parametrize("role", [Role.manager, Role.member, Role.external, Role.pmo])
def test_http_upload_by_a_scoped_key_writes_nothing(store, mail_files, vcf_files, role):
    """An upload creates contacts and interactions anywhere: only an admin key may; a key
    scoped to one project is refused and nothing changes (its reach cannot widen)."""
    seeded(store)
    import_bundle(store, {"projects": [{"id": "p-1", "name": "云庭"}]})
    admin_text, admin = issue("admin", Role.admin, [], None)
    text, record = issue(
        "scoped", role, [] if role == Role.pmo else ["p-1"], None if role != Role.external else "o-acme"
    )
    store.save_key(admin)
    store.save_key(record)
    version, before = store.data_version(), dump_bundle(store.export())
    files = uploads([*mail_files, *vcf_files])
    with TestClient(create_app(store)) as client:
        for params in ({"create_contacts": True}, {"dry_run": True}):
            refused = client.post(MAIL_UPLOAD, params=params, files=files, headers={"X-API-Key": text})
            assert refused.status_code == 403, refused.text
        assert store.data_version() == version and dump_bundle(store.export()) == before
        done = client.post(MAIL_UPLOAD, files=files, headers={"X-API-Key": admin_text})
        assert done.status_code == 200 and done.json()["committed"]


# --- hostile and damaged input -----------------------------------------------------------------


def test_damaged_files_are_reported_never_crash_and_write_nothing(tmp_path, store):
    seeded(store)
    version = store.data_version()
    eml = tmp_path / "junk.eml"
    eml.write_bytes(bytes(range(256)) * 4)
    odd = tmp_path / "odd.eml"
    odd.write_bytes(
        b'From: =?utf-8?b?5byg5Lyf?= <zhang@acme.cn>\r\nTo: li.na@acme.cn, "bad\x01name" <x\x02@evil.cn>\r\n'
        b"Date: Mon, 2 Nov 3999 09:30:00 +0000\r\nMessage-ID: <odd@acme.cn>\r\n\r\nbody\r\n"
    )
    late = tmp_path / "late.eml"
    late.write_bytes(
        b"From: zhang@acme.cn\r\nTo: li.na@acme.cn\r\nDate: not a date\r\nMessage-ID: <late@acme.cn>\r\n\r\n"
    )
    box = tmp_path / "not.mbox"
    box.write_bytes(b"\x00\xff garbage without any From line\n")
    ics = tmp_path / "broken.ics"
    ics.write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\n")
    vcf = tmp_path / "broken.vcf"
    vcf.write_bytes(b"BEGIN:VCARD\r\nVERSION:4.0\r\n\xff\xfe\x00junk")
    report = load(store, [eml, odd, late, box, ics, vcf], create=True)
    assert report.ok, report.errors
    codes = {(Path(s.location or "").name, s.code) for s in report.warnings}
    assert ("junk.eml", "no_sender") in codes and ("late.eml", "no_date") in codes and ("odd.eml", "no_date") in codes
    assert ("broken.ics", "unreadable") in codes
    stored = dump_bundle(store.export())
    assert "\x01" not in stored and "\x02" not in stored and "evil.cn" not in stored
    assert store.counts()["interactions"] == 0
    assert store.data_version() == version


def test_http_upload_refuses_what_is_not_mail_and_unknown_options(embedded_store, mail_files):
    seeded(embedded_store)
    version = embedded_store.data_version()
    with TestClient(create_app(embedded_store)) as client:
        for params in ({"dry_run": True}, {}):
            bad = client.post(MAIL_UPLOAD, params=params, files=[("files", ("notes.txt", b"hello", "text/plain"))])
            assert bad.status_code == 422 and bad.json()["problems"][0]["location"] == "notes.txt"
        typo = client.post(MAIL_UPLOAD, params={"create_contact": True}, files=uploads(mail_files))
        assert typo.status_code == 422 and "create_contact" in typo.json()["detail"]
        chinese = client.post(MAIL_UPLOAD, params={"lang": "zh-CN"}, files=[("files", ("a.txt", b"x", "text/plain"))])
        assert chinese.status_code == 422 and "未写入任何内容" in chinese.json()["detail"]
    assert embedded_store.data_version() == version


def test_a_rule_repeating_more_often_than_daily_is_skipped_not_expanded(tmp_path, store):
    """A few bytes (FREQ=SECONDLY) would otherwise make millions of occurrences: the series
    is reported and left out, the calendar's other meetings still read."""
    seeded(store)
    flood = ICS.replace(
        "BEGIN:VEVENT\r\nUID:one-off@acme.cn",
        "BEGIN:VEVENT\r\nUID:flood@acme.cn\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=SECONDLY\r\n"
        "ORGANIZER:mailto:zhang@acme.cn\r\nATTENDEE:mailto:wang@design.cn\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:one-off@acme.cn",
    )
    path = tmp_path / "flood.ics"
    path.write_text(flood, encoding="utf-8")
    dry = load(store, [path], dry_run=True)
    normal = load(store, [ics_path(tmp_path)], dry_run=True)
    assert dry.model_dump()["counts"] == normal.model_dump()["counts"]
    assert "too_frequent" in json.dumps(dry.model_dump(mode="json"))


def ics_path(tmp_path: Path) -> Path:
    path = tmp_path / "calendar.ics"
    path.write_text(ICS, encoding="utf-8")
    return path


def test_a_message_id_the_email_package_trips_on_is_digested_not_a_crash(tmp_path, embedded_store):
    """Python 3.11's header parser raises IndexError on ``Message-ID: <<a@b>>``: the message
    is read with a key digested from its headers, and reading it again gives the same key."""
    seeded(embedded_store)
    odd = tmp_path / "odd.eml"
    odd.write_bytes(
        b"From: zhang@acme.cn\r\nTo: li.na@acme.cn\r\nDate: Mon, 2 Nov 2026 09:30:00 +0000\r\n"
        b"Message-ID: <<a@b>>\r\n\r\nbody\r\n"
    )
    report = load(embedded_store, [odd])
    assert report.committed and report.counts["interactions"] == 1, report
    again = load(embedded_store, [odd])
    assert again.committed and embedded_store.counts()["interactions"] == 1


ADDRESS_HEADERS = [
    "Zhang Wei <zhang@acme.cn>",
    '"Zhang, Wei" <zhang@acme.cn>, li.na@acme.cn',
    "=?utf-8?b?5byg5Lyf?= <zhang@acme.cn>,\r\n =?utf-8?q?Li_Na?= <LI.NA@acme.cn>",
    "=?utf-8?q?Zh=C3=A4ng?= =?utf-8?q?_Wei?= <zhang@acme.cn>",
    "Mr  Smith   <s@x.example>",
    '"a\\"b" <x.y@z.example>',
    "zhang@acme.cn (Zhang Wei), li.na@acme.cn",
    "team: zhang@acme.cn, li.na@acme.cn;",
    "zhang@acme.cn <li.na@acme.cn>",
    "zhang@acme.cn,, li.na@acme.cn",
    "Zh.ang <zhang@acme.cn>",
    "undisclosed-recipients:;",
]


@pytest.mark.parametrize("value", ADDRESS_HEADERS)
def test_address_headers_read_as_the_email_package_parses_them(value):
    """The reader's short cut for plain headers gives what policy ``default`` gives."""
    raw = f"From: Wang <wang@design.cn>\r\nTo: {value}\r\nCc: {value}\r\nDate: Mon, 2 Nov 2026 09:30:00 +0000\r\n\r\n"
    parsed = email.message_from_bytes(raw.encode(), policy=policy.default)
    expected = [
        (a.display_name.strip(), a.addr_spec.strip())
        for name in ("to", "cc")
        for header in parsed.get_all(name, [])
        for a in header.addresses
        if is_address(a.addr_spec.strip())
    ]
    mails, skipped = _one(_headers(io.BytesIO(raw.encode())), "s", lambda: "m", False)
    assert not skipped
    assert [(p.name, p.email) for p in mails[0].recipients] == expected
