"""Mail import and derived lines benchmark (issue #17, item 7).

    python -m benchmarks.mail_bench [--messages 100000] [--contacts 50000] [--stores embedded,neo4j]
    python -m benchmarks.mail_bench --quick        # small sizes, about a minute

Two measurements, each next to its reference in the same run (the machine is shared: compare
the ratios; the load average and the other processes' CPU use are recorded):

1. A generated mbox (seeded: a few hundred people with e-mail addresses, 1-5 recipients,
   some Cc, Message-IDs, dates over a year, written with Python's ``email`` and ``mailbox``):
   - reference: ``mailbox.mbox`` parsing the file alone, every message iterated and its
     From/To/Cc/Date/Message-ID headers read;
   - ours, read only: ``read_paths`` (the records the importer hands on);
   - ours, full import: ``read_paths`` + ``run_import`` (match, check, write with audit)
     into an embedded store seeded with those people.
2. 1,000 new e-mails written to a store of 50,000 contacts with a large interaction log:
   - ours: ``import_bundle`` of the 1,000 rows (the stores keep line uses incrementally),
     then the time until ``store.line_uses()`` returns the updated uses;
   - reference: recounting every line use from scratch,
     ``line_uses(store.read("interactions"))``.

Writes JSON to benchmarks/results/mail.json (mail_quick.json with --quick) and prints a
markdown table.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import io
import json
import mailbox
import pstats
import random
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS, ROOT, ForeignLoad, loadavg, machine_facts, neo4j_target, neo4j_version
from graphsvc.application.importer import import_bundle
from graphsvc.application.mail_import.records import Records
from graphsvc.application.mail_import.run import read_paths, run_import
from graphsvc.domain.line_use import line_uses
from graphsvc.store.embedded import EmbeddedStore

CACHE = Path(tempfile.gettempdir()) / "graphsvc-mail-bench"
WINDOW = (date(2025, 1, 1), date(2026, 12, 31))
FIRST_DAY = datetime(2025, 12, 1, tzinfo=UTC)
SURNAMES = ["Zhang", "Wang", "Li", "Zhao", "Chen", "Müller", "Smith", "García", "Rossi", "Nakamura"]
CHINESE = ["张伟", "王芳", "李娜", "赵强", "陈静", "刘洋", "杨磊", "黄敏"]

# -- 1. the mbox --------------------------------------------------------------------------


def people(count: int, seed: int = 17) -> list[dict[str, Any]]:
    """Contacts with one e-mail each (a tenth with Chinese display names, some in upper case)."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        name = f"{rng.choice(CHINESE)}{n}" if n % 10 == 0 else f"{rng.choice(SURNAMES)} Person{n}"
        out.append({"id": f"c{n}", "name": name, "org": f"o{n % 20}", "emails": [f"person{n}@firm{n % 20}.example"]})
    return out


def seed_bundle(contacts: list[dict[str, Any]]) -> dict[str, Any]:
    orgs = sorted({c["org"] for c in contacts})
    return {"organizations": [{"id": o, "name": f"Firm {o}"} for o in orgs], "contacts": contacts}


def write_mbox(path: Path, messages: int, contacts: list[dict[str, Any]], seed: int = 23) -> None:
    """``messages`` e-mails between ``contacts`` (and 2% unknown addresses), 1-5 recipients,
    a third with Cc, 1% without Message-ID, dates over a year, short bodies."""
    rng = random.Random(seed)
    box = mailbox.mbox(path, create=True)
    box.lock()
    try:
        for n in range(messages):
            sender, *others = rng.sample(contacts, 1 + rng.randint(1, 5) + (rng.randint(1, 2) if n % 3 == 0 else 0))
            to_count = min(len(others), rng.randint(1, 5))
            msg = EmailMessage()
            msg["From"] = _address(sender)
            msg["To"] = ", ".join(_address(c) for c in others[:to_count])
            cc = [_address(c) for c in others[to_count:]]
            if rng.random() < 0.02:
                cc.append(f"Outside {n} <outside{rng.randrange(500)}@elsewhere.example>")
            if cc:
                msg["Cc"] = ", ".join(cc)
            at = FIRST_DAY + timedelta(seconds=rng.randrange(365 * 86400))
            msg["Date"] = format_datetime(at)
            msg["Subject"] = f"Report {n}"
            if rng.random() >= 0.01:
                msg["Message-ID"] = f"<m{n}.{rng.randrange(10**9)}@bench.example>"
            msg.set_content("Hello,\n\n" + "Some text of the message. " * rng.randint(2, 40) + "\n")
            box.add(msg)
        box.flush()
    finally:
        box.unlock()
        box.close()


