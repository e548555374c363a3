"""A fresh database for each test: in-memory SQLite, or a throwaway PostgreSQL schema.

Set ``SAATHI_TEST_DATABASE_URL`` (e.g. ``postgres://postgres@127.0.0.1:5432/test``) to run the
database tests on PostgreSQL; each test then gets a schema of its own, dropped afterwards. One
backend per test process: tortoise caches SQL per dialect.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

from saathi.database import close_databases, open_databases
from saathi.settings import Settings

TEST_DATABASE_URL = os.environ.get("SAATHI_TEST_DATABASE_URL", "")


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1).split("?", 1)[0]


@contextlib.asynccontextmanager
async def fresh_databases(components: Iterable[str], data_dir: Path) -> AsyncIterator[Settings]:
    """Open ``components``' databases, empty, and yield settings that point at them."""
    components = list(components)
    schema = ""
    if TEST_DATABASE_URL:
        import asyncpg

        schema = f"t_{secrets.token_hex(6)}"
        connection = await asyncpg.connect(_asyncpg_dsn(TEST_DATABASE_URL))
        try:
            await connection.execute(f'CREATE SCHEMA "{schema}"')
        finally:
            await connection.close()
        url = f"{TEST_DATABASE_URL.split('?', 1)[0]}?schema={schema}"
    else:
        url = "sqlite://:memory:"
    settings = Settings(data_dir=data_dir, database_urls={name: url for name in components})
    # A fresh schema, dropped after: its tables come straight from the models (fast); that the
    # migrations build the same tables is tests/saathi/test_migrations.py's job.
    await open_databases(settings, components, schema="generate")
    try:
        yield settings
    finally:
        await close_databases()
        if schema:
            connection = await asyncpg.connect(_asyncpg_dsn(TEST_DATABASE_URL))
            try:
                await connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
            finally:
                await connection.close()
