"""The README's snippets, run as a newcomer would run them against ``saathi up``.

Every GraphQL block in order (find ids, sign in, book a seat), with the ids and the login code
each step gives put where the README says ``ses_...`` or ``123456``; then the partner example's
shell block and its ``partner.py``, verbatim but for the ids. If the README drifts from what
the network answers, this fails.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.running import BIN, free_port, saathi_up

README = (Path(__file__).parents[1] / "README.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, re.S | re.M)


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """One ``saathi up`` for the module, its public URL (partners' token audience) its own."""
    data = tmp_path_factory.mktemp("readme") / "data"
    port = free_port()
    with saathi_up(data, port=port, env={"SAATHI_PUBLIC_URL": f"http://127.0.0.1:{port}"}) as url:
        yield url, data


def _run(url: str, query: str, token: str | None = None) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    body: dict[str, Any] = httpx.post(
        f"{url}/graphql", json={"query": query}, headers=headers, timeout=30
    ).json()
    assert "errors" not in body, json.dumps(body)[:800]
    data: dict[str, Any] = body["data"]
    return data


def test_the_graphql_blocks_find_ids_sign_in_and_book(network: tuple[str, Path]) -> None:
    url, data_dir = network
    # the first six walk through the demo; later ones document operations
    first, centres, nearby, request_code, verify_code, book = blocks("graphql")[:6]

    # the first query: groups near Pune
    assert _run(url, first)["nearbyGroups"]["totalCount"] >= 1
    # finding ids
    pune = _run(url, centres)["centres"]["edges"]
    assert pune
    assert all(edge["node"]["id"].startswith("ctr_") for edge in pune)
    edges = _run(url, nearby)["nearbyGroups"]["edges"]
    open_sessions = [
        e["node"]["nextSession"]
        for e in edges
        if e["node"]["nextSession"] and e["node"]["nextSession"]["seatsLeft"]
    ]
    assert open_sessions
    session_id = open_sessions[0]["id"]
    assert session_id.startswith("ses_")
    # signing in with the code from the outbox
    assert _run(url, request_code)["requestLoginCode"]["sent"] is True
    last = json.loads((data_dir / "outbox.jsonl").read_text().splitlines()[-1])
    assert '"123456"' in verify_code
    signed_in = _run(url, verify_code.replace('"123456"', json.dumps(last["code"])))
    token = signed_in["verifyLoginCode"]["accessToken"]
    assert token
    # booking the session found
    assert '"ses_..."' in book
    booked = _run(url, book.replace('"ses_..."', json.dumps(session_id)), token=token)
    assert booked["bookSession"]["error"] is None
    assert booked["bookSession"]["booking"]["status"] == "CONFIRMED"
    assert booked["bookSession"]["booking"]["session"]["id"] == session_id


def test_every_peer_support_example_is_an_operation_the_network_accepts(
    network: tuple[str, Path],
) -> None:
    """The reference block (one operation a line, placeholders for ids, roles in comments):
    each parses and validates against the composed schema; without a token it is refused or
    answered, never rejected as a document."""
    url, _ = network
    reference = blocks("graphql")[6]
    operations = [line for line in reference.splitlines() if line and not line.startswith("#")]
    assert len(operations) >= 20
    for operation in operations:
        body = httpx.post(f"{url}/graphql", json={"query": operation}, timeout=30).json()
        codes = {error.get("extensions", {}).get("code") for error in body.get("errors", [])}
        assert not codes & {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"}, (
            operation,
            json.dumps(body)[:600],
        )


def test_the_partner_example_gets_a_token_and_syncs(
    network: tuple[str, Path], tmp_path: Path
) -> None:
    url, data_dir = network
    shell = next(block for block in blocks("sh") if "partner add" in block)
    script = next(block for block in blocks("python") if "syncAvailability" in block)
    groups = _run(url, blocks("graphql")[2])["nearbyGroups"]["edges"]
    group = groups[0]["node"]
    (tmp_path / "partner.py").write_text(script)
    shell = (
        shell.replace("ctr_...", group["centre"]["id"])
        .replace("grp_...", group["id"])
        .replace(".venv/bin/", f"{BIN}/")
    )

    ran = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", shell],
        cwd=tmp_path,
        env={
            **os.environ,
            "SAATHI_DATA_DIR": str(data_dir),
            "SAATHI_PUBLIC_URL": url,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip().splitlines()[-1] == "{'accepted': 1, 'rejected': []}"


def test_no_paragraph_starts_on_a_code_fence_line() -> None:
    lines = README.splitlines()
    fences = [i for i, line in enumerate(lines) if line.startswith("```")]

    glued = [lines[i] for i in fences if lines[i].strip("`").strip().startswith(("`", " "))]
    after_closing = [
        lines[i + 1] for i in fences[1::2] if i + 1 < len(lines) and lines[i + 1].strip()
    ]

    assert glued == []
    assert after_closing == []
