"""`saathi serve gateway --supergraph FILE` with a supergraph of subgraphs that are not Saathi's:
served at each subgraph's join__graph URL, without Saathi's service tokens; refused at start,
naming the element, when it cannot be served."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import typer

from gateway import compose
from network.cli import _gateway_app
from saathi.settings import load_settings
from tests.gateway import shapes
from tests.gateway.serving import serve_subgraphs


async def test_a_supergraph_of_other_subgraphs_is_served_without_saathis_tokens(
    tmp_path: Path,
) -> None:
    # given the shape subgraphs, served over HTTP, and their supergraph in a file
    with serve_subgraphs(shapes.SCHEMAS) as urls:
        path = tmp_path / "supergraph.graphql"
        path.write_text(compose(shapes.specs(urls)))
        app = _gateway_app(load_settings({}, data_dir=tmp_path), path)

        # when
        try:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://gateway.test"
            ) as client:
                response = await client.post(
                    "/graphql", json={"query": "{ info { extra } parent { child { y } } }"}
                )
        finally:
            await app.state.gateway.transport.aclose()

    # then
    assert response.json() == {
        "data": {"info": {"extra": "only here"}, "parent": {"child": {"y": "y-of-pa"}}}
    }
    assert app.state.gateway.hooks == ()  # no service token hook, no revocation check


def test_a_supergraph_that_cannot_be_served_is_refused_naming_the_element(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(compose(shapes.specs()).replace('requires: "stock"', 'requires: "stockLevel"'))

    with pytest.raises(typer.Exit):
        _gateway_app(load_settings({}, data_dir=tmp_path), path)

    assert 'has no field "stockLevel"' in capsys.readouterr().err.replace("\n", "")
