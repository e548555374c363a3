"""Versioned schema migrations per component, with tortoise's own migration tool.

Each component keeps its migrations in ``services/<component>/migrations`` (``0001_initial``,
``0002_...``), made by ``saathi migrate --make`` from its models and applied in order; the
applied ones are recorded in the component's database (table ``tortoise_migrations``, one row
per migration, keyed by component, so components sharing one PostgreSQL database keep apart).

- The embedded default (``saathi up``) applies what is pending when it starts.
- A ``saathi serve`` process never changes its schema: it refuses to start on a database that
  is behind and names the command to run (``saathi migrate --component X``), so that one job
  migrates before the new version's replicas start, not every replica at once.
- A database made before migrations existed (tables made straight from the models) is adopted:
  when every table of ``0001_initial`` is there, ``0001_initial`` is recorded as applied
  without running, and the later migrations run as usual.

On PostgreSQL, ``apply`` holds an advisory lock for the component while it runs, so two
migrators started together run one after the other instead of racing.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tortoise import Tortoise
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.migrations.executor import MigrationExecutor
from tortoise.migrations.operations import CreateModel


def migrations_module(component: str) -> str:
    return f"services.{component}.migrations"


class DatabaseBehind(RuntimeError):
    """The database has not had every migration of this version applied."""

    def __init__(self, component: str, pending: list[str]) -> None:
        self.component = component
        self.pending = pending
        super().__init__(
            f"The {component} database is behind this version of Saathi: "
            f"{len(pending)} migration(s) not applied ({', '.join(pending)}). "
            f"Run: saathi migrate --component {component}"
        )


@dataclass(frozen=True)
class MigrationStatus:
    component: str
    applied: list[str]
    pending: list[str]


def _app_config(component: str) -> dict[str, dict[str, Any]]:
    return {
        component: {
            "models": [f"services.{component}.models"],
            "default_connection": component,
            "migrations": migrations_module(component),
        }
    }


def known_migrations(component: str) -> list[str]:
    """The component's migration names on disk, in order."""
    package = importlib.import_module(migrations_module(component))
    return sorted(
        name
        for _, name, is_pkg in pkgutil.iter_modules(package.__path__)
        if not is_pkg and name[0] not in "_~"
    )


async def _applied(component: str) -> list[str]:
    executor = MigrationExecutor(Tortoise.get_connection(component), _app_config(component))
    return sorted(
        key.name
        for key in await executor.recorder.applied_migrations()
        if key.app_label == component
    )


async def status(component: str) -> MigrationStatus:
    """What is applied and what is pending on the component's open connection."""
    applied = await _applied(component)
    pending = [name for name in known_migrations(component) if name not in applied]
    if not applied and pending and await _adoptable(component):
        # A database from before migrations: its first migration is there in all but record.
        pending = pending[1:]
        applied = [known_migrations(component)[0]]
    return MigrationStatus(component, applied, pending)


async def _tables(component: str) -> set[str]:
    connection = Tortoise.get_connection(component)
    if connection.capabilities.dialect == "sqlite":
        _, rows = await connection.execute_query(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
        return {str(row["name"]) for row in rows}
    _, rows = await connection.execute_query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    )
    return {str(row["table_name"]) for row in rows}


def _initial_tables(component: str) -> set[str]:
    first = known_migrations(component)[0]
    module = importlib.import_module(f"{migrations_module(component)}.{first}")
    return {
        str((operation.options or {})["table"])
        for operation in module.Migration.operations
        if isinstance(operation, CreateModel)
    }


async def _adoptable(component: str) -> bool:
    """True when the database was made from the models before migrations existed: no
    migration recorded, every table of the first migration present."""
    if await _applied(component):
        return False
    return _initial_tables(component) <= await _tables(component)


async def apply(component: str, progress: Callable[[str], object] | None = None) -> list[str]:
    """Apply the component's pending migrations in order; returns the names applied (an
    adopted ``0001_initial`` included)."""
    from saathi.database import advisory_lock  # database imports this module

    async with advisory_lock(component, "migrate", wait=True):
        connection = Tortoise.get_connection(component)
        executor = MigrationExecutor(connection, _app_config(component))
        done: list[str] = []
        if await _adoptable(component):
            # The executor makes the record table itself only when it runs a migration.
            await executor.recorder.ensure_schema(executor._schema_editor(atomic=False))
            first = known_migrations(component)[0]
            await executor.recorder.record_applied(component, first)
            done.append(f"{first} (adopted: its tables were already there)")
            if progress is not None:
                progress(done[-1])

        def report(event: str, app_label: str, name: str) -> None:
            if event == "apply_done":
                done.append(name)
                if progress is not None:
                    progress(name)

        await executor.migrate(direction="forward", progress=report)
        return done


async def require_current(components: Iterable[str]) -> None:
    """Raise ``DatabaseBehind`` for the first component with a migration not applied."""
    for component in components:
        found = await status(component)
        if found.pending:
            raise DatabaseBehind(component, found.pending)


async def missing_migrations(components: Iterable[str]) -> dict[str, list[str]]:
    """For each component whose models differ from what its migrations build, the operations
    a new migration would hold (empty when models and migrations agree). Needs the models
    loaded (``Tortoise.init``) but no database."""
    components = list(components)
    config = {name: _app_config(name)[name] for name in components}
    apps = Tortoise.apps
    if apps is None:
        raise RuntimeError("Tortoise is not initialised")
    detector = MigrationAutodetector(apps, config)
    return {
        writer.app_label: [type(op).__name__ for op in writer.operations]
        for writer in await detector.changes()
    }


async def make_migrations(components: Iterable[str], name: str | None = None) -> list[str]:
    """Write a new migration for each component whose models changed; returns the files."""
    config = {component: _app_config(component)[component] for component in components}
    apps = Tortoise.apps
    if apps is None:
        raise RuntimeError("Tortoise is not initialised")
    written: list[str] = []
    for writer in await MigrationAutodetector(apps, config).changes():
        if name:
            number = writer.name.split("_", 1)[0]
            writer.name = f"{number}_{name}"
        written.append(str(writer.write()))
    return written


__all__ = [
    "DatabaseBehind",
    "MigrationStatus",
    "apply",
    "known_migrations",
    "make_migrations",
    "missing_migrations",
    "require_current",
    "status",
]
