"""The documented PostgreSQL backup procedure, tried: one ``pg_dump --format=custom`` per
component database, ``pg_restore`` into new databases, and the restored databases open as
current (their migration records came along) with every row.

Runs with ``SAATHI_TEST_DATABASE_URL`` set (as ``.ci/run`` does; one tortoise backend per
process) and ``pg_dump``/``pg_restore`` on the PATH; skipped otherwise.
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tortoise import Tortoise

from saathi.database import close_databases, open_databases
from saathi.settings import COMPONENTS, Settings
from tests.database import TEST_DATABASE_URL, _asyncpg_dsn
from tests.saathi.test_migrations import _count, _fill, _tables_in_order

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL or shutil.which("pg_dump") is None,
    reason="needs SAATHI_TEST_DATABASE_URL (PostgreSQL) and pg_dump",
)


def _url(database: str) -> str:
    base = TEST_DATABASE_URL.split("?", 1)[0].rsplit("/", 1)[0]
    return f"{base}/{database}"


async def _admin(*statements: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(_asyncpg_dsn(TEST_DATABASE_URL))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture
async def databases() -> AsyncIterator[dict[str, dict[str, str]]]:
    """Two empty databases per component: ``live`` and ``restored``."""
    tag = secrets.token_hex(4)
    names = {
        role: {component: f"bk_{tag}_{role}_{component}" for component in COMPONENTS}
        for role in ("live", "restored")
    }
    every = [name for by_component in names.values() for name in by_component.values()]
    await _admin(*(f'CREATE DATABASE "{name}"' for name in every))
    try:
        yield names
    finally:
        await _admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in every))


def _settings(tmp_path: Path, names: dict[str, str], *, migrate: bool) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_urls={component: _url(name) for component, name in names.items()},
        migrate_on_start=migrate,
    )


def _dump_and_restore(databases: dict[str, dict[str, str]], tmp_path: Path) -> None:
    for component in COMPONENTS:
        dump = tmp_path / f"{component}.dump"
        subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--file={dump}",
                _url(databases["live"][component]),
            ],
            check=True,
        )
        # The directory's GiST index over earthdistance cannot be restored by pg_restore (the
        # extension's functions are not schema-qualified and restore runs with an empty
        # search_path): leave it out; the directory makes it again when it starts.
        listing = subprocess.run(
            ["pg_restore", "--list", str(dump)], check=True, capture_output=True, text=True
        ).stdout
        toc = tmp_path / f"{component}.toc"
        toc.write_text(
            "".join(line + "\n" for line in listing.splitlines() if "_earth " not in line)
        )
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--use-list={toc}",
                f"--dbname={_url(databases['restored'][component])}",
                str(dump),
            ],
            check=True,
        )


async def test_pg_dump_per_component_database_restores_every_row(
    databases: dict[str, dict[str, str]], tmp_path: Path
) -> None:
    # given each component's database migrated and filled
    live = _settings(tmp_path, databases["live"], migrate=True)
    await open_databases(live, COMPONENTS)
    try:
        counts = {component: await _fill(component) for component in COMPONENTS}
    finally:
        await close_databases()

    # when each is dumped and restored into a new database, as docs/OPERATIONS.md says
    await asyncio.to_thread(_dump_and_restore, databases, tmp_path)

    # then a serve process (which refuses a database that is behind) opens them, every row there
    restored = _settings(tmp_path, databases["restored"], migrate=False)
    await open_databases(restored, COMPONENTS)
    try:
        for component in COMPONENTS:
            found = {table: await _count(component, table) for table in _tables_in_order(component)}
            assert found == counts[component]
        _, rows = await Tortoise.get_connection("directory").execute_query(
            "SELECT indexname FROM pg_indexes WHERE indexname = 'directory_peer_group_earth'"
        )
        assert len(rows) == 1  # made again at start
    finally:
        await close_databases()
