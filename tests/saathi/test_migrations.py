"""Versioned migrations: an old database upgrades keeping every row; the models and the latest
migration agree; a serve process refuses a database that is behind; a database made before
migrations is adopted.

On SQLite by default; on PostgreSQL with ``SAATHI_TEST_DATABASE_URL`` (each test in a schema of
its own), as ``.ci/run`` does.
"""

from __future__ import annotations

import contextlib
import importlib
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from tortoise import Tortoise
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget
from tortoise.migrations.operations import CreateModel

from saathi import migrations
from saathi.database import close_databases, open_databases, tortoise_config
from saathi.settings import COMPONENTS, Settings
from tests.database import TEST_DATABASE_URL, _asyncpg_dsn

ROWS = 7


@contextlib.asynccontextmanager
async def empty_database(tmp_path: Path) -> AsyncIterator[Settings]:
    """Settings whose every component has an empty database: SQLite files in ``tmp_path``, or
    a fresh PostgreSQL schema (dropped after)."""
    if not TEST_DATABASE_URL:
        yield Settings(data_dir=tmp_path)
        return
    import asyncpg

    schema = f"m_{secrets.token_hex(6)}"
    connection = await asyncpg.connect(_asyncpg_dsn(TEST_DATABASE_URL))
    try:
        await connection.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await connection.close()
    url = f"{TEST_DATABASE_URL.split('?', 1)[0]}?schema={schema}"
    try:
        yield Settings(data_dir=tmp_path, database_urls={name: url for name in COMPONENTS})
    finally:
        connection = await asyncpg.connect(_asyncpg_dsn(TEST_DATABASE_URL))
        try:
            await connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
        finally:
            await connection.close()


def _first(component: str) -> str:
    return migrations.known_migrations(component)[0]


def _tables_in_order(component: str) -> list[str]:
    """The first migration's tables in the order it creates them (parents before children)."""
    module = importlib.import_module(
        f"{migrations.migrations_module(component)}.{_first(component)}"
    )
    return [
        str((op.options or {})["table"])
        for op in module.Migration.operations
        if isinstance(op, CreateModel)
    ]


async def _columns(component: str, table: str) -> list[tuple[str, str]]:
    connection = Tortoise.get_connection(component)
    if connection.capabilities.dialect == "sqlite":
        _, rows = await connection.execute_query(f'PRAGMA table_info("{table}")')
        return [(str(row["name"]), str(row["type"]).upper()) for row in rows]
    _, rows = await connection.execute_query(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = $1 AND table_schema = current_schema() ORDER BY ordinal_position",
        [table],
    )
    return [(str(row["column_name"]), str(row["data_type"]).upper()) for row in rows]


def _value(kind: str, i: int, dialect: str) -> Any:
    """A value of the column's type for row ``i``; the same ``i`` in a parent's key and a
    child's reference, so foreign keys hold."""
    if "INT" in kind:
        return i + 1
    if "CHAR" in kind or kind == "TEXT":
        return f"r{i}"
    if "JSON" in kind:
        return "[]"
    if "TIMESTAMP" in kind:
        moment = datetime(2026, 1, 1, 9, i, tzinfo=UTC)
        return moment if dialect == "postgres" else moment.isoformat()
    if kind == "DATE":
        return date(2026, 1, 1 + i) if dialect == "postgres" else f"2026-01-0{1 + i}"
    if "REAL" in kind or "DOUBLE" in kind or "FLOAT" in kind:
        return 10.0 + i
    if "BLOB" in kind or "BYTEA" in kind:
        return b"\x00sealed" + bytes([i])
    if "BOOL" in kind:
        return True if dialect == "postgres" else 1
    raise AssertionError(f"no test value for a {kind} column: teach _value this type")


async def _fill(component: str) -> dict[str, int]:
    """``ROWS`` rows in every table the first migration made; returns the counts."""
    connection = Tortoise.get_connection(component)
    dialect = connection.capabilities.dialect
    counts: dict[str, int] = {}
    for table in _tables_in_order(component):
        columns = await _columns(component, table)
        names = ", ".join(f'"{name}"' for name, _ in columns)
        marks = ", ".join(
            f"${n + 1}" if dialect == "postgres" else "?" for n in range(len(columns))
        )
        for i in range(ROWS):
            values = [_value(kind, i, dialect) for _, kind in columns]
            await connection.execute_query(
                f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values
            )
        counts[table] = ROWS
    return counts


