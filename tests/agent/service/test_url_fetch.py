"""The URL fetcher on its own, against real HTTP servers on loopback: which hosts, addresses and
ports the allow-list opens, and one same error for every failed connection."""

from __future__ import annotations

import asyncio
import contextlib
import http.server
import re
import socket
import threading
from collections.abc import Iterator

import pytest

from argus.agent.errors import ServerConfigError, UrlFetchError, UrlNotAllowedError
from argus.agent.service.settings import ServerSettings
from argus.agent.service.url_fetch import check_address, fetch_image_url
from tests.support import samples

BUS = samples.BUS.read_bytes()
PATIENT_S = 60.0  # no connection below waits on anything: only a hang would reach this


class _Images(http.server.BaseHTTPRequestHandler):
    """/bus.jpg, and /elsewhere?port=N: a redirect to the same host on port N."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path.startswith("/elsewhere"):
            port = self.path.rsplit("=", 1)[1]
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{port}/bus.jpg")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(BUS)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(BUS)

    def log_message(self, *_: object) -> None:
        pass


@contextlib.contextmanager
def _server() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Images)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with _server() as p:
        yield p


@pytest.fixture(scope="module")
def other_port() -> Iterator[int]:
    with _server() as p:
        yield p


def _fetch(url: str, allowed: list[str], timeout_s: float = PATIENT_S) -> tuple[bytes, str]:
    return asyncio.run(fetch_image_url(url, allowed, 10**7, timeout_s))


def _resolve_to(monkeypatch, address: str) -> None:
    """Every name resolves to ``address`` (as a DNS server the client controls might answer)."""

    async def resolver(self, host, port, **_):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", resolver)


# ------------------------------------------------------------------------------ addresses


def test_an_allowed_name_that_resolves_to_loopback_is_refused(monkeypatch, port):
    _resolve_to(monkeypatch, "127.0.0.1")
    with pytest.raises(UrlNotAllowedError, match="resolves to 127.0.0.1, a loopback address"):
        _fetch(f"http://images.example.org:{port}/bus.jpg", [f"images.example.org:{port}"])
    data, _ = _fetch(f"http://images.example.org:{port}/bus.jpg", [f"images.example.org:{port}", "127.0.0.1"])
    assert data == BUS  # the admin listed the address itself


@pytest.mark.parametrize(
    ("address", "kind", "listed"),
    [
        ("10.1.2.3", "private", "10.0.0.0/8"),
        ("192.168.7.7", "private", "192.168.7.7"),
        ("172.20.0.1", "private", "172.16.0.0/12"),
        ("100.64.3.4", "shared (carrier-grade NAT)", "100.64.0.0/10"),
        ("169.254.169.254", "link-local", "169.254.169.254"),
        ("fd12:3456::1", "unique-local", "fc00::/7"),
        ("fe80::1", "link-local", "fe80::/10"),
        ("::ffff:127.0.0.1", "loopback", "127.0.0.0/8"),
        ("0.0.0.0", "unspecified", "0.0.0.0"),
    ],
)
def test_non_public_addresses_are_refused_unless_listed(monkeypatch, address, kind, listed):
    _resolve_to(monkeypatch, address)
    with pytest.raises(UrlNotAllowedError, match=re.escape(f"a {kind} address")):
        asyncio.run(check_address("images.example.org", 80, ["images.example.org"]))
    asyncio.run(check_address("images.example.org", 80, ["images.example.org", listed]))


def test_a_public_address_needs_no_listing(monkeypatch):
    _resolve_to(monkeypatch, "93.184.215.14")
    assert (
        str(asyncio.run(check_address("images.example.org", 443, ["images.example.org"]))) == "93.184.215.14"
    )


# ---------------------------------------------------------------------------------- ports


def test_an_entry_without_a_port_opens_only_80_and_443(port):
    with pytest.raises(UrlNotAllowedError, match=f"port {port} is not allowed for '127.0.0.1'"):
        _fetch(f"http://127.0.0.1:{port}/bus.jpg", ["127.0.0.1"])


def test_host_port_opens_that_port_only(port, other_port):
    assert _fetch(f"http://127.0.0.1:{port}/bus.jpg", [f"127.0.0.1:{port}"])[0] == BUS
    with pytest.raises(UrlNotAllowedError, match=f"port {other_port} is not allowed"):
        _fetch(f"http://127.0.0.1:{other_port}/bus.jpg", [f"127.0.0.1:{port}"])


def test_a_redirect_to_another_port_on_the_same_host_is_checked_again(port, other_port):
    url = f"http://127.0.0.1:{port}/elsewhere?port={other_port}"
    with pytest.raises(UrlNotAllowedError, match=f"port {other_port} is not allowed"):
        _fetch(url, [f"127.0.0.1:{port}"])
    data, name = _fetch(url, [f"127.0.0.1:{port}", f"127.0.0.1:{other_port}"])
    assert data == BUS and name == "bus.jpg"


# ------------------------------------------------------------------- failed connections


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def _listener(behaviour: str) -> Iterator[int]:
    """A TCP port that accepts and then hangs up at once ("hang-up") or never answers ("silent")."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if behaviour == "hang-up":
                conn.close()
            else:
                held.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        sock.close()


def _failure(url: str, allowed: list[str], timeout_s: float = PATIENT_S) -> str:
    with pytest.raises(UrlFetchError) as caught:
        _fetch(url, allowed, timeout_s)
    return str(caught.value)


def test_every_failed_connection_gives_the_same_error(monkeypatch):
    closed = _closed_port()
    messages = {"closed port": _failure(f"http://127.0.0.1:{closed}/a.jpg", [f"127.0.0.1:{closed}"])}
    with _listener("hang-up") as open_port:
        messages["open port, not HTTP"] = _failure(
            f"http://127.0.0.1:{open_port}/a.jpg", [f"127.0.0.1:{open_port}"]
        )
    # The only case about time, with its own short limit: the listener never answers at all.
    with _listener("silent") as silent:
        messages["no answer"] = _failure(
            f"http://127.0.0.1:{silent}/a.jpg", [f"127.0.0.1:{silent}"], timeout_s=0.5
        )

    async def no_such_name(self, host, port, **_):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", no_such_name)
    messages["no such name"] = _failure("http://images.example.org/a.jpg", ["images.example.org"])
    assert len(set(messages.values())) == 1, messages
    assert "could not be fetched" in messages["closed port"]


# ------------------------------------------------------------------------------ settings


@pytest.mark.parametrize(
    "entry",
    [
        "images.example.org",
        "images.example.org:8443",
        "10.20.0.0/16",
        "10.20.0.0/16:8080",
        "::1",
        "[fd00::7]:8080",
        "127.0.0.1:5000",
    ],
)
def test_allow_list_entries_that_are_accepted(entry):
    ServerSettings(no_auth=True, allow_url_hosts=[entry]).check()


@pytest.mark.parametrize(
    "entry",
    [
        "http://images.example.org/",
        "images.example.org:0",
        "images.example.org:70000",
        "host:http",
        "a b",
        "[::1]x",
        "",
    ],
)
def test_allow_list_entries_that_are_refused(entry):
    with pytest.raises(ServerConfigError, match="--allow-url-host takes a bare host name"):
        ServerSettings(no_auth=True, allow_url_hosts=[entry]).check()
