"""Database set-up per component: one tortoise app and one connection for each.

In the embedded default each component has a SQLite file of its own in the data dir; in the
distributed topology each points at PostgreSQL. Several components may share one process
(``saathi up``) and then share one tortoise context, each app on its own connection, so a
component still never reads another's tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tortoise import Tortoise

from saathi.settings import Settings


def models_module(component: str) -> str:
    return f"services.{component}.models"


def tortoise_config(settings: Settings, components: Iterable[str]) -> dict[str, Any]:
    """The tortoise config for ``components``, one app and one connection each."""
    connections: dict[str, str] = {}
    apps: dict[str, Any] = {}
    for component in components:
        url = settings.database_url(component)
        if url.startswith("sqlite://") and url != "sqlite://:memory:":
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        connections[component] = url
        apps[component] = {"models": [models_module(component)], "default_connection": component}
    return {"connections": connections, "apps": apps, "use_tz": True, "timezone": "UTC"}


async def open_databases(settings: Settings, components: Iterable[str]) -> None:
    """Connect every component's database and create missing tables.

    The context is global for the process (the ASGI lifespan runs in another task than the
    requests it serves), so call ``close_databases`` before opening another set.
    """
    config = tortoise_config(settings, list(components))
    await Tortoise.init(config=config, _enable_global_fallback=True)
    await Tortoise.generate_schemas(safe=True)


async def close_databases() -> None:
    await Tortoise.close_connections()
