"""Fetching an image by URL for the HTTP service, only where an allow-list says so.

A server that fetches whatever URL a client names can be turned on its own network (SSRF):
cloud metadata at 169.254.169.254, admin ports on 127.0.0.1, ``file://``. So with no allow-list
nothing is fetched, and with one:

- only http(s) URLs whose host and port the list permits. An entry is a host name, an IP address
  or a CIDR range, optionally with ``:PORT`` (``images.example.org``, ``images.example.org:8443``,
  ``10.20.0.0/16``, ``[fd00::7]:8080``); without a port it permits 80 and 443 only;
- never with credentials in the URL;
- never to an address that is not public (loopback, private, link-local, shared/CGNAT 100.64/10,
  unique-local fc00::/7, multicast, reserved, unspecified) after the name is resolved, unless that
  address, or a range holding it, is itself on the list: an allowed name that resolves to 127.0.0.1
  is refused;
- redirects followed only within the same host, at most three, each one's port checked again;
- the body capped in bytes while it is read, and the whole fetch bounded in time.

Every way the connection can fail (no such name, refused, reset, timed out, not HTTP) gives the
one same error, so the answers cannot be used to map which ports are open. Proxy variables are
ignored.

The connection goes to the very address that was checked (the Host header and the TLS server name
stay the URL's host): resolving again to connect would let a DNS server that answers differently
the second time ("DNS rebinding") steer the fetch to an address the check refused.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from argus.agent.errors import UrlFetchError, UrlNotAllowedError
from argus.tools.errors import ImageTooLargeError

MAX_REDIRECTS = 3
DEFAULT_PORTS = (80, 443)
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT; Python files it under neither


@dataclass(frozen=True)
class AllowEntry:
    """One ``--allow-url-host`` entry: a host name, or the addresses of an IP or a CIDR range, with
    the one port it permits (None: 80 and 443)."""

    name: str | None
    network: IPNetwork | None
    port: int | None

    def holds(self, host: str) -> bool:
        """Whether ``host`` (a normalised name or IP literal) is this entry's name or in its addresses."""
        if self.name is not None:
            return host == self.name
        ip = _ip(host)
        return ip is not None and self.network is not None and ip in self.network

    def opens(self, port: int) -> bool:
        return port == self.port if self.port is not None else port in DEFAULT_PORTS


class AllowList:
    """The parsed ``--allow-url-host`` entries."""

    def __init__(self, entries: list[str]) -> None:
        self.entries = [parse_allow_entry(e) for e in entries]

    def __bool__(self) -> bool:
        return bool(self.entries)

    def permits_host(self, host: str) -> bool:
        return any(e.holds(host) for e in self.entries)

    def permits(self, host: str, port: int) -> bool:
        return any(e.holds(host) and e.opens(port) for e in self.entries)

    def covers(self, address: IPAddress) -> bool:
        """Whether an entry names this address (or a range holding it): then it may be non-public."""
        return any(e.network is not None and address in e.network for e in self.entries)


def parse_allow_entry(entry: str) -> AllowEntry:
    """``host``, ``host:port``, ``IP``, ``[IPv6]:port``, ``CIDR`` or ``CIDR:port``; ValueError otherwise."""
    text = entry.strip().lower()
    port_text: str | None = None
    if text.startswith("["):
        inside, _, rest = text[1:].partition("]")
        if rest and not rest.startswith(":"):
            raise ValueError(entry)
        text, port_text = inside, rest[1:] if rest else None
    elif text.count(":") == 1:
        text, port_text = text.split(":")
    port = None
    if port_text is not None:
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise ValueError(entry)
        port = int(port_text)
    try:
        return AllowEntry(None, ipaddress.ip_network(text, strict=False), port)
    except ValueError:
        pass
    name = text.rstrip(".")
    if not _HOST.match(name):
        raise ValueError(entry)
    return AllowEntry(name, None, port)


def _ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _normal_host(host: str) -> str:
    ip = _ip(host)
    return str(ip) if ip is not None else host.strip().lower().rstrip(".")