def _address(contact: dict[str, Any]) -> str:
    email = contact["emails"][0]
    return f"{contact['name']} <{email.upper() if contact['id'].endswith('7') else email}>"


def mbox_file(messages: int, people_count: int) -> tuple[Path, list[dict[str, Any]], float]:
    """The generated mbox (cached: same sizes, same file) and its people; seconds to write it
    (0.0 when it was cached)."""
    contacts = people(people_count)
    path = CACHE / f"bench-{messages}-{people_count}.mbox"
    if path.exists():
        return path, contacts, 0.0
    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    seconds, _ = ForeignLoad().measure(lambda: write_mbox(partial, messages, contacts))
    partial.rename(path)
    return path, contacts, seconds


def reference_read(path: Path) -> int:
    """Python's mailbox alone: every message parsed, its identifying headers read."""
    count = 0
    box = mailbox.mbox(path, create=False)
    try:
        for message in box:
            for name in ("From", "To", "Cc", "Date", "Message-ID"):
                message.get(name)
            count += 1
    finally:
        box.close()
    return count


def our_read(path: Path) -> int:
    records, problems = read_paths([path], WINDOW, subjects=False)
    assert not problems, problems
    return len(records.mails)


def our_import(path: Path, contacts: list[dict[str, Any]]) -> dict[str, Any]:
    """Read + match + write (with audit) into a fresh embedded store seeded with the people;
    the seeding is not timed."""
    with EmbeddedStore(None) as store:
        import_bundle(store, seed_bundle(contacts))
        load = ForeignLoad()
        box: dict[str, Any] = {}

        def run() -> None:
            records, problems = read_paths([path], WINDOW, subjects=False)
            box["report"] = run_import(store, records, problems, dry_run=False, create_contacts=False, actor="bench")

        seconds, foreign = load.measure(run)
        report = box["report"]
        assert report.committed, report.errors[:3]
        return {
            "seconds": round(seconds, 3),
            "foreign_cores": foreign,
            "interactions": report.counts.get("interactions", 0),
            "skipped": len(report.warnings),
            "stored_interactions": len(store.read("interactions")),
        }


