"""Every import gives one report (issue 17, item 4): a JSON bundle, a CSV sheet and an address
book, dry run and commit, over HTTP and on the command line, answer with the same fields,
locate their errors the same way, and a refused import's 422 problems are the report's
errors. A large JSON bundle shows a bar while its rows are checked."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from graphsvc.application.import_report import ImportReport
from graphsvc.web.app import create_app

FIELDS = set(ImportReport.model_fields)
ISSUE_PLACE = ("location", "row", "field", "reason")

BUNDLE = {
    "organizations": [{"id": "o-a", "name": "甲建设"}],
    "contacts": [
        {"id": "c-zhang", "name": "张伟", "org": "o-a", "phones": ["13900000001"]},
        {"id": "c-zhang2", "name": "张伟", "org": "o-a", "phones": ["13900000002"]},
    ],
}
CSV = "id,name,org,phones\nc-li,李娜,o-a,13900000003\nc-bad,,o-a,\n"
VCARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:王芳\r\nEMAIL:wang@example.cn\r\nEND:VCARD\r\n"


def uploads(client: TestClient, dry_run: bool) -> dict[str, object]:
    """The answer of each import endpoint to its kind of input."""
    params = {"dry_run": dry_run}
    return {
        "bundle": client.post("/api/v1/import", params=params, json=BUNDLE),
        "csv": client.post(
            "/api/v1/import/spreadsheet", params=params, files={"files": ("contacts.csv", CSV.encode(), "text/csv")}
        ),
        "vcf": client.post(
            "/api/v1/import/mail", params=params, files={"files": ("team.vcf", VCARD.encode(), "text/vcard")}
        ),
    }


def test_every_upload_answers_with_the_one_report(store):
    with TestClient(create_app(store)) as client:
        client.post("/api/v1/import", json={"organizations": BUNDLE["organizations"]}).raise_for_status()
        dry = {kind: answer.json() for kind, answer in uploads(client, dry_run=True).items()}
        assert {kind: set(body) for kind, body in dry.items()} == dict.fromkeys(dry, FIELDS)
        assert {kind: body["sources"][0]["format"] for kind, body in dry.items()} == {
            "bundle": "json",
            "csv": "csv",
            "vcf": "vcf",
        }
        # the bundle's 同名不同号 pair, located like a spreadsheet's
        (pair,) = dry["bundle"]["suspected_duplicates"]
        assert (pair["first"]["location"], pair["first"]["row"], pair["second"]["row"]) == ("contacts", 0, 1)
        # the CSV's nameless row: an error of the dry run (200), located as sheet / row / column / cell
        csv = dry["csv"]
        assert not csv["ok"] and not csv["committed"]
        assert [(e["location"], e["row"], e["field"], e["cell"]) for e in csv["errors"]] == [
            ("contacts", 3, "name", "B3")
        ]
        assert dry["vcf"]["suggested_contacts"][0]["email"] == "wang@example.cn" and dry["vcf"]["ok"]
        # committed: the good inputs are written; the bad CSV is a 422 whose problems are the report's errors
        done = uploads(client, dry_run=False)
        assert done["bundle"].json()["committed"] and done["vcf"].json()["committed"]
        refused = done["csv"]
        assert refused.status_code == 422
        assert [tuple(p[k] for k in ISSUE_PLACE) for p in refused.json()["problems"]] == [
            tuple(e[k] for k in ISSUE_PLACE) for e in csv["errors"]
        ]
        assert store.read("contacts", ["c-li"]) == []


def test_a_refused_bundle_is_a_report_with_its_errors(store):
    bad = {"contacts": [{"id": "c-x", "name": ""}, {"id": "c-y", "name": "赵六", "org": "o-nowhere"}]}
    with TestClient(create_app(store)) as client:
        dry = client.post("/api/v1/import", params={"dry_run": True}, json=bad)
        assert dry.status_code == 200, dry.text
        report = ImportReport.model_validate(dry.json())
        assert not report.ok and {k: n for k, n in report.counts.items() if n} == {"contacts": 2}
        assert [(e.location, e.row, e.field) for e in report.errors] == [
            ("contacts", 0, "name"),
            ("contacts", 1, "org"),
        ]
        refused = client.post("/api/v1/import", json=bad)
        assert refused.status_code == 422
        assert [(p["location"], p["row"], p["field"]) for p in refused.json()["problems"]] == [
            (e.location, e.row, e.field) for e in report.errors
        ]
        assert "contacts[1].org" in refused.json()["detail"]
    assert store.read("contacts") == []


def test_the_endpoints_document_one_report():
    schema = create_app().openapi()
    for path in ("/api/v1/import", "/api/v1/import/spreadsheet", "/api/v1/import/mail"):
        answer = schema["paths"][path]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert answer == {"$ref": "#/components/schemas/ImportReport"}, path


def test_the_command_line_prints_the_same_report_for_every_format(tmp_path, embedded_cli):
    bundle, csv, vcf = tmp_path / "people.json", tmp_path / "contacts.csv", tmp_path / "team.vcf"
    bundle.write_text(json.dumps(BUNDLE, ensure_ascii=False), encoding="utf-8")
    csv.write_text(CSV, encoding="utf-8")
    vcf.write_text(VCARD, encoding="utf-8")
    answers = {path.suffix: embedded_cli("import", str(path), "--dry-run", "--json") for path in (bundle, csv, vcf)}
    assert {suffix: answer.exit_code for suffix, answer in answers.items()} == {".json": 0, ".csv": 2, ".vcf": 0}
    assert {suffix: set(json.loads(answer.stdout)) for suffix, answer in answers.items()} == dict.fromkeys(
        answers, FIELDS
    )
    errors = json.loads(answers[".csv"].stdout)["errors"]
    assert ("contacts", 3, "name") in [(e["location"], e["row"], e["field"]) for e in errors]
    assert f"{len(errors)} errors; nothing was written." in answers[".csv"].stderr
    text = embedded_cli("--lang", "zh-CN", "import", str(csv), "--dry-run")
    assert text.exit_code == 2 and "contacts，第 3 行，name 列" in text.stderr, text.stderr


def test_a_large_bundle_shows_a_bar_while_its_rows_are_checked(tmp_path, embedded_cli):
    people = {
        "organizations": [{"id": "o-a", "name": "甲建设"}],
        "contacts": [{"id": f"c-{n}", "name": f"员工{n}", "org": "o-a"} for n in range(6000)],
    }
    bundle = tmp_path / "people.json"
    bundle.write_text(json.dumps(people, ensure_ascii=False), encoding="utf-8")
    done = embedded_cli("import", str(bundle), "--json")
    assert done.exit_code == 0, done.output
    counts = json.loads(done.stdout)["counts"]
    assert {kind: n for kind, n in counts.items() if n} == {"organizations": 1, "contacts": 6000}
    assert done.stderr.index("checking rows") < done.stderr.index("checking and writing"), done.stderr
    small = tmp_path / "small.json"
    small.write_text(json.dumps(BUNDLE, ensure_ascii=False), encoding="utf-8")
    quiet = embedded_cli("import", str(small), "--dry-run")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_the_text_report_stays_readable_for_a_large_mailbox(tmp_path, embedded_cli):
    """Long lists are cut at 20 lines with how many more ``--json`` holds; a re-import says
    that nothing changed; an import in parts says how many transactions it took."""
    cards = "".join(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:访客{n}\r\nEMAIL:guest{n}@example.cn\r\nEND:VCARD\r\n" for n in range(25)
    )
    book = tmp_path / "guests.vcf"
    book.write_text(cards, encoding="utf-8")
    dry = embedded_cli("import", str(book), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.count("suggested new contact:") == 20 and "… 5 more; --json lists them all" in dry.stdout
    assert "in 0 messages or meetings" in dry.stdout
    as_json = embedded_cli("import", str(book), "--dry-run", "--json")
    assert len(json.loads(as_json.stdout)["suggested_contacts"]) == 25
    parts = embedded_cli("import", str(book), "--create-contacts", "--commit-every", "10")
    assert parts.exit_code == 0 and "written in 3 transactions (--commit-every)" in parts.stdout, parts.output
    again = embedded_cli("--lang", "zh-CN", "import", str(book), "--create-contacts")
    assert again.exit_code == 0 and "存储没有变化" in again.stdout, again.output
