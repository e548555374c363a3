"""Is a TCP port free to listen on, and if not, which process holds it?

``saathi up`` asks before it creates or seeds anything, so a busy port costs nothing but a
message. The holder is read from ``/proc`` (Linux): the listening socket's inode in
``/proc/net/tcp``/``tcp6``, then the process with a descriptor on that inode. Where ``/proc``
is missing or the holder belongs to another user (its descriptors are not ours to read), the
message says only that the port is taken.
"""

from __future__ import annotations

import errno
import os
import socket
from dataclasses import dataclass
from pathlib import Path

_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp's state column


@dataclass(frozen=True)
class Holder:
    """A process holding a port."""

    pid: int
    command: str

    def __str__(self) -> str:
        return f"{self.command} (pid {self.pid})"


class PortBusy(Exception):
    """The port cannot be listened on; ``holder`` is who has it, when that can be found."""

    def __init__(self, host: str, port: int, reason: str, holder: Holder | None) -> None:
        self.host, self.port, self.reason, self.holder = host, port, reason, holder
        held = f" by {holder}" if holder else ""
        super().__init__(f"port {port} on {host} is {reason}{held}")


def check_port(host: str, port: int, proc: Path = Path("/proc")) -> None:
    """``PortBusy`` unless ``host:port`` can be bound right now (the socket is closed again)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As uvicorn binds: SO_REUSEADDR, so a port in TIME_WAIT after a restart counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortBusy(host, port, "already in use", holder_of(port, proc)) from error
            if error.errno == errno.EACCES:
                raise PortBusy(host, port, "not ours to use (permission denied)", None) from error
            raise PortBusy(host, port, f"not available ({error.strerror})", None) from error


def holder_of(port: int, proc: Path = Path("/proc")) -> Holder | None:
    """The process listening on TCP ``port``, if ``/proc`` lets us see it."""
    inodes = _listening_inodes(port, proc)
    if not inodes:
        return None
    wanted = {f"socket:[{inode}]" for inode in inodes}
    try:
        pids = [entry for entry in os.listdir(proc) if entry.isdigit()]
    except OSError:
        return None
    for pid in pids:
        if _links(proc / pid / "fd") & wanted:
            return Holder(int(pid), _command(proc / pid))
    return None


def _links(fds: Path) -> set[str]:
    """What a process's descriptors point at; empty when it is gone or another user's."""
    try:
        names = os.listdir(fds)
    except OSError:
        return set()
    links: set[str] = set()
    for name in names:
        try:
            links.add(os.readlink(fds / name))
        except OSError:  # closed since the listing (the listing's own descriptor, for one)
            continue
    return links


def _listening_inodes(port: int, proc: Path) -> set[str]:
    inodes: set[str] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (proc / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if (
                len(fields) > 9
                and fields[3] == _LISTEN
                and int(fields[1].rsplit(":", 1)[1], 16) == port
            ):
                inodes.add(fields[9])
    return inodes


def _command(process: Path) -> str:
    try:
        words = (process / "cmdline").read_bytes().split(b"\0")
    except OSError:
        words = []
    text = " ".join(w.decode(errors="replace") for w in words if w)
    if not text:
        try:
            text = (process / "comm").read_text().strip()
        except OSError:
            text = "a process"
    return text if len(text) <= 120 else text[:117] + "..."
