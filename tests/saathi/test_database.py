from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from saathi.database import OutdatedDatabase, close_databases, open_databases
from saathi.settings import COMPONENTS, Settings


async def test_a_database_missing_a_column_is_refused_with_its_name(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    await open_databases(settings, COMPONENTS)
    await close_databases()
    with sqlite3.connect(tmp_path / "sessions.sqlite3") as connection:
        connection.execute("ALTER TABLE sessions_series DROP COLUMN group_name")

    with pytest.raises(OutdatedDatabase, match=r"sessions_series\.group_name"):
        await open_databases(settings, COMPONENTS)


async def test_a_current_database_opens_again(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    await open_databases(settings, COMPONENTS)
    await close_databases()

    await open_databases(settings, COMPONENTS)
    await close_databases()

    files = {"consent.sqlite3", "directory.sqlite3", "sessions.sqlite3"}
    assert files == {name for name in files if (tmp_path / name).exists()}
