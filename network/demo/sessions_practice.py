"""The sessions side of the demo's peer-support practice: concerns in each status (OPEN,
ACKNOWLEDGED, RESOLVED) at the Mumbai centre, their descriptions sealed as ``reportConcern``
seals them, and facilitators' reflections on the latest sessions held. Idempotent."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

from network.demo import description as demo
from network.demo.consent import demo_staff_id
from saathi.crypto import seal
from saathi.ids import stable_id
from saathi.keystore import KeyStore
from saathi.tokens import Role
from services.sessions.models import Concern, Reflection, Session

_CONCERNS = (
    ("OPEN", "SAFETY", "Someone came to the group drunk and was shouting at a newcomer."),
    ("ACKNOWLEDGED", "BOUNDARIES", "A supporter asked me for money after our mentoring session."),
    ("RESOLVED", "OTHER", "The online room link was shared on a public WhatsApp group."),
)


async def seed_demo(keys: KeyStore, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    centre = next(c for c in demo.CENTRES if c.city == "Mumbai")
    group = next(g for g in demo.GROUPS if g.centre_id == centre.id and g.kind == "SUPPORT_GROUP")
    for index, (status, category, text) in enumerate(_CONCERNS):
        concern_id = stable_id("cnc", f"{centre.id}:{index}")
        if await Concern.exists(id=concern_id):
            continue
        reported = now - timedelta(days=20 - 7 * index)
        sealed = seal(keys.create(concern_id), text.encode(), concern_id.encode())
        await Concern.create(
            id=concern_id,
            centre_id=centre.id,
            about_kind="GROUP",
            about_id=group.id,
            category=category,
            anonymous=True,
            reporter_id=None,
            reporter_mark=None,
            description_sealed=base64.b64encode(sealed).decode(),
            status=status,
            reported_at=reported,
            acknowledged_at=reported + timedelta(days=1) if status != "OPEN" else None,
            resolved_at=reported + timedelta(days=4) if status == "RESOLVED" else None,
            supervisors_told_at=reported,
        )
    for centre in demo.CENTRES:
        held = (
            await Session.filter(centre_id=centre.id, ends_at__lt=now)
            .exclude(status="CANCELLED")
            .order_by("-starts_at", "id")
            .limit(3)
        )
        for offset, session in enumerate(held):
            await Reflection.get_or_create(
                session_id=session.id,
                defaults={
                    "id": stable_id("rfl", session.id),
                    "group_id": session.group_id,
                    "centre_id": centre.id,
                    "author_id": demo_staff_id(centre.id, Role.FACILITATOR),
                    "rating": 3 + offset % 3,
                    "safety_concern": False,
                    "notes_sealed": None,
                    "starts_at": session.starts_at,
                    "recorded_at": session.ends_at,
                },
            )
