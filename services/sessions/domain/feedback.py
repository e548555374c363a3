"""Feedback on a session: only from a participant who attended it, once per booking.

The rating is plain (programme reports average it). The comment is free text about a person's
recovery, so it is sealed (AES-256-GCM) with the sessions comment key, derived from the
instance's master key and bound to the feedback's id; it is deleted with the participant's
other records on erasure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from saathi.crypto import MasterKey, seal, unseal
from saathi.errors import BadUserInput, NotFound
from saathi.ids import new_id
from services.sessions.domain.records import BookingStatus
from services.sessions.repository import participants

MAX_COMMENT = 2000
_PURPOSE = b"sessions:feedback-comment"


@dataclass
class CommentKey:
    """The key that seals feedback comments, derived from the master key on first use."""

    load: Callable[[], MasterKey]
    _key: bytes | None = field(default=None, init=False, repr=False)

    def key(self) -> bytes:
        if self._key is None:
            self._key = hmac.new(self.load().secret, _PURPOSE, hashlib.sha256).digest()
        return self._key

    def seal(self, feedback_id: str, comment: str) -> str:
        sealed = seal(self.key(), comment.encode(), feedback_id.encode())
        return base64.b64encode(sealed).decode()

    def unseal(self, feedback_id: str, sealed: str) -> str:
        return unseal(self.key(), base64.b64decode(sealed), feedback_id.encode()).decode()


@dataclass(frozen=True)
class FeedbackInput:
    """What a participant says about a session; anonymous unless they say otherwise."""

    session_id: str
    rating: int
    comment: str | None
    anonymous: bool

    def check(self) -> None:
        if not 1 <= self.rating <= 5:
            raise BadUserInput("rating must be between 1 and 5.")
        if self.comment is not None and len(self.comment) > MAX_COMMENT:
            raise BadUserInput(f"comment may be at most {MAX_COMMENT} characters long.")


async def submit(
    participant_id: str, given: FeedbackInput, comment_key: CommentKey, now: datetime
) -> None:
    """Store the feedback; ``BadUserInput`` when this booking's feedback was already given."""
    given.check()
    booking = await participants.booking_with_status(
        given.session_id, participant_id, BookingStatus.ATTENDED
    )
    if booking is None:
        # A session that does not exist and one the caller did not attend answer alike.
        raise NotFound(f"You attended no session with the id {given.session_id!r}.")
    feedback_id = new_id("fbk")
    comment = (given.comment or "").strip()
    sealed = comment_key.seal(feedback_id, comment) if comment else None
    try:
        await participants.add_feedback(
            feedback_id, booking, given.rating, sealed, given.anonymous, now
        )
    except participants.DuplicateFeedback:
        raise BadUserInput("Feedback on this session was already given.") from None