def reader_at(revision: str):
    """``graphsvc/application/mail_import/mail.py`` as it was at ``revision`` (git), loaded
    as a module of its own: the reader before a change, for a before/after in one run."""
    source = subprocess.run(
        ["git", "show", f"{revision}:graphsvc/application/mail_import/mail.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    folder = Path(tempfile.mkdtemp(prefix="graphsvc-reader-"))
    (folder / "mail_before.py").write_text(source)
    spec = importlib.util.spec_from_file_location("mail_before", folder / "mail_before.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["mail_before"] = module
    spec.loader.exec_module(module)
    return module


def before_import(reader, path: Path, contacts: list[dict[str, Any]]) -> dict[str, Any]:
    """The full import with the reader of an earlier revision (the rest as now)."""
    with EmbeddedStore(None) as store:
        import_bundle(store, seed_bundle(contacts))
        box: dict[str, Any] = {}

        def run() -> None:
            records = Records()
            records.mails, records.skipped = reader.read_mbox(path, False, str(path))
            records.sources[str(path)] = ("mbox", len(records.mails))
            box["read"] = len(records.mails)
            box["report"] = run_import(store, records, [], dry_run=False, create_contacts=False, actor="bench")

        seconds, foreign = ForeignLoad().measure(run)
        assert box["report"].committed
        return {"seconds": round(seconds, 3), "foreign_cores": foreign, "messages": box["read"]}


def profile(fn, top: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.runcall(fn)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def bench_mbox(
    messages: int, people_count: int, repeat: int, want_profile: bool, before: str | None, before_repeat: int = 1
) -> dict[str, Any]:
    path, contacts, written = mbox_file(messages, people_count)
    out: dict[str, Any] = {
        "messages": messages,
        "people": people_count,
        "file_mib": round(path.stat().st_size / 2**20, 1),
        "generate_s": round(written, 1) if written else "cached",
    }
    load = ForeignLoad()
    reference, ours_read, foreign = [], [], []
    imports = []
    for _ in range(repeat):  # interleaved rounds, so that a noisy moment hits all alike
        seconds, f1 = load.measure(lambda: reference_read(path))
        reference.append(round(seconds, 3))
        seconds, f2 = load.measure(lambda: our_read(path))
        ours_read.append(round(seconds, 3))
        foreign += [f1, f2]
        imports.append(our_import(path, contacts))
        print(
            f"mbox: reference {reference[-1]:.2f} s, our read {ours_read[-1]:.2f} s, "
            f"full import {imports[-1]['seconds']:.2f} s",
            flush=True,
        )
    out["reference_s"] = reference
    out["read_s"] = ours_read
    out["read_foreign_cores"] = foreign
    out["import"] = imports
    out["reference_median_s"] = _median(reference)
    out["read_median_s"] = _median(ours_read)
    out["import_median_s"] = _median([i["seconds"] for i in imports])
    out["read_ratio"] = round(out["read_median_s"] / out["reference_median_s"], 2)
    out["import_ratio"] = round(out["import_median_s"] / out["reference_median_s"], 2)
    #: the ratio within each round (the same moment's load), and their median
    out["import_ratio_rounds"] = [round(i["seconds"] / r, 2) for i, r in zip(imports, reference, strict=True)]
    out["import_ratio_rounds_median"] = _median(out["import_ratio_rounds"])
    if before:
        reader = reader_at(before)
        runs = []
        for _ in range(before_repeat):  # the reference again next to it: the load may have changed
            ref_s, _ = load.measure(lambda: reference_read(path))
            read_s, _ = load.measure(lambda: reader.read_mbox(path, False, str(path)))
            runs.append({"reference_s": round(ref_s, 3), "read_s": round(read_s, 3)})
            print(f"mbox: reference {ref_s:.2f} s, read before ({before}) {read_s:.2f} s", flush=True)
        imports = [before_import(reader, path, contacts) for _ in range(before_repeat)]
        print(f"mbox: full import before ({before}) {imports[-1]['seconds']:.2f} s", flush=True)
        out["before"] = {
            "revision": before,
            "runs": runs,
            "import": imports,
            "reference_median_s": _median([r["reference_s"] for r in runs]),
            "read_median_s": _median([r["read_s"] for r in runs]),
            "import_median_s": _median([i["seconds"] for i in imports]),
        }
    if want_profile:
        with EmbeddedStore(None) as store:
            import_bundle(store, seed_bundle(contacts))
            out["profile"] = profile(
                lambda: run_import(
                    store, *read_paths([path], WINDOW, False), dry_run=False, create_contacts=False, actor="b"
                )
            )
    return out


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


# -- 2. new messages into a large store -----------------------------------------------------


def interactions(contact_ids: list[str], count: int, seed: int, prefix: str) -> list[dict[str, Any]]:
    """E-mails between random contacts: a sender and 1-5 recipients, over a year."""
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        group = rng.sample(contact_ids, 1 + rng.randint(1, 5))
        at = FIRST_DAY + timedelta(seconds=rng.randrange(365 * 86400))
        rows.append(
            {
                "id": f"{prefix}{n}",
                "at": at.isoformat(),
                "participants": sorted(group),
                "channel": "e-mail",
                "sender": group[0],
            }
        )
    return rows


def large_store_bundle(contacts: int, logged: int) -> dict[str, Any]:
    orgs = max(1, contacts // 50)
    return {
        "organizations": [{"id": f"o{n}", "name": f"Firm {n}"} for n in range(orgs)],
        "contacts": [
            {"id": f"c{n}", "name": f"Person {n}", "org": f"o{n % orgs}", "emails": [f"p{n}@firm{n % orgs}.example"]}
            for n in range(contacts)
        ],
        "interactions": interactions([f"c{n}" for n in range(contacts)], logged, seed=31, prefix="old-"),
    }


#: interactions per import while the large store is loaded (one Neo4j transaction must fit
#: in its transaction memory: 200,000 at once did not at -Xmx4g)
LOAD_BATCH = 25_000


def load_large_store(store, bundle: dict[str, Any]) -> None:
    """The people first, then the log in batches."""
    logged = bundle.pop("interactions")
    import_bundle(store, bundle)
    for start in range(0, len(logged), LOAD_BATCH):
        import_bundle(store, {"interactions": logged[start : start + LOAD_BATCH]})


def bench_new_messages(store, contacts: int, logged: int, new: int, batches: int, other=None) -> dict[str, Any]:
    """Load the big store (not timed beyond a note), then ``batches`` times: write ``new``
    e-mails and ask for the line uses; the from-scratch recount as reference after each.
    ``other`` (Neo4j: a second store object, as another process would be) then writes ``new``
    more, and the first store's next ``line_uses()`` is timed too."""
    out: dict[str, Any] = {"store": store.name, "contacts": contacts, "logged": logged, "new": new}
    load = ForeignLoad(_server_pids(store))
    ids = [f"c{n}" for n in range(contacts)]
    out["load_s"], _ = load.measure(lambda: load_large_store(store, large_store_bundle(contacts, logged)))
    print(f"{store.name}: loaded {contacts} contacts, {logged} interactions in {out['load_s']:.1f} s", flush=True)
    store.line_uses()  # warm: caches and, on Neo4j, query plans
    runs = []
    for batch in range(batches):
        rows = interactions(ids, new, seed=100 + batch, prefix=f"new{batch}-")
        write_s, f1 = load.measure(lambda: import_bundle(store, {"interactions": rows}))
        box: dict[str, Any] = {}
        uses_s, f2 = load.measure(lambda: box.setdefault("uses", store.line_uses()))
        recount_s, f3 = load.measure(lambda: box.setdefault("recount", line_uses(store.read("interactions"))))
        read_s, _ = load.measure(lambda: store.read("interactions"))
        agree = box["uses"] == box["recount"]
        runs.append(
            {
                "write_s": round(write_s, 3),
                "line_uses_s": round(uses_s, 3),
                "total_s": round(write_s + uses_s, 3),
                "recount_s": round(recount_s, 3),
                "read_log_s": round(read_s, 3),
                "foreign_cores": [f1, f2, f3],
                "agree": agree,
                "pairs": len(box["uses"]),
            }
        )
        if other is not None:  # another process writes: ours moves its copy by what changed
            more = interactions(ids, new, seed=200 + batch, prefix=f"other{batch}-")
            import_bundle(other, {"interactions": more})
            store._version_memo = (0.0, None)  # past the data version's few hundred ms of memory
            foreign_s, _ = load.measure(store.line_uses)
            runs[-1]["line_uses_after_foreign_s"] = round(foreign_s, 3)
        if store.name == "neo4j":  # a process with no copy: reads all uses (one record per pair)
            store._uses_cache = None
            cold_s, _ = load.measure(store.line_uses)
            runs[-1]["line_uses_cold_s"] = round(cold_s, 3)
        if store.name == "neo4j":  # the statement line_uses() sends, bare: records fetched, nothing built
            bare_s, _ = load.measure(
                lambda: store.driver.execute_query(*store.queries.bind("read_line_uses"), database_=store.database)
            )
            runs[-1]["line_uses_bare_cypher_s"] = round(bare_s, 3)
        print(f"{store.name}: batch {batch}: {runs[-1]}", flush=True)
    out["runs"] = runs
    keys = (
        "write_s",
        "line_uses_s",
        "total_s",
        "recount_s",
        "read_log_s",
        "line_uses_after_foreign_s",
        "line_uses_cold_s",
        "line_uses_bare_cypher_s",
    )
    for key in keys:
        if key in runs[0]:
            out[key] = _median([r[key] for r in runs])
    return out


def _server_pids(store) -> tuple[int, ...]:
    pid = getattr(store, "server_pid", None)
    return (pid,) if pid else ()


# -- report ---------------------------------------------------------------------------------


def table(mbox: dict[str, Any] | None, lines: list[dict[str, Any]]) -> str:
    ok = lambda good: "yes" if good else "**no**"  # noqa: E731
    rows = [
        "| measurement | ours | reference (same run) | ours / reference | target | met |",
        "|---|---:|---:|---:|---|---|",
    ]
    if mbox:
        n = f"{mbox['messages']:,}-message mbox"
        ref = f"{mbox['reference_median_s']:.2f} s (`mailbox.mbox` parse + 5 headers)"
        rows.append(f"| {n}, read only | {mbox['read_median_s']:.2f} s | {ref} | {mbox['read_ratio']:.2f}× | | |")
        rows.append(
            f"| {n}, full import (read + match + write with audit) | {mbox['import_median_s']:.2f} s | {ref} | "
            f"{mbox['import_ratio']:.2f}× (per round: {', '.join(f'{x:.2f}' for x in mbox['import_ratio_rounds'])}) | "
            f"≤ 2× | {ok(mbox['import_ratio'] <= 2)} |"
        )
        if "before" in mbox:
            b = mbox["before"]
            ref = f"{b['reference_median_s']:.2f} s (same, measured next to it)"
            rows.append(
                f"| {n}, read only, reader of {b['revision']} (before) | {b['read_median_s']:.2f} s | {ref} | "
                f"{b['read_median_s'] / b['reference_median_s']:.2f}× | | |"
            )
            rows.append(
                f"| {n}, full import, reader of {b['revision']} (before) | {b['import_median_s']:.2f} s | {ref} | "
                f"{b['import_median_s'] / b['reference_median_s']:.2f}× | ≤ 2× | "
                f"{ok(b['import_median_s'] / b['reference_median_s'] <= 2)} |"
            )
    for r in lines:
        where = f"{r['new']:,} new e-mails, {r['contacts']:,} contacts, {r['logged']:,} logged ({r['store']})"
        ref = f"{r['recount_s']:.2f} s (recount all uses; reading the log alone {r['read_log_s']:.2f} s)"
        rows.append(f"| {where}: write | {r['write_s']:.3f} s | | | | |")
        bare = (
            f"{r['line_uses_bare_cypher_s']:.2f} s (its statement, bare driver)"
            if "line_uses_bare_cypher_s" in r
            else ""
        )
        rows.append(f"| {where}: `line_uses()` after it | {r['line_uses_s']:.3f} s | {bare} | | | |")
        rows.append(
            f"| {where}: write until updated uses returned | {r['total_s']:.3f} s | {ref} | "
            f"{r['total_s'] / max(r['recount_s'], 1e-9):.2f}× | < 1 s | {ok(r['total_s'] < 1)} |"
        )
        if "line_uses_after_foreign_s" in r:
            rows.append(
                f"| {where}: `line_uses()` after another process wrote {r['new']:,} more | "
                f"{r['line_uses_after_foreign_s']:.3f} s | {r['line_uses_cold_s']:.2f} s (all uses read, no copy) | | | |"
            )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="10,000 messages, 5,000 contacts: about a minute")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=300, help="people in the mbox")
    parser.add_argument("--contacts", type=int, default=50_000, help="contacts in the large store")
    parser.add_argument("--logged", type=int, default=200_000, help="interactions already in the large store")
    parser.add_argument("--new", type=int, default=1_000, help="new e-mails per batch")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stores", default="embedded", help="for the new-messages part: embedded,neo4j")
    parser.add_argument("--only", choices=["mbox", "lines"], default=None)
    parser.add_argument("--profile", action="store_true", help="cProfile of one full import into the JSON")
    parser.add_argument("--before", default=None, help="git revision: its mail reader measured too (before/after)")
    parser.add_argument("--before-repeat", type=int, default=1, help="runs of the earlier reader (it is slow)")
    parser.add_argument("--out", default=None, help="file name in benchmarks/results (default mail.json)")
    parser.add_argument("--jvm-opts", default=None, help="Neo4j JVM flags (see benchmarks/common.py)")
    args = parser.parse_args()
    if args.quick:
        args.messages, args.contacts, args.logged, args.repeat = 10_000, 5_000, 20_000, 1
    facts = machine_facts()
    results: dict[str, Any] = {"machine": facts, "args": vars(args)}
    out_file = RESULTS / (args.out or ("mail_quick.json" if args.quick else "mail.json"))

    def save() -> None:
        facts["loadavg_end"] = loadavg()
        RESULTS.mkdir(exist_ok=True)
        out_file.write_text(json.dumps(results, indent=2, default=str))

    mbox = None
    if args.only in (None, "mbox"):
        mbox = results["mbox"] = bench_mbox(
            args.messages, args.people, args.repeat, args.profile, args.before, args.before_repeat
        )
        save()
    lines: list[dict[str, Any]] = results.setdefault("lines", [])
    if args.only in (None, "lines"):
        stores = args.stores.split(",")
        if "embedded" in stores:
            with EmbeddedStore(None) as store:
                lines.append(bench_new_messages(store, args.contacts, args.logged, args.new, args.repeat))
            save()
        if "neo4j" in stores:
            with neo4j_target(args.jvm_opts) as target, target.make_store() as store, target.make_store() as other:
                store.init_schema()
                store.clear()
                if target.server is not None:
                    store.server_pid = target.server.pid
                result = bench_new_messages(store, args.contacts, args.logged, args.new, args.repeat, other)
                result["server"] = neo4j_version(store)
                result["jvm_opts"] = target.jvm_opts
                lines.append(result)  # the data stays: a server we started is thrown away
            save()
    print(f"load average at start {facts['loadavg_start']}, at end {loadavg()}")
    print(table(mbox, lines))
    if mbox and "profile" in mbox:
        print(mbox["profile"])


if __name__ == "__main__":
    main()
