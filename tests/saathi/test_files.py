"""Files private by default: the data dir is 0700 and every file in it 0600, whatever the umask."""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from network.assembly import EmbeddedNetwork
from saathi.files import replace_private
from saathi.settings import load_settings
from tests.conftest import operation


@pytest.fixture(params=[0o022, 0o000], ids=["umask-022", "umask-000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    value: int = request.param
    previous = os.umask(value)
    try:
        yield value
    finally:
        os.umask(previous)


def _loose(data_dir: Path) -> dict[str, str]:
    """Every path under ``data_dir`` whose mode is not 0700 (dirs) or 0600 (files)."""
    found = {}
    for path in [data_dir, *data_dir.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        wanted = 0o700 if path.is_dir() else 0o600
        if mode != wanted:
            found[str(path.relative_to(data_dir))] = oct(mode)
    return found


async def _run(
    client: httpx.AsyncClient, name: str, token: str | None = None, **vars_: str
) -> dict:  # type: ignore[type-arg]
    file = "consent" if name == "DeleteMyAccount" else "mobile"
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": operation(file, name), "variables": vars_}, headers=headers
    )
    body: dict[str, Any] = response.json()
    return body


async def _sign_in_and_erase(network: EmbeddedNetwork, data_dir: Path) -> None:
    app = network.build()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as client,
    ):
        contact = "+919811111111"
        await _run(client, "RequestLoginCode", contact=contact)
        lines = (data_dir / "outbox.jsonl").read_text().splitlines()
        code = json.loads(lines[-1])["code"]
        verified = await _run(client, "VerifyLoginCode", contact=contact, code=code)
        token = verified["data"]["verifyLoginCode"]["accessToken"]
        erased = await _run(client, "DeleteMyAccount", token=token)
        assert erased["data"]["deleteMyAccount"]["deleted"] is True


async def test_a_new_data_dir_is_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    # given a fresh data dir, made under a loose umask
    data_dir = tmp_path / "data"
    network = EmbeddedNetwork(load_settings({}, data_dir=data_dir), demo=False)

    # when the network starts, someone signs in (the outbox is written) and erases the account
    await _sign_in_and_erase(network, data_dir)

    # then every path under the data dir is the owner's only
    names = {p.name for p in data_dir.rglob("*")}
    assert {"consent.sqlite3", "master.key", "outbox.jsonl", "consent.keys.sqlite3"} <= names
    assert _loose(data_dir) == {}


async def test_an_old_data_dir_with_loose_modes_is_made_private_at_start(
    seeded_dir: Path, tmp_path: Path, umask: int
) -> None:
    # given a data dir of an older version: 0755 and 0644 everywhere
    data_dir = tmp_path / "data"
    shutil.copytree(seeded_dir, data_dir)
    for path in [data_dir, *data_dir.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)

    # when the network starts on it
    await _sign_in_and_erase(EmbeddedNetwork(load_settings({}, data_dir=data_dir)), data_dir)

    # then its modes are fixed
    assert _loose(data_dir) == {}


def test_a_replaced_file_is_private_and_complete(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        target = tmp_path / "dir" / "file"
        replace_private(target, b"first\n")
        replace_private(target, b"second\n")
    finally:
        os.umask(previous)

    assert target.read_bytes() == b"second\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700
    assert [p.name for p in target.parent.iterdir()] == ["file"]
