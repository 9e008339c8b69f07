"""Fetching an image by URL for the HTTP service, only where an allow-list says so.

A server that fetches whatever URL a client names can be turned on its own network (SSRF):
cloud metadata at 169.254.169.254, admin ports on 127.0.0.1, ``file://``. So with no allow-list
nothing is fetched; with one, only http(s) URLs whose host is on it, never with credentials in
the URL, never to a link-local, multicast or unspecified address unless that very address is
listed, redirects followed only within the same host (at most three), the body capped in bytes
while it is read, and the whole fetch bounded in time. Proxy variables are ignored.

The connection goes to the very address that was checked (the Host header and the TLS server name
stay the URL's host): resolving again to connect would let a DNS server that answers differently
the second time ("DNS rebinding") steer the fetch to an address the check refused.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from argus.agent.errors import UrlFetchError, UrlNotAllowedError
from argus.tools.errors import ImageTooLargeError

MAX_REDIRECTS = 3


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _normal_host(host: str) -> str:
    ip = _ip(host)
    return str(ip) if ip is not None else host.strip().lower().rstrip(".")


def check_url(url: str, allowed_hosts: list[str]) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL the allow-list permits; UrlNotAllowedError otherwise."""
    if not allowed_hosts:
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
    if host not in {_normal_host(h) for h in allowed_hosts}:
        raise UrlNotAllowedError(f"image_url host {host!r} is not on this server's --allow-url-host list")
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80)


async def check_address(
    host: str, port: int, allowed_hosts: list[str]
) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The address to connect to. Refuse a host that resolves to a link-local, multicast, reserved or
    unspecified address, unless the allow-list names that address itself."""
    listed = {_normal_host(h) for h in allowed_hosts}
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise UrlFetchError(f"image_url host {host!r} cannot be resolved ({exc.strerror or exc})") from None
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    for ip in addresses:
        risky = ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved
        if risky and str(ip) not in listed:
            raise UrlNotAllowedError(
                f"image_url host {host!r} resolves to {ip}, a link-local, multicast or reserved address; "
                "refused"
            )
    if not addresses:
        raise UrlFetchError(f"image_url host {host!r} cannot be resolved (no address)")
    return addresses[0]


def pinned_request(
    url: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address
) -> tuple[str, dict, dict]:
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
        return await asyncio.wait_for(_fetch(url, allowed_hosts, max_bytes, timeout_s), timeout_s)
    except TimeoutError:
        raise UrlFetchError(f"image_url did not answer within {timeout_s:g} s") from None


async def _fetch(url: str, allowed_hosts: list[str], max_bytes: int, timeout_s: float) -> tuple[bytes, str]:
    _, first_host, _ = check_url(url, allowed_hosts)
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False, timeout=timeout_s) as client:
        for _ in range(MAX_REDIRECTS + 1):
            parts = urlsplit(url)
            if parts.scheme in ("http", "https") and _normal_host(parts.hostname or "") != first_host:
                raise UrlNotAllowedError(
                    f"image_url redirected to another host ({_normal_host(parts.hostname or '')!r}); only "
                    f"redirects within {first_host!r} are followed"
                )
            _, host, port = check_url(url, allowed_hosts)
            address = await check_address(host, port, allowed_hosts)
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
            except httpx.HTTPError as exc:
                raise UrlFetchError(f"image_url could not be fetched ({type(exc).__name__})") from None
            name = PurePosixPath(unquote(urlsplit(url).path)).name or "image"
            return b"".join(chunks), name
    raise UrlNotAllowedError(f"image_url redirected more than {MAX_REDIRECTS} times")
