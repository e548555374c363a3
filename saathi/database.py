"""Database set-up per component: one tortoise app and one connection for each.

In the embedded default each component has a SQLite file of its own in the data dir; in the
distributed topology each points at PostgreSQL. Several components may share one process
(``saathi up``) and then share one tortoise context, each app on its own connection, so a
component still never reads another's tables.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.utils import generate_schema_for_client

from saathi import migrations
from saathi.files import make_private, private_file
from saathi.migrations import migrations_module
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
            connections[component] = _postgres_connection(url)
        apps[component] = {
            "models": [models_module(component)],
            "default_connection": component,
            "migrations": migrations_module(component),
        }
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


def _postgres_connection(url: str) -> dict[str, Any]:
    """A PostgreSQL pool whose connections go back without asyncpg's reset query.

    By default asyncpg sends ``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET
    ALL`` each time a connection returns to the pool: tortoise takes one from the pool for each
    statement outside a transaction, so every query cost a second round trip (a nearby search,
    seven). Nothing here leaves session state on a pooled connection: advisory locks are taken
    on connections of their own (``advisory_lock``), nothing listens, declares a held cursor or
    sets a session variable. asyncpg still rolls back a transaction left open before the
    connection is reused (tested in ``tests/saathi/test_database_pool.py``)."""
    config = expand_db_url(url)
    config["credentials"]["reset"] = _keep_session
    return config


async def _keep_session(connection: object) -> None:
    """The pool's reset: nothing beyond asyncpg's own rollback of an open transaction."""


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


SchemaMode = Literal["migrate", "require", "generate"]


async def open_databases(
    settings: Settings, components: Iterable[str], *, schema: SchemaMode | None = None
) -> None:
    """Connect every component's database and bring or check its schema.

    ``schema`` says how (default: ``migrate`` when ``settings.migrate_on_start``, else
    ``require``):

    - ``migrate``: apply the pending migrations (the embedded default, ``saathi migrate``);
    - ``require``: refuse with ``DatabaseBehind`` when a migration is pending (``saathi serve``,
      where one job migrates before the replicas start);
    - ``generate``: create the tables straight from the models, for a database that is new
      and thrown away after (tests' fresh schemas). An in-memory SQLite database is always
      new, so it is always generated: migrating it would buy nothing and cost every test.

    The context is global for the process (the ASGI lifespan runs in another task than the
    requests it serves), so call ``close_databases`` before opening another set.
    """
    components = list(components)
    if _data_dir_in_use(settings, components) or settings.data_dir.is_dir():
        make_private(settings.data_dir)  # a data dir made by an older version had loose modes
    config = tortoise_config(settings, components)
    await Tortoise.init(config=config, _enable_global_fallback=True)
    mode = schema or ("migrate" if settings.migrate_on_start else "require")
    try:
        for component in components:
            if mode == "generate" or settings.database_url(component) == SQLITE_MEMORY:
                await generate_schema_for_client(Tortoise.get_connection(component), safe=True)
            elif mode == "migrate":
                await migrations.apply(component)
            else:
                await migrations.require_current([component])
            await check_columns(component)
            await after_schemas(component)
    except BaseException:
        await Tortoise.close_connections()  # no worker threads left behind to hang the exit
        raise


async def migrate_databases(
    settings: Settings, components: Iterable[str], *, apply: bool
) -> list[migrations.MigrationStatus]:
    """``saathi migrate``: with ``apply``, apply each component's pending migrations and
    report those applied now (``pending`` empty); without, report what is applied and what
    is pending, changing nothing."""
    components = list(components)
    if _data_dir_in_use(settings, components) or settings.data_dir.is_dir():
        make_private(settings.data_dir)
    await Tortoise.init(config=tortoise_config(settings, components), _enable_global_fallback=True)
    report: list[migrations.MigrationStatus] = []
    try:
        for component in components:
            if not apply:
                report.append(await migrations.status(component))
                continue
            done = await migrations.apply(component)
            await check_columns(component)
            await after_schemas(component)
            report.append(migrations.MigrationStatus(component, done, []))
    finally:
        await Tortoise.close_connections()
    return report


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


@contextlib.asynccontextmanager
async def advisory_lock(component: str, purpose: str, *, wait: bool = False) -> AsyncIterator[bool]:
    """Hold a lock named by ``component`` and ``purpose`` across every process using the same
    PostgreSQL database (and schema); yields whether it is held. ``wait``: block until it is,
    else give up at once (another process holds it). On SQLite it is always held: one process
    writes a SQLite file at a time anyway.

    The lock is PostgreSQL's session advisory lock, on a connection of its own (the pool's
    connections come and go between queries), released when the block ends.
    """
    connection: Any = Tortoise.get_connection(component)
    if connection.capabilities.dialect != "postgres":
        yield True
        return
    import asyncpg

    key = _lock_key(f"{purpose}:{component}:{connection.schema or ''}")
    session = await asyncpg.connect(
        host=connection.host,
        port=connection.port,
        user=connection.user,
        password=connection.password,
        database=connection.database,
    )
    try:
        if wait:
            await session.execute("SELECT pg_advisory_lock($1)", key)
            held = True
        else:
            held = bool(await session.fetchval("SELECT pg_try_advisory_lock($1)", key))
        try:
            yield held
        finally:
            if held:
                await session.execute("SELECT pg_advisory_unlock($1)", key)
    finally:
        await session.close()


def _lock_key(name: str) -> int:
    digest = hashlib.sha256(f"saathi:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def ping(component: str) -> bool:
    """True when the component's database answers (``/ready``)."""
    await Tortoise.get_connection(component).execute_query("SELECT 1")
    return True


async def close_databases() -> None:
    await Tortoise.close_connections()


async def bulk_insert(
    connection: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert ``rows`` into ``table``, leaving rows whose unique key is stored already as they
    are, inside the caller's transaction (``connection`` is a tortoise transaction). SQLite:
    one ``executemany``. PostgreSQL: ``COPY`` into a temporary table and one ``INSERT ...
    SELECT ... ON CONFLICT DO NOTHING`` (``COPY`` alone cannot skip conflicts); per-row
    inserts made a seed of 100,000 groups take six minutes there."""
    if not rows:
        return
    names = ", ".join(f'"{column}"' for column in columns)
    if connection.capabilities.dialect == "sqlite":
        marks = ", ".join("?" for _ in columns)
        await connection.execute_many(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING', rows
        )
        return
    scratch = f"bulk_{table}"
    async with connection.acquire_connection() as raw:
        await raw.execute(
            f'CREATE TEMPORARY TABLE IF NOT EXISTS "{scratch}" '
            f'(LIKE "{table}" INCLUDING DEFAULTS) ON COMMIT DELETE ROWS'
        )
        await raw.copy_records_to_table(scratch, records=rows, columns=list(columns))
        await raw.execute(
            f'INSERT INTO "{table}" ({names}) SELECT {names} FROM "{scratch}" '
            f"ON CONFLICT DO NOTHING"
        )
        await raw.execute(f'TRUNCATE "{scratch}"')
