"""The app's wiring: its lifespan opens the directory's database (a file in the data dir in the
embedded default) and closes it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest

from saathi.settings import Settings
from saathi.tokens import TokenVerifier
from services.directory.app import create_app
from tests.database import TEST_DATABASE_URL


@pytest.mark.skipif(
    bool(TEST_DATABASE_URL),
    reason="opens the embedded SQLite file; tortoise takes one backend per test process",
)
async def test_the_lifespan_opens_the_database_in_the_data_dir(
    tmp_path: Path, verifier: TokenVerifier
) -> None:
    app = create_app(Settings(data_dir=tmp_path), verifier=verifier)

    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://directory") as client:
            response = await client.post("/graphql", json={"query": "{ centres { totalCount } }"})

    assert response.json() == {"data": {"centres": {"totalCount": 0}}}
    with sqlite3.connect(tmp_path / "directory.sqlite3") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"directory_centre", "directory_peer_group", "directory_peer_supporter"} <= tables
