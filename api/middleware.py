"""The app's outer guard (pure ASGI): host, token and body budget are checked before a route reads a byte.

Order matters: a request without the token must not make the server read, spool or parse its body (a 1 GiB
multipart upload was written to /tmp before the 401), so the token check happens here, from the headers alone, and
the body budget is counted as the bytes arrive (chunked bodies have no Content-Length to trust). The routes keep
their own token dependencies (one rule: `Access.refusal`), which also document the security scheme in /docs.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Sequence

import anyio
from starlette.exceptions import HTTPException

from tracuu.errors import TracuuError

from .errors import UnauthorizedError, WritesDisabledError

from .handlers import error_response
from .limits import Budgets, HostNotAllowedError, SlowRequestError, body_limit

READ_PATHS = ("/search", "/ask", "/quotes", "/info", "/documents", "/passages")
NO_STORE = (b"cache-control", b"no-store")
NOSNIFF = (b"x-content-type-options", b"nosniff")


@dataclass(frozen=True)
class Access:
    """Who may do what: writes need `token`; reads need `read_token` (or `token`) when one is set."""

    token: str | None
    read_token: str | None

    @staticmethod
    def kind(method: str, path: str) -> str | None:
        """"write", "read" or None (the page, /health, /docs, /static: open to all)."""
        if (method == "POST" and path == "/documents") or (method == "DELETE" and path.startswith("/documents/")):
            return "write"
        if any(path == p or path.startswith(p + "/") for p in READ_PATHS):
            return "read"
        return None

    def refusal(self, kind: str | None, authorization: str | None) -> TracuuError | None:
        given = _bearer(authorization)
        if kind == "write":
            if not self.token:
                return WritesDisabledError()
            return None if _matches(given, self.token) else UnauthorizedError("thay đổi chỉ mục này")
        if kind == "read" and self.read_token and not _matches(given, self.read_token, self.token):
            return UnauthorizedError("đọc chỉ mục này")
        return None


def _bearer(authorization: str | None) -> str:
    scheme, _, credentials = (authorization or "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


def _matches(given: str, *tokens: str | None) -> bool:
    return any(t and hmac.compare_digest(given.encode(), t.encode()) for t in tokens)


def host_allowed(host: str, allowed: Sequence[str] | None) -> bool:
    """`host` (a Host header, port and all) against names like "localhost", "127.0.0.1", "::1" or "*"."""
    if allowed is None or "*" in allowed:
        return True
    name = host.strip().lower()
    if name.startswith("["):  # [::1]:8000
        name = name[1:].partition("]")[0]
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    return name in {a.strip().lower().strip("[]") for a in allowed}


class BodyRefused(HTTPException):
    """Raised from `receive` when the body goes over its budget: an HTTPException, so FastAPI's body reading
    passes it on instead of turning it into a 400, and the app's handler answers with `error`."""

    def __init__(self, error: TracuuError) -> None:
        super().__init__(status_code=error.http_status, detail=error.message)
        self.error = error


class Guard:
    def __init__(self, app: Any, *, access: Callable[[], Access], budgets: Budgets,
                 allowed_hosts: Sequence[str] | None) -> None:
        self.app, self.access, self.budgets, self.allowed_hosts = app, access, budgets, allowed_hosts

    async def __call__(self, scope: dict, receive: Callable[[], Awaitable[dict]], send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        method, path = scope["method"], scope["path"]
        limit, seconds, too_large = body_limit(method, path, self.budgets)
        length = headers.get("content-length", "")
        body = _Body(receive, limit, seconds, too_large,
                     expected=headers.get("transfer-encoding") is not None or length not in ("", "0"))
        refusal: TracuuError | None = None
        if not host_allowed(headers.get("host", ""), self.allowed_hosts):
            refusal = HostNotAllowedError(headers.get("host", ""))
        else:
            refusal = self.access().refusal(Access.kind(method, path), headers.get("authorization"))
        if refusal is None and length.isdigit() and int(length) > limit:
            refusal = too_large  # refused from its Content-Length, before a byte of it is read
        guarded = _headers(send, path, body)
        if refusal is not None:
            await error_response(refusal)(scope, receive, guarded)
            return
        try:
            await self.app(scope, body.receive, guarded)
        except BodyRefused as exc:  # raised where no handler caught it (a body read outside a route)
            if body.responded:
                raise
            await error_response(exc.error)(scope, receive, guarded)


class _Body:
    """`receive`, counting the body's bytes and time as they arrive."""

    def __init__(self, receive: Callable[[], Awaitable[dict]], limit: int, seconds: float, too_large: TracuuError,
                 expected: bool) -> None:
        self._receive, self.limit, self.too_large = receive, limit, too_large
        self.deadline = anyio.current_time() + seconds
        self.seconds = seconds
        self.size = 0
        self.complete = not expected
        self.responded = False

    async def receive(self) -> dict:
        if self.complete:  # after the body: waiting for the client to hang up is not budgeted
            return await self._receive()
        try:
            with anyio.fail_after(max(0.0, self.deadline - anyio.current_time())):
                message = await self._receive()
        except TimeoutError:
            raise BodyRefused(SlowRequestError(self.seconds)) from None
        if message["type"] == "http.request":
            self.size += len(message.get("body", b""))
            if self.size > self.limit:
                raise BodyRefused(self.too_large)
            self.complete = not message.get("more_body", False)
        elif message["type"] == "http.disconnect":
            self.complete = True
        return message


def _headers(send: Callable, path: str, body: _Body) -> Callable:
    """`send`, adding nosniff and no-store (the static files may be cached), and closing the connection when the
    answer goes before the body was read: the rest of it is then never read, not even to be thrown away."""

    async def guarded(message: dict) -> None:
        if message["type"] == "http.response.start":
            body.responded = True
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != NOSNIFF[0]]
            headers.append(NOSNIFF)
            if not path.startswith("/static/") and not any(k.lower() == NO_STORE[0] for k, _ in headers):
                headers.append(NO_STORE)
            if not body.complete:
                headers.append((b"connection", b"close"))
            message = {**message, "headers": headers}
        await send(message)

    return guarded

