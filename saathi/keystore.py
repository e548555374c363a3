"""Each person's data key, kept apart from the databases that hold what it seals.

A person's personal fields (contact, display name, home city, free text about them) are sealed
under a data key of their own. The key lives in a key store, never beside the ciphertext in a
service database: a copy of a database (a backup, a stolen disk image) holds only ciphertext,
and destroying the key erases the person in every such copy at once (crypto-shredding).

The default store is a SQLite file of its own per component (``keys/<component>.keys.sqlite3``
in the data dir, mode 0600), its keys wrapped by the instance's master key. It runs with
``secure_delete`` (a deleted key's bytes are overwritten, not left in a free page) and
truncates its write-ahead log after every destruction, so no older page of the file keeps the
key. Back it up apart from the databases (docs/erasure.md): restoring an old key store beside
an old database brings erased people back.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from saathi.crypto import MasterKey
from saathi.files import private_file

_SCHEMA = """
CREATE TABLE IF NOT EXISTS data_key (
    owner TEXT PRIMARY KEY,
    wrapped BLOB NOT NULL
)
"""


class KeyStore(Protocol):
    """Where a component keeps each person's data key (a 256-bit AES key)."""

    def create(self, owner: str) -> bytes:
        """The owner's key, made and stored on first use (two callers get the same key)."""

    def get(self, owner: str) -> bytes | None:
        """The owner's key; ``None`` when they have none (never made, or destroyed)."""

    def get_many(self, owners: Iterable[str]) -> dict[str, bytes]:
        """The keys of those ``owners`` who have one."""

    def destroy(self, owner: str) -> bool:
        """Destroy the owner's key for good; ``False`` when there was none."""


class SqliteKeyStore:
    """The default key store: one SQLite file, keys wrapped by the master key.

    ``master`` is the master key, or what loads it: the file and the key are touched on first
    use, not when a component is built.
    """

    def __init__(self, path: Path, master: MasterKey | Callable[[], MasterKey]) -> None:
        self.path = path
        self._load_master = master if callable(master) else (lambda: master)
        self._loaded: MasterKey | None = None
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None

    @property
    def _master(self) -> MasterKey:
        if self._loaded is None:
            self._loaded = self._load_master()
        return self._loaded

    def _open(self) -> sqlite3.Connection:
        if self._connection is None:
            private_file(self.path)  # 0600 before SQLite opens it: its -wal and -shm follow
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA secure_delete = ON")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
            connection.execute(_SCHEMA)
            self._connection = connection
        return self._connection

    def create(self, owner: str) -> bytes:
        with self._lock:
            connection = self._open()
            wrapped = self._master.wrap(AESGCM.generate_key(bit_length=256))
            # Conditional insert: when another caller stored a key first, theirs is kept.
            connection.execute(
                "INSERT INTO data_key (owner, wrapped) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (owner, wrapped),
            )
            row = connection.execute(
                "SELECT wrapped FROM data_key WHERE owner = ?", (owner,)
            ).fetchone()
        return self._master.unwrap(bytes(row[0]))

    def get(self, owner: str) -> bytes | None:
        return self.get_many([owner]).get(owner)

    def get_many(self, owners: Iterable[str]) -> dict[str, bytes]:
        wanted = list(dict.fromkeys(owners))
        found: dict[str, bytes] = {}
        with self._lock:
            connection = self._open()
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                rows = connection.execute(
                    f"SELECT owner, wrapped FROM data_key WHERE owner IN ({marks})", chunk
                ).fetchall()
                found.update({str(owner): bytes(wrapped) for owner, wrapped in rows})
        return {owner: self._master.unwrap(wrapped) for owner, wrapped in found.items()}

    def destroy(self, owner: str) -> bool:
        with self._lock:
            connection = self._open()
            deleted = connection.execute("DELETE FROM data_key WHERE owner = ?", (owner,)).rowcount
            # The write-ahead log still holds the page as it was before: fold it into the
            # database (where secure_delete zeroed the key) and cut the log to nothing.
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted > 0

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
