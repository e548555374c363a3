"""The routes and the lifespan every service's Starlette app shares.

A service's ``app.py`` lists its own routes after ``standard_routes`` and hands its start and
stop work to ``service_lifespan``; nothing else about serving is written per service.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from saathi.database import close_databases, open_databases
from saathi.service.view import GRAPHQL_METHODS
from saathi.settings import Settings

Lifespan = Callable[[Starlette], Any]
Step = Callable[[], Awaitable[None] | None]


async def health(request: Request) -> JSONResponse:
    """``GET /health``: the process is up and serving (no dependency is probed)."""
    return JSONResponse({"status": "ok"})


def standard_routes(graphql: Any) -> list[BaseRoute]:
    """``/graphql`` (GET and POST) served by ``graphql``, and ``GET /health``."""
    return [
        Route("/graphql", graphql, methods=list(GRAPHQL_METHODS)),
        Route("/health", health, methods=["GET"]),
    ]


async def _run(step: Step) -> None:
    outcome = step()
    if outcome is not None:
        await outcome


def service_lifespan(
    settings: Settings,
    component: str,
    *,
    manage_database: bool,
    on_start: Sequence[Step] = (),
    on_stop: Sequence[Step] = (),
) -> Lifespan:
    """Open ``component``'s database (with ``manage_database``) and run ``on_start`` after it;
    at shutdown run ``on_stop`` (closing peers, key stores), then close the database, even when
    a step fails."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await open_databases(settings, [component])
            for step in on_start:
                await _run(step)
        try:
            yield
        finally:
            try:
                for step in on_stop:
                    await _run(step)
            finally:
                if manage_database:
                    await close_databases()

    return lifespan
