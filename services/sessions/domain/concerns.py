"""Concerns: a participant reports something about a session, a group or a peer supporter;
the holding centre's supervisors are told and work it through OPEN → ACKNOWLEDGED → RESOLVED.

Who sees what:

- the reporter sees their own reports and their status (``Participant.concerns``);
- the holding centre's supervisors and admins see its queue (``concerns``), the description
  and, unless the report is anonymous, who reported it;
- facilitators (the supporters a concern may be about) never see any concern, and another
  centre's staff get FORBIDDEN on the queue and NOT_FOUND for a concern's id.

The description is sealed under a data key of the concern's own, in the sessions key store,
destroyed when the reporter erases their account (``forget_reporter``); the notice to the
supervisors names only the category and what kind of thing it is about.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

from saathi.crypto import seal, unseal
from saathi.errors import BadUserInput, ErrorCode, Forbidden, NotFound, SaathiError
from saathi.ids import is_id, new_id
from saathi.keystore import KeyStore
from saathi.peers import Peers, PeerUnavailable
from saathi.service.connections import (
    NOT_OURS,
    Page,
    decode_cursor,
    encode_cursor,
    page_of,
    page_size,
)
from saathi.service.internal import contracts as api
from saathi.service.internal.client import call
from saathi.service.outbox import Outbox
from saathi.tokens import Principal, Role
from services.sessions.domain.records import ConcernRecord
from services.sessions.repository import concerns

BATCH = 100

MAX_DESCRIPTION = 4000
_MARK = b"sessions:concerns"
OVERSEERS = (Role.SUPERVISOR, Role.CENTRE_ADMIN)


class DirectoryUnavailable(SaathiError):
    """Which centre holds a supporter is the directory's to say, and it did not answer."""

    code = ErrorCode.SUBGRAPH_UNAVAILABLE


class ConcernCategory(enum.Enum):
    SAFETY = "SAFETY"
    BOUNDARIES = "BOUNDARIES"
    HARASSMENT = "HARASSMENT"
    OTHER = "OTHER"


class ConcernStatus(enum.Enum):
    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    RESOLVED = "RESOLVED"


class ConcernAbout(enum.Enum):
    SESSION = "SESSION"
    GROUP = "GROUP"
    SUPPORTER = "SUPPORTER"


def reporter_mark(data_key: bytes) -> str:
    """The reporter's keyed mark on their anonymous concerns: theirs alone to recompute."""
    return hmac.new(data_key, _MARK, hashlib.sha256).hexdigest()


def open_description(keys: KeyStore, record: ConcernRecord) -> str | None:
    """The description, through the concern's own key; ``None`` once that key is destroyed
    (the reporter erased their account)."""
    if record.description_sealed is None:
        return None
    key = keys.get(record.id)
    if key is None:
        return None
    sealed = base64.b64decode(record.description_sealed)
    return unseal(key, sealed, record.id.encode()).decode()


@dataclass(frozen=True)
class NewConcern:
    session_id: str | None
    group_id: str | None
    supporter_id: str | None
    category: ConcernCategory
    description: str
    anonymous: bool


async def _about(given: NewConcern, peers: Peers) -> tuple[ConcernAbout, str, str]:
    """What the concern is about, and the centre that holds it; ``NotFound`` for an id that
    names nothing."""
    named = [
        (kind, value)
        for kind, value in (
            (ConcernAbout.SESSION, given.session_id),
            (ConcernAbout.GROUP, given.group_id),
            (ConcernAbout.SUPPORTER, given.supporter_id),
        )
        if value is not None
    ]
    if len(named) != 1:
        raise BadUserInput("Name exactly one of sessionId, groupId and supporterId.")
    kind, about_id = named[0]
    centre: str | None
    if kind is ConcernAbout.SESSION:
        centre = await concerns.centre_of_session(about_id)
    elif kind is ConcernAbout.GROUP:
        centre = await concerns.centre_of_group(about_id)
    else:
        centre = await _supporter_centre(peers, about_id)
    if centre is None:
        raise NotFound(f"No {kind.value.lower()} has the id {about_id!r}.")
    return kind, about_id, centre


async def _supporter_centre(peers: Peers, supporter_id: str) -> str | None:
    if not is_id(supporter_id, "sup"):
        return None
    try:
        answer = await call(
            peers, api.SUPPORTER_CENTRES, api.SupporterIds(supporter_ids=[supporter_id])
        )
    except PeerUnavailable:
        raise DirectoryUnavailable(
            "The directory cannot say which centre the supporter belongs to; try again."
        ) from None
    return answer.centres.get(supporter_id)


async def report(
    participant_id: str, given: NewConcern, keys: KeyStore, peers: Peers, now: datetime
) -> ConcernRecord:
    """Store the concern in its centre's queue, then tell the centre's supervisors."""
    description = given.description.strip()
    if not 10 <= len(description) <= MAX_DESCRIPTION:
        raise BadUserInput(f"description must be 10 to {MAX_DESCRIPTION} characters.")
    kind, about_id, centre_id = await _about(given, peers)
    data_key = keys.create(participant_id)
    concern_id = new_id("cnc")
    # Sealed under a key of the concern's own, in the key store: the centre's supervisors must
    # read an anonymous description without learning whose key opens it. The reporter's erasure
    # finds their concerns (by id, or by their mark) and destroys those keys with theirs.
    sealed = seal(keys.create(concern_id), description.encode(), concern_id.encode())
    record = ConcernRecord(
        id=concern_id,
        centre_id=centre_id,
        about_kind=kind.value,
        about_id=about_id,
        category=given.category.value,
        anonymous=given.anonymous,
        reporter_id=None if given.anonymous else participant_id,
        reporter_mark=reporter_mark(data_key) if given.anonymous else None,
        description_sealed=base64.b64encode(sealed).decode(),
        status=ConcernStatus.OPEN.value,
        reported_at=now,
        acknowledged_at=None,
        resolved_at=None,
    )
    await concerns.add(record)
    await tell_supervisors(peers, now)
    return record


