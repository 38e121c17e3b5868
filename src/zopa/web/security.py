"""What keeps the dashboard safe to expose: security headers, an upload size limit, and the write token.

- Every response carries a Content-Security-Policy that allows nothing outside this server (no CDN, no inline
  script), ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` (and ``frame-ancestors 'none'``) and
  ``Referrer-Policy: no-referrer``.
- A request body larger than the upload limit gets 413 before it is parsed (by ``Content-Length``) or as soon
  as the streamed body passes the limit.
- Writing (ingest) needs the token the server was started with (``ZOPA_TOKEN``), sent as
  ``Authorization: Bearer <token>`` or as the form field ``token``; without a configured token the server is
  read-only.
- The ``Host`` header must name this server (:class:`HostCheck`): an IP address, ``localhost``, or a name
  the server was told it is served as (``--allowed-host``). A page on another site that rebinds its own name
  to this server's address (DNS rebinding) sends its own name, and gets 400 instead of the API's data.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Iterable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # plotly.js sets style attributes on the SVG it draws; styles only, and only from this server
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                headers = list(message.get("headers", []))
                headers.extend((name, value) for name, value in SECURITY_HEADERS if name not in names)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """ASGI middleware answering 413 to any request whose body is larger than ``limit`` bytes."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def _reject(self, scope: Scope, send: Send) -> None:
        detail = f"request body larger than the upload limit of {self.limit} bytes"
        path = scope.get("path", "")
        if path.startswith("/api/"):
            body = json.dumps({"detail": detail}).encode()
            content_type = b"application/json"
        else:
            body = f"413 Payload Too Large: {detail}\n".encode()
            content_type = b"text/plain; charset=utf-8"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name.lower() == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.limit:
                    await self._reject(scope, send)
                    return
        received = 0

        async def counting_receive() -> Message:
            # a body streamed without (or under a false) Content-Length: the endpoint reading it gets 413
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise HTTPException(
                        413, f"request body larger than the upload limit of {self.limit} bytes"
                    )
            return message

        await self.app(scope, counting_receive, send)


def host_allowed(host_header: str, allowed: frozenset[str]) -> bool:
    """True for a Host header that is an IP address, ``localhost`` (or ``*.localhost``), or in ``allowed``
    (lower case, without the port; ``*`` allows any)."""
    if "*" in allowed:
        return True
    host = host_header.strip().lower()
    if host.startswith("["):  # [IPv6]:port
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    if not host:
        return False
    try:
        ipaddress.ip_address(host)
        return True  # an address cannot be rebound: a page that uses it is from that address already
    except ValueError:
        pass
    return host == "localhost" or host.endswith(".localhost") or host in allowed


class HostCheck:
    """ASGI middleware answering 400 to a request whose Host header does not name this server."""

    def __init__(self, app: ASGIApp, *, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = frozenset(h.strip().lower() for h in allowed if h.strip())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"host"), "")
        if host_allowed(host, self.allowed):
            await self.app(scope, receive, send)
            return
        body = f"400 Bad Request: Host {host[:100]!r} is not served here (see zopa serve --allowed-host)\n"
        await send(
            {
                "type": "http.response.start",
                "status": 400,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body.encode())).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body.encode()})


def bearer_token(headers: Any) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if any."""
    value = headers.get("authorization") or ""
    scheme, _, credentials = value.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def token_matches(expected: str | None, given: str | None) -> bool:
    """True when a token is configured and ``given`` equals it (compared in constant time)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


READ_ONLY = "this server is read-only: start it with ZOPA_TOKEN set to allow ingest"


def check_token(expected: str | None, given: str | None) -> None:
    """Allow a write, or raise 401 (no token sent) / 403 (the server is read-only, or the token is wrong)."""
    if not given:
        why = "a token is needed: send Authorization: Bearer <token> or the form field token, first"
        if not expected:
            why += f" ({READ_ONLY})"
        raise HTTPException(401, why, headers={"WWW-Authenticate": "Bearer"})
    if not expected:
        raise HTTPException(403, READ_ONLY)
    if not token_matches(expected, given):
        raise HTTPException(403, "wrong token")
