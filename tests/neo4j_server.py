"""Start a real Neo4j Community 5.26 LTS server for tests, without Docker.

The server is ``org.neo4j.test:neo4j-harness`` (resolved by Maven into ~/.m2)
run in-process by a tiny Java launcher (``tests/neo4j_launcher``).  The
launcher binds Bolt to 127.0.0.1 on a free port, disables auth and HTTP,
prints ``BOLT_URI=bolt://127.0.0.1:PORT`` and then runs until its stdin
reaches EOF -- so the server dies with the Python process that started it.

Usage::

    from tests.neo4j_server import start_neo4j
    server = start_neo4j()
    try:
        ...  # connect to server.uri with the neo4j driver, auth=None
    finally:
        server.stop()

Requirements: ``java``/``javac`` (17+) and ``mvn`` on PATH, and access to
Maven Central unless ~/.m2 already holds the artifacts.  Anything missing is
a RuntimeError -- never a silent skip.

Manual use: ``python tests/neo4j_server.py`` starts a server, prints its URI
and stops it when Enter is pressed.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

__all__ = [
    "TEST_MARKER",
    "Neo4jProcess",
    "RefusedDatabase",
    "build_launcher",
    "claim_for_tests",
    "start_neo4j",
]

LAUNCHER_DIR = Path(__file__).resolve().parent / "neo4j_launcher"
POM = LAUNCHER_DIR / "pom.xml"
SRC_DIR = LAUNCHER_DIR / "src" / "main" / "java"
TARGET = LAUNCHER_DIR / "target"
CLASSES = TARGET / "classes"
CLASSPATH_FILE = TARGET / "classpath.txt"
MAIN_CLASS = "graphsvc.Neo4jLauncher"
MAIN_CLASS_FILE = CLASSES / "graphsvc" / "Neo4jLauncher.class"

# SerialGC + C1 only: ~120-150 MiB less RSS and less CPU contention on a
# 2-core CI box; short test queries did not get slower. No --add-opens flags
# are needed on Java 17. Extra flags: GRAPHSVC_NEO4J_JVM_OPTS="-Xmx2g ...".
JVM_OPTS = [
    "-Xms256m",
    "-Xmx1g",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:+ExitOnOutOfMemoryError",
    "-Dfile.encoding=UTF-8",
]

_URI_PREFIX = "BOLT_URI="


def _tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _file_tail(path: Path, lines: int = 60) -> str:
    try:
        return _tail(path.read_text(errors="replace"), lines)
    except OSError:
        return "<no output>"


def _require_tool(name: str) -> str:
    exe = None
    if name in ("java", "javac") and os.environ.get("JAVA_HOME"):
        candidate = Path(os.environ["JAVA_HOME"]) / "bin" / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            exe = str(candidate)
    exe = exe or shutil.which(name)
    if exe is None:
        raise RuntimeError(
            f"neo4j test server: '{name}' was not found on PATH. The tests need a JDK 17+ "
            "(java, javac) and Maven (mvn) to run a real Neo4j 5.26 server "
            "(e.g. `apt-get install -y openjdk-17-jdk-headless maven`)."
        )
    return exe


def _sources() -> list[Path]:
    return [POM, *sorted(SRC_DIR.rglob("*.java"))]


def _is_up_to_date() -> bool:
    if not (CLASSPATH_FILE.is_file() and MAIN_CLASS_FILE.is_file()):
        return False
    newest_src = max(p.stat().st_mtime for p in _sources())
    if min(CLASSPATH_FILE.stat().st_mtime, MAIN_CLASS_FILE.stat().st_mtime) < newest_src:
        return False
    # ~/.m2 may have been wiped since the classpath file was written.
    entries = [e for e in CLASSPATH_FILE.read_text().strip().split(os.pathsep) if e]
    return bool(entries) and all(os.path.exists(e) for e in entries)


def _run_build_step(cmd: list[str], log: Path, what: str, timeout: float) -> None:
    with open(log, "wb") as fh:
        try:
            rc = subprocess.run(
                cmd,
                cwd=LAUNCHER_DIR,
                stdin=subprocess.DEVNULL,
                stdout=fh,
                stderr=subprocess.STDOUT,
                timeout=timeout,
            ).returncode
        except subprocess.TimeoutExpired:
            raise RuntimeError(
                f"neo4j test server: {what} timed out after {timeout:.0f}s: {' '.join(cmd)}\n"
                f"--- output tail ({log}) ---\n{_file_tail(log)}"
            ) from None
    if rc != 0:
        raise RuntimeError(
            f"neo4j test server: {what} failed (exit {rc}): {' '.join(cmd)}\n"
            f"--- output tail ({log}) ---\n{_file_tail(log)}"
        )


def build_launcher(timeout: float = 600) -> tuple[str, list[str]]:
    """Build the launcher if needed; return (java executable, classpath entries).

    Maven only resolves the harness (``dependency:build-classpath``); javac
    compiles the single launcher class.  Outputs live in
    tests/neo4j_launcher/target/ and are reused while newer than the sources.
    A file lock makes concurrent callers (e.g. pytest-xdist workers) safe.
    """
    java = _require_tool("java")
    TARGET.mkdir(parents=True, exist_ok=True)
    with open(TARGET / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not _is_up_to_date():
                deadline = time.monotonic() + timeout
                mvn = _require_tool("mvn")
                javac = _require_tool("javac")
                tmp_cp = TARGET / "classpath.txt.tmp"
                _run_build_step(
                    [
                        mvn,
                        "-B",
                        "-ntp",
                        "-f",
                        str(POM),
                        "dependency:build-classpath",
                        f"-Dmdep.outputFile={tmp_cp}",
                        "-Dmdep.includeScope=runtime",
                    ],
                    TARGET / "mvn-build.log",
                    "Maven resolve of org.neo4j.test:neo4j-harness",
                    max(1.0, deadline - time.monotonic()),
                )
                cp = tmp_cp.read_text().strip()
                if not cp:
                    raise RuntimeError(
                        "neo4j test server: Maven produced an empty classpath\n"
                        f"--- output tail ---\n{_file_tail(TARGET / 'mvn-build.log')}"
                    )
                tmp_classes = Path(tempfile.mkdtemp(prefix="classes.", dir=TARGET))
                try:
                    _run_build_step(
                        [
                            javac,
                            "--release",
                            "17",
                            "-nowarn",
                            "-encoding",
                            "UTF-8",
                            "-d",
                            str(tmp_classes),
                            "-cp",
                            cp,
                            *[str(p) for p in sorted(SRC_DIR.rglob("*.java"))],
                        ],
                        TARGET / "javac.log",
                        "javac of the Neo4j launcher",
                        max(1.0, deadline - time.monotonic()),
                    )
                    shutil.rmtree(CLASSES, ignore_errors=True)
                    tmp_classes.rename(CLASSES)
                finally:
                    shutil.rmtree(tmp_classes, ignore_errors=True)
                tmp_cp.replace(CLASSPATH_FILE)  # written last: marks the build complete
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    entries = [e for e in CLASSPATH_FILE.read_text().strip().split(os.pathsep) if e]
    return java, [str(CLASSES), *entries]


class Neo4jProcess:
    """A running launcher process. ``uri`` is ``bolt://127.0.0.1:PORT`` (no auth)."""

    def __init__(self, proc: subprocess.Popen, uri: str, workdir: Path, stderr_path: Path, owns_workdir: bool) -> None:
        self.proc = proc
        self.uri = uri
        self.workdir = workdir
        self.stderr_path = stderr_path
        self._owns_workdir = owns_workdir
        self._stopped = False

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def port(self) -> int:
        return int(self.uri.rsplit(":", 1)[1])

    def stderr_tail(self, lines: int = 60) -> str:
        return _file_tail(self.stderr_path, lines)

    def stop(self, timeout: float = 60) -> int | None:
        """Close the launcher's stdin (clean shutdown); kill it after ``timeout``."""
        if self._stopped:
            return self.proc.returncode
        self._stopped = True
        with contextlib.suppress(OSError, ValueError):
            if self.proc.stdin:
                self.proc.stdin.close()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        with contextlib.suppress(OSError, ValueError):
            if self.proc.stdout:
                self.proc.stdout.close()
        if self._owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        return self.proc.returncode

    def __enter__(self) -> Neo4jProcess:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Neo4jProcess(uri={self.uri!r}, pid={self.proc.pid})"


