"""Where the time of a bulk import goes, per store.

    python -m benchmarks.profile_import [--size large] [--stores embedded,neo4j] [--top 25]

Embedded: the phases of ``import_bundle`` (parse/validate, read of stored contacts,
history check, write = row serialisation + SQLite + graph mirror) and a cProfile of
``import_bundle`` (top N by cumulative and by own time).

Neo4j: the phases of ``import_bundle``, the wall time of every named query of
``store.write`` (``Neo4jStore._run`` wrapped), the time spent building parameters
(``_params``) and committing, the reference's statements timed the same way, and a cProfile
of the client side of ``store.write``.

Reports go to stdout and to benchmarks/results/profile_<store>_<size>.txt.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import common, reference
from benchmarks.common import SIZES, bundle_rows, portfolio_for


def _stats(profile: cProfile.Profile, sort: str, top: int) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.strip_dirs().sort_stats(sort).print_stats(top)
    return out.getvalue()


class Clock:
    """Named accumulated wall times."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.rows: dict[str, int] = defaultdict(int)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start
                self.calls[name] += 1

        return timed

    def measure(self, name: str, fn: Callable[[], Any]) -> Any:
        return self.wrap(name, fn)()


def _phase_table(clock: Clock, total: float, rows: int, title: str) -> str:
    lines = [title, "", f"{'phase':44} {'calls':>6} {'rows':>8} {'seconds':>8} {'share':>6}"]
    names = list(clock.seconds)
    top = [n for n in names if not n.startswith((" ", "(", "store.write"))]
    order = top + [n for n in names if n == "store.write"] + [n for n in names if n.startswith(" ")]
    order += [n for n in names if n.startswith("(")]
    for name in order:
        seconds = clock.seconds[name]
        lines.append(
            f"{name:44} {clock.calls[name]:>6} {clock.rows.get(name, 0) or '':>8} "
            f"{seconds:>8.3f} {seconds / total:>6.1%}"
        )
    lines.append(f"{'total':44} {'':>6} {rows:>8} {total:>8.3f}  ({rows / total:,.0f} rows/s)")
    return "\n".join(lines)


def _import_phases(store: Any, raw: dict[str, Any], clock: Clock) -> None:
    """The real ``import_bundle``, with the steps it calls timed in place.

    ``parse_bundle`` and ``keep_history`` are wrapped where graphsvc.application.importer looks them up,
    ``read`` and ``apply`` (timed as "store.write") on the store object, so whatever import_bundle does around them
    (such as pausing the garbage collector) is measured as it is.
    """
    from graphsvc.application import importer

    patched = {}
    for name, label in (("parse_bundle", "parse_bundle (pydantic + checks)"), ("keep_history", "keep_history")):
        if hasattr(importer, name):
            patched[name] = getattr(importer, name)
            setattr(importer, name, clock.wrap(label, patched[name]))
    store.read = clock.wrap("store.read", store.read)
    store.apply = clock.wrap("store.write", store.apply)
    try:
        importer.import_bundle(store, raw)
    finally:
        for name, fn in patched.items():
            setattr(importer, name, fn)
        del store.read, store.apply  # back to the class's methods


def _rest(clock: Clock, total: float) -> None:
    top = sum(v for k, v in clock.seconds.items() if not k.startswith(" ") and not k.startswith("("))
    clock.seconds["(rest of import_bundle)"] = total - top
    clock.calls["(rest of import_bundle)"] = 1


# -- embedded --------------------------------------------------------------------------------


class _TimedDb:
    """A sqlite3 connection whose execute/executemany are timed (the rest delegates)."""

    def __init__(self, db: Any, clock: Clock):
        self._db = db
        self.execute = clock.wrap("  write: sqlite execute (BEGIN/COMMIT)", db.execute)
        self.executemany = clock.wrap("  write: sqlite executemany", db.executemany)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)


def profile_embedded(size: str, raw: dict[str, Any], top: int) -> str:
    from graphsvc.application.importer import import_bundle
    from graphsvc.store.embedded import EmbeddedStore

    rows = bundle_rows(raw)
    out = []
    with tempfile.TemporaryDirectory(prefix="graphsvc-prof-") as tmp:
        # phases
        store = EmbeddedStore(Path(tmp) / "phases.sqlite3")
        clock = Clock()
        store._db = _TimedDb(store._db, clock)
        store._apply = clock.wrap("  write: _apply (networkx mirror)", store._apply)
        gc.collect()
        start = time.perf_counter()
        _import_phases(store, raw, clock)
        total = time.perf_counter() - start
        inner = sum(v for k, v in clock.seconds.items() if k.startswith("  write:"))
        clock.seconds["  write: rest (model_dump_json payload)"] = clock.seconds["store.write"] - inner
        clock.calls["  write: rest (model_dump_json payload)"] = 1
        _rest(clock, total)
        store._db = store._db._db
        store.close()
        out.append(_phase_table(clock, total, rows, f"## embedded, {size}: phases of import_bundle"))

        # cProfile
        store = EmbeddedStore(Path(tmp) / "cprofile.sqlite3")
        profile = cProfile.Profile()
        gc.collect()
        profile.enable()
        import_bundle(store, raw)
        profile.disable()
        store.close()
    out.append(f"\n## embedded, {size}: cProfile of import_bundle, top {top} by cumulative time\n")
    out.append(_stats(profile, "cumulative", top))
    out.append(f"## embedded, {size}: cProfile of import_bundle, top {top} by own time\n")
    out.append(_stats(profile, "tottime", top))
    return "\n".join(out)


