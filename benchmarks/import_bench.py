"""Bulk-import throughput of both stores, next to a raw reference measured in the same run.

    python -m benchmarks.import_bench [--sizes small,medium,large] [--stores embedded,neo4j]
                                      [--repeat N] [--out BENCHMARKS.md]

For every size and store, each repeat measures, on an empty store each time:

* ours:       ``graphsvc.application.importer.import_bundle(store, raw_dict)`` (parse + validate +
              history check + write);
* write-only: ``store.write(parsed_bundle)`` with the bundle parsed beforehand;
* reference:  the same rows by the engine's most direct path (see benchmarks/reference.py).

Rows/s = rows in the bundle / seconds. The median over the repeats is reported with min and
max; overhead = reference rows/s / our rows/s. A markdown table is printed; results go to
benchmarks/results/import.json, and with ``--out FILE`` the generated block between the
``<!-- import_bench:begin -->`` / ``<!-- import_bench:end -->`` markers of FILE is replaced.

Neo4j: NEO4J_URI (NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE) if set -- that database is
cleared! -- otherwise a private server from tests/neo4j_server.py, with the JVM flags of
``--jvm-opts`` (default: GRAPHSVC_NEO4J_JVM_OPTS, else common.DEFAULT_JVM_OPTS).
"""

from __future__ import annotations

import argparse
import gc
import json
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import common, reference
from benchmarks.common import SIZES, ForeignLoad, bundle_rows, portfolio_for, summary

TARGETS = {"embedded": 50_000, "neo4j": 20_000}
MAX_OVERHEAD = 2.0
BEGIN, END = "<!-- import_bench:begin -->", "<!-- import_bench:end -->"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- embedded --------------------------------------------------------------------------------


def bench_embedded(size: str, raw: dict[str, Any], repeat: int) -> dict[str, Any]:
    from graphsvc.application.importer import import_bundle
    from graphsvc.domain.bundle import parse_bundle
    from graphsvc.store.embedded import EmbeddedStore

    rows = bundle_rows(raw)
    bundle = parse_bundle(raw)
    payload = reference.sqlite_payload(raw)
    audit = reference.audit_entries(bundle)
    want = bundle.counts()
    times: dict[str, list[float]] = {"ours": [], "write_only": [], "reference": [], "reference_audit": []}
    foreign: dict[str, list[float | None]] = {k: [] for k in times}
    load = ForeignLoad()
    with tempfile.TemporaryDirectory(prefix="graphsvc-bench-") as tmp:
        for r in range(repeat):
            for what in ("ours", "write_only"):
                path = Path(tmp) / f"{what}-{r}.sqlite3"
                store = EmbeddedStore(path)
                if what == "ours":
                    seconds, other = load.measure(lambda store=store: import_bundle(store, raw))
                else:
                    seconds, other = load.measure(lambda store=store: store.write(bundle))
                if store.counts() != want:
                    raise AssertionError(f"embedded {what}: stored counts differ from the bundle")
                store.close()
                del store
                _remove_db(path)
                times[what].append(seconds)
                foreign[what].append(other)
            for what, entries in (("reference", None), ("reference_audit", audit)):
                path = Path(tmp) / f"{what}-{r}.sqlite3"
                write, finish = reference.sqlite_reference(path, payload, entries)
                seconds, other = load.measure(write)
                times[what].append(seconds)
                foreign[what].append(other)
                finish()
                _remove_db(path)
            log(f"  embedded {size} #{r + 1}: " + _line(times, foreign, rows))
    return _result(size, "embedded", rows, want, times, foreign)


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


# -- Neo4j -----------------------------------------------------------------------------------


def _neo4j_empty(store: Any) -> None:
    store.clear()
    left = store.counts()
    if any(left.values()):
        raise AssertionError(f"neo4j store not empty after clear: {left}")


def neo4j_warmup(store: Any) -> None:
    """One untimed import and reference write of the small size, so the JIT has started."""
    from graphsvc.application.importer import import_bundle
    from graphsvc.domain.bundle import parse_bundle

    raw = portfolio_for("small")
    bundle = parse_bundle(raw)
    _neo4j_empty(store)
    import_bundle(store, raw)
    _neo4j_empty(store)
    reference.neo4j_reference(store.driver, store.database, reference.neo4j_plan(bundle))()
    _neo4j_empty(store)


