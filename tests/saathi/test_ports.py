"""Finding out, before anything is created, that a port is taken and by whom."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from saathi.ports import PortBusy, check_port, holder_of
from tests.running import free_port


def test_a_free_port_passes() -> None:
    check_port("127.0.0.1", free_port())


def test_a_port_held_by_this_process_names_it() -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]

        with pytest.raises(PortBusy) as busy:
            check_port("127.0.0.1", port)

    assert busy.value.holder is not None
    assert busy.value.holder.pid == os.getpid()
    assert str(busy.value) == (
        f"port {port} on 127.0.0.1 is already in use by {busy.value.holder.command} "
        f"(pid {os.getpid()})"
    )


def test_a_port_held_by_another_process_names_its_command_line(tmp_path: Path) -> None:
    port = free_port()
    ready = tmp_path / "ready"
    script = (
        "import socket, sys, time, pathlib\n"
        "s = socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]))); s.listen()\n"
        "pathlib.Path(sys.argv[2]).touch(); time.sleep(60)\n"
    )
    other = subprocess.Popen([sys.executable, "-c", script, str(port), str(ready)])
    try:
        deadline = time.monotonic() + 10
        while not ready.exists():
            assert time.monotonic() < deadline
            time.sleep(0.05)

        holder = holder_of(port)
    finally:
        other.kill()
        other.wait()

    assert holder is not None
    assert holder.pid == other.pid
    assert holder.command.startswith(sys.executable)


def test_without_proc_the_port_is_still_refused_without_a_holder(tmp_path: Path) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]

        with pytest.raises(PortBusy) as busy:
            check_port("127.0.0.1", port, proc=tmp_path / "no-proc")

    assert busy.value.holder is None
    assert str(busy.value) == f"port {port} on 127.0.0.1 is already in use"
