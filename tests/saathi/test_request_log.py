"""The request log: one INFO line per request, and nothing personal in it."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from saathi.request_log import RequestLog
from tests.running import saathi_up

TOKEN = "eyJhbGciOiJFZERTQSJ9.c2VjcmV0LXN1YmplY3Q.c2lnbmF0dXJl"


async def _graphql(request: Request) -> Response:
    await request.body()
    return JSONResponse({"data": {}}, headers={"x-request-id": "req-42"})


async def _boom(_: Request) -> Response:
    raise RuntimeError("broken")


def _client() -> httpx.AsyncClient:
    app = Starlette(
        routes=[
            Route("/graphql", _graphql, methods=["GET", "POST"]),
            Route("/boom", _boom),
        ]
    )
    transport = httpx.ASGITransport(app=RequestLog(app), raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://edge")


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "saathi.requests"]


async def test_one_info_line_per_request_with_method_path_status_duration(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, "saathi.requests")
    async with _client() as client:
        await client.post("/graphql", json={"query": "{ me { id } }"})
        await client.get("/nowhere")

    lines = _lines(caplog)

    assert len(lines) == 2
    method, path, status, duration, unit, request_id = lines[0].split(" ")
    assert (method, path, status, unit, request_id) == (
        "POST",
        "/graphql",
        "200",
        "ms",
        "id=req-42",
    )
    assert float(duration) >= 0
    assert lines[1].split(" ")[:3] == ["GET", "/nowhere", "404"]
    assert {r.levelno for r in caplog.records if r.name == "saathi.requests"} == {logging.INFO}


async def test_no_token_no_query_no_variables_no_body_no_address(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, "saathi.requests")
    secret_contact = "+919800000001"
    async with _client() as client:
        await client.get(
            "/graphql",
            params={
                "query": "query($c: String!) { x(contact: $c) }",
                "variables": f'{{"c": "{secret_contact}"}}',
            },
            headers={"authorization": f"Bearer {TOKEN}"},
        )
        await client.post(
            "/graphql",
            json={"query": "mutation { requestLoginCode }", "variables": {"c": secret_contact}},
            headers={"authorization": f"Bearer {TOKEN}"},
        )

    text = "\n".join(_lines(caplog))

    assert len(_lines(caplog)) == 2
    for leaked in (TOKEN, "Bearer", secret_contact, "9800000001", "query", "variables", "127.0.0"):
        assert leaked not in text


async def test_a_failing_request_is_logged_as_500_and_a_path_cannot_forge_a_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, "saathi.requests")
    async with _client() as client:
        failed = await client.get("/boom")
        await client.get("/x%0Afake%20200")

    lines = _lines(caplog)

    assert failed.status_code == 500
    assert lines[0].split(" ")[:3] == ["GET", "/boom", "500"]
    assert "\n" not in lines[1]
    assert lines[1].startswith("GET /x?fake 200 404 ")


def test_saathi_up_prints_a_request_line_without_personal_data(tmp_path: Path) -> None:
    contact = "+919800000077"
    with saathi_up(tmp_path / "data") as url:
        httpx.post(
            f"{url}/graphql",
            json={
                "query": "mutation($c: String!) { requestLoginCode(contact: $c) { sent } }",
                "variables": {"c": contact},
            },
            headers={"authorization": f"Bearer {TOKEN}"},
        )
        httpx.get(
            f"{url}/graphql",
            params={"query": "{ __typename }", "variables": json.dumps({"c": contact})},
        )
        httpx.get(f"{url}/health")

    log = (tmp_path / "up.log").read_text()

    lines = re.findall(r"^\d\d:\d\d:\d\d (\S+ \S+ \d{3}) [\d.]+ ms", log, re.M)
    assert lines[-3:] == ["POST /graphql 200", "GET /graphql 200", "GET /health 200"]
    for leaked in (TOKEN, contact, "9800000077", "__typename", "requestLoginCode"):
        assert leaked not in log