def start_neo4j(workdir: Path | None = None, timeout: float = 600, jvm_opts: tuple[str, ...] = ()) -> Neo4jProcess:
    """Build the launcher if needed and start a Neo4j 5.26 server.

    ``workdir`` holds the store and logs (a fresh temp dir, removed on stop,
    when None).  ``timeout`` bounds build + startup; ``jvm_opts`` come after
    JVM_OPTS (e.g. ``-Dgraphsvc.transaction.max.mib=64``: the launcher's limit of
    one transaction's memory).  Raises RuntimeError with the relevant output
    tail on any failure.
    """
    deadline = time.monotonic() + timeout
    java, classpath = build_launcher(timeout)

    owns_workdir = workdir is None
    if workdir is None:
        workdir = Path(tempfile.mkdtemp(prefix="graphsvc-neo4j-"))
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    stderr_path = workdir / "launcher.stderr.log"

    extra_opts = [*jvm_opts, *os.environ.get("GRAPHSVC_NEO4J_JVM_OPTS", "").split()]
    cmd = [java, *JVM_OPTS, *extra_opts, "-cp", os.pathsep.join(classpath), MAIN_CLASS, "0", str(workdir / "harness")]
    with open(stderr_path, "wb") as err:
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            cwd=workdir,
            start_new_session=True,
        )

    lines: queue.Queue[str | None] = queue.Queue()

    def _pump() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            lines.put(raw.decode("utf-8", "replace").rstrip("\r\n"))
        lines.put(None)

    threading.Thread(target=_pump, name="neo4j-launcher-stdout", daemon=True).start()

    def _fail(reason: str) -> RuntimeError:
        server = Neo4jProcess(proc, "", workdir, stderr_path, False)
        server.stop(timeout=10)
        tail = _file_tail(stderr_path)
        if owns_workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        return RuntimeError(
            f"neo4j test server: {reason}\ncommand: {' '.join(cmd[:2])} ... {MAIN_CLASS}\n"
            f"--- launcher stderr tail ---\n{tail}"
        )

    uri = None
    while uri is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _fail(f"no BOLT_URI line within {timeout:.0f}s")
        try:
            line = lines.get(timeout=min(remaining, 1.0))
        except queue.Empty:
            continue
        if line is None:
            proc.wait(timeout=10)
            raise _fail(f"launcher exited with code {proc.returncode} before printing BOLT_URI")
        if line.startswith(_URI_PREFIX):
            uri = line[len(_URI_PREFIX) :].strip()

    server = Neo4jProcess(proc, uri, workdir, stderr_path, owns_workdir)
    atexit.register(server.stop, 15)
    return server


