"""The one-process network, seeded once per test session and copied for each test."""

from __future__ import annotations

import asyncio
import functools
import json
import shutil
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway import SubgraphSpec, compose
from network import assembly
from network.assembly import EmbeddedNetwork
from saathi.keys import load_or_create_signing_key
from saathi.keystore import KeyStore
from saathi.peers import Peers
from saathi.settings import Settings, load_settings
from saathi.tokens import Role, mint_access_token
from tests.conftest import operation

PUNE = {"lat": 18.52, "lng": 73.85}


def _settings(data_dir: Path) -> Settings:
    return load_settings({}, data_dir=data_dir)


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with the demo network seeded once; each test works on its own copy."""
    data_dir = tmp_path_factory.mktemp("seeded")

    async def seed() -> None:
        app = EmbeddedNetwork(_settings(data_dir)).build()
        async with app.router.lifespan_context(app):
            pass

    asyncio.run(seed())
    return data_dir


@dataclass
class Network:
    client: httpx.AsyncClient
    settings: Settings
    peers: dict[str, Peers]
    keys: KeyStore  # the sessions service's key store

    def token(
        self,
        subject: str,
        role: Role,
        centre_id: str | None = None,
        supporter_id: str | None = None,
    ) -> str:
        """An access token for ``subject`` signed with this network's own key, as consent
        would issue it (naming the staff member's peer-supporter record when given)."""
        return mint_access_token(
            load_or_create_signing_key(self.settings.data_dir),
            subject=subject,
            role=role,
            centre_id=centre_id,
            supporter_id=supporter_id,
            issuer=self.settings.issuer,
            audience=self.settings.audience,
            ttl_seconds=900,
        )

    async def run(
        self, file: str, name: str, token: str | None = None, **variables: Any
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post(
            "/graphql",
            json={"query": operation(file, name), "operationName": name, "variables": variables},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def sign_in(self, contact: str) -> dict[str, Any]:
        sent = await self.run("mobile", "RequestLoginCode", contact=contact)
        assert sent["data"]["requestLoginCode"]["sent"] is True
        lines = self.settings.outbox_path.read_text().splitlines()
        code = [json.loads(line) for line in lines if json.loads(line)["to"] == contact][-1]["code"]
        verified = await self.run("mobile", "VerifyLoginCode", contact=contact, code=code)
        return verified["data"]["verifyLoginCode"]


@functools.cache
def _composed(specs: tuple[SubgraphSpec, ...]) -> str:
    return compose(list(specs))


def _compose_once(specs: Sequence[SubgraphSpec]) -> str:
    """``compose`` as the network calls it at start-up, computed once per set of subgraph SDLs:
    it is a pure function of them, and the same for every test's network (0.3 s each)."""
    return _composed(tuple(specs))


@pytest.fixture
async def network(
    seeded_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Network]:
    monkeypatch.setattr(assembly, "compose", _compose_once)
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_dir, data_dir)
    settings = _settings(data_dir)
    embedded = EmbeddedNetwork(settings)
    app = embedded.build()
    assert embedded.peers is not None
    assert embedded.sessions_keys is not None
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://saathi") as client:
            yield Network(client, settings, embedded.peers, embedded.sessions_keys)
