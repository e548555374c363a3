"""Backup and restore of the embedded default's data dir, consistent while the network serves.

A backup is a folder of three parts, each meant to be stored apart, with its own retention:

- ``databases/``: each component's SQLite database, copied with SQLite's online backup API (a
  consistent snapshot of each file, taken while the network keeps writing), the access log's
  anchor files and the demo marker;
- ``key-stores/``: each component's store of people's data keys. Kept apart from the databases
  and only for days, because erasure destroys a person's key: a database backup alone holds
  only ciphertext of an erased person, and only an old key store beside it could read them
  back (docs/erasure.md);
- ``secrets/``: the master key (which wraps every data key), the token-signing key ring, the
  audit key and the service keys. Losing the master key loses everyone's sealed data.

Components on PostgreSQL are not copied here: their databases are backed up with ``pg_dump``,
one per component database (docs/OPERATIONS.md); their key stores and secrets, which are files
in the data dir in every topology, are.

What is not backed up, on purpose: ``outbox.jsonl`` (the development delivery log: contacts and
login codes, useless after minutes) and SQLite's ``-wal``/``-shm`` files (the snapshot folds the
log in). Any other file found in the data dir is named in the report, so that a new kind of file
cannot silently miss the backup.

The databases are copied in the order in which they refer to one another: sessions, then
consent, then directory. A booking names a participant and a session; a consent names a centre;
so every row a copied row refers to was already written when its own database was copied (the
later copy is a superset). The key stores are copied after the databases, so every person in
the database copies has their key in the key-store copy.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from saathi.files import create_private, private_dir
from saathi.settings import COMPONENTS, Settings

DATABASES = "databases"
KEY_STORES = "key-stores"
SECRETS = "secrets"
PARTS = (DATABASES, KEY_STORES, SECRETS)
MANIFEST = "manifest.json"

# Order of the database copies: each database refers only to rows of those copied after it.
COPY_ORDER = ("sessions", "consent", "directory")
# Files the databases part holds besides the databases (patterns relative to the data dir).
DATABASE_FILES = ("audit-heads*.jsonl", "demo-seeded")
SECRET_FILES = (
    "master.key",
    "signing-key.pem",
    "signing-keys/*.json",
    "audit-key.pem",
    "keys/*.pem",
    "keys/*.jwk.json",
)
# Never backed up (see the module docstring).
LEFT_OUT = ("outbox.jsonl", "*-wal", "*-shm", "keys/*-wal", "keys/*-shm", "**/.*")


class BackupRefused(Exception):
    """The backup or restore cannot be made as asked (the message says why and what to do)."""


@dataclass
class Report:
    """What a backup or restore did: files per part, and files it did not know."""

    files: dict[str, list[str]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    # Components on PostgreSQL: their databases are backed up with pg_dump, not here.
    elsewhere: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _sqlite_components(settings: Settings) -> list[str]:
    return [name for name in COPY_ORDER if settings.database_url(name).startswith("sqlite")]


def _postgres_components(settings: Settings) -> list[str]:
    return [name for name in COMPONENTS if not settings.database_url(name).startswith("sqlite")]


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (the online backup API, in one step: a
    single read transaction, which in WAL mode never blocks the writers), as one file."""
    private_dir(target.parent)
    create_private(target, b"")
    with sqlite3.connect(source, timeout=30) as live, sqlite3.connect(target) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal
    live.close()
    copy.close()


def _copy_file(source: Path, target: Path) -> None:
    private_dir(target.parent)
    create_private(target, source.read_bytes())


def _matches(data_dir: Path, patterns: Iterable[str]) -> list[Path]:
    found: set[Path] = set()
    for pattern in patterns:
        found.update(path for path in data_dir.glob(pattern) if path.is_file())
    return sorted(found)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_manifest(part: Path, names: list[str]) -> None:
    manifest = {
        "made_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "files": {name: _digest(part / name) for name in names},
    }
    create_private(part / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())