def check_url(url: str, allowed: AllowList) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL the allow-list permits; UrlNotAllowedError otherwise."""
    if not allowed:
        raise UrlNotAllowedError(
            "this server does not fetch image URLs (no --allow-url-host is configured); upload the image file"
        )
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UrlNotAllowedError(f"image_url is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise UrlNotAllowedError(
            f"image_url must be an http or https URL, got scheme {parts.scheme or 'none'!r}"
        )
    if not parts.hostname:
        raise UrlNotAllowedError("image_url has no host")
    if parts.username is not None or parts.password is not None:
        raise UrlNotAllowedError("image_url must not carry credentials (user:password@)")
    host = _normal_host(parts.hostname)
    port = port or (443 if parts.scheme == "https" else 80)
    if not allowed.permits_host(host):
        raise UrlNotAllowedError(f"image_url host {host!r} is not on this server's --allow-url-host list")
    if not allowed.permits(host, port):
        raise UrlNotAllowedError(
            f"image_url port {port} is not allowed for {host!r}: without a port an --allow-url-host entry "
            f"allows 80 and 443, and HOST:PORT allows that one port"
        )
    return parts.scheme, host, port


def address_kind(ip: IPAddress) -> str | None:
    """What kind of non-public address ``ip`` is, or None for a public one."""
    for kind, test in (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("shared (carrier-grade NAT)", ip.version == 4 and ip in _SHARED),
        ("unique-local", ip.version == 6 and ip in ipaddress.ip_network("fc00::/7")),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    ):
        if test:
            return kind
    return None


async def check_address(host: str, port: int, allowed: list[str] | AllowList) -> IPAddress:
    """The address to connect to. Every address the name resolves to must be public, unless the
    allow-list names that address or a range holding it."""
    allow = allowed if isinstance(allowed, AllowList) else AllowList(allowed)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise _unreachable() from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    addresses = [a.ipv4_mapped if a.version == 6 and a.ipv4_mapped else a for a in addresses]
    for ip in addresses:
        kind = address_kind(ip)
        if kind is not None and not allow.covers(ip):
            raise UrlNotAllowedError(
                f"image_url host {host!r} resolves to {ip}, a {kind} address; refused unless "
                "--allow-url-host lists that address or a range holding it"
            )
    if not addresses:
        raise _unreachable()
    return addresses[0]


def _unreachable() -> UrlFetchError:
    """The one error for every way a connection can fail, whatever the cause."""
    return UrlFetchError("image_url could not be fetched: the connection failed or did not finish in time")


def pinned_request(url: str, address: IPAddress) -> tuple[str, dict, dict]:
    """(URL with the host replaced by ``address``, headers, httpx extensions) for a request that
    reaches the checked address while the server still sees, and TLS still verifies, the URL's host."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    bracketed = f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets
    literal = f"[{address}]" if address.version == 6 else str(address)
    headers = {"Accept": "image/*", "Host": bracketed + port}
    extensions = {"sni_hostname": host} if parts.scheme == "https" and _ip(host) is None else {}
    return parts._replace(netloc=literal + port).geturl(), headers, extensions


async def fetch_image_url(
    url: str, allowed_hosts: list[str], max_bytes: int, timeout_s: float
) -> tuple[bytes, str]:
    """The bytes at ``url`` and a file name taken from its path, within every limit above."""
    try:
        return await asyncio.wait_for(_fetch(url, AllowList(allowed_hosts), max_bytes, timeout_s), timeout_s)
    except TimeoutError:
        raise _unreachable() from None


async def _fetch(url: str, allowed: AllowList, max_bytes: int, timeout_s: float) -> tuple[bytes, str]:
    _, first_host, _ = check_url(url, allowed)
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False, timeout=timeout_s) as client:
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and _normal_host(parts.hostname or "") != first_host:
                raise UrlNotAllowedError(
                    f"image_url redirected to another host ({_normal_host(parts.hostname or '')!r}); only "
                    f"redirects within {first_host!r} are followed"
                )
            _, host, port = check_url(url, allowed)
            address = await check_address(host, port, allowed)
            target, headers, extensions = pinned_request(url, address)
            try:
                async with client.stream("GET", target, headers=headers, extensions=extensions) as response:
                    if response.is_redirect:
                        location = response.headers.get("location", "")
                        url = urljoin(url, location)
                        continue
                    if response.status_code != 200:
                        raise UrlFetchError(f"image_url answered HTTP {response.status_code}")
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise ImageTooLargeError(
                            f"image_url declares {int(declared):,} bytes, over the {max_bytes:,}-byte limit"
                        )
                    chunks: list[bytes] = []
                    total = 0
                    async for chunk in response.aiter_bytes():
                        total += len(chunk)
                        if total > max_bytes:
                            raise ImageTooLargeError(
                                f"image_url sent over {max_bytes:,} bytes; the limit is {max_bytes:,}"
                            )
                        chunks.append(chunk)
            except httpx.HTTPError:
                raise _unreachable() from None
            name = PurePosixPath(unquote(urlsplit(url).path)).name or "image"
            return b"".join(chunks), name
    raise UrlNotAllowedError(f"image_url redirected more than {MAX_REDIRECTS} times")
