"""The listening socket ``argus serve`` hands to uvicorn: a clear error when taken, Nagle off on connections.

uvicorn writes a response's headers and body in two writes; with Nagle on, the body waits for the
client's delayed ACK (~40 ms on Linux) on every request. asyncio turns Nagle off only for sockets whose
protocol number is IPPROTO_TCP, so the socket must be made with it.
"""

from __future__ import annotations

import asyncio
import socket

import pytest

from argus.agent.commands.serve import bind
from argus.agent.errors import ServerConfigError


def test_connections_to_the_served_socket_have_nagle_off():
    listener = bind("127.0.0.1", 0)
    port = listener.getsockname()[1]
    seen: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            sock = transport.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def serve_once() -> None:
        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        async with server:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            for _ in range(100):
                if seen:
                    break
                await asyncio.sleep(0.01)
            writer.close()

    asyncio.run(serve_once())
    assert seen and seen[0] != 0


def test_a_taken_port_is_a_config_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServerConfigError, match=f"cannot listen on 127.0.0.1:{port}"):
            bind("127.0.0.1", port)


def test_an_unresolvable_host_is_a_config_error():
    with pytest.raises(ServerConfigError, match="--host no-such-host.invalid: cannot be resolved"):
        bind("no-such-host.invalid", 0)