class _Untold:
    """The concerns whose supervisors are not told yet, as an outbox store: a concern stays
    untold while consent cannot be reached, and the next report or round retries it."""

    def __init__(self, now: datetime) -> None:
        self._now = now

    async def pending(self, limit: int) -> list[ConcernRecord]:
        return await concerns.untold(limit)

    async def sent(self, item: ConcernRecord) -> None:
        await concerns.told(item.id, self._now)

    async def failed(self, item: ConcernRecord, error: str) -> None:
        """Nothing to count: the concern stays untold and is sent again next round."""


def supervisor_notices(peers: Peers, now: datetime) -> Outbox[ConcernRecord]:
    """Each untold concern, told to its centre's supervisors through consent's delivery
    channel; the message names the concern, never the reporter or what they wrote."""

    async def send(record: ConcernRecord) -> bool:
        request = api.StaffNotifyRequest(
            centre_id=record.centre_id,
            roles=[Role.SUPERVISOR.value],
            kind="concern_reported",
            message=(
                f"A {record.category.lower()} concern about a {record.about_kind.lower()} was "
                f"reported to your centre ({record.id}); see the concerns queue."
            ),
        )
        await call(peers, api.STAFF_NOTIFY, request)
        return True

    return Outbox(_Untold(now), send, BATCH)


async def tell_supervisors(peers: Peers, now: datetime) -> int:
    """Tell every untold concern's supervisors; how many were told."""
    return (await supervisor_notices(peers, now).drain()).sent


async def mine(participant_id: str, keys: KeyStore) -> list[ConcernRecord]:
    """The participant's own reports, named and anonymous, newest first."""
    data_key = keys.get(participant_id)
    mark = reporter_mark(data_key) if data_key is not None else None
    return await concerns.of_reporter(participant_id, mark)


def check_overseer(principal: Principal, centre_id: str) -> None:
    if principal.role not in OVERSEERS:
        raise Forbidden("Your role may not do this.")
    if principal.centre_id != centre_id:
        raise Forbidden("You may only read your own centre's concerns.")


_NEXT = {
    ConcernStatus.ACKNOWLEDGED: (ConcernStatus.OPEN,),
    ConcernStatus.RESOLVED: (ConcernStatus.OPEN, ConcernStatus.ACKNOWLEDGED),
}


async def move(
    principal: Principal, concern_id: str, to: ConcernStatus, now: datetime
) -> ConcernRecord:
    """Acknowledge or resolve a concern of the caller's own centre. Another centre's concern
    and one that does not exist answer alike (NOT_FOUND): concerns are not public."""
    record = await concerns.by_id(concern_id)
    if record is None or record.centre_id != principal.centre_id:
        raise NotFound(f"Your centre holds no concern with the id {concern_id!r}.")
    if ConcernStatus(record.status) not in _NEXT[to]:
        raise BadUserInput(f"The concern is {record.status}; it cannot become {to.value}.")
    await concerns.set_status(concern_id, to.value, now)
    moved = await concerns.by_id(concern_id)
    assert moved is not None
    return moved


async def forget_reporter(participant_id: str, keys: KeyStore) -> int:
    """An erasure: destroy the keys of the participant's concerns, delete their descriptions
    and links. Runs before the participant's own key is destroyed (it finds anonymous ones by
    the mark that key makes)."""
    records = await mine(participant_id, keys)
    for record in records:
        keys.destroy(record.id)
    data_key = keys.get(participant_id)
    await concerns.forget_reporter(
        participant_id, reporter_mark(data_key) if data_key is not None else None
    )
    return len(records)


DEFAULT_PAGE, MAX_PAGE = 20, 50


@dataclass(frozen=True)
class QueueEdge:
    cursor: str
    record: ConcernRecord


def _cursor(record: ConcernRecord) -> str:
    return encode_cursor("concern", record.reported_at.isoformat(), record.id)


def _after(cursor: str) -> tuple[str, str]:
    at, concern_id = decode_cursor(cursor, "concern", (str, str))
    try:
        datetime.fromisoformat(at)
    except ValueError:
        raise BadUserInput(NOT_OURS) from None
    return at, concern_id


async def queue(
    centre_id: str, status: ConcernStatus | None, first: int | None, after: str | None
) -> Page[QueueEdge]:
    """One page of the centre's concerns (of ``status``), newest first, with how many match."""
    size = page_size(first, default=DEFAULT_PAGE, maximum=MAX_PAGE)
    key = _after(after) if after is not None else None
    total, rows = await concerns.of_centre(
        centre_id, status.value if status else None, key, size + 1
    )
    return page_of(
        rows, size, lambda r: QueueEdge(_cursor(r), r), lambda e: e.cursor, total_count=total
    )
