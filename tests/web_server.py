"""``zopa serve`` as a real subprocess on a free port, for the browser and concurrency tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def zopa_command(*args: str) -> list[str]:
    """The ``zopa`` command line run by this Python (works without the console script on PATH)."""
    return [sys.executable, "-c", "from zopa.cli import main; main()", *args]


@contextlib.contextmanager
def running_server(
    db_path: str | Path, log_dir: Path, *, args: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> Iterator[str]:
    """Start ``zopa serve --db DB --port P [args]``; yield its base URL once it answers; stop it after."""
    port = free_port()
    log_path = log_dir / f"zopa-serve-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            zopa_command("serve", "--db", str(db_path), "--host", "127.0.0.1", "--port", str(port), *args),
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"zopa serve exited with {process.returncode}: {log_path.read_text()}")
                try:
                    if httpx.get(base + "/api/v1/stories", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    log_text = log_path.read_text()
                    raise RuntimeError(f"zopa serve did not answer in {START_TIMEOUT_S}s: {log_text}")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
