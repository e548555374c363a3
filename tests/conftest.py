"""Fixtures shared by the whole suite, and what makes it safe to run in parallel.

The suite runs on pytest-xdist (``-n auto --dist loadscope`` in pyproject.toml): each module (or
test class) runs whole on one worker, so a module-scoped fixture (a server started once for the
module) starts once. Each worker has its own temporary directories (``--basetemp``/popen-gwN),
works in a directory of its own (nothing lands in the repository, such as a default
``./.saathi``), and with ``SAATHI_TEST_DATABASE_URL`` set works in a PostgreSQL database of its
own, ``<db>_gwN``, created fresh for the run. Servers listen on ports the kernel picks free
(``tests.running.free_port``).
"""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

OPERATIONS = Path(__file__).parent / "operations"
DATABASE_URL_VARIABLE = "SAATHI_TEST_DATABASE_URL"


def operation(file: str, name: str) -> str:
    """One named operation from ``tests/operations/<file>.graphql``, exactly as clients send it."""
    text = (OPERATIONS / f"{file}.graphql").read_text()
    match = re.search(rf"^(?:query|mutation) {name}\b.*?^}}", text, re.S | re.M)
    if match is None:
        raise KeyError(f"no operation {name} in {file}.graphql")
    return match.group(0)


def worker_database_url(url: str, worker: str) -> str:
    """``url`` naming the database ``<db>_<worker>`` instead of ``<db>`` (query kept)."""
    address, _, query = url.partition("?")
    base, _, database = address.rpartition("/")
    return f"{base}/{database}_{worker}" + (f"?{query}" if query else "")


async def _administer(url: str, *, create: bool) -> None:
    """Drop the database ``url`` names and, with ``create``, make it anew (empty), through the
    server's ``postgres`` database."""
    import asyncpg

    address = url.replace("postgres://", "postgresql://", 1).split("?", 1)[0]
    base, _, database = address.rpartition("/")
    connection = await asyncpg.connect(f"{base}/postgres")
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        if create:
            await connection.execute(f'CREATE DATABASE "{database}"')
    finally:
        await connection.close()


_WORKER_DATABASE = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """In an xdist worker, point ``SAATHI_TEST_DATABASE_URL`` at the worker's own database,
    new for the run (before any test module reads it; subprocesses the tests start inherit it)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get(DATABASE_URL_VARIABLE)
    if worker and url:
        own = worker_database_url(url, worker)
        asyncio.run(_administer(own, create=True))
        os.environ[DATABASE_URL_VARIABLE] = config.stash[_WORKER_DATABASE] = own


def pytest_unconfigure(config: pytest.Config) -> None:
    """The worker's database goes when the worker does (the server is shared)."""
    own = config.stash.get(_WORKER_DATABASE, None)
    if own is not None:
        asyncio.run(_administer(own, create=False))


@pytest.fixture(scope="session", autouse=True)
def _own_working_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Run in a directory of this session's (this worker's) own: a command or ``Settings``
    that falls back to ``./.saathi`` writes there, never into the repository."""
    previous = Path.cwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))
    try:
        yield
    finally:
        os.chdir(previous)