def main() -> int:
    t0 = time.monotonic()
    server = start_neo4j()
    print(
        f"Neo4j 5.26 running at {server.uri} (pid {server.pid}, auth disabled, "
        f"started in {time.monotonic() - t0:.1f}s)",
        flush=True,
    )
    try:
        input("Press Enter to stop... ")
    except (EOFError, KeyboardInterrupt):
        pass
    finally:
        server.stop()
    return 0


#: the label of the one node that marks a database as the tests' own
TEST_MARKER = "GraphsvcTestDatabase"


class RefusedDatabase(RuntimeError):
    """The database holds data the test session did not write: it is not ours to clear."""


def claim_for_tests(driver: Any, database: str) -> None:
    """Mark the database as the tests' own, or refuse it.

    A database is the tests' if it is empty (graphsvc's write counter aside) or carries the
    marker an earlier session left. Anything else may be somebody's data, and the tests
    clear the database before every test: refuse, naming the way out.
    """
    records, _, _ = driver.execute_query(
        "MATCH (n) WHERE NOT n:GraphsvcMeta "
        "RETURN count(n) AS nodes, count(CASE WHEN n:GraphsvcTestDatabase THEN 1 END) AS markers",
        database_=database,
    )
    nodes, markers = records[0]["nodes"], records[0]["markers"]
    if nodes and not markers:
        raise RefusedDatabase(
            f"the Neo4j database {database!r} holds {nodes} node(s) that no test session wrote; "
            "the tests clear their database, so they will not use this one. Point "
            "GRAPHSVC_TEST_NEO4J_URI at an empty server kept for tests, or unset it to let the "
            "tests start their own."
        )
    driver.execute_query("MERGE (:GraphsvcTestDatabase {id: 'graphsvc-tests'})", database_=database)


if __name__ == "__main__":
    sys.exit(main())
