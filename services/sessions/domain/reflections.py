"""Facilitators' reflections: after a session its facilitator says how the group went (a
rating from 1 to 5), any safety concern, and what would help. Programme reports show the
facilitators' ratings beside the participants', withheld with them (``reports``).

Staff of the session's own centre who facilitate (or oversee) may record one per session,
once it has ended. The notes are free text that may mention people in the group: sealed under
a key of the reflection's own in the sessions key store.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime

from saathi.crypto import seal
from saathi.errors import BadUserInput, NotFound
from saathi.ids import new_id
from saathi.keystore import KeyStore
from saathi.tokens import Principal
from services.sessions import repository
from services.sessions.domain.records import SessionStatus
from services.sessions.repository import reflections
from services.sessions.repository.reflections import ReflectionRow

MAX_NOTE = 2000


@dataclass(frozen=True)
class NewReflection:
    session_id: str
    rating: int
    went_well: str | None
    safety_concerns: str | None
    what_would_help: str | None


def _note(value: str | None, name: str) -> str | None:
    text = (value or "").strip()
    if len(text) > MAX_NOTE:
        raise BadUserInput(f"{name} may be at most {MAX_NOTE} characters long.")
    return text or None


async def submit(
    principal: Principal, given: NewReflection, keys: KeyStore, now: datetime
) -> ReflectionRow:
    if not 1 <= given.rating <= 5:
        raise BadUserInput("rating must be between 1 and 5.")
    notes = {
        "wentWell": _note(given.went_well, "wentWell"),
        "safetyConcerns": _note(given.safety_concerns, "safetyConcerns"),
        "whatWouldHelp": _note(given.what_would_help, "whatWouldHelp"),
    }
    session = (await repository.sessions_by_ids([given.session_id])).get(given.session_id)
    if session is None or session.centre_id != principal.centre_id:
        raise NotFound(f"Your centre holds no session with the id {given.session_id!r}.")
    if session.status is SessionStatus.CANCELLED:
        raise BadUserInput("The session was cancelled: there is nothing to reflect on.")
    if session.ends_at > now:
        raise BadUserInput("Reflect on a session once it has ended.")
    reflection_id = new_id("rfl")
    sealed = None
    if any(notes.values()):
        blob = seal(keys.create(reflection_id), json.dumps(notes).encode(), reflection_id.encode())
        sealed = base64.b64encode(blob).decode()
    row = ReflectionRow(
        id=reflection_id,
        session_id=session.id,
        group_id=session.group_id,
        centre_id=session.centre_id,
        author_id=principal.subject,
        rating=given.rating,
        safety_concern=notes["safetyConcerns"] is not None,
        notes_sealed=sealed,
        starts_at=session.starts_at,
    )
    try:
        await reflections.add(row, now)
    except reflections.DuplicateReflection:
        raise BadUserInput("This session's reflection was already recorded.") from None
    return row
