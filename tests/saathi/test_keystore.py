"""The key store: one key per owner, apart from the databases, gone for good when destroyed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from saathi.crypto import MasterKey
from saathi.keystore import SqliteKeyStore


def _bytes_under(root: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file())


def test_a_key_is_made_once_per_owner_and_stored_only_wrapped(tmp_path: Path) -> None:
    master = MasterKey.generate()
    store = SqliteKeyStore(tmp_path / "keys" / "x.keys.sqlite3", master)

    first = store.create("par_1")
    again = SqliteKeyStore(store.path, master).create("par_1")

    assert first == again
    assert len(first) == 32
    assert store.get("par_2") is None
    assert store.get_many(["par_1", "par_2"]) == {"par_1": first}
    assert first not in _bytes_under(tmp_path)


def test_a_destroyed_key_leaves_no_byte_of_it_in_the_file_or_its_log(tmp_path: Path) -> None:
    # given two owners' keys, and the wrapped bytes of the first as the file holds them
    master = MasterKey.generate()
    store = SqliteKeyStore(tmp_path / "keys.sqlite3", master)
    store.create("par_1")
    kept = store.create("par_2")
    with sqlite3.connect(store.path) as connection:
        (wrapped,) = connection.execute(
            "SELECT wrapped FROM data_key WHERE owner = 'par_1'"
        ).fetchone()
    assert bytes(wrapped) in _bytes_under(tmp_path)

    # when the first is destroyed
    destroyed = store.destroy("par_1")

    # then neither the database nor its write-ahead log holds it; the other key stays
    assert destroyed is True
    assert store.destroy("par_1") is False
    assert store.get("par_1") is None
    assert bytes(wrapped) not in _bytes_under(tmp_path)
    assert store.get("par_2") == kept
