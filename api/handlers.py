"""Response plumbing of the HTTP app: JSON that takes numpy scalars, the one error handler, the upload-size guard."""
from __future__ import annotations

import json
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse as _JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tracuu.errors import InvalidQueryError, TracuuError

from .errors import UnauthorizedError, UploadTooLargeError


class JSONResponse(_JSONResponse):
    """Starlette's JSON, also accepting numpy scalars (a score that stayed float32 must not turn into a 500)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                          default=_scalar).encode("utf-8")


def _scalar(value: Any) -> Any:
    if hasattr(value, "item") and callable(value.item):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def error_response(exc: TracuuError) -> JSONResponse:
    """The one shape of every error: {"error": message, "fix": fix}, with the error's own HTTP status."""
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, UnauthorizedError) else None
    return JSONResponse({"error": exc.message, "fix": exc.fix}, status_code=exc.http_status, headers=headers)


def add_error_handlers(app: FastAPI) -> None:
    def tracuu_error(_: Request, exc: TracuuError) -> JSONResponse:
        return error_response(exc)

    def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": ("request",), "msg": "is invalid"}
        where = ".".join(str(part) for part in first.get("loc", ()) if part not in ("query", "body", "path"))
        return tracuu_error(request, InvalidQueryError(where or "request", first.get("msg", "is invalid"),
                                                       fix="see the request schema at /docs"))

    def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Starlette's own 404/405/400 (no such route, bad multipart) in the same shape as every other error.
        return JSONResponse({"error": str(exc.detail), "fix": "see the endpoints and request shapes at /docs"},
                            status_code=exc.status_code, headers=exc.headers)

    app.add_exception_handler(TracuuError, tracuu_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(StarletteHTTPException, http_error)


class UploadSizeGuard:
    """Refuses an oversized upload from its Content-Length, before the body is read (chunked ones are cut later)."""

    def __init__(self, app: Any, limit_bytes: int) -> None:
        self.app, self.limit = app, limit_bytes + 64 * 1024  # room for the multipart framing

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == "/documents":
            length = dict(scope["headers"]).get(b"content-length", b"0")
            if length.isdigit() and int(length) > self.limit:
                await error_response(UploadTooLargeError(self.limit - 64 * 1024))(scope, receive, send)
                return
        await self.app(scope, receive, send)