async def _count(component: str, table: str) -> int:
    _, rows = await Tortoise.get_connection(component).execute_query(
        f'SELECT COUNT(*) AS n FROM "{table}"'
    )
    return int(rows[0]["n"])


@pytest.mark.parametrize("component", COMPONENTS)
async def test_a_database_of_the_first_migration_upgrades_to_the_latest_keeping_every_row(
    tmp_path: Path, component: str
) -> None:
    async with empty_database(tmp_path) as settings:
        await Tortoise.init(config=tortoise_config(settings, [component]))
        try:
            executor = MigrationExecutor(
                Tortoise.get_connection(component), migrations._app_config(component)
            )
            await executor.migrate([MigrationTarget(component, _first(component))])
            before = await _fill(component)
            assert (await migrations.status(component)).applied == [_first(component)]
        finally:
            await Tortoise.close_connections()

        await open_databases(settings, [component])  # the embedded default: migrate on open
        try:
            assert (await migrations.status(component)).pending == []
            assert {table: await _count(component, table) for table in before} == before
            model_tables = {
                model._meta.db_table for model in (Tortoise.apps or {})[component].values()
            }
            # Every table the first migration made is still a table of the models' (or a
            # later migration moved its rows, which this test would then have to follow).
            assert set(before) <= model_tables
        finally:
            await close_databases()


async def test_the_models_and_the_latest_migrations_agree(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, database_urls=dict.fromkeys(COMPONENTS, "sqlite://:memory:")
    )
    await open_databases(settings, COMPONENTS)
    try:
        assert await migrations.missing_migrations(COMPONENTS) == {}, (
            "models changed without a migration: run saathi migrate --make"
        )
    finally:
        await close_databases()


async def test_a_serve_process_refuses_a_database_that_is_behind_naming_the_command(
    tmp_path: Path,
) -> None:
    async with empty_database(tmp_path) as settings:
        behind = Settings(
            data_dir=settings.data_dir,
            database_urls=settings.database_urls,
            migrate_on_start=False,
        )
        with pytest.raises(migrations.DatabaseBehind, match="saathi migrate --component sessions"):
            await open_databases(behind, ["sessions"])
        await open_databases(settings, ["sessions"])  # migrates
        await close_databases()
        await open_databases(behind, ["sessions"])  # now current: opens
        await close_databases()


async def test_a_database_made_before_migrations_is_adopted_and_keeps_its_rows(
    tmp_path: Path,
) -> None:
    async with empty_database(tmp_path) as settings:
        await open_databases(settings, ["directory"], schema="generate")
        await _fill_centres()
        await _drop_tables_of_later_migrations("directory")
        await close_databases()

        await open_databases(settings, ["directory"])
        try:
            found = await migrations.status("directory")
            assert found.applied[0] == _first("directory")
            assert found.pending == []
            assert await _count("directory", "directory_centre") == 3
        finally:
            await close_databases()


async def _drop_tables_of_later_migrations(component: str) -> None:
    """What a version before migrations made: the tables of the first migration alone (the
    models of today also have the tables later migrations create)."""
    later: list[str] = []
    for name in migrations.known_migrations(component)[1:]:
        module = importlib.import_module(f"{migrations.migrations_module(component)}.{name}")
        later += [
            str((operation.options or {})["table"])
            for operation in module.Migration.operations
            if isinstance(operation, CreateModel)
        ]
    connection = Tortoise.get_connection(component)
    for table in later:
        await connection.execute_script(f'DROP TABLE "{table}"')


async def _fill_centres() -> None:
    from services.directory.models import Centre

    for i in range(3):
        await Centre.create(id=f"c{i}", name=f"Centre {i}", city="Pune")


async def test_on_postgresql_a_component_lock_is_held_by_one_process_at_a_time(
    tmp_path: Path,
) -> None:
    """Two migrators, or two replicas' worker rounds, never run together (PostgreSQL only:
    SQLite serialises its writers by itself)."""
    if not TEST_DATABASE_URL:
        pytest.skip("PostgreSQL only (SAATHI_TEST_DATABASE_URL)")
    from saathi.database import advisory_lock

    async with empty_database(tmp_path) as settings:
        await open_databases(settings, ["sessions"], schema="generate")
        try:
            async with advisory_lock("sessions", "worker") as first:
                async with advisory_lock("sessions", "worker") as second:
                    assert (first, second) == (True, False)
                async with advisory_lock("sessions", "migrate") as other_purpose:
                    assert other_purpose is True
            async with advisory_lock("sessions", "worker") as again:
                assert again is True
        finally:
            await close_databases()
