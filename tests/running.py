"""``saathi up`` as a user starts it: the console script in a process of its own, for the tests
that need the real thing over HTTP (a browser, the README's snippets)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
"""The virtual environment's scripts: ``saathi`` and ``python``, as the README calls them."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def saathi_up(
    data_dir: Path, *, port: int | None = None, env: Mapping[str, str] = {}
) -> Iterator[str]:
    """``saathi up --port N`` on ``data_dir`` until healthy; its base URL. Stopped with Ctrl-C
    (SIGINT) afterwards; its stderr is in ``data_dir``'s sibling ``up.log``."""
    port = port or free_port()
    log = data_dir.parent / "up.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(BIN / "saathi"), "up", "--port", str(port)],
            env={**os.environ, "SAATHI_DATA_DIR": str(data_dir), **env},
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{url}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "saathi up did not become healthy in 90 s"
            time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def make_instance(data_dir: Path) -> Path:
    """``data_dir`` holding an instance as a first ``saathi serve consent`` leaves it: its token
    signing key. Commands other than up, seed, serve and restore refuse a directory without one."""
    from saathi.keys import load_or_create_signing_key

    data_dir.mkdir(parents=True, exist_ok=True)
    load_or_create_signing_key(data_dir)
    return data_dir
