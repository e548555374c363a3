"""How a login code or a message reaches a person: a protocol, and the embedded default (an
outbox of JSON lines).

An SMS or e-mail gateway replaces ``OutboxDelivery`` by implementing ``Delivery``. The outbox is
a delivery channel, not the database: it holds the contact in the clear because a message
must be addressed, so it is created with mode 0600.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Protocol


class Delivery(Protocol):
    """Sends login codes and messages to contacts."""

    async def send_login_code(self, *, to: str, normalised: str, code: str, at: datetime) -> None:
        """Deliver ``code``; ``to`` is the contact as the person typed it, ``normalised`` its
        canonical form (E.164 or a lower-case e-mail address)."""

    async def send_message(self, *, to: str, kind: str, message: str, at: datetime) -> None:
        """Deliver ``message`` (``kind`` names it, like ``session_cancelled``) to a contact."""


class OutboxDelivery:
    """Appends one JSON object a line to ``path``: ``to``, ``contact``, ``kind``, ``code``, ``at``
    for a login code; ``to``, ``kind``, ``message``, ``at`` for a message.

    For a code ``to`` is the contact as typed and ``contact`` its normalised form; a message
    goes to the stored (normalised) contact.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

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

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One write on an O_APPEND descriptor: concurrent writers never interleave a line.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