def bench_neo4j(
    size: str, raw: dict[str, Any], repeat: int, store: Any, verify: bool, load: ForeignLoad
) -> dict[str, Any]:
    from graphsvc.application.importer import import_bundle
    from graphsvc.domain.bundle import parse_bundle

    rows = bundle_rows(raw)
    bundle = parse_bundle(raw)
    plan = reference.neo4j_plan(bundle)
    audit_plan = reference.neo4j_plan(bundle, reference.audit_entries(bundle))
    want = bundle.counts()
    times: dict[str, list[float]] = {"ours": [], "write_only": [], "reference": [], "reference_audit": []}
    foreign: dict[str, list[float | None]] = {k: [] for k in times}
    ref_write = reference.neo4j_reference(store.driver, store.database, plan)
    ref_audit_write = reference.neo4j_reference(store.driver, store.database, audit_plan)
    _neo4j_empty(store)
    for r in range(repeat):
        for what, fn in (
            ("ours", lambda: import_bundle(store, raw)),
            ("write_only", lambda: store.write(bundle)),
            ("reference", ref_write),
            ("reference_audit", ref_audit_write),
        ):
            seconds, other = load.measure(fn)
            times[what].append(seconds)
            foreign[what].append(other)
            got = store.counts()
            if got != want:
                raise AssertionError(f"neo4j {what}: stored counts {got} differ from {want}")
            if what == "reference" and verify and r == 0:
                reference.verify_reference(store, bundle)
            _neo4j_empty(store)
        log(f"  neo4j {size} #{r + 1}: " + _line(times, foreign, rows))
    return _result(size, "neo4j", rows, want, times, foreign)


# -- results ---------------------------------------------------------------------------------


def _line(times: dict[str, list[float]], foreign: dict[str, list[float | None]], rows: int) -> str:
    return ", ".join(
        f"{k} {v[-1]:.2f}s ({rows / v[-1]:,.0f} rows/s, other load {foreign[k][-1]})" for k, v in times.items()
    )


def _result(
    size: str,
    store: str,
    rows: int,
    counts: dict[str, int],
    times: dict[str, list[float]],
    foreign: dict[str, list[float | None]],
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "size": size,
        "projects": SIZES[size][0],
        "people_per_project": SIZES[size][1],
        "rows": rows,
        "counts": counts,
        "store": store,
    }
    for what, seconds in times.items():
        out[what] = summary(seconds, rows, foreign[what])
    ref = out["reference"]["rows_per_s"]["median"]
    out["overhead"] = round(ref / out["ours"]["rows_per_s"]["median"], 2)
    if "reference_audit" in out:
        out["overhead_same_work"] = round(
            out["reference_audit"]["rows_per_s"]["median"] / out["ours"]["rows_per_s"]["median"], 2
        )
    out["overhead_write_only"] = round(ref / out["write_only"]["rows_per_s"]["median"], 2)
    out["foreign_cores_mean"] = _foreign_mean(out)
    out["target_rows_per_s"] = TARGETS[store]
    out["meets_rate_target"] = out["ours"]["rows_per_s"]["median"] >= TARGETS[store]
    out["meets_overhead_target"] = out["overhead"] <= MAX_OVERHEAD
    return out


def _foreign_mean(result: dict[str, Any]) -> float | None:
    """Other processes' CPU (in cores) over all of a row's measurements, time-weighted."""
    busy = wall = 0.0
    for what in ("ours", "write_only", "reference", "reference_audit"):
        if what not in result:
            continue
        for seconds, cores in zip(result[what]["seconds"], result[what].get("foreign_cores", [])):
            if cores is not None:
                busy += seconds * cores
                wall += seconds
    return round(busy / wall, 2) if wall else None


def _rate(s: dict[str, Any]) -> str:
    r = s["rows_per_s"]
    return f"{r['median']:,} ({r['min']:,}–{r['max']:,})"


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| size | rows | store | ours: `import_bundle` rows/s | `write()` only rows/s "
        "| reference rows/s | overhead (ref / ours) | ref / `write()` "
        "| reference with audit rows/s | ref with audit / ours | other load (cores) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        same = r.get("reference_audit")
        same_ratio = f"{r['overhead_same_work']:.2f}×" if same else "–"
        lines.append(
            f"| {r['size']} ({r['projects']}×{r['people_per_project']}) | {r['rows']:,} "
            f"| {r['store']} | {_rate(r['ours'])} | {_rate(r['write_only'])} "
            f"| {_rate(r['reference'])} | {r['overhead']:.2f}× | {r['overhead_write_only']:.2f}× "
            f"| {_rate(same) if same else '–'} | {same_ratio} "
            f"| {_foreign_mean(r)} |"
        )
    return "\n".join(lines)


def targets(results: list[dict[str, Any]]) -> str:
    lines = []
    for store, target in TARGETS.items():
        mine = [r for r in results if r["store"] == store]
        if not mine:
            continue
        rate = "; ".join(
            f"{r['size']} {r['ours']['rows_per_s']['median']:,} {'met' if r['meets_rate_target'] else '**NOT MET**'}"
            for r in mine
        )
        over = "; ".join(
            f"{r['size']} {r['overhead']:.2f}× {'met' if r['meets_overhead_target'] else '**NOT MET**'}" for r in mine
        )
        lines.append(f"- {store} ≥ {target:,} rows/s (median of ours): {rate}.")
        lines.append(f"- {store} overhead ≤ {MAX_OVERHEAD:g}× the reference: {over}.")
        same = "; ".join(
            f"{r['size']} {r['overhead_same_work']:.2f}× "
            f"{'met' if r['overhead_same_work'] <= MAX_OVERHEAD else '**NOT MET**'}"
            for r in mine
            if "overhead_same_work" in r
        )
        if same:
            lines.append(f"- {store} overhead ≤ {MAX_OVERHEAD:g}× the reference with audit (the same work): {same}.")
    return "\n".join(lines)


