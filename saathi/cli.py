"""The ``saathi`` command line: run the network, compose its schema, manage people and tokens.

Commands that print ids or tokens print only those, one a line, so they compose in scripts.
Every command that touches data takes ``--data-dir`` (default ``SAATHI_DATA_DIR``, else
``./.saathi``), before or after its other arguments.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from saathi.settings import COMPONENTS, Settings, load_settings
from saathi.tokens import Role

T = TypeVar("T")

app = typer.Typer(
    name="saathi",
    help="Saathi: the backend of a network of peer-support centres.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
participant_app = typer.Typer(help="Participants of the network.", no_args_is_help=True)
staff_app = typer.Typer(help="Staff of a centre.", no_args_is_help=True)
app.add_typer(participant_app, name="participant")
app.add_typer(staff_app, name="staff")

err = Console(stderr=True)
_global_data_dir: list[Path] = []

DataDir = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="SAATHI_DATA_DIR",
        help="Where keys and SQLite files live (default ./.saathi).",
        show_default=False,
    ),
]
STAFF_ROLES = {role.value: role for role in (Role.FACILITATOR, Role.CENTRE_ADMIN, Role.SUPERVISOR)}


def _settings(data_dir: Path | None) -> Settings:
    chosen = data_dir or (_global_data_dir[0] if _global_data_dir else None)
    return load_settings(data_dir=chosen)


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(code=2)


@app.callback()
def main_options(data_dir: DataDir = None) -> None:
    """Saathi: the backend of a network of peer-support centres."""
    if data_dir is not None:
        _global_data_dir[:] = [data_dir]


@app.command()
def up(
    port: Annotated[int, typer.Option(help="Gateway port.")] = 4000,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help="Seed the demo network on first start.")
    ] = True,
    data_dir: DataDir = None,
) -> None:
    """Run the whole network in one process on the embedded default (SQLite)."""
    import uvicorn

    from saathi.network import EmbeddedNetwork

    settings = _settings(data_dir)
    url = f"http://{host}:{port}/graphql"

    def ready() -> None:
        err.print(f"[green]Saathi is up[/green]: {url}  (data in {settings.data_dir.resolve()})")
        err.print(
            f"GraphiQL: open {url} in a browser. Login codes arrive in {settings.outbox_path}."
        )

    network = EmbeddedNetwork(settings, demo=demo, on_ready=ready).build()
    uvicorn.run(network, host=host, port=port, log_level="warning", lifespan="on")


@app.command()
def serve(
    component: Annotated[str, typer.Argument(help="gateway, directory, sessions or consent.")],
    port: Annotated[
        int | None, typer.Option(help="Port (default 4000 gateway, 4001-4003 subgraphs).")
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    supergraph: Annotated[Path | None, typer.Option(help="Supergraph SDL for the gateway.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Run one component as its own process (the distributed topology), over HTTP."""
    import uvicorn

    from saathi.network import DEFAULT_PORTS, build_subgraph
    from saathi.runtime import peers_for

    settings = _settings(data_dir)
    if component not in DEFAULT_PORTS:
        raise _fail(f"unknown component {component!r}; choose gateway, {', '.join(COMPONENTS)}")
    if component == "gateway":
        asgi: Any = _gateway_app(settings, supergraph)
    else:
        asgi = build_subgraph(component, settings, peers=peers_for(settings), manage_database=True)
    uvicorn.run(asgi, host=host, port=port or DEFAULT_PORTS[component], log_level="info")