# -- Neo4j -----------------------------------------------------------------------------------


#: built on a helper thread while the statements run (neo4j_store.one_ahead): not part of the sum
PARAMS = "  _params (model_dump per row; helper thread)"


def profile_neo4j(size: str, raw: dict[str, Any], top: int, target: common.Neo4jTarget, cprofile: bool = True) -> str:
    from graphsvc.domain.bundle import parse_bundle
    from graphsvc.store import neo4j_store

    rows = bundle_rows(raw)
    bundle = parse_bundle(raw)
    out = []
    store = target.make_store()
    try:
        store.init_schema()
        store.clear()
        # warm up the JIT on the small size first
        from benchmarks.import_bench import neo4j_warmup

        neo4j_warmup(store)

        # phases of import_bundle and the named queries inside store.write
        clock = Clock()
        original_run, original_params = store._run, neo4j_store._params
        original_apply = store._apply_change

        def run(tx: Any, name: str, **params: Any) -> Any:
            key = f"  query {name}"
            clock.rows[key] += len(params.get("rows") or params.get("ids") or params.get("projects") or [])
            return clock.wrap(key, original_run)(tx, name, **params)

        store._run = run
        neo4j_store._params = clock.wrap(PARAMS, original_params)
        store._apply_change = clock.wrap("  (transaction function body)", original_apply)
        try:
            gc.collect()
            start = time.perf_counter()
            _import_phases(store, raw, clock)
            total = time.perf_counter() - start
        finally:
            store._run, neo4j_store._params = original_run, original_params
            store._apply_change = original_apply
        body = clock.seconds.pop("  (transaction function body)")
        clock.calls.pop("  (transaction function body)")
        queries = sum(v for k, v in clock.seconds.items() if k.startswith("  query"))
        clock.seconds["  other Python in the transaction function"] = body - queries
        clock.seconds["  commit + session"] = clock.seconds["store.write"] - body
        _rest(clock, total)
        out.append(_phase_table(clock, total, rows, f"## neo4j, {size}: phases of import_bundle"))
        store.clear()

        # the reference, statement by statement
        plan = reference.neo4j_plan(bundle)
        ref = Clock()

        def work(tx: Any) -> None:
            for name, params in plan:
                for s in range(0, len(params), reference.BATCH):
                    batch = params[s : s + reference.BATCH]
                    key = f"  reference {name}"
                    ref.rows[key] += len(batch)
                    ref.measure(key, lambda: tx.run(reference.STATEMENTS[name], rows=batch).consume())

        gc.collect()
        start = time.perf_counter()
        with store.driver.session(database=store.database) as session:
            ref.measure("  (transaction function body)", lambda: session.execute_write(work))
        total = time.perf_counter() - start
        body = ref.seconds.pop("  (transaction function body)")
        ref.calls.pop("  (transaction function body)")
        ref.seconds["  commit + session"] = body - sum(ref.seconds.values())
        out.append("\n" + _phase_table(ref, total, rows, f"## neo4j, {size}: reference statements"))
        store.clear()

        if not cprofile:
            return "\n".join(out)
        # client-side cProfile of store.write
        profile = cProfile.Profile()
        gc.collect()
        profile.enable()
        store.write(bundle)
        profile.disable()
        store.clear()
        out.append(f"\n## neo4j, {size}: cProfile of store.write (client side), top {top} by own time\n")
        out.append(_stats(profile, "tottime", top))
        out.append(f"## neo4j, {size}: cProfile of store.write (client side), top {top} by cumulative\n")
        out.append(_stats(profile, "cumulative", top))
    finally:
        store.close()
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.profile_import",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--size", default="large", choices=list(SIZES))
    parser.add_argument("--stores", default="embedded,neo4j")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--no-cprofile", action="store_true", help="Neo4j: phase and query timings only (the cProfile run is slow)"
    )
    parser.add_argument("--jvm-opts", help="extra JVM flags for the private Neo4j server")
    args = parser.parse_args(argv)
    stores = [s for s in args.stores.split(",") if s]
    raw = portfolio_for(args.size)
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    for store in stores:
        if store == "embedded":
            text = profile_embedded(args.size, raw, args.top)
        elif store == "neo4j":
            with common.neo4j_target(args.jvm_opts) as target:
                text = profile_neo4j(args.size, raw, args.top, target, not args.no_cprofile)
        else:
            parser.error(f"unknown store {store!r}")
        pure = store == "neo4j" and common.machine_facts()["neo4j_rust_ext"].startswith("no")
        path = common.RESULTS / f"profile_{store}_{args.size}{'_pure_python_bolt' if pure else ''}.txt"
        text = f"(neo4j driver Rust extension: {common.machine_facts()['neo4j_rust_ext']})\n\n" + text
        path.write_text(text + "\n", encoding="utf-8")
        print(text)
        print(f"(written to {path})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
