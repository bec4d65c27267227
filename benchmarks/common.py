"""Shared pieces of the benchmarks: sizes, a Neo4j server, machine facts, timing."""

from __future__ import annotations

import contextlib
import datetime as _dt
import gc
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"

#: size name -> (projects, people per project); contacts = projects * people
SIZES: dict[str, tuple[int, int]] = {
    "small": (10, 50),
    "medium": (100, 50),
    "large": (1000, 50),
}

#: JVM flags for a benchmark server, appended after tests/neo4j_server.py's JVM_OPTS (which
#: uses C1 only, SerialGC, -Xmx1g for a light CI footprint). HotSpot takes the last
#: occurrence of a flag, so TieredStopAtLevel=4 restores the full C1+C2 JIT and -Xmx4g
#: leaves room for a whole large bundle in one transaction.
DEFAULT_JVM_OPTS = "-XX:TieredStopAtLevel=4 -Xms2g -Xmx4g"


def portfolio_for(size: str) -> dict[str, Any]:
    from graphsvc.application.synthetic import portfolio

    projects, people = SIZES[size]
    return portfolio(projects, people)


def bundle_rows(raw: dict[str, Any]) -> int:
    return sum(len(v) for v in raw.values() if isinstance(v, list))


# -- timing ----------------------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> float:
    """Seconds taken by ``fn()``, after a full collection so earlier garbage is not billed."""
    gc.collect()
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _busy_seconds() -> float | None:
    """CPU seconds all cores have spent busy since boot (Linux /proc/stat), or None."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[:8])
        return (user + nice + system + irq + softirq + steal) / _TICK
    except (OSError, ValueError):
        return None


def _process_seconds(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
    except (OSError, ValueError, IndexError):
        return 0.0


class ForeignLoad:
    """How many cores *other* processes kept busy while we measured.

    Busy CPU time of the whole machine minus that of this process and of the given pids
    (the Neo4j server we started), divided by the wall time: 0.0 is a quiet machine, 1.0 is
    one core's worth of someone else's work (on a 2-core box, half of it).
    """

    def __init__(self, pids: tuple[int, ...] = ()):
        self.pids = (os.getpid(), *pids)

    def _snapshot(self) -> tuple[float | None, float, float]:
        return _busy_seconds(), sum(_process_seconds(p) for p in self.pids), time.perf_counter()

    def measure(self, fn: Callable[[], Any]) -> tuple[float, float | None]:
        """(seconds taken by fn, foreign cores busy meanwhile)."""
        gc.collect()
        busy0, own0, t0 = self._snapshot()
        fn()
        t1 = time.perf_counter()
        busy1, own1, _ = self._snapshot()
        if busy0 is None or busy1 is None:
            return t1 - t0, None
        foreign = max(0.0, (busy1 - busy0) - (own1 - own0)) / (t1 - t0)
        return t1 - t0, round(foreign, 2)


def summary(seconds: list[float], rows: int, foreign: list[float | None] | None = None) -> dict[str, Any]:
    rates = [rows / s for s in seconds]
    return {
        "seconds": [round(s, 4) for s in seconds],
        "foreign_cores": foreign or [],
        "median_s": round(statistics.median(seconds), 4),
        "rows_per_s": {
            "median": round(statistics.median(rates)),
            "min": round(min(rates)),
            "max": round(max(rates)),
        },
    }


# -- Neo4j -----------------------------------------------------------------------------------


@dataclass
class Neo4jTarget:
    uri: str
    user: str
    password: str
    database: str
    server: Any = None  # tests/neo4j_server.Neo4jProcess when we started it
    jvm_opts: str | None = None
    jvm_flags: dict[str, str] | None = None

    def make_store(self):
        from graphsvc.store.neo4j_store import Neo4jStore

        return Neo4jStore(self.uri, user=self.user, password=self.password, database=self.database)


def _jvm_flags(pid: int) -> dict[str, str]:
    """The effective flags of the server JVM that matter here, read with jcmd."""
    jcmd = shutil.which("jcmd")
    if jcmd is None:
        return {}
    try:
        out = subprocess.run([jcmd, str(pid), "VM.flags"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return {}
    flags = {}
    for token in out.split():
        if token.startswith("-XX:"):
            name, _, value = token[4:].partition("=")
            if name.startswith(("+", "-")):
                name, value = name[1:], "true" if name[0] == "+" else "false"
            if name in (
                "TieredStopAtLevel",
                "MaxHeapSize",
                "InitialHeapSize",
                "UseSerialGC",
                "UseParallelGC",
                "UseG1GC",
            ):
                flags[name] = value
    return flags


@contextlib.contextmanager
def neo4j_target(jvm_opts: str | None = None) -> Iterator[Neo4jTarget]:
    """NEO4J_URI if set, else a fresh server from tests/neo4j_server.py with benchmark JVM flags."""
    user = os.environ.get("NEO4J_USER", "neo4j")
    password = os.environ.get("NEO4J_PASSWORD", "")
    database = os.environ.get("NEO4J_DATABASE", "neo4j")
    if os.environ.get("NEO4J_URI"):
        yield Neo4jTarget(os.environ["NEO4J_URI"], user, password, database)
        return
    tests_dir = str(ROOT / "tests")
    if tests_dir not in sys.path:
        sys.path.insert(0, tests_dir)
    from neo4j_server import start_neo4j

    opts = jvm_opts if jvm_opts is not None else os.environ.get("GRAPHSVC_NEO4J_JVM_OPTS", DEFAULT_JVM_OPTS)
    saved = os.environ.get("GRAPHSVC_NEO4J_JVM_OPTS")
    os.environ["GRAPHSVC_NEO4J_JVM_OPTS"] = opts
    try:
        server = start_neo4j()
    finally:
        if saved is None:
            os.environ.pop("GRAPHSVC_NEO4J_JVM_OPTS", None)
        else:
            os.environ["GRAPHSVC_NEO4J_JVM_OPTS"] = saved
    try:
        yield Neo4jTarget(
            server.uri,
            user,
            password,
            database,
            server=server,
            jvm_opts=opts,
            jvm_flags=_jvm_flags(server.pid),
        )
    finally:
        server.stop()


def neo4j_version(store) -> str:
    try:
        records, _, _ = store.driver.execute_query(
            "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition",
            database_=store.database,
        )
        r = records[0]
        return f"{r['name']} {r['version']} {r['edition']}"
    except Exception as exc:
        return f"unknown ({exc.__class__.__name__})"


# -- machine facts ---------------------------------------------------------------------------


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _meminfo_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _java_version() -> str:
    java = shutil.which("java")
    if java is None:
        return "not found"
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
        return (out.stderr or out.stdout).splitlines()[0].strip()
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "unknown"


def code_version() -> str:
    """The commit measured, and whether graphsvc/ or queries/ differ from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=30
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "graphsvc", "queries"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    if not head:
        return "unknown"
    return head + (" + uncommitted changes to tracked files in graphsvc/ or queries/" if dirty else "")


def machine_facts() -> dict[str, Any]:
    return {
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "code": code_version(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": _meminfo_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "pydantic": _version("pydantic"),
        "networkx": _version("networkx"),
        "neo4j_driver": _version("neo4j"),
        "neo4j_rust_ext": _rust_ext(),
        "java": _java_version(),
        "loadavg_start": _loadavg(),
    }


def _rust_ext() -> str:
    """Whether the driver packs Bolt messages in Rust (neo4j-rust-ext) or in pure Python."""
    try:
        from neo4j._codec.packstream import v1

        if getattr(v1, "_rust_pack", None) is not None:
            return _version("neo4j-rust-ext")
    except ImportError:
        pass
    return "no (pure-Python packstream)"


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def loadavg() -> list[float] | None:
    return _loadavg()
