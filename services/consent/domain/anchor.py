"""The anchor file: the access log's chain heads, signed, in an append-only file beside the
database (``audit-heads.jsonl`` in the data dir, mode 0600).

Every time a participant's log grows (and when it is erased) the consent service appends one
line: a compact JWS, signed with the audit key, whose claims are

- ``line``: its position in the file (from 0) and ``prev``: SHA-256 of the line before it (64
  zeros for the first), so the lines form a hash chain of their own;
- ``log``: the keyed pseudonym of the participant's log (never the participant id);
- ``event``: ``append`` (``seq``, ``head``: the log's newest entry and its hash) or ``erase``
  (the log was erased on the participant's request; ``seq``/``head`` as they were);
- ``at``: when the service signed it.

Someone holding only the database cannot write a line (the key is not in the database), so the
anchor remembers every log, its length and every head it ever had. Each line is written with
one ``write`` on an ``O_APPEND`` descriptor under an exclusive ``flock`` and ``fsync``-ed before
the database transaction that logged the read commits.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import logging
import os
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from services.consent.domain.audit_key import (
    AuditKey,
    SignatureInvalid,
    load_or_create_audit_key,
    unverified,
)

logger = logging.getLogger(__name__)
ANCHOR_FILE = "audit-heads.jsonl"
# Consent replicas with data dirs of their own each write an ``audit-heads.jsonl``; to audit them
# together, copy them into one data dir as ``audit-heads.<replica>.jsonl``.
ANCHOR_FILES = "audit-heads*.jsonl"
GENESIS = "0" * 64
APPEND = "append"
ERASE = "erase"


@dataclass(frozen=True)
class AnchoredHead:
    """One verified line of the anchor file."""

    line: int
    prev: str
    log: str
    event: str
    seq: int | None
    head: str | None
    at: datetime
    token: str
    file: str = ANCHOR_FILE


@dataclass(frozen=True)
class AnchorBreak:
    """One place where the anchor file is not what the consent service wrote."""

    line: int
    reason: str
    file: str = ANCHOR_FILE

    def __str__(self) -> str:
        where = "anchor" if self.file == ANCHOR_FILE else f"anchor {self.file}"
        return f"{where} line {self.line}: {self.reason}"


class LineInvalid(Exception):
    pass


def line_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def parse_line(key: AuditKey, token: str, *, verify: bool = True) -> AnchoredHead:
    """The line's claims, after checking their types and (unless ``verify`` is false, to index
    the file quickly) its signature."""
    try:
        claims = key.verify(token) if verify else unverified(token)[1]
    except SignatureInvalid as exc:
        raise LineInvalid(str(exc)) from None
    try:
        line, prev, log, event = claims["line"], claims["prev"], claims["log"], claims["event"]
        seq, head, at = claims["seq"], claims["head"], datetime.fromisoformat(claims["at"])
    except (KeyError, TypeError, ValueError):
        raise LineInvalid("its claims are not those of a signed head") from None
    valid = (
        isinstance(line, int)
        and isinstance(prev, str)
        and isinstance(log, str)
        and event in (APPEND, ERASE)
        and (seq is None or isinstance(seq, int))
        and (head is None or isinstance(head, str))
        and (event == ERASE or (seq is not None and head is not None))
    )
    if not valid:
        raise LineInvalid("its claims are not those of a signed head")
    return AnchoredHead(line, prev, log, event, seq, head, at, token)


def _warn_on_rollback(latest: AnchoredHead | None, log: str, event: str, seq: int | None) -> None:
    """Say so at once when a log grows from somewhere other than the head this file signed
    last: its newest entries were removed from the database in between. The line is still
    written (refusing it would let whoever did that stop every read); the audit names it."""
    if event != APPEND or seq is None:
        return
    expected = 0 if latest is None or latest.seq is None else latest.seq + 1
    if latest is not None and latest.event == ERASE:
        expected = 0
    if seq != expected:
        logger.warning(
            "access log %s grows to entry %s but this anchor file signed entry %s last: "
            "entries were removed from the database (run saathi audit verify)",
            log,
            seq,
            expected - 1,
        )


class AnchorFile:
    """Appends signed heads and answers a log's newest one.

    Several processes may append to one file (``saathi up`` and a CLI command, or two service
    processes on one host): every reader catches up from the offset it last read, under the
    file lock, so each line chains onto the line truly before it.
    """

    def __init__(self, path: Path, key: AuditKey) -> None:
        self.path = path
        self.key = key
        self._lock = threading.Lock()
        self._offset = 0
        self._count = 0
        self._last = GENESIS
        self._latest: dict[str, AnchoredHead] = {}

    def _reset(self) -> None:
        self._offset, self._count, self._last, self._latest = 0, 0, GENESIS, {}

    def _catch_up(self, fd: int) -> bytes:
        """Read what other writers appended since; returns a trailing partial line, if any."""
        size = os.fstat(fd).st_size
        if size < self._offset:  # cut short or replaced under us: say so, and read it again
            logger.error(
                "anchor file %s shrank from %s to %s bytes: it was cut short "
                "(run saathi audit verify)",
                self.path,
                self._offset,
                size,
            )
            self._reset()
        data = os.pread(fd, size - self._offset, self._offset)
        complete = data.rfind(b"\n") + 1
        for raw in data[:complete].split(b"\n")[:-1]:
            self._take(raw.decode("utf-8", errors="replace"))
        self._offset += complete
        return data[complete:]

    def _take(self, text: str) -> None:
        try:
            anchored = parse_line(self.key, text, verify=False)
        except LineInvalid:
            anchored = None  # the audit names it; new lines still chain onto it as it is
        if anchored is not None:
            self._latest[anchored.log] = anchored
        self._count += 1
        self._last = line_hash(text)

    def _append(
        self, log: str, event: str, seq: int | None, head: str | None, at: datetime
    ) -> AnchoredHead:
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                partial = self._catch_up(fd)
                lead = b""
                if partial:  # a writer died mid-line: end that line, and chain onto it
                    lead = b"\n"
                    self._take(partial.decode("utf-8", errors="replace"))
                    self._offset += len(partial) + 1
                _warn_on_rollback(self._latest.get(log), log, event, seq)
                claims: dict[str, Any] = {
                    "line": self._count,
                    "prev": self._last,
                    "log": log,
                    "event": event,
                    "seq": seq,
                    "head": head,
                    "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
                }
                token = self.key.sign(claims)
                data = lead + token.encode() + b"\n"
                written = 0
                while written < len(data):
                    written += os.write(fd, data[written:])
                os.fsync(fd)
                anchored = parse_line(self.key, token, verify=False)
                self._latest[log] = anchored
                self._offset += len(data) - len(lead)
                self._count += 1
                self._last = line_hash(token)
                return anchored
            finally:
                os.close(fd)  # releases the flock

    async def append(
        self, log: str, *, event: str, seq: int | None, head: str | None, at: datetime
    ) -> AnchoredHead:
        """Sign and append one line; returns it once it is on disk."""
        return await asyncio.to_thread(self._append, log, event, seq, head, at)

    def _latest_of(self, log: str) -> AnchoredHead | None:
        with self._lock:
            try:
                fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                self._reset()
                return None
            try:
                fcntl.flock(fd, fcntl.LOCK_SH)
                self._catch_up(fd)
                found = self._latest.get(log)
            finally:
                os.close(fd)
        try:  # lines are indexed unverified; what is served must be what this key signed
            return None if found is None else parse_line(self.key, found.token)
        except LineInvalid:
            return None

    async def latest(self, log: str) -> AnchoredHead | None:
        """The newest line about ``log``, or ``None`` when the anchor never saw it (or that line
        is not signed by this key: the audit names it)."""
        return await asyncio.to_thread(self._latest_of, log)


def read_anchor(path: Path, key: AuditKey) -> tuple[list[AnchoredHead], list[AnchorBreak]]:
    """Every valid line of the anchor file, and every break in it (a line edited, forged,
    removed or reordered). An absent file is an empty anchor."""
    try:
        with path.open("rb") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
            data = handle.read()
    except FileNotFoundError:
        return [], []
    heads: list[AnchoredHead] = []
    breaks: list[AnchorBreak] = []
    expected, prev = 0, GENESIS
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    for position, raw in enumerate(lines):
        text = raw.decode("utf-8", errors="replace")
        try:
            anchored = parse_line(key, text)
        except LineInvalid as exc:
            breaks.append(AnchorBreak(expected, f"edited or forged: {exc}", path.name))
            expected, prev = expected + 1, line_hash(text)
            continue
        if anchored.line > expected:
            breaks.append(
                AnchorBreak(
                    anchored.line,
                    f"lines {expected} to {anchored.line - 1} are missing here (removed)",
                    path.name,
                )
            )
        elif anchored.line < expected:
            reason = f"out of order (expected line {expected})"
            breaks.append(AnchorBreak(anchored.line, reason, path.name))
        elif anchored.prev != prev:
            reason = "does not follow the line before it"
            breaks.append(AnchorBreak(anchored.line, reason, path.name))
        if position == len(lines) - 1 and not data.endswith(b"\n"):
            breaks.append(AnchorBreak(anchored.line, "the last line is incomplete", path.name))
        heads.append(replace(anchored, file=path.name))
        expected, prev = anchored.line + 1, line_hash(text)
    return heads, breaks


def read_anchors(data_dir: Path, key: AuditKey) -> tuple[list[AnchoredHead], list[AnchorBreak]]:
    """The valid lines and the breaks of every anchor file in ``data_dir`` (this one's, then
    any copied in from replicas, by name), each file checked as a chain of its own."""
    heads: list[AnchoredHead] = []
    breaks: list[AnchorBreak] = []
    for path in sorted(data_dir.glob(ANCHOR_FILES), key=lambda p: (p.name != ANCHOR_FILE, p)):
        found, broken = read_anchor(path, key)
        heads += found
        breaks += broken
    return heads, breaks


@dataclass(frozen=True)
class AuditTrail:
    """What the access log needs outside the database: the audit key and the anchor file."""

    key: AuditKey
    anchor: AnchorFile

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> AuditTrail:
        """The data dir's audit key (made on first start) and its anchor file."""
        key = load_or_create_audit_key(data_dir)
        return cls(key, AnchorFile(data_dir / ANCHOR_FILE, key))
