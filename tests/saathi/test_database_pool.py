"""PostgreSQL pool connections go back to the pool without asyncpg's reset query (one round
trip saved on every statement), and still never carry an open transaction to the next user.

Runs where ``SAATHI_TEST_DATABASE_URL`` names a PostgreSQL database (``.ci/run`` does)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tortoise import Tortoise

from tests.database import TEST_DATABASE_URL, fresh_databases

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("postgres"), reason="needs SAATHI_TEST_DATABASE_URL"
)


async def test_an_open_transaction_never_reaches_the_next_user_of_a_pooled_connection(
    tmp_path: Path,
) -> None:
    async with fresh_databases(["directory"], tmp_path):
        client: Any = Tortoise.get_connection("directory")
        pool = client._pool
        # a request that fails half-way leaves its transaction open on the connection
        async with pool.acquire() as connection:
            await connection.execute("BEGIN")
            await connection.execute(
                "INSERT INTO directory_residents_only (group_id, centre_id) "
                "VALUES ('grp_leaked', 'ctr_x')"
            )
        # the next user of the pool (of a single connection here: the same one) sees nothing of it
        async with pool.acquire() as connection:
            assert not connection.is_in_transaction()
            leaked = await connection.fetchval(
                "SELECT count(*) FROM directory_residents_only WHERE group_id = 'grp_leaked'"
            )
        assert leaked == 0


async def test_pooled_connections_go_back_without_the_reset_round_trip(tmp_path: Path) -> None:
    async with fresh_databases(["directory"], tmp_path):
        client: Any = Tortoise.get_connection("directory")
        sent: list[str] = []
        async with client._pool.acquire() as connection:
            connection.add_query_logger(lambda record: sent.append(record.query))
            await connection.fetchval("SELECT 1")
        assert sent == ["SELECT 1"]
