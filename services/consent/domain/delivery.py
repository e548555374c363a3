"""How a login code or a message reaches a person: a protocol, and the embedded default (an
outbox of JSON lines).

An SMS or e-mail gateway replaces ``OutboxDelivery`` by implementing ``Delivery``. The outbox is
a delivery channel, not the database: it holds the contact in the clear because a message
must be addressed, so it is created with mode 0600, and an erasure takes the person's lines out.
"""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Protocol

from saathi.files import append_private, replace_private


class Delivery(Protocol):
    """Sends login codes and messages to contacts."""

    async def send_login_code(self, *, to: str, normalised: str, code: str, at: datetime) -> None:
        """Deliver ``code``; ``to`` is the contact as the person typed it, ``normalised`` its
        canonical form (E.164 or a lower-case e-mail address)."""

    async def send_message(self, *, to: str, kind: str, message: str, at: datetime) -> None:
        """Deliver ``message`` (``kind`` names it, like ``session_cancelled``) to a contact."""

    async def forget(self, contact: str) -> int:
        """Erase whatever the channel still holds for a normalised contact (an account's
        erasure); how many messages went. A channel that keeps nothing answers 0."""


class OutboxDelivery:
    """Appends one JSON object a line to ``path``: ``to``, ``contact``, ``kind``, ``code``, ``at``
    for a login code; ``to``, ``kind``, ``message``, ``at`` for a message.

    For a code ``to`` is the contact as typed and ``contact`` its normalised form; a message
    goes to the stored (normalised) contact.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        # Appends and the rewrite of an erasure must not cross: an append to the file being
        # replaced would be lost with it.
        self._lock = threading.Lock()

    async def send_login_code(self, *, to: str, normalised: str, code: str, at: datetime) -> None:
        line = json.dumps(
            {
                "to": to,
                "contact": normalised,
                "kind": "login_code",
                "code": code,
                "at": at.isoformat(),
            }
        )
        await asyncio.to_thread(self._append, line + "\n")

    async def send_message(self, *, to: str, kind: str, message: str, at: datetime) -> None:
        line = json.dumps({"to": to, "kind": kind, "message": message, "at": at.isoformat()})
        await asyncio.to_thread(self._append, line + "\n")

    async def forget(self, contact: str) -> int:
        return await asyncio.to_thread(self._forget, contact)

    def _append(self, line: str) -> None:
        with self._lock:
            # One write on an O_APPEND descriptor: concurrent writers never interleave a line.
            append_private(self.path, line.encode())

    def _forget(self, contact: str) -> int:
        """Rewrite the outbox without the contact's lines (atomically: a 0600 temporary file,
        synced, renamed over it); every other line stays as it was."""
        with self._lock:
            if not self.path.exists():
                return 0
            kept: list[bytes] = []
            dropped = 0
            for line in self.path.read_bytes().splitlines(keepends=True):
                try:
                    entry = json.loads(line)
                except ValueError:
                    entry = None
                if isinstance(entry, dict) and contact in (entry.get("to"), entry.get("contact")):
                    dropped += 1
                else:
                    kept.append(line)
            if dropped:
                replace_private(self.path, b"".join(kept))
            return dropped
