"""The lean subgraph HTTP client against a raw server that shows what goes over the wire."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest

from gateway import HttpTransport
from gateway.errors import SubgraphUnavailable

OK = b'{"data":{"ok":true}}'


@dataclass
class Wire:
    """A raw HTTP/1.1 server: what it received, on how many connections; `answer` decides."""

    answer: Callable[[int], bytes | None]  # request number → bytes to write, None: close
    requests: list[bytes] = field(default_factory=list)
    connections: int = 0
    port: int = 0


async def _serve(wire: Wire) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        wire.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                wire.requests.append(head + await reader.readexactly(length))
                answer = wire.answer(len(wire.requests))
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    wire.port = server.sockets[0].getsockname()[1]
    return server


def ok(_: int) -> bytes:
    return b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s" % (len(OK), OK)


@pytest.fixture
async def wire() -> AsyncIterator[Wire]:
    found = Wire(ok)
    server = await _serve(found)
    yield found
    server.close()


def transport(wire: Wire, **options: float) -> HttpTransport:
    return HttpTransport({"s": f"http://127.0.0.1:{wire.port}/graphql"}, **options)


async def test_requests_share_one_kept_alive_connection(wire: Wire) -> None:
    client = transport(wire)

    answers = [
        await client.send("s", {"query": "{ ok }"}, {"x-request-id": "r1"}) for _ in range(3)
    ]
    await client.aclose()

    assert answers == [{"data": {"ok": True}}] * 3
    assert wire.connections == 1
    head, body = wire.requests[0].split(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST /graphql HTTP/1.1"
    assert f"host: 127.0.0.1:{wire.port}".encode() in lines
    assert b"content-type: application/json" in lines
    assert b"x-request-id: r1" in lines
    assert body == b'{"query":"{ ok }"}'


async def test_concurrent_requests_open_their_own_connections_then_reuse_them(
    wire: Wire,
) -> None:
    client = transport(wire)

    for _ in range(2):
        await asyncio.gather(*(client.send("s", {"query": "{ ok }"}, {}) for _ in range(4)))
    await client.aclose()

    assert len(wire.requests) == 8
    assert wire.connections == 4


async def test_a_chunked_answer_is_read_whole(wire: Wire) -> None:
    wire.answer = lambda _: (
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
        b"5\r\n" + OK[:5] + b"\r\n" + b"%x\r\n" % len(OK[5:]) + OK[5:] + b"\r\n0\r\n\r\n"
    )
    client = transport(wire)

    assert await client.send("s", {"query": "{ ok }"}, {}) == {"data": {"ok": True}}
    await client.aclose()


async def test_a_header_with_a_line_break_is_never_sent(wire: Wire) -> None:
    client = transport(wire)

    with pytest.raises(SubgraphUnavailable):
        await client.send("s", {"query": "{ ok }"}, {"x-id": "a\r\nx-admin: yes"})
    await client.aclose()

    assert wire.requests == []


async def test_own_headers_are_not_taken_from_the_caller(wire: Wire) -> None:
    client = transport(wire)

    await client.send("s", {"query": "{ ok }"}, {"Content-Length": "0", "host": "evil"})
    await client.aclose()

    head = wire.requests[0].split(b"\r\n\r\n")[0].lower()
    assert head.count(b"content-length") == 1
    assert b"evil" not in head


async def test_a_connection_the_server_closed_is_not_reused(wire: Wire) -> None:
    # the server answers, then closes the connection (as at its keep-alive timeout)
    def answer_then_close(number: int) -> bytes:
        return ok(number).replace(b"200 OK\r\n", b"200 OK\r\nconnection: close\r\n")

    wire.answer = answer_then_close
    client = transport(wire)

    for _ in range(2):
        assert await client.send("s", {"query": "{ ok }"}, {}) == {"data": {"ok": True}}
    await client.aclose()

    assert wire.connections == 2


async def test_a_lost_connection_fails_the_call_without_sending_it_again(wire: Wire) -> None:
    wire.answer = lambda _: None  # read the request, close without answering
    client = transport(wire)

    with pytest.raises(SubgraphUnavailable, match="unavailable"):
        await client.send("s", {"query": "mutation { once }"}, {})
    await client.aclose()

    assert len(wire.requests) == 1


async def test_no_answer_in_time_is_a_timeout(wire: Wire) -> None:
    wire.answer = lambda _: b""  # never answers
    client = transport(wire, timeout=0.2)

    with pytest.raises(SubgraphUnavailable, match="timed out"):
        await client.send("s", {"query": "{ ok }"}, {})
    await client.aclose()


async def test_a_closed_port_is_unavailable() -> None:
    client = HttpTransport({"s": "http://127.0.0.1:9/graphql"})

    with pytest.raises(SubgraphUnavailable, match="unavailable"):
        await client.send("s", {"query": "{ ok }"}, {})
    await client.aclose()


async def test_a_connection_idle_too_long_is_replaced(wire: Wire) -> None:
    client = transport(wire, idle_seconds=0.05)

    await client.send("s", {"query": "{ ok }"}, {})
    await asyncio.sleep(0.1)
    await client.send("s", {"query": "{ ok }"}, {})
    await client.aclose()

    assert wire.connections == 2


async def test_a_subgraph_host_cannot_exhaust_the_gateways_memory_with_an_endless_answer() -> None:
    """A compromised subgraph host streams an answer without end: the call fails once the
    answer passes the bound, the connection is dropped, and the gateway holds no more of it."""

    async def endless(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        chunk = b"x" * 65536
        try:
            for _ in range(4096):  # 256 MiB if nobody stops it
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(endless, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    client = HttpTransport({"s": f"http://127.0.0.1:{port}/graphql"}, max_body_bytes=1 << 20)
    try:
        with pytest.raises(SubgraphUnavailable):
            await client.send("s", {"query": "{ ok }"}, {})
    finally:
        await client.aclose()
        server.close()


async def test_bytes_nobody_asked_for_are_never_taken_as_the_next_answer() -> None:
    """A server that writes an answer onto an idle connection (a smuggled response) does not
    get it read as the answer to the next request: the connection is dropped."""
    forged = b'{"data":{"ok":false}}'
    smuggled = b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n%s" % (len(forged), forged)

    def answer_then_smuggle(n: int) -> bytes:
        return ok(n) + (smuggled if n == 1 else b"")

    found = Wire(answer_then_smuggle)
    server = await _serve(found)
    client = transport(found)
    try:
        first = await client.send("s", {"query": "{ ok }"}, {})
        await asyncio.sleep(0.05)  # the smuggled answer arrives on the idle connection
        second = await client.send("s", {"query": "{ ok }"}, {})
    finally:
        await client.aclose()
        server.close()
    assert first == second == {"data": {"ok": True}}
    assert found.connections == 2
