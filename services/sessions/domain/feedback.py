"""Feedback on a session: only from a participant who attended it, once per session.

The rating is plain (programme reports average it). The comment is free text about a person's
recovery, so it is sealed (AES-256-GCM) under the participant's own data key in the sessions
key store, bound to the feedback's id; destroying that key on erasure makes it unreadable in
every copy of the database.

Anonymous feedback keeps no link to its author: no participant id, no booking id, and its time
kept to the day. What enforces "once per session" is ``once_token`` = HMAC(the participant's
data key, session id): whoever lacks that key cannot tell whose it is, and once the key is
destroyed nobody can. On erasure the comments of the person's anonymous feedback are deleted
too (found through those tokens, before the key goes) and only the ratings stay, as anonymous
data (docs/erasure.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from saathi.crypto import seal, unseal
from saathi.errors import BadUserInput, NotFound
from saathi.ids import new_id
from saathi.keystore import KeyStore
from services.sessions.domain.records import BookingStatus
from services.sessions.repository import participants

MAX_COMMENT = 2000
_ONCE = b"sessions:feedback-once:"


def once_token(data_key: bytes, session_id: str) -> str:
    """The participant's keyed mark on a session's feedback: the same for a second try, and
    unlinkable to them without their data key."""
    return hmac.new(data_key, _ONCE + session_id.encode(), hashlib.sha256).hexdigest()


def seal_comment(data_key: bytes, feedback_id: str, comment: str) -> str:
    return base64.b64encode(seal(data_key, comment.encode(), feedback_id.encode())).decode()


def open_comment(data_key: bytes, feedback_id: str, sealed: str) -> str:
    return unseal(data_key, base64.b64decode(sealed), feedback_id.encode()).decode()


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


async def submit(participant_id: str, given: FeedbackInput, keys: KeyStore, now: datetime) -> None:
    """Store the feedback; ``BadUserInput`` when this session's feedback was already given."""
    given.check()
    booking = await participants.booking_with_status(
        given.session_id, participant_id, BookingStatus.ATTENDED
    )
    if booking is None:
        # A session that does not exist and one the caller did not attend answer alike.
        raise NotFound(f"You attended no session with the id {given.session_id!r}.")
    data_key = keys.create(participant_id)
    feedback_id = new_id("fbk")
    comment = (given.comment or "").strip()
    sealed = seal_comment(data_key, feedback_id, comment) if comment else None
    token = once_token(data_key, given.session_id)
    try:
        if given.anonymous:
            # Kept to the day: the minute it was given would point at who was still online.
            day = now.replace(hour=0, minute=0, second=0, microsecond=0)
            await participants.add_anonymous_feedback(
                feedback_id, given.session_id, token, given.rating, sealed, day
            )
        else:
            await participants.add_feedback(feedback_id, booking, token, given.rating, sealed, now)
    except participants.DuplicateFeedback:
        raise BadUserInput("Feedback on this session was already given.") from None
