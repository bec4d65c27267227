"""Real servers on loopback for tests that need HTTP: the app in a uvicorn thread
(``serving``: concurrency, load), or a ``graphsvc serve`` process (``serve_process``: several
processes on one store, signals)."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from graphsvc.store.base import Store
from graphsvc.web.app import create_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(store: Store, threads: int = 40) -> Iterator[str]:
    """The base URL of a server over ``store``; stopped on exit."""
    port = free_port()
    config = uvicorn.Config(create_app(store, host="127.0.0.1"), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@contextmanager
def serve_process(env: dict[str, str], ready_seconds: float = 60) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """A ``graphsvc serve`` process on 127.0.0.1 with the environment ``env``, once its
    ``/readyz`` answers: the process and its base URL. Stopped (killed if it must be) on exit."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "graphsvc", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_seconds
        while True:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                stderr = process.stderr.read() if process.poll() is not None and process.stderr else ""
                raise RuntimeError(f"graphsvc serve did not start: {stderr}")
            time.sleep(0.1)
        yield process, base
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()
