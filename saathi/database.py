"""Database set-up per component: one tortoise app and one connection for each.

In the embedded default each component has a SQLite file of its own in the data dir; in the
distributed topology each points at PostgreSQL. Several components may share one process
(``saathi up``) and then share one tortoise context, each app on its own connection, so a
component still never reads another's tables.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url

from saathi.files import make_private, private_file
from saathi.settings import Settings

SQLITE_MEMORY = "sqlite://:memory:"


def models_module(component: str) -> str:
    return f"services.{component}.models"


def repository_module(component: str) -> str:
    return f"services.{component}.repository"


def tortoise_config(settings: Settings, components: Iterable[str]) -> dict[str, Any]:
    """The tortoise config for ``components``, one app and one connection each."""
    connections: dict[str, Any] = {}
    apps: dict[str, Any] = {}
    for component in components:
        url = settings.database_url(component)
        if url.startswith("sqlite://"):
            connections[component] = _sqlite_connection(url)
        else:
            connections[component] = url
        apps[component] = {"models": [models_module(component)], "default_connection": component}
    return {"connections": connections, "apps": apps, "use_tz": True, "timezone": "UTC"}


def _sqlite_connection(url: str) -> dict[str, Any]:
    """A SQLite connection that overwrites what it deletes (``secure_delete``), so an erased
    row leaves no bytes behind in a free page; its file is made 0600 before SQLite opens it,
    because SQLite gives the ``-wal`` and ``-shm`` files the database file's mode."""
    config = expand_db_url(url)
    config["credentials"]["secure_delete"] = "ON"
    if url != SQLITE_MEMORY:
        private_file(Path(config["credentials"]["file_path"]))
    return config


def _data_dir_in_use(settings: Settings, components: Iterable[str]) -> bool:
    return any(
        settings.database_url(component).startswith("sqlite://")
        and settings.database_url(component) != SQLITE_MEMORY
        for component in components
    )


async def scrub(component: str) -> None:
    """After an erasure: leave no copy of a deleted row in the write-ahead log.

    SQLite (with ``secure_delete``) zeroes deleted rows in the database, but the log keeps the
    pages as they were until a checkpoint; ``TRUNCATE`` folds it in and cuts it to nothing.
    PostgreSQL cannot be made to vacuum one row; there the deleted rows wait for autovacuum and
    the destroyed data keys are the guarantee (docs/erasure.md).
    """
    connection = Tortoise.get_connection(component)
    if connection.capabilities.dialect == "sqlite":
        await connection.execute_query("PRAGMA wal_checkpoint(TRUNCATE)")


async def open_databases(settings: Settings, components: Iterable[str]) -> None:
    """Connect every component's database and create missing tables.

    The context is global for the process (the ASGI lifespan runs in another task than the
    requests it serves), so call ``close_databases`` before opening another set.
    """
    components = list(components)
    if _data_dir_in_use(settings, components) or settings.data_dir.is_dir():
        make_private(settings.data_dir)  # a data dir made by an older version had loose modes
    config = tortoise_config(settings, components)
    await Tortoise.init(config=config, _enable_global_fallback=True)
    await Tortoise.generate_schemas(safe=True)
    try:
        for component in components:
            await check_columns(component)
            await after_schemas(component)
    except BaseException:
        await Tortoise.close_connections()  # no worker threads left behind to hang the exit
        raise


async def after_schemas(component: str) -> None:
    """Run the component's ``after_generate_schemas`` (in its repository, beside the SQL that
    needs it), if it has one: what ``generate_schemas`` cannot make (a spatial index, triggers),
    made or repaired at every start so that an existing data dir gets it too."""
    module = importlib.import_module(repository_module(component))
    hook = getattr(module, "after_generate_schemas", None)
    if hook is not None:
        await hook()


class OutdatedDatabase(RuntimeError):
    """A table exists without columns this version's models need (a data dir from an older
    version). Refusing to start beats failing on the first request that touches the column."""


async def check_columns(component: str) -> None:
    """Raise ``OutdatedDatabase`` naming every model column missing from the database."""
    connection = Tortoise.get_connection(component)
    missing: list[str] = []
    apps = Tortoise.apps
    models = apps[component].values() if apps is not None and component in apps else ()
    for model in models:
        table = model._meta.db_table
        if connection.capabilities.dialect == "sqlite":
            _, rows = await connection.execute_query(f'PRAGMA table_info("{table}")')
            present = {row["name"] for row in rows}
        else:
            _, rows = await connection.execute_query(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_name = $1 AND table_schema = current_schema()",
                [table],
            )
            present = {row["column_name"] for row in rows}
        wanted = {model._meta.fields_db_projection[name] for name in model._meta.db_fields}
        missing += [f"{table}.{column}" for column in sorted(wanted - present)]
    if missing:
        raise OutdatedDatabase(
            f"The {component} database was made by an older version of Saathi and lacks "
            f"{', '.join(missing)}. Start with a fresh --data-dir (or database), or migrate it."
        )


async def close_databases() -> None:
    await Tortoise.close_connections()
