"""Personal data at rest: each participant's fields sealed under their own data key.

The data key lives in the service's key store (``deps.keys``), apart from the database that
holds what it seals; destroying it makes every sealed field of that person unreadable, in every
copy. Each sealed value is bound to the participant and the field it belongs to, so a value
cannot be moved to another row or column.
"""

from __future__ import annotations

from saathi.crypto import MasterKey, seal, unseal
from saathi.keystore import KeyStore

CONTACT_FIELD = "contact"
DISPLAY_NAME_FIELD = "display_name"
HOME_CITY_FIELD = "home_city"
# What a participant whose key is gone (a database restored without its key store) is called.
UNREADABLE_NAME = "Friend"


def _associated(participant_id: str, field: str) -> bytes:
    return f"{participant_id}:{field}".encode()


def seal_text(key: bytes, participant_id: str, field: str, text: str) -> bytes:
    return seal(key, text.encode(), _associated(participant_id, field))


def open_text(key: bytes, participant_id: str, field: str, sealed: bytes) -> str:
    return unseal(key, sealed, _associated(participant_id, field)).decode()


def open_field(keys: KeyStore, participant_id: str, field: str, sealed: bytes | None) -> str | None:
    """A sealed field in the clear; ``None`` when absent or when the person's key is gone."""
    if sealed is None:
        return None
    key = keys.get(participant_id)
    return None if key is None else open_text(key, participant_id, field, sealed)


def contact_index(master: MasterKey, contact: str) -> str:
    """The keyed blind index that finds a participant by their normalised contact."""
    return master.blind_index(contact)


def data_key_of(keys: KeyStore, participant_id: str) -> bytes:
    """The participant's data key, made and stored on first use."""
    return keys.create(participant_id)
