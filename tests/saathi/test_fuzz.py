"""Fuzzing the whole network through its gateway with schemathesis.

Every root field of the API schema gets generated operations, anonymous and signed in. Whatever
arrives, the network answers with a GraphQL response whose errors carry a stable code; never an
internal error, never a stack trace. Expected domain errors (NOT_FOUND, BAD_USER_INPUT, ...) are
fine: that is the clear error for bad input.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from graphql import print_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok

from gateway import api_schema
from network.assembly import EmbeddedNetwork
from network.demo import description as demo
from saathi.keys import load_or_create_signing_key
from saathi.settings import load_settings
from saathi.tokens import Role, mint_access_token

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_PER_FIELD = 25
SCHEMA = schemathesis.graphql.from_file(
    print_schema(api_schema((ROOT / "schema" / "supergraph.graphql").read_text()))
)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations() if isinstance(result, Ok)]
assert len(OPERATIONS) == len(list(SCHEMA.get_all_operations())), "the schema has a bad operation"


class Live:
    """The network running on its own event loop, driven from synchronous hypothesis tests."""

    def __init__(self, data_dir: Path) -> None:
        self.settings = load_settings({}, data_dir=data_dir)
        self.runner = asyncio.Runner()
        self.app = EmbeddedNetwork(self.settings).build()
        self.lifespan = self.app.router.lifespan_context(self.app)
        self.runner.run(self.lifespan.__aenter__())
        transport = httpx.ASGITransport(app=self.app)
        self.client = httpx.AsyncClient(transport=transport, base_url="http://saathi")
        key = load_or_create_signing_key(data_dir)
        self.token = mint_access_token(
            key,
            subject=demo.PARTICIPANTS[0].id,
            role=Role.PARTICIPANT,
            issuer=self.settings.issuer,
            audience=self.settings.audience,
            ttl_seconds=3600,
        )

    def post(self, body: dict[str, Any], signed_in: bool) -> httpx.Response:
        headers = {"authorization": f"Bearer {self.token}"} if signed_in else {}
        return self.runner.run(self.client.post("/graphql", json=body, headers=headers))

    def close(self) -> None:
        self.runner.run(self.client.aclose())
        self.runner.run(self.lifespan.__aexit__(None, None, None))
        self.runner.close()


@pytest.fixture(scope="module")
def live(seeded_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data_dir = tmp_path_factory.mktemp("fuzz") / "data"
    shutil.copytree(seeded_dir, data_dir)
    network = Live(data_dir)
    yield network
    network.close()


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_no_input_makes_the_network_fail_or_leak(live: Live, operation: Any) -> None:
    @settings(
        max_examples=EXAMPLES_PER_FIELD,
        deadline=None,
        database=None,
        derandomize=True,  # the same examples each run keep CI deterministic
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), signed_in=st.booleans())
    def check(case: Any, signed_in: bool) -> None:
        response = live.post({"query": case.body}, signed_in)
        text = response.text

        assert response.status_code == 200, text
        assert "Traceback" not in text
        assert 'File "' not in text
        body = response.json()
        assert "data" in body or "errors" in body
        for error in body.get("errors", []):
            code = error.get("extensions", {}).get("code")
            assert code, json.dumps(error)
            assert code != "INTERNAL_SERVER_ERROR", json.dumps(error)

    check()
