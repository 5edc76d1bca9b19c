"""Careful HTTP fetching of feeds and article pages.

Only http and https; by default no private, loopback or link-local addresses
(a ledger fed with untrusted feed links must not become a way to reach the
internal network); capped size, redirects and time; a clear user agent.

The address is checked twice: when the name is resolved before the request
(``check_url``), and on the connection the request actually went out on, before
any of the body is read. A name that resolves to a public address for the check
and to a private one for the connection (DNS rebinding) is refused then; the
request has reached that address, but nothing it returns is read or stored.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from claimledger.errors import Code, IngestError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """Limits applied to every request."""

    timeout: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    user_agent: str = "claimledger/0.1"
    allow_private_addresses: bool = False


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched resource."""

    url: str  # final URL after redirects
    content: bytes
    content_type: str


def check_url(url: str, *, allow_private: bool) -> None:
    """Refuse non-http(s) schemes and, unless allowed, non-public addresses.

    Raises:
        IngestError: E111 naming the URL and the reason.
    """
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise IngestError(Code.E111, url, reason=f"unparsable URL ({exc})") from exc
    if parts.scheme not in ("http", "https"):
        raise IngestError(
            Code.E111, url, reason=f"scheme {parts.scheme or '(none)'!r} is not http(s)"
        )
    try:
        host = parts.hostname
        port = parts.port
    except ValueError as exc:
        raise IngestError(Code.E111, url, reason="malformed host or port") from exc
    if any(ord(c) < 33 for c in url):
        raise IngestError(Code.E111, url, reason="control or space characters in URL")
    if not host:
        raise IngestError(Code.E111, url, reason="no host")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as exc:
        raise IngestError(Code.E107, url, reason=f"cannot resolve host {host!r}") from exc
    for info in infos:
        addr = ipaddress.ip_address(info[4][0])
        if not addr.is_global:
            raise IngestError(Code.E111, url, reason=f"address {addr} is private or loopback")


def _check_peer(resp: httpx.Response, url: str) -> None:
    """Refuse a response whose connection went to a non-public address."""
    stream = resp.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if not peer:
        return  # the transport does not say (not a socket): the name check stands
    try:
        addr = ipaddress.ip_address(peer[0])
    except ValueError:
        return
    if not addr.is_global:
        raise IngestError(
            Code.E111,
            url,
            reason=f"connected to {addr}, private or loopback (the name resolved differently)",
        )


def fetch(url: str, *, options: FetchOptions) -> Fetched:
    """GET ``url`` within the limits of ``options``, following redirects by hand.

    Every redirect target is checked again, so a public URL cannot redirect
    into the private network.

    Raises:
        IngestError: E107 (HTTP error, timeout), E105 (too large), E111 (refused URL).
    """
    current = url
    headers = {"User-Agent": options.user_agent, "Accept": "*/*"}
    with httpx.Client(timeout=options.timeout, follow_redirects=False, headers=headers) as client:
        for _ in range(options.max_redirects + 1):
            check_url(current, allow_private=options.allow_private_addresses)
            try:
                with client.stream("GET", current) as resp:
                    if not options.allow_private_addresses:
                        _check_peer(resp, url)
                    if resp.is_redirect:
                        location = resp.headers.get("location")
                        if not location:
                            raise IngestError(Code.E107, url, reason="redirect without location")
                        current = urljoin(current, location)
                        continue
                    if resp.status_code >= 400:
                        raise IngestError(Code.E107, url, reason=f"status {resp.status_code}")
                    declared = resp.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > options.max_bytes:
                        raise IngestError(
                            Code.E105, url, size=int(declared), limit=options.max_bytes
                        )
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > options.max_bytes:
                            raise IngestError(Code.E105, url, size=size, limit=options.max_bytes)
                        chunks.append(chunk)
                    return Fetched(
                        url=str(resp.url),
                        content=b"".join(chunks),
                        content_type=resp.headers.get("content-type", ""),
                    )
            except (httpx.InvalidURL, UnicodeError) as exc:  # e.g. an empty IDNA label
                raise IngestError(Code.E111, url, reason="malformed URL") from exc
            except httpx.TimeoutException as exc:
                raise IngestError(
                    Code.E107, url, reason=f"timed out after {options.timeout:g}s"
                ) from exc
            except httpx.HTTPError as exc:
                raise IngestError(Code.E107, url, reason=type(exc).__name__) from exc
    raise IngestError(Code.E107, url, reason=f"more than {options.max_redirects} redirects")