def _gateway_app(settings: Settings, supergraph: Path | None) -> Any:
    from gateway import HttpTransport, SubgraphSpec, compose, create_gateway_app
    from saathi.edge import Edge
    from saathi.network import fetch_sdl, gateway_settings, peer_urls, subgraph_url
    from saathi.peers import Peers

    if supergraph is not None:
        if not supergraph.is_file():
            raise _fail(f"no supergraph at {supergraph}")
        sdl = supergraph.read_text()
    else:

        async def compose_live() -> str:
            import httpx

            async with httpx.AsyncClient(timeout=10) as client:
                specs = [
                    SubgraphSpec(
                        name,
                        subgraph_url(settings, name),
                        await fetch_sdl(client, subgraph_url(settings, name)),
                    )
                    for name in COMPONENTS
                ]
            return compose(sorted(specs, key=lambda spec: spec.name))

        try:
            sdl = asyncio.run(compose_live())
        except Exception as exc:
            raise _fail(
                f"could not compose from the running subgraphs ({exc}); pass --supergraph FILE"
            ) from exc
    urls = dict(re.findall(r'@join__graph\(name: "([^"]+)", url: "([^"]+)"\)', sdl))
    gateway = create_gateway_app(sdl, HttpTransport(urls), settings=gateway_settings(settings))
    # The edge only passes requests through with the caller's own headers: no service token.
    return Edge(lambda: gateway, Peers(peer_urls(settings)), COMPONENTS).app()


@app.command("compose")
def compose_command(
    out: Annotated[Path, typer.Option(help="Folder for the SDL files.")] = Path("schema"),
) -> None:
    """Write schema/<subgraph>.graphql and schema/supergraph.graphql from the subgraphs' SDL."""
    from saathi.network import build_subgraph, compose_from_apps
    from saathi.peers import Peers

    with tempfile.TemporaryDirectory() as scratch:
        settings = load_settings(data_dir=Path(scratch))
        peers = Peers()
        apps = {
            name: build_subgraph(name, settings, peers=peers, manage_database=False)
            for name in COMPONENTS
        }
        supergraph, sdls = asyncio.run(compose_from_apps(apps, load_settings()))
    out.mkdir(parents=True, exist_ok=True)
    for name, sdl in sdls.items():
        (out / f"{name}.graphql").write_text(sdl.rstrip() + "\n")
    (out / "supergraph.graphql").write_text(supergraph.rstrip() + "\n")
    err.print(f"wrote {len(sdls) + 1} files to {out}/")


def _with_consent_db(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    from saathi.database import close_databases, open_databases

    async def run() -> T:
        await open_databases(settings, ["consent"])
        try:
            return await work()
        finally:
            await close_databases()

    return asyncio.run(run())


@participant_app.command("add")
def participant_add(
    names: Annotated[list[str], typer.Argument(help="Display names.")],
    data_dir: DataDir = None,
) -> None:
    """Add participants; prints one new id a line."""
    from services.consent.accounts import add_participants

    settings = _settings(data_dir)
    for participant_id in _with_consent_db(settings, lambda: add_participants(names)):
        print(participant_id)


@staff_app.command("add")
def staff_add(
    names: Annotated[list[str], typer.Argument(help="Display names.")],
    centre: Annotated[str, typer.Option("--centre", help="The centre's id.")],
    role: Annotated[str, typer.Option("--role", help="facilitator, centre_admin or supervisor.")],
    data_dir: DataDir = None,
) -> None:
    """Add staff of a centre; prints one new id a line."""
    from services.consent.accounts import add_staff

    if role not in STAFF_ROLES:
        raise _fail(f"unknown role {role!r}; choose one of {', '.join(STAFF_ROLES)}")
    settings = _settings(data_dir)
    for staff_id in _with_consent_db(settings, lambda: add_staff(centre, STAFF_ROLES[role], names)):
        print(staff_id)


@app.command()
def token(
    ids: Annotated[list[str], typer.Argument(help="Participant or staff ids.")],
    data_dir: DataDir = None,
) -> None:
    """Print an access token for each existing participant or staff member, one a line."""
    from saathi.errors import NotFound
    from saathi.runtime import signing_key_for
    from services.consent.accounts import token_for

    settings = _settings(data_dir)
    key = signing_key_for(settings)

    async def mint() -> list[str]:
        return [await token_for(subject, key, settings) for subject in ids]

    try:
        tokens = _with_consent_db(settings, mint)
    except NotFound as exc:
        raise _fail(exc.message) from exc
    for value in tokens:
        print(value)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
