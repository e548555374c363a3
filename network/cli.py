"""The ``saathi`` command line: run the network, compose its schema, manage people and tokens.

Commands that print ids or tokens print only those, one a line, so they compose in scripts.
Every command that touches data takes ``--data-dir`` (default ``SAATHI_DATA_DIR``, else
``./.saathi``), before or after its other arguments.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from saathi.files import restrict_umask
from saathi.instance import holds_instance
from saathi.settings import COMPONENTS, DEFAULT_PORTS, Settings, load_settings
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

err = Console(stderr=True, soft_wrap=True)  # one message, one line, whatever the width
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


def _settings(data_dir: Path | None, *, may_create: bool = False) -> Settings:
    """The settings for a command's data dir. Only ``up``, ``seed``, ``serve`` and ``restore``
    pass ``may_create``: any other command refuses a directory that holds no instance yet, naming
    it, rather than making a new network (and signing key) in a mistyped path."""
    # Every command that touches the data dir comes here first: what it creates there (keys,
    # databases, the outbox) is the owner's only, whatever umask the shell had.
    restrict_umask()
    chosen = data_dir or (_global_data_dir[0] if _global_data_dir else None)
    settings = load_settings(data_dir=chosen)
    if not may_create and not holds_instance(settings.data_dir):
        raise _fail(
            f"{settings.data_dir} holds no Saathi instance (no keys, no databases): check "
            "--data-dir or SAATHI_DATA_DIR; only saathi up, seed, serve and restore make a new one"
        )
    return settings


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
    port: Annotated[int, typer.Option(help="Gateway port.", min=1, max=65535)] = 4000,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help="Seed the demo network on first start.")
    ] = True,
    data_dir: DataDir = None,
) -> None:
    """Run the whole network in one process on the embedded default (SQLite).

    Prints one line per request to stderr: method, path, status, duration (never a query,
    its variables or a token)."""
    import uvicorn

    from network.assembly import EmbeddedNetwork
    from saathi.request_log import RequestLog, print_requests
    from saathi.runtime import settle_heap

    _check_port(host, port)  # before anything is created or seeded
    settings = _settings(data_dir, may_create=True)
    url = f"http://{host}:{port}/graphql"

    def ready() -> None:
        settle_heap()
        err.print(f"[green]Saathi is up[/green]: {url}  (data in {settings.data_dir.resolve()})")
        err.print(
            f"GraphiQL: open {url} in a browser. Login codes arrive in {settings.outbox_path}."
        )

    _preflight(settings)
    network = RequestLog(EmbeddedNetwork(settings, demo=demo, on_ready=ready).build())
    print_requests(sys.stderr)
    uvicorn.run(network, host=host, port=port, log_level="warning", lifespan="on", **UVICORN)


# uvicorn believes X-Forwarded-For from 127.0.0.1 by default, which would let anyone on the host
# pick their own address (and dodge the sign-in limit per address). The gateway decides which
# forwarded headers count, from SAATHI_TRUSTED_PROXIES alone.
UVICORN: dict[str, Any] = {"proxy_headers": False, "server_header": False}


def _check_port(host: str, port: int) -> None:
    from saathi.ports import PortBusy, check_port

    try:
        check_port(host, port)
    except PortBusy as busy:
        raise _fail(f"{busy}; stop it or choose another port with --port") from busy


def _preflight(settings: Settings, components: tuple[str, ...] = COMPONENTS) -> None:
    """Open and close every database once (applying pending migrations in the embedded
    default), so an outdated or behind database is a message, not a trace."""
    from saathi.database import OutdatedDatabase, close_databases, open_databases
    from saathi.migrations import DatabaseBehind

    async def check() -> None:
        await open_databases(settings, components)
        await close_databases()

    try:
        asyncio.run(check())
    except (OutdatedDatabase, DatabaseBehind) as exc:
        raise _fail(str(exc)) from exc


@app.command()
def migrate(
    component: Annotated[
        list[str] | None,
        typer.Option("--component", help="Only this component (repeatable); default all."),
    ] = None,
    show: Annotated[
        bool, typer.Option("--status", help="Print applied and pending migrations; change nothing.")
    ] = False,
    make: Annotated[
        bool, typer.Option("--make", help="Developers: write a migration for changed models.")
    ] = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="CI: exit 1 when the models differ from the migrations."),
    ] = False,
    name: Annotated[str | None, typer.Option(help="With --make: the migration's name.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Apply each component's pending schema migrations (SAATHI_*_DATABASE_URL, else the data
    dir's SQLite files). Run it before starting a new version's serve processes."""
    from saathi import migrations
    from saathi.database import close_databases, open_databases

    chosen = tuple(component or COMPONENTS)
    unknown = [name for name in chosen if name not in COMPONENTS]
    if unknown:
        raise _fail(f"unknown component {unknown[0]!r}; choose {', '.join(COMPONENTS)}")
    if make or check:
        with tempfile.TemporaryDirectory() as scratch:
            scratch_settings = load_settings(data_dir=Path(scratch))

            async def detect() -> dict[str, list[str]] | list[str]:
                await open_databases(scratch_settings, chosen, schema="generate")
                try:
                    if make:
                        return await migrations.make_migrations(chosen, name)
                    return await migrations.missing_migrations(chosen)
                finally:
                    await close_databases()

            outcome = asyncio.run(detect())
        if isinstance(outcome, list):
            for path in outcome:
                print(path)
            err.print(f"wrote {len(outcome)} migration(s)" if outcome else "no changes")
            return
        for label, operations in outcome.items():
            print(f"MISSING {label}: {', '.join(operations)}")
        if outcome:
            err.print("[red]models changed without a migration[/red]: run saathi migrate --make")
            raise typer.Exit(code=1)
        err.print("[green]ok[/green]: models and migrations agree")
        return
    from saathi.database import OutdatedDatabase, migrate_databases

    # A deployment's migration job runs beside databases on a server, with nothing in its data
    # dir; an embedded data dir (SQLite files) must already hold an instance, so that a mistyped
    # --data-dir is refused rather than filled with new databases.
    external = load_settings(data_dir=data_dir).database_urls
    settings = _settings(data_dir, may_create=all(name in external for name in chosen))
    try:
        report = asyncio.run(migrate_databases(settings, chosen, apply=not show))
    except OutdatedDatabase as exc:
        raise _fail(str(exc)) from exc
    for found in report:
        if show:
            for applied in found.applied:
                print(f"{found.component} applied {applied}")
            for pending in found.pending:
                print(f"{found.component} pending {pending}")
        else:
            for applied in found.applied:
                print(f"{found.component} applied {applied}")
            err.print(f"{found.component}: up to date")
    if show and any(found.pending for found in report):
        raise typer.Exit(code=1)


