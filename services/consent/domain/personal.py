"""Personal data at rest: each participant's fields sealed under their own data key.

The data key is stored wrapped by the master key on the participant row; destroying it makes
every sealed field of that person unreadable, in every copy. Each sealed value is bound to the
participant and the field it belongs to, so a value cannot be moved to another row or column.
"""

from __future__ import annotations

from saathi.crypto import MasterKey, seal, unseal
from services.consent import repository
from services.consent.records import ParticipantRecord


def _associated(participant_id: str, field: str) -> bytes:
    return f"{participant_id}:{field}".encode()


def seal_text(
    master: MasterKey, wrapped_key: bytes, participant_id: str, field: str, text: str
) -> bytes:
    return seal(master.unwrap(wrapped_key), text.encode(), _associated(participant_id, field))


def open_text(
    master: MasterKey, wrapped_key: bytes, participant_id: str, field: str, sealed: bytes
) -> str:
    return unseal(master.unwrap(wrapped_key), sealed, _associated(participant_id, field)).decode()


def contact_index(master: MasterKey, contact: str) -> str:
    """The keyed blind index that finds a participant by their normalised contact."""
    return master.blind_index(contact)


async def data_key_of(master: MasterKey, participant: ParticipantRecord) -> bytes:
    """The participant's wrapped data key, made and stored on first use."""
    if participant.wrapped_data_key is not None:
        return participant.wrapped_data_key
    # Conditional write: when another request stored a key first, theirs is kept and read back.
    await repository.set_participant_data_key(participant.id, master.new_data_key())
    stored = await repository.participant_by_id(participant.id)
    assert stored is not None
    assert stored.wrapped_data_key is not None
    return stored.wrapped_data_key
