"""Typed settings from ``SAATHI_*`` environment variables, defaulting to the embedded network."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

COMPONENTS = ("directory", "sessions", "consent")
DEFAULT_PORTS = {"gateway": 4000, "directory": 4001, "sessions": 4002, "consent": 4003}

DEFAULT_DATA_DIR = Path(".saathi")


@dataclass(frozen=True)
class Settings:
    """Everything a component needs to start; one frozen object passed down explicitly.

    ``database_urls`` maps a component to its database URL; a component missing from it gets a
    SQLite file of its own in ``data_dir`` (the embedded default).
    """

    data_dir: Path = DEFAULT_DATA_DIR
    database_urls: Mapping[str, str] = field(default_factory=dict)
    issuer: str = "saathi"
    audience: str = "saathi-network"
    access_token_ttl: int = 15 * 60
    refresh_token_ttl: int = 30 * 24 * 3600
    login_code_ttl: int = 10 * 60
    login_code_attempts: int = 5
    jwks_url: str | None = None
    service_urls: Mapping[str, str] = field(default_factory=dict)
    development: bool = True
    # Where clients reach the gateway; the partner token endpoint's audience is derived from it,
    # never from a request's own Host or X-Forwarded-Host headers.
    public_url: str = "http://127.0.0.1:4000"
    # Addresses of proxies in front of the gateway whose X-Forwarded-* headers are believed.
    trusted_proxies: frozenset[str] = frozenset()
    # Apply pending migrations when a process opens its databases (the embedded default); a
    # ``saathi serve`` process instead refuses a database that is behind (saathi.migrations).
    migrate_on_start: bool = True

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "outbox.jsonl"

    def key_store_path(self, component: str) -> Path:
        """Where ``component`` keeps its people's data keys: a file of its own, apart from its
        database (see ``saathi.keystore``), also when the database is PostgreSQL."""
        return self.keys_dir / f"{component}.keys.sqlite3"

    @property
    def keys_dir(self) -> Path:
        """Each component's own service key, the public keys of the others, and the stores of
        people's data keys."""
        return self.data_dir / "keys"

    def database_url(self, component: str) -> str:
        if component in self.database_urls:
            return self.database_urls[component]
        return f"sqlite://{self.data_dir / f'{component}.sqlite3'}"

    def service_url(self, component: str) -> str:
        """Where ``component`` listens in the distributed topology (its base URL)."""
        default = f"http://127.0.0.1:{DEFAULT_PORTS[component]}"
        return self.service_urls.get(component, default).rstrip("/")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


def load_settings(
    env: Mapping[str, str] | None = None, *, data_dir: Path | None = None
) -> Settings:
    """Read settings from the environment (``os.environ`` by default).

    ``SAATHI_DATABASE_URL`` sets one URL for every component (PostgreSQL schemas are kept apart
    by table names); ``SAATHI_<COMPONENT>_DATABASE_URL`` overrides it per component.
    """
    env = os.environ if env is None else env
    shared_url = env.get("SAATHI_DATABASE_URL")
    urls: dict[str, str] = {}
    services: dict[str, str] = {}
    for component in COMPONENTS:
        url = env.get(f"SAATHI_{component.upper()}_DATABASE_URL") or shared_url
        if url:
            urls[component] = url
        service_url = env.get(f"SAATHI_{component.upper()}_URL")
        if service_url:
            services[component] = service_url
    return Settings(
        data_dir=data_dir or Path(env.get("SAATHI_DATA_DIR") or DEFAULT_DATA_DIR),
        database_urls=urls,
        issuer=env.get("SAATHI_ISSUER", "saathi"),
        audience=env.get("SAATHI_AUDIENCE", "saathi-network"),
        access_token_ttl=_int(env, "SAATHI_ACCESS_TOKEN_TTL", 15 * 60),
        refresh_token_ttl=_int(env, "SAATHI_REFRESH_TOKEN_TTL", 30 * 24 * 3600),
        login_code_ttl=_int(env, "SAATHI_LOGIN_CODE_TTL", 10 * 60),
        jwks_url=env.get("SAATHI_JWKS_URL") or None,
        service_urls=services,
        development=env.get("SAATHI_ENV", "development") == "development",
        public_url=(env.get("SAATHI_PUBLIC_URL") or "http://127.0.0.1:4000").rstrip("/"),
        trusted_proxies=frozenset(
            address.strip()
            for address in env.get("SAATHI_TRUSTED_PROXIES", "").split(",")
            if address.strip()
        ),
    )