def report(doc: dict[str, Any]) -> str:
    f = doc["facts"]
    parts = [
        f"Measured {f['date']} with `{doc['command']}` "
        f"({doc['repeat']} repeats each; median, with min–max in brackets), "
        f"code at commit {f.get('code', 'unknown')}.",
        "",
        f"Machine: {f['cpu']}, {f['cores']} cores, {f['ram_gib']} GiB RAM, {f['os']}; "
        f"Python {f['python']}, SQLite {f['sqlite']}, pydantic {f['pydantic']}, "
        f"networkx {f['networkx']}, neo4j driver {f['neo4j_driver']} "
        f"(Rust extension: {f['neo4j_rust_ext']}), {f['java']}. "
        f"Load average at start {f['loadavg_start']}, at end {f.get('loadavg_end')}.",
    ]
    if doc.get("neo4j"):
        n = doc["neo4j"]
        flags = ", ".join(f"{k}={v}" for k, v in (n.get("jvm_flags") or {}).items())
        parts += [
            "",
            f"Neo4j: {n['version']}"
            + (
                f", JVM extra options `{n['jvm_opts']}` (effective: {flags})"
                if n.get("jvm_opts")
                else f" at {n['uri']}"
            )
            + ".",
        ]
    parts += ["", table(doc["results"]), "", "Targets:", "", targets(doc["results"])]
    return "\n".join(parts)


def write_section(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    generated = f"{BEGIN}\n{block}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + generated + tail
    else:
        text = text.rstrip() + "\n\n" if text else "# Benchmarks\n\n"
        text += f"## Bulk import (issue #2)\n\n{generated}\n"
    path.write_text(text, encoding="utf-8")


# -- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.import_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--sizes", default="small,medium,large", help=f"comma-separated, of {', '.join(SIZES)}")
    parser.add_argument("--stores", default="embedded,neo4j", help="comma-separated: embedded,neo4j")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, help="markdown file whose generated block is replaced")
    parser.add_argument("--json", type=Path, default=common.RESULTS / "import.json")
    parser.add_argument("--jvm-opts", help="extra JVM flags for the private Neo4j server")
    parser.add_argument(
        "--render",
        type=Path,
        metavar="JSON",
        help="measure nothing: print (and with --out, write) the report of a results file",
    )
    parser.add_argument(
        "--no-verify", action="store_true", help="skip reading the small/medium reference graph back through the store"
    )
    args = parser.parse_args(argv)
    sizes = [s for s in args.sizes.split(",") if s]
    stores = [s for s in args.stores.split(",") if s]
    for s in sizes:
        if s not in SIZES:
            parser.error(f"unknown size {s!r}")
    for s in stores:
        if s not in TARGETS:
            parser.error(f"unknown store {s!r}")

    if args.render:
        doc = json.loads(args.render.read_text(encoding="utf-8"))
        block = report(doc)
        print(block)
        if args.out:
            write_section(args.out, block)
        return 0

    command = "python -m benchmarks.import_bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    doc: dict[str, Any] = {
        "command": command.strip(),
        "repeat": args.repeat,
        "facts": common.machine_facts(),
        "neo4j": None,
        "results": [],
    }
    raws = {}
    for size in sizes:
        raws[size] = portfolio_for(size)
        log(f"{size}: {bundle_rows(raws[size]):,} rows")

    results: list[dict[str, Any]] = []
    if "embedded" in stores:
        for size in sizes:
            results.append(bench_embedded(size, raws[size], args.repeat))
            gc.collect()
    if "neo4j" in stores:
        with common.neo4j_target(args.jvm_opts) as target:
            store = target.make_store()
            try:
                store.init_schema()
                doc["neo4j"] = {
                    "uri": target.uri if target.server is None else "private server",
                    "version": common.neo4j_version(store),
                    "jvm_opts": target.jvm_opts,
                    "jvm_flags": target.jvm_flags,
                }
                log(f"neo4j: {doc['neo4j']}")
                neo4j_warmup(store)
                load = ForeignLoad((target.server.pid,) if target.server else ())
                for size in sizes:
                    verify = not args.no_verify and bundle_rows(raws[size]) < 50_000
                    results.append(bench_neo4j(size, raws[size], args.repeat, store, verify, load))
                    gc.collect()
            finally:
                store.close()
    order = {s: i for i, s in enumerate(SIZES)}
    results.sort(key=lambda r: (order[r["size"]], r["store"]))
    doc["results"] = results
    doc["facts"]["loadavg_end"] = common.loadavg()

    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    block = report(doc)
    print(block)
    if args.out:
        write_section(args.out, block)
        log(f"updated {args.out}")
    log(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