def backup(settings: Settings, target: Path) -> Report:
    """Back the data dir up into ``target`` (new or empty) while the network may be serving."""
    started = time.monotonic()
    data_dir = settings.data_dir
    components = _sqlite_components(settings)  # PostgreSQL ones: pg_dump (docs/OPERATIONS.md)
    if not data_dir.is_dir():
        raise BackupRefused(f"no data dir at {data_dir}")
    if target.exists() and any(target.iterdir()):
        raise BackupRefused(f"{target} is not empty: back up into a new folder")
    private_dir(target)
    report = Report(files={part: [] for part in PARTS}, elsewhere=_postgres_components(settings))

    # The anchor files before the databases: the copy's log then holds every head they sign.
    for path in _matches(data_dir, DATABASE_FILES):
        name = str(path.relative_to(data_dir))
        _copy_file(path, target / DATABASES / name)
        report.files[DATABASES].append(name)
    for component in components:
        source = data_dir / f"{component}.sqlite3"
        if source.is_file():
            _copy_sqlite(source, target / DATABASES / source.name)
            report.files[DATABASES].append(source.name)
    for component in COPY_ORDER:  # key stores are files in every topology
        source = settings.key_store_path(component)
        if source.is_file():
            name = str(source.relative_to(data_dir))
            _copy_sqlite(source, target / KEY_STORES / name)
            report.files[KEY_STORES].append(name)
    for path in _matches(data_dir, SECRET_FILES):
        name = str(path.relative_to(data_dir))
        _copy_file(path, target / SECRETS / name)
        report.files[SECRETS].append(name)

    for part in PARTS:
        _write_manifest(target / part, report.files[part])
    known = {name for names in report.files.values() for name in names}
    left_out = {str(path.relative_to(data_dir)) for path in _matches(data_dir, LEFT_OUT)}
    report.unknown = sorted(
        str(path.relative_to(data_dir))
        for path in data_dir.rglob("*")
        if path.is_file()
        and str(path.relative_to(data_dir)) not in known | left_out
        and not path.name.endswith((".sqlite3-journal",))
    )
    report.seconds = time.monotonic() - started
    return report


def restore(source: Path, settings: Settings) -> Report:
    """Restore a backup (its three parts gathered into ``source``) into a new data dir.

    Refuses a data dir that already holds a database or key, and a backup missing a part or
    whose files do not match their manifest. The restored databases are brought to this
    version's schema by the migrations when the network next starts (``saathi up``) or by
    ``saathi migrate``.
    """
    started = time.monotonic()
    data_dir = settings.data_dir
    missing = [part for part in PARTS if not (source / part / MANIFEST).is_file()]
    if missing:
        raise BackupRefused(
            f"{source} lacks {', '.join(missing)}: gather the three parts of one backup "
            f"({', '.join(PARTS)}) into one folder"
        )
    if data_dir.exists() and any(
        path.is_file() and not path.name.startswith(".") for path in data_dir.rglob("*")
    ):
        raise BackupRefused(f"{data_dir} is not empty: restore into a new data dir")
    report = Report(files={part: [] for part in PARTS})
    plan: list[tuple[Path, Path]] = []
    for part in PARTS:
        manifest = json.loads((source / part / MANIFEST).read_text())
        for name, digest in sorted(manifest["files"].items()):
            path = source / part / name
            if not path.is_file() or _digest(path) != digest:
                raise BackupRefused(f"{part}/{name} is missing or altered (manifest mismatch)")
            plan.append((path, data_dir / name))
            report.files[part].append(name)
    private_dir(data_dir)
    for path, target in plan:
        _copy_file(path, target)
        if target.suffix == ".sqlite3":
            with sqlite3.connect(target) as connection:
                (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
            connection.close()
            if verdict != "ok":
                raise BackupRefused(f"{target.name} fails SQLite's integrity check: {verdict}")
    report.seconds = time.monotonic() - started
    return report
