"""GraphiQL's page and pinned assets come from the package itself, same origin, under a strict CSP.

The browser test (test_graphiql_browser.py) proves the page works offline; these prove what it
is made of without a browser.
"""

from __future__ import annotations

import hashlib
import re

import httpx

from gateway import GatewaySettings
from gateway.graphiql import ASSET_PATH, ASSETS, asset_bytes
from tests.gateway.conftest import ClientFactory


def test_every_npm_asset_is_the_pinned_build_and_each_package_ships_its_licence() -> None:
    pinned = [asset for asset in ASSETS.values() if asset.package]

    digests = {a.name: hashlib.sha256(asset_bytes(a.name)).hexdigest() for a in pinned}

    assert digests == {a.name: a.sha256 for a in pinned}
    packages = {a.package for a in pinned}
    assert packages == {"react@18.3.1", "react-dom@18.3.1", "graphiql@3.8.3"}
    licensed = {a.package for a in pinned if a.source == "LICENSE"}
    assert licensed == packages
    assert all(b"MIT License" in asset_bytes(a.name) for a in pinned if a.source == "LICENSE")


async def test_the_page_loads_only_its_own_assets_under_a_self_only_policy(
    make_client: ClientFactory,
) -> None:
    client = make_client(GatewaySettings(development=True))

    page = await client.get("/graphql", headers={"Accept": "text/html"})

    assert page.status_code == 200
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in page.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "<style" not in page.text
    assert re.findall(r"<script>", page.text) == []  # no inline script: the policy forbids it
    loaded = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert loaded
    assert all(url.startswith(ASSET_PATH) for url in loaded), loaded
    for url in loaded:
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert asset.content == asset_bytes(url.removeprefix(ASSET_PATH))
        assert asset.headers["content-type"].split(";")[0] in {"text/javascript", "text/css"}
        assert asset.headers["x-content-type-options"] == "nosniff"


async def test_licences_are_served_beside_the_assets(make_client: ClientFactory) -> None:
    client = make_client(GatewaySettings(development=True))

    licence = await client.get(f"{ASSET_PATH}graphiql.LICENSE")

    assert licence.status_code == 200
    assert licence.headers["content-type"].startswith("text/plain")
    assert "GraphQL Contributors" in licence.text


async def test_only_listed_assets_are_served(make_client: ClientFactory) -> None:
    client = make_client(GatewaySettings(development=True))

    for path in ("nope.js", "..%2Fapp.py", "%2E%2E/graphiql.py", "__init__.py"):
        answer = await client.get(f"{ASSET_PATH}{path}")
        assert answer.status_code == 404, path


async def test_assets_are_not_served_in_production(client: httpx.AsyncClient) -> None:
    answer = await client.get(f"{ASSET_PATH}graphiql.min.js")

    assert answer.status_code == 404
