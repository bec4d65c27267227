"""Start-up time of the ``graphsvc`` command, against a bare interpreter in the same run.

Every command is a fresh process (``python -m graphsvc ...``), timed wall-clock from spawn
to exit, ``--repeat`` times; the median is the figure (the machine is noisy). The
reference is ``python -c pass``: what any Python command costs before it does anything.
``findings --json`` runs on the demo, loaded first into a scratch embedded store.

    python -m benchmarks.startup_bench [--repeat 15]   # writes benchmarks/results/startup.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from benchmarks.common import RESULTS, ROOT, loadavg, machine_facts

COMMANDS: dict[str, list[str]] = {
    "python -c pass": ["-c", "pass"],
    "graphsvc --help": ["-m", "graphsvc", "--help"],
    "graphsvc findings --json": ["-m", "graphsvc", "findings", "--project", "sw-fieldops-3", "--json"],
}


def _once(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - start


def measure(repeat: int) -> dict[str, Any]:
    data_dir = tempfile.mkdtemp(prefix="graphsvc-startup-")
    env = {**os.environ, "GRAPHSVC_STORE": "embedded", "GRAPHSVC_DATA_DIR": data_dir}
    subprocess.run([sys.executable, "-m", "graphsvc", "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    runs: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(repeat):  # interleaved, so that a noisy moment hits every command alike
        for name, args in COMMANDS.items():
            runs[name].append(_once(args, env))
    reference = statistics.median(runs["python -c pass"])
    return {
        "machine": machine_facts(),
        "loadavg_after": loadavg(),
        "repeat": repeat,
        "commands": {
            name: {
                "median_s": round(statistics.median(seconds), 3),
                "min_s": round(min(seconds), 3),
                "max_s": round(max(seconds), 3),
                "vs_python_pass": round(statistics.median(seconds) / reference, 1),
            }
            for name, seconds in runs.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    result = measure(parser.parse_args().repeat)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "startup.json").write_text(json.dumps(result, indent=2) + "\n")
    for name, figures in result["commands"].items():
        print(f"{name:28} median {figures['median_s']:.3f} s  ({figures['vs_python_pass']}x python -c pass)")


if __name__ == "__main__":
    main()
