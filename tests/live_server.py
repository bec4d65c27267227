"""Run the app in a real uvicorn server on loopback, in a thread, for tests that need HTTP
and many concurrent clients (concurrency, load)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

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
