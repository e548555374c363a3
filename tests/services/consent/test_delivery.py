"""The outbox: one JSON line a code, appended, readable only by the owner."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from pathlib import Path

from services.consent.domain.delivery import OutboxDelivery


async def test_codes_are_appended_one_json_line_each(tmp_path: Path) -> None:
    outbox = OutboxDelivery(tmp_path / "data" / "outbox.jsonl")
    at = datetime(2025, 1, 6, 9, 30, tzinfo=UTC)

    await outbox.send_login_code(
        to="+91 98765 43210", normalised="+919876543210", code="012345", at=at
    )
    await outbox.send_login_code(
        to="a@example.org", normalised="a@example.org", code="999999", at=at
    )

    lines = [json.loads(line) for line in outbox.path.read_text().splitlines()]
    assert lines == [
        {
            "to": "+91 98765 43210",
            "contact": "+919876543210",
            "kind": "login_code",
            "code": "012345",
            "at": "2025-01-06T09:30:00+00:00",
        },
        {
            "to": "a@example.org",
            "contact": "a@example.org",
            "kind": "login_code",
            "code": "999999",
            "at": "2025-01-06T09:30:00+00:00",
        },
    ]
    assert stat.S_IMODE(outbox.path.stat().st_mode) == 0o600