@app.command()
def serve(
    component: Annotated[str, typer.Argument(help="gateway, directory, sessions or consent.")],
    port: Annotated[
        int | None,
        typer.Option(help="Port (default 4000 gateway, 4001-4003 subgraphs).", min=1, max=65535),
    ] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    supergraph: Annotated[Path | None, typer.Option(help="Supergraph SDL for the gateway.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Run one component as its own process (the distributed topology), over HTTP.

    Production unless SAATHI_ENV=development: no introspection, no GraphiQL. Each process
    loads only its own service key (DATA_DIR/keys/COMPONENT.pem); only consent loads
    the key that signs access tokens (docs/service-trust.md)."""
    import os
    from dataclasses import replace

    import uvicorn

    if component not in DEFAULT_PORTS:
        raise _fail(f"unknown component {component!r}; choose gateway, {', '.join(COMPONENTS)}")
    port = port or DEFAULT_PORTS[component]
    _check_port(host, port)
    settings = _settings(data_dir, may_create=True)
    # A serve process never changes its schema: one ``saathi migrate`` (a job) does, before the
    # new version's replicas start; a replica on a database that is behind refuses to start.
    settings = replace(
        settings,
        development=os.environ.get("SAATHI_ENV") == "development",
        migrate_on_start=False,
    )
    if component != "gateway":
        _preflight(settings, (component,))
    from saathi.observability import json_log_config

    if component == "gateway":
        from gateway.server import serve as serve_gateway

        # JSON request logs, uvloop/httptools, graceful shutdown on SIGTERM (gateway.server)
        serve_gateway(_gateway_app(settings, supergraph), host, port)
        return
    asgi = _settled_after_start(_observed_subgraph(component, settings))
    # SIGTERM: uvicorn stops accepting, /ready turns 503, in-flight requests get this long to
    # finish, then the lifespan closes the databases and the process exits 0.
    uvicorn.run(
        asgi,
        host=host,
        port=port,
        log_level="info",
        log_config=json_log_config(),
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        **UVICORN,
    )


GRACEFUL_SHUTDOWN_SECONDS = 20


def _settled_after_start(app: Any) -> Any:
    """``app`` with ``saathi.runtime.settle_heap`` run once its lifespan has started."""
    from saathi.runtime import settle_heap

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return

        async def sending(message: Any) -> None:
            if message["type"] == "lifespan.startup.complete":
                settle_heap()
            await send(message)

        await app(scope, receive, sending)

    return wrapped


def _observed_subgraph(component: str, settings: Settings) -> Any:
    """The subgraph's app with its worker loop (queued work, ``network.worker``) inside
    ``/ready``, ``/metrics``, request ids and JSON access logs."""
    from network.assembly import build_subgraph
    from network.worker import Backoff, WithWorker, rounds_for
    from saathi.database import ping
    from saathi.observability import Observed
    from saathi.runtime import peers_for

    peers = peers_for(settings, component)
    app: Any = build_subgraph(component, settings, peers=peers, manage_database=True)
    inner = getattr(app, "app", app)  # a ServiceDoor wraps the Starlette app
    keys = getattr(getattr(inner, "state", None), "keys", None)
    round_ = rounds_for(component, peers, keys)
    observed = Observed(app, component, lambda: ping(component))
    if round_ is not None:
        observed.app = WithWorker(
            app, component, round_, Backoff(), count=observed.metrics.count_round
        )
    return observed


def _gateway_app(settings: Settings, supergraph: Path | None) -> Any:
    from gateway import HttpTransport, SubgraphSpec, Supergraph, compose, create_gateway_app
    from gateway.composition import SupergraphError
    from network.assembly import (
        build_gateway,
        fetch_sdl,
        gateway_settings,
        peer_urls,
        subgraph_url,
    )
    from network.edge import Edge, crisis_fallbacks
    from saathi.peers import Peers
    from saathi.runtime import service_tokens
    from saathi.service_trust import GATEWAY

    tokens = service_tokens(settings, GATEWAY)

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
                        await fetch_sdl(client, subgraph_url(settings, name), tokens.headers(name)),
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
    try:  # any Federation v2 supergraph; what the gateway cannot serve is named and refused
        urls = Supergraph(sdl).graph_urls
        if set(urls) != set(COMPONENTS):
            # Not Saathi's network: no service tokens, no edge routes, only the gateway (the
            # crisis-line fallback attaches if the schema has its field).
            return create_gateway_app(
                sdl,
                HttpTransport(urls),
                settings=gateway_settings(settings),
                fallbacks=crisis_fallbacks(),
            )
        # The gateway's own clients, carrying its service token: to ask consent whether a
        # token's sign-in is still live, and on passed-through paths (the token endpoint, feeds).
        peers = Peers(peer_urls(settings), credentials=tokens)
        gateway = build_gateway(sdl, HttpTransport(urls), settings, tokens, peers=peers)
    except SupergraphError as exc:
        raise _fail(f"cannot serve the supergraph {supergraph or ''}: {exc}") from exc
    return Edge(lambda: gateway, peers, COMPONENTS, settings.trusted_proxies).app()


@app.command("service-key")
def service_key(
    component: Annotated[str, typer.Argument(help="gateway, directory, sessions or consent.")],
    data_dir: DataDir = None,
) -> None:
    """Print a component's public service key (a JWK).

    It makes the key pair if the data dir's instance has none yet (a directory without an
    instance is refused: serve makes one). Run it on the component's own host; install what it
    prints as DATA_DIR/keys/COMPONENT.jwk.json on every host the component calls
    (docs/service-trust.md). The private key stays in DATA_DIR/keys/COMPONENT.pem."""
    import json

    from saathi.runtime import service_keys

    if component not in DEFAULT_PORTS:
        raise _fail(f"unknown component {component!r}; choose gateway, {', '.join(COMPONENTS)}")
    keys = service_keys(_settings(data_dir))
    print(json.dumps(keys.own(component).public_jwk(), sort_keys=True))


@app.command("compose")
def compose_command(
    out: Annotated[Path, typer.Option(help="Folder for the SDL files.")] = Path("schema"),
) -> None:
    """Write schema/<subgraph>.graphql and schema/supergraph.graphql from the subgraphs' SDL."""
    from network.assembly import build_subgraph, compose_from_apps
    from saathi.peers import Peers
    from saathi.runtime import service_tokens, signing_key_for
    from saathi.service_trust import GATEWAY

    with tempfile.TemporaryDirectory() as scratch:
        settings = load_settings(data_dir=Path(scratch))
        peers = Peers()
        key = signing_key_for(settings)  # a throw-away network: its keys go with the scratch dir
        apps = {
            name: build_subgraph(name, settings, peers=peers, manage_database=False, key=key)
            for name in COMPONENTS
        }
        tokens = service_tokens(settings, GATEWAY)
        supergraph, sdls = asyncio.run(compose_from_apps(apps, load_settings(), tokens))
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
    from saathi.runtime import key_store_for
    from services.consent.domain.accounts import add_participants

    settings = _settings(data_dir)
    keys = key_store_for(settings, "consent")
    for participant_id in _with_consent_db(settings, lambda: add_participants(names, keys)):
        print(participant_id)


@staff_app.command("add")
def staff_add(
    names: Annotated[list[str], typer.Argument(help="Display names.")],
    centre: Annotated[str, typer.Option("--centre", help="The centre's id.")],
    role: Annotated[str, typer.Option("--role", help="facilitator, centre_admin or supervisor.")],
    supporter: Annotated[
        str | None,
        typer.Option(
            "--supporter",
            help="The peer supporter (sup_..., of the same centre) this one staff member is.",
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Add staff of a centre; prints one new id a line."""
    from saathi.errors import BadUserInput
    from services.consent.domain.accounts import add_staff

    if role not in STAFF_ROLES:
        raise _fail(f"unknown role {role!r}; choose one of {', '.join(STAFF_ROLES)}")
    settings = _settings(data_dir)
    if supporter is None:
        for staff_id in _with_consent_db(
            settings, lambda: add_staff(centre, STAFF_ROLES[role], names)
        ):
            print(staff_id)
        return

    async def tied() -> list[str]:
        if await _supporter_centre(supporter) != centre:
            raise BadUserInput(f"The centre {centre} has no peer supporter {supporter}.")
        return await add_staff(centre, STAFF_ROLES[role], names, supporter_id=supporter)

    try:
        added = _with_databases(settings, ["consent", "directory"], tied)
    except BadUserInput as exc:
        raise _fail(exc.message) from exc
    for staff_id in added:
        print(staff_id)


async def _supporter_centre(supporter_id: str) -> str | None:
    """The centre the directory holds ``supporter_id`` at (the directory database open)."""
    from services.directory.domain.lookups import supporters_by_ids

    found = (await supporters_by_ids([supporter_id])).get(supporter_id)
    return None if found is None else found.centre_id


@staff_app.command("link")
def staff_link(
    staff_id: Annotated[str, typer.Argument(help="The staff member (stf_...).")],
    supporter: Annotated[
        str,
        typer.Option(
            "--supporter",
            help="The peer supporter (sup_..., of the staff member's centre) they are.",
        ),
    ],
    data_dir: DataDir = None,
) -> None:
    """Tie an existing staff member to their peer-supporter record; tokens minted from now on
    name it (old tokens do not: issue a new one)."""
    from saathi.errors import BadUserInput, NotFound
    from services.consent.domain.accounts import link_staff

    settings = _settings(data_dir)
    try:
        _with_databases(
            settings,
            ["consent", "directory"],
            lambda: link_staff(staff_id, supporter, _supporter_centre),
        )
    except (BadUserInput, NotFound) as exc:
        raise _fail(exc.message) from exc
    err.print(f"{staff_id} is tied to the peer supporter {supporter}; issue them a new token")


@staff_app.command("unlink")
def staff_unlink(
    staff_id: Annotated[str, typer.Argument(help="The staff member (stf_...).")],
    data_dir: DataDir = None,
) -> None:
    """Untie a staff member from their peer-supporter record; their tokens that name it stop
    at the next request."""
    from saathi.errors import NotFound
    from services.consent.domain.accounts import unlink_staff

    settings = _settings(data_dir)
    try:
        was = _with_consent_db(settings, lambda: unlink_staff(staff_id))
    except NotFound as exc:
        raise _fail(exc.message) from exc
    if was.supporter_id is None:
        err.print(f"{staff_id} was not tied to a peer supporter")
    else:
        err.print(
            f"{staff_id} is no longer the peer supporter {was.supporter_id}; "
            "their tokens that name it are refused from now on"
        )


@app.command()
def token(
    ids: Annotated[list[str], typer.Argument(help="Participant or staff ids.")],
    data_dir: DataDir = None,
) -> None:
    """Print an access token for each existing participant or staff member, one a line."""
    from saathi.errors import NotFound
    from saathi.runtime import signing_key_for
    from services.consent.domain.accounts import token_for

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


def _with_databases(
    settings: Settings, components: list[str], work: Callable[[], Awaitable[T]]
) -> T:
    from saathi.database import close_databases, open_databases

    async def run() -> T:
        await open_databases(settings, components)
        try:
            return await work()
        finally:
            await close_databases()

    return asyncio.run(run())


@app.command()
def seed(
    synthetic: Annotated[
        bool, typer.Option("--synthetic", help="A large synthetic directory (load tests).")
    ] = False,
    groups: Annotated[int, typer.Option(help="How many groups.", min=0)] = 1000,
    cities: Annotated[int, typer.Option(help="Across how many synthetic cities.", min=1)] = 10,
    rng_seed: Annotated[int, typer.Option("--seed", help="The random seed.")] = 7,
    data_dir: DataDir = None,
) -> None:
    """Seed a large synthetic directory (load tests).

    With --synthetic: N groups across M cities near real Indian cities, with centres and peer
    supporters to match, and their sessions; the same parameters add nothing the second time.
    The demo network is seeded by saathi up."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from network.synthetic import seed_network
    from services.directory.domain.synthetic import SyntheticPlan

    if not synthetic:
        raise _fail("say what to seed: --synthetic (the demo network is seeded by saathi up)")
    settings = _settings(data_dir, may_create=True)
    plan = SyntheticPlan(groups=groups, cities=cities, seed=rng_seed)
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]seeding[/bold] {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
    ) as progress:
        task = progress.add_task(f"{groups} groups in {cities} cities", total=groups)
        now = datetime.now(UTC)
        seeded = _with_databases(
            settings,
            ["directory", "sessions"],
            lambda: seed_network(plan, now, progress=lambda n: progress.advance(task, n)),
        )
    err.print(
        f"added {seeded.centres} centres, {seeded.supporters} supporters, "
        f"{seeded.groups} groups; materialised {seeded.sessions} sessions"
    )


@app.command("import")
def import_feed(
    url: Annotated[str, typer.Argument(help="The feed: a file:// path or an http(s) URL.")],
    centre: Annotated[str, typer.Option("--centre", help="The centre the groups belong to.")],
    data_dir: DataDir = None,
) -> None:
    """Import a partner's Meeting Guide (TSML) feed into a centre's groups (idempotent).

    Timetables go to sessions: over HTTP when SAATHI_SESSIONS_URL is set, else in this process
    through the sessions app on its own database. Any that cannot be sent stay queued in the
    directory's outbox, and the directory sends them when it next starts or writes a group.
    """
    from saathi.errors import SaathiError
    from services.directory.domain.imports import ImportReport, import_tsml, read_feed
    from services.directory.domain.timetables import PushReport

    settings = _settings(data_dir)

    async def work() -> tuple[ImportReport, PushReport]:
        report = await import_tsml(await read_feed(url), centre)
        return report, await _push_timetables(settings)

    components = ["directory"] if "sessions" in settings.service_urls else ["directory", "sessions"]
    try:
        report, pushed = _with_databases(settings, components, work)
    except SaathiError as exc:
        raise _fail(exc.message) from exc
    for line in report.details:
        err.print(line)
    if pushed.pending:
        err.print(
            f"{pushed.pending} timetables queued for sessions "
            "(sent when the directory next starts or writes a group)"
        )
    print(report.summary())


async def _push_timetables(settings: Settings) -> Any:
    """Send the directory's queued timetables to sessions (in process unless it has a URL)."""
    from network.assembly import build_subgraph
    from saathi.peers import Peers
    from saathi.runtime import peers_for
    from services.directory.domain.timetables import push_pending

    # The directory's own calls, signed with the directory's service key.
    peers = peers_for(settings, "directory")
    if "sessions" not in settings.service_urls:
        sessions = build_subgraph("sessions", settings, peers=Peers(), manage_database=False)
        peers.attach_app("sessions", sessions)
    try:
        return await push_pending(peers)
    finally:
        await peers.aclose()


@app.command("backup")
def backup_command(
    target: Annotated[Path, typer.Argument(help="A new folder for the backup.")],
    data_dir: DataDir = None,
) -> None:
    """Back up the embedded default's data dir while the network serves: databases/,
    key-stores/ and secrets/, three parts to store apart (docs/OPERATIONS.md)."""
    from saathi.backup import BackupRefused, backup

    settings = _settings(data_dir)
    try:
        report = backup(settings, target)
    except BackupRefused as exc:
        raise _fail(str(exc)) from exc
    for part, names in report.files.items():
        for name in names:
            print(f"{part}/{name}")
    for name in report.unknown:
        err.print(f"[yellow]not backed up (unknown file):[/yellow] {name}")
    for name in report.elsewhere:
        err.print(f"[yellow]{name} is on PostgreSQL:[/yellow] back its database up with pg_dump")
    err.print(
        f"backed up in {report.seconds:.2f}s; store key-stores/ apart from databases/, and only "
        "for days: an old key store beside an old database undoes erasures"
    )


@app.command("restore")
def restore_command(
    source: Annotated[Path, typer.Argument(help="A backup folder holding its three parts.")],
    data_dir: DataDir = None,
) -> None:
    """Restore a backup into a new (empty) data dir; start it with saathi up, which applies
    any migrations this version adds."""
    from saathi.backup import BackupRefused, restore

    settings = _settings(data_dir, may_create=True)  # restore refuses a dir that is not empty
    try:
        report = restore(source, settings)
    except BackupRefused as exc:
        raise _fail(str(exc)) from exc
    count = sum(len(names) for names in report.files.values())
    err.print(f"restored {count} files into {settings.data_dir} in {report.seconds:.2f}s")


keys_app = typer.Typer(help="The network's token-signing keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("rotate")
def keys_rotate(data_dir: DataDir = None) -> None:
    """Put a new token-signing key in place; the old key's public half stays in the JWKS until
    the last access token and consent receipt it signed has expired, then leaves it.

    Run it with the consent service's data dir (shared by its replicas, which pick the new key
    up within seconds); prints the new key id."""
    import time

    from saathi.keys import rotate_signing_key
    from services.consent import repository

    settings = _settings(data_dir)
    last_receipt = _with_consent_db(settings, repository.last_receipt_expiry)
    # Access and partner tokens live access_token_ttl, verified with a 30 s leeway.
    until = int(time.time()) + settings.access_token_ttl + 60
    if last_receipt is not None:
        until = max(until, int(last_receipt.timestamp()) + 60)
    old, new = rotate_signing_key(settings.data_dir, until)
    err.print(
        f"new signing key {new}; {old} stays published until "
        f"{datetime.fromtimestamp(until, UTC).isoformat(timespec='seconds')}"
    )
    print(new)


@keys_app.command("init-secrets")
def keys_init_secrets(
    out: Annotated[Path, typer.Argument(help="A new folder: one subfolder of files per host.")],
) -> None:
    """Make every key of a distributed deployment once and write each host's secret files
    (its own service key, its callers' public keys; consent's signing, master and audit keys;
    sessions' master key) into OUT/<host>/, for deploy/compose.yaml and Kubernetes Secrets."""
    from network.secrets import write_secrets

    restrict_umask()
    try:
        written = write_secrets(out)
    except FileExistsError as exc:
        raise _fail(str(exc)) from exc
    for host, names in written.items():
        for name in names:
            print(f"{host}/{name}")


@keys_app.command("list")
def keys_list(data_dir: DataDir = None) -> None:
    """Print the published signing keys: the current one, then retired ones and until when."""
    from saathi.keys import load_or_create_signing_key, retired_keys

    settings = _settings(data_dir)
    print(f"{load_or_create_signing_key(settings.data_dir).kid} current")
    for retired in retired_keys(settings.data_dir):
        state = "published until" if retired.published else "expired"
        until = datetime.fromtimestamp(retired.until, UTC).isoformat(timespec="seconds")
        print(f"{retired.jwk['kid']} {state} {until}")


partner_app = typer.Typer(help="Partner centres' own systems.", no_args_is_help=True)
audit_app = typer.Typer(help="Audit the data-access logs.", no_args_is_help=True)
consent_app = typer.Typer(help="Consents and their receipts.", no_args_is_help=True)
app.add_typer(partner_app, name="partner")
app.add_typer(audit_app, name="audit")
app.add_typer(consent_app, name="consent")


@partner_app.command("add")
def partner_add(
    centre: Annotated[str, typer.Option("--centre", help="The partner's centre id.")],
    public_key: Annotated[
        Path, typer.Option("--public-key", help="The partner's Ed25519 public key (PEM file).")
    ],
    data_dir: DataDir = None,
) -> None:
    """Register a partner system's Ed25519 key; prints its client id."""
    from saathi.errors import BadUserInput
    from services.consent.domain.accounts import add_partner

    settings = _settings(data_dir)
    if not public_key.is_file():
        raise _fail(f"no public key file at {public_key}")
    pem = public_key.read_bytes()
    try:
        client_id = _with_consent_db(settings, lambda: add_partner(centre, pem))
    except BadUserInput as exc:
        raise _fail(exc.message) from exc
    print(client_id)


@audit_app.command("verify")
def audit_verify(
    head: Annotated[
        list[str] | None,
        typer.Option(
            "--head",
            help="A signed head a participant kept (the signature of their log's signedHead); "
            "repeatable. Fails when the log or the anchor file no longer holds it.",
        ),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Check every data-access log against the anchor file of signed heads; exit 1 naming any
    entry edited, removed or reordered, any log removed, any anchor line edited or removed."""
    from services.consent.domain.access_log import (
        LogAudit,
        audit,
        check_held_head,
        participants_with_logs,
    )
    from services.consent.domain.anchor import ANCHOR_FILE, LineInvalid
    from services.consent.domain.audit_key import load_audit_key

    settings = _settings(data_dir)
    key = load_audit_key(settings.data_dir)
    anchor_path = settings.data_dir / ANCHOR_FILE

    async def walk() -> tuple[LogAudit, list[str]] | int:
        if key is None:
            return len(await participants_with_logs())
        report = await audit(key, settings.data_dir)
        held: list[str] = []
        for token in head or []:
            try:
                problems = await check_held_head(key, settings.data_dir, token.strip())
            except LineInvalid as exc:
                problems = [str(exc)]
            held += [f"signed head {token.strip()[-12:]}: {problem}" for problem in problems]
        return report, held

    outcome = _with_consent_db(settings, walk)
    if isinstance(outcome, int):
        if outcome or head or anchor_path.exists():
            raise _fail(
                f"no audit key in {settings.data_dir} to check the logs with "
                "(run it with the consent service's --data-dir)"
            )
        err.print("[green]ok[/green]: 0 participant log(s) intact")
        return
    report, held = outcome
    for found in report.breaks:
        print(f"BROKEN {found}")
    for problem in held:
        print(f"BROKEN {problem}")
    if report.breaks or held:
        err.print(
            f"[red]{len(report.breaks) + len(held)} break(s)[/red] in {report.checked} "
            "participant log(s)"
        )
        raise typer.Exit(code=1)
    err.print(
        f"[green]ok[/green]: {report.checked} participant log(s) intact; anchor: "
        f"{report.anchor_lines} signed line(s), tail {report.anchor_tail}"
    )


@audit_app.command("key")
def audit_key(data_dir: DataDir = None) -> None:
    """Print the public key (JWK) that verifies the access log's signed heads, for participants
    and auditors to check a head they kept without this data dir."""
    import json

    from services.consent.domain.audit_key import load_audit_key

    settings = _settings(data_dir)
    key = load_audit_key(settings.data_dir)
    if key is None:
        raise _fail(f"no audit key in {settings.data_dir} (the consent service makes it)")
    print(json.dumps(key.public_jwk(), sort_keys=True))


@consent_app.command("verify")
def consent_verify(
    receipt: Annotated[str, typer.Argument(help="The consent receipt (compact JWS).")],
    data_dir: DataDir = None,
) -> None:
    """Check a consent receipt against this network's keys (SAATHI_JWKS_URL, else the local
    key); prints its claims as JSON and, where the consent database is at hand, the consent's
    status now. Exit 0: valid and ACTIVE (or status unknown); 1: not a valid receipt (an access
    token is not one); 2: a valid receipt whose consent was revoked or has expired."""
    import json

    from saathi.runtime import signing_key_for
    from services.consent.domain.consents import ReceiptInvalid, verify_receipt

    settings = _settings(data_dir)
    jwks = None if settings.jwks_url else signing_key_for(settings).jwks()
    try:
        claims = verify_receipt(receipt.strip(), jwks, settings.jwks_url)
    except ReceiptInvalid as exc:
        err.print(f"[red]invalid:[/red] {exc}", soft_wrap=True)
        raise typer.Exit(code=1) from exc
    print(json.dumps(claims, indent=2, sort_keys=True))
    status = _consent_status(settings, str(claims["consent"]))
    err.print(f"status: {status}", soft_wrap=True)
    if status in ("REVOKED", "EXPIRED", "UNKNOWN"):
        raise typer.Exit(code=2)


def _consent_status(settings: Settings, consent_id: str) -> str:
    """ACTIVE, REVOKED or EXPIRED from the consent database; UNKNOWN when it holds no such
    consent (erased); a note when there is no database here to ask (a remote verifier)."""
    if (
        "consent" not in settings.database_urls
        and not Path(settings.database_url("consent").removeprefix("sqlite://")).is_file()
    ):
        return "not checked (no consent database here; revocation is only known to it)"
    from services.consent import repository
    from services.consent.domain.consents import consent_status

    found = _with_consent_db(settings, lambda: repository.consent_by_id(consent_id))
    if found is None:
        return "UNKNOWN"
    return consent_status(found, datetime.now(UTC)).value


def main() -> None:
    """The ``saathi`` console script. Whatever goes wrong ends in one line on stderr and a
    non-zero exit, never a traceback: 2 for input the command refuses (a usage error, an
    unknown id, a bad file), 1 for anything unexpected (``SAATHI_DEBUG=1`` shows its
    traceback), 130 for Ctrl-C."""
    import os

    try:  # typer 0.2x carries its own copy of click: the errors it raises are that copy's
        from typer._click import exceptions as click
    except ImportError:  # pragma: no cover - older typer raises click's own
        from click import exceptions as click  # type: ignore[no-redef]

    from saathi.errors import SaathiError

    try:
        code = app(standalone_mode=False, prog_name="saathi")
    except (KeyboardInterrupt, typer.Abort):
        sys.exit(130)
    except click.NoArgsIsHelpError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.ClickException as exc:  # a wrong option, a missing argument, a bad value
        where = (
            f" (see {exc.ctx.command_path} --help)"
            if isinstance(exc, click.UsageError) and exc.ctx
            else ""
        )
        _error(f"{exc.format_message()}{where}")
        sys.exit(exc.exit_code)
    except SaathiError as exc:
        _error(exc.message)
        sys.exit(2)
    except OSError as exc:
        if os.environ.get("SAATHI_DEBUG"):
            raise
        named = f": {exc.filename}" if exc.filename else ""
        _error(f"{exc.strerror or exc}{named}")
        sys.exit(1)
    except Exception as exc:
        if os.environ.get("SAATHI_DEBUG"):
            raise
        _error(f"unexpected {type(exc).__name__}: {exc} (SAATHI_DEBUG=1 shows where)")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _error(message: str) -> None:
    """One line, whatever the message held."""
    err.print(f"[red]error:[/red] {' '.join(str(message).split())}", markup=True, highlight=False)
